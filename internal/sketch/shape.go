package sketch

import (
	"errors"
	"fmt"
	"math"
)

// Limits on the shape of a sketch. They bound what New allocates and what
// UnmarshalBinary accepts, whatever a configuration or an encoding says.
const (
	// MaxRows is the largest row count. Rows are hash functions; 64 rows
	// stand for an error probability of e^-64, about 1.6e-28, far past any
	// useful setting (the default is 7).
	MaxRows = 64

	// MaxCells is the largest rows x cols product: 1<<28 counters, that is
	// 2 GiB of memory. The default shape 7 x 27183 uses 190281 counters.
	MaxCells = 1 << 28
)

// ErrShape reports dimensions or error targets that do not describe a valid
// sketch.
var ErrShape = errors.New("invalid sketch shape")

// Shape is the dimensions of a sketch: Rows hash rows of Cols counters.
type Shape struct {
	Rows int
	Cols int
}

// ShapeFor returns the shape meeting the error targets the way the C++
// prototype computes it: Rows = ceil(ln(1/gamma)) and Cols = ceil(e/eps).
// With those, an estimate exceeds the true count by more than eps*N with
// probability at most gamma, N being the sum of all additions. gamma and
// eps must be finite and strictly between 0 and 1, and the resulting shape
// must be within MaxRows and MaxCells. For example gamma 0.001 and eps
// 0.0001 give 7 x 27183.
func ShapeFor(gamma, eps float64) (Shape, error) {
	if !(gamma > 0 && gamma < 1) {
		return Shape{}, fmt.Errorf("gamma %v: must be in (0,1): %w", gamma, ErrShape)
	}

	if !(eps > 0 && eps < 1) {
		return Shape{}, fmt.Errorf("eps %v: must be in (0,1): %w", eps, ErrShape)
	}

	// Both quotients are positive; 1/gamma is +Inf only for subnormal
	// gamma, which the MaxRows check rejects. The comparisons happen on
	// the floats, before any conversion to int could overflow.
	rows := math.Ceil(math.Log(1 / gamma))
	if rows > MaxRows {
		return Shape{}, fmt.Errorf("gamma %v: needs %v rows, limit %d: %w",
			gamma, rows, MaxRows, ErrShape)
	}

	cols := math.Ceil(math.E / eps)
	if cols > MaxCells {
		return Shape{}, fmt.Errorf("eps %v: needs %v columns, limit %d cells: %w",
			eps, cols, MaxCells, ErrShape)
	}

	s := Shape{Rows: int(rows), Cols: int(cols)}
	if err := s.Validate(); err != nil {
		return Shape{}, fmt.Errorf("gamma %v, eps %v: %w", gamma, eps, err)
	}

	return s, nil
}

// Validate reports whether the shape is usable: at least one row and one
// column, at most MaxRows rows and at most MaxCells counters.
func (s Shape) Validate() error {
	if s.Rows < 1 || s.Rows > MaxRows {
		return fmt.Errorf("rows %d: must be in [1,%d]: %w", s.Rows, MaxRows, ErrShape)
	}

	// Dividing avoids overflowing the product.
	if s.Cols < 1 || s.Cols > MaxCells/s.Rows {
		return fmt.Errorf("%d x %d: must have 1 to %d cells: %w",
			s.Rows, s.Cols, MaxCells, ErrShape)
	}

	return nil
}

// Cells returns the number of counters, Rows*Cols. It is meaningful only
// for a shape that passes Validate, whose product cannot overflow.
func (s Shape) Cells() int { return s.Rows * s.Cols }

// SizeBytes returns the memory a sketch of this shape holds: 8 bytes per
// counter plus the fixed size of the Sketch value. It does not count the
// allocator's rounding of a large counter array up to whole pages (under
// 8 KiB). Like Cells, it is meaningful only for a valid shape.
func (s Shape) SizeBytes() int { return s.Cells()*8 + sketchHeaderBytes }

// Gamma returns the error probability the row count stands for, e^-Rows.
func (s Shape) Gamma() float64 { return math.Exp(-float64(s.Rows)) }

// Eps returns the relative error the column count stands for, e/Cols.
func (s Shape) Eps() float64 { return math.E / float64(s.Cols) }

// String returns the shape as "rows x cols".
func (s Shape) String() string { return fmt.Sprintf("%d x %d", s.Rows, s.Cols) }
