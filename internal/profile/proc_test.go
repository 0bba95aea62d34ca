package profile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// fieldCase renders one field on a state and checks the result.
type fieldCase struct {
	name  string
	edit  func(s *memState) // changes to world(), or nil
	tid   int64             // event thread; 2002 (cc) when 0
	field string
	want  string
	none  bool // libsinsp gives no value
}

func (fc fieldCase) run(t *testing.T) {
	t.Helper()
	s := world()
	if fc.edit != nil {
		fc.edit(s)
	}
	tid := fc.tid
	if tid == 0 {
		tid = 2002
	}
	p, err := Compile("%" + fc.field)
	if err != nil {
		t.Fatal(err)
	}
	c := NewCtx()
	c.Reset(rawEvent(t, tid, event.ExecveX), s)
	got, ok := p.RenderField(nil, 0, c)
	c.Reset(rawEvent(t, tid, event.ExecveX), maskedState{s, p.Needs()})
	if masked, mok := p.RenderField(nil, 0, c); mok != ok ||
		string(masked) != string(got) {
		t.Errorf("%s: Needs incomplete: %q with all members, %q with "+
			"the declared ones", fc.field, got, masked)
	}
	switch {
	case fc.none && ok:
		t.Errorf("%s = %q, want no value", fc.field, got)
	case !fc.none && !ok:
		t.Errorf("%s has no value, want %q", fc.field, fc.want)
	case !fc.none && string(got) != fc.want:
		t.Errorf("%s = %q, want %q", fc.field, got, fc.want)
	}
}

func runCases(t *testing.T, cases []fieldCase) {
	t.Helper()
	for _, fc := range cases {
		t.Run(fc.name+"/"+fc.field, fc.run)
	}
}

// processCases cover the event process's own fields on the plain world.
func processCases() []fieldCase {
	return []fieldCase{
		{name: "self", field: "proc.name", want: "cc"},
		{name: "self", field: "proc.exe", want: "cc"},
		{name: "self", field: "proc.exepath", want: "/usr/bin/cc"},
		{name: "self", field: "proc.args", want: "-c x.c -o x.o"},
		{name: "self", field: "proc.cmdline", want: "cc -c x.c -o x.o"},
		{name: "self", field: "proc.exeline", want: "cc -c x.c -o x.o"},
		{name: "self", field: "proc.cmdnargs", want: "4"},
		{name: "self", field: "proc.cmdlenargs", want: "10"},
		{name: "self", field: "proc.env", want: "HOMEDIR=/wrong " +
			"HOME=/home/alice CC=gcc HOME=/second EMPTY= PAD=  padded\t "},
		{name: "first match", field: "proc.env[HOME]", want: "/home/alice"},
		{name: "trimmed", field: "proc.env[PAD]", want: "padded"},
		{name: "empty value", field: "proc.env[EMPTY]", want: ""},
		{name: "absent", field: "proc.env[NOPE]", want: ""},
		{name: "prefix only", field: "proc.env[HOM]", want: ""},
		{name: "self", field: "proc.cwd", want: "/src/"},
		{name: "session", tid: 1000, field: "proc.tty", want: "34816"},
		{name: "self", field: "proc.pid", want: "2002"},
		{name: "self", field: "proc.vpid", want: "2002"},
		{name: "self", field: "proc.sid", want: "1000"},
		{name: "self", field: "proc.vpgid", want: "2000"},
		{name: "self", field: "proc.is_exe_writable", want: "true"},
		{name: "self", field: "proc.is_exe_upper_layer", want: "false"},
		{name: "self", field: "proc.is_exe_from_memfd", want: "false"},
		{name: "member", field: "proc.is_sid_leader", want: "false"},
		{name: "leader", tid: 1000, field: "proc.is_sid_leader", want: "true"},
		{name: "member", field: "proc.is_vpgid_leader", want: "false"},
		{name: "leader", tid: 2000, field: "proc.is_vpgid_leader",
			want: "true"},
		{name: "self", field: "proc.exe_ino", want: "4242"},
		{name: "self", field: "proc.exe_ino.ctime", want: "1700000000"},
		{name: "self", field: "proc.exe_ino.mtime", want: "1600000000"},
		{name: "unknown", tid: 2001, field: "proc.exe_ino", none: true},
		{name: "self", field: "thread.tid", want: "2002"},
		{name: "self", field: "user.uid", want: "1000"},
		{name: "self", field: "user.loginuid", want: "1000"},
		{name: "unset", tid: 2001, field: "user.loginuid", want: "-1"},
		{name: "self", field: "group.gid", want: "1000"},
		{name: "host", field: "container.id", want: "host"},
		{name: "container", field: "container.id", want: "0123456789ab",
			edit: func(s *memState) {
				s.threads[2002].ContainerID = "0123456789ab"
			}},
		{name: "execve", field: "evt.type", want: "execve"},
	}
}

