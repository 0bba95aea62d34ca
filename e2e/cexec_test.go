package e2e

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// cexecConfig has profiles the C exec path renders on execve (0 to 2, 1
// with a reset timer), one without a value there (3), and one that leaves
// execveat to Go (4).
const cexecConfig = `{"count_min_sketch": {"enabled": true, "update_mode": "%s", "behavior_profiles": [
  {"fields": "%%container.id %%proc.name %%proc.aname[1] %%proc.aname[2] %%proc.aname[3] %%proc.exepath %%proc.tty %%proc.vpgid.name %%proc.sname",
   "event_codes": ["execve", "execveat"]},
  {"fields": "%%container.id %%proc.args %%user.uid %%group.gid %%user.loginuid %%thread.tid", "event_codes": ["execve"],
   "reset_timer_ms": 101},
  {"fields": "%%proc.pname %%proc.aname[0] %%proc.exe %%proc.aname[6] %%proc.args %%proc.sname %%proc.cmdline %%proc.exeline",
   "event_codes": ["execve"]},
  {"fields": "%%proc.name %%fd.name", "event_codes": ["openat"]},
  {"name": "cmd", "fields": "%%proc.name %%proc.cwd", "event_codes": ["execveat"]}]}}`

// TestCExecMatchesGoPath: the C exec path (plugin/cparse.c) must render
// and count exactly as the Go path. Two instances get the same random
// process trees and exec events: one always in Go, one with the C path
// turned on and off at random, so that a key counted by one path and then
// the other must keep counting from where it was. Every field of every
// profile must agree after every event. The trees include what the C
// path must leave to Go (missing entries, threads that are not their
// process's main thread, pid namespaces, leaders that must be searched
// for) and what it must render itself (no parent, no leader, empty
// container ids and argument lists).
func TestCExecMatchesGoPath(t *testing.T) {
	for _, mode := range []string{"conservative", "plain"} {
		for _, g := range []host.Gen{host.Gen312, host.Gen35} {
			t.Run(mode+"/"+g.Name, func(t *testing.T) {
				cexecMatchesGo(t, g, fmt.Sprintf(cexecConfig, mode), 5, uint64(len(mode)))
			})
		}
	}
	// Profiles that walk nothing: the C parse entry reads the event
	// thread alone, and the plugin tracks no state events.
	t.Run("no walk", func(t *testing.T) {
		cexecMatchesGo(t, host.Gen312, cexecFlatConfig, 2, 1)
	})
}

