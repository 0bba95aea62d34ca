package profile

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// The fd fields describe the file or socket an event opens or uses: the fd
// that open, openat, openat2, creat, open_by_handle_at, accept and accept4
// return, and the socket that connect uses. They render what libsinsp's
// fd.* fields render for the same event and state.
//
// Where the values come from:
//
//   - On API 3.5+ hosts the fd is read from the event thread's
//     file_descriptors table, which libsinsp has already updated for the
//     event. fd.num is the returned fd (-1 when the call failed), or the
//     socket fd parameter for connect.
//   - When the table has no such fd (the call failed, or the entry is
//     missing) the fields follow libsinsp's own fallback: fd.name,
//     fd.nameraw and fd.directory come from the event parameters, with a
//     relative path resolved against the process's working directory or
//     the openat dirfd's name ("<UNKNOWN>" when the table does not know
//     the dirfd), fd.typechar is guessed from the event type, and the
//     other fields have no value.
//   - API 3.2 hosts (Falco 0.37) have no fd table. The fields are then
//     derived from the event parameters the way libsinsp's parser fills
//     its table. What the parameters cannot tell renders as no value,
//     never as a guess: the name of a file opened relative to a real
//     dirfd (openat/openat2 with a dirfd other than AT_FDCWD), the state
//     of the socket of a failed connect (all but fd.num), the device,
//     inode and L4 protocol of a connected socket.
//
// Failed calls keep their fields: a failed open of /etc/shadow renders
// fd.name "/etc/shadow" and fd.num -1, exactly as libsinsp does, so a rule
// sees it, and a profile that lists fd.num tells failed calls apart from
// successful ones. Whether failed calls are counted is the detector's
// choice, not the fields'.
//
// Known limits, where libsinsp behaviour could not be checked against a
// golden record: file names with bytes that are not printable UTF-8 are
// rendered with U+FFFD as the newest libsinsp does (older Falco versions
// drop or replace such bytes differently); on API 3.2 hosts a connected
// ICMP or raw socket is named as if it were TCP or UDP ("a:p->b:q" where
// libsinsp writes "a->b"), and a connect by a UDP socket that libsinsp
// had classified as a server is not swapped to libsinsp's order.

// Constants of the driver's event parameters.
const (
	// atFDCWD is the openat dirfd that means "the working directory".
	atFDCWD = -100
	// errInProgress is the result of a non-blocking connect that is
	// under way (-EINPROGRESS); libsinsp treats it as a connect made.
	errInProgress = -115
	// openDirectory is the PPM_O_DIRECTORY open flag: the parser types
	// the new fd as a directory.
	openDirectory = 1 << 10
	// unknownDir is the directory libsinsp resolves a relative openat
	// path against when its dirfd is not in the fd table.
	unknownDir = "<UNKNOWN>"
)

