package sketch

import (
	"errors"
	"math"
	"testing"
)

func TestShapeFor(t *testing.T) {
	tests := []struct {
		gamma, eps float64
		want       Shape
	}{
		// The prototype's README default and its second documented row.
		{0.001, 0.0001, Shape{7, 27183}},
		{0.01, 0.001, Shape{5, 2719}},
		{0.5, 0.5, Shape{1, 6}},
		{0.9999, 0.9999, Shape{1, 3}},
		{1e-9, 0.01, Shape{21, 272}},
		// e^-64 needs exactly MaxRows rows.
		{math.Exp(-63.5), 0.1, Shape{64, 28}},
	}
	for _, tt := range tests {
		got, err := ShapeFor(tt.gamma, tt.eps)
		if err != nil {
			t.Errorf("ShapeFor(%v, %v): %v", tt.gamma, tt.eps, err)
			continue
		}

		if got != tt.want {
			t.Errorf("ShapeFor(%v, %v) = %v, want %v", tt.gamma, tt.eps, got, tt.want)
		}

		if got.Gamma() > tt.gamma || got.Eps() > tt.eps {
			t.Errorf("%v stands for gamma %v eps %v, looser than asked (%v, %v)",
				got, got.Gamma(), got.Eps(), tt.gamma, tt.eps)
		}
	}
}

func TestShapeForRejects(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name       string
		gamma, eps float64
	}{
		{"gamma zero", 0, 0.01},
		{"gamma one", 1, 0.01},
		{"gamma above one", 1.5, 0.01},
		{"gamma negative", -0.1, 0.01},
		{"gamma NaN", nan, 0.01},
		{"gamma +Inf", inf, 0.01},
		{"gamma -Inf", -inf, 0.01},
		{"gamma subnormal", math.SmallestNonzeroFloat64, 0.01},
		{"gamma needs 65 rows", math.Exp(-64.5), 0.01},
		{"eps zero", 0.01, 0},
		{"eps one", 0.01, 1},
		{"eps negative", 0.01, -1e-3},
		{"eps NaN", 0.01, nan},
		{"eps +Inf", 0.01, inf},
		{"eps too small for MaxCells", 0.01, 1e-9},
		{"eps tiny", 0.01, 1e-300},
		{"product over MaxCells", 1e-9, 1e-7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ShapeFor(tt.gamma, tt.eps)
			if !errors.Is(err, ErrShape) {
				t.Fatalf("ShapeFor(%v, %v) = %v, %v; want ErrShape", tt.gamma, tt.eps, s, err)
			}
		})
	}
}

// The prototype's test checks that the reverse computation rounds back to
// the same shape; the shapes here are the documented ones and every row
// count. One or two columns stand for eps >= 1, outside ShapeFor's domain.
func TestShapeReverse(t *testing.T) {
	shapes := []Shape{{7, 27183}, {5, 2719}, {1, 3}, {3, 1 << 20}}
	for r := 1; r <= MaxRows; r++ {
		shapes = append(shapes, Shape{r, 1000})
	}

	for _, s := range shapes {
		got, err := ShapeFor(s.Gamma(), s.Eps())
		if err != nil {
			t.Errorf("%v: reverse: %v", s, err)
			continue
		}

		if got != s {
			t.Errorf("%v -> gamma %v eps %v -> %v", s, s.Gamma(), s.Eps(), got)
		}
	}
}

func TestShapeValidate(t *testing.T) {
	tests := []struct {
		s  Shape
		ok bool
	}{
		{Shape{1, 1}, true},
		{Shape{7, 27183}, true},
		{Shape{MaxRows, MaxCells / MaxRows}, true},
		{Shape{1, MaxCells}, true},
		{Shape{0, 10}, false},
		{Shape{10, 0}, false},
		{Shape{-1, 10}, false},
		{Shape{10, -1}, false},
		{Shape{MaxRows + 1, 1}, false},
		{Shape{1, MaxCells + 1}, false},
		{Shape{2, MaxCells/2 + 1}, false},
		{Shape{1 << 40, 1 << 40}, false},
		{Shape{3, math.MaxInt}, false},
	}
	for _, tt := range tests {
		err := tt.s.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%v.Validate() = %v, want ok=%v", tt.s, err, tt.ok)
		}

		if err != nil && !errors.Is(err, ErrShape) {
			t.Errorf("%v.Validate() = %v, not ErrShape", tt.s, err)
		}
	}
}

func TestShapeSize(t *testing.T) {
	s := Shape{7, 27183}
	if got, want := s.Cells(), 190281; got != want {
		t.Errorf("Cells = %d, want %d", got, want)
	}

	// 1,522,248 bytes of counters, the prototype's figure, plus the
	// fixed Sketch value.
	if got, want := s.SizeBytes(), 1522248+sketchHeaderBytes; got != want {
		t.Errorf("SizeBytes = %d, want %d", got, want)
	}

	if got := s.String(); got != "7 x 27183" {
		t.Errorf("String = %q", got)
	}
}
