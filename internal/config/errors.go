package config

import (
	"strconv"
)

// rootPath names the whole document in errors that concern it as a whole
// (invalid JSON, not an object). It is the key Falco reads it from.
const rootPath = "init_config"

// Error is a configuration error. Every error Parse returns is an *Error,
// so callers can recover the path with errors.As.
type Error struct {
	// Path is the JSON path of the offending value, such as
	// "count_min_sketch.behavior_profiles[1].event_codes[2]", or
	// "init_config" for the document as a whole.
	Path string

	// Msg says what is wrong, quoting the value as written.
	Msg string

	// Err is the error of the injected ProfileCheck, when the error comes
	// from it; Msg is empty then and Error prints Err instead.
	Err error
}

// Error returns "path: message".
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Path + ": " + e.Err.Error()
	}
	return e.Path + ": " + e.Msg
}

// Unwrap returns the ProfileCheck error, if any.
func (e *Error) Unwrap() error { return e.Err }

// field returns the path of key inside the object at path. Keys that are
// not plain identifiers are written in quoted brackets, so that a stray
// key such as "a.b" or "" cannot be mistaken for a nested path.
func field(path, key string) string {
	if !isIdent(key) {
		return pathOr(path) + "[" + quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// index returns the path of item i of the array at path.
func index(path string, i int) string {
	return pathOr(path) + "[" + strconv.Itoa(i) + "]"
}

// pathOr returns path, or rootPath for the document itself.
func pathOr(path string) string {
	if path == "" {
		return rootPath
	}
	return path
}

// isIdent reports whether s matches [A-Za-z_][A-Za-z0-9_]*.
func isIdent(s string) bool {
	if s == "" || len(s) > maxQuoted {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