// fdFields are the fd.* and custom.fd.* profile fields.
var fdFields = []Field{
	{Name: "fd.num", Events: isFDEvent, Eval: evalFDNum,
		Desc: "Number of the file descriptor: the fd the call returned " +
			"(-1 when it failed), or the socket of connect."},
	{Name: "fd.name", Events: isFDEvent, Needs: NeedCwd, FDNeeds: FDNeedName, Eval: fdEval(fdName),
		Desc: "Full path of a file, or connection name of a socket " +
			"(client ip:port->server ip:port)."},
	{Name: "fd.nameraw", Events: isFDEvent, Needs: NeedCwd, FDNeeds: FDNeedNameRaw,
		Eval: fdEval(fdNameRaw),
		Desc: "Path of a file as the process passed it, not resolved; " +
			"empty for sockets."},
	{Name: "fd.directory", Events: isFDEvent, Needs: NeedCwd, FDNeeds: FDNeedName,
		Eval: fdEval(fdDirectory),
		Desc: "Directory of a file, or the path of a directory fd."},
	{Name: "fd.filename", Events: isFDEvent, Needs: NeedCwd, FDNeeds: FDNeedName,
		Eval: fdEval(fdFilename),
		Desc: "Last component of a file's path."},
	{Name: "fd.dev", Events: isFDEvent, FDNeeds: FDNeedDev, Eval: fdEval(fdDev),
		Desc: "Device number of the file, in upper-case hexadecimal."},
	{Name: "fd.ino", Events: isFDEvent, FDNeeds: FDNeedIno, Eval: fdEval(fdIno),
		Desc: "Inode number of the file."},
	{Name: "fd.type", Events: isFDEvent, Eval: fdEval(fdType),
		Desc: "Type of the fd: file, directory, ipv4, ipv6, unix, pipe, " +
			"event, signalfd, eventpoll, inotify, timerfd, netlink, bpf, " +
			"userfaultfd, io_uring, memfd or pidfd."},
	{Name: "fd.typechar", Events: isFDEvent, Eval: fdEval(fdTypeChar),
		Desc: "Type of the fd as one character: f file, d directory, " +
			"4 IPv4, 6 IPv6, u unix, p pipe, o unknown, ..."},
	{Name: "fd.cip", Events: isFDEvent, FDNeeds: FDNeedSocket, Eval: fdEval(fdClientIP),
		Desc: "Client IP address of a connected socket."},
	{Name: "fd.sip", Events: isFDEvent, FDNeeds: FDNeedSocket, Eval: fdEval(fdServerIP),
		Desc: "Server IP address of a connected or listening socket."},
	{Name: "fd.cport", Events: isFDEvent, FDNeeds: FDNeedSocket, Eval: fdEval(fdClientPort),
		Desc: "Client port of a connected socket."},
	{Name: "fd.sport", Events: isFDEvent, FDNeeds: FDNeedSocket, Eval: fdEval(fdServerPort),
		Desc: "Server port of a connected or listening socket."},
	{Name: "fd.l4proto", Events: isFDEvent, FDNeeds: FDNeedSocket, Eval: fdEval(fdL4Proto),
		Desc: "IP protocol of a socket: tcp, udp, icmp or raw."},
	{Name: "custom.fd.name.part1", Events: isFDEvent, Needs: NeedCwd, FDNeeds: FDNeedName,
		Eval: fdEval(fdNamePart(true)),
		Desc: "Client side of a connection name: fd.name before \"->\"; " +
			"no value for names without an arrow."},
	{Name: "custom.fd.name.part2", Events: isFDEvent, Needs: NeedCwd, FDNeeds: FDNeedName,
		Eval: fdEval(fdNamePart(false)),
		Desc: "Server side of a connection name: fd.name after \"->\"; " +
			"no value for names without an arrow."},
}

// isFDEvent reports whether code is an exit event the fd fields read.
func isFDEvent(code uint16) bool {
	_, ok := event.FDLayoutOf(code)
	return ok
}

// fdSource says where an event's fd values come from.
type fdSource uint8

const (
	// fdNone: no thread entry or not an fd event; nothing has a value.
	fdNone fdSource = iota
	// fdTable: the entry of the host's fd table (API 3.5+).
	fdTable
	// fdNull: libsinsp has no fd for the event (failed call or missing
	// entry) and falls back to the event parameters.
	fdNull
	// fdParams: an API 3.2 host and a call that succeeded; the values
	// are derived from the parameters as libsinsp's parser stores them.
	fdParams
	// fdHidden: an API 3.2 host and a failed connect, whose socket
	// libsinsp knows but the plugin cannot see. Only fd.num has a value.
	fdHidden
)

// fdView is what one field evaluation knows about the event's fd.
type fdView struct {
	src fdSource
	lay event.FDLayout
	num int64
	fd  *FD // set for fdTable
}

// fdValue renders one fd field from a view.
type fdValue func(c *Ctx, v *fdView, dst []byte) ([]byte, bool)

// fdEval builds a Field.Eval that resolves the event's fd and renders f.
func fdEval(f fdValue) evalFunc {
	return func(c *Ctx, _ Arg, dst []byte) ([]byte, bool) {
		v := viewFD(c)
		if v.src == fdNone {
			return dst, false
		}
		n := len(dst)
		out, ok := f(c, &v, dst)
		if !ok {
			return out[:n], false
		}
		return out, true
	}
}

