package sketch

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The property tests replay synthetic streams into sketches and compare
// every key's estimate with its exact count. Streams and seeds are fixed, so
// a run is reproducible; the statistical claims hold over the choice of
// seed, and the bounds below are set so that a correct sketch passes them
// with a wide margin for any seed.

// stream is a sequence of additions over the key ids 0..keys-1.
type stream struct {
	name   string
	keys   int
	ids    []uint32
	counts []uint64 // the count added with each id; nil means all 1
}

// total returns N, the sum of every count in the stream.
func (st *stream) total() uint64 {
	if st.counts == nil {
		return uint64(len(st.ids))
	}

	var n uint64
	for _, c := range st.counts {
		n += c
	}

	return n
}

// count returns the count of the i-th addition.
func (st *stream) count(i int) uint64 {
	if st.counts == nil {
		return 1
	}

	return st.counts[i]
}

// truth returns the exact count of every key.
func (st *stream) truth() []uint64 {
	t := make([]uint64, st.keys)
	for i, id := range st.ids {
		t[id] += st.count(i)
	}

	return t
}

// zipfStream draws n ids from Zipf(1.1) over keys ids: a few keys are most
// of the stream, as the profiles of a busy host are.
func zipfStream(keys, n int, seed uint64) stream {
	rng := rand.New(rand.NewPCG(seed, 1))
	z := rand.NewZipf(rng, 1.1, 1, uint64(keys-1))
	st := stream{name: fmt.Sprintf("zipf/keys=%d", keys), keys: keys, ids: make([]uint32, n)}
	for i := range st.ids {
		st.ids[i] = uint32(z.Uint64())
	}

	return st
}

// uniformStream draws n ids uniformly over keys ids, each added with a
// count from 1 to maxCount.
func uniformStream(keys, n int, maxCount uint64, seed uint64) stream {
	rng := rand.New(rand.NewPCG(seed, 2))
	st := stream{
		name: fmt.Sprintf("uniform/keys=%d/count<=%d", keys, maxCount),
		keys: keys,
		ids:  make([]uint32, n),
	}
	if maxCount > 1 {
		st.counts = make([]uint64, n)
	}

	for i := range st.ids {
		st.ids[i] = uint32(rng.IntN(keys))
		if st.counts != nil {
			st.counts[i] = 1 + rng.Uint64N(maxCount)
		}
	}

	return st
}

// keyHashes returns the hash of every key id of st under s's seed. Keys
// are rendered like behavior profiles.
func keyHashes(s *Sketch, keys int) []uint64 {
	hs := make([]uint64, keys)
	var buf []byte
	for id := range hs {
		buf = profileKey(buf, id)
		hs[id] = s.Hash(buf)
	}

	return hs
}

// replay adds the additions ids[from:to] of st to s.
func replay(s *Sketch, st *stream, hs []uint64, from, to int) {
	for i := from; i < to; i++ {
		s.AddHash(hs[st.ids[i]], st.count(i))
	}
}

// propCase is a sketch shape with a stream sized for it: N is 40 events per
// column and the stream has one or four keys per column, from the regime
// where most keys have a counter to themselves to one where every counter
// is shared.
type propCase struct {
	gamma, eps float64
	shape      Shape
	st         stream
}

func (c propCase) String() string { return c.shape.String() + "/" + c.st.name }

// propCases returns the cases of the property tests.
func propCases(t testing.TB) []propCase {
	t.Helper()
	var cases []propCase
	targets := [][2]float64{{0.1, 0.01}, {0.05, 0.005}, {0.02, 0.002}, {0.001, 0.001}}
	for i, ge := range targets {
		shape, err := ShapeFor(ge[0], ge[1])
		if err != nil {
			t.Fatal(err)
		}

		w := shape.Cols
		seed := uint64(100 * i)
		for _, st := range []stream{
			zipfStream(w, 40*w, seed+1),
			zipfStream(4*w, 40*w, seed+2),
			uniformStream(w, 40*w, 1, seed+3),
			uniformStream(4*w, 20*w, 3, seed+4),
		} {
			cases = append(cases, propCase{ge[0], ge[1], shape, st})
		}
	}

	return cases
}

