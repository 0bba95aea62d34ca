package profile

import "bytes"

// This file reproduces how libsinsp builds and cleans the file names that
// the fd fields render. Every function appends to dst and allocates
// nothing beyond growing it.

// maxPath is libsinsp's path buffer size (SCAP_MAX_PATH_SIZE). A directory
// and a name whose lengths add up to maxPath or more do not fit with their
// terminating NUL, and libsinsp renders pathTooLong in their place.
const maxPath = 1024

// pathTooLong is what libsinsp renders for a joined path that does not fit
// in maxPath.
const pathTooLong = "/DIR_TOO_LONG/FILENAME_TOO_LONG"

// replacementChar is U+FFFD in UTF-8, which libsinsp writes in place of
// each byte sequence it cannot print.
const replacementChar = "\xef\xbf\xbd"

// byteString is a string or a byte slice: names come from the host table
// as strings and from event parameters as bytes.
type byteString interface{ ~string | ~[]byte }

// appendJoinPath appends the path libsinsp's concatenate_paths builds from
// dir and name, as an fd name renders it:
//
//   - an absolute or empty name ignores dir;
//   - otherwise dir is copied as it is (libsinsp expects it to end with '/'
//     and adds none: "/srv" and "x" give "/srvx"), then name;
//   - in name, "." components are dropped, ".." removes the component
//     before it (possibly one of dir's; never the leading '/'), runs of '/'
//     collapse, and a trailing '/' is removed;
//   - bytes that do not form printable UTF-8 become U+FFFD, in dir as well
//     (the fd fields sanitise the whole name when they render it);
//   - when len(dir)+len(name)+1 exceeds maxPath the result is pathTooLong.
//
// With dirSlash set, a '/' is appended to dir first, as libsinsp does for
// the directory an openat dirfd names (unless that name is empty or
// already ends with '/').
func appendJoinPath[D, N byteString](dst []byte, dir D, dirSlash bool, name N) []byte {
	dlen := len(dir)
	if dirSlash {
		dlen++
	}
	if dlen+len(name)+1 > maxPath {
		return append(dst, pathTooLong...)
	}

	base := len(dst)
	rooted := len(name) == 0 || name[0] == '/'
	if !rooted {
		dst = appendSanitized(dst, dir)
		if dirSlash {
			dst = append(dst, '/')
		}
	}
	emptyBase := len(dst) == base

	dst = appendCleanPath(dst, base, emptyBase, name)
	if n := len(dst); n > base+1 && dst[n-1] == '/' {
		dst = dst[:n-1]
	}
	return dst
}

// appendCleanPath appends name to dst, resolving "." and ".." against
// what dst holds from base on, collapsing '/' runs and replacing bytes
// that are not printable UTF-8. emptyBase tells whether nothing preceded
// name: only then does a '/' at base survive a ".." that emptied the path
// ("foo/../a" gives "a", "/foo/../a" gives "/a").
func appendCleanPath[N byteString](dst []byte, base int, emptyBase bool, name N) []byte {
	for i := 0; i < len(name); {
		c := name[i]
		if c < 0x20 || c >= 0x7f {
			n := utf8Printable(name[i:])
			if n > 0 {
				dst = append(dst, name[i:i+n]...)
				i += n
			} else {
				dst = append(dst, replacementChar...)
				i -= n
			}
			continue
		}

		atStart := len(dst) == base || dst[len(dst)-1] == '/'
		switch {
		case c == '.' && atStart:
			var c1, c2 byte
			if i+1 < len(name) {
				c1 = name[i+1]
			}
			if i+2 < len(name) {
				c2 = name[i+2]
			}
			switch {
			case c1 == '.' && c2 == '/':
				dst = rewindPath(dst, base)
				i += 3
			case c1 == '.' && i+2 == len(name):
				dst = rewindPath(dst, base)
				i += 2
			case c1 == '/':
				i += 2
			case i+1 == len(name):
				i++
			default:
				dst = append(dst, c)
				i++
			}
		case c == '/':
			last := len(dst) > base && dst[len(dst)-1] == '/'
			if !last && (len(dst) > base || emptyBase) {
				dst = append(dst, c)
			}
			i++
		default:
			// The rest of the component up to the next '/' or
			// unprintable byte is plain text.
			j := i + 1
			for j < len(name) && name[j] != '/' && name[j] >= 0x20 &&
				name[j] < 0x7f {
				j++
			}
			dst = append(dst, name[i:j]...)
			i = j
		}
	}
	return dst
}

// rewindPath removes the last component of the path that starts at base,
// keeping the '/' before it, for a "..". A path of at most one byte is
// left alone, so ".." never goes above the root.
func rewindPath(dst []byte, base int) []byte {
	end := len(dst)
	if end <= base+1 {
		return dst
	}
	end--
	for end >= base+1 && dst[end-1] != '/' {
		end--
	}
	return dst[:end]
}

