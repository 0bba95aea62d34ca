package sketch

import (
	"errors"
	"math"
	"runtime"
	"testing"
)

var modes = []Mode{Conservative, Plain}

func mustNew(t testing.TB, shape Shape, opts ...Option) *Sketch {
	t.Helper()
	s, err := New(shape, opts...)
	if err != nil {
		t.Fatal(err)
	}

	return s
}

func TestNewOptions(t *testing.T) {
	s := mustNew(t, Shape{3, 100})
	if s.Mode() != Conservative || s.ConcurrentReads() {
		t.Errorf("defaults: mode %v, concurrent %v", s.Mode(), s.ConcurrentReads())
	}

	if s.Shape() != (Shape{3, 100}) {
		t.Errorf("Shape = %v", s.Shape())
	}

	s = mustNew(t, Shape{3, 100}, WithMode(Plain), WithSeed(42), WithConcurrentReads())
	if s.Mode() != Plain || s.Seed() != 42 || !s.ConcurrentReads() {
		t.Errorf("options: mode %v, seed %d, concurrent %v",
			s.Mode(), s.Seed(), s.ConcurrentReads())
	}

	if _, err := New(Shape{3, 100}, WithMode(0)); !errors.Is(err, ErrMode) {
		t.Errorf("mode 0: %v", err)
	}

	if _, err := New(Shape{3, 100}, WithMode(3)); !errors.Is(err, ErrMode) {
		t.Errorf("mode 3: %v", err)
	}

	if _, err := New(Shape{0, 100}); !errors.Is(err, ErrShape) {
		t.Errorf("0 rows: %v", err)
	}
}

// Each sketch gets its own random seed, and the seed changes the hash.
func TestRandomSeed(t *testing.T) {
	a, b := mustNew(t, Shape{1, 8}), mustNew(t, Shape{1, 8})
	if a.Seed() == b.Seed() {
		t.Fatalf("two sketches share seed %#x", a.Seed())
	}

	if a.HashString("x") == b.HashString("x") {
		t.Errorf("different seeds, same hash")
	}

	c := mustNew(t, Shape{1, 8}, WithSeed(a.Seed()))
	if a.HashString("x") != c.HashString("x") {
		t.Errorf("same seed, different hash")
	}
}

func TestCountExact(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := mustNew(t, Shape{7, 27183}, WithMode(m))
			if got := s.EstimateString("never added"); got != 0 {
				t.Errorf("unseen key: %d", got)
			}

			s.AddString("a", 1)
			s.Add([]byte("a"), 2)
			if got := s.AddEstimateString("a", 0); got != 3 {
				t.Errorf("a after 3: %d", got)
			}

			if got := s.AddEstimate([]byte("b"), 5); got != 5 {
				t.Errorf("AddEstimate b 5 = %d", got)
			}

			h := s.HashString("c")
			s.AddHash(h, 4)
			if got := s.AddEstimateHash(h, 1); got != 5 {
				t.Errorf("AddEstimateHash c = %d", got)
			}

			if got, want := s.Estimate([]byte("c")), s.EstimateHash(h); got != want || got != 5 {
				t.Errorf("Estimate c = %d, EstimateHash = %d, want 5", got, want)
			}

			if got := s.EstimateString(""); got != 0 {
				t.Errorf("empty key: %d", got)
			}

			s.AddString("", 2)
			if got := s.EstimateString(""); got != 2 {
				t.Errorf("empty key after 2: %d", got)
			}
		})
	}
}

func TestHashStringMatchesBytes(t *testing.T) {
	s := mustNew(t, Shape{1, 8})
	for n := range 300 {
		k := goldenKey(n)
		if s.Hash(k) != s.HashString(string(k)) {
			t.Fatalf("len %d: Hash and HashString differ", n)
		}
	}
}

// The conservative rule raises only the rows at the minimum, and to the new
// estimate; the plain rule adds to every row.
func TestUpdateRules(t *testing.T) {
	for _, m := range modes {
		s := mustNew(t, Shape{4, 1}, WithMode(m))
		// With one column, every key shares every row's only counter.
		s.cells[1] = 10
		s.cells[3] = 4
		got := s.AddEstimateString("k", 3)
		var want []uint64
		if m == Plain {
			want = []uint64{3, 13, 3, 7}
		} else {
			want = []uint64{3, 10, 3, 4}
		}

		if got != 3 {
			t.Errorf("%v: estimate %d, want 3", m, got)
		}

		for i := range want {
			if s.cells[i] != want[i] {
				t.Errorf("%v: cells %v, want %v", m, s.cells, want)
				break
			}
		}
	}
}

