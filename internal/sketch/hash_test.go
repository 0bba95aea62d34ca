package sketch

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// goldenKey returns n bytes of a fixed pattern.
func goldenKey(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 1)
	}

	return b
}

// profileKey renders key number i the way a behavior profile looks: long
// shared text, differing in a few digits.
func profileKey(b []byte, i int) []byte {
	b = append(b[:0], "c0ffee00/bin/bash/usr/sbin/sshd/"...)
	return fmt.Appendf(b, "pid%dtty0", i)
}

func TestHashDeterministic(t *testing.T) {
	a, b := newHashKey(1), newHashKey(1)
	c := newHashKey(2)
	for n := range 300 {
		k := goldenKey(n)
		if a.sum(k) != b.sum(k) {
			t.Fatalf("len %d: same seed, different hashes", n)
		}

		if a.sum(k) == c.sum(k) {
			t.Errorf("len %d: seeds 1 and 2 give the same hash %#x", n, a.sum(k))
		}
	}
}

// Every bit of every byte must reach the output: flipping it changes the
// hash, for every length the read paths distinguish.
func TestHashReadsEveryByte(t *testing.T) {
	hk := newHashKey(7)
	for n := 1; n <= 300; n++ {
		k := goldenKey(n)
		base := hk.sum(k)
		for i := range n {
			for bit := range 8 {
				k[i] ^= 1 << bit
				if hk.sum(k) == base {
					t.Fatalf("len %d: flipping byte %d bit %d leaves the hash unchanged", n, i, bit)
				}
				k[i] ^= 1 << bit
			}
		}
	}
}

func TestHashLengthMatters(t *testing.T) {
	hk := newHashKey(7)
	seen := map[uint64]int{}
	zeros := make([]byte, 300)
	for n := range zeros {
		h := hk.sum(zeros[:n])
		if m, dup := seen[h]; dup {
			t.Fatalf("%d and %d zero bytes hash alike", m, n)
		}
		seen[h] = n
	}
}

// Flipping one input bit must flip each output bit with probability 1/2.
// With 400 samples per (input bit, output bit) pair the standard deviation
// of the observed rate is 0.025; the bound of 0.16 is over 6 of them, so a
// sound hash fails it with probability below 1e-5 over all pairs, while a
// weak final mix (or a lane that skips a multiply) lands far outside it.
func TestHashAvalanche(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}

	const samples = 400
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{3, 8, 13, 24, 64, 200} {
		hk := newHashKey(rng.Uint64())
		flips := make([][64]int, 8*n)
		k := make([]byte, n)
		for range samples {
			for i := range k {
				k[i] = byte(rng.Uint32())
			}

			base := hk.sum(k)
			for in := range 8 * n {
				k[in/8] ^= 1 << (in % 8)
				diff := hk.sum(k) ^ base
				k[in/8] ^= 1 << (in % 8)
				for out := range 64 {
					flips[in][out] += int(diff >> out & 1)
				}
			}
		}

		worst := 0.0
		for in := range flips {
			for out := range 64 {
				worst = max(worst, math.Abs(float64(flips[in][out])/samples-0.5))
			}
		}

		if worst > 0.16 {
			t.Errorf("len %d: worst bias %.3f", n, worst)
		}
	}
}

// chiSquare returns the chi-square statistic of counts against a uniform
// expectation.
func chiSquare(counts []int, total int) float64 {
	exp := float64(total) / float64(len(counts))
	var x float64
	for _, c := range counts {
		d := float64(c) - exp
		x += d * d / exp
	}

	return x
}

// chiLimit is a one-sided bound on a chi-square with df degrees of freedom,
// mean df and variance 2*df: 6 standard deviations above the mean.
func chiLimit(df int) float64 { return float64(df) + 6*math.Sqrt(2*float64(df)) }

// Keys that differ in a few digits must spread evenly over the columns of
// every row, and the column of one row must tell nothing about another:
// the joint histogram of two rows' columns is uniform too. Rows derived
// from one hash would fail the second check first.
func TestRowPositionsUniformAndIndependent(t *testing.T) {
	const (
		cols = 61 // not a power of two, as the default 27183
		keys = 400000
	)

	s, err := New(Shape{Rows: 7, Cols: cols}, WithSeed(3))
	if err != nil {
		t.Fatal(err)
	}

	var single [7][cols]int
	pairs := [][2]int{{0, 1}, {0, 6}, {2, 3}, {5, 6}}
	joint := make([][]int, len(pairs))
	for i := range joint {
		joint[i] = make([]int, cols*cols)
	}

	var buf []byte
	for i := range keys {
		buf = profileKey(buf, i)
		pos := s.positions(s.Hash(buf))
		for r, c := range pos {
			single[r][c]++
		}

		for j, p := range pairs {
			joint[j][pos[p[0]]*cols+pos[p[1]]]++
		}
	}

	for r := range single {
		if x := chiSquare(single[r][:], keys); x > chiLimit(cols-1) {
			t.Errorf("row %d: chi-square %.0f over %d columns, limit %.0f",
				r, x, cols, chiLimit(cols-1))
		}
	}

	for j, p := range pairs {
		if x := chiSquare(joint[j], keys); x > chiLimit(cols*cols-1) {
			t.Errorf("rows %d,%d: joint chi-square %.0f, limit %.0f",
				p[0], p[1], x, chiLimit(cols*cols-1))
		}
	}
}

// positions returns the column each row uses for hash h.
func (s *Sketch) positions(h uint64) []int {
	pos := make([]int, s.rows)
	step := rowStep(h)
	for r := range pos {
		pos[r] = col(h, s.cols)
		h += step
	}

	return pos
}

func TestColRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, cols := range []int{1, 2, 3, 27183, MaxCells, math.MaxInt32} {
		for _, g := range []uint64{0, 1, math.MaxUint64, 1 << 63} {
			if c := col(g, cols); c < 0 || c >= cols {
				t.Fatalf("col(%#x, %d) = %d", g, cols, c)
			}
		}

		for range 1000 {
			if c := col(rng.Uint64(), cols); c < 0 || c >= cols {
				t.Fatalf("col out of range: %d of %d", c, cols)
			}
		}
	}
}

func TestRowStepOdd(t *testing.T) {
	for _, h := range []uint64{0, 1, 2, 1 << 32, math.MaxUint64} {
		if rowStep(h)&1 == 0 {
			t.Errorf("rowStep(%#x) is even", h)
		}
	}
}

func TestSplitmixDistinctSeeds(t *testing.T) {
	seen := map[uint64]uint64{}
	for seed := range uint64(1 << 12) {
		k := newHashKey(seed).k[0]
		if other, dup := seen[k]; dup {
			t.Fatalf("seeds %d and %d share a secret", other, seed)
		}
		seen[k] = seed

		if c := bits.OnesCount64(k); c < 8 || c > 56 {
			t.Logf("seed %d: secret word with %d bits set", seed, c)
		}
	}
}
