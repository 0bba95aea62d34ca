package profile

import "strconv"

// FD is one entry of a thread's file_descriptors table (API 3.5+ hosts),
// as libsinsp's sinsp_fdinfo exposes it. Name and NameRaw may point to
// host memory: an FD returned by State.FD is valid only until the current
// event's processing ends.
type FD struct {
	// Num is the descriptor number, the key of the table entry.
	Num int64
	// Type is the scap fd type (FDFile, FDIPv4, ...).
	Type uint8
	// Flags are libsinsp's fd flags; FDRoleClient and FDRoleServer say
	// which end of a connection the socket is.
	Flags uint32
	// Dev and Ino identify the file: device number and inode.
	Dev uint32
	Ino uint64
	// Name is the resolved path of a file, or the connection name of a
	// socket ("10.0.0.5:40000->93.184.216.34:443"). NameRaw is the path as
	// the process passed it, "" for sockets.
	Name    string
	NameRaw string

	// Socket endpoints, from the union member that matches Type: the
	// client/server tuple for FDIPv4 and FDIPv6, the server address for
	// FDIPv4Server and FDIPv6Server. For IPv4 only the first 4 bytes of
	// the address arrays are used, in network order. Ports are in host
	// order. L4Proto is the scap L4 protocol of either member.
	L4Proto          uint8
	SrcIP, DstIP     [16]byte
	SrcPort, DstPort uint16
	ServerIP         [16]byte
	ServerPort       uint16
	// UnixSrc and UnixDst are the kernel socket addresses of an FDUnix
	// connection.
	UnixSrc, UnixDst uint64
}

// The scap fd types (scap_fd_type) that libsinsp stores in FD.Type.
const (
	FDUnknown     uint8 = 0
	FDFile        uint8 = 1
	FDDirectory   uint8 = 2
	FDIPv4        uint8 = 3
	FDIPv6        uint8 = 4
	FDIPv4Server  uint8 = 5
	FDIPv6Server  uint8 = 6
	FDFifo        uint8 = 7
	FDUnix        uint8 = 8
	FDEvent       uint8 = 9
	FDUnsupported uint8 = 10
	FDSignal      uint8 = 11
	FDEventPoll   uint8 = 12
	FDInotify     uint8 = 13
	FDTimer       uint8 = 14
	FDNetlink     uint8 = 15
	FDFileV2      uint8 = 16
	FDBPF         uint8 = 17
	FDUserfault   uint8 = 18
	FDIOUring     uint8 = 19
	FDMemfd       uint8 = 20
	FDPidfd       uint8 = 21
)

// fd flags of libsinsp that the fields read.
const (
	// FDRoleClient marks the client end of a connection (connect).
	FDRoleClient uint32 = 1 << 2
	// FDRoleServer marks the server end of a connection (accept).
	FDRoleServer uint32 = 1 << 3
)

// The scap L4 protocols (scap_l4_proto) of FD.L4Proto.
const (
	L4Unknown uint8 = 0
	L4NA      uint8 = 1
	L4TCP     uint8 = 2
	L4UDP     uint8 = 3
	L4ICMP    uint8 = 4
	L4Raw     uint8 = 5
)

// fdTypeInfo is how libsinsp names one fd type: fd.type and fd.typechar.
type fdTypeInfo struct {
	name string
	char byte
}

// fdTypes holds the fd.type and fd.typechar of every scap fd type.
// Unknown and unsupported fds have no type name; libsinsp renders them as
// the string "<NA>". Types past the end render "<NA>" and '?'.
var fdTypes = [...]fdTypeInfo{
	FDUnknown:     {"<NA>", 'o'},
	FDFile:        {"file", 'f'},
	FDDirectory:   {"directory", 'd'},
	FDIPv4:        {"ipv4", '4'},
	FDIPv6:        {"ipv6", '6'},
	FDIPv4Server:  {"ipv4", '4'},
	FDIPv6Server:  {"ipv6", '6'},
	FDFifo:        {"pipe", 'p'},
	FDUnix:        {"unix", 'u'},
	FDEvent:       {"event", 'e'},
	FDUnsupported: {"<NA>", 'X'},
	FDSignal:      {"signalfd", 's'},
	FDEventPoll:   {"eventpoll", 'l'},
	FDInotify:     {"inotify", 'i'},
	FDTimer:       {"timerfd", 't'},
	FDNetlink:     {"netlink", 'n'},
	FDFileV2:      {"file", 'f'},
	FDBPF:         {"bpf", 'b'},
	FDUserfault:   {"userfaultfd", 'u'},
	FDIOUring:     {"io_uring", 'r'},
	FDMemfd:       {"memfd", 'm'},
	FDPidfd:       {"pidfd", 'P'},
}