func TestProcessFields(t *testing.T) { runCases(t, processCases()) }

// lineageCases cover parents, ancestors and leaders.
func lineageCases() []fieldCase {
	return []fieldCase{
		{name: "parent", field: "proc.ppid", want: "2001"},
		{name: "parent", field: "proc.pvpid", want: "2001"},
		{name: "parent", field: "proc.pname", want: "sh"},
		{name: "parent", field: "proc.pexe", want: "sh"},
		{name: "parent", field: "proc.pexepath", want: "/usr/bin/sh"},
		{name: "parent", field: "proc.pcmdline", want: "sh -c cc -c x.c"},
		{name: "self", field: "proc.aname[0]", want: "cc"},
		{name: "grandparent", field: "proc.aname[2]", want: "make"},
		{name: "init", field: "proc.aname[6]", want: "systemd"},
		{name: "above init", field: "proc.aname[7]", none: true},
		{name: "ancestor", field: "proc.aexe[4]", want: "sshd: alice@pts/0"},
		{name: "ancestor", field: "proc.aexepath[3]", want: "/usr/bin/bash"},
		{name: "ancestor", field: "proc.apid[5]", want: "500"},
		{name: "ancestor", field: "proc.acmdline[2]", want: "make -j4 all"},
		{name: "ancestor", field: "proc.acmdline[3]", want: "bash"},
		{name: "session", field: "proc.sname", want: "bash"},
		{name: "session", field: "proc.sid.exe", want: "-bash"},
		{name: "session", field: "proc.sid.exepath", want: "/usr/bin/bash"},
		{name: "group", field: "proc.vpgid.name", want: "make"},
		{name: "group", field: "proc.vpgid.exe", want: "make"},
		{name: "group", field: "proc.vpgid.exepath", want: "/usr/bin/make"},
		{name: "join", field: "custom.proc.aname.lineage.join[0]",
			want: "cc"},
		{name: "join", field: "custom.proc.aname.lineage.join[3]",
			want: "cc|sh|make|bash"},
		{name: "stops after init",
			field: "custom.proc.aname.lineage.join[4096]",
			want:  "cc|sh|make|bash|sshd|sshd|systemd"},
		{name: "join", field: "custom.proc.aexe.lineage.join[4]",
			want: `cc|sh|make|-bash|sshd: alice@pts/0`},
		{name: "join", field: "custom.proc.aexepath.lineage.join[1]",
			want: "/usr/bin/cc|/usr/bin/sh"},
		{name: "escaped", field: "custom.proc.aname.lineage.join[1]",
			want: `a\|b\\|sh`, edit: func(s *memState) {
				s.threads[2002].Comm = `a|b\`
			}},
	}
}

func TestLineageFields(t *testing.T) { runCases(t, lineageCases()) }

// missingCases cover tables with holes: a missing parent, a
// reparented process, a thread without its main thread, a gone group
// leader and an event thread the table does not know.
func missingCases() []fieldCase {
	noParent := func(s *memState) { delete(s.threads, 2001) }
	reparent := func(s *memState) {
		delete(s.threads, 2001)
		s.threads[2002].Ptid = 1
	}
	noMain := func(s *memState) { delete(s.threads, 2002) }
	noLeader := func(s *memState) { delete(s.threads, 2000) }
	return []fieldCase{
		{name: "no parent", edit: noParent, field: "proc.ppid", none: true},
		{name: "no parent", edit: noParent, field: "proc.pvpid", none: true},
		{name: "no parent", edit: noParent, field: "proc.pname", none: true},
		{name: "no parent", edit: noParent, field: "proc.aname[1]",
			none: true},
		{name: "no parent", edit: noParent, field: "proc.aname[0]",
			want: "cc"},
		{name: "no parent", edit: noParent,
			field: "custom.proc.aname.lineage.join[3]", want: "cc"},
		{name: "no parent", edit: noParent, field: "proc.sname",
			want: "bash"},
		{name: "reparented", edit: reparent, field: "proc.pname",
			want: "systemd"},
		{name: "reparented", edit: reparent, field: "proc.ppid", want: "1"},
		{name: "reparented", edit: reparent, field: "proc.aname[2]",
			none: true},
		{name: "reparented", edit: reparent,
			field: "custom.proc.aname.lineage.join[5]", want: "cc|systemd"},
		{name: "thread", tid: 2003, field: "proc.name", want: "cc-worker"},
		{name: "thread", tid: 2003, field: "proc.cmdline",
			want: "cc-worker -c x.c -o x.o"},
		{name: "thread", tid: 2003, field: "proc.aname[0]", want: "cc"},
		{name: "thread", tid: 2003, field: "proc.cwd", want: "/src/"},
		{name: "thread", tid: 2003, field: "proc.env[CC]", want: "gcc"},
		{name: "thread", tid: 2003, field: "proc.pname", want: "sh"},
		{name: "no main", tid: 2003, edit: noMain, field: "proc.name",
			want: "cc-worker"},
		{name: "no main", tid: 2003, edit: noMain, field: "proc.cwd",
			want: "./"},
		{name: "no main", tid: 2003, edit: noMain, field: "proc.env",
			want: ""},
		{name: "no main", tid: 2003, edit: noMain, field: "proc.aname[0]",
			none: true},
		{name: "no main", tid: 2003, edit: noMain, field: "proc.pname",
			none: true},
		{name: "no main", tid: 2003, edit: noMain, field: "proc.pvpid",
			want: "2001"},
		{name: "no main", tid: 2003, edit: noMain,
			field: "custom.proc.aname.lineage.join[2]", none: true},
		{name: "no main", tid: 2003, edit: noMain, field: "proc.sname",
			want: "bash"},
		{name: "leader gone", edit: noLeader, field: "proc.vpgid.name",
			want: "sh"},
		{name: "leader gone", tid: 2001, edit: noLeader,
			field: "proc.vpgid.name", want: ""},
		{name: "no thread", tid: 4242, field: "proc.name", none: true},
		{name: "no thread", tid: 4242, field: "proc.sname", none: true},
		{name: "no thread", tid: 4242, field: "proc.cwd", none: true},
		{name: "no thread", tid: 4242, field: "proc.is_sid_leader",
			none: true},
		{name: "no thread", tid: 4242, field: "thread.tid", want: "4242"},
		{name: "no thread", tid: 4242, field: "evt.type", want: "execve"},
	}
}

func TestMissingEntries(t *testing.T) { runCases(t, missingCases()) }

// oddCases cover what real tables hold in corner cases: fake
// entries, pid namespaces, out-of-range ids and hosts that lack fields.
func oddCases() []fieldCase {
	fake := func(s *memState) {
		s.add(&Thread{Tid: 7000, Pid: -1, Ptid: -1, Sid: -1, Vtid: -1,
			Vpid: -1, Vpgid: -1, Comm: "<NA>", Exe: "<NA>"})
	}
	pidns := func(s *memState) {
		s.add(mkProc(1500, 1, "containerd-shim"))
		ng := s.add(mkProc(21050, 1500, "nginx"))
		ng.Vtid, ng.Vpid, ng.Sid, ng.Vpgid = 1, 1, 1, 1
		w := s.add(mkProc(21051, 21050, "nginx-worker"))
		w.Vtid, w.Vpid, w.Sid, w.Vpgid = 2, 2, 1, 1
	}
	missing := func(m Missing) func(s *memState) {
		return func(s *memState) { s.threads[2002].Missing = m }
	}
	return []fieldCase{
		{name: "fake", tid: 7000, edit: fake, field: "proc.name",
			want: "<NA>"},
		{name: "fake", tid: 7000, edit: fake, field: "proc.exeline",
			want: "<NA> "},
		{name: "fake", tid: 7000, edit: fake, field: "proc.cwd", want: "./"},
		{name: "fake", tid: 7000, edit: fake, field: "proc.pid", want: "-1"},
		{name: "fake", tid: 7000, edit: fake, field: "proc.vpid", none: true},
		{name: "fake", tid: 7000, edit: fake, field: "proc.sname", want: ""},
		{name: "fake", tid: 7000, edit: fake, field: "proc.is_sid_leader",
			want: "true"},
		{name: "pidns leader", tid: 21050, edit: pidns, field: "proc.sname",
			want: ""},
		{name: "pidns leader", tid: 21050, edit: pidns,
			field: "proc.is_sid_leader", want: "true"},
		{name: "pidns member", tid: 21051, edit: pidns, field: "proc.sname",
			want: "nginx"},
		{name: "pidns member", tid: 21051, edit: pidns,
			field: "proc.vpgid.name", want: "nginx"},
		{name: "pid range", field: "proc.pid", none: true,
			edit: func(s *memState) { s.threads[2002].Pid = 1 << 32 }},
		{name: "no args", field: "proc.args", none: true,
			edit: missing(MissingArgs)},
		{name: "no args", field: "proc.cmdline", none: true,
			edit: missing(MissingArgs)},
		{name: "no args", field: "proc.exeline", none: true,
			edit: missing(MissingArgs)},
		{name: "no args", field: "proc.cmdnargs", none: true,
			edit: missing(MissingArgs)},
		{name: "no args", field: "proc.cmdlenargs", none: true,
			edit: missing(MissingArgs)},
		{name: "no args", field: "proc.acmdline[0]", none: true,
			edit: missing(MissingArgs)},
		{name: "no env", field: "proc.env", none: true,
			edit: missing(MissingEnv)},
		{name: "no env", field: "proc.env[HOME]", none: true,
			edit: missing(MissingEnv)},
		{name: "no uid", field: "user.uid", none: true,
			edit: missing(MissingUID)},
		{name: "no gid", field: "group.gid", none: true,
			edit: missing(MissingGID)},
		{name: "no loginuid", field: "user.loginuid", none: true,
			edit: missing(MissingLoginUID)},
		{name: "no container", field: "container.id", none: true,
			edit: missing(MissingContainerID)},
		{name: "no memfd flag", field: "proc.is_exe_from_memfd", none: true,
			edit: missing(MissingExeFromMemfd)},
		{name: "others kept", field: "proc.name", want: "cc",
			edit: missing(^Missing(0))},
	}
}

func TestOddEntries(t *testing.T) { runCases(t, oddCases()) }

// longArgsCases render an argument list far beyond the seed profiles'.
func longArgsCases() []fieldCase {
	args := make([]string, 460)
	total := 0
	for i := range args {
		args[i] = strings.Repeat("x", i%13)
		total += len(args[i])
	}
	args[7] = strings.Repeat("long", 2000)
	total += len(args[7]) - 7
	edit := func(s *memState) { s.threads[2002].Args = list(args...) }
	return []fieldCase{
		{name: "long", edit: edit, field: "proc.cmdnargs", want: "460"},
		{name: "long", edit: edit, field: "proc.cmdlenargs",
			want: fmt.Sprint(total)},
		{name: "long", edit: edit, field: "proc.args",
			want: strings.Join(args, " ")},
		{name: "long", edit: edit, field: "proc.cmdline",
			want: "cc " + strings.Join(args, " ")},
	}
}

func TestLongArgs(t *testing.T) { runCases(t, longArgsCases()) }

// cycleCases check that walks over a corrupt table end.
func cycleCases() []fieldCase {
	loop := func(s *memState) {
		s.threads[1000].Ptid = 2002 // bash <- cc: a cycle of 4
		s.threads[1000].Sid = 1000
	}
	self := func(s *memState) {
		s.threads[2001].Ptid = 2001
		delete(s.threads, 1000) // no direct session leader
	}
	ring := func(s *memState) {
		delete(s.threads, 1000)
		s.threads[2000].Ptid = 2002
	}
	return []fieldCase{
		{name: "loop", edit: loop, field: "proc.aname[4]", want: "cc"},
		{name: "loop", edit: loop, field: "proc.aname[4096]", want: "cc"},
		{name: "loop", edit: loop,
			field: "custom.proc.aname.lineage.join[5]",
			want:  "cc|sh|make|bash|cc|sh"},
		{name: "self parent", edit: self, field: "proc.sname", want: "sh"},
		{name: "self parent", edit: self, field: "proc.aname[4096]",
			want: "sh"},
		// The walk sh, make, cc, sh, ... stops on the entry where Brent's
		// check sees the loop close: the second visit of sh.
		{name: "ring of one session", edit: ring, field: "proc.sname",
			want: "sh"},
	}
}

func TestCycles(t *testing.T) { runCases(t, cycleCases()) }

// TestFieldCoverage makes sure every field of the table (fd fields aside,
// which have their own tests) appears in a unit test case above.
func TestFieldCoverage(t *testing.T) {
	seen := map[string]bool{}
	for _, cases := range [][]fieldCase{processCases(), lineageCases(),
		missingCases(), oddCases(), longArgsCases(), cycleCases()} {
		for _, fc := range cases {
			name, _, _ := strings.Cut(fc.field, "[")
			seen[name] = true
		}
	}
	for _, f := range fieldTable {
		if strings.HasPrefix(f.Name, "fd.") ||
			strings.HasPrefix(f.Name, "custom.fd.") {
			continue
		}
		if !seen[f.Name] {
			t.Errorf("field %s has no unit test case", f.Name)
		}
	}
}
