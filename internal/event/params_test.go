package event

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"testing"
)

func TestFDLayoutOf(t *testing.T) {
	tests := []struct {
		code               uint16
		fd, dirfd, path    int
		dev, ino, tuple    int
		maxParams, nparams int
	}{
		{OpenX, 0, -1, 1, 4, 5, -1, 0, 6},
		{CreatX, 0, -1, 1, 3, 4, -1, 0, 6},
		{OpenatX, 0, 1, 2, 5, 6, -1, 0, 7},
		{Openat2X, 0, 1, 2, 6, 7, -1, 0, 8},
		{OpenByHandleAtX, 0, -1, 3, 4, 5, -1, 0, 6},
		{ConnectX, 2, -1, -1, -1, -1, 1, 0, 4},
		{AcceptX, 0, -1, -1, -1, -1, 1, 0, 5},
		{Accept4X, 0, -1, -1, -1, -1, 1, 0, 6},
	}
	for _, tt := range tests {
		t.Run(Name(tt.code), func(t *testing.T) {
			l, ok := FDLayoutOf(tt.code)
			if !ok {
				t.Fatal("no layout")
			}
			got := [6]int{l.FD, l.DirFD, l.Path, l.Dev, l.Ino, l.Tuple}
			want := [6]int{tt.fd, tt.dirfd, tt.path, tt.dev, tt.ino, tt.tuple}
			if got != want {
				t.Errorf("fd,dirfd,path,dev,ino,tuple = %v, want %v", got, want)
			}
			if l.Res != 0 {
				t.Errorf("Res = %d, want 0", l.Res)
			}
			if l.Socket() != (tt.tuple >= 0) {
				t.Errorf("Socket() = %v", l.Socket())
			}
			checkIndices(t, tt.nparams, l.FD, l.DirFD, l.Path, l.Flags, l.Mode,
				l.Dev, l.Ino, l.Tuple)
		})
	}
	for c := 0; c < 0x10000; c++ {
		_, ok := FDLayoutOf(uint16(c))
		if ok && (!Supported(uint16(c)) || !IsExit(uint16(c))) {
			t.Errorf("code %d has an fd layout but is not a supported exit", c)
		}
	}
}

// checkIndices fails when an index is out of [-1, n) or two roles share
// one parameter.
func checkIndices(t *testing.T, n int, idx ...int) {
	t.Helper()
	seen := map[int]bool{}
	for _, i := range idx {
		if i < -1 || i >= n {
			t.Errorf("index %d outside the %d parameters", i, n)
		}
		if i >= 0 && seen[i] {
			t.Errorf("index %d used twice", i)
		}
		seen[i] = true
	}
}

func TestExecAndCloneLayouts(t *testing.T) {
	x, ok := ExecLayoutOf(ExecveX)
	if !ok {
		t.Fatal("no execve layout")
	}
	want := [11]int{2, 6, 15, 16, 17, 18, 23, 26, 27, 28, 29}
	got := [11]int{x.Args, x.Cwd, x.Env, x.Tty, x.Vpgid, x.LoginUID, x.ExeIno,
		x.UID, x.TrustedExePath, x.Pgid, x.GID}
	if got != want {
		t.Errorf("execve args,cwd,env,tty,vpgid,loginuid,exe_ino,uid,"+
			"trusted_exepath,pgid,gid = %v, want %v", got, want)
	}
	checkIndices(t, 31, x.Res, x.Exe, x.Args, x.Tid, x.Pid, x.Ptid, x.Cwd,
		x.Comm, x.Cgroups, x.Env, x.Tty, x.Vpgid, x.LoginUID, x.Flags,
		x.ExeIno, x.ExeInoCtime, x.ExeInoMtime, x.UID, x.TrustedExePath,
		x.Pgid, x.GID, x.Filename)
	if x.Filename != 30 {
		t.Errorf("execve Filename = %d, want 30", x.Filename)
	}

	xa, ok := ExecLayoutOf(ExecveatX)
	if !ok || xa.Filename != -1 || xa.GID != 29 {
		t.Errorf("execveat layout = %+v, %v", xa, ok)
	}
	if _, ok := ExecLayoutOf(CloneX); ok {
		t.Error("clone has an exec layout")
	}

	for _, code := range []uint16{CloneX, Clone3X, ForkX, VforkX} {
		c, ok := CloneLayoutOf(code)
		if !ok {
			t.Fatalf("no clone layout for %d", code)
		}
		checkIndices(t, 21, c.Res, c.Exe, c.Args, c.Tid, c.Pid, c.Ptid, c.Cwd,
			c.Comm, c.Cgroups, c.Flags, c.UID, c.GID, c.Vtid, c.Vpid)
	}
	if _, ok := CloneLayoutOf(ExecveX); ok {
		t.Error("execve has a clone layout")
	}
}

