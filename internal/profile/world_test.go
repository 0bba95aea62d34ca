package profile

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// rawEvent builds a parameterless event of the given type and tid.
func rawEvent(t testing.TB, tid int64, code uint16) *event.Event {
	t.Helper()
	raw := make([]byte, event.HeaderSize)
	binary.LittleEndian.PutUint64(raw[0:], 1700000000000000000)
	binary.LittleEndian.PutUint64(raw[8:], uint64(tid))
	binary.LittleEndian.PutUint32(raw[16:], event.HeaderSize)
	binary.LittleEndian.PutUint16(raw[20:], code)
	ev, err := event.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &ev
}

// list builds the NUL-terminated form of Thread.Args and Thread.Env.
func list(items ...string) string {
	if len(items) == 0 {
		return ""
	}
	return strings.Join(items, "\x00") + "\x00"
}

// mkProc returns the main thread of a process that leads its own session
// and process group, outside any pid namespace.
func mkProc(tid, ptid int64, comm string) *Thread {
	return &Thread{
		Tid: tid, Pid: tid, Ptid: ptid, Sid: tid,
		Vtid: tid, Vpid: tid, Vpgid: tid, Pgid: tid,
		Comm: comm, Exe: comm, ExePath: "/usr/bin/" + comm, Cwd: "/",
		Flags: FlagIsMainThread, LoginUID: 1<<32 - 1,
	}
}

// mkThread returns a secondary thread of process main, as libsinsp keeps
// it: own comm, no cwd and no environment.
func mkThread(tid int64, main *Thread, comm string) *Thread {
	t := *main
	t.Tid, t.Vtid, t.Comm = tid, tid, comm
	t.Cwd, t.Env = "", ""
	t.Flags = FlagCloneFiles
	return &t
}

// inSession puts t in session sid and process group pgid.
func inSession(t *Thread, sid, pgid int64) *Thread {
	t.Sid, t.Vpgid, t.Pgid = sid, pgid, pgid
	return t
}

// world is a small process tree for unit tests:
//
//	1 systemd -> 500 sshd -> 900 sshd -> 1000 bash (session 1000)
//	  -> 2000 make (group 2000) -> 2001 sh -> 2002 cc, with thread 2003
func world() *memState {
	s := newMemState()
	s.add(mkProc(1, 0, "systemd")).Args = list("--system")
	s.add(mkProc(500, 1, "sshd"))
	s.add(mkProc(900, 500, "sshd")).Exe = "sshd: alice@pts/0"
	bash := s.add(mkProc(1000, 900, "bash"))
	bash.Exe, bash.Cwd, bash.Tty = "-bash", "/home/alice/", 34816
	bash.Env = list("USER=alice", "HOME=/home/alice", "PATH=/usr/bin:/bin")
	mk := s.add(inSession(mkProc(2000, 1000, "make"), 1000, 2000))
	mk.Args, mk.Cwd = list("-j4", "all"), "/src/"
	sh := s.add(inSession(mkProc(2001, 2000, "sh"), 1000, 2000))
	sh.Args, sh.Cwd = list("-c", "cc -c x.c"), "/src/"
	cc := s.add(inSession(mkProc(2002, 2001, "cc"), 1000, 2000))
	cc.Args, cc.Cwd = list("-c", "x.c", "-o", "x.o"), "/src/"
	cc.Env = list("HOMEDIR=/wrong", "HOME=/home/alice", "CC=gcc",
		"HOME=/second", "EMPTY=", "PAD=  padded\t ")
	cc.UID, cc.GID, cc.LoginUID = 1000, 1000, 1000
	cc.ExeIno, cc.ExeInoCtime, cc.ExeInoMtime = 4242, 1700000000, 1600000000
	cc.ExeWritable = true
	s.add(mkThread(2003, cc, "cc-worker"))
	return s
}
