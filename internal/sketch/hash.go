package sketch

import (
	"encoding/binary"
	"math/bits"
)

// hashKey is the secret material of the keyed hash, derived from the seed
// once per sketch so that hashing pays nothing per call for the seed.
//
// The hash follows the structure of wyhash (Wang Yi, final version 4): it
// folds 16-byte pairs of input words with a 64x64->128-bit multiply whose
// halves are xored ("mum"), in three independent lanes for long inputs, and
// ends with two more multiplies. Unlike wyhash, every secret word comes
// from the seed rather than from public constants, so that an input cannot
// be chosen to cancel a secret word and zero a product without knowing the
// seed. The output is not bit-compatible with wyhash. It is part of the
// encoding format: changing it, or the row derivation in rowStep, requires
// a new format version.
type hashKey struct {
	start uint64    // initial state
	k     [4]uint64 // per-lane secrets
}

// newHashKey expands seed into hash secrets with splitmix64 (Steele, Lea
// and Flood), whose output is a bijection of its counter: distinct seeds
// give distinct first words.
func newHashKey(seed uint64) hashKey {
	var hk hashKey
	x := seed
	for i := range hk.k {
		hk.k[i] = splitmix(&x)
	}

	hk.start = mum(seed^hk.k[0], splitmix(&x))

	return hk
}

// splitmix advances the splitmix64 counter at x and returns its output.
func splitmix(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb

	return z ^ z>>31
}

// mum multiplies a and b to 128 bits and folds the halves with xor.
func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func le64(p []byte) uint64 { return binary.LittleEndian.Uint64(p) }
func le32(p []byte) uint64 { return uint64(binary.LittleEndian.Uint32(p)) }

// sum hashes p. It reads p and never retains or changes it.
func (hk *hashKey) sum(p []byte) uint64 {
	n := len(p)
	st := hk.start

	var a, b uint64
	switch {
	case n > 16:
		q := p
		if len(q) > 48 {
			l1, l2 := st, st
			for len(q) > 48 {
				st = mum(le64(q)^hk.k[1], le64(q[8:])^st)
				l1 = mum(le64(q[16:])^hk.k[2], le64(q[24:])^l1)
				l2 = mum(le64(q[32:])^hk.k[3], le64(q[40:])^l2)
				q = q[48:]
			}
			st ^= l1 ^ l2
		}

		for len(q) > 16 {
			st = mum(le64(q)^hk.k[1], le64(q[8:])^st)
			q = q[16:]
		}

		// The last 16 bytes, overlapping what the loops read.
		a = le64(p[n-16:])
		b = le64(p[n-8:])

	case n >= 4:
		// Two overlapping 4-byte reads from each end cover 4..16 bytes.
		off := (n >> 3) << 2
		a = le32(p)<<32 | le32(p[off:])
		b = le32(p[n-4:])<<32 | le32(p[n-4-off:])

	case n > 0:
		a = uint64(p[0])<<16 | uint64(p[n>>1])<<8 | uint64(p[n-1])
	}

	hi, lo := bits.Mul64(a^hk.k[1], b^st)

	return mum(lo^hk.k[0]^uint64(n), hi^hk.k[1])
}