// viewFD finds where the event's fd values come from.
func viewFD(c *Ctx) fdView {
	if c.Thread == nil || c.Ev == nil {
		return fdView{}
	}
	lay, ok := event.FDLayoutOf(c.Ev.Type)
	if !ok {
		return fdView{}
	}
	num, ok := lastEventFD(c.Ev, lay)
	if !ok {
		return fdView{}
	}

	v := fdView{lay: lay, num: num, src: fdNull}
	switch {
	case c.St != nil && c.St.HasFDTable():
		if num < 0 {
			break
		}
		if f, ok := c.St.FD(c.Thread, num); ok && f != nil {
			v.src, v.fd = fdTable, f
		}
	case callMade(c.Ev, lay, num):
		v.src = fdParams
	case isConnect(lay):
		v.src = fdHidden
	}
	return v
}

// lastEventFD returns the fd libsinsp's fd.num reports: the socket fd
// parameter of connect, else the returned fd, or -1 when the call failed.
// EventFD returns the fd the fd fields of ev read from the thread's fd
// table (the returned fd, or connect's socket), or false when ev has none.
// A State may fetch it ahead of rendering.
func EventFD(ev *event.Event) (int64, bool) {
	lay, ok := event.FDLayoutOf(ev.Type)
	if !ok {
		return 0, false
	}
	fd, ok := lastEventFD(ev, lay)
	return fd, ok && fd >= 0
}

func lastEventFD(ev *event.Event, lay event.FDLayout) (int64, bool) {
	if isConnect(lay) {
		return ev.Int64(lay.FD)
	}
	res, ok := ev.Int64(lay.Res)
	if !ok {
		return 0, false
	}
	if res < 0 {
		return -1, true
	}
	return res, true
}

// isConnect reports whether lay is connect's: the only fd event whose fd
// is not its result.
func isConnect(lay event.FDLayout) bool { return lay.FD != lay.Res }

// callMade reports whether the call created or connected its fd, as
// libsinsp's parser decides before it updates the fd table: a fd returned,
// or for connect a result of 0 or -EINPROGRESS.
func callMade(ev *event.Event, lay event.FDLayout, num int64) bool {
	if !isConnect(lay) {
		return num >= 0
	}
	res, ok := ev.Int64(lay.Res)
	return ok && (res == 0 || res == errInProgress)
}

// isOpenat reports whether lay is openat's or openat2's, the events whose
// path is relative to a dirfd.
func isOpenat(lay event.FDLayout) bool { return lay.DirFD >= 0 }

// evalFDNum renders fd.num.
func evalFDNum(c *Ctx, _ Arg, dst []byte) ([]byte, bool) {
	v := viewFD(c)
	if v.src == fdNone {
		return dst, false
	}
	return strconv.AppendInt(dst, v.num, 10), true
}

// fdCwd returns the directory libsinsp resolves relative paths against:
// the cwd of the main thread of the event's process, "./" without one.
func fdCwd(c *Ctx) string {
	if m := c.MainThread(); m != nil {
		m.Load(NeedCwd)
		return m.Cwd
	}
	return "./"
}

// eventPath returns the path parameter of an open-family event, false when
// it is absent or empty.
func eventPath(c *Ctx, v *fdView) ([]byte, bool) {
	if v.lay.Path < 0 {
		return nil, false
	}
	p, ok := c.Ev.String(v.lay.Path)
	if !ok || len(p) == 0 {
		return nil, false
	}
	return p, true
}

// dirOf returns the directory libsinsp resolves an openat path p against
// (parse_dirfd): the working directory for AT_FDCWD, the dirfd's name
// with a '/' added (dirSlash) when it lacks one, "<UNKNOWN>" for a dirfd
// the table lacks. For an absolute p the directory does not matter but
// still counts towards the length limit, as the "." libsinsp passes. It
// returns false on a host without fd table, which cannot know the dirfd.
func dirOf(c *Ctx, p []byte, dirfd int64) (dir string, dirSlash, ok bool) {
	switch {
	case p[0] == '/':
		return ".", false, true
	case dirfd == atFDCWD:
		return fdCwd(c), false, true
	case c.St == nil || !c.St.HasFDTable():
		return "", false, false
	}
	f, found := c.St.FD(c.Thread, dirfd)
	if !found || f == nil {
		return unknownDir, false, true
	}
	return f.Name, f.Name != "" && !strings.HasSuffix(f.Name, "/"), true
}