const cexecFlatConfig = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
  {"fields": "%container.id %proc.cmdline %user.uid", "event_codes": ["execve", "execveat"]},
  {"fields": "%proc.exepath %proc.exeline %thread.tid", "event_codes": ["execve"]}]}}`

// cexecMatchesGo runs the comparison for cfg, which has nprof profiles.
func cexecMatchesGo(t *testing.T, g host.Gen, cfg string, nprof int, seed uint64) {
	withC, goOnly := openInit(t, g, cfg), openInit(t, g, cfg)
	defer withC.Destroy()
	defer goOnly.Destroy()
	setC, err := cparseToggle(lib)
	if err != nil {
		t.Fatal(err)
	}
	setC(goOnly.StateHandle(), false)
	cBefore := setC(withC.StateHandle(), true)

	rng := rand.New(rand.NewPCG(7, seed))
	var fields []string
	for i := 0; i < nprof; i++ {
		fields = append(fields, fmt.Sprintf("anomaly.count_min_sketch[%d]", i),
			fmt.Sprintf("anomaly.count_min_sketch.profile[%d]", i))
	}
	fields = append(fields, "anomaly.count_min_sketch[cmd]", "anomaly.falco.duration_ns")
	num, ts := uint64(0), uint64(1e9)
	const events = 1500
	for step := 0; step < events; step++ {
		if step%6 == 0 {
			threads := randomTree(rng, step%12 == 0)
			for _, p := range []*host.Plugin{withC, goOnly} {
				p.Threads().Clear()
				for _, th := range threads {
					if err := p.Threads().PutThread(th); err != nil {
						t.Fatal(err)
					}
				}
				num++
				if err := p.Parse(tableChanged(), num); err != nil {
					t.Fatal(err)
				}
			}
		}
		setC(withC.StateHandle(), rng.IntN(4) != 0)
		num++
		ts += uint64(rng.IntN(20e6)) // 10 ms on average: profile 1's timer fires about every tenth event
		x := event.ExecEvent{TS: ts, Tid: int64(1 + rng.IntN(14)), Exe: pick(rng, names), Comm: pick(rng, names),
			Args: randomArgs(rng)}
		if rng.IntN(10) == 0 {
			x.Res = -2
		}
		raw := event.EncodeExecve(x)
		if rng.IntN(8) == 0 {
			raw = event.EncodeExecveat(x)
		}
		for _, p := range []*host.Plugin{withC, goOnly} {
			if err := p.Parse(raw, num); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range fields {
			a, aok, aerr := withC.Extract(raw, num, f)
			b, bok, berr := goOnly.Extract(raw, num, f)
			if aerr != nil || berr != nil {
				t.Fatalf("step %d %s: %v / %v", step, f, aerr, berr)
			}
			if aok != bok || a.Text() != b.Text() {
				t.Fatalf("step %d (tid %d, res %d) %s: C path %q (ok %v), Go path %q (ok %v)",
					step, x.Tid, x.Res, f, a.Text(), aok, b.Text(), bok)
			}
		}
	}
	counted := setC(withC.StateHandle(), true) - cBefore
	t.Logf("%d of %d exec events counted in C", counted, events)
	if counted < events/4 {
		t.Errorf("the C path counted %d of %d events, want a good share of those it was on for", counted, events)
	}
}

var names = []string{"bash", "sh", "cat", "sshd", "systemd", "containerd-shim",
	"a|b", "with space", "", strings.Repeat("long", 16)}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

func randomArgs(rng *rand.Rand) []string {
	args := make([]string, rng.IntN(4))
	for i := range args {
		args[i] = pick(rng, []string{"-c", "echo hi", "", "/etc/passwd", "--option=value"})
	}
	return args
}

// randomTree returns a process tree over tids 1 to 14, main threads whose
// parent is an older entry; a messy one also has missing entries, threads
// of other processes, missing parents and leaders, and entries in a child
// pid namespace.
func randomTree(rng *rand.Rand, messy bool) []host.Thread {
	odds := func(n int) bool { return messy && rng.IntN(n) == 0 }
	ids := func(tid int64) int64 {
		if !messy {
			return 1 + rng.Int64N(max(tid, 1))
		}
		switch rng.IntN(10) {
		case 0:
			return -1
		case 1:
			return 0
		case 2:
			return 99 // no such entry
		}
		return 1 + rng.Int64N(max(tid, 1))
	}
	var out []host.Thread
	for tid := int64(1); tid <= 14; tid++ {
		if odds(8) {
			continue
		}
		th := host.Thread{Tid: tid, Pid: tid, Ptid: 1 + rng.Int64N(tid), Comm: pick(rng, names),
			Exe: pick(rng, names), ExePath: "/usr/bin/" + pick(rng, names), Tty: uint32(rng.IntN(3) * 34816),
			Vtid: tid, Vpid: tid, Sid: ids(tid), Vpgid: ids(tid), Flags: 1 << 30}
		if tid == 1 || odds(12) {
			th.Ptid = []int64{0, -1, 77}[rng.IntN(3)]
		}
		if odds(6) { // a thread of an older process
			th.Pid, th.Flags = 1+rng.Int64N(tid), 0
		}
		if odds(5) { // in a child pid namespace, by either sign, or unknown
			switch rng.IntN(4) {
			case 0:
				th.Flags |= 1 << 29
			case 1:
				th.Flags |= 1 << 29
				th.Vtid, th.Vpid = 1, 1
			case 2:
				th.Vtid, th.Vpid = 1, 1
			case 3:
				th.Vtid = -1
			}
		}
		if rng.IntN(3) == 0 {
			th.ContainerID = "0123456789ab"
		}
		th.UID, th.GID = uint32(rng.IntN(3)*1000), uint32(rng.IntN(2)*1000)
		th.LoginUID = []uint32{0, 1000, 1<<32 - 1}[rng.IntN(3)]
		th.Args = randomArgs(rng)
		out = append(out, th)
	}
	return out
}

// TestResetTimerOnCPaths: a reset timer zeroes the sketch at the first
// event at or after its end, whichever path would count that event. The
// C paths leave that event to Go and count the ones before and after it.
func TestResetTimerOnCPaths(t *testing.T) {
	const cfg = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
  {"fields": "%proc.name %fd.name", "event_codes": ["openat"], "reset_timer_ms": 101},
  {"fields": "%proc.name %proc.pname", "event_codes": ["execve"], "reset_timer_ms": 101}]}}`
	p := openInit(t, host.Gen312, cfg)
	defer p.Destroy()
	setC, err := cparseToggle(lib)
	if err != nil {
		t.Fatal(err)
	}
	newProc(t, p, 2000, "cat")
	if err := p.Threads().PutFD(2000, host.FD{Num: 3, Type: 1, Name: "/etc/hosts"}); err != nil {
		t.Fatal(err)
	}
	const ms = uint64(1e6)
	start := uint64(1e12)
	steps := []struct {
		at   uint64 // ms after start
		want string
	}{{0, "1"}, {10, "2"}, {50, "3"}, {102, "1"}, {150, "2"}, {203, "1"}, {210, "2"}}
	before := setC(p.StateHandle(), true)
	num := uint64(0)
	for _, kind := range []string{"openat", "execve"} {
		for _, s := range steps {
			num++
			ts := start + s.at*ms
			raw := event.EncodeOpenat(event.FileEvent{TS: ts, Tid: 2000, FD: 3, DirFD: -100, Path: "/etc/hosts"})
			field := "anomaly.count_min_sketch[0]"
			if kind == "execve" {
				raw = event.EncodeExecve(event.ExecEvent{TS: ts, Tid: 2000, Pid: 2000, Ptid: 1000, Comm: "cat"})
				field = "anomaly.count_min_sketch[1]"
			}
			if err := p.Parse(raw, num); err != nil {
				t.Fatal(err)
			}
			if got, _ := extractText(t, p, raw, num, field); got != s.want {
				t.Errorf("%s at +%d ms: count %s, want %s", kind, s.at, got, s.want)
			}
		}
		start += uint64(len(steps)) * 1000 * ms // the next kind starts on a fresh period
	}
	if n := setC(p.StateHandle(), true) - before; n < 4 {
		t.Errorf("the C paths counted %d of the events, want those between resets", n)
	}
}
