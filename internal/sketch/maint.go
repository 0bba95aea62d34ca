package sketch

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// ErrIncompatible reports a merge of sketches whose shapes or seeds differ.
var ErrIncompatible = errors.New("incompatible sketches")

// Reset sets every counter to zero. It is a writer method.
func (s *Sketch) Reset() {
	if !s.shared {
		clear(s.cells)
		return
	}

	for i := range s.cells {
		atomic.StoreUint64(&s.cells[i], 0)
	}
}

// Halve divides every counter by two, rounding down: a decay step that
// ages old counts. Estimates stay at or above half the true count, rounded
// down. It is a writer method.
func (s *Sketch) Halve() {
	cells := s.cells
	if !s.shared {
		for i, v := range cells {
			cells[i] = v >> 1
		}

		return
	}

	// Atomic stores are locked instructions: skip the counters that stay.
	for i, v := range cells {
		if v != 0 {
			atomic.StoreUint64(&cells[i], v>>1)
		}
	}
}

// Merge adds the counters of other to those of s, saturating, so that s
// counts both streams. The sketches must have the same shape and seed; s
// keeps its update rule. In Plain mode the result equals the sketch of the
// concatenated streams; in Conservative mode it is an upper bound that
// still never underestimates. Merge is a writer method on s and a reader
// method on other; other may be s itself, which doubles every counter. A
// nil other is an error.
func (s *Sketch) Merge(other *Sketch) error {
	if other == nil {
		return fmt.Errorf("merge: nil sketch: %w", ErrIncompatible)
	}

	if s.rows != other.rows || s.cols != other.cols {
		return fmt.Errorf("merge %v into %v: shapes differ: %w",
			other.Shape(), s.Shape(), ErrIncompatible)
	}

	if s.seed != other.seed {
		return fmt.Errorf("merge: seeds differ: %w", ErrIncompatible)
	}

	dst := s.cells
	src := other.cells[:len(dst)]
	if !s.shared {
		for i := range src {
			dst[i] = satAdd(dst[i], atomic.LoadUint64(&src[i]))
		}

		return nil
	}

	for i := range src {
		if add := atomic.LoadUint64(&src[i]); add != 0 {
			atomic.StoreUint64(&dst[i], satAdd(dst[i], add))
		}
	}

	return nil
}

// Clone returns an independent copy of s, with the same seed, mode and
// concurrency setting. It is a reader method: taken on the writer's
// goroutine it is a consistent snapshot that another goroutine may encode
// while counting goes on.
func (s *Sketch) Clone() *Sketch {
	c := *s
	c.cells = make([]uint64, len(s.cells))
	if !s.shared {
		copy(c.cells, s.cells)
		return &c
	}

	for i := range c.cells {
		c.cells[i] = atomic.LoadUint64(&s.cells[i])
	}

	return &c
}

// FillRatio returns the share of counters that are not zero, from 0 to 1.
// Near 1 the sketch is saturated: most keys collide with others in every
// row, and rare keys no longer look rare. A sketch with no cells reports
// 0. It is a reader method and scans every counter.
func (s *Sketch) FillRatio() float64 {
	if len(s.cells) == 0 {
		return 0
	}

	cells := s.cells
	zero := 0
	for i := range cells {
		zero += int(1 - min(atomic.LoadUint64(&cells[i]), 1))
	}

	used := len(cells) - zero

	return float64(used) / float64(len(s.cells))
}
