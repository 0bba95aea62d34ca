// Package event decodes syscall events in the libscap binary layout that
// Falco hands to plugins: a packed 26-byte header, one uint16 length per
// parameter, then the parameters back to back. Every read is bounds-checked
// against the event's own length, so a malformed event yields "no value",
// never a panic.
//
// The package also knows the event codes (codes.go), the parameter layouts
// of the exit events the plugin reads (params.go), the socket tuple format
// (socktuple.go), and can encode events for tests and the test host
// (encode.go).
package event

import (
	"encoding/binary"
	"errors"
)

// HeaderSize is the size of the packed event header.
const HeaderSize = 26

// Errors returned by Decode.
var (
	ErrShort    = errors.New("event shorter than its header")
	ErrLength   = errors.New("event length field disagrees with the buffer")
	ErrParamLen = errors.New("parameter lengths overrun the event")
)

// Event is a decoded view of one raw event. It does not copy: it is valid
// only as long as the raw bytes it was decoded from.
type Event struct {
	raw     []byte
	TS      uint64
	Tid     int64
	Type    uint16
	NParams uint32
	// lenSize is 2 for every syscall event (uint16 parameter lengths).
	lenSize int
	// data is the offset of the first parameter's bytes.
	data int
}

// Decode checks the header of raw and returns a view of it. The buffer must
// be at least as long as the header's len field; bytes beyond it are
// ignored. Parameter lengths are checked so that every parameter lies
// inside the event; when they overrun, Decode fails with ErrParamLen.
func Decode(raw []byte) (Event, error) {
	if len(raw) < HeaderSize {
		return Event{}, ErrShort
	}
	n := binary.LittleEndian.Uint32(raw[16:20])
	if n < HeaderSize || uint64(n) > uint64(len(raw)) {
		return Event{}, ErrLength
	}
	raw = raw[:n]
	e := Event{
		raw:     raw,
		TS:      binary.LittleEndian.Uint64(raw[0:8]),
		Tid:     int64(binary.LittleEndian.Uint64(raw[8:16])),
		Type:    binary.LittleEndian.Uint16(raw[20:22]),
		NParams: binary.LittleEndian.Uint32(raw[22:26]),
		lenSize: 2,
	}
	if LargePayload(e.Type) {
		e.lenSize = 4
	}
	table := uint64(e.NParams) * uint64(e.lenSize)
	if table > uint64(len(raw)-HeaderSize) {
		return Event{}, ErrParamLen
	}
	e.data = HeaderSize + int(table)
	total := uint64(e.data) + sumLens(raw[HeaderSize:e.data], e.lenSize)
	if total > uint64(len(raw)) {
		return Event{}, ErrParamLen
	}
	return e, nil
}

// LargePayload reports whether events of type t use uint32 parameter
// lengths. Only three non-syscall events do: plugin events, version 2
// container events and async events.
func LargePayload(t uint16) bool {
	return t == PluginEventE || t == ContainerJSON2E || t == AsyncEventE
}

// Raw returns the event's bytes, header included.
func (e *Event) Raw() []byte { return e.raw }

// sumLens adds up the lengths in a parameter length table whose entries
// are size bytes long (2 or 4).
func sumLens(table []byte, size int) uint64 {
	var n uint64
	if size == 4 {
		for ; len(table) >= 4; table = table[4:] {
			n += uint64(binary.LittleEndian.Uint32(table))
		}
		return n
	}
	// Four uint16 lengths at a time: add them pairwise in 32-bit lanes,
	// which cannot overflow, then add the two lanes.
	for ; len(table) >= 8; table = table[8:] {
		x := binary.LittleEndian.Uint64(table)
		y := x&0x0000ffff0000ffff + x>>16&0x0000ffff0000ffff
		n += y&0xffffffff + y>>32
	}
	for ; len(table) >= 2; table = table[2:] {
		n += uint64(binary.LittleEndian.Uint16(table))
	}
	return n
}

func (e *Event) paramLen(i int) int {
	off := HeaderSize + i*e.lenSize
	if e.lenSize == 4 {
		return int(binary.LittleEndian.Uint32(e.raw[off:]))
	}
	return int(binary.LittleEndian.Uint16(e.raw[off:]))
}

// Param returns the bytes of parameter i. It returns false when the event
// has fewer parameters; an empty parameter (no value) returns an empty
// slice and true.
func (e *Event) Param(i int) ([]byte, bool) {
	if i < 0 || i >= int(e.NParams) || e.raw == nil {
		return nil, false
	}
	// Decode checked that all lengths fit in the event, so the sums
	// below stay in bounds.
	off := e.data + int(sumLens(e.raw[HeaderSize:HeaderSize+i*e.lenSize], e.lenSize))
	return e.raw[off : off+e.paramLen(i)], true
}

// Int64 returns parameter i as a signed 64-bit value (PT_ERRNO, PT_FD,
// PT_PID, PT_INT64). It returns false when the parameter is absent, empty
// or not 8 bytes long.
func (e *Event) Int64(i int) (int64, bool) {
	p, ok := e.Param(i)
	if !ok || len(p) != 8 {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint64(p)), true
}

// Uint64 returns parameter i as an unsigned 64-bit value.
func (e *Event) Uint64(i int) (uint64, bool) {
	p, ok := e.Param(i)
	if !ok || len(p) != 8 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(p), true
}

// Uint32 returns parameter i as an unsigned 32-bit value (PT_UINT32,
// PT_FLAGS32, PT_UID, PT_GID).
func (e *Event) Uint32(i int) (uint32, bool) {
	p, ok := e.Param(i)
	if !ok || len(p) != 4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(p), true
}

// Bytes returns parameter i as a string view without a trailing NUL: for
// PT_CHARBUF and PT_FSPATH that is the string, for PT_BYTEBUF the raw
// bytes. It returns false when the parameter is absent or empty. The
// returned bytes alias the event.
func (e *Event) Bytes(i int) ([]byte, bool) {
	p, ok := e.Param(i)
	if !ok || len(p) == 0 {
		return nil, false
	}
	if p[len(p)-1] == 0 {
		p = p[:len(p)-1]
	}
	return p, true
}

// String is Bytes up to the first NUL, which is how the driver's C strings
// end.
func (e *Event) String(i int) ([]byte, bool) {
	p, ok := e.Bytes(i)
	if !ok {
		return nil, false
	}
	return cString(p), true
}
