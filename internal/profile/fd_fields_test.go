package profile

import (
	"maps"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// noVal stands for "no value" in the expectations of the fd tests.
const noVal = "\x00none"

// fdFieldNames are all the fd fields, in table order.
var fdFieldNames = []string{"fd.num", "fd.name", "fd.nameraw",
	"fd.directory", "fd.filename", "fd.dev", "fd.ino", "fd.type",
	"fd.typechar", "fd.cip", "fd.sip", "fd.cport", "fd.sport", "fd.l4proto",
	"custom.fd.name.part1", "custom.fd.name.part2"}

// Well-known tids of fdWorld.
const (
	appPid     = 200 // main thread of "app", cwd /srv/app/
	appThread  = 201 // another thread of app, with an empty own cwd
	orphanTid  = 301 // a thread whose main thread 300 is not in the table
	missingTid = 999 // not in the table
)

// fdLongName is a relative name that, joined to app's cwd "/srv/app/",
// exactly fills libsinsp's path buffer (9 + 1014 + NUL = 1024 bytes).
var fdLongName = strings.Repeat("d/", 506) + "ff"

// fdWorld builds the thread and fd tables the fd tests run against. The
// fd entries are what libsinsp's parser stores for the events of
// fdCases, so an API 3.2 host, which derives them from the events, must
// render the same values wherever it can.
func fdWorld() *memState {
	s := newMemState()
	s.add(&Thread{Tid: 1, Pid: 1, Comm: "systemd", Cwd: "/"})
	s.add(&Thread{Tid: appPid, Pid: appPid, Ptid: 1, Comm: "app",
		Cwd: "/srv/app/"})
	s.add(&Thread{Tid: appThread, Pid: appPid, Ptid: 1, Comm: "app",
		Flags: FlagCloneFiles})
	s.add(&Thread{Tid: orphanTid, Pid: 300, Ptid: 1, Comm: "lost"})

	file := func(num int64, name, raw string, ino uint64) *FD {
		return &FD{Num: num, Type: FDFileV2, Dev: testDev, Ino: ino,
			Name: name, NameRaw: raw}
	}
	client := FDRoleClient | 1<<13
	server := FDRoleServer | 1<<13
	table := map[int64]*FD{
		3:  file(3, "/etc/hosts", "/etc/hosts", 1001),
		4:  file(4, "/srv/app/data/db.sqlite", "conf//../data/./db.sqlite", 1002),
		5:  {Num: 5, Type: FDDirectory, Dev: testDev, Ino: 1003, Name: "/etc/ssl", NameRaw: "/etc/ssl"},
		6:  file(6, "/etc/ssl/certs/ca.pem", "certs/ca.pem", 1004),
		15: file(15, "/srv/app/out/report.txt", "out/report.txt", 1005),
		16: file(16, "/srv/app/logs/app.log", "logs/app.log", 1006),
		17: file(17, "/etc/passwd", "/etc//passwd", 1007),
		18: {Num: 18, Type: FDDirectory, Dev: testDev, Ino: 1008, Name: "/srv/app/cache", NameRaw: "cache/"},
		20: file(20, "/var/lib/data.bin", "/var/lib/data.bin", 1009),
		22: file(22, "/tmp/a\x01b", "/tmp/a\x01b", 1010),
		23: file(23, "/srv/app/"+fdLongName, fdLongName, 1011),
		7: {Num: 7, Type: FDIPv4, Flags: client, L4Proto: L4TCP,
			Name:  "10.0.0.5:40000->93.184.216.34:443",
			SrcIP: fdAddr("10.0.0.5"), DstIP: fdAddr("93.184.216.34"),
			SrcPort: 40000, DstPort: 443},
		8: {Num: 8, Type: FDIPv4, Flags: server, L4Proto: L4TCP,
			Name:  "10.0.0.9:51514->10.0.0.5:8080",
			SrcIP: fdAddr("10.0.0.9"), DstIP: fdAddr("10.0.0.5"),
			SrcPort: 51514, DstPort: 8080},
		10: {Num: 10, Type: FDIPv6, Flags: client, L4Proto: L4TCP,
			Name:  "2001:db8::5:40001->2606:2800:220:1::1:443",
			SrcIP: fdAddr("2001:db8::5"), DstIP: fdAddr("2606:2800:220:1::1"),
			SrcPort: 40001, DstPort: 443},
		12: {Num: 12, Type: FDUnix, Flags: client,
			Name:    "ffff9a1b2c3d4e00->ffff9a1b2c3d4f00 /run/dbus/system_bus_socket",
			UnixSrc: 0xffff9a1b2c3d4e00, UnixDst: 0xffff9a1b2c3d4f00},
		13: {Num: 13, Type: FDIPv4, L4Proto: L4TCP},
		14: {Num: 14, Type: FDIPv6, Flags: server, L4Proto: L4TCP,
			Name:  "fd00::9:51600->fd00::5:8080",
			SrcIP: fdAddr("fd00::9"), DstIP: fdAddr("fd00::5"),
			SrcPort: 51600, DstPort: 8080},
		19: {Num: 19, Type: FDIPv4Server, Flags: server, L4Proto: L4UDP,
			Name: "0.0.0.0:53", ServerIP: fdAddr("0.0.0.0"), ServerPort: 53},
		21: {Num: 21, Type: FDIPv4, Flags: server, L4Proto: L4TCP,
			Name:  "10.0.0.9:51514->10.0.0.5:8080",
			SrcIP: fdAddr("10.0.0.9"), DstIP: fdAddr("10.0.0.5"),
			SrcPort: 51514, DstPort: 8080},
	}
	s.fds[appPid] = table
	s.fds[appThread] = table // CLONE_FILES: the process's table
	return s
}

// fdFileWant is the rendering of a regular file fd.
func fdFileWant(num, name, raw, dir, file, ino string) map[string]string {
	return map[string]string{
		"fd.num": num, "fd.name": name, "fd.nameraw": raw,
		"fd.directory": dir, "fd.filename": file, "fd.dev": "803",
		"fd.ino": ino, "fd.type": "file", "fd.typechar": "f",
		"fd.cip": noVal, "fd.sip": noVal, "fd.cport": noVal, "fd.sport": noVal,
		"fd.l4proto":           "<NA>",
		"custom.fd.name.part1": noVal, "custom.fd.name.part2": noVal,
	}
}

// fdFailedWant is the rendering of a failed open-family call: names from
// the event, no fd.
func fdFailedWant(name, raw, dir, typechar string) map[string]string {
	return map[string]string{
		"fd.num": "-1", "fd.name": name, "fd.nameraw": raw,
		"fd.directory": dir, "fd.filename": noVal, "fd.dev": noVal,
		"fd.ino": noVal, "fd.type": noVal, "fd.typechar": typechar,
		"fd.cip": noVal, "fd.sip": noVal, "fd.cport": noVal, "fd.sport": noVal,
		"fd.l4proto":           noVal,
		"custom.fd.name.part1": noVal, "custom.fd.name.part2": noVal,
	}
}

// fdSockWant is the rendering of a connected IP socket.
func fdSockWant(num, typ, cip, cport, sip, sport, l4 string) map[string]string {
	c, s := cip+":"+cport, sip+":"+sport
	ch := "4"
	if typ == "ipv6" {
		ch = "6"
	}
	return map[string]string{
		"fd.num": num, "fd.name": c + "->" + s, "fd.nameraw": "",
		"fd.directory": noVal, "fd.filename": noVal, "fd.dev": "0",
		"fd.ino": "0", "fd.type": typ, "fd.typechar": ch,
		"fd.cip": cip, "fd.sip": sip, "fd.cport": cport, "fd.sport": sport,
		"fd.l4proto":           l4,
		"custom.fd.name.part1": c, "custom.fd.name.part2": s,
	}
}

// fdAllNone expects no value for every fd field.
func fdAllNone() map[string]string {
	m := map[string]string{}
	for _, f := range fdFieldNames {
		m[f] = noVal
	}
	return m
}

// with returns a copy of base with the given field=value pairs changed.
func fdWith(base map[string]string, kv ...string) map[string]string {
	m := maps.Clone(base)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// fdCase is one event and what every fd field renders for it on both
// host generations: want on both, v32 replacing fields on API 3.2 hosts
// (no fd table) and v35 on API 3.5+ hosts.
type fdCase struct {
	name     string
	ev       *event.Event
	want     map[string]string
	v35, v32 map[string]string
}

// fdFileCases cover the open family: absolute and relative paths,
// normalisation, AT_FDCWD and real dirfds, failed calls and the length
// limit.
func fdFileCases(tb testing.TB) []fdCase {
	hosts := fdFileWant("3", "/etc/hosts", "/etc/hosts", "/etc", "hosts", "1001")
	db := fdFileWant("4", "/srv/app/data/db.sqlite", "conf/../data/./db.sqlite",
		"/srv/app/data", "db.sqlite", "1002")
	ca := fdFileWant("6", "/etc/ssl/certs/ca.pem", "certs/ca.pem",
		"/etc/ssl/certs", "ca.pem", "1004")
	long := fdFileWant("23", "/srv/app/"+fdLongName, fdLongName,
		"/srv/app/"+fdLongName[:len(fdLongName)-3], "ff", "1011")
	return []fdCase{
		{name: "open absolute",
			ev:   evOpen(tb, appPid, 3, "/etc/hosts", oRdonly, 1001),
			want: hosts},
		{name: "open relative with .. . and //",
			ev: evOpen(tb, appPid, 4, "conf//../data/./db.sqlite",
				oRdonly, 1002),
			want: db},
		{name: "open relative from a non-main thread uses the main cwd",
			ev: evOpen(tb, appThread, 4, "conf//../data/./db.sqlite",
				oRdonly, 1002),
			want: db},
		{name: "creat relative",
			ev: evCreat(tb, appPid, 15, "out/report.txt", 1005),
			want: fdFileWant("15", "/srv/app/out/report.txt", "out/report.txt",
				"/srv/app/out", "report.txt", "1005")},
		{name: "openat AT_FDCWD relative",
			ev: evOpenat(tb, appPid, 16, atFDCWD, "logs/app.log", oRdonly, 1006),
			want: fdFileWant("16", "/srv/app/logs/app.log", "logs/app.log",
				"/srv/app/logs", "app.log", "1006")},
		{name: "openat real dirfd",
			ev:   evOpenat(tb, appPid, 6, 5, "certs/ca.pem", oRdonly, 1004),
			want: ca,
			v32: map[string]string{"fd.name": noVal, "fd.directory": noVal,
				"fd.filename": noVal}},
		{name: "openat2 real dirfd, absolute path with //",
			ev:   evOpenat2(tb, appPid, 17, 5, "/etc//passwd", oRdonly, 1007),
			want: fdFileWant("17", "/etc/passwd", "/etc/passwd", "/etc", "passwd", "1007")},
		{name: "openat O_DIRECTORY with trailing /",
			ev: evOpenat(tb, appPid, 18, atFDCWD, "cache/",
				oRdonly|oDirectory, 1008),
			want: fdWith(fdFileWant("18", "/srv/app/cache", "cache/",
				"/srv/app/cache", noVal, "1008"),
				"fd.type", "directory", "fd.typechar", "d")},
		{name: "open_by_handle_at",
			ev: fdEvent(tb, appPid, event.OpenByHandleAtX, pI64(20), pI64(4),
				pU32(oRdonly), pStr("/var/lib/data.bin"), pU32(testDev),
				pU64(1009)),
			want: fdFileWant("20", "/var/lib/data.bin", "/var/lib/data.bin",
				"/var/lib", "data.bin", "1009")},
		{name: "path at the length limit",
			ev:   evOpen(tb, appPid, 23, fdLongName, oRdonly, 1011),
			want: long},
		{name: "path one byte over the length limit, failed",
			ev: evOpen(tb, appPid, -36, fdLongName+"x", oRdonly, 0),
			want: fdFailedWant(pathTooLong, pathTooLong, "/DIR_TOO_LONG",
				"o")},
		{name: "failed open absolute (unprivileged read of /etc/shadow)",
			ev:   evOpen(tb, appPid, -13, "/etc/shadow", oRdonly, 0),
			want: fdFailedWant("/etc/shadow", "/etc/shadow", "/etc", "o")},
		{name: "failed open absolute is not normalised",
			ev: evOpen(tb, appPid, -2, "/etc//x/../shadow", oRdonly, 0),
			want: fdFailedWant("/etc//x/../shadow", "/etc/x/../shadow",
				"/etc//x/..", "o")},
		{name: "failed open relative resolves nameraw too",
			ev: evOpen(tb, appPid, -13, "secrets//key.pem", oRdonly, 0),
			want: fdFailedWant("/srv/app/secrets/key.pem",
				"/srv/app/secrets/key.pem", "/srv/app/secrets", "o")},
		{name: "failed open relative without main thread",
			ev:   evOpen(tb, orphanTid, -2, "x.conf", oRdonly, 0),
			want: fdFailedWant("./x.conf", "./x.conf", ".", "o")},
		{name: "failed creat",
			ev:   evCreat(tb, appPid, -13, "../../root/x", 0),
			want: fdFailedWant("/root/x", "/root/x", "/root", "f")},
		{name: "failed openat AT_FDCWD",
			ev: evOpenat(tb, appPid, -2, atFDCWD, "nope/../nothere.txt",
				oRdonly, 0),
			want: fdFailedWant("/srv/app/nothere.txt", "nope/../nothere.txt",
				"/srv/app", "f")},
		{name: "failed openat real dirfd",
			ev:   evOpenat(tb, appPid, -2, 5, "missing.pem", oRdonly, 0),
			want: fdFailedWant("/etc/ssl/missing.pem", "missing.pem", "/etc/ssl", "f"),
			v32:  map[string]string{"fd.name": noVal, "fd.directory": noVal}},
		{name: "failed openat2 unknown dirfd",
			ev:   evOpenat2(tb, appPid, -9, 42, "x.conf", oRdonly, 0),
			want: fdFailedWant("<UNKNOWN>x.conf", "x.conf", "/", "f"),
			v32:  map[string]string{"fd.name": noVal, "fd.directory": noVal}},
		{name: "missing fd entry",
			ev:  evOpen(tb, appPid, 9, "new.txt", oRdonly, 1020),
			v35: fdWith(fdFailedWant("/srv/app/new.txt", "/srv/app/new.txt", "/srv/app", "o"), "fd.num", "9"),
			v32: fdFileWant("9", "/srv/app/new.txt", "new.txt", "/srv/app",
				"new.txt", "1020")},
		{name: "unsanitary name",
			ev: evOpen(tb, appPid, 22, "/tmp/a\x01b", oRdonly, 1010),
			want: fdFileWant("22", "/tmp/a\uFFFDb", "/tmp/a\x01b", "/tmp",
				"a\uFFFDb", "1010")},
		{name: "thread missing from the table",
			ev: evOpen(tb, missingTid, 3, "/etc/hosts", oRdonly, 1001), want: fdAllNone()},
	}
}

// fdSocketCases cover connect and accept: IPv4, IPv6, IPv4-mapped, unix,
// failures and sockets the table does not know.
func fdSocketCases(tb testing.TB) []fdCase {
	v4 := fdSockWant("7", "ipv4", "10.0.0.5", "40000", "93.184.216.34", "443", "tcp")
	v6 := fdSockWant("10", "ipv6", "2001:db8::5", "40001", "2606:2800:220:1::1", "443", "tcp")
	acc := fdSockWant("8", "ipv4", "10.0.0.9", "51514", "10.0.0.5", "8080", "tcp")
	unix := fdWith(fdAllNone(), "fd.num", "12",
		"fd.name", "ffff9a1b2c3d4e00->ffff9a1b2c3d4f00 /run/dbus/system_bus_socket",
		"fd.nameraw", "", "fd.dev", "0", "fd.ino", "0", "fd.type", "unix",
		"fd.typechar", "u", "fd.l4proto", "<NA>",
		"custom.fd.name.part1", "ffff9a1b2c3d4e00",
		"custom.fd.name.part2", "ffff9a1b2c3d4f00 /run/dbus/system_bus_socket")
	// A connected socket's device, inode and protocol are not in the
	// connect event.
	connect32 := map[string]string{"fd.dev": noVal, "fd.ino": noVal, "fd.l4proto": noVal}
	return []fdCase{
		{name: "connect IPv4",
			ev: evConnect(tb, appPid, 0, 7,
				pTuple("10.0.0.5:40000", "93.184.216.34:443")),
			want: v4, v32: connect32},
		{name: "connect IPv4 in progress",
			ev: evConnect(tb, appPid, errInProgress, 7,
				pTuple("10.0.0.5:40000", "93.184.216.34:443")),
			want: v4, v32: connect32},
		{name: "connect IPv6",
			ev: evConnect(tb, appPid, 0, 10,
				pTuple("[2001:db8::5]:40001", "[2606:2800:220:1::1]:443")),
			want: v6, v32: connect32},
		{name: "connect unix",
			ev: evConnect(tb, appPid, 0, 12, pUnixTuple(0xffff9a1b2c3d4e00,
				0xffff9a1b2c3d4f00, "/run/dbus/system_bus_socket")),
			want: unix, v32: map[string]string{"fd.dev": noVal, "fd.ino": noVal}},
		{name: "connect refused",
			ev: evConnect(tb, appPid, -111, 13,
				pTuple("0.0.0.0:0", "10.0.0.9:8081")),
			v35: fdWith(fdAllNone(), "fd.num", "13", "fd.name", "",
				"fd.nameraw", "", "fd.dev", "0", "fd.ino", "0",
				"fd.type", "ipv4", "fd.typechar", "4", "fd.l4proto", "<NA>"),
			v32: fdWith(fdAllNone(), "fd.num", "13")},
		{name: "connect on a socket the table lacks",
			ev: evConnect(tb, appPid, 0, 40,
				pTuple("10.0.0.5:40002", "10.0.0.7:22")),
			v35: fdWith(fdAllNone(), "fd.num", "40",
				"fd.name", "10.0.0.5:40002->10.0.0.7:22",
				"fd.nameraw", "10.0.0.5:40002->10.0.0.7:22",
				"fd.directory", "/", "fd.typechar", "o",
				"custom.fd.name.part1", "10.0.0.5:40002",
				"custom.fd.name.part2", "10.0.0.7:22"),
			v32: fdWith(fdSockWant("40", "ipv4", "10.0.0.5", "40002", "10.0.0.7",
				"22", noVal), "fd.dev", noVal, "fd.ino", noVal)},
		{name: "connect on a listening socket",
			ev: evConnect(tb, appPid, 0, 19,
				pTuple("0.0.0.0:53", "10.0.0.1:53")),
			v35: fdWith(fdAllNone(), "fd.num", "19", "fd.name", "0.0.0.0:53",
				"fd.nameraw", "", "fd.dev", "0", "fd.ino", "0",
				"fd.type", "ipv4", "fd.typechar", "4", "fd.sip", "0.0.0.0",
				"fd.sport", "53", "fd.l4proto", "udp"),
			v32: fdWith(fdSockWant("19", "ipv4", "0.0.0.0", "53", "10.0.0.1",
				"53", noVal), "fd.dev", noVal, "fd.ino", noVal)},
		{name: "connect from an old driver without fd parameter",
			ev: fdEvent(tb, appPid, event.ConnectX, pI64(0),
				pTuple("10.0.0.5:40000", "93.184.216.34:443")),
			want: fdAllNone()},
		{name: "accept4 IPv4",
			ev:   evAccept4(tb, appPid, 8, pTuple("10.0.0.9:51514", "10.0.0.5:8080")),
			want: acc},
		{name: "accept IPv4-mapped IPv6",
			ev: evAccept(tb, appPid, 21,
				pTuple("[::ffff:10.0.0.9]:51514", "[::ffff:10.0.0.5]:8080")),
			want: fdWith(acc, "fd.num", "21")},
		{name: "accept IPv6",
			ev:   evAccept(tb, appPid, 14, pTuple("[fd00::9]:51600", "[fd00::5]:8080")),
			want: fdSockWant("14", "ipv6", "fd00::9", "51600", "fd00::5", "8080", "tcp")},
		{name: "accept4 failed",
			ev:   evAccept4(tb, appPid, -11, pNone),
			want: fdWith(fdAllNone(), "fd.num", "-1", "fd.typechar", "4")},
		{name: "accept with a socket the table lacks",
			ev: evAccept(tb, appPid, 30, pTuple("10.0.0.9:51515", "10.0.0.5:8080")),
			v35: fdWith(fdAllNone(), "fd.num", "30",
				"fd.name", "10.0.0.9:51515->10.0.0.5:8080",
				"fd.nameraw", "10.0.0.9:51515->10.0.0.5:8080",
				"fd.directory", "/", "fd.typechar", "4",
				"custom.fd.name.part1", "10.0.0.9:51515",
				"custom.fd.name.part2", "10.0.0.5:8080"),
			v32: fdSockWant("30", "ipv4", "10.0.0.9", "51515", "10.0.0.5", "8080", "tcp")},
	}
}

// fdOddCases cover malformed and partial events: empty parameters (schema
// 4 sends length 0 for absent values), missing parameters of older
// drivers, and events the fields do not read.
func fdOddCases(tb testing.TB) []fdCase {
	return []fdCase{
		{name: "open with an empty path",
			ev: fdEvent(tb, appPid, event.OpenX, pI64(-2), pNone, pU32(0),
				pU32(0), pU32(0), pU64(0)),
			want: fdWith(fdAllNone(), "fd.num", "-1", "fd.typechar", "o")},
		{name: "open without result",
			ev:   fdEvent(tb, appPid, event.OpenX, pNone, pStr("/etc/hosts")),
			want: fdAllNone()},
		{name: "openat2 from Falco 0.37 without dev and ino",
			ev: fdEvent(tb, appPid, event.Openat2X, pI64(16), pI64(atFDCWD),
				pStr("logs/app.log"), pU32(oRdonly), pU32(0), pU32(0)),
			v35: fdFileWant("16", "/srv/app/logs/app.log", "logs/app.log",
				"/srv/app/logs", "app.log", "1006"),
			v32: fdWith(fdFileWant("16", "/srv/app/logs/app.log", "logs/app.log",
				"/srv/app/logs", "app.log", "0"), "fd.dev", "0")},
		{name: "openat with an empty dirfd",
			ev: fdEvent(tb, appPid, event.OpenatX, pI64(-2), pNone,
				pStr("x"), pU32(0), pU32(0), pU32(0), pU64(0)),
			want: fdWith(fdAllNone(), "fd.num", "-1", "fd.nameraw", "x",
				"fd.typechar", "f")},
		{name: "connect with an empty tuple",
			ev: evConnect(tb, appPid, 0, 7, pNone),
			v35: fdSockWant("7", "ipv4", "10.0.0.5", "40000",
				"93.184.216.34", "443", "tcp"),
			v32: fdWith(fdAllNone(), "fd.num", "7")},
		{name: "connect with a truncated tuple",
			ev:   evConnect(tb, appPid, 0, 41, []byte{event.FamilyInet6, 1, 2}),
			want: fdWith(fdAllNone(), "fd.num", "41"),
			v35:  map[string]string{"fd.typechar": "o"}},
		{name: "execve is not an fd event",
			ev:   fdEvent(tb, appPid, event.ExecveX, pI64(0)),
			want: fdAllNone()},
	}
}

// TestFDFields renders every fd field for every case on both host
// generations.
func TestFDFields(t *testing.T) {
	groups := map[string][]fdCase{"file": fdFileCases(t),
		"socket": fdSocketCases(t), "odd": fdOddCases(t)}
	plans := map[string]*Plan{}
	for _, f := range fdFieldNames {
		plans[f] = mustCompile(t, "%"+f)
	}
	for group, cases := range groups {
		for _, tc := range cases {
			for _, api := range []string{"3.5", "3.2"} {
				t.Run(group+"/"+tc.name+"/"+api, func(t *testing.T) {
					tc.check(t, plans, api)
				})
			}
		}
	}
}

// expect returns the expected rendering of every fd field on host api.
func (tc fdCase) expect(t *testing.T, api string) map[string]string {
	m := maps.Clone(tc.want)
	if m == nil {
		m = map[string]string{}
	}
	over := tc.v35
	if api == "3.2" {
		over = tc.v32
	}
	maps.Copy(m, over)
	for _, f := range fdFieldNames {
		if _, ok := m[f]; !ok {
			t.Fatalf("case gives no expectation for %s", f)
		}
	}
	return m
}

// check renders each fd field of tc alone, with every thread member and
// with only the declared ones, and compares with the expectation.
func (tc fdCase) check(t *testing.T, plans map[string]*Plan, api string) {
	want := tc.expect(t, api)
	st := fdWorld()
	st.noFD = api == "3.2"
	c := NewCtx()
	for _, f := range fdFieldNames {
		p := plans[f]
		c.Reset(tc.ev, st)
		got, ok := p.RenderField([]byte("prefix:"), 0, c)
		c.Reset(tc.ev, maskedState{st, p.Needs()})
		masked, maskedOK := p.RenderField(nil, 0, c)

		if !ok && string(got) != "prefix:" {
			t.Errorf("%s: no value but dst changed to %q", f, got)
		}
		g := strings.TrimPrefix(string(got), "prefix:")
		if !ok {
			g = noVal
		}
		if w := want[f]; g != w {
			t.Errorf("%s = %q, want %q", f, fdShow(g), fdShow(w))
		}
		if maskedOK != ok || ok && string(masked) != g {
			t.Errorf("%s: Needs incomplete: %q with the declared members",
				f, masked)
		}
	}
}

// show makes the noVal marker readable in messages.
func fdShow(s string) string {
	if s == noVal {
		return "<no value>"
	}
	return s
}

// TestFDFieldTable checks the descriptors: every fd field is in the
// table, tested above, and accepts exactly the fd events.
func TestFDFieldTable(t *testing.T) {
	if len(fdFields) != len(fdFieldNames) {
		t.Fatalf("%d fd fields, tests know %d", len(fdFields), len(fdFieldNames))
	}
	fdCodes := map[uint16]bool{event.OpenX: true, event.CreatX: true,
		event.OpenatX: true, event.Openat2X: true,
		event.OpenByHandleAtX: true, event.ConnectX: true,
		event.AcceptX: true, event.Accept4X: true}
	for i, f := range fdFields {
		if f.Name != fdFieldNames[i] {
			t.Errorf("field %d is %s, tests expect %s", i, f.Name, fdFieldNames[i])
		}
		if _, ok := LookupField(f.Name); !ok {
			t.Errorf("%s is not in the field table", f.Name)
		}
		if f.Desc == "" || f.Events == nil {
			t.Errorf("%s: needs a description and an event filter", f.Name)
		}
		for code := uint16(0); code < event.CodeCount; code++ {
			if f.Events(code) != fdCodes[code] {
				t.Errorf("%s: Events(%d) = %v", f.Name, code, f.Events(code))
			}
		}
	}
}

// TestFDCheckEvent checks that a profile with fd fields is refused on
// events they cannot be evaluated on, with an error naming the field.
func TestFDCheckEvent(t *testing.T) {
	p := mustCompile(t, "%proc.name %fd.name")
	for _, code := range []uint16{event.OpenX, event.OpenatX, event.Openat2X,
		event.CreatX, event.OpenByHandleAtX, event.ConnectX,
		event.AcceptX, event.Accept4X} {
		if err := p.CheckEvent(code); err != nil {
			t.Errorf("code %d: %v", code, err)
		}
	}
	err := p.CheckEvent(event.ExecveX)
	if err == nil || !strings.Contains(err.Error(), `"fd.name"`) {
		t.Errorf("execve: got %v, want an error naming fd.name", err)
	}
}
