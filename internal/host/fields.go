package host

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Field is one entry of a plugin's get_fields JSON, after libsinsp's
// checks.
type Field struct {
	// ID is the field's index in the JSON array (field_id on extract).
	ID   uint32
	Name string
	// Type is the JSON type name: string, uint64, reltime, abstime,
	// bool, ipaddr or ipnet.
	Type       string
	Desc       string
	Display    string
	IsList     bool
	Arg        FieldArg
	Properties []string
	// AddOutput is read only by API 3.8+ hosts.
	AddOutput bool

	ftype uint32
}

// FieldArg is the "arg" object of a field.
type FieldArg struct {
	IsRequired, IsIndex, IsKey bool
}

// TakesArg reports whether the field accepts an argument.
func (f Field) TakesArg() bool { return f.Arg.IsIndex || f.Arg.IsKey }

// The field types libsinsp accepts, with their ss_plugin_field_type.
var fieldTypes = map[string]uint32{
	"string": 9, "uint64": 8, "reltime": 20, "abstime": 21,
	"bool": 25, "ipaddr": 40, "ipnet": 41,
}

// parseFields checks a get_fields result the way libsinsp's loader does.
// The host's API minor decides whether addOutput is read at all.
func parseFields(plugin, js string, apiMinor uint32) ([]Field, error) {
	fail := func(format string, args ...any) error {
		return errorf(ErrFields, "error in plugin %s: %s", plugin,
			fmt.Sprintf(format, args...))
	}
	var raw []json.RawMessage
	if err := strictUnmarshal(js, &raw); err != nil {
		if len(bytes.TrimSpace([]byte(js))) > 0 && js[0] != '[' {
			return nil, fail("get_fields did not return a JSON array")
		}
		return nil, fail("get_fields returned an invalid JSON: %v", err)
	}
	if len(raw) == 0 {
		return nil, fail("get_fields returned an empty array")
	}
	fields := make([]Field, 0, len(raw))
	seen := make(map[string]bool, len(raw))
	for i, r := range raw {
		f, err := parseField(r, apiMinor)
		if err != nil {
			return nil, fail("field JSON entry %d: %v", i, err)
		}
		if seen[f.Name] {
			return nil, fail("field '%s' is defined more than once",
				f.Name)
		}
		seen[f.Name] = true
		f.ID = uint32(i)
		fields = append(fields, f)
	}
	return fields, nil
}

func parseField(r json.RawMessage, apiMinor uint32) (Field, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(r, &obj); err != nil || obj == nil {
		return Field{}, fmt.Errorf("not a JSON object")
	}
	var f Field
	for _, req := range []struct {
		key string
		dst *string
	}{{"name", &f.Name}, {"type", &f.Type}, {"desc", &f.Desc}} {
		v, ok := obj[req.key]
		if !ok || isNull(v) {
			return Field{}, fmt.Errorf("field JSON entry has no %s",
				req.key)
		}
		if json.Unmarshal(v, req.dst) != nil {
			return Field{}, fmt.Errorf("%s is not a string", req.key)
		}
		if *req.dst == "" {
			return Field{}, fmt.Errorf("field JSON entry has no %s",
				req.key)
		}
	}
	ft, ok := fieldTypes[f.Type]
	if !ok {
		return Field{}, fmt.Errorf("field '%s': invalid field type '%s'",
			f.Name, f.Type)
	}
	f.ftype = ft
	if err := optional(obj, "display", &f.Display); err != nil {
		return Field{}, fmt.Errorf("field '%s': %w", f.Name, err)
	}
	if err := optional(obj, "isList", &f.IsList); err != nil {
		return Field{}, fmt.Errorf("field '%s': %w", f.Name, err)
	}
	if err := optional(obj, "properties", &f.Properties); err != nil {
		return Field{}, fmt.Errorf("field '%s': %w", f.Name, err)
	}
	if apiMinor >= 8 {
		if err := optional(obj, "addOutput", &f.AddOutput); err != nil {
			return Field{}, fmt.Errorf("field '%s': %w", f.Name, err)
		}
	}
	if err := parseArg(obj, &f.Arg); err != nil {
		return Field{}, fmt.Errorf("field '%s': %w", f.Name, err)
	}
	return f, nil
}

func parseArg(obj map[string]json.RawMessage, a *FieldArg) error {
	v, ok := obj["arg"]
	if !ok || isNull(v) {
		return nil
	}
	var arg map[string]json.RawMessage
	if json.Unmarshal(v, &arg) != nil || arg == nil {
		return fmt.Errorf("arg is not a JSON object")
	}
	for _, m := range []struct {
		key string
		dst *bool
	}{{"isRequired", &a.IsRequired}, {"isIndex", &a.IsIndex},
		{"isKey", &a.IsKey}} {
		if err := optional(arg, m.key, m.dst); err != nil {
			return fmt.Errorf("arg: %w", err)
		}
	}
	if a.IsRequired && !a.IsIndex && !a.IsKey {
		return fmt.Errorf("arg has isRequired true, but none of isKey " +
			"nor isIndex is true")
	}
	return nil
}

// optional decodes obj[key] into dst when present and not null; the JSON
// type must match dst exactly.
func optional(obj map[string]json.RawMessage, key string, dst any) error {
	v, ok := obj[key]
	if !ok || isNull(v) {
		return nil
	}
	if err := json.Unmarshal(v, dst); err != nil {
		return fmt.Errorf("%s has the wrong JSON type", key)
	}
	return nil
}

func isNull(v json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

// strictUnmarshal decodes exactly one JSON value, numbers as
// json.Number.
func strictUnmarshal(s string, dst any) error {
	return decodeOne([]byte(s), dst)
}

func decodeOne(b []byte, dst any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(dst); err != nil {
		return err
	}
	var extra json.RawMessage
	if err := d.Decode(&extra); err != io.EOF {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}

// parseSources reads a get_*_event_sources result: a JSON array of
// strings. NULL, "" and [] mean every source (nil, true).
func parseSources(plugin, what, js string, present bool) ([]string, error) {
	if !present || js == "" {
		return nil, nil
	}
	var src []string
	if err := strictUnmarshal(js, &src); err != nil {
		return nil, errorf(ErrSources,
			"error in plugin %s: %s did not return a JSON array of "+
				"strings: %v", plugin, what, err)
	}
	for _, s := range src {
		if s == "" {
			return nil, errorf(ErrSources,
				"error in plugin %s: %s lists an empty source name",
				plugin, what)
		}
	}
	if len(src) == 0 {
		return nil, nil
	}
	return src, nil
}
