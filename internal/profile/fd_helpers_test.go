package profile

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// Builders for the raw exit events the fd tests feed the fields, in the
// driver's layout: the 26-byte header, one uint16 length per parameter,
// then the parameters.

// fdRaw encodes an event of type code sent by tid.
func fdRaw(tid int64, code uint16, params ...[]byte) []byte {
	size := event.HeaderSize + 2*len(params)
	for _, p := range params {
		size += len(p)
	}
	raw := make([]byte, event.HeaderSize, size)
	binary.LittleEndian.PutUint64(raw[0:], 1700000000000000000)
	binary.LittleEndian.PutUint64(raw[8:], uint64(tid))
	binary.LittleEndian.PutUint32(raw[16:], uint32(size))
	binary.LittleEndian.PutUint16(raw[20:], code)
	binary.LittleEndian.PutUint32(raw[22:], uint32(len(params)))
	for _, p := range params {
		raw = binary.LittleEndian.AppendUint16(raw, uint16(len(p)))
	}
	for _, p := range params {
		raw = append(raw, p...)
	}
	return raw
}

// fdEvent decodes fdRaw's event, failing the test if it is malformed.
func fdEvent(tb testing.TB, tid int64, code uint16, params ...[]byte) *event.Event {
	tb.Helper()
	ev, err := event.Decode(fdRaw(tid, code, params...))
	if err != nil {
		tb.Fatal(err)
	}
	return &ev
}

// Parameter encoders.

func pI64(v int64) []byte  { return binary.LittleEndian.AppendUint64(nil, uint64(v)) }
func pU64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func pU32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func pU16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func pStr(s string) []byte { return append([]byte(s), 0) }

// pNone is an empty parameter: the driver's "no value".
var pNone = []byte{}

// pTuple encodes an IP socket tuple "a:p" to "b:q"; both addresses must
// be of the same family.
func pTuple(src, dst string) []byte {
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	var out []byte
	if s.Addr().Is4() {
		out = append(out, event.FamilyInet)
		a := s.Addr().As4()
		out = append(out, a[:]...)
		out = binary.LittleEndian.AppendUint16(out, s.Port())
		b := d.Addr().As4()
		out = append(out, b[:]...)
		return binary.LittleEndian.AppendUint16(out, d.Port())
	}
	out = append(out, event.FamilyInet6)
	a := s.Addr().As16()
	out = append(out, a[:]...)
	out = binary.LittleEndian.AppendUint16(out, s.Port())
	b := d.Addr().As16()
	out = append(out, b[:]...)
	return binary.LittleEndian.AppendUint16(out, d.Port())
}

// pUnixTuple encodes a unix socket tuple.
func pUnixTuple(src, dst uint64, path string) []byte {
	out := []byte{event.FamilyUnix}
	out = binary.LittleEndian.AppendUint64(out, src)
	out = binary.LittleEndian.AppendUint64(out, dst)
	return append(out, pStr(path)...)
}

// Event encoders, one per fd event, with the current parameter lists.
// dev and ino follow the driver: 0x803 is device 8:3.

const (
	oRdonly    = 1 << 0
	oDirectory = 1 << 10
	testDev    = 0x803
)

func evOpen(tb testing.TB, tid, res int64, path string, flags uint32, ino uint64) *event.Event {
	return fdEvent(tb, tid, event.OpenX, pI64(res), pStr(path), pU32(flags),
		pU32(0o644), pU32(testDev), pU64(ino))
}

func evCreat(tb testing.TB, tid, res int64, path string, ino uint64) *event.Event {
	return fdEvent(tb, tid, event.CreatX, pI64(res), pStr(path), pU32(0o644),
		pU32(testDev), pU64(ino), pU16(0))
}

func evOpenat(tb testing.TB, tid, res, dirfd int64, path string, flags uint32, ino uint64) *event.Event {
	return fdEvent(tb, tid, event.OpenatX, pI64(res), pI64(dirfd), pStr(path),
		pU32(flags), pU32(0), pU32(testDev), pU64(ino))
}

func evOpenat2(tb testing.TB, tid, res, dirfd int64, path string, flags uint32, ino uint64) *event.Event {
	return fdEvent(tb, tid, event.Openat2X, pI64(res), pI64(dirfd), pStr(path),
		pU32(flags), pU32(0), pU32(0), pU32(testDev), pU64(ino))
}

func evConnect(tb testing.TB, tid, res, fd int64, tuple []byte) *event.Event {
	return fdEvent(tb, tid, event.ConnectX, pI64(res), tuple, pI64(fd), pNone)
}

func evAccept4(tb testing.TB, tid, fd int64, tuple []byte) *event.Event {
	return fdEvent(tb, tid, event.Accept4X, pI64(fd), tuple, []byte{0},
		pU32(0), pU32(128), pU32(0))
}

func evAccept(tb testing.TB, tid, fd int64, tuple []byte) *event.Event {
	return fdEvent(tb, tid, event.AcceptX, pI64(fd), tuple, []byte{0},
		pU32(0), pU32(128))
}

// fdAddr stores an address in an FD address array: IPv4 in the first 4
// bytes.
func fdAddr(s string) [16]byte {
	a := netip.MustParseAddr(s)
	var out [16]byte
	if a.Is4() {
		b := a.As4()
		copy(out[:], b[:])
		return out
	}
	return a.As16()
}
