package event

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"testing"
)

func TestEncodeBytes(t *testing.T) {
	got := Encode(0x0102030405060708, -2, OpenX, PInt64(3), PString("/a"), PEmpty())
	want := "0807060504030201" + // ts
		"feffffffffffffff" + // tid -2
		"2b000000" + // len 43 = 26 + 3*2 + 8 + 3 + 0
		"0300" + // type
		"03000000" + // nparams
		"0800" + "0300" + "0000" + // lengths
		"0300000000000000" + "2f6100"
	if hex.EncodeToString(got) != want {
		t.Fatalf("Encode =\n%x\nwant\n%s", got, want)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		code   uint16
		params [][]byte
	}{
		{"no params", ExecveX, nil},
		{"empty params", OpenX, [][]byte{PEmpty(), nil, PEmpty()}},
		{"mixed", Openat2X, [][]byte{PInt64(-2), PUint32(7), PUint64(1 << 60),
			PString(""), PList("a", "", "b"), PBytes([]byte{0, 1, 2}), PUint16(9), PUint8(1)}},
		{"large payload", PluginEventE, [][]byte{PUint32(999), bytes.Repeat([]byte{7}, 70000)}},
		{"max uint16 param", OpenX, [][]byte{bytes.Repeat([]byte{1}, maxParamLen)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := Encode(42, 7, tt.code, tt.params...)
			e, err := Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			if e.TS != 42 || e.Tid != 7 || e.Type != tt.code ||
				e.NParams != uint32(len(tt.params)) || len(e.Raw()) != len(raw) {
				t.Fatalf("header %d %d %d %d len %d", e.TS, e.Tid, e.Type, e.NParams, len(e.Raw()))
			}
			for i, p := range tt.params {
				got, ok := e.Param(i)
				if !ok || !bytes.Equal(got, p) {
					t.Errorf("param %d = %x (%v), want %x", i, got, ok, p)
				}
			}
			if _, ok := e.Param(len(tt.params)); ok {
				t.Error("param past the end present")
			}
		})
	}
}

func TestEncodeCutsLongParams(t *testing.T) {
	long := bytes.Repeat([]byte{'x'}, maxParamLen+10)
	e, err := Decode(Encode(1, 1, OpenX, long, PInt64(5)))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := e.Param(0)
	if len(p) != maxParamLen {
		t.Errorf("param 0 has %d bytes, want %d", len(p), maxParamLen)
	}
	if v, ok := e.Int64(1); !ok || v != 5 {
		t.Errorf("param 1 = %d, %v", v, ok)
	}
	dst := []byte("prefix")
	out := AppendEncode(dst, 1, 1, OpenX, PInt64(5))
	if !bytes.HasPrefix(out, dst) {
		t.Error("AppendEncode lost its prefix")
	}
	if _, err := Decode(out[len(dst):]); err != nil {
		t.Errorf("appended event: %v", err)
	}
}

// TestEncodeFixtures re-encodes every fixture event from its decoded
// header and parameters and expects the very bytes libsinsp handed over.
func TestEncodeFixtures(t *testing.T) {
	for _, r := range loadFixtures(t) {
		e, err := Decode(r.raw)
		if err != nil {
			t.Fatalf("%s:%d: %v", r.File, r.Line, err)
		}
		params := make([][]byte, e.NParams)
		for i := range params {
			params[i], _ = e.Param(i)
		}
		if got := Encode(e.TS, e.Tid, e.Type, params...); !bytes.Equal(got, r.raw) {
			t.Errorf("%s:%d: re-encoded event differs", r.File, r.Line)
		}
	}
}

func TestSockTupleEncoders(t *testing.T) {
	src := netip.MustParseAddrPort("10.0.0.5:40000")
	dst := netip.MustParseAddrPort("93.184.216.34:443")
	// fixture_cases evt 44, the tuple of a real connect.
	if got := hex.EncodeToString(PSockTupleV4(src, dst)); got != "020a000005409c5db8d822bb01" {
		t.Errorf("PSockTupleV4 = %s", got)
	}
	tests := []struct {
		name     string
		p        []byte
		src, dst string
	}{
		{"v4", PSockTupleV4(src, dst), "10.0.0.5:40000", "93.184.216.34:443"},
		{"v4 from mapped", PSockTupleV4(netip.MustParseAddrPort("[::ffff:1.2.3.4]:1"), dst),
			"1.2.3.4:1", "93.184.216.34:443"},
		{"v4 from v6", PSockTupleV4(netip.MustParseAddrPort("[2001:db8::1]:1"), netip.AddrPort{}),
			"0.0.0.0:1", "0.0.0.0:0"},
		{"v6", PSockTupleV6(netip.MustParseAddrPort("[2001:db8::5]:40001"),
			netip.MustParseAddrPort("[2606:2800:220:1::1]:443")),
			"[2001:db8::5]:40001", "[2606:2800:220:1::1]:443"},
		{"v6 from v4", PSockTupleV6(src, netip.AddrPort{}),
			"[::ffff:10.0.0.5]:40000", "[::]:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tu, err := DecodeSockTuple(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if tu.Src.String() != tt.src || tu.Dst.String() != tt.dst {
				t.Errorf("got %s -> %s, want %s -> %s", tu.Src, tu.Dst, tt.src, tt.dst)
			}
		})
	}
	u, err := DecodeSockTuple(PSockTupleUnix(0xffff9a1b2c3d4e00, 0xffff9a1b2c3d4f00,
		"/run/dbus/system_bus_socket"))
	if err != nil || u.Family != FamilyUnix || u.SrcPtr != 0xffff9a1b2c3d4e00 ||
		u.DstPtr != 0xffff9a1b2c3d4f00 || string(u.Path) != "/run/dbus/system_bus_socket" {
		t.Errorf("unix tuple %+v, %v", u, err)
	}
}

