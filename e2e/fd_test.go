package e2e

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

const fdFields = "%fd.num %fd.name %fd.nameraw %fd.directory %fd.filename %fd.type %fd.typechar %fd.sip %fd.sport %fd.cip %fd.cport"

// fdConfig has one profile of fd fields counted on every fd event.
var fdConfig = `{"count_min_sketch": {"enabled": true, "rows_cols": [[2, 1024]], "behavior_profiles": [
  {"fields": "` + fdFields + `",
   "event_codes": ["open", "openat", "openat2", "creat", "open_by_handle_at", "connect", "accept", "accept4"]}]}}`

// ipv4 returns the threads-table form of an IPv4 address: the network
// order bytes read as a little-endian uint32.
func ipv4(s string) uint32 {
	a := netip.MustParseAddr(s).As4()
	return uint32(a[0]) | uint32(a[1])<<8 | uint32(a[2])<<16 | uint32(a[3])<<24
}

func ipv6halves(s string) (lo, hi uint64) {
	a := netip.MustParseAddr(s).As16()
	for i := 7; i >= 0; i-- {
		lo = lo<<8 | uint64(a[i])
		hi = hi<<8 | uint64(a[8+i])
	}
	return lo, hi
}

// fdState is the process every fd case runs in: app (3000), cwd
// /srv/app/, with the fds libsinsp's own parser would have recorded.
func fdState() host.Thread {
	lo6s, hi6s := ipv6halves("2001:db8::1")
	lo6c, hi6c := ipv6halves("2001:db8::2")
	return host.Thread{
		Tid: 3000, Pid: 3000, Ptid: 1, Sid: 3000, Vtid: 3000, Vpid: 3000, Vpgid: 3000,
		Comm: "app", Exe: "./app", ExePath: "/srv/app/app", Cwd: "/srv/app/", Flags: 1 << 30,
		FDs: []host.FD{
			{Num: 3, Type: 1, Name: "/etc/hosts", NameRaw: "/etc/hosts"},
			{Num: 4, Type: 1, Name: "/srv/app/data/x.db", NameRaw: "data/x.db"},
			{Num: 5, Type: 2, Name: "/etc/ssl", NameRaw: "/etc/ssl"},
			{Num: 6, Type: 1, Name: "/srv/app/db.sqlite", NameRaw: "data/../db.sqlite"},
			{Num: 7, Type: 1, Name: "/etc/ssl/certs/ca.pem", NameRaw: "certs/ca.pem"},
			{Num: 8, Type: 3, Flags: 1 << 2, Name: "10.0.0.1:40000->93.184.216.34:443", Extra: map[string]any{
				"socket_ipv4_src_ip": ipv4("10.0.0.1"), "socket_ipv4_dest_dip": ipv4("93.184.216.34"),
				"socket_ipv4_src_port": uint16(40000), "socket_ipv4_dst_port": uint16(443),
				"socket_ipv4_l4_proto": uint8(3)}},
			{Num: 9, Type: 4, Flags: 1 << 3, Name: "2001:db8::2:51000->2001:db8::1:8080", Extra: map[string]any{
				"socket_ipv6_src_ip_low": lo6c, "socket_ipv6_src_ip_high": hi6c,
				"socket_ipv6_dest_ip_low": lo6s, "socket_ipv6_dest_ip_high": hi6s,
				"socket_ipv6_src_port": uint16(51000), "socket_ipv6_dst_port": uint16(8080),
				"socket_ipv6_l4_proto": uint8(3)}},
			{Num: 10, Type: 8, Flags: 1 << 2, Name: "/run/app.sock"},
		},
	}
}

