package e2e

import (
	"fmt"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// cparseConfig counts two profiles the C path can count on openat (every
// field but a last fd.name kept per thread), one on execve that openat
// leaves to Go, and the file one also on open.
const cparseConfig = `{"count_min_sketch": {"enabled": true, %s "behavior_profiles": [
  {"fields": "%%proc.name %%proc.pname %%fd.name", "event_codes": ["openat", "open"]},
  {"fields": "%%container.id %%proc.aname[2] %%fd.name", "event_codes": ["openat"]},
  {"fields": "%%proc.name", "event_codes": ["execve"]}]}}`

// TestCPathMatchesGoPath: the C counting path (plugin/cparse.c) must
// count exactly as the Go path, in the same sketches. The same instance
// takes each event by either path in turn (the C path turned on and off
// between events), so a key counted by one path and then the other keeps
// counting from where it was only if both hash and update alike; any
// difference shows as a count that restarts or jumps. Exec events in
// between make the kept prefixes stale, so that the Go path renders them
// again, and the C path must wait for that.
func TestCPathMatchesGoPath(t *testing.T) {
	for _, mode := range []string{"conservative", "plain"} {
		for _, g := range []host.Gen{host.Gen312, host.Gen311} {
			t.Run(mode+"/"+g.Name, func(t *testing.T) { cpathMatchesGo(t, g, mode) })
		}
	}
}

func cpathMatchesGo(t *testing.T, g host.Gen, mode string) {
	p := openInit(t, g, fmt.Sprintf(cparseConfig, `"update_mode": "`+mode+`",`))
	defer p.Destroy()
	setC, err := cparseToggle(lib)
	if err != nil {
		t.Fatal(err)
	}
	newProc(t, p, 2000, "cat")
	newProc(t, p, 2001, "tac")
	paths := []string{"/etc/hosts", "/etc/passwd", "/var/lib/app/state.db"}
	for _, tid := range []int64{2000, 2001} {
		for i, path := range paths {
			if err := p.Threads().PutFD(tid, host.FD{Num: int64(3 + i), Type: 1, Name: path}); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen, execs := map[string]uint64{}, map[string]uint64{}
	num, ts := uint64(0), uint64(1000)
	cBefore := setC(p.StateHandle(), true)
	for step := 0; step < 240; step++ {
		num++
		ts++
		tid := int64(2000 + step%2)
		comm := map[int64]string{2000: "cat", 2001: "tac"}[tid]
		if step%37 == 36 { // an exec: every kept prefix goes stale
			raw := event.EncodeExecve(event.ExecEvent{TS: ts, Tid: tid, Pid: tid, Ptid: 1000, Exe: comm, Comm: comm})
			if err := p.Parse(raw, num); err != nil {
				t.Fatal(err)
			}
			execs[comm]++
			continue
		}
		setC(p.StateHandle(), step%3 != 0)
		fd := step / 2 % len(paths)
		raw := event.EncodeOpenat(event.FileEvent{TS: ts, Tid: tid, FD: int64(3 + fd), DirFD: -100, Path: paths[fd]})
		if step%11 == 10 {
			raw = event.EncodeOpen(event.FileEvent{TS: ts, Tid: tid, FD: int64(3 + fd), Path: paths[fd]})
		}
		if err := p.Parse(raw, num); err != nil {
			t.Fatal(err)
		}
		if step%4 == 1 {
			// The Go path answers this one and publishes what it knows,
			// which replaces what the C path published: the counts below
			// then come from Go, and must be the same.
			if got, _ := extractText(t, p, raw, num, "anomaly.count_min_sketch[2]"); got != fmt.Sprint(execs[comm]) {
				t.Fatalf("step %d: the exec profile on a file event: %q, want %d", step, got, execs[comm])
			}
		}
		want := []string{comm + " bash " + paths[fd], "host sshd " + paths[fd]}
		for i, text := range want {
			if i == 1 && event.Name(rawType(raw)) == "open" {
				continue // profile 1 is not counted on open
			}
			seen[fmt.Sprint(i, text)]++
			got, _ := extractText(t, p, raw, num, fmt.Sprintf("anomaly.count_min_sketch.profile[%d]", i))
			if got != text {
				t.Fatalf("step %d profile %d: text %q, want %q", step, i, got, text)
			}
			count, _ := extractText(t, p, raw, num, fmt.Sprintf("anomaly.count_min_sketch[%d]", i))
			if w := fmt.Sprint(seen[fmt.Sprint(i, text)]); count != w {
				t.Fatalf("step %d profile %d (%s): count %s, want %s", step, i, text, count, w)
			}
		}
		// Left to Go: the exec profile, estimated on a file event.
		if got, _ := extractText(t, p, raw, num, "anomaly.count_min_sketch[2]"); got != fmt.Sprint(execs[comm]) {
			t.Fatalf("step %d: the exec profile on a file event: %q, want %d", step, got, execs[comm])
		}
	}
	cAfter := setC(p.StateHandle(), true)
	if cAfter-cBefore < 60 {
		t.Errorf("the C path counted %d of the events, want most of those it was on for", cAfter-cBefore)
	}
}

func rawType(raw []byte) uint16 { return uint16(raw[20]) | uint16(raw[21])<<8 }
