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
