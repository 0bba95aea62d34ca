package e2e

import (
	"fmt"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// fastConfig has named profiles on exec, file and clone events, and one
// counted on both exec and file events.
const fastConfig = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
  {"name": "spawn", "fields": "%proc.name %proc.pname %proc.cmdline", "event_codes": ["execve"]},
  {"name": "files", "fields": "%proc.name %proc.aname[2] %fd.name", "event_codes": ["openat"]},
  {"name": "forks", "fields": "%proc.name %proc.pname", "event_codes": ["clone"]},
  {"fields": "%proc.name %proc.sname", "event_codes": ["execve", "openat"]},
  {"name": "long", "fields": "%container.id %proc.name %proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname %proc.cmdline %fd.name", "event_codes": ["openat"]}]}}`

// TestFastExtractMatchesGo: after parse, the plugin answers extractions of
// the same event in C, from what parse computed (plugin/fast.c). Every
// such answer must equal the Go path's answer for the same event and
// state. The Go path is reached by extracting under an event number the
// plugin never parsed, which the fast path never answers.
func TestFastExtractMatchesGo(t *testing.T) {
	fields := []string{"anomaly.falco.duration_ns", "anomaly.count_min_sketch"}
	for _, f := range []string{"anomaly.count_min_sketch", "anomaly.count_min_sketch.profile"} {
		for _, arg := range []string{"0", "1", "2", "3", "4", "5", "spawn", "files", "forks", "long", "nope"} {
			fields = append(fields, f+"["+arg+"]")
		}
	}
	events := []struct {
		name string
		raw  []byte
	}{
		{"execve", event.EncodeExecve(event.ExecEvent{TS: 10, Tid: 2000, Pid: 2000, Ptid: 1000,
			Exe: "cat", Comm: "cat", Args: []string{"/etc/hosts"}})},
		{"execve failed", event.EncodeExecve(event.ExecEvent{TS: 20, Tid: 2000, Res: -2, Pid: 2000,
			Ptid: 1000, Exe: "cat", Comm: "cat"})},
		{"openat", event.EncodeOpenat(event.FileEvent{TS: 30, Tid: 2000, FD: 3, DirFD: -100,
			Path: "/etc/passwd"})},
		// Bytes above 0x7f next to the NUL separators, for the
		// word-at-a-time NUL-to-space copy.
		{"openat non-ASCII", event.EncodeOpenat(event.FileEvent{TS: 35, Tid: 2000, FD: 4, DirFD: -100,
			Path: "/tmp/\xff\x80\x7f\x01é/ü"})},
		{"openat failed", event.EncodeOpenat(event.FileEvent{TS: 40, Tid: 2000, FD: -2, DirFD: -100,
			Path: "/etc/shadow"})},
		{"clone parent", event.EncodeClone(event.CloneEvent{TS: 50, Tid: 2000, Res: 2001, Pid: 2000,
			Ptid: 1000, Comm: "cat"})},
		{"clone child", event.EncodeClone(event.CloneEvent{TS: 60, Tid: 2001, Res: 0, Pid: 2001,
			Ptid: 2000, Comm: "cat"})},
	}
	forGens(t, func(t *testing.T, g host.Gen) {
		p := openInit(t, g, fastConfig)
		defer p.Destroy()
		hits, err := fastHits(lib)
		if err != nil {
			t.Fatal(err)
		}
		newProc(t, p, 2000, "cat", "/etc/hosts")
		newProc(t, p, 2001, "cat")
		answered := 0
		for k, ev := range events {
			num := uint64(100 + k)
			// Twice, so that counts differ from the first round's.
			for round := 0; round < 2; round++ {
				num += 1000 * uint64(round)
				if err := p.Parse(ev.raw, num); err != nil {
					t.Fatal(err)
				}
				type answer struct {
					text string
					ok   bool
				}
				fast := make([]answer, len(fields))
				before := hits(p.StateHandle())
				for i, f := range fields {
					fast[i].text, fast[i].ok = extractText(t, p, ev.raw, num, f)
				}
				answered += int(hits(p.StateHandle()) - before)
				before = hits(p.StateHandle())
				for i, f := range fields {
					unparsed := num + uint64(i+1)<<32
					text, ok := extractText(t, p, ev.raw, unparsed, f)
					if text != fast[i].text || ok != fast[i].ok {
						t.Errorf("%s, round %d, %s: after parse %q (%v), Go path %q (%v)",
							ev.name, round, f, fast[i].text, fast[i].ok, text, ok)
					}
				}
				if n := hits(p.StateHandle()) - before; n != 0 {
					t.Errorf("%s: %d extractions of unparsed events were answered in C", ev.name, n)
				}
			}
		}
		// Most fields are known after parse; a few (a profile not counted
		// on the event, but evaluable on it) are always left to Go.
		if min := len(events) * 2 * len(fields) / 2; answered < min {
			t.Errorf("the fast path answered %d extractions, want at least %d", answered, min)
		}
	})
}

// TestFastExtractDeclinesOtherEvents: answers belong to one event number.
// Another number goes to Go, even with the same bytes at the same
// address (hosts reuse their event buffers), and so does any extraction
// after a parse that failed.
func TestFastExtractDeclinesOtherEvents(t *testing.T) {
	p := openInit(t, host.Gen312, fastConfig)
	defer p.Destroy()
	hits, err := fastHits(lib)
	if err != nil {
		t.Fatal(err)
	}
	newProc(t, p, 2000, "cat", "/etc/hosts")
	raw := event.EncodeOpenat(event.FileEvent{TS: 30, Tid: 2000, FD: 3, DirFD: -100, Path: "/etc/passwd"})
	const f = "anomaly.count_min_sketch[files]"
	check := func(what string, num uint64, wantHit bool, want string) {
		t.Helper()
		before := hits(p.StateHandle())
		got, ok := extractText(t, p, raw, num, f)
		if !ok || got != want {
			t.Errorf("%s: %s = %q (%v), want %s", what, f, got, ok, want)
		}
		if hit := hits(p.StateHandle()) != before; hit != wantHit {
			t.Errorf("%s: answered in C = %v, want %v", what, hit, wantHit)
		}
	}
	if err := p.Parse(raw, 7); err != nil {
		t.Fatal(err)
	}
	check("parsed event", 7, true, "1")
	check("same bytes, next number", 8, false, "1")
	check("the Go answer, asked again", 8, true, "1")

	// A parse that fails (a parameter longer than the event) unpublishes.
	bad := event.Encode(31, 2000, event.OpenatX, event.PInt64(3))
	bad[event.HeaderSize], bad[event.HeaderSize+1] = 0xff, 0xff
	if err := p.Parse(bad, 9); err == nil {
		t.Fatal("parse of a truncated openat succeeded")
	}
	before := hits(p.StateHandle())
	extractText(t, p, bad, 9, f)
	if hits(p.StateHandle()) != before {
		t.Error("an extraction after a failed parse was answered in C")
	}
}

// prefixConfig counts a file profile whose process fields the plugin
// keeps per thread between events (the prefix cache).
const prefixConfig = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
  {"fields": "%proc.name %proc.pname %proc.aname[2] %fd.name", "event_codes": ["openat"]}]}}`

