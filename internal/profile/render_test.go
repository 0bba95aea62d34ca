package profile

import "testing"

func TestReplaceZero(t *testing.T) {
	for n := 0; n < 40; n++ {
		for z := 0; z < n; z += 3 {
			b := make([]byte, n)
			want := make([]byte, n)
			for i := range b {
				b[i], want[i] = 'a'+byte(i%26), 'a'+byte(i%26)
				if i%7 == z%7 {
					b[i], want[i] = 0, ' '
				}
			}
			// A 0x80 byte next to a zero must not confuse the 8-byte test.
			if n > 1 {
				b[n-1], want[n-1] = 0x80, 0x80
			}
			replaceZero(b, ' ')
			if string(b) != string(want) {
				t.Fatalf("n=%d z=%d: %q, want %q", n, z, b, want)
			}
		}
	}
}

// TestReplaceZeroAnyBytes compares the word-at-a-time replacement with a
// byte loop on inputs made of the bytes that could fool a zero-byte test
// (0x00, 0x01, 0x7f, 0x80, 0x81, 0xff) and a few others, for two
// separators.
func TestReplaceZeroAnyBytes(t *testing.T) {
	tricky := []byte{0, 0, 1, 0x7f, 0x80, 0x81, 0xff, 'a', ' ', 0x20}
	state := uint32(1)
	next := func() uint32 { // xorshift: reproducible, no import
		state ^= state << 13
		state ^= state >> 17
		state ^= state << 5
		return state
	}
	for round := 0; round < 2000; round++ {
		n := int(next() % 70)
		b := make([]byte, n)
		for i := range b {
			b[i] = tricky[next()%uint32(len(tricky))]
		}
		for _, sep := range []byte{' ', '|'} {
			got := append([]byte(nil), b...)
			want := append([]byte(nil), b...)
			for i := range want {
				if want[i] == 0 {
					want[i] = sep
				}
			}
			replaceZero(got, sep)
			if string(got) != string(want) {
				t.Fatalf("% x with %q: % x, want % x", b, sep, got, want)
			}
		}
	}
}