// appendOpenatPath appends an openat path resolved against its dirfd.
func appendOpenatPath(c *Ctx, v *fdView, p []byte, dst []byte) ([]byte, bool) {
	dirfd, ok := c.Ev.Int64(v.lay.DirFD)
	if !ok {
		return dst, false
	}
	dir, slash, ok := dirOf(c, p, dirfd)
	if !ok {
		return dst, false
	}
	return appendJoinPath(dst, dir, slash, p), true
}

// fdName renders fd.name.
func fdName(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	switch v.src {
	case fdTable:
		return appendSanitized(dst, v.fd.Name), true
	case fdNull:
		return nullName(c, v, dst, false)
	case fdParams:
		return paramName(c, v, dst)
	}
	return dst, false
}

// nullName renders the name libsinsp gives an event without fd
// (extract_fdname_from_creator): the resolved path for open and creat
// (absolute paths as passed), the dirfd-resolved path for openat (its raw
// path for fd.nameraw), the driver's path for open_by_handle_at, and the
// socket tuple for accept and connect.
func nullName(c *Ctx, v *fdView, dst []byte, raw bool) ([]byte, bool) {
	if v.lay.Socket() {
		return tupleName(c, v, dst)
	}

	p, ok := eventPath(c, v)
	switch {
	case !ok:
		return dst, false
	case isOpenat(v.lay) && raw:
		return appendSanitized(dst, p), true
	case isOpenat(v.lay):
		return appendOpenatPath(c, v, p, dst)
	case c.Ev.Type == event.OpenByHandleAtX || p[0] == '/':
		return appendSanitized(dst, p), true
	}
	return appendJoinPath(dst, fdCwd(c), false, p), true
}

// tupleName renders the event's socket tuple as libsinsp names a socket.
func tupleName(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	t, ok := c.Ev.SockTuple(v.lay.Tuple)
	if !ok {
		return dst, false
	}
	return appendTupleName(dst, &t)
}

// paramName renders the name libsinsp's parser stores for a call that
// succeeded, on a host without fd table.
func paramName(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	if v.lay.Socket() {
		return tupleName(c, v, dst)
	}

	p, ok := eventPath(c, v)
	switch {
	case !ok:
		return dst, false
	case isOpenat(v.lay):
		return appendOpenatPath(c, v, p, dst)
	case c.Ev.Type == event.OpenByHandleAtX:
		return appendJoinPath(dst, "", false, p), true
	}
	return appendJoinPath(dst, fdCwd(c), false, p), true
}

// fdNameRaw renders fd.nameraw, with runs of '/' collapsed as libsinsp
// does.
func fdNameRaw(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	switch v.src {
	case fdTable:
		return appendNoDupSlash(dst, v.fd.NameRaw), true
	case fdNull:
		n := len(dst)
		dst, ok := nullName(c, v, dst, true)
		if !ok {
			return dst, false
		}
		return collapseSlashes(dst, n), true
	case fdParams:
		if v.lay.Socket() {
			_, ok := paramType(c, v) // a socket libsinsp updated
			return dst, ok
		}
		p, ok := eventPath(c, v)
		if !ok {
			return dst, false
		}
		return appendNoDupSlash(dst, p), true
	}
	return dst, false
}

// collapseSlashes reduces every run of '/' in dst[n:] to one, in place.
func collapseSlashes(dst []byte, n int) []byte {
	w := n
	for r := n; r < len(dst); r++ {
		if dst[r] == '/' && w > n && dst[w-1] == '/' {
			continue
		}
		dst[w] = dst[r]
		w++
	}
	return dst[:w]
}

