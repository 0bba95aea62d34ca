package abi

// Hosts without the args and env sub-tables (API < 3.5) get the lists from
// execve events, stored per thread in the plugin's own string fields. A
// host string ends at the first NUL, so the NUL-terminated items are
// stored after a marker byte, with this escape: each item ends with 0x01; a 0x01 or 0x02 byte
// inside an item becomes 0x02 followed by 0x03 or 0x04.

const (
	listEnd    = 0x01
	listEscape = 0x02
	// listMarker starts every stored list, so that an empty list ("L")
	// differs from a thread the plugin never stored one for ("").
	listMarker = 'L'
)

// EncodedLen returns the length EncodeList produces for items.
func EncodedLen(items []byte) int {
	n := len(items)
	for _, c := range items {
		if c == listEnd || c == listEscape {
			n++
		}
	}
	return n
}

// EncodeList appends the encoding of items (NUL-terminated entries back to
// back) to dst.
func EncodeList(dst, items []byte) []byte {
	for _, c := range items {
		switch c {
		case 0:
			dst = append(dst, listEnd)
		case listEnd:
			dst = append(dst, listEscape, 0x03)
		case listEscape:
			dst = append(dst, listEscape, 0x04)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// DecodeList appends the NUL-terminated items encoded in enc to dst. A
// malformed escape decodes as the escape byte itself and an unterminated
// last item is terminated, so any input yields a well-formed list.
func DecodeList(dst []byte, enc string) []byte {
	start := len(dst)
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		switch {
		case c == listEnd:
			dst = append(dst, 0)
		case c == listEscape && i+1 < len(enc) && enc[i+1] == 0x03:
			dst = append(dst, listEnd)
			i++
		case c == listEscape && i+1 < len(enc) && enc[i+1] == 0x04:
			dst = append(dst, listEscape)
			i++
		default:
			dst = append(dst, c)
		}
	}
	if len(dst) > start && dst[len(dst)-1] != 0 {
		dst = append(dst, 0)
	}
	return dst
}
