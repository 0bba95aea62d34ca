package detector

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// memState is an in-memory profile.State.
type memState struct {
	threads map[int64]*profile.Thread
	fds     map[[2]int64]*profile.FD
	reads   int
}

func (m *memState) Thread(tid int64) (*profile.Thread, bool) {
	m.reads++
	t, ok := m.threads[tid]
	return t, ok
}

func (m *memState) FD(t *profile.Thread, fd int64) (*profile.FD, bool) {
	f, ok := m.fds[[2]int64{t.Tid, fd}]
	return f, ok
}

func (m *memState) HasFDTable() bool { return m.fds != nil }

// tree builds systemd(1) -> sshd(500) -> bash(1000) -> cron(2000) and a
// child process with the given tid, comm and exe path under cron.
func tree(tid int64, comm, path string) *memState {
	th := func(tid, ptid int64, comm, path string) *profile.Thread {
		return &profile.Thread{
			Tid: tid, Pid: tid, Ptid: ptid, Sid: 1000, Vtid: tid, Vpid: tid, Vpgid: tid,
			Comm: comm, Exe: comm, ExePath: path, Cwd: "/",
			Flags: profile.FlagIsMainThread, Args: "-c\x00true\x00", Env: "HOME=/root\x00",
		}
	}
	m := &memState{threads: map[int64]*profile.Thread{}, fds: map[[2]int64]*profile.FD{}}
	for _, t := range []*profile.Thread{
		th(1, 0, "systemd", "/usr/lib/systemd/systemd"),
		th(500, 1, "sshd", "/usr/sbin/sshd"),
		th(1000, 500, "bash", "/usr/bin/bash"),
		th(2000, 1000, "cron", "/usr/sbin/cron"),
		th(tid, 2000, comm, path),
	} {
		m.threads[t.Tid] = t
	}
	return m
}