// fdDirectory renders fd.directory: the directory of a file, the path of
// a directory fd, and for an event without fd the directory of the name
// the event gives.
func fdDirectory(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	n := len(dst)
	switch v.src {
	case fdTable:
		t := v.fd.Type
		if !isFile(t) && t != FDDirectory {
			return dst, false
		}
		dst = appendSanitized(dst, v.fd.Name)
		if t == FDDirectory {
			return dst, true
		}
	case fdNull:
		var ok bool
		if dst, ok = nullName(c, v, dst, false); !ok {
			return dst, false
		}
	case fdParams:
		t, ok := paramType(c, v)
		if !ok || !isFile(t) && t != FDDirectory {
			return dst, false
		}
		if dst, ok = paramName(c, v, dst); !ok || t == FDDirectory {
			return dst, ok
		}
	default:
		return dst, false
	}
	return trimToDir(dst, n), true
}

// fdFilename renders fd.filename, the last component of a file's path.
// Directories, sockets and events without fd have none.
func fdFilename(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	n := len(dst)
	switch v.src {
	case fdTable:
		if !isFile(v.fd.Type) {
			return dst, false
		}
		dst = appendSanitized(dst, v.fd.Name)
	case fdParams:
		t, ok := paramType(c, v)
		if !ok || !isFile(t) {
			return dst, false
		}
		if dst, ok = paramName(c, v, dst); !ok {
			return dst, false
		}
	default:
		return dst, false
	}
	return trimToBase(dst, n), true
}

// paramType returns the scap fd type libsinsp's parser gives the fd of a
// call that succeeded: a directory when opened with O_DIRECTORY, else a
// file; for sockets the tuple's family, with IPv4-mapped IPv6 connections
// typed IPv4.
func paramType(c *Ctx, v *fdView) (uint8, bool) {
	if !v.lay.Socket() {
		flags, _ := c.Ev.Uint32(v.lay.Flags) // creat has none: 0
		if flags&openDirectory != 0 {
			return FDDirectory, true
		}
		return FDFileV2, true
	}
	t, ok := c.Ev.SockTuple(v.lay.Tuple)
	if !ok {
		return 0, false
	}
	switch t.Family {
	case event.FamilyInet:
		return FDIPv4, true
	case event.FamilyInet6:
		if tupleMapped(&t) {
			return FDIPv4, true
		}
		return FDIPv6, true
	case event.FamilyUnix:
		return FDUnix, true
	}
	return 0, false
}

// fdType renders fd.type.
func fdType(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	switch v.src {
	case fdTable:
		return append(dst, typeInfo(v.fd.Type).name...), true
	case fdParams:
		t, ok := paramType(c, v)
		if !ok {
			return dst, false
		}
		return append(dst, typeInfo(t).name...), true
	}
	return dst, false
}

// fdTypeChar renders fd.typechar. Without fd libsinsp guesses from the
// event type: 'f' for openat, openat2 and creat, '4' for accept and
// accept4 (whatever the family), 'o' for the others, open included.
func fdTypeChar(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	switch v.src {
	case fdTable:
		return append(dst, typeInfo(v.fd.Type).char), true
	case fdParams:
		t, ok := paramType(c, v)
		if !ok {
			return dst, false
		}
		return append(dst, typeInfo(t).char), true
	case fdNull:
		switch c.Ev.Type {
		case event.OpenatX, event.Openat2X, event.CreatX:
			return append(dst, 'f'), true
		case event.AcceptX, event.Accept4X:
			return append(dst, '4'), true
		}
		return append(dst, 'o'), true
	}
	return dst, false
}

// fdDev renders fd.dev.
func fdDev(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	switch v.src {
	case fdTable:
		return appendHexUpper(dst, uint64(v.fd.Dev)), true
	case fdParams:
		dev, _, ok := paramDevIno(c, v)
		if !ok {
			return dst, false
		}
		return appendHexUpper(dst, uint64(dev)), true
	}
	return dst, false
}