func TestEncodeFileEvents(t *testing.T) {
	f := FileEvent{TS: 9, Tid: 100, FD: 5, DirFD: -100, MountFD: 3, Path: "/etc/ssl",
		Flags: 0x41, Mode: 0o644, Resolve: 8, Dev: 0x803, Ino: 1003, CreatFlags: 2}
	tests := []struct {
		code    uint16
		enc     func(FileEvent) []byte
		nparams uint32
	}{
		{OpenX, EncodeOpen, 6},
		{CreatX, EncodeCreat, 6},
		{OpenatX, EncodeOpenat, 7},
		{Openat2X, EncodeOpenat2, 8},
		{OpenByHandleAtX, EncodeOpenByHandleAt, 6},
	}
	for _, tt := range tests {
		t.Run(Name(tt.code), func(t *testing.T) {
			e := mustDecode(t, tt.enc(f))
			if e.Type != tt.code || e.NParams != tt.nparams || e.Tid != 100 || e.TS != 9 {
				t.Fatalf("header type %d nparams %d", e.Type, e.NParams)
			}
			l, _ := FDLayoutOf(tt.code)
			checkInt(t, &e, l.FD, 5)
			checkInt(t, &e, l.DirFD, -100)
			checkStr(t, &e, l.Path, "/etc/ssl")
			checkU32(t, &e, l.Flags, 0x41)
			checkU32(t, &e, l.Mode, 0o644)
			checkU32(t, &e, l.Dev, 0x803)
			if v, ok := e.Uint64(l.Ino); !ok || v != 1003 {
				t.Errorf("ino = %d, %v", v, ok)
			}
		})
	}
	old := f
	old.NParams = 6
	e := mustDecode(t, EncodeOpenat2(old))
	if _, ok := e.Uint32(6); ok || e.NParams != 6 {
		t.Errorf("Falco 0.37 openat2 has dev: nparams %d", e.NParams)
	}
	noPath := f
	noPath.Path = ""
	e = mustDecode(t, EncodeOpen(noPath))
	if p, ok := e.Param(1); !ok || len(p) != 0 {
		t.Errorf("empty path param = %q, %v", p, ok)
	}
	if _, ok := e.String(1); ok {
		t.Error("empty path reads as a value")
	}
}

func TestEncodeSocketEvents(t *testing.T) {
	tuple := PSockTupleV4(netip.MustParseAddrPort("10.0.0.9:51514"),
		netip.MustParseAddrPort("10.0.0.5:8080"))
	s := SocketEvent{TS: 1, Tid: 2, Res: -115, FD: 7, Tuple: tuple, QueueMax: 128, Flags: 0x800}
	for _, tc := range []struct {
		code    uint16
		enc     func(SocketEvent) []byte
		nparams uint32
	}{{ConnectX, EncodeConnect, 4}, {AcceptX, EncodeAccept, 5}, {Accept4X, EncodeAccept4, 6}} {
		e := mustDecode(t, tc.enc(s))
		l, _ := FDLayoutOf(tc.code)
		if e.Type != tc.code || e.NParams != tc.nparams {
			t.Errorf("%s: type %d nparams %d", Name(tc.code), e.Type, e.NParams)
		}
		checkInt(t, &e, l.FD, 7)
		if tc.code == ConnectX {
			checkInt(t, &e, l.Res, -115)
		}
		tu, ok := e.SockTuple(l.Tuple)
		if !ok || tu.Src.String() != "10.0.0.9:51514" || tu.Dst.String() != "10.0.0.5:8080" {
			t.Errorf("%s: tuple %+v, %v", Name(tc.code), tu, ok)
		}
	}
	e := mustDecode(t, EncodeAccept4(s))
	checkU32(t, &e, 4, 128)
	checkU32(t, &e, 5, 0x800)

	failed := SocketEvent{Res: -111, FD: 5}
	e = mustDecode(t, EncodeConnect(failed))
	if _, ok := e.SockTuple(1); ok {
		t.Error("empty tuple decodes")
	}
	old := s
	old.NParams = 2
	e = mustDecode(t, EncodeConnect(old))
	if _, ok := e.Int64(2); ok {
		t.Error("2-param connect has an fd")
	}
}