// Whatever the stream, the update rule and the load, no estimate is below
// the key's exact count, nor above N.
func TestNeverUnderestimates(t *testing.T) {
	for ci, c := range propCases(t) {
		for _, m := range modes {
			t.Run(fmt.Sprintf("%v/%v", c, m), func(t *testing.T) {
				s := mustNew(t, c.shape, WithMode(m), WithSeed(uint64(ci)))
				hs := keyHashes(s, c.st.keys)
				replay(s, &c.st, hs, 0, len(c.st.ids))
				n := c.st.total()
				for id, want := range c.st.truth() {
					got := s.EstimateHash(hs[id])
					if got < want || got > n {
						t.Fatalf("key %d: estimate %d, exact %d, N %d", id, got, want, n)
					}
				}
			})
		}
	}
}

// overShare returns the share of the stream's distinct keys whose estimate
// in s exceeds the exact count by more than eps*N.
func overShare(s *Sketch, st *stream, hs []uint64, eps float64) (share float64, distinct int) {
	limit := eps * float64(st.total())
	over := 0
	for id, want := range st.truth() {
		if want == 0 {
			continue
		}

		distinct++
		if float64(s.EstimateHash(hs[id])-want) > limit {
			over++
		}
	}

	return float64(over) / float64(distinct), distinct
}

// errorTolerance is the slack allowed over gamma for the share of keys
// whose over-count exceeds eps*N. The count-min theorem bounds each key's
// probability of exceeding by gamma; over K distinct keys the number that
// exceed is then at most a binomial(K, gamma) count, and the slack is four
// of its standard deviations, sqrt(gamma*(1-gamma)/K), so that a correct
// sketch fails on fluctuation alone with probability below 1e-4. Keys are
// not quite independent (they share counters), but the theorem's Markov
// bound is loose by orders of magnitude here: the measured shares are 0 or
// a key or two, far inside the bound.
func errorTolerance(gamma float64, distinct int) float64 {
	return gamma + 4*math.Sqrt(gamma*(1-gamma)/float64(distinct))
}

// An estimate exceeds the exact count by more than eps*N for a share of
// keys below gamma (the count-min guarantee), for both update rules.
func TestErrorBound(t *testing.T) {
	for ci, c := range propCases(t) {
		for _, m := range modes {
			t.Run(fmt.Sprintf("%v/%v", c, m), func(t *testing.T) {
				s := mustNew(t, c.shape, WithMode(m), WithSeed(uint64(ci)))
				hs := keyHashes(s, c.st.keys)
				replay(s, &c.st, hs, 0, len(c.st.ids))

				share, distinct := overShare(s, &c.st, hs, c.eps)
				tol := errorTolerance(c.gamma, distinct)
				if share > tol {
					t.Errorf("%.4f of %d keys over eps*N, gamma %v, allowed %.4f",
						share, distinct, c.gamma, tol)
				}

				t.Logf("%.5f of %d keys over eps*N (allowed %.4f)", share, distinct, tol)
			})
		}
	}
}

// The error bound test can fail: d rows that picked the same column would
// be no better than one row, and one row of the same width exceeds eps*N
// for far more than gamma of the keys on the same streams. This guards the
// row derivation, which the bound depends on.
func TestErrorBoundDetectsDependentRows(t *testing.T) {
	for ci, c := range propCases(t) {
		if c.shape.Rows < 4 || c.st.counts != nil {
			continue // the gap is widest with more rows
		}

		t.Run(c.String(), func(t *testing.T) {
			one := mustNew(t, Shape{Rows: 1, Cols: c.shape.Cols},
				WithMode(Plain), WithSeed(uint64(ci)))
			hs := keyHashes(one, c.st.keys)
			replay(one, &c.st, hs, 0, len(c.st.ids))

			share, distinct := overShare(one, &c.st, hs, c.eps)
			if tol := errorTolerance(c.gamma, distinct); share <= tol {
				t.Errorf("one row: %.4f of %d keys over eps*N, within %.4f: "+
					"the bound would not see dependent rows", share, distinct, tol)
			}
		})
	}
}