// fdIno renders fd.ino.
func fdIno(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	switch v.src {
	case fdTable:
		return strconv.AppendUint(dst, v.fd.Ino, 10), true
	case fdParams:
		_, ino, ok := paramDevIno(c, v)
		if !ok {
			return dst, false
		}
		return strconv.AppendUint(dst, ino, 10), true
	}
	return dst, false
}

// paramDevIno returns the device and inode libsinsp's parser stores for a
// call that succeeded: the event's, 0 where the driver sent none (older
// drivers, or openat2 on Falco 0.37). An accepted socket has 0 and 0; a
// connected socket's are not in the event.
func paramDevIno(c *Ctx, v *fdView) (uint32, uint64, bool) {
	if v.lay.Socket() {
		return 0, 0, !isConnect(v.lay)
	}
	dev, devOK := c.Ev.Uint32(v.lay.Dev)
	ino, inoOK := c.Ev.Uint64(v.lay.Ino)
	switch {
	case isOpenat(v.lay) && !inoOK:
		dev = 0 // the parser reads both only when ino is there
	case c.Ev.Type != event.OpenByHandleAtX && !devOK:
		ino = 0 // open and creat read ino only after dev
	}
	return dev, ino, true
}

// sockAddrs are the two ends of a connection the fd fields render.
type sockAddrs struct {
	v4           bool
	cip, sip     [16]byte
	cport, sport uint16
}

// connAddrs returns the client and server ends of the event's socket: from
// the fd table entry of a connection socket with a role, or from the
// tuple of a call that succeeded on a host without fd table (connect
// makes a client, accept a server).
func connAddrs(c *Ctx, v *fdView) (sockAddrs, bool) {
	switch v.src {
	case fdTable:
		f := v.fd
		if !isIP(f.Type) || f.roleNone() {
			return sockAddrs{}, false
		}
		return sockAddrs{v4: f.Type == FDIPv4, cip: f.SrcIP, sip: f.DstIP,
			cport: f.SrcPort, sport: f.DstPort}, true
	case fdParams:
		if !v.lay.Socket() {
			return sockAddrs{}, false
		}
		t, ok := c.Ev.SockTuple(v.lay.Tuple)
		if !ok {
			return sockAddrs{}, false
		}
		return tupleAddrs(&t)
	}
	return sockAddrs{}, false
}

// tupleAddrs converts an IP socket tuple, folding IPv4-mapped connections
// to IPv4 as libsinsp does.
func tupleAddrs(t *event.SockTuple) (sockAddrs, bool) {
	a := sockAddrs{cport: t.Src.Port(), sport: t.Dst.Port()}
	switch t.Family {
	case event.FamilyInet:
		a.v4 = true
		s, d := t.Src.Addr().As4(), t.Dst.Addr().As4()
		copy(a.cip[:], s[:])
		copy(a.sip[:], d[:])
	case event.FamilyInet6:
		s, d := t.Src.Addr().As16(), t.Dst.Addr().As16()
		if mappedV4(&s) && mappedV4(&d) {
			a.v4 = true
			copy(a.cip[:], s[12:])
			copy(a.sip[:], d[12:])
		} else {
			a.cip, a.sip = s, d
		}
	default:
		return sockAddrs{}, false
	}
	return a, true
}

// serverSocket returns the address of a listening socket from the table.
func serverSocket(v *fdView) (f *FD, ok bool) {
	if v.src != fdTable {
		return nil, false
	}
	f = v.fd
	return f, f.Type == FDIPv4Server || f.Type == FDIPv6Server
}

// fdClientIP renders fd.cip.
func fdClientIP(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	a, ok := connAddrs(c, v)
	if !ok {
		return dst, false
	}
	return appendIP(dst, &a.cip, a.v4), true
}

// fdServerIP renders fd.sip; a listening socket gives its own address.
func fdServerIP(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	if f, ok := serverSocket(v); ok {
		return appendIP(dst, &f.ServerIP, f.Type == FDIPv4Server), true
	}
	a, ok := connAddrs(c, v)
	if !ok {
		return dst, false
	}
	return appendIP(dst, &a.sip, a.v4), true
}