func TestEncodeProcessEvents(t *testing.T) {
	x := ExecEvent{TS: 5, Tid: 21000, Res: 0, Exe: "/bin/cat", Args: []string{"-n", "", "a b"},
		Pid: 21000, Ptid: 1000, Cwd: "/home/alice", Comm: "cat",
		Cgroups: []string{"cpu=/"}, Env: []string{"HOME=/home/alice", "PATH=/bin"},
		Tty: 34816, Vpgid: 21000, LoginUID: 1000, ExeIno: 77, UID: 1000,
		TrustedExePath: "/usr/bin/cat", Pgid: 21000, GID: 1000, Filename: "/bin/cat"}
	for _, tc := range []struct {
		code    uint16
		enc     func(ExecEvent) []byte
		nparams uint32
	}{{ExecveX, EncodeExecve, 31}, {ExecveatX, EncodeExecveat, 30}} {
		e := mustDecode(t, tc.enc(x))
		l, _ := ExecLayoutOf(tc.code)
		if e.Type != tc.code || e.NParams != tc.nparams {
			t.Fatalf("%s: type %d nparams %d", Name(tc.code), e.Type, e.NParams)
		}
		checkInt(t, &e, l.Res, 0)
		checkStr(t, &e, l.Exe, "/bin/cat")
		if a, _ := e.Bytes(l.Args); string(a) != "-n\x00\x00a b" {
			t.Errorf("args %q", a)
		}
		checkInt(t, &e, l.Tid, 21000)
		checkInt(t, &e, l.Ptid, 1000)
		checkStr(t, &e, l.Cwd, "/home/alice")
		checkStr(t, &e, l.Comm, "cat")
		if v, _ := e.Bytes(l.Env); string(v) != "HOME=/home/alice\x00PATH=/bin" {
			t.Errorf("env %q", v)
		}
		checkU32(t, &e, l.Tty, 34816)
		checkInt(t, &e, l.Vpgid, 21000)
		checkU32(t, &e, l.LoginUID, 1000)
		checkU32(t, &e, l.UID, 1000)
		checkStr(t, &e, l.TrustedExePath, "/usr/bin/cat")
		checkInt(t, &e, l.Pgid, 21000)
		checkU32(t, &e, l.GID, 1000)
		if v, ok := e.Uint64(l.ExeIno); !ok || v != 77 {
			t.Errorf("exe_ino %d", v)
		}
		if l.Filename >= 0 {
			checkStr(t, &e, l.Filename, "/bin/cat")
		}
	}
	x.NParams = 28
	e := mustDecode(t, EncodeExecve(x))
	if e.NParams != 28 {
		t.Fatalf("nparams %d", e.NParams)
	}
	if _, ok := e.Int64(28); ok {
		t.Error("28-param execve has a pgid")
	}
	x.NParams = 33
	e = mustDecode(t, EncodeExecve(x))
	if p, ok := e.Param(32); e.NParams != 33 || !ok || len(p) != 0 {
		t.Errorf("padded execve: nparams %d, param 32 %q %v", e.NParams, p, ok)
	}

	c := CloneEvent{TS: 1, Tid: 21001, Res: 0, Exe: "bash", Pid: 21001, Ptid: 1000,
		Comm: "bash", Flags: 0x1, UID: 33, GID: 33, Vtid: 1, Vpid: 1}
	for _, tc := range []struct {
		code uint16
		enc  func(CloneEvent) []byte
	}{{CloneX, EncodeClone}, {Clone3X, EncodeClone3}, {ForkX, EncodeFork}, {VforkX, EncodeVfork}} {
		e := mustDecode(t, tc.enc(c))
		l, _ := CloneLayoutOf(tc.code)
		if e.Type != tc.code || e.NParams != 21 {
			t.Fatalf("%s: type %d nparams %d", Name(tc.code), e.Type, e.NParams)
		}
		checkInt(t, &e, l.Tid, 21001)
		checkInt(t, &e, l.Ptid, 1000)
		checkStr(t, &e, l.Comm, "bash")
		checkU32(t, &e, l.Flags, 1)
		checkU32(t, &e, l.UID, 33)
		checkInt(t, &e, l.Vpid, 1)
	}
}

func mustDecode(t *testing.T, raw []byte) Event {
	t.Helper()
	e, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func checkInt(t *testing.T, e *Event, i int, want int64) {
	t.Helper()
	if i < 0 {
		return
	}
	if v, ok := e.Int64(i); !ok || v != want {
		t.Errorf("param %d = %d (%v), want %d", i, v, ok, want)
	}
}

func checkU32(t *testing.T, e *Event, i int, want uint32) {
	t.Helper()
	if i < 0 {
		return
	}
	if v, ok := e.Uint32(i); !ok || v != want {
		t.Errorf("param %d = %d (%v), want %d", i, v, ok, want)
	}
}

func checkStr(t *testing.T, e *Event, i int, want string) {
	t.Helper()
	if i < 0 {
		return
	}
	if v, ok := e.String(i); !ok || string(v) != want {
		t.Errorf("param %d = %q (%v), want %q", i, v, ok, want)
	}
}
