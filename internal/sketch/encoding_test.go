package sketch

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
)

// smallSketch returns a sketch with a few keys counted, for encoding tests.
func smallSketch(t testing.TB, shape Shape, opts ...Option) *Sketch {
	t.Helper()
	s := mustNew(t, shape, opts...)
	for i, k := range []string{"", "a", "bash sshd", "c0ffee /etc/passwd"} {
		s.AddString(k, uint64(i+1))
	}

	return s
}

func mustMarshal(t testing.TB, s *Sketch) []byte {
	t.Helper()
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}

	return b
}

// The layout is the one documented in encoding.go, field by field, with an
// independently computed checksum.
func TestEncodingLayout(t *testing.T) {
	s := mustNew(t, Shape{2, 3}, WithMode(Plain), WithSeed(0x0807060504030201))
	for i := range s.cells {
		s.cells[i] = uint64(i+1) << 56
	}

	got := mustMarshal(t, s)

	want := []byte{'C', 'M', 'S', 'K', 1, 2, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0,
		1, 2, 3, 4, 5, 6, 7, 8}
	for i := range s.cells {
		want = append(want, 0, 0, 0, 0, 0, 0, 0, byte(i+1))
	}

	sum := crc32.Checksum(want, crc32.MakeTable(crc32.Castagnoli))
	want = binary.LittleEndian.AppendUint32(want, sum)
	if !bytes.Equal(got, want) {
		t.Errorf("encoding\n got %x\nwant %x", got, want)
	}

	if len(got) != s.EncodedSize() {
		t.Errorf("EncodedSize %d, encoding is %d bytes", s.EncodedSize(), len(got))
	}
}

// The hash and the row derivation are part of format version 1: counters
// stored by one build are only meaningful to another that places keys in
// the same columns. These vectors pin both; a change that breaks them
// needs a new format version, not new vectors.
func TestFormatV1Positions(t *testing.T) {
	s := mustNew(t, Shape{7, 27183}, WithSeed(1))
	vectors := []struct {
		key  string
		hash uint64
		cols []int
	}{
		{"", 0xe7b120887e911d1a, []int{24601, 10858, 24297, 10553, 23993, 10249, 23688}},
		{"a", 0x2dc42b85ea47eeac, []int{4859, 2553, 247, 25124, 22817, 20511, 18205}},
		{"bash sshd", 0x17083a3d3ec927a8, []int{2445, 9112, 15779, 22446, 1929, 8596, 15263}},
		{"c0ffee00/bin/bash/usr/sbin/sshd/pid42tty0/etc/ld.so.cache/" +
			"lib/x86_64-linux-gnu/libc.so.6",
			0xdb462d1b537500b4, []int{23283, 4962, 13823, 22685, 4364, 13226, 22087}},
	}
	for _, v := range vectors {
		h := s.HashString(v.key)
		pos := s.positions(h)
		if h != v.hash || !equalInts(pos, v.cols) {
			t.Errorf("%q: hash %#x columns %v, format v1 has %#x %v",
				v.key, h, pos, v.hash, v.cols)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}

	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}

	return true
}

func TestRoundTrip(t *testing.T) {
	shapes := []Shape{{1, 1}, {1, 7}, {3, 100}, {7, 27183}}
	for _, shape := range shapes {
		for _, m := range modes {
			s := smallSketch(t, shape, WithMode(m))
			enc := mustMarshal(t, s)

			var d Sketch
			if err := d.UnmarshalBinary(enc); err != nil {
				t.Fatalf("%v %v: %v", shape, m, err)
			}

			assertSame(t, s, &d)
			if d.EstimateString("bash sshd") != s.EstimateString("bash sshd") {
				t.Errorf("%v %v: estimates differ after decoding", shape, m)
			}
		}
	}
}

// assertSame fails unless a and b have the same settings and counters.
func assertSame(t testing.TB, a, b *Sketch) {
	t.Helper()
	if a.Shape() != b.Shape() || a.Seed() != b.Seed() || a.Mode() != b.Mode() {
		t.Fatalf("decoded %v seed %#x %v, encoded %v seed %#x %v",
			b.Shape(), b.Seed(), b.Mode(), a.Shape(), a.Seed(), a.Mode())
	}

	if len(a.cells) != len(b.cells) {
		t.Fatalf("decoded %d counters, encoded %d", len(b.cells), len(a.cells))
	}

	for i := range a.cells {
		if a.cells[i] != b.cells[i] {
			t.Fatalf("counter %d: decoded %d, encoded %d", i, b.cells[i], a.cells[i])
		}
	}

	if a.hk != b.hk {
		t.Fatalf("hash secrets differ for the same seed")
	}
}