func TestFDFields(t *testing.T) {
	v4 := event.PSockTupleV4(netip.MustParseAddrPort("10.0.0.1:40000"), netip.MustParseAddrPort("93.184.216.34:443"))
	v6 := event.PSockTupleV6(netip.MustParseAddrPort("[2001:db8::2]:51000"), netip.MustParseAddrPort("[2001:db8::1]:8080"))
	long := "/" + strings.Repeat("d/", 520) + "file" // beyond libsinsp's 1024-byte limit
	tests := []struct {
		name string
		raw  []byte
		// want is the profile text on API 3.12 (fd table) and on API 3.2
		// (event parameters only: a relative openat on a real dirfd has no
		// name there, rather than a wrong one). "" is not pinned. A fd the
		// table lacks is named as libsinsp names the fd of a failed call.
		want312, want32 string
	}{
		{"open absolute", event.EncodeOpen(event.FileEvent{Tid: 3000, FD: 3, Path: "/etc/hosts"}),
			"3 /etc/hosts /etc/hosts /etc hosts file f    ",
			"3 /etc/hosts /etc/hosts /etc hosts file f    "},
		{"open relative", event.EncodeOpen(event.FileEvent{Tid: 3000, FD: 4, Path: "data/x.db"}),
			"4 /srv/app/data/x.db data/x.db /srv/app/data x.db file f    ",
			"4 /srv/app/data/x.db data/x.db /srv/app/data x.db file f    "},
		{"openat AT_FDCWD with ..", event.EncodeOpenat(event.FileEvent{Tid: 3000, FD: 6, DirFD: -100, Path: "data/../db.sqlite"}),
			"6 /srv/app/db.sqlite data/../db.sqlite /srv/app db.sqlite file f    ",
			"6 /srv/app/db.sqlite data/../db.sqlite /srv/app db.sqlite file f    "},
		{"openat real dirfd", event.EncodeOpenat(event.FileEvent{Tid: 3000, FD: 7, DirFD: 5, Path: "certs/ca.pem"}),
			"7 /etc/ssl/certs/ca.pem certs/ca.pem /etc/ssl/certs ca.pem file f    ",
			"7  certs/ca.pem   file f    "},
		{"openat2 real dirfd", event.EncodeOpenat2(event.FileEvent{Tid: 3000, FD: 7, DirFD: 5, Path: "certs/ca.pem"}),
			"7 /etc/ssl/certs/ca.pem certs/ca.pem /etc/ssl/certs ca.pem file f    ",
			"7  certs/ca.pem   file f    "},
		{"failed open", event.EncodeOpen(event.FileEvent{Tid: 3000, FD: -13, Path: "/etc/shadow"}),
			"-1 /etc/shadow /etc/shadow /etc   o    ",
			"-1 /etc/shadow /etc/shadow /etc   o    "},
		{"missing fd entry", event.EncodeOpen(event.FileEvent{Tid: 3000, FD: 42, Path: "/var//log/../log/x"}),
			"42 /var//log/../log/x /var/log/../log/x /var//log/../log   o    ",
			"42 /var/log/x /var/log/../log/x /var/log x file f    "},
		{"path beyond the length limit", event.EncodeOpen(event.FileEvent{Tid: 3000, FD: 43, Path: long}),
			"", ""},
		{"creat", event.EncodeCreat(event.FileEvent{Tid: 3000, FD: 4, Path: "data/x.db"}),
			"4 /srv/app/data/x.db data/x.db /srv/app/data x.db file f    ",
			"4 /srv/app/data/x.db data/x.db /srv/app/data x.db file f    "},
		{"open_by_handle_at", event.EncodeOpenByHandleAt(event.FileEvent{Tid: 3000, FD: 3, MountFD: 5, Path: "/etc/hosts"}),
			"3 /etc/hosts /etc/hosts /etc hosts file f    ",
			"3 /etc/hosts /etc/hosts /etc hosts file f    "},
		{"accept ipv4", event.EncodeAccept(event.SocketEvent{Tid: 3000, FD: 8, Tuple: v4}),
			"8 10.0.0.1:40000->93.184.216.34:443    ipv4 4 93.184.216.34 443 10.0.0.1 40000",
			"8 10.0.0.1:40000->93.184.216.34:443    ipv4 4 93.184.216.34 443 10.0.0.1 40000"},
		{"connect ipv4", event.EncodeConnect(event.SocketEvent{Tid: 3000, FD: 8, Tuple: v4}),
			"8 10.0.0.1:40000->93.184.216.34:443    ipv4 4 93.184.216.34 443 10.0.0.1 40000",
			"8 10.0.0.1:40000->93.184.216.34:443    ipv4 4 93.184.216.34 443 10.0.0.1 40000"},
		{"accept4 ipv6", event.EncodeAccept4(event.SocketEvent{Tid: 3000, FD: 9, Tuple: v6}),
			"9 2001:db8::2:51000->2001:db8::1:8080    ipv6 6 2001:db8::1 8080 2001:db8::2 51000",
			"9 2001:db8::2:51000->2001:db8::1:8080    ipv6 6 2001:db8::1 8080 2001:db8::2 51000"},
		{"connect unix", event.EncodeConnect(event.SocketEvent{Tid: 3000, FD: 10,
			Tuple: event.PSockTupleUnix(1, 2, "/run/app.sock")}),
			"10 /run/app.sock    unix u    ",
			// libsinsp names a unix socket "<src>-><dst> <path>" (hex)
			"10 1->2 /run/app.sock    unix u    "},
	}
	for _, g := range []host.Gen{host.Gen312, host.Gen32} {
		t.Run(g.Name, func(t *testing.T) {
			p := openInit(t, g, fdConfig)
			defer p.Destroy()
			if err := p.Threads().PutThread(fdState()); err != nil {
				t.Fatal(err)
			}
			for i, tt := range tests {
				num := uint64(i + 1)
				if err := p.Parse(tt.raw, num); err != nil {
					t.Fatal(err)
				}
				got, ok := extractText(t, p, tt.raw, num, "anomaly.count_min_sketch.profile")
				want := tt.want312
				if !g.HasSubTables() {
					want = tt.want32
				}
				if want == "" { // not pinned: must render, and show the event's fd
					fd, _ := event.Decode(tt.raw)
					num, _ := fd.Int64(0)
					if lay, _ := event.FDLayoutOf(fd.Type); lay.FD != 0 {
						num, _ = fd.Int64(lay.FD)
					}
					if !ok || !strings.HasPrefix(got, fmt.Sprint(num)+" ") {
						t.Errorf("%s: %q (%v)", tt.name, got, ok)
					}
					continue
				}
				if got != want {
					t.Errorf("%s:\n got  %q\n want %q", tt.name, got, want)
				}
			}
		})
	}
}