// Conservative update never gives a higher estimate than plain update for
// the same stream, shape and seed: by induction, each of its counters stays
// at or below the plain sketch's. On the skewed streams it is strictly
// lower on average.
func TestConservativeNeverWorse(t *testing.T) {
	for ci, c := range propCases(t) {
		t.Run(c.String(), func(t *testing.T) {
			cons := mustNew(t, c.shape, WithMode(Conservative), WithSeed(uint64(ci)))
			plain := mustNew(t, c.shape, WithMode(Plain), WithSeed(uint64(ci)))
			hs := keyHashes(cons, c.st.keys)
			replay(cons, &c.st, hs, 0, len(c.st.ids))
			replay(plain, &c.st, hs, 0, len(c.st.ids))

			for i, v := range cons.cells {
				if v > plain.cells[i] {
					t.Fatalf("cell %d: conservative %d > plain %d", i, v, plain.cells[i])
				}
			}

			var overC, overP uint64
			for id, want := range c.st.truth() {
				ec, ep := cons.EstimateHash(hs[id]), plain.EstimateHash(hs[id])
				if ec > ep {
					t.Fatalf("key %d: conservative %d > plain %d", id, ec, ep)
				}

				overC += ec - want
				overP += ep - want
			}

			if overP > 0 && overC >= overP {
				t.Errorf("total over-count: conservative %d, plain %d", overC, overP)
			}

			t.Logf("total over-count: conservative %d, plain %d", overC, overP)
		})
	}
}

// Merging the plain sketches of two parts of a stream gives exactly the
// plain sketch of the whole stream, counter for counter and byte for byte;
// merging conservative sketches gives estimates between the exact counts
// and the plain sketch's.
func TestMergeEqualsConcatenation(t *testing.T) {
	for ci, c := range propCases(t) {
		t.Run(c.String(), func(t *testing.T) {
			seed := uint64(ci)
			cut := len(c.st.ids) / 3
			parts := func(m Mode) (whole, merged *Sketch, hs []uint64) {
				whole = mustNew(t, c.shape, WithMode(m), WithSeed(seed))
				a := mustNew(t, c.shape, WithMode(m), WithSeed(seed))
				b := mustNew(t, c.shape, WithMode(m), WithSeed(seed))
				hs = keyHashes(whole, c.st.keys)
				replay(whole, &c.st, hs, 0, len(c.st.ids))
				replay(a, &c.st, hs, 0, cut)
				replay(b, &c.st, hs, cut, len(c.st.ids))
				if err := a.Merge(b); err != nil {
					t.Fatal(err)
				}

				return whole, a, hs
			}

			whole, merged, hs := parts(Plain)
			we, err := whole.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}

			me, err := merged.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}

			if string(we) != string(me) {
				t.Fatalf("plain: merged sketch differs from the whole stream's")
			}

			_, mergedC, _ := parts(Conservative)
			for id, want := range c.st.truth() {
				got := mergedC.EstimateHash(hs[id])
				if got < want || got > whole.EstimateHash(hs[id]) {
					t.Fatalf("conservative merge, key %d: %d, exact %d, plain %d",
						id, got, want, whole.EstimateHash(hs[id]))
				}
			}
		})
	}
}

// After Halve every estimate is at least half the exact count, rounded
// down, since every counter was at least the exact count.
func TestHalveLowerBound(t *testing.T) {
	c := propCases(t)[2]
	for _, m := range modes {
		s := mustNew(t, c.shape, WithMode(m), WithSeed(3))
		hs := keyHashes(s, c.st.keys)
		replay(s, &c.st, hs, 0, len(c.st.ids))
		s.Halve()
		for id, want := range c.st.truth() {
			if got := s.EstimateHash(hs[id]); got < want/2 {
				t.Fatalf("%v: key %d: %d after Halve, exact %d", m, id, got, want)
			}
		}
	}
}