// AppendBinary appends after what b holds, and does not allocate when b
// has room.
func TestAppendBinary(t *testing.T) {
	s := smallSketch(t, Shape{3, 50})
	buf := append(make([]byte, 0, 3+s.EncodedSize()), "abc"...)
	out, err := s.AppendBinary(buf)
	if err != nil {
		t.Fatal(err)
	}

	if string(out[:3]) != "abc" || !bytes.Equal(out[3:], mustMarshal(t, s)) {
		t.Errorf("AppendBinary did not append the encoding")
	}

	allocs := testing.AllocsPerRun(20, func() {
		if _, err := s.AppendBinary(buf[:0]); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("AppendBinary into a large enough buffer: %v allocations", allocs)
	}
}

// corrupt returns a copy of b changed by f, with the checksum recomputed
// when fix is set, so that the header checks are reached.
func corrupt(b []byte, fix bool, f func([]byte) []byte) []byte {
	c := f(append([]byte(nil), b...))
	if fix && len(c) >= headerLen+trailerLen {
		end := len(c) - trailerLen
		binary.LittleEndian.PutUint32(c[end:], crc32.Checksum(c[:end], castagnoli))
	}

	return c
}

func put32(off int, v uint32) func([]byte) []byte {
	return func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off:], v); return b }
}

func setByte(off int, v byte) func([]byte) []byte {
	return func(b []byte) []byte { b[off] = v; return b }
}

func TestUnmarshalRejects(t *testing.T) {
	good := mustMarshal(t, smallSketch(t, Shape{3, 5}, WithMode(Plain)))
	tests := []struct {
		name string
		data []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"magic only", []byte("CMSK")},
		{"JSON", []byte(`{"rows":3,"cols":5,"counters":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}`)},
		{"gzip", append([]byte{0x1f, 0x8b, 8, 0}, make([]byte, 140)...)},
		{"bad magic", corrupt(good, true, setByte(0, 'X'))},
		{"version 0", corrupt(good, true, setByte(4, 0))},
		{"version 2", corrupt(good, true, setByte(4, 2))},
		{"mode 0", corrupt(good, true, setByte(5, 0))},
		{"mode 3", corrupt(good, true, setByte(5, 3))},
		{"reserved", corrupt(good, true, setByte(7, 1))},
		{"rows 0", corrupt(good, true, put32(8, 0))},
		{"cols 0", corrupt(good, true, put32(12, 0))},
		{"rows over MaxRows", corrupt(good, true, put32(8, MaxRows+1))},
		{"rows 2^32-1", corrupt(good, true, put32(8, math.MaxUint32))},
		{"cols 2^32-1", corrupt(good, true, put32(12, math.MaxUint32))},
		{"cells over MaxCells", corrupt(good, true, func(b []byte) []byte {
			put32(8, MaxRows)(b)
			return put32(12, MaxCells/MaxRows+1)(b)
		})},
		{"shape larger than data", corrupt(good, true, put32(12, 6))},
		{"shape smaller than data", corrupt(good, true, put32(12, 4))},
		{"extra byte", corrupt(good, true, func(b []byte) []byte {
			return append(b[:len(b)-trailerLen], 0, 0, 0, 0, 0)
		})},
		{"counter changed", corrupt(good, false, setByte(headerLen+9, 0xff))},
		{"seed changed", corrupt(good, false, setByte(17, 0xff))},
		{"checksum changed", corrupt(good, false, setByte(len(good)-1, good[len(good)-1]^1))},
		{"two encodings", append(append([]byte(nil), good...), good...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRejected(t, tt.data)
		})
	}
}

// assertRejected fails unless decoding data into a sketch fails with
// ErrFormat and leaves the sketch as it was.
func assertRejected(t *testing.T, data []byte) {
	t.Helper()
	s := smallSketch(t, Shape{2, 9}, WithSeed(77))
	before := s.Clone()
	err := s.UnmarshalBinary(data)
	if !errors.Is(err, ErrFormat) {
		t.Fatalf("UnmarshalBinary(%d bytes) = %v, want ErrFormat", len(data), err)
	}

	assertSame(t, before, s)
}

// Every truncation and every single-bit change of a valid encoding is
// rejected: the header checks or the CRC-32C, which detects all single-bit
// errors, catch each one.
func TestUnmarshalRejectsEveryDamage(t *testing.T) {
	good := mustMarshal(t, smallSketch(t, Shape{2, 4}))
	for n := range len(good) {
		assertRejected(t, good[:n])
	}

	for i := range 8 * len(good) {
		bad := append([]byte(nil), good...)
		bad[i/8] ^= 1 << (i % 8)
		var s Sketch
		if err := s.UnmarshalBinary(bad); !errors.Is(err, ErrFormat) {
			t.Fatalf("bit %d flipped: %v", i, err)
		}
	}

	if err := new(Sketch).UnmarshalBinary(good); err != nil {
		t.Fatalf("the undamaged encoding: %v", err)
	}
}