// TestPrefixCacheFollowsStateEvents: the plugin keeps the rendering of a
// thread's process fields between its file events (the prefix cache), and
// the entries of its ancestors (the entry cache), and reads them again
// after the events that may change them, which libsinsp's own parsers
// apply before the plugin sees them: an event of bash (renamed in the
// table) makes its new name show, as does sshd's exit, after which
// libsinsp reparents bash. The plugin parses these events in C only (it
// counts none of them). Changes that reach the table without an event
// (libsinsp's /proc scans) show after at most a second of event time.
func TestPrefixCacheFollowsStateEvents(t *testing.T) {
	stateEvents := []struct {
		name string
		raw  func(ts uint64) []byte
	}{
		{"execve", func(ts uint64) []byte {
			return event.EncodeExecve(event.ExecEvent{TS: ts, Tid: 1000, Pid: 1000, Ptid: 500, Exe: "x", Comm: "x"})
		}},
		{"clone", func(ts uint64) []byte {
			return event.EncodeClone(event.CloneEvent{TS: ts, Tid: 1000, Res: 4000, Pid: 1000, Ptid: 500, Comm: "x"})
		}},
		{"setsid", func(ts uint64) []byte { return event.Encode(ts, 1000, 275, event.PInt64(1000)) }},
		{"chdir", func(ts uint64) []byte {
			return event.Encode(ts, 1000, event.ChdirX, event.PInt64(0), event.PString("/"))
		}},
		{"async", func(ts uint64) []byte {
			return event.Encode(ts, 0, event.AsyncEventE, event.PUint32(1), event.PString("container"))
		}},
	}
	forGens(t, func(t *testing.T, g host.Gen) {
		p := openInit(t, g, prefixConfig)
		defer p.Destroy()
		newProc(t, p, 2000, "cat")
		num, ts := uint64(0), uint64(1000)
		text := func() string {
			t.Helper()
			num++
			ts++
			raw := event.EncodeOpenat(event.FileEvent{TS: ts, Tid: 2000, FD: 3, DirFD: -100, Path: "/etc/hosts"})
			if err := p.Parse(raw, num); err != nil {
				t.Fatal(err)
			}
			got, _ := extractText(t, p, raw, num, "anomaly.count_min_sketch.profile")
			return got
		}
		rename := func(comm string) {
			t.Helper()
			if err := p.Threads().Set(1000, "comm", comm); err != nil {
				t.Fatal(err)
			}
		}
		if got := text(); got != "cat bash sshd /etc/hosts" {
			t.Fatalf("first render %q", got)
		}
		for i, se := range stateEvents {
			comm := fmt.Sprintf("sh%d", i)
			rename(comm)
			num++
			ts++
			if err := p.Parse(se.raw(ts), num); err != nil {
				t.Fatalf("%s: %v", se.name, err)
			}
			if got, want := text(), "cat "+comm+" sshd /etc/hosts"; got != want {
				t.Errorf("after %s: %q, want %q", se.name, got, want)
			}
		}
		// sshd exits: libsinsp removes it and gives bash to systemd.
		if err := p.Threads().Set(1000, "ptid", int64(1)); err != nil {
			t.Fatal(err)
		}
		p.Threads().Delete(500)
		num++
		ts++
		if err := p.Parse(event.Encode(ts, 500, event.ProcExitE, event.PInt64(0)), num); err != nil {
			t.Fatal(err)
		}
		if got, want := text(), "cat sh4 systemd /etc/hosts"; got != want {
			t.Errorf("after sshd's procexit: %q, want %q", got, want)
		}
		// The file's own process execs.
		if err := p.Threads().Set(2000, "comm", "dog"); err != nil {
			t.Fatal(err)
		}
		num++
		ts++
		exec := event.EncodeExecve(event.ExecEvent{TS: ts, Tid: 2000, Pid: 2000, Ptid: 1000, Exe: "dog", Comm: "dog"})
		if err := p.Parse(exec, num); err != nil {
			t.Fatal(err)
		}
		if got, want := text(), "dog sh4 systemd /etc/hosts"; got != want {
			t.Errorf("after its own execve: %q, want %q", got, want)
		}
		// A change without any event shows once the rendering expires.
		rename("fish")
		if got := text(); got != "dog sh4 systemd /etc/hosts" {
			t.Errorf("within the second: %q, want the kept rendering", got)
		}
		ts += 1e9
		if got := text(); got != "dog fish systemd /etc/hosts" {
			t.Errorf("a second later: %q, want the table's", got)
		}
	})
}