// fdClientPort renders fd.cport.
func fdClientPort(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	a, ok := connAddrs(c, v)
	if !ok {
		return dst, false
	}
	return strconv.AppendUint(dst, uint64(a.cport), 10), true
}

// fdServerPort renders fd.sport; a listening socket gives its own port.
func fdServerPort(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	if f, ok := serverSocket(v); ok {
		return strconv.AppendUint(dst, uint64(f.ServerPort), 10), true
	}
	a, ok := connAddrs(c, v)
	if !ok {
		return dst, false
	}
	return strconv.AppendUint(dst, uint64(a.sport), 10), true
}

// fdL4Proto renders fd.l4proto. Like libsinsp it renders the string
// "<NA>" for fds that are not IP sockets. On a host without fd table the
// protocol of a connected socket is unknown (it was set when the socket
// was created); an accepted one is TCP.
func fdL4Proto(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
	switch v.src {
	case fdTable:
		return append(dst, l4Name(v.fd.l4Proto())...), true
	case fdParams:
		t, ok := paramType(c, v)
		switch {
		case !ok:
			return dst, false
		case !isIP(t):
			return append(dst, l4Name(L4NA)...), true
		case isConnect(v.lay):
			return dst, false
		}
		return append(dst, l4Name(L4TCP)...), true
	}
	return dst, false
}

// arrow separates the two ends of a connection name.
var arrow = []byte("->")

// fdNamePart returns the evaluator of custom.fd.name.part1 (left) or
// part2: the fd.name text before or after its first "->".
func fdNamePart(left bool) fdValue {
	return func(c *Ctx, v *fdView, dst []byte) ([]byte, bool) {
		n := len(dst)
		dst, ok := fdName(c, v, dst)
		if !ok {
			return dst, false
		}
		i := bytes.Index(dst[n:], arrow)
		switch {
		case i < 0:
			return dst[:n], false
		case left:
			return dst[:n+i], true
		}
		m := copy(dst[n:], dst[n+i+2:])
		return dst[:n+m], true
	}
}

// mappedV4 reports whether libsinsp treats the IPv6 address a as an IPv4
// one: IPv4-mapped (::ffff:a.b.c.d) or all zeros.
func mappedV4(a *[16]byte) bool {
	for _, b := range a[:10] {
		if b != 0 {
			return false
		}
	}
	if a[10] == 0xff && a[11] == 0xff {
		return true
	}
	return a[10]|a[11]|a[12]|a[13]|a[14]|a[15] == 0
}

// tupleMapped reports whether both ends of an IPv6 tuple are IPv4 ones,
// which makes libsinsp type the socket IPv4.
func tupleMapped(t *event.SockTuple) bool {
	s, d := t.Src.Addr().As16(), t.Dst.Addr().As16()
	return mappedV4(&s) && mappedV4(&d)
}

// appendTupleName appends the connection name libsinsp gives a socket
// tuple: "cip:cport->sip:sport" for IP sockets (IPv6 addresses in
// inet_ntop form, IPv4-mapped connections as IPv4), and for unix sockets
// the two kernel addresses in hex and the path,
// "ffff9a1b2c3d4e00->ffff9a1b2c3d4f00 /run/dbus/system_bus_socket".
func appendTupleName(dst []byte, t *event.SockTuple) ([]byte, bool) {
	if t.Family == event.FamilyUnix {
		dst = strconv.AppendUint(dst, t.SrcPtr, 16)
		dst = append(dst, "->"...)
		dst = strconv.AppendUint(dst, t.DstPtr, 16)
		dst = append(dst, ' ')
		return appendSanitized(dst, t.Path), true
	}
	a, ok := tupleAddrs(t)
	if !ok {
		return dst, false
	}
	dst = appendIP(dst, &a.cip, a.v4)
	dst = append(dst, ':')
	dst = strconv.AppendUint(dst, uint64(a.cport), 10)
	dst = append(dst, "->"...)
	dst = appendIP(dst, &a.sip, a.v4)
	dst = append(dst, ':')
	return strconv.AppendUint(dst, uint64(a.sport), 10), true
}