// TestFixtureFDParams reads the fd events of every fixture through
// FDLayoutOf and checks the parameters against libsinsp's rendering of
// the fields that must agree with them.
func TestFixtureFDParams(t *testing.T) {
	n := 0
	for _, r := range loadFixtures(t) {
		l, ok := FDLayoutOf(r.Code)
		if !ok {
			continue
		}
		n++
		name := fmt.Sprintf("%s:%d evt %d %s", r.File, r.Line, r.Evtnum, r.EvtType)
		e, err := Decode(r.raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkFDRecord(t, name, &e, l, &r)
	}
	if n == 0 {
		t.Fatal("no fd events in the fixtures")
	}
}

func checkFDRecord(t *testing.T, name string, e *Event, l FDLayout, r *fixtureRecord) {
	t.Helper()
	res, ok := e.Int64(l.Res)
	if !ok || r.Expect.RawRes == nil || res != *r.Expect.RawRes {
		t.Errorf("%s: res %d (%v), evt.rawres %v", name, res, ok, r.Expect.RawRes)
	}
	fd, ok := e.Int64(l.FD)
	if !ok {
		t.Fatalf("%s: no fd param", name)
	}
	// libsinsp's fd.num is the fd the event is about, -1 when an
	// fd-returning call failed.
	want := fd
	if !l.Socket() || l.FD == l.Res {
		want = max(fd, -1)
	}
	if r.Expect.FDNum == nil || *r.Expect.FDNum != want {
		t.Errorf("%s: fd param %d, fd.num %v", name, fd, r.Expect.FDNum)
	}
	if fd >= 0 && !contains(r.Lookup.FdsQueried, fd) {
		t.Errorf("%s: fd %d not in fds_queried %v", name, fd, r.Lookup.FdsQueried)
	}
	if l.DirFD >= 0 {
		dirfd, ok := e.Int64(l.DirFD)
		if !ok || (dirfd >= 0 && !contains(r.Lookup.FdsQueried, dirfd)) {
			t.Errorf("%s: dirfd %d (%v) not in fds_queried %v", name, dirfd, ok,
				r.Lookup.FdsQueried)
		}
	}
	if l.Path >= 0 {
		checkFileParams(t, name, e, l, fd, r)
	}
	if l.Socket() {
		checkTupleParam(t, name, e, l, r)
	}
}

func checkFileParams(t *testing.T, name string, e *Event, l FDLayout, fd int64, r *fixtureRecord) {
	t.Helper()
	path, ok := e.String(l.Path)
	if !ok {
		t.Errorf("%s: no path param", name)
	}
	// On success the fd table's raw name is the path as passed.
	if fd >= 0 && (r.Expect.NameRaw == nil || *r.Expect.NameRaw != string(path)) {
		t.Errorf("%s: path %q, fd.nameraw %v", name, path, r.Expect.NameRaw)
	}
	// Old captures carry empty dev and ino; libsinsp then shows 0.
	if dev, ok := e.Uint32(l.Dev); ok && r.Expect.Dev != nil {
		if got := fmt.Sprintf("%X", dev); got != *r.Expect.Dev {
			t.Errorf("%s: dev %s, fd.dev %s", name, got, *r.Expect.Dev)
		}
	} else if !ok && r.Expect.Dev != nil && *r.Expect.Dev != "0" {
		t.Errorf("%s: no dev param, fd.dev %s", name, *r.Expect.Dev)
	}
	if ino, ok := e.Uint64(l.Ino); ok && r.Expect.Ino != nil {
		if ino != *r.Expect.Ino {
			t.Errorf("%s: ino %d, fd.ino %d", name, ino, *r.Expect.Ino)
		}
	} else if !ok && r.Expect.Ino != nil && *r.Expect.Ino != 0 {
		t.Errorf("%s: no ino param, fd.ino %d", name, *r.Expect.Ino)
	}
}

func checkTupleParam(t *testing.T, name string, e *Event, l FDLayout, r *fixtureRecord) {
	t.Helper()
	tu, ok := e.SockTuple(l.Tuple)
	if !ok {
		t.Errorf("%s: no socket tuple", name)
		return
	}
	wantFamily := map[string]uint8{"ipv4": FamilyInet, "ipv6": FamilyInet6,
		"unix": FamilyUnix}
	if r.Expect.Type != nil && wantFamily[*r.Expect.Type] != tu.Family {
		t.Errorf("%s: family %d, fd.type %s", name, tu.Family, *r.Expect.Type)
	}
	ends := []struct {
		ap   netip.AddrPort
		ip   *string
		port *uint16
	}{{tu.Src, r.Expect.CIP, r.Expect.CPort}, {tu.Dst, r.Expect.SIP, r.Expect.SPort}}
	for _, end := range ends {
		if end.ip != nil && end.ap.Addr().String() != *end.ip {
			t.Errorf("%s: address %s, want %s", name, end.ap.Addr(), *end.ip)
		}
		if end.port != nil && end.ap.Port() != *end.port {
			t.Errorf("%s: port %d, want %d", name, end.ap.Port(), *end.port)
		}
	}
}

func contains(s []int64, v int64) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestFixtureProcessParams checks the execve and clone layouts against the
// fixtures: the result and, for a successful execve, the new comm and pid
// that libsinsp's own parser took from the event.
func TestFixtureProcessParams(t *testing.T) {
	for _, r := range loadFixtures(t) {
		x, isExec := ExecLayoutOf(r.Code)
		c, isClone := CloneLayoutOf(r.Code)
		if !isExec && !isClone {
			continue
		}
		name := fmt.Sprintf("%s:%d evt %d %s", r.File, r.Line, r.Evtnum, r.EvtType)
		e, err := Decode(r.raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res, ok := e.Int64(0)
		if !ok || r.Expect.RawRes == nil || res != *r.Expect.RawRes {
			t.Errorf("%s: res %d, evt.rawres %v", name, res, r.Expect.RawRes)
		}
		if isClone {
			if tid, ok := e.Int64(c.Tid); !ok || tid != r.Event.Tid {
				t.Errorf("%s: clone tid param %d, header tid %d", name, tid, r.Event.Tid)
			}
			continue
		}
		if res != 0 {
			continue
		}
		comm, _ := e.String(x.Comm)
		if r.Expect.Name == nil || string(comm) != *r.Expect.Name {
			t.Errorf("%s: comm %q, proc.name %v", name, comm, r.Expect.Name)
		}
		pid, ok := e.Int64(x.Pid)
		if !ok || r.Expect.Pid == nil || pid != *r.Expect.Pid {
			t.Errorf("%s: pid %d, proc.pid %v", name, pid, r.Expect.Pid)
		}
	}
}

func TestDecodeSockTuple(t *testing.T) {
	v4 := []byte{FamilyInet, 10, 0, 0, 5, 0x40, 0x9c, 93, 184, 216, 34, 0xbb, 0x01}
	v6 := append([]byte{FamilyInet6},
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0x41, 0x9c,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1, 0x50, 0x00)
	unix := append([]byte{FamilyUnix, 1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 1},
		"/run/x.sock\x00junk"...)
	tests := []struct {
		name     string
		in       []byte
		err      error
		src, dst string
		path     string
	}{
		{"ipv4", v4, nil, "10.0.0.5:40000", "93.184.216.34:443", ""},
		{"ipv4 trailing bytes", append(v4[:13:13], 9, 9), nil,
			"10.0.0.5:40000", "93.184.216.34:443", ""},
		{"ipv6 mapped dst", v6, nil, "[2001:db8::5]:40001", "[::ffff:127.0.0.1]:80", ""},
		{"unix", unix, nil, "invalid AddrPort", "invalid AddrPort", "/run/x.sock"},
		{"unix no nul", unix[:20], nil, "invalid AddrPort", "invalid AddrPort", "/ru"},
		{"unix no path", unix[:17], nil, "invalid AddrPort", "invalid AddrPort", ""},
		{"empty", nil, ErrTupleShort, "", "", ""},
		{"ipv4 short", v4[:12], ErrTupleShort, "", "", ""},
		{"ipv6 short", v6[:36], ErrTupleShort, "", "", ""},
		{"unix short", unix[:16], ErrTupleShort, "", "", ""},
		{"family 0", []byte{0, 1, 2, 3}, ErrTupleFamily, "", "", ""},
		{"family 3", append([]byte{3}, v4[1:]...), ErrTupleFamily, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeSockTuple(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if got.Family != tt.in[0] || got.Src.String() != tt.src ||
				got.Dst.String() != tt.dst || string(got.Path) != tt.path {
				t.Errorf("got family %d %s -> %s path %q", got.Family, got.Src, got.Dst, got.Path)
			}
		})
	}
	u, _ := DecodeSockTuple(unix)
	if u.SrcPtr != 0x0807060504030201 || u.DstPtr != 0x0102030405060708 {
		t.Errorf("unix pointers %x %x", u.SrcPtr, u.DstPtr)
	}
	if !bytes.Equal(u.Path, unix[17:28]) || &u.Path[0] != &unix[17] {
		t.Error("unix path does not alias the input")
	}
}