func TestSaturation(t *testing.T) {
	const top = math.MaxUint64
	for _, m := range modes {
		s := mustNew(t, Shape{3, 50}, WithMode(m))
		h := s.HashString("k")
		s.AddHash(h, top-1)
		if got := s.AddEstimateHash(h, 5); got != top {
			t.Errorf("%v: %d, want saturation at max", m, got)
		}

		s.AddHash(h, top)
		if got := s.EstimateHash(h); got != top {
			t.Errorf("%v: wrapped to %d", m, got)
		}

		if err := s.Merge(s); err != nil {
			t.Fatal(err)
		}

		if got := s.EstimateHash(h); got != top {
			t.Errorf("%v: merge wrapped to %d", m, got)
		}
	}
}

// A zero Sketch is empty: it counts nothing and estimates 0, and cannot be
// encoded, but never panics.
func TestZeroSketch(t *testing.T) {
	var s Sketch
	s.AddString("a", 1)
	if got := s.AddEstimateString("a", 1); got != 0 {
		t.Errorf("AddEstimate = %d", got)
	}

	if got := s.EstimateString("a"); got != 0 {
		t.Errorf("Estimate = %d", got)
	}

	if got := s.FillRatio(); got != 0 {
		t.Errorf("FillRatio = %v", got)
	}

	s.Reset()
	s.Halve()
	_ = s.Clone()
	if _, err := s.MarshalBinary(); !errors.Is(err, ErrShape) {
		t.Errorf("MarshalBinary: %v", err)
	}
}

// The event path checks the counter array against the shape once, instead
// of a bounds check per row: a Sketch whose fields disagree (which only
// this package could build) counts nothing and estimates 0, and never
// reads or writes outside its counters.
func TestInconsistentSketchIsEmpty(t *testing.T) {
	broken := []*Sketch{
		{rows: 3, cols: 5, cells: make([]uint64, 14), mode: Plain},
		{rows: 3, cols: 5, cells: make([]uint64, 14), mode: Conservative},
		{rows: 2, cols: 0, cells: make([]uint64, 4), mode: Plain},
		{rows: 0, cols: 4, cells: make([]uint64, 4), mode: Plain},
		{rows: -1, cols: -4, cells: make([]uint64, 4), mode: Plain},
	}
	for i, s := range broken {
		h := s.HashString("k")
		if got := s.AddEstimateHash(h, 3); got != 0 {
			t.Errorf("sketch %d: AddEstimateHash = %d", i, got)
		}

		if got := s.EstimateHash(h); got != 0 {
			t.Errorf("sketch %d: EstimateHash = %d", i, got)
		}

		for j, v := range s.cells {
			if v != 0 {
				t.Errorf("sketch %d: counter %d written", i, j)
			}
		}
	}
}

func TestResetHalve(t *testing.T) {
	for _, shared := range []bool{false, true} {
		opts := []Option{WithMode(Plain), WithSeed(1)}
		if shared {
			opts = append(opts, WithConcurrentReads())
		}

		s := mustNew(t, Shape{3, 64}, opts...)
		for i := range 500 {
			s.AddString(string(rune('a'+i%40)), uint64(i))
		}

		before := append([]uint64(nil), s.cells...)
		s.Halve()
		for i, v := range s.cells {
			if v != before[i]/2 {
				t.Fatalf("shared %v: cell %d: %d halved to %d", shared, i, before[i], v)
			}
		}

		s.Reset()
		for i, v := range s.cells {
			if v != 0 {
				t.Fatalf("shared %v: cell %d is %d after Reset", shared, i, v)
			}
		}
	}
}

func TestCloneIndependent(t *testing.T) {
	for _, shared := range []bool{false, true} {
		opts := []Option{WithMode(Plain)}
		if shared {
			opts = append(opts, WithConcurrentReads())
		}

		s := mustNew(t, Shape{4, 100}, opts...)
		s.AddString("a", 7)
		c := s.Clone()
		if c.Seed() != s.Seed() || c.Mode() != s.Mode() || c.Shape() != s.Shape() ||
			c.ConcurrentReads() != shared {
			t.Fatalf("clone differs in settings")
		}

		c.AddString("a", 1)
		if s.EstimateString("a") != 7 || c.EstimateString("a") != 8 {
			t.Errorf("clone shares counters: %d %d", s.EstimateString("a"), c.EstimateString("a"))
		}
	}
}

func TestMergeChecks(t *testing.T) {
	a := mustNew(t, Shape{3, 100}, WithSeed(1))
	tests := []struct {
		name  string
		other *Sketch
	}{
		{"rows", mustNew(t, Shape{4, 100}, WithSeed(1))},
		{"cols", mustNew(t, Shape{3, 101}, WithSeed(1))},
		{"seed", mustNew(t, Shape{3, 100}, WithSeed(2))},
	}
	tests = append(tests, struct {
		name  string
		other *Sketch
	}{"nil", nil})
	for _, tt := range tests {
		if err := a.Merge(tt.other); !errors.Is(err, ErrIncompatible) {
			t.Errorf("%s differ: %v", tt.name, err)
		}
	}

	// A different mode merges: the result is still an upper bound.
	b := mustNew(t, Shape{3, 100}, WithSeed(1), WithMode(Plain))
	b.AddString("x", 3)
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}

	if got := a.EstimateString("x"); got != 3 {
		t.Errorf("merged estimate %d", got)
	}

	if err := a.Merge(a); err != nil || a.EstimateString("x") != 6 {
		t.Errorf("self merge: %v, %d", err, a.EstimateString("x"))
	}
}

