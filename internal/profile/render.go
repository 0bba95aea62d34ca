package profile

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// This file holds the append helpers that evaluators share. None of them
// allocates beyond growing dst.

// appendUint appends v in decimal.
func appendUint(dst []byte, v uint64) []byte {
	return strconv.AppendUint(dst, v, 10)
}

// appendInt appends v in decimal.
func appendInt(dst []byte, v int64) []byte {
	return strconv.AppendInt(dst, v, 10)
}

// appendBool appends "true" or "false", libsinsp's plain-text booleans.
func appendBool(dst []byte, v bool) []byte {
	return strconv.AppendBool(dst, v)
}

// validXid reports whether libsinsp renders the process id v: it gives no
// value for ids outside -1..2^32-1, which only corrupt entries hold.
func validXid(v int64) bool {
	return v >= -1 && v <= 1<<32-1
}

// nextEntry splits the first entry off a list of NUL-terminated entries
// (Thread.Args, Thread.Env). A last entry without its NUL is accepted.
func nextEntry(list string) (entry, rest string) {
	i := strings.IndexByte(list, 0)
	if i < 0 {
		return list, ""
	}
	return list[:i], list[i+1:]
}

// countEntries returns the number of entries in list.
func countEntries(list string) int {
	n := strings.Count(list, "\x00")
	if list != "" && list[len(list)-1] != 0 {
		n++
	}
	return n
}

// appendJoined appends the entries of list separated by sep.
func appendJoined(dst []byte, list string, sep byte) []byte {
	if list != "" && list[len(list)-1] == 0 {
		list = list[:len(list)-1]
	}
	i := len(dst)
	dst = append(dst, list...)
	replaceZero(dst[i:], sep)
	return dst
}

// replaceZero replaces every NUL in b with sep, eight bytes at a time and
// without a branch per byte: z gets 0x80 in exactly the zero bytes of a
// word (no carry crosses bytes), and z>>7 times sep puts sep there.
func replaceZero(b []byte, sep byte) {
	const low7 = 0x7f7f7f7f7f7f7f7f
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		z := ^((x&low7 + low7) | x | low7)
		if z != 0 {
			binary.LittleEndian.PutUint64(b[i:], x|(z>>7)*uint64(sep))
		}
	}
	for ; i < len(b); i++ {
		if b[i] == 0 {
			b[i] = sep
		}
	}
}

// lookupEnv returns the value of the first entry of env that is exactly
// name, '=', then at least one byte, with surrounding white space
// trimmed: libsinsp's get_env. It returns "" when no entry matches.
func lookupEnv(env, name string) string {
	if name == "" {
		return ""
	}
	for i := 0; i < len(env); {
		j := strings.Index(env[i:], name)
		if j < 0 {
			return ""
		}
		start := i + j
		i = start + 1
		if start > 0 && env[start-1] != 0 {
			continue // name in the middle of an entry
		}
		entry, _ := nextEntry(env[start:])
		if len(entry) > len(name)+1 && entry[len(name)] == '=' {
			return trimSpace(entry[len(name)+1:])
		}
	}
	return ""
}

// isSpace reports whether b is white space for C's isspace in the "C"
// locale, which libsinsp's trim uses.
func isSpace(b byte) bool {
	return b == ' ' || (b >= '\t' && b <= '\r')
}

// trimSpace removes leading and trailing C white space.
func trimSpace(s string) string {
	for s != "" && isSpace(s[0]) {
		s = s[1:]
	}
	for s != "" && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// Lineage joins separate their values with LineageSep. A value that
// contains LineageSep or LineageEscape has that byte preceded by
// LineageEscape, so a join splits back into its values unambiguously:
// "a|b" then "c" gives `a\|b|c`, while "a" then "b|c" gives `a|b\|c`.
const (
	LineageSep    = '|'
	LineageEscape = '\\'
)

// appendEscaped appends s with LineageSep and LineageEscape escaped.
func appendEscaped(dst []byte, s string) []byte {
	if strings.IndexByte(s, LineageSep) < 0 &&
		strings.IndexByte(s, LineageEscape) < 0 {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == LineageSep || s[i] == LineageEscape {
			dst = append(dst, LineageEscape)
		}
		dst = append(dst, s[i])
	}
	return dst
}
