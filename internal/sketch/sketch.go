package sketch

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// Mode is the update rule of a sketch.
type Mode uint8

const (
	// Conservative increments only the rows holding the key's current
	// minimum, raising each to the new estimate. It never underestimates
	// and over-counts much less than Plain on skewed streams, but it is
	// not linear: merging two conservative sketches gives an upper bound,
	// not the sketch of the combined stream.
	Conservative Mode = 1

	// Plain increments the key's counter in every row.
	Plain Mode = 2
)

// String returns "conservative" or "plain".
func (m Mode) String() string {
	switch m {
	case Conservative:
		return "conservative"
	case Plain:
		return "plain"
	}

	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ErrMode reports an update rule other than Conservative and Plain.
var ErrMode = errors.New("unknown update mode")

func (m Mode) valid() bool { return m == Conservative || m == Plain }

// Sketch is a count-min sketch. Create one with New; the zero value is an
// empty sketch with no rows, on which additions do nothing and estimates
// are 0, until UnmarshalBinary fills it. The package documentation lists
// which methods may run concurrently.
type Sketch struct {
	cells  []uint64 // rows*cols counters, row-major
	rows   int
	cols   int
	mode   Mode
	shared bool // writers store atomically; see WithConcurrentReads
	seed   uint64
	hk     hashKey
}

// sketchHeaderBytes is the fixed size of a Sketch value.
const sketchHeaderBytes = int(unsafe.Sizeof(Sketch{}))

// Option configures New.
type Option func(*settings)

type settings struct {
	mode    Mode
	seed    uint64
	seedSet bool
	shared  bool
	cells   []uint64
}

// WithMode selects the update rule; the default is Conservative.
func WithMode(m Mode) Option { return func(s *settings) { s.mode = m } }

// WithSeed keys the hash with seed instead of a random one. Use it to
// rebuild a sketch compatible with a stored one, or in tests; a fixed,
// public seed gives up the protection against crafted collisions.
func WithSeed(seed uint64) Option {
	return func(s *settings) { s.seed, s.seedSet = seed, true }
}

// WithConcurrentReads lets the reader methods run on other goroutines
// while the writer counts. Writers then store counters atomically, which
// costs a locked instruction per changed counter on amd64. The package
// documentation says what overlapping readers see.
func WithConcurrentReads() Option { return func(s *settings) { s.shared = true } }

// WithCells makes the sketch count in cells, which must hold exactly
// Rows*Cols zeroed counters, instead of memory of its own: the plugin
// places the counters in C memory so that its C path can update them
// (see Raw).
func WithCells(cells []uint64) Option { return func(s *settings) { s.cells = cells } }

// New returns a zeroed sketch of the given shape. Unless WithSeed is given,
// the seed is drawn from crypto/rand, which on Linux is getrandom(2): it
// blocks only until the kernel's entropy pool is first initialized, early
// in boot, and Go ends the process only if the system has no random source
// at all. New allocates exactly shape.Cells() counters.
func New(shape Shape, opts ...Option) (*Sketch, error) {
	if err := shape.Validate(); err != nil {
		return nil, err
	}

	st := settings{mode: Conservative}
	for _, o := range opts {
		o(&st)
	}

	if !st.mode.valid() {
		return nil, fmt.Errorf("mode %d: %w", st.mode, ErrMode)
	}

	if !st.seedSet {
		var b [8]byte
		// Since Go 1.24 crypto/rand.Read always fills b and never
		// returns an error; see the doc comment for when it can block.
		_, _ = rand.Read(b[:])
		st.seed = binary.LittleEndian.Uint64(b[:])
	}

	cells := st.cells
	if cells == nil {
		cells = make([]uint64, shape.Cells())
	} else if len(cells) != shape.Cells() {
		return nil, fmt.Errorf("%d cells for a %d x %d sketch: %w", len(cells), shape.Rows, shape.Cols, ErrShape)
	}
	return &Sketch{
		cells:  cells,
		rows:   shape.Rows,
		cols:   shape.Cols,
		mode:   st.mode,
		shared: st.shared,
		seed:   st.seed,
		hk:     newHashKey(st.seed),
	}, nil
}

// Shape returns the sketch's dimensions.
func (s *Sketch) Shape() Shape { return Shape{Rows: s.rows, Cols: s.cols} }

// Seed returns the seed that keys the sketch's hash.
func (s *Sketch) Seed() uint64 { return s.seed }

// Mode returns the sketch's update rule.
func (s *Sketch) Mode() Mode { return s.mode }

// ConcurrentReads reports whether the sketch was created with
// WithConcurrentReads.
func (s *Sketch) ConcurrentReads() bool { return s.shared }

// Hash returns the hash of key under the sketch's seed, for use with the
// Hash methods of this sketch or of any sketch with the same seed. It does
// not allocate and is safe for concurrent use.
func (s *Sketch) Hash(key []byte) uint64 { return s.hk.sum(key) }

// HashString is Hash for a string key, without copying it.
func (s *Sketch) HashString(key string) uint64 {
	return s.hk.sum(unsafe.Slice(unsafe.StringData(key), len(key)))
}

// rowStep returns the step between the row positions of hash h. Row r
// reads the high bits of h + r*step, scaled to the column count by a
// multiply-shift (Lemire) instead of a modulo. The rotation makes the step
// depend on the low half of h while row 0 depends on the high half, and
// forcing it odd keeps the positions of the rows from coinciding.
func rowStep(h uint64) uint64 { return bits.RotateLeft64(h, 32) | 1 }

// col returns the column that position g selects among cols columns.
func col(g uint64, cols int) int {
	hi, _ := bits.Mul64(g, uint64(cols))
	return int(hi)
}

// satAdd returns a+b, or the largest uint64 if the sum overflows.
func satAdd(a, b uint64) uint64 {
	sum, carry := bits.Add64(a, b, 0)
	return sum | -carry
}

// store writes a counter, atomically when readers may run concurrently.
func (s *Sketch) store(p *uint64, v uint64) {
	if s.shared {
		atomic.StoreUint64(p, v)
		return
	}
	*p = v
}

// Add counts key n more times.
func (s *Sketch) Add(key []byte, n uint64) { s.AddHash(s.hk.sum(key), n) }

// AddString counts key n more times.
func (s *Sketch) AddString(key string, n uint64) { s.AddHash(s.HashString(key), n) }

// AddHash counts the key whose Hash is h n more times. Counters saturate
// at the largest uint64 instead of wrapping.
func (s *Sketch) AddHash(h, n uint64) { s.AddEstimateHash(h, n) }

// Estimate returns the estimated count of key.
func (s *Sketch) Estimate(key []byte) uint64 { return s.EstimateHash(s.hk.sum(key)) }

// EstimateString returns the estimated count of key.
func (s *Sketch) EstimateString(key string) uint64 {
	return s.EstimateHash(s.HashString(key))
}

// EstimateHash returns the estimated count of the key whose Hash is h: the
// minimum of its counters, never below the number of times it was added.
func (s *Sketch) EstimateHash(h uint64) uint64 {
	t := s.table()
	if t == nil {
		return 0
	}

	cols, stride := s.cols, uintptr(s.cols)*8
	step := rowStep(h)
	est := ^uint64(0)
	var off uintptr
	for range s.rows {
		// Atomic loads are plain MOVs on amd64; they make concurrent
		// readers race-free when the writer stores atomically.
		est = min(est, atomic.LoadUint64(cell(t, off, col(h, cols))))
		h += step
		off += stride
	}

	return est
}

// AddEstimate counts key n more times and returns its new estimate.
func (s *Sketch) AddEstimate(key []byte, n uint64) uint64 {
	return s.AddEstimateHash(s.hk.sum(key), n)
}

// AddEstimateString counts key n more times and returns its new estimate.
func (s *Sketch) AddEstimateString(key string, n uint64) uint64 {
	return s.AddEstimateHash(s.HashString(key), n)
}

// AddEstimateHash counts the key whose Hash is h n more times and returns
// its new estimate, in one pass over the counters. With n = 0 it is an
// estimate.
func (s *Sketch) AddEstimateHash(h, n uint64) uint64 {
	t := s.table()
	if t == nil {
		return 0
	}

	if s.mode == Plain {
		return s.addPlain(t, h, n)
	}

	return s.addConservative(t, h, n)
}

// table returns the address of the first counter, or nil for a Sketch
// without counters. Row r starts r*Cols counters in, and col returns less
// than Cols, so every position a hash selects is below Rows*Cols: checking
// the length once here stands for a bounds check per row in the loops,
// which the compiler cannot prove away and which cost about a tenth of an
// update at the default shape.
func (s *Sketch) table() unsafe.Pointer {
	if s.rows < 1 || s.cols < 1 || len(s.cells) < s.rows*s.cols {
		return nil
	}

	return unsafe.Pointer(unsafe.SliceData(s.cells))
}

// cell returns the counter in column c of the row that starts off bytes
// into table t. off is a whole number of rows below Rows, c is below Cols.
func cell(t unsafe.Pointer, off uintptr, c int) *uint64 {
	return (*uint64)(unsafe.Add(t, off+uintptr(c)*8))
}

func (s *Sketch) addPlain(t unsafe.Pointer, h, n uint64) uint64 {
	cols, stride := s.cols, uintptr(s.cols)*8
	step := rowStep(h)
	est := ^uint64(0)
	var off uintptr
	for range s.rows {
		p := cell(t, off, col(h, cols))
		v := satAdd(*p, n)
		s.store(p, v)
		est = min(est, v)
		h += step
		off += stride
	}

	return est
}

func (s *Sketch) addConservative(t unsafe.Pointer, h, n uint64) uint64 {
	cols, stride := s.cols, uintptr(s.cols)*8
	step := rowStep(h)

	// First pass: the current estimate. The writer's own loads need no
	// atomics: only the writer stores.
	g, off := h, uintptr(0)
	est := ^uint64(0)
	for range s.rows {
		est = min(est, *cell(t, off, col(g, cols)))
		g += step
		off += stride
	}

	next := satAdd(est, n)

	// Second pass: raise the counters below the new estimate. The
	// positions are recomputed rather than kept, so that any row count
	// works without a buffer; the lines are in cache by now.
	g, off = h, 0
	if s.shared {
		// Store only what changes: an atomic store is a locked
		// instruction on amd64.
		for range s.rows {
			if p := cell(t, off, col(g, cols)); *p < next {
				atomic.StoreUint64(p, next)
			}
			g += step
			off += stride
		}

		return next
	}

	// Which rows hold the minimum is as good as random, so a branch on
	// it mispredicts often; a conditional move and an unconditional
	// store to a line already in cache cost less.
	for range s.rows {
		p := cell(t, off, col(g, cols))
		*p = max(*p, next)
		g += step
		off += stride
	}

	return next
}

// RawKey is what Raw gives of the hash: the initial state and the lane
// secrets of Hash.
type RawKey struct {
	Start uint64
	K     [4]uint64
}

// Raw returns the counters (row-major, Rows*Cols) and the hash key, for
// code outside Go that must hash and update exactly like Hash and
// AddEstimateHash (the plugin's C path; its tests compare the two).
func (s *Sketch) Raw() ([]uint64, RawKey) {
	return s.cells, RawKey{Start: s.hk.start, K: s.hk.k}
}
