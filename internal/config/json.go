package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of the decoded document. The deepest valid
// value (count_min_sketch.gamma_eps[i][j]) sits at depth 4, so anything far
// beyond that is a mistake and is refused before it can cost stack.
const maxDepth = 16

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// String returns the JSON name of the kind, as used in error messages.
func (k kind) String() string {
	switch k {
	case kindBool:
		return "boolean"
	case kindNumber:
		return "number"
	case kindString:
		return "string"
	case kindArray:
		return "array"
	case kindObject:
		return "object"
	}
	return "null"
}

// node is one decoded JSON value. Objects keep their keys in document
// order so that errors are reported in the order the user wrote them.
type node struct {
	kind  kind
	b     bool    // kindBool
	text  string  // kindString: the value; kindNumber: the literal
	items []*node // kindArray
	keys  []string
	vals  []*node // kindObject, parallel to keys
}

// get returns the value of key in an object node, or nil when the key is
// absent. A JSON null is returned as nil too: Falco turns an empty YAML
// map or list into null, so null means "not given".
func (n *node) get(key string) *node {
	for i, k := range n.keys {
		if k == key {
			if n.vals[i].kind == kindNull {
				return nil
			}
			return n.vals[i]
		}
	}
	return nil
}

// decode parses raw as exactly one JSON value. It refuses duplicate object
// keys (encoding/json would silently keep the last one) and trailing data.
func decode(raw string) (*node, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()

	n, err := decodeValue(dec, 0, "")
	if err != nil {
		return nil, err
	}

	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Path: rootPath, Msg: fmt.Sprintf(
			"unexpected data after the JSON value at offset %d", dec.InputOffset())}
	}
	return n, nil
}

// decodeValue reads one value from dec. path locates it, for the duplicate
// key and depth errors.
func decodeValue(dec *json.Decoder, depth int, path string) (*node, error) {
	if depth > maxDepth {
		return nil, &Error{Path: pathOr(path), Msg: fmt.Sprintf(
			"nesting deeper than %d levels", maxDepth)}
	}

	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(dec, err)
	}

	switch t := tok.(type) {
	case nil:
		return &node{kind: kindNull}, nil
	case bool:
		return &node{kind: kindBool, b: t}, nil
	case json.Number:
		return &node{kind: kindNumber, text: string(t)}, nil
	case string:
		return &node{kind: kindString, text: t}, nil
	case json.Delim:
		if t == '[' {
			return decodeArray(dec, depth, path)
		}
		if t == '{' {
			return decodeObject(dec, depth, path)
		}
	}
	// The decoder only hands out the delimiters above at a value position.
	return nil, &Error{Path: pathOr(path), Msg: fmt.Sprintf("unexpected %v", tok)}
}

func decodeArray(dec *json.Decoder, depth int, path string) (*node, error) {
	n := &node{kind: kindArray}
	for dec.More() {
		item, err := decodeValue(dec, depth+1, index(path, len(n.items)))
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, item)
	}

	// The closing bracket; a syntax error here is reported by the decoder.
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(dec, err)
	}
	return n, nil
}

func decodeObject(dec *json.Decoder, depth int, path string) (*node, error) {
	n := &node{kind: kindObject}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(dec, err)
		}
		key, _ := tok.(string) // object keys are always strings

		kp := field(path, key)
		for _, k := range n.keys {
			if k == key {
				return nil, &Error{Path: kp, Msg: "duplicate key"}
			}
		}

		val, err := decodeValue(dec, depth+1, kp)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, key)
		n.vals = append(n.vals, val)
	}

	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(dec, err)
	}
	return n, nil
}

// syntaxError turns a decoder error into an Error at the root path with
// the byte offset, since a broken document has no meaningful value path.
func syntaxError(dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{Path: rootPath, Msg: "invalid JSON: unexpected end of input"}
	}

	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{Path: rootPath, Msg: fmt.Sprintf(
			"invalid JSON at offset %d: %v", se.Offset, se)}
	}
	return &Error{Path: rootPath, Msg: fmt.Sprintf(
		"invalid JSON at offset %d: %v", dec.InputOffset(), err)}
}

// describe renders a node for an error message: its type and, for
// scalars, its value as written (long strings are shortened).
func (n *node) describe() string {
	switch n.kind {
	case kindBool:
		return "boolean " + strconv.FormatBool(n.b)
	case kindNumber:
		return "number " + n.text
	case kindString:
		return "string " + quote(n.text)
	case kindArray:
		if len(n.items) == 1 {
			return "array of 1 item"
		}
		return fmt.Sprintf("array of %d items", len(n.items))
	case kindObject:
		return "object"
	}
	return "null"
}

// maxQuoted is how many bytes of a user string an error message repeats.
const maxQuoted = 64

// quote returns s as a Go-quoted string, cut to maxQuoted bytes.
func quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}

// floatValue reads a number literal as a finite float64. A literal beyond
// the float64 range, such as 1e400, is refused.
func floatValue(lit string) (float64, bool) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}
