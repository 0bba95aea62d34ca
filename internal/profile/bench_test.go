package profile

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// The seed README's three behavior profiles.
const (
	seedExec = "%container.id %proc.name %proc.aname[1] %proc.aname[2] " +
		"%proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname"
	seedOpen = seedExec + " %fd.name"
	seedArgs = "%container.id %proc.args"
)

// pad60 makes a 60-byte executable path ending in name.
func pad60(name string) string {
	dir := "/opt/toolchains/x86_64-linux-gnu/release-2024.06/bin/"
	p := dir + strings.Repeat("x", max(0, 59-len(dir)-len(name))) + "/" + name
	return p[len(p)-60:]
}

// benchWorld is a realistic table: 300 unrelated threads and the tree
//
//	1 systemd -> 600 sshd -> 700 sshd -> 710 bash (session 710)
//	  -> 720 tmux -> 730 bash -> 740 make (group 740) -> 750 sh
//	  -> 760 gcc (the event process, 12 arguments, fd 3 open)
//
// In the container variant 740-760 live in a pid namespace (vpids 1-3)
// whose init is make, and carry a container id: the leader fields then
// walk the tree instead of looking the leader up.
func benchWorld(container bool) *memState {
	s := newMemState()
	chain := []struct {
		tid  int64
		comm string
	}{{1, "systemd"}, {600, "sshd"}, {700, "sshd"}, {710, "bash"},
		{720, "tmux"}, {730, "bash"}, {740, "make"}, {750, "sh"},
		{760, "gcc"}}
	var ptid int64
	for _, e := range chain {
		t := s.add(mkProc(e.tid, ptid, e.comm))
		t.ExePath, t.Exe = pad60(e.comm), pad60(e.comm)
		t.Args = list("--option=value", "-v", "/var/lib/some/state/file")
		t.Env = benchEnv()
		ptid = e.tid
	}
	for _, tid := range []int64{720, 730, 740, 750, 760} {
		inSession(s.threads[tid], 710, 740)
		s.threads[tid].Tty = 34817
	}
	s.threads[720].Vpgid, s.threads[730].Vpgid = 720, 730
	gcc := s.threads[760]
	gcc.Args = list("-O2", "-g", "-Wall", "-Wextra", "-fPIC",
		"-I/usr/include/some/long/include/dir", "-DNDEBUG", "-c",
		"src/module/component/implementation.c", "-o",
		"build/obj/module/component/implementation.o", "-MD")
	s.fds[760] = map[int64]*FD{3: {Num: 3, Type: 1,
		Name: "/home/alice/src/project/src/module/component/impl.c"}}
	if container {
		for i, tid := range []int64{740, 750, 760} {
			t := s.threads[tid]
			t.Vtid, t.Vpid, t.Sid, t.Vpgid = int64(i+1), int64(i+1), 1, 1
			t.Flags |= FlagChildInPidNS
			t.ContainerID = "3ad7b26ded6d"
		}
	}
	for i := int64(0); i < 300; i++ {
		s.add(mkProc(10000+i, 1, fmt.Sprintf("worker-%d", i)))
	}
	return s
}

// benchEnv is a 30-entry environment with HOME near the end.
func benchEnv() string {
	env := make([]string, 0, 30)
	for i := 0; i < 28; i++ {
		env = append(env, fmt.Sprintf("VARIABLE_%02d=some-value-%d", i, i))
	}
	return list(append(env, "HOME=/home/alice", "PATH=/usr/bin:/bin")...)
}