// utf8Printable measures the UTF-8 sequence at the start of p, as
// libsinsp's string sanitiser does. A positive result is the length of a
// valid, printable sequence. A negative result is minus the number of
// bytes to replace by one U+FFFD: a control character (ASCII controls,
// DEL, C1 controls), a Unicode non-character, or the longest prefix of a
// broken sequence that could still have been valid (Unicode's "maximal
// subpart" rule). p must not be empty.
func utf8Printable[N byteString](p N) int {
	c := p[0]
	switch {
	case c < 0x80:
		if c >= 0x20 && c != 0x7f {
			return 1
		}
		return -1
	case c < 0xc2:
		return -1 // stray continuation byte or overlong lead
	case c < 0xe0:
		if len(p) < 2 || !isCont(p[1], 0x80, 0xbf) {
			return -1
		}
		if rune(c&0x1f)<<6|rune(p[1]&0x3f) <= 0x9f {
			return -2 // C1 control
		}
		return 2
	case c < 0xf0:
		lo, hi := byte(0x80), byte(0xbf)
		switch c {
		case 0xe0:
			lo = 0xa0 // overlong
		case 0xed:
			hi = 0x9f // surrogate
		}
		if len(p) < 2 || !isCont(p[1], lo, hi) {
			return -1
		}
		if len(p) < 3 || !isCont(p[2], 0x80, 0xbf) {
			return -2
		}
		r := rune(c&0x0f)<<12 | rune(p[1]&0x3f)<<6 | rune(p[2]&0x3f)
		if r >= 0xfdd0 && r <= 0xfdef || r >= 0xfffe {
			return -3 // non-character
		}
		return 3
	case c <= 0xf4:
		lo, hi := byte(0x80), byte(0xbf)
		switch c {
		case 0xf0:
			lo = 0x90 // overlong
		case 0xf4:
			hi = 0x8f // above U+10FFFF
		}
		if len(p) < 2 || !isCont(p[1], lo, hi) {
			return -1
		}
		if len(p) < 3 || !isCont(p[2], 0x80, 0xbf) {
			return -2
		}
		if len(p) < 4 || !isCont(p[3], 0x80, 0xbf) {
			return -3
		}
		r := rune(c&0x07)<<18 | rune(p[1]&0x3f)<<12 |
			rune(p[2]&0x3f)<<6 | rune(p[3]&0x3f)
		if r&0xfffe == 0xfffe {
			return -4 // non-character at the end of a plane
		}
		return 4
	}
	return -1
}

// isCont reports whether b is a continuation byte within lo..hi.
func isCont(b, lo, hi byte) bool { return b >= lo && b <= hi }

// appendSanitized appends s with every sequence that is not printable
// UTF-8 replaced by U+FFFD, as libsinsp sanitises the strings it renders.
func appendSanitized[S byteString](dst []byte, s S) []byte {
	start := 0
	i := printablePrefix(s)
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		n := utf8Printable(s[i:])
		if n > 0 {
			i += n
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, replacementChar...)
		i -= n
		start = i
	}
	return append(dst, s[start:]...)
}

// printablePrefix returns how many leading bytes of s are printable
// ASCII (0x20 to 0x7e), testing eight bytes at a time: most names are
// plain ASCII, and appendSanitized then copies them whole.
func printablePrefix[S byteString](s S) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 |
			uint64(s[i+3])<<24 | uint64(s[i+4])<<32 | uint64(s[i+5])<<40 |
			uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte is outside 0x20..0x7e when its high bit is set, when
		// subtracting 0x20 borrows (below 0x20), or when adding 1 carries
		// into the high bit (0x7f). With no high bit set, no lane borrows
		// from or carries into its neighbour.
		if x&highs != 0 || (x-0x20*ones)&highs != 0 || (x+ones)&highs != 0 {
			break
		}
	}
	for ; i < len(s) && s[i] >= 0x20 && s[i] < 0x7f; i++ {
	}
	return i
}

// appendNoDupSlash appends s with every run of '/' reduced to one, the
// only cleaning libsinsp applies to fd.nameraw.
func appendNoDupSlash[S byteString](dst []byte, s S) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && i > 0 && s[i-1] == '/' {
			continue
		}
		dst = append(dst, s[i])
	}
	return dst
}

// trimToDir turns the name in dst[n:] into its directory by libsinsp's
// fd.directory rule: cut at the last '/' unless that is the first byte
// (then the directory is "/"); a name ending with '/' stays whole; a name
// without '/' gives "/".
func trimToDir(dst []byte, n int) []byte {
	name := dst[n:]
	i := bytes.LastIndexByte(name, '/')
	if i <= 0 {
		return append(dst[:n], '/')
	}
	if i < len(name)-1 {
		return dst[:n+i]
	}
	return dst
}

// trimToBase turns the name in dst[n:] into its last component by
// libsinsp's fd.filename rule: what follows the last '/'; a name ending
// with '/' stays whole; a name without '/' gives "/".
func trimToBase(dst []byte, n int) []byte {
	name := dst[n:]
	i := bytes.LastIndexByte(name, '/')
	if i < 0 {
		return append(dst[:n], '/')
	}
	if i == len(name)-1 {
		return dst
	}
	m := copy(name, name[i+1:])
	return dst[:n+m]
}
