package event

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// benchExecve is an execve exit event of realistic size: 31 parameters,
// 12 arguments and 30 environment entries.
func benchExecve() []byte {
	args := strings.Fields("-o pipefail -c for f in /var/log/*.log; do gzip -9 $f; done")
	env := make([]string, 30)
	for i := range env {
		env[i] = fmt.Sprintf("VAR_%02d=/usr/local/share/some/value/%d", i, i)
	}
	return EncodeExecve(ExecEvent{
		TS: 1700000000000000000, Tid: 21000, Exe: "/bin/bash", Args: args,
		Pid: 21000, Ptid: 1000, Cwd: "/home/alice/", Comm: "bash",
		Cgroups: []string{"cpuset=/", "cpu=/user.slice", "memory=/user.slice"},
		Env:     env, Tty: 34816, Vpgid: 21000, LoginUID: 1000, ExeIno: 1234,
		UID: 1000, TrustedExePath: "/usr/bin/bash", Pgid: 21000, GID: 1000,
		Filename: "/bin/bash",
	})
}

var (
	sinkInt   int64
	sinkU32   uint32
	sinkBytes []byte
	sinkTuple SockTuple
)

// BenchmarkDecodeExecveLate decodes an execve event and reads its late
// parameters (gid, filename) as the profile code does on every exec.
func BenchmarkDecodeExecveLate(b *testing.B) {
	raw := benchExecve()
	l, _ := ExecLayoutOf(ExecveX)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		e, err := Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		sinkU32, _ = e.Uint32(l.GID)
		sinkBytes, _ = e.String(l.Filename)
	}
}

// BenchmarkDecode is Decode alone on the same execve event.
func BenchmarkDecode(b *testing.B) {
	raw := benchExecve()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		e, err := Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		sinkInt = e.Tid
	}
}

// BenchmarkOpenatPath is the fd event path: decode an openat event, look
// up its layout and read the fd, dirfd and path.
func BenchmarkOpenatPath(b *testing.B) {
	raw := EncodeOpenat(FileEvent{TS: 1, Tid: 21010, FD: 5, DirFD: -100,
		Path: "data/../data/db.sqlite", Flags: 1, Dev: 0x803, Ino: 1003})
	b.ReportAllocs()
	for b.Loop() {
		e, err := Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		l, _ := FDLayoutOf(e.Type)
		sinkInt, _ = e.Int64(l.FD)
		sinkInt, _ = e.Int64(l.DirFD)
		sinkBytes, _ = e.String(l.Path)
	}
}

func BenchmarkSockTuple(b *testing.B) {
	cases := []struct {
		name string
		p    []byte
	}{
		{"ipv4", PSockTupleV4(netip.MustParseAddrPort("10.0.0.5:40000"),
			netip.MustParseAddrPort("93.184.216.34:443"))},
		{"ipv6", PSockTupleV6(netip.MustParseAddrPort("[2001:db8::5]:40001"),
			netip.MustParseAddrPort("[2606:2800:220:1::1]:443"))},
		{"unix", PSockTupleUnix(1, 2, "/run/dbus/system_bus_socket")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t, err := DecodeSockTuple(c.p)
				if err != nil {
					b.Fatal(err)
				}
				sinkTuple = t
			}
		})
	}
}

// TestEventPathAllocs guards the zero-allocation promise of the event path
// (the speed itself is measured by the benchmarks above).
func TestEventPathAllocs(t *testing.T) {
	raw := benchExecve()
	l, _ := ExecLayoutOf(ExecveX)
	conn := EncodeConnect(SocketEvent{FD: 3, Tuple: PSockTupleV6(
		netip.MustParseAddrPort("[2001:db8::5]:1"), netip.MustParseAddrPort("[::1]:2"))})
	allocs := testing.AllocsPerRun(100, func() {
		e, _ := Decode(raw)
		sinkU32, _ = e.Uint32(l.GID)
		sinkBytes, _ = e.String(l.Filename)
		sinkBytes, _ = e.Bytes(l.Env)
		c, _ := Decode(conn)
		sinkTuple, _ = c.SockTuple(1)
		fl, _ := FDLayoutOf(c.Type)
		sinkInt, _ = c.Int64(fl.FD)
		_ = Name(c.Type)
		_ = Supported(c.Type)
	})
	if allocs != 0 {
		t.Errorf("event path allocates %.1f times per event", allocs)
	}
}