// seedEvent returns the benchmark's event of the given type on gcc (tid
// 760): its execve, or its openat of fd 3.
func seedEvent(tb testing.TB, code uint16) *event.Event {
	tb.Helper()
	var raw []byte
	switch code {
	case event.ExecveX:
		raw = event.EncodeExecve(event.ExecEvent{Tid: 760, Pid: 760,
			Ptid: 750, Exe: "gcc", Comm: "gcc", Args: []string{"-O2", "-c"},
			Cwd: "/home/alice/src/project/", Tty: 34817, Vpgid: 740})
	case event.OpenatX:
		raw = event.EncodeOpenat(event.FileEvent{Tid: 760, FD: 3,
			DirFD: -100, Path: "src/module/component/impl.c", Dev: 2049,
			Ino: 1234567})
	default:
		return rawEvent(tb, 760, code)
	}
	ev, err := event.Decode(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return &ev
}

// mustCompile compiles a plan or skips when a field is not in the table
// yet (the fd fields land separately).
func mustCompile(tb testing.TB, fields string) *Plan {
	tb.Helper()
	p, err := Compile(fields)
	if errors.Is(err, ErrUnknownField) {
		tb.Skipf("%v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestSeedLookups pins how many State.Thread calls the seed profiles
// make per event: the plugin pays a host crossing for each.
func TestSeedLookups(t *testing.T) {
	exec, open := event.ExecveX, event.OpenatX
	cases := []struct {
		name      string
		container bool
		code      uint16
		plans     []string
		want      int
	}{
		{"exec profile", false, exec, []string{seedExec}, 5},
		{"args profile", false, exec, []string{seedArgs}, 1},
		{"execve event", false, exec, []string{seedExec, seedArgs}, 5},
		{"exec profile twice", false, exec, []string{seedExec, seedExec}, 5},
		{"container exec profile", true, exec, []string{seedExec}, 4},
		{"openat event", false, open, []string{seedOpen}, 5},
		{"lineage join", false, exec,
			[]string{"%custom.proc.aname.lineage.join[4096]"}, 9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := benchWorld(tc.container)
			c := NewCtx()
			c.Reset(seedEvent(t, tc.code), s)
			for _, f := range tc.plans {
				mustCompile(t, f).Render(nil, c)
			}
			if c.Lookups() != tc.want || s.calls != tc.want {
				t.Errorf("%d lookups (State saw %d), want %d", c.Lookups(),
					s.calls, tc.want)
			}
		})
	}
}

// TestSeedRender pins the seed profiles' keys on the benchmark table.
func TestSeedRender(t *testing.T) {
	c := NewCtx()
	for _, tc := range []struct {
		container bool
		code      uint16
		fields    string
		want      string
	}{
		{false, event.ExecveX, seedExec, "host gcc sh make bash " +
			pad60("gcc") + " 34817 make bash"},
		{true, event.ExecveX, seedExec, "3ad7b26ded6d gcc sh make bash " +
			pad60("gcc") + " 34817 make make"},
		{false, event.OpenatX, seedOpen, "host gcc sh make bash " +
			pad60("gcc") + " 34817 make bash " +
			"/home/alice/src/project/src/module/component/impl.c"},
		{false, event.ExecveX, seedArgs, "host -O2 -g -Wall -Wextra -fPIC " +
			"-I/usr/include/some/long/include/dir -DNDEBUG -c " +
			"src/module/component/implementation.c -o " +
			"build/obj/module/component/implementation.o -MD"},
	} {
		c.Reset(seedEvent(t, tc.code), benchWorld(tc.container))
		key := mustCompile(t, tc.fields).Render(nil, c)
		if got := string(Display(nil, key)); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.fields, got, tc.want)
		}
	}
}

// benchRender measures Reset plus the rendering of plans on one event.
func benchRender(b *testing.B, s *memState, code uint16, plans ...*Plan) {
	ev := seedEvent(b, code)
	c := NewCtx()
	buf := make([]byte, 0, 4096)
	lookups := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c.Reset(ev, s)
		for _, p := range plans {
			buf = p.Render(buf[:0], c)
		}
		lookups += c.Lookups()
	}
	b.ReportMetric(float64(lookups)/float64(b.N), "lookups/op")
}

// BenchmarkSeed renders the seed profiles as the plugin does on each
// event type: profiles 1 and 3 on execve, profile 2 on openat.
func BenchmarkSeed(b *testing.B) {
	for _, container := range []bool{false, true} {
		s := benchWorld(container)
		suffix := map[bool]string{false: "host", true: "container"}[container]
		b.Run("execve/"+suffix, func(b *testing.B) {
			benchRender(b, s, event.ExecveX, mustCompile(b, seedExec),
				mustCompile(b, seedArgs))
		})
		b.Run("openat/"+suffix, func(b *testing.B) {
			benchRender(b, s, event.OpenatX, mustCompile(b, seedOpen))
		})
	}
}

// BenchmarkField renders single expensive fields alone.
func BenchmarkField(b *testing.B) {
	for _, tc := range []struct {
		field     string
		container bool
	}{
		{"proc.name", false},
		{"proc.aname[3]", false},
		{"proc.sname", false},
		{"proc.sname", true},
		{"proc.vpgid.name", true},
		{"proc.env[HOME]", false},
		{"proc.env", false},
		{"proc.cmdline", false},
		{"proc.acmdline[2]", false},
		{"custom.proc.aname.lineage.join[8]", false},
		{"custom.proc.aexepath.lineage.join[8]", false},
		{"evt.type", false},
	} {
		name := tc.field
		if tc.container {
			name += "/container"
		}
		b.Run(name, func(b *testing.B) {
			benchRender(b, benchWorld(tc.container), event.ExecveX,
				mustCompile(b, "%"+tc.field))
		})
	}
}
