package sketch

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zeebo/xxh3"
)

// The benchmarks run at the default shape on a realistic stream: key ids
// drawn from Zipf(1.1) over a million keys, each rendered into a profile-like
// key of the benchmark's length in a buffer reused every operation, so that
// hot keys stay in cache and the long tail misses it, as in the plugin.
// Sub-benchmarks are named key=<bytes>/impl=<implementation> so benchstat
// puts the implementations side by side.

var (
	benchShape   = Shape{Rows: 7, Cols: 27183}
	benchKeyLens = []int{64, 256}
)

const (
	benchKeys   = 1 << 20 // distinct keys in the stream
	benchStream = 1 << 16 // ids drawn, replayed cyclically
	benchIDOff  = 24      // where a key's id sits in the key text
)

// benchIDs returns a replayable stream of Zipf(1.1) key ids.
func benchIDs() []uint64 {
	rng := rand.New(rand.NewPCG(11, 12))
	z := rand.NewZipf(rng, 1.1, 1, benchKeys-1)
	ids := make([]uint64, benchStream)
	for i := range ids {
		ids[i] = z.Uint64()
	}

	return ids
}

// benchKey returns an n-byte key that looks like a rendered behavior
// profile; setKeyID writes an id into it.
func benchKey(n int) []byte {
	const text = "bash sshd systemd /usr/bin/bash /etc/ld.so.cache " +
		"/lib/x86_64-linux-gnu/libc.so.6 c0ffee00d00d "
	b := make([]byte, n)
	for i := range b {
		b[i] = text[i%len(text)]
	}

	return b
}

func setKeyID(key []byte, id uint64) {
	binary.LittleEndian.PutUint64(key[benchIDOff:], id)
}

// counter is what the benchmarks drive: this package's sketch in either
// mode, or the prototype's scheme.
type counter interface {
	add(key []byte)
	estimate(key []byte) uint64
	addEstimate(key []byte) uint64
}

// ours adapts Sketch: one hash per key, as the plugin calls it.
type ours struct{ s *Sketch }

func (o ours) add(key []byte)                { o.s.AddHash(o.s.Hash(key), 1) }
func (o ours) estimate(key []byte) uint64    { return o.s.EstimateHash(o.s.Hash(key)) }
func (o ours) addEstimate(key []byte) uint64 { return o.s.AddEstimateHash(o.s.Hash(key), 1) }

// prototype is the C++ prototype's scheme, reproduced for comparison: d
// separately allocated rows, row r indexed by XXH3-64 of the whole key with
// seed r, modulo the width; plain update, minimum over the rows on estimate.
// The prototype also passes the key by value to update, estimate and the
// hash, copying it d+1 times per call, and collects the row values into a
// growing vector; Go passes the slice header without copying the bytes, so
// this reference leaves those costs out and is faster than the original.
type prototype struct {
	rows [][]uint64
	w    uint64

	// onePass selects the prototype's update_estimate (one pass, d
	// hashes) for addEstimate. The prototype plugin never calls it: it
	// updates on parse and estimates on extract, hashing 2d times per
	// event, which is what addEstimate does when onePass is false.
	onePass bool
}

func newPrototype(s Shape, onePass bool) *prototype {
	p := &prototype{rows: make([][]uint64, s.Rows), w: uint64(s.Cols), onePass: onePass}
	for r := range p.rows {
		p.rows[r] = make([]uint64, s.Cols)
	}

	return p
}

func (p *prototype) add(key []byte) {
	if len(key) == 0 {
		return
	}

	for r, row := range p.rows {
		row[xxh3.HashSeed(key, uint64(r))%p.w]++
	}
}

func (p *prototype) estimate(key []byte) uint64 {
	if len(key) == 0 {
		return 0
	}

	est := ^uint64(0)
	for r, row := range p.rows {
		est = min(est, row[xxh3.HashSeed(key, uint64(r))%p.w])
	}

	return est
}

func (p *prototype) addEstimate(key []byte) uint64 {
	if !p.onePass {
		p.add(key)
		return p.estimate(key)
	}

	if len(key) == 0 {
		return 0
	}

	est := ^uint64(0)
	for r, row := range p.rows {
		c := &row[xxh3.HashSeed(key, uint64(r))%p.w]
		*c++
		est = min(est, *c)
	}

	return est
}

// benchImpl names an implementation and builds a fresh one.
type benchImpl struct {
	name string
	make func(testing.TB) counter
}

func oursImpl(name string, opts ...Option) benchImpl {
	return benchImpl{name, func(tb testing.TB) counter {
		return ours{mustNew(tb, benchShape, append(opts, WithSeed(5))...)}
	}}
}

var (
	implConservative = oursImpl("conservative", WithMode(Conservative))
	implPlain        = oursImpl("plain", WithMode(Plain))
	implPrototype    = benchImpl{"prototype", func(testing.TB) counter {
		return newPrototype(benchShape, false)
	}}
)