// totalAlloc returns the bytes allocated on the heap so far, exactly: it
// stops the world to flush the allocation caches, so it is for unit tests,
// not for fuzzing.
func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	return ms.TotalAlloc
}

// largeAllocs returns how many large objects (over 32 KiB) were allocated
// so far. The runtime counts those at once and reads the count without
// stopping the world, so it is cheap enough to call on every fuzz input;
// small objects are counted lazily and would make a byte count unreliable.
func largeAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs-by-size:bytes"}}
	metrics.Read(s)
	h := s[0].Value.Float64Histogram()

	var n uint64
	for i, c := range h.Counts {
		if h.Buckets[i] >= 32<<10 {
			n += c
		}
	}

	return n
}

// allocSlack covers the small objects of an error value and the rounding of
// a large object to whole pages; a counter array of the default shape is
// 1.5 MB, and one of the largest shapes declared below 2 GiB.
const allocSlack = 16 << 10

// hostileHeader returns a valid header declaring rows x cols, followed by
// body zero bytes and a checksum of it all: the length is the only lie.
func hostileHeader(rows, cols uint32, body int) []byte {
	b := make([]byte, headerLen+body+trailerLen)
	copy(b, magic[:])
	b[4], b[5] = formatVersion, byte(Plain)
	binary.LittleEndian.PutUint32(b[8:], rows)
	binary.LittleEndian.PutUint32(b[12:], cols)

	return corrupt(b, true, func(b []byte) []byte { return b })
}

// An encoding that declares a huge shape but does not carry its counters
// costs no memory: the length and checksum are checked before anything is
// allocated. A valid one allocates its counters and a constant.
func TestUnmarshalAllocBound(t *testing.T) {
	hostile := [][]byte{
		hostileHeader(MaxRows, MaxCells/MaxRows, 0),
		hostileHeader(1, MaxCells, 1<<12),
		hostileHeader(7, 27183, 8*7*27183-1),
	}
	for i, data := range hostile {
		var s Sketch
		before := totalAlloc()
		err := s.UnmarshalBinary(data)
		got := totalAlloc() - before
		if err == nil {
			t.Fatalf("hostile %d decoded", i)
		}

		if got > allocSlack {
			t.Errorf("hostile %d: allocated %d bytes to reject it", i, got)
		}
	}

	enc := mustMarshal(t, smallSketch(t, Shape{7, 27183}))
	var s Sketch
	before := totalAlloc()
	if err := s.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}

	if got, max := totalAlloc()-before, uint64(8*7*27183+allocSlack); got > max {
		t.Errorf("decoding 7 x 27183 allocated %d bytes, want at most %d", got, max)
	}

	runtime.KeepAlive(&s)
}

// Decoding into a sketch whose counters are large enough reuses them, and
// keeps its WithConcurrentReads setting.
func TestUnmarshalReuses(t *testing.T) {
	enc := mustMarshal(t, smallSketch(t, Shape{3, 40}, WithMode(Plain)))
	dst := mustNew(t, Shape{4, 40}, WithConcurrentReads())
	backing := &dst.cells[0]
	if err := dst.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}

	if &dst.cells[0] != backing || !dst.ConcurrentReads() || dst.Mode() != Plain {
		t.Errorf("reused %v, concurrent %v, mode %v",
			&dst.cells[0] == backing, dst.ConcurrentReads(), dst.Mode())
	}

	allocs := testing.AllocsPerRun(20, func() {
		if err := dst.UnmarshalBinary(enc); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("decoding into room: %v allocations", allocs)
	}
}

