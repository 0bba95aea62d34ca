package host

import (
	"net"
	"strconv"
	"strings"
)

// Value is an extracted field value, copied out of plugin memory. Exactly
// one of the slices is used, according to Type; a non-list field has one
// element.
type Value struct {
	// Type is the field's JSON type name.
	Type string
	// Strings holds string values.
	Strings []string
	// Uints holds uint64, reltime and abstime values.
	Uints []uint64
	// Bools holds bool values.
	Bools []bool
	// Bytes holds ipaddr and ipnet values (4 or 16 bytes each).
	Bytes [][]byte
}

// Len returns the number of values.
func (v Value) Len() int {
	return len(v.Strings) + len(v.Uints) + len(v.Bools) + len(v.Bytes)
}

// Text renders the value the way Falco's plain-text output does: strings
// as they are, numbers in decimal, bools as true/false, addresses in
// their usual notation, and lists as "(a,b)".
func (v Value) Text() string {
	parts := append([]string(nil), v.Strings...)
	for _, u := range v.Uints {
		parts = append(parts, strconv.FormatUint(u, 10))
	}
	for _, b := range v.Bools {
		parts = append(parts, strconv.FormatBool(b))
	}
	for _, b := range v.Bytes {
		parts = append(parts, net.IP(b).String())
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// decodeValue copies res_len results of f's type out of plugin memory.
func decodeValue(f *Field, r extractRes) (Value, bool, error) {
	if r.n == 0 {
		return Value{}, false, nil
	}
	if r.n > 1 && !f.IsList {
		return Value{}, false, errorf(ErrViolation,
			"plugin_extract_fields: non-list field %s returned %d values",
			f.Name, r.n)
	}
	if r.ptr == nil {
		return Value{}, false, errorf(ErrViolation,
			"plugin_extract_fields: field %s: res_len %d with a NULL res",
			f.Name, r.n)
	}
	if r.n > 1<<20 {
		return Value{}, false, errorf(ErrViolation,
			"plugin_extract_fields: field %s: implausible res_len %d",
			f.Name, r.n)
	}
	n := int(r.n)
	v := Value{Type: f.Type}
	switch f.Type {
	case "string":
		s, ok := resStrings(r.ptr, n)
		if !ok {
			return Value{}, false, errorf(ErrViolation,
				"plugin_extract_fields: field %s: NULL string value",
				f.Name)
		}
		v.Strings = s
	case "uint64", "reltime", "abstime":
		v.Uints = resU64(r.ptr, n)
	case "bool":
		v.Bools = resBools(r.ptr, n)
	case "ipaddr", "ipnet":
		b, ok := resBufs(r.ptr, n)
		if !ok {
			return Value{}, false, errorf(ErrViolation,
				"plugin_extract_fields: field %s: NULL buffer", f.Name)
		}
		for _, x := range b {
			if len(x) != 4 && len(x) != 16 {
				return Value{}, false, errorf(ErrViolation,
					"plugin_extract_fields: field %s: address of %d "+
						"bytes", f.Name, len(x))
			}
		}
		v.Bytes = b
	}
	return v, true, nil
}