func TestFillRatio(t *testing.T) {
	s := mustNew(t, Shape{4, 1000}, WithMode(Plain))
	if got := s.FillRatio(); got != 0 {
		t.Errorf("empty: %v", got)
	}

	// One key sets exactly one counter per row.
	s.AddString("k", 1)
	if got, want := s.FillRatio(), 4.0/4000; got != want {
		t.Errorf("one key: %v, want %v", got, want)
	}

	for i := range 100000 {
		s.AddString(string(rune(i)), 1)
	}

	if got := s.FillRatio(); got < 0.99 {
		t.Errorf("100000 keys in 4000 cells: %v", got)
	}
}

// memOverhead bounds what New allocates besides the counters, whatever the
// shape: the Sketch value, and the allocator's rounding of a large counter
// array up to whole 8 KiB pages.
const memOverhead = uint64(sketchHeaderBytes + 8<<10)

// New allocates the counters and a constant: its heap cost is rows x cols x
// 8 bytes plus at most memOverhead, for small and large shapes alike.
func TestMemory(t *testing.T) {
	shapes := []Shape{{1, 1}, {3, 100}, {7, 27183}, {10, 27183}, {7, 271829}}
	for _, shape := range shapes {
		for _, m := range modes {
			before := totalAlloc()
			s := mustNew(t, shape, WithMode(m))
			got := totalAlloc() - before

			if cap(s.cells) != shape.Cells() {
				t.Errorf("%v: room for %d counters, want %d", shape, cap(s.cells), shape.Cells())
			}

			counters := uint64(8 * shape.Cells())
			if got < counters || got-counters > memOverhead {
				t.Errorf("%v %v: New allocated %d bytes: %d of counters plus %d, limit %d",
					shape, m, got, counters, int64(got)-int64(counters), memOverhead)
			}

			t.Logf("%v: %d bytes = %d of counters + %d", shape, got, counters, got-counters)
			runtime.KeepAlive(s)
		}
	}
}

func TestNoAllocations(t *testing.T) {
	key := []byte("c0ffee/bin/bash/usr/sbin/sshd/pid42")
	skey := string(key)
	for _, m := range modes {
		for _, shared := range []bool{false, true} {
			opts := []Option{WithMode(m)}
			if shared {
				opts = append(opts, WithConcurrentReads())
			}

			s := mustNew(t, Shape{7, 27183}, opts...)
			h := s.Hash(key)
			ops := map[string]func(){
				"Hash":              func() { s.Hash(key) },
				"HashString":        func() { s.HashString(skey) },
				"Add":               func() { s.Add(key, 1) },
				"AddString":         func() { s.AddString(skey, 1) },
				"AddHash":           func() { s.AddHash(h, 1) },
				"Estimate":          func() { s.Estimate(key) },
				"EstimateString":    func() { s.EstimateString(skey) },
				"EstimateHash":      func() { s.EstimateHash(h) },
				"AddEstimate":       func() { s.AddEstimate(key, 1) },
				"AddEstimateString": func() { s.AddEstimateString(skey, 1) },
				"AddEstimateHash":   func() { s.AddEstimateHash(h, 1) },
			}
			for name, op := range ops {
				if n := testing.AllocsPerRun(100, op); n != 0 {
					t.Errorf("%v shared=%v %s: %v allocs", m, shared, name, n)
				}
			}
		}
	}
}

// TestWithCells: a sketch counts in the memory it is given, which must
// fit its shape, and Raw exposes that memory and the hash key.
func TestWithCells(t *testing.T) {
	shape := Shape{Rows: 3, Cols: 50}
	cells := make([]uint64, shape.Cells())
	s, err := New(shape, WithSeed(7), WithCells(cells))
	if err != nil {
		t.Fatal(err)
	}
	s.Add([]byte("key"), 5)
	var sum uint64
	for _, c := range cells {
		sum += c
	}
	if sum != 15 {
		t.Errorf("the given cells hold %d, want 3 rows x 5", sum)
	}
	raw, key := s.Raw()
	if &raw[0] != &cells[0] || key != (RawKey{Start: s.hk.start, K: s.hk.k}) {
		t.Errorf("Raw does not give the sketch's own cells and key")
	}
	if _, err := New(shape, WithCells(make([]uint64, 10))); !errors.Is(err, ErrShape) {
		t.Errorf("10 cells for a 3 x 50 sketch: %v, want ErrShape", err)
	}
}
