package profile

import (
	"net/netip"
	"testing"
)

// TestAppendIPv6 checks the inet_ntop text form, glibc's special cases
// included.
func TestAppendIPv6(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2001:db8::5", "2001:db8::5"},
		{"2606:2800:220:1::1", "2606:2800:220:1::1"},
		{"::", "::"},
		{"::1", "::1"},
		{"fe80::", "fe80::"},
		{"1:0:0:2:0:0:0:3", "1:0:0:2::3"},   // longest run wins
		{"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"}, // first of equal runs
		{"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"},
		{"::ffff:10.0.0.9", "::ffff:10.0.0.9"},
		{"::10.0.0.9", "::10.0.0.9"},     // IPv4-compatible
		{"::2:3", "::0.2.0.3"},           // glibc reads it as IPv4-compatible
		{"::ffff:0:1", "::ffff:0.0.0.1"}, // and this as IPv4-mapped
		{"0:0:0:0:0:fffe:a00:9", "::fffe:a00:9"},
		{"fd00:0:0:0:0:0:0:abcd", "fd00::abcd"},
	} {
		a := netip.MustParseAddr(tc.in).As16()
		if got := string(appendIPv6(nil, &a)); got != tc.want {
			t.Errorf("appendIPv6(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAppendIP checks both families through the FD address layout.
func TestAppendIP(t *testing.T) {
	v4 := fdAddr("93.184.216.34")
	if got := string(appendIP([]byte("x"), &v4, true)); got != "x93.184.216.34" {
		t.Errorf("IPv4: %q", got)
	}
	v6 := fdAddr("2001:db8::5")
	if got := string(appendIP(nil, &v6, false)); got != "2001:db8::5" {
		t.Errorf("IPv6: %q", got)
	}
}

// TestFDTypeInfo checks the type names and characters of every scap type.
func TestFDTypeInfo(t *testing.T) {
	for _, tc := range []struct {
		typ  uint8
		name string
		char byte
	}{
		{FDUnknown, "<NA>", 'o'}, {FDFile, "file", 'f'},
		{FDDirectory, "directory", 'd'}, {FDIPv4, "ipv4", '4'},
		{FDIPv6, "ipv6", '6'}, {FDIPv4Server, "ipv4", '4'},
		{FDIPv6Server, "ipv6", '6'}, {FDFifo, "pipe", 'p'},
		{FDUnix, "unix", 'u'}, {FDEvent, "event", 'e'},
		{FDUnsupported, "<NA>", 'X'}, {FDSignal, "signalfd", 's'},
		{FDEventPoll, "eventpoll", 'l'}, {FDInotify, "inotify", 'i'},
		{FDTimer, "timerfd", 't'}, {FDNetlink, "netlink", 'n'},
		{FDFileV2, "file", 'f'}, {FDBPF, "bpf", 'b'},
		{FDUserfault, "userfaultfd", 'u'}, {FDIOUring, "io_uring", 'r'},
		{FDMemfd, "memfd", 'm'}, {FDPidfd, "pidfd", 'P'},
		{22, "<NA>", '?'}, {255, "<NA>", '?'},
	} {
		got := typeInfo(tc.typ)
		if got.name != tc.name || got.char != tc.char {
			t.Errorf("type %d: %q %q, want %q %q", tc.typ, got.name,
				got.char, tc.name, tc.char)
		}
	}
}

// TestL4Proto checks libsinsp's protocol rule: a connection socket needs
// a role (raw sockets do not), a server socket has its own protocol,
// other fds have none.
func TestL4Proto(t *testing.T) {
	for _, tc := range []struct {
		fd   FD
		want string
	}{
		{FD{Type: FDIPv4, Flags: FDRoleClient, L4Proto: L4TCP}, "tcp"},
		{FD{Type: FDIPv6, Flags: FDRoleServer, L4Proto: L4UDP}, "udp"},
		{FD{Type: FDIPv4, L4Proto: L4TCP}, "<NA>"},
		{FD{Type: FDIPv6, L4Proto: L4Raw}, "raw"},
		{FD{Type: FDIPv4, Flags: FDRoleClient, L4Proto: L4ICMP}, "icmp"},
		{FD{Type: FDIPv4Server, L4Proto: L4TCP}, "tcp"},
		{FD{Type: FDIPv6Server, L4Proto: L4Unknown}, "<NA>"},
		{FD{Type: FDUnix, Flags: FDRoleClient, L4Proto: L4TCP}, "<NA>"},
		{FD{Type: FDFile, L4Proto: L4TCP}, "<NA>"},
	} {
		if got := l4Name(tc.fd.l4Proto()); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.fd, got, tc.want)
		}
	}
}

// TestAppendHexUpper checks fd.dev's rendering.
func TestAppendHexUpper(t *testing.T) {
	for v, want := range map[uint64]string{0: "0", 0x803: "803",
		0x2d: "2D", 0xfd00ab: "FD00AB", 1<<32 - 1: "FFFFFFFF"} {
		if got := string(appendHexUpper(nil, v)); got != want {
			t.Errorf("%#x: %q, want %q", v, got, want)
		}
	}
}

// FuzzAppendIPv6 compares appendIPv6 with net/netip, whose text form is
// glibc's except for IPv4-compatible addresses (::a.b.c.d), which only
// glibc writes with a dotted tail.
func FuzzAppendIPv6(f *testing.F) {
	f.Add([]byte("\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05"))
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x0a\x00\x00\x09"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != 16 {
			return
		}
		a := [16]byte(b)
		got := string(appendIPv6(nil, &a))
		compat := a[12]|a[13] != 0
		for _, x := range a[:12] {
			compat = compat && x == 0
		}
		if compat {
			want := "::" + netip.AddrFrom4([4]byte(a[12:])).String()
			if got != want {
				t.Fatalf("%x: %q, want %q", b, got, want)
			}
			return
		}
		if want := netip.AddrFrom16(a).String(); got != want {
			t.Fatalf("%x: %q, netip gives %q", b, got, want)
		}
	})
}