const seedConfig = `{"count_min_sketch": {"enabled": true, "n_sketches": 3,
  "gamma_eps": [[0.001, 0.0001], [0.001, 0.0001], [0.001, 0.0001]],
  "behavior_profiles": [
    {"name": "lineage", "fields": "%container.id %proc.name %proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname", "event_codes": [293, 331]},
    {"name": "files", "fields": "%container.id %proc.name %proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname %fd.name", "event_codes": [3, 307, 327]},
    {"name": "args", "fields": "%container.id %proc.args", "event_codes": ["execve", "execveat"], "reset_timer_ms": 1000}]}}`

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newDetector(t testing.TB, cfg string) *Detector {
	t.Helper()
	d, err := New(cfg, quiet())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

func decode(t testing.TB, raw []byte) *event.Event {
	t.Helper()
	ev, err := event.Decode(raw)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return &ev
}

func execve(ts uint64, tid int64, res int64) []byte {
	return event.EncodeExecve(event.ExecEvent{TS: ts, Tid: tid, Res: res, Pid: tid, Ptid: 2000,
		Exe: "sh", Args: []string{"-c", "true"}, Env: []string{"HOME=/root"}, Comm: "sh"})
}

func TestSubscribesToConfiguredCodesOnly(t *testing.T) {
	d := newDetector(t, seedConfig)
	got := fmt.Sprint(d.Codes())
	if want := "[3 293 307 327 331]"; got != want {
		t.Errorf("Codes = %s, want %s", got, want)
	}
	if d.Need()&profile.NeedArgs == 0 || d.Need()&profile.NeedEnv != 0 {
		t.Errorf("Need = %b: want args and not env", d.Need())
	}
}

func TestCountsRepeatedExec(t *testing.T) {
	d := newDetector(t, seedConfig)
	st := tree(3000, "sh", "/usr/bin/sh")
	for n := uint64(1); n <= 5; n++ {
		ev := decode(t, execve(n*1e6, 3000, 0))
		d.Begin()
		d.Parse(ev, n, st, nil)
		for i := 0; i < 3; i += 2 {
			got, ok := d.Count(i, ev, n, st)
			if !ok || got != n {
				t.Fatalf("event %d profile %d: count %d, %v; want %d", n, i, got, ok, n)
			}
		}
		// The fd profile has no value on an execve.
		if v, ok := d.Count(1, ev, n, st); ok {
			t.Errorf("fd profile on execve = %d, want no value", v)
		}
	}
	ev := decode(t, execve(9e6, 3000, 0))
	d.Begin()
	text, ok := d.Profile(nil, 0, ev, 99, st)
	want := "host sh cron bash sshd /usr/bin/sh 0 sh bash"
	if !ok || string(text) != want {
		t.Errorf("profile[0] = %q, %v; want %q", text, ok, want)
	}
	if got, _ := d.Count(0, ev, 99, st); got != 5 {
		t.Errorf("estimate on an extract-only event = %d, want 5 (not counted)", got)
	}
}

func TestParseRendersOncePerEvent(t *testing.T) {
	d := newDetector(t, seedConfig)
	st := tree(3000, "sh", "/usr/bin/sh")
	ev := decode(t, execve(1e6, 3000, 0))
	d.Begin()
	d.Parse(ev, 7, st, nil)
	reads := st.reads
	for i := 0; i < 4; i++ {
		d.Begin()
		d.Count(0, ev, 7, st)
		d.Profile(nil, 2, ev, 7, st)
	}
	if st.reads != reads {
		t.Errorf("extractions read the table %d more times; want 0", st.reads-reads)
	}
	if s := d.Stats(); s.Rendered != 2 || s.Counted != 2 {
		t.Errorf("stats %+v: want 2 renders and 2 counts", s)
	}
}

func TestWhatIsCounted(t *testing.T) {
	clone := func(res, tid int64) []byte {
		return event.EncodeClone(event.CloneEvent{TS: 1, Tid: tid, Res: res, Pid: tid, Ptid: 2000, Comm: "sh"})
	}
	tests := []struct {
		name  string
		cfg   string
		raw   []byte
		count bool
	}{
		{"successful execve", seedConfig, execve(1, 3000, 0), true},
		{"failed execve", seedConfig, execve(1, 3000, -2), false},
		{"clone child side", cloneConfig, clone(0, 3000), true},
		{"clone parent side", cloneConfig, clone(3001, 3000), false},
		{"failed open", seedConfig, event.EncodeOpen(event.FileEvent{TS: 1, Tid: 3000, FD: -13, Path: "/etc/shadow"}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDetector(t, tt.cfg)
			st := tree(3000, "sh", "/usr/bin/sh")
			d.Begin()
			d.Parse(decode(t, tt.raw), 1, st, nil)
			if counted := d.Stats().Counted > 0; counted != tt.count {
				t.Errorf("counted = %v, want %v (stats %+v)", counted, tt.count, d.Stats())
			}
		})
	}
}

const cloneConfig = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
  {"fields": "%proc.name %proc.pname", "event_codes": ["clone", "clone3", "fork", "vfork"]}]}}`

func TestIndexAndNames(t *testing.T) {
	d := newDetector(t, seedConfig)
	tests := []struct {
		present bool
		index   uint64
		key     string
		want    int
		ok      bool
	}{
		{false, 0, "", 0, true},
		{true, 2, "", 2, true},
		{true, 3, "", 0, false},
		{true, 0, "files", 1, true},
		{true, 0, "nope", 0, false},
	}
	for _, tt := range tests {
		got, ok := d.Index(tt.present, tt.index, tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Index(%v, %d, %q) = %d, %v; want %d, %v", tt.present, tt.index, tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDisabled(t *testing.T) {
	d := newDetector(t, strings.Replace(seedConfig, `"enabled": true`, `"enabled": false`, 1))
	if len(d.Codes()) != 0 {
		t.Errorf("disabled detector subscribes to %v", d.Codes())
	}
	if _, ok := d.Index(false, 0, ""); ok {
		t.Error("disabled detector resolves profile 0")
	}
}

func TestResetTimerInEventTime(t *testing.T) {
	d := newDetector(t, seedConfig)
	st := tree(3000, "sh", "/usr/bin/sh")
	counts := map[uint64]uint64{}
	// Profile 2 resets every second of event time; events 400 ms apart.
	for n := uint64(1); n <= 6; n++ {
		ev := decode(t, execve(n*400e6, 3000, 0))
		d.Begin()
		d.Parse(ev, n, st, nil)
		counts[n], _ = d.Count(2, ev, n, st)
	}
	// The first event starts the period at 0.4 s; the reset comes at the
	// first event at or after 1.4 s (event 4) and again at 2.4 s (event 6).
	want := map[uint64]uint64{1: 1, 2: 2, 3: 3, 4: 1, 5: 2, 6: 1}
	for n, c := range want {
		if counts[n] != c {
			t.Errorf("event %d: count %d, want %d (all: %v)", n, counts[n], c, counts)
		}
	}
	if d.Stats().Resets != 2 {
		t.Errorf("resets = %d, want 2", d.Stats().Resets)
	}
	// Profile 0 has no timer.
	if c, _ := d.Count(0, decode(t, execve(9e9, 3000, 0)), 100, st); c != 6 {
		t.Errorf("profile 0 = %d, want 6", c)
	}
}

func TestDurationInEventTime(t *testing.T) {
	d := newDetector(t, seedConfig)
	st := tree(3000, "sh", "/usr/bin/sh")
	d.Begin()
	d.Parse(decode(t, execve(5e9, 3000, 0)), 1, st, nil)
	if got := d.Duration(decode(t, execve(7e9, 3000, 0)), 2); got != 2e9 {
		t.Errorf("duration = %d, want 2e9", got)
	}
}

type listSpy struct{ args, env string }

func (l *listSpy) WriteLists(tid int64, args, env []byte) bool {
	l.args, l.env = string(args), string(env)
	return true
}

func TestKeepsListsOnOldHosts(t *testing.T) {
	d := newDetector(t, seedConfig)
	st := tree(3000, "sh", "/usr/bin/sh")
	spy := &listSpy{}
	d.Begin()
	d.Parse(decode(t, execve(1, 3000, 0)), 1, st, spy)
	if spy.args != "-c\x00true\x00" || spy.env != "HOME=/root\x00" {
		t.Errorf("stored args %q env %q", spy.args, spy.env)
	}
	spy = &listSpy{}
	d.Parse(decode(t, execve(2, 3000, -2)), 2, st, spy)
	if spy.args != "" {
		t.Errorf("a failed exec stored args %q", spy.args)
	}
}

func TestBadConfigNamesThePath(t *testing.T) {
	tests := []struct{ cfg, want string }{
		{`{"count_min_sketch": {"enabled": true, "behavior_profiles": [{"fields": "%proc.nme", "event_codes": [293]}]}}`,
			`count_min_sketch.behavior_profiles[0].fields: unknown field "proc.nme"`},
		{`{"count_min_sketch": {"enabled": true, "behavior_profiles": [{"fields": "%fd.name", "event_codes": ["execve"]}]}}`,
			`count_min_sketch.behavior_profiles[0].fields: field "fd.name" cannot be evaluated on execve events (code 293)`},
		{`{"count_min_sketch": {"enabled": true, "rows_cols": [[100000, 100000]], "behavior_profiles": [{"fields": "%proc.name", "event_codes": [293]}]}}`,
			`count_min_sketch.rows_cols[0]: `},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg, quiet())
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("New(%s)\n  error %v\n  want prefix %q", tt.cfg, err, tt.want)
		}
	}
}

func TestEventPathAllocatesNothing(t *testing.T) {
	d := newDetector(t, seedConfig)
	st := tree(3000, "sh", "/usr/bin/sh")
	raw := execve(1, 3000, 0)
	var buf []byte
	n := uint64(0)
	allocs := testing.AllocsPerRun(200, func() {
		n++
		ev, _ := event.Decode(raw)
		d.Begin()
		d.Parse(&ev, n, st, nil)
		d.Count(0, &ev, n, st)
		d.Count(2, &ev, n, st)
		buf, _ = d.Profile(buf[:0], 0, &ev, n, st)
	})
	if allocs != 0 {
		t.Errorf("allocations per event = %v, want 0", allocs)
	}
}

// BenchmarkEvent is the per-event work of a typical rule on the seed
// configuration: parse, then the count in the condition and the count and
// the profile in the output, for the profile counted on the event.
func BenchmarkEvent(b *testing.B) {
	for _, tc := range []struct {
		name    string
		raw     []byte
		profile int
	}{
		{"execve", execve(1, 3000, 0), 0},
		{"openat", event.EncodeOpenat(event.FileEvent{TS: 1, Tid: 3000, FD: 3, DirFD: -100, Path: "/etc/hosts"}), 1},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d := newDetector(b, seedConfig)
			st := tree(3000, "sh", "/usr/bin/sh")
			st.fds[[2]int64{3000, 3}] = &profile.FD{Num: 3, Type: 1, Name: "/etc/hosts"}
			var buf []byte
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ev, _ := event.Decode(tc.raw)
				d.Begin()
				d.Parse(&ev, uint64(i), st, nil)
				d.Begin()
				d.Count(tc.profile, &ev, uint64(i), st)
				d.Begin()
				d.Count(tc.profile, &ev, uint64(i), st)
				d.Begin()
				buf, _ = d.Profile(buf[:0], tc.profile, &ev, uint64(i), st)
			}
		})
	}
}
