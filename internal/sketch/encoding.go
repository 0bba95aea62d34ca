package sketch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sync/atomic"
)

// The binary encoding, all integers little-endian:
//
//	offset  size     field
//	0       4        magic "CMSK"
//	4       1        format version (1)
//	5       1        mode: 1 conservative, 2 plain
//	6       2        reserved, zero
//	8       4        rows
//	12      4        cols
//	16      8        seed
//	24      8*cells  counters, row-major
//	end-4   4        CRC-32C (Castagnoli) of every byte before it
//
// Version 1 also fixes the hash function and the row derivation: a change
// to either needs a new version, since the stored counters are only
// meaningful under the hash that placed them.
const (
	formatVersion = 1
	headerLen     = 24
	trailerLen    = 4
)

var magic = [4]byte{'C', 'M', 'S', 'K'}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Errors returned by UnmarshalBinary. Every error it returns wraps
// ErrFormat; a checksum mismatch also wraps ErrChecksum.
var (
	// ErrFormat reports input that is not a sketch encoding this package
	// can read.
	ErrFormat = errors.New("malformed sketch encoding")

	// ErrChecksum reports an encoding whose checksum does not match its
	// content.
	ErrChecksum = errors.New("checksum mismatch")
)

// EncodedSize returns the length of the sketch's binary encoding.
func (s *Sketch) EncodedSize() int { return headerLen + 8*len(s.cells) + trailerLen }

// MarshalBinary encodes the sketch: shape, seed, mode, counters and a
// checksum. It is a reader method. It fails only for a zero Sketch, which
// has no shape to encode.
func (s *Sketch) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(make([]byte, 0, s.EncodedSize()))
}

// AppendBinary appends the encoding of the sketch to b. It is a reader
// method. It fails only for a zero Sketch, and does not allocate when b has
// room for EncodedSize more bytes.
func (s *Sketch) AppendBinary(b []byte) ([]byte, error) {
	if len(s.cells) == 0 {
		return b, fmt.Errorf("encode: %w: zero Sketch has no rows", ErrShape)
	}

	start := len(b)
	b = append(b, magic[:]...)
	b = append(b, formatVersion, byte(s.mode), 0, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(s.rows))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.cols))
	b = binary.LittleEndian.AppendUint64(b, s.seed)
	for i := range s.cells {
		b = binary.LittleEndian.AppendUint64(b, atomic.LoadUint64(&s.cells[i]))
	}

	sum := crc32.Checksum(b[start:], castagnoli)

	return binary.LittleEndian.AppendUint32(b, sum), nil
}

// UnmarshalBinary replaces s with the sketch encoded in data. Every check
// (magic, version, mode, shape within MaxRows and MaxCells, exact length,
// checksum) passes before anything is allocated, so corrupted, truncated or
// foreign input fails with an error wrapping ErrFormat and costs no memory;
// on error s is unchanged. The counters reuse s's storage when it is large
// enough. s keeps its WithConcurrentReads setting. UnmarshalBinary must not
// overlap any other call on s.
func (s *Sketch) UnmarshalBinary(data []byte) error {
	shape, mode, seed, err := parseHeader(data)
	if err != nil {
		return err
	}

	cells := s.cells
	if cap(cells) >= shape.Cells() {
		cells = cells[:shape.Cells()]
	} else {
		cells = make([]uint64, shape.Cells())
	}

	body := data[headerLen:]
	for i := range cells {
		cells[i] = binary.LittleEndian.Uint64(body[8*i:])
	}

	*s = Sketch{
		cells:  cells,
		rows:   shape.Rows,
		cols:   shape.Cols,
		mode:   mode,
		shared: s.shared,
		seed:   seed,
		hk:     newHashKey(seed),
	}

	return nil
}

// parseHeader validates everything about data except the counter values,
// which any uint64 may hold.
func parseHeader(data []byte) (Shape, Mode, uint64, error) {
	if len(data) < headerLen+trailerLen {
		return Shape{}, 0, 0, fmt.Errorf("%d bytes: shorter than a header: %w",
			len(data), ErrFormat)
	}

	if [4]byte(data[:4]) != magic {
		return Shape{}, 0, 0, fmt.Errorf("bad magic %q: %w", data[:4], ErrFormat)
	}

	if data[4] != formatVersion {
		return Shape{}, 0, 0, fmt.Errorf("version %d: %w", data[4], ErrFormat)
	}

	mode := Mode(data[5])
	if !mode.valid() {
		return Shape{}, 0, 0, fmt.Errorf("mode %d: %w", data[5], ErrFormat)
	}

	if data[6] != 0 || data[7] != 0 {
		return Shape{}, 0, 0, fmt.Errorf("reserved bytes set: %w", ErrFormat)
	}

	// Bounding the uint32 values first keeps the int conversion from
	// going negative on 32-bit platforms; Validate then checks the rest.
	rows := binary.LittleEndian.Uint32(data[8:])
	cols := binary.LittleEndian.Uint32(data[12:])
	if rows > MaxRows || cols > MaxCells {
		return Shape{}, 0, 0, fmt.Errorf("shape %d x %d: %w", rows, cols, ErrFormat)
	}

	shape := Shape{Rows: int(rows), Cols: int(cols)}
	if err := shape.Validate(); err != nil {
		return Shape{}, 0, 0, fmt.Errorf("%w: %w", ErrFormat, err)
	}

	want := headerLen + 8*shape.Cells() + trailerLen
	if len(data) != want {
		return Shape{}, 0, 0, fmt.Errorf("%d bytes for %v, want %d: %w",
			len(data), shape, want, ErrFormat)
	}

	end := len(data) - trailerLen
	sum := binary.LittleEndian.Uint32(data[end:])
	if crc32.Checksum(data[:end], castagnoli) != sum {
		return Shape{}, 0, 0, fmt.Errorf("%w: %w", ErrFormat, ErrChecksum)
	}

	return shape, mode, binary.LittleEndian.Uint64(data[16:]), nil
}