// typeInfo returns the fd.type and fd.typechar of scap fd type t.
func typeInfo(t uint8) fdTypeInfo {
	if int(t) < len(fdTypes) {
		return fdTypes[t]
	}
	return fdTypeInfo{"<NA>", '?'}
}

// isFile reports whether t is a regular-file fd type.
func isFile(t uint8) bool { return t == FDFile || t == FDFileV2 }

// isIP reports whether t is a connected or connecting IP socket.
func isIP(t uint8) bool { return t == FDIPv4 || t == FDIPv6 }

// roleNone reports whether the socket has neither role flag.
func (f *FD) roleNone() bool { return f.Flags&(FDRoleClient|FDRoleServer) == 0 }

// l4Proto returns the protocol libsinsp's fd.l4proto reads: a connection
// socket's own protocol once it has a role (raw sockets always), a server
// socket's protocol, and L4NA for everything else.
func (f *FD) l4Proto() uint8 {
	switch f.Type {
	case FDIPv4, FDIPv6:
		if f.L4Proto == L4Raw {
			return L4Raw
		}
		if f.roleNone() {
			return L4NA
		}
		return f.L4Proto
	case FDIPv4Server, FDIPv6Server:
		return f.L4Proto
	}
	return L4NA
}

// l4Name returns libsinsp's fd.l4proto rendering of p; unknown protocols
// render as the string "<NA>".
func l4Name(p uint8) string {
	switch p {
	case L4TCP:
		return "tcp"
	case L4UDP:
		return "udp"
	case L4ICMP:
		return "icmp"
	case L4Raw:
		return "raw"
	}
	return "<NA>"
}

// appendIP appends an address of an FD: dotted decimal from the first 4
// bytes when v4, else the IPv6 text form of all 16.
func appendIP(dst []byte, a *[16]byte, v4 bool) []byte {
	if v4 {
		return appendIPv4(dst, a[:4])
	}
	return appendIPv6(dst, a)
}

// appendIPv4 appends the 4 bytes of b in dotted decimal.
func appendIPv4(dst, b []byte) []byte {
	for i := 0; i < 4; i++ {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = strconv.AppendUint(dst, uint64(b[i]), 10)
	}
	return dst
}

// appendIPv6 appends a in the text form glibc's inet_ntop gives, which is
// libsinsp's: lower-case hex groups without leading zeros, the first
// longest run of two or more zero groups written "::", and the last 32
// bits in dotted decimal for IPv4-mapped (::ffff:a.b.c.d) and
// IPv4-compatible (::a.b.c.d) addresses.
func appendIPv6(dst []byte, a *[16]byte) []byte {
	var w [8]uint16
	for i := range w {
		w[i] = uint16(a[2*i])<<8 | uint16(a[2*i+1])
	}
	zb, zl := zeroRun(&w)

	for i := 0; i < 8; i++ {
		if zl > 0 && i >= zb && i < zb+zl {
			if i == zb {
				dst = append(dst, ':')
			}
			continue
		}
		if i > 0 {
			dst = append(dst, ':')
		}
		if i == 6 && zb == 0 && (zl == 6 || zl == 5 && w[5] == 0xffff) {
			return appendIPv4(dst, a[12:16])
		}
		dst = strconv.AppendUint(dst, uint64(w[i]), 16)
	}
	if zl > 0 && zb+zl == 8 {
		dst = append(dst, ':')
	}
	return dst
}

// zeroRun returns the start and length of the first longest run of zero
// groups in w, or a length of 0 when no run is at least 2 groups long.
func zeroRun(w *[8]uint16) (base, n int) {
	cur, curLen := 0, 0
	for i, v := range w {
		if v != 0 {
			curLen = 0
			continue
		}
		if curLen == 0 {
			cur = i
		}
		curLen++
		if curLen > n {
			base, n = cur, curLen
		}
	}
	if n < 2 {
		return 0, 0
	}
	return base, n
}

// appendHexUpper appends v in upper-case hexadecimal without prefix, as
// libsinsp renders fd.dev.
func appendHexUpper(dst []byte, v uint64) []byte {
	n := len(dst)
	dst = strconv.AppendUint(dst, v, 16)
	for i := n; i < len(dst); i++ {
		if c := dst[i]; c >= 'a' && c <= 'f' {
			dst[i] = c - 'a' + 'A'
		}
	}
	return dst
}