// runStream runs op over the Zipf stream for every key length and
// implementation, after replaying the stream once into the sketch so that
// its pages are mapped and its counters hold realistic values.
func runStream(b *testing.B, impls []benchImpl, op func(counter, []byte) uint64) {
	ids := benchIDs()
	for _, n := range benchKeyLens {
		for _, impl := range impls {
			b.Run(fmt.Sprintf("key=%d/impl=%s", n, impl.name), func(b *testing.B) {
				c := impl.make(b)
				key := benchKey(n)
				for _, id := range ids {
					setKeyID(key, id)
					c.add(key)
				}

				b.ReportAllocs()
				b.ResetTimer()
				var sink uint64
				for i := range b.N {
					setKeyID(key, ids[i&(benchStream-1)])
					sink += op(c, key)
				}

				benchSink = sink
			})
		}
	}
}

var benchSink uint64

func BenchmarkAdd(b *testing.B) {
	impls := []benchImpl{implConservative, implPlain, implPrototype}
	runStream(b, impls, func(c counter, k []byte) uint64 { c.add(k); return 0 })
}

func BenchmarkEstimate(b *testing.B) {
	impls := []benchImpl{implConservative, implPlain, implPrototype}
	runStream(b, impls, func(c counter, k []byte) uint64 { return c.estimate(k) })
}

// BenchmarkAddEstimate is the plugin's per-event work: count the profile,
// then read its estimate. prototype is what the prototype plugin does
// (update, then estimate: 2d hashes); prototype-onepass is its unused
// one-pass update_estimate; concurrent is conservative with
// WithConcurrentReads, to show the price of atomic stores.
func BenchmarkAddEstimate(b *testing.B) {
	impls := []benchImpl{
		implConservative, implPlain, implPrototype,
		{"prototype-onepass", func(testing.TB) counter { return newPrototype(benchShape, true) }},
		oursImpl("conservative-concurrent", WithMode(Conservative), WithConcurrentReads()),
	}
	runStream(b, impls, func(c counter, k []byte) uint64 { return c.addEstimate(k) })
}

// BenchmarkHash is the key hash alone, against the unseeded and seeded
// XXH3 the prototype calls d times.
func BenchmarkHash(b *testing.B) {
	s := mustNew(b, benchShape, WithSeed(5))
	for _, n := range []int{16, 64, 256} {
		key := benchKey(max(n, benchIDOff+8))[:n]
		hashes := []struct {
			name string
			f    func([]byte) uint64
		}{
			{"sketch", s.Hash},
			{"xxh3", xxh3.Hash},
			{"xxh3-seeded", func(k []byte) uint64 { return xxh3.HashSeed(k, 3) }},
		}
		for _, h := range hashes {
			b.Run(fmt.Sprintf("key=%d/impl=%s", n, h.name), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(n))
				var sink uint64
				for i := range b.N {
					binary.LittleEndian.PutUint64(key, uint64(i))
					sink += h.f(key)
				}

				benchSink = sink
			})
		}
	}
}

// filledSketch returns a default-shape sketch after the benchmark stream.
func filledSketch(b *testing.B, opts ...Option) *Sketch {
	s := mustNew(b, benchShape, append(opts, WithSeed(5))...)
	key := benchKey(64)
	for _, id := range benchIDs() {
		setKeyID(key, id)
		s.Add(key, 1)
	}

	return s
}

// The maintenance operations scan the whole table; they run on timers or
// on demand, not per event, and are measured for scale. Each runs on its
// own sketch filled by the benchmark stream; Halve restores the counters
// before each call, outside the timer, so it never works on a zeroed
// table.
func BenchmarkMaintenance(b *testing.B) {
	filled := filledSketch(b, WithMode(Plain))
	enc, err := filled.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}

	ops := []struct {
		name string
		f    func(*testing.B, *Sketch)
	}{
		{"Halve", func(b *testing.B, s *Sketch) {
			b.StopTimer()
			copy(s.cells, filled.cells)
			b.StartTimer()
			s.Halve()
		}},
		{"Merge", func(b *testing.B, s *Sketch) {
			if err := s.Merge(filled); err != nil {
				b.Fatal(err)
			}
		}},
		{"FillRatio", func(_ *testing.B, s *Sketch) { benchSink += uint64(s.FillRatio()) }},
		{"Reset", func(_ *testing.B, s *Sketch) { s.Reset() }},
		{"Clone", func(_ *testing.B, s *Sketch) { benchSink += uint64(len(s.Clone().cells)) }},
		{"AppendBinary", func(b *testing.B, s *Sketch) {
			if _, err := s.AppendBinary(enc[:0]); err != nil {
				b.Fatal(err)
			}
		}},
		{"UnmarshalBinary", func(b *testing.B, s *Sketch) {
			if err := s.UnmarshalBinary(enc); err != nil {
				b.Fatal(err)
			}
		}},
	}
	for _, op := range ops {
		b.Run("op="+op.name, func(b *testing.B) {
			s := filled.Clone()
			enc = append(enc[:0], mustMarshal(b, filled)...)
			b.ReportAllocs()
			b.SetBytes(int64(8 * benchShape.Cells()))
			b.ResetTimer()
			for range b.N {
				op.f(b, s)
			}
		})
	}
}