// The hand-written entries of FuzzUnmarshal's corpus are what their names
// say: valid-* decode, hostile-* are rejected. This keeps the corpus honest
// about the paths it covers.
func TestUnmarshalCorpusNames(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzUnmarshal")
	for _, prefix := range []string{"valid-", "hostile-"} {
		names, err := filepath.Glob(filepath.Join(dir, prefix+"*"))
		if err != nil || len(names) == 0 {
			t.Fatalf("no %s* entries in %s: %v", prefix, dir, err)
		}

		for _, name := range names {
			raw, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}

			lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
			lit, ok := strings.CutPrefix(lines[len(lines)-1], "[]byte(")
			data, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
			if !ok || err != nil {
				t.Fatalf("%s: not a []byte entry: %v", name, err)
			}

			err = new(Sketch).UnmarshalBinary([]byte(data))
			if (err == nil) != (prefix == "valid-") {
				t.Errorf("%s: UnmarshalBinary = %v", name, err)
			}
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []*Sketch{
		smallSketch(f, Shape{1, 1}, WithSeed(1)),
		smallSketch(f, Shape{2, 3}, WithMode(Plain), WithSeed(2)),
		smallSketch(f, Shape{3, 16}, WithSeed(3)),
	} {
		enc := mustMarshal(f, s)
		f.Add(enc)
		f.Add(enc[:len(enc)-1])
		f.Add(enc[:headerLen])
	}

	f.Add([]byte("CMSK"))
	f.Add([]byte{})
	f.Add(hostileHeader(MaxRows, MaxCells/MaxRows, 0))
	f.Add(hostileHeader(7, 27183, 1<<10))

	f.Fuzz(func(t *testing.T, data []byte) {
		s := smallSketch(t, Shape{2, 9}, WithSeed(77))
		before, storage := s.Clone(), &s.cells[0]

		large := largeAllocs()
		err := s.UnmarshalBinary(data)
		large = largeAllocs() - large

		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}

			// The count is process-wide: measure a second time before
			// blaming the decoder, so that no other goroutine's
			// allocation can fail the input.
			if large != 0 {
				large = largeAllocs()
				_ = s.UnmarshalBinary(data)
				if large = largeAllocs() - large; large != 0 {
					t.Fatalf("%d large allocations to reject %d bytes", large, len(data))
				}
			}

			assertSame(t, before, s)
			return
		}

		// Accepted: the input is exactly this sketch's encoding, and the
		// counters were decoded in place or into one new array of exactly
		// the declared size, which the input carries.
		if 8*len(s.cells) != len(data)-headerLen-trailerLen {
			t.Fatalf("%d counters from %d bytes", len(s.cells), len(data))
		}

		if &s.cells[0] != storage && (large > 1 || cap(s.cells) != len(s.cells)) {
			t.Fatalf("%d large allocations, room for %d counters for %d",
				large, cap(s.cells), len(s.cells))
		}

		if !bytes.Equal(mustMarshal(t, s), data) {
			t.Fatalf("accepted input does not re-encode to itself")
		}
	})
}

// FuzzRoundTrip counts fuzzer-chosen keys with fuzzer-chosen counts into a
// small sketch, encodes it and decodes it: the result is the same sketch,
// it re-encodes to the same bytes, and every key's estimate is unchanged
// and at least its exact (saturating) count.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(0), uint16(0), uint8(0), uint64(0), []byte{})
	f.Add(uint8(6), uint16(271), uint8(1), uint64(42), []byte("\x03abc\x01x\xffhot\x00"))
	f.Add(uint8(2), uint16(8), uint8(2), uint64(1<<63), []byte("\xff\xff\xfe\x07saturate"))
	f.Add(uint8(63), uint16(3), uint8(3), uint64(7), bytes.Repeat([]byte("\x05k"), 40))

	f.Fuzz(func(t *testing.T, rows uint8, cols uint16, flags uint8, seed uint64, ops []byte) {
		shape := Shape{Rows: 1 + int(rows)%MaxRows, Cols: 1 + int(cols)%512}
		opts := []Option{WithSeed(seed), WithMode(Conservative)}
		if flags&1 != 0 {
			opts[1] = WithMode(Plain)
		}

		if flags&2 != 0 {
			opts = append(opts, WithConcurrentReads())
		}

		s := mustNew(t, shape, opts...)
		exact := map[string]uint64{}
		for len(ops) > 0 {
			// An op is a count byte, then a key of up to 15 bytes whose
			// length is the count byte's low bits. 0xff counts near the
			// top of uint64, to reach saturation.
			n := uint64(ops[0])
			if n == 0xff {
				n = math.MaxUint64 - 3
			}

			k := min(int(ops[0]&15), len(ops)-1)
			key := string(ops[1 : 1+k])
			ops = ops[1+k:]
			s.AddString(key, n)
			exact[key] = satAdd(exact[key], n)
		}

		enc := mustMarshal(t, s)
		var d Sketch
		if err := d.UnmarshalBinary(enc); err != nil {
			t.Fatalf("decode: %v", err)
		}

		assertSame(t, s, &d)
		if !bytes.Equal(mustMarshal(t, &d), enc) {
			t.Fatalf("re-encoding differs")
		}

		for key, want := range exact {
			got := d.EstimateString(key)
			if got != s.EstimateString(key) || got < want {
				t.Fatalf("key %q: decoded %d, original %d, exact %d",
					key, got, s.EstimateString(key), want)
			}
		}
	})
}
