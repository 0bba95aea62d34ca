package event

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
)

// Address families of a socket tuple, as the driver encodes them (its own
// PPM_AF_* numbers, which match Linux).
const (
	FamilyUnix  uint8 = 1
	FamilyInet  uint8 = 2
	FamilyInet6 uint8 = 10
)

// Errors returned by DecodeSockTuple.
var (
	ErrTupleShort  = errors.New("socket tuple shorter than its family needs")
	ErrTupleFamily = errors.New("socket tuple of an unknown address family")
)

// Sizes of the fixed part of each tuple kind, family byte included.
const (
	tupleInetSize  = 1 + 4 + 2 + 4 + 2
	tupleInet6Size = 1 + 16 + 2 + 16 + 2
	tupleUnixSize  = 1 + 8 + 8
)

// SockTuple is a decoded PT_SOCKTUPLE parameter, the two ends of a
// connection. Src is the client and Dst the server, both for connect
// (local to remote) and for accept (remote to local), which is how
// libsinsp's fd.cip and fd.sip read them.
//
// For FamilyInet and FamilyInet6 the addresses and ports are set; IPv4
// peers of an IPv6 socket appear as IPv4-mapped IPv6 addresses (use
// netip.Addr.Unmap to fold them). For FamilyUnix SrcPtr and DstPtr are the
// kernel socket addresses and Path is the socket path; Path aliases the
// event bytes and is valid as long as they are.
type SockTuple struct {
	Family uint8
	Src    netip.AddrPort
	Dst    netip.AddrPort
	SrcPtr uint64
	DstPtr uint64
	Path   []byte
}

// DecodeSockTuple decodes a PT_SOCKTUPLE parameter: a family byte, then
// for IPv4 the source address (4 bytes), source port (2), destination
// address (4) and destination port (2); for IPv6 the same with 16-byte
// addresses; for Unix sockets two 8-byte kernel pointers and a
// NUL-terminated path. Addresses are in network order and ports and
// pointers little-endian. Bytes after the fixed IP layouts are ignored; a
// Unix path without a NUL runs to the end of p. It does not allocate.
func DecodeSockTuple(p []byte) (SockTuple, error) {
	if len(p) == 0 {
		return SockTuple{}, ErrTupleShort
	}
	t := SockTuple{Family: p[0]}
	switch t.Family {
	case FamilyInet:
		if len(p) < tupleInetSize {
			return SockTuple{}, ErrTupleShort
		}
		t.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(p[1:5])), port(p[5:]))
		t.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(p[7:11])), port(p[11:]))
	case FamilyInet6:
		if len(p) < tupleInet6Size {
			return SockTuple{}, ErrTupleShort
		}
		t.Src = netip.AddrPortFrom(netip.AddrFrom16([16]byte(p[1:17])), port(p[17:]))
		t.Dst = netip.AddrPortFrom(netip.AddrFrom16([16]byte(p[19:35])), port(p[35:]))
	case FamilyUnix:
		if len(p) < tupleUnixSize {
			return SockTuple{}, ErrTupleShort
		}
		t.SrcPtr = binary.LittleEndian.Uint64(p[1:9])
		t.DstPtr = binary.LittleEndian.Uint64(p[9:17])
		t.Path = cString(p[tupleUnixSize:])
	default:
		return SockTuple{}, ErrTupleFamily
	}
	return t, nil
}

func port(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }

// cString returns b up to its first NUL, or all of b when it has none.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// SockTuple decodes parameter i as a socket tuple. It returns false when
// the parameter is absent, empty (a failed connect may carry no tuple) or
// malformed.
func (e *Event) SockTuple(i int) (SockTuple, bool) {
	p, ok := e.Param(i)
	if !ok {
		return SockTuple{}, false
	}
	t, err := DecodeSockTuple(p)
	return t, err == nil
}
