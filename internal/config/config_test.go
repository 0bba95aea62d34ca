package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// fakeKnown is the field list of fakeCheck, a stand-in for the profile
// compiler.
var fakeKnown = map[string]bool{
	"container.id": true, "proc.name": true, "proc.pname": true,
	"proc.aname": true, "proc.exepath": true, "proc.tty": true,
	"proc.vpgid.name": true, "proc.sname": true, "proc.args": true,
	"proc.cmdline": true, "fd.name": true, "fd.nameraw": true,
	"custom.proc.aname.lineage.join":    true,
	"custom.proc.aexepath.lineage.join": true,
}

// fakeFDCodes are the events fakeCheck lets fd fields be evaluated on.
var fakeFDCodes = []uint16{
	event.OpenX, event.CreatX, event.OpenatX, event.Openat2X, event.OpenByHandleAtX,
}

// fakeCheck is a small ProfileCheck: every token is %name or %name[arg],
// names come from fakeKnown, and fd fields need fd events.
func fakeCheck(fields string, codes []uint16) error {
	for _, tok := range strings.Fields(fields) {
		name, ok := strings.CutPrefix(tok, "%")
		if !ok {
			return fmt.Errorf("malformed token %q", tok)
		}
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		if !fakeKnown[name] {
			return fmt.Errorf("unknown field %q", name)
		}
		if !strings.HasPrefix(name, "fd.") {
			continue
		}
		for _, c := range codes {
			if !slices.Contains(fakeFDCodes, c) {
				return fmt.Errorf("%s cannot be evaluated on %s (%d)", tok, event.Name(c), c)
			}
		}
	}
	return nil
}

// readFile returns a testdata file's content.
func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fixtures lists the testdata files ending in suffix, without it.
func fixtures(t testing.TB, suffix string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*"+suffix))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, strings.TrimSuffix(filepath.Base(p), suffix))
	}
	return names
}

const (
	pp0 = "count_min_sketch.behavior_profiles[0]"
	pp1 = "count_min_sketch.behavior_profiles[1]"
	pp2 = "count_min_sketch.behavior_profiles[2]"

	disabledNote   = "count_min_sketch.enabled is not true: nothing is counted and the anomaly.count_min_sketch fields have no value"
	supersedesNote = "count_min_sketch.rows_cols supersedes count_min_sketch.gamma_eps"

	seedFields0 = "%container.id %proc.name %proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname"
	protoFields = "%container.id %custom.proc.aname.lineage.join[7] %custom.proc.aexepath.lineage.join[7] %proc.tty %proc.vpgid.name %proc.sname"
)

// ge returns a profile with a gamma_eps shape from item i.
func ge(path string, i int, name, fields string, codes ...uint16) Profile {
	return Profile{
		Name: name, Path: path, Fields: fields, EventCodes: codes,
		Gamma: 0.001, Eps: 0.0001,
		ShapePath: fmt.Sprintf("count_min_sketch.gamma_eps[%d]", i),
	}
}

// def returns a profile with the default shape.
func def(path, name, fields string, codes ...uint16) Profile {
	return Profile{
		Name: name, Path: path, Fields: fields, EventCodes: codes,
		Gamma: DefaultGamma, Eps: DefaultEps, ShapePath: path,
	}
}

// rc returns a profile with a rows_cols shape from item i.
func rc(path string, i int, rows, cols uint64, fields string, codes ...uint16) Profile {
	return Profile{
		Path: path, Fields: fields, EventCodes: codes, Rows: rows, Cols: cols,
		ShapePath: fmt.Sprintf("count_min_sketch.rows_cols[%d]", i),
	}
}

func withReset(p Profile, ms uint64) Profile {
	p.ResetTimerMS = ms
	return p
}

// goodWant is the expected decoding of every *.good.json file.
var goodWant = map[string]*Config{
	"blank":          {Notes: []string{disabledNote}},
	"empty_object":   {Notes: []string{disabledNote}},
	"null":           {Notes: []string{disabledNote}},
	"null_section":   {Notes: []string{disabledNote}},
	"disabled_empty": {Notes: []string{disabledNote}},
	"disabled_validated": {
		Profiles: []Profile{ge(pp0, 0, "later", "%proc.name", 293)},
		Notes:    []string{disabledNote},
	},
	"seed_readme": {Enabled: true, Profiles: []Profile{
		ge(pp0, 0, "", seedFields0, 293, 331),
		ge(pp1, 1, "", seedFields0+" %fd.name", 3, 307, 327),
		ge(pp2, 2, "", "%container.id %proc.args", 293, 331),
	}},
	"prototype_readme": {Enabled: true, Profiles: []Profile{
		ge(pp0, 0, "", protoFields, 293, 331),
		ge(pp1, 1, "", protoFields+" %fd.name %fd.nameraw", 3, 307, 327),
		withReset(ge(pp2, 2, "", "%container.id %proc.cmdline", 293, 331), 3600000),
	}},
	"names_and_syscalls": {Enabled: true, UpdateMode: Plain, Profiles: []Profile{
		def(pp0, "shell_spawns", "%container.id %proc.name %proc.pname", 293, 331, 223, 335),
		def(pp1, "file.opens-v2", "%proc.name %fd.name", 307, 327, 3),
		withReset(def(pp2, "", "%proc.exepath", 293), 101),
	}},
	"rows_cols_supersedes": {Enabled: true, Profiles: []Profile{
		rc(pp0, 0, 7, 27183, "%proc.name", 293),
		rc(pp1, 1, 1, 1, "%fd.name", 307),
	}, Notes: []string{supersedesNote}},
	"yaml_numbers": {Enabled: true, Profiles: []Profile{
		withReset(rc(pp0, 0, 7, 27183, "%proc.name", 293, 331), 3600000),
		rc(pp1, 1, 5, 1000, "%proc.args", 293),
	}},
	"yaml_nulls": {Enabled: true, Profiles: []Profile{
		def(pp0, "", "%proc.name", 293),
	}},
}

func TestParseGood(t *testing.T) {
	names := fixtures(t, ".good.json")
	if len(names) != len(goodWant) {
		t.Errorf("%d good files, %d expectations: keep them in step", len(names), len(goodWant))
	}

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, ok := goodWant[name]
			if !ok {
				t.Fatalf("no expectation for testdata/%s.good.json", name)
			}

			var calls [][]uint16
			check := func(fields string, codes []uint16) error {
				calls = append(calls, slices.Clone(codes))
				return fakeCheck(fields, codes)
			}
			got, err := Parse(readFile(t, name+".good.json"), check)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, want)
			}

			// The check sees every profile, with its resolved codes.
			if len(calls) != len(want.Profiles) {
				t.Fatalf("check called %d times, want %d", len(calls), len(want.Profiles))
			}
			for i, p := range want.Profiles {
				if !slices.Equal(calls[i], p.EventCodes) {
					t.Errorf("check %d got codes %v, want %v", i, calls[i], p.EventCodes)
				}
			}
		})
	}
}

// supportedList is how checkCode lists the supported syscalls; the list
// itself belongs to the event package.
func supportedList() string {
	var names []string
	for _, c := range event.SupportedCodes() {
		names = append(names, event.Name(c))
	}
	return strings.Join(names, ", ")
}

// badCase is the expected outcome of a *.bad.json file.
type badCase struct {
	err string // exact error; {supported} stands for supportedList()
	// schema is true when the JSON Schema refuses the file too (a
	// structural mistake); false when only Parse can tell.
	schema bool
}

var badWant = map[string]badCase{
	"invalid_json":           {`init_config: invalid JSON at offset 38: invalid character '}' looking for beginning of object key string`, true},
	"trailing_data":          {`init_config: unexpected data after the JSON value at offset 4`, true},
	"duplicate_key":          {`count_min_sketch.enabled: duplicate key`, false},
	"too_deep":               {`count_min_sketch.gamma_eps[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nesting deeper than 16 levels`, true},
	"unknown_key_root":       {`count_min_sktch: unknown key (did you mean "count_min_sketch"?)`, true},
	"unknown_key_sketch":     {`count_min_sketch.behaviour_profiles: unknown key (did you mean "behavior_profiles"?)`, true},
	"unknown_key_profile":    {pp0 + `.event_code: unknown key (did you mean "event_codes"?)`, true},
	"unknown_key_odd":        {`count_min_sketch["a b"]: unknown key`, true},
	"wrong_type_root":        {`init_config: want an object, got array of 1 item`, true},
	"wrong_type_string_root": {`init_config: want an object, got string "enabled"`, true},
	"wrong_type_sketch":      {`count_min_sketch: want an object, got boolean true`, true},
	"wrong_type_enabled":     {`count_min_sketch.enabled: want a boolean, got string "yes"`, true},
	"wrong_type_fields":      {pp0 + `.fields: want a string, got number 5`, true},
	"wrong_type_event_codes": {pp0 + `.event_codes: want an array, got number 293`, true},
	"wrong_type_event_code_item": {
		pp0 + `.event_codes[1]: want a syscall name or an event code, got boolean true`, true},
	"wrong_type_profiles":       {`count_min_sketch.behavior_profiles: want an array, got object`, true},
	"wrong_type_profile":        {pp0 + `: want an object, got string "%proc.name"`, true},
	"wrong_type_n_sketches":     {`count_min_sketch.n_sketches: want a number, got string "3"`, true},
	"wrong_type_gamma_eps_pair": {`count_min_sketch.gamma_eps[0]: want a [gamma, eps] pair, got array of 3 items`, true},
	"wrong_type_gamma":          {`count_min_sketch.gamma_eps[0][0]: want a number, got string "0.001"`, true},
	"wrong_type_rows_cols":      {`count_min_sketch.rows_cols[0]: want a [rows, cols] pair, got number 7`, true},
	"update_mode_unknown":       {`count_min_sketch.update_mode: unknown mode "fast"; want "conservative" or "plain"`, true},
	"n_sketches_zero":           {`count_min_sketch.n_sketches: 0 is not an integer >= 1`, true},
	"n_sketches_fraction":       {`count_min_sketch.n_sketches: 1.5 is not an integer >= 1`, false},
	"n_mismatch_profiles":       {`count_min_sketch.behavior_profiles: has 1 item, but n_sketches is 2`, false},
	"n_mismatch_gamma_eps":      {`count_min_sketch.gamma_eps: has 1 item, but n_sketches is 2`, false},
	"n_mismatch_rows_cols":      {`count_min_sketch.rows_cols: has 3 items, but n_sketches is 2`, false},
	"no_n_mismatch_gamma_eps":   {`count_min_sketch.gamma_eps: has 1 item, but behavior_profiles has 2`, false},
	"issue_example":             {`count_min_sketch.behavior_profiles: has 2 items, but n_sketches is 3`, false},
	"gamma_too_big":             {`count_min_sketch.gamma_eps[0][0]: gamma 1.5 is out of range (0, 1)`, true},
	"gamma_zero":                {`count_min_sketch.gamma_eps[0][0]: gamma 0 is out of range (0, 1)`, false},
	"gamma_negative":            {`count_min_sketch.gamma_eps[0][0]: gamma -0.1 is out of range (0, 1)`, true},
	"eps_one":                   {`count_min_sketch.gamma_eps[0][1]: eps 1 is out of range (0, 1)`, false},
	"eps_huge":                  {`count_min_sketch.gamma_eps[0][1]: eps 1e400 is out of range (0, 1)`, true},
	"rows_zero":                 {`count_min_sketch.rows_cols[0][0]: rows 0 is not an integer >= 1`, true},
	"rows_negative":             {`count_min_sketch.rows_cols[0][0]: rows -7 is not an integer >= 1`, true},
	"cols_fraction":             {`count_min_sketch.rows_cols[0][1]: cols 2.5 is not an integer >= 1`, false},
	"cols_too_big":              {`count_min_sketch.rows_cols[0][1]: cols 1e20 is too large`, false},
	"reset_timer_50": {
		pp0 + `.reset_timer_ms: 50 ms is too short; use 0 to never reset, or at least 101`, false},
	"reset_timer_negative": {pp0 + `.reset_timer_ms: -1 is not a whole number of milliseconds >= 0`, true},
	"reset_timer_fraction": {pp0 + `.reset_timer_ms: 1000.5 is not a whole number of milliseconds >= 0`, false},
	"reset_timer_too_long": {pp0 + `.reset_timer_ms: 1e20 ms is too long; at most 9223372036854`, false},
	"unknown_syscall":      {pp1 + `.event_codes[2]: unknown syscall "execv"`, false},
	"enter_code": {
		pp0 + `.event_codes[0]: 292 is the enter event of execve; use its exit event 293 or the name "execve"`, false},
	"enter_code_string": {
		pp0 + `.event_codes[0]: 306 is the enter event of openat; use its exit event 307 or the name "openat"`, false},
	"old_exit_code": {
		pp0 + `.event_codes[0]: 103 is an old version of the openat exit event; use 307 or the name "openat"`, false},
	"unsupported_code":         {pp0 + `.event_codes[0]: event 5 (close) is not supported; supported: {supported}`, false},
	"unsupported_syscall":      {pp0 + `.event_codes[0]: event 5 (close) is not supported; supported: {supported}`, false},
	"unknown_code":             {pp0 + `.event_codes[0]: event 9999 is unknown; supported: {supported}`, false},
	"code_out_of_range":        {pp0 + `.event_codes[0]: event code 70000 is not an integer in 0..65535`, false},
	"code_fraction":            {pp0 + `.event_codes[0]: event code 293.5 is not an integer in 0..65535`, false},
	"code_string_out_of_range": {pp0 + `.event_codes[0]: event code "99999" is not an integer in 0..65535`, false},
	"duplicate_name":           {pp2 + `.name: "shell" is already the name of ` + pp0, false},
	"digit_name": {
		pp0 + `.name: "123" is all digits and would read as an index; start it with a letter or _`, true},
	"invalid_name": {
		pp0 + `.name: "shell spawns" is not a valid name; use a letter or _, then letters, digits, _, . or -`, true},
	"empty_name":          {pp0 + `.name: empty name; leave the key out for an unnamed profile`, true},
	"missing_fields":      {pp0 + `.fields: required key is missing`, true},
	"missing_event_codes": {pp0 + `.event_codes: required key is missing`, true},
	"empty_event_codes":   {pp0 + `.event_codes: empty list; name at least one syscall or event code`, true},
	"empty_fields":        {pp0 + `.fields: empty fields string`, false},
	"enabled_without_profiles": {
		`count_min_sketch.behavior_profiles: at least one profile is required when enabled is true`, false},
	"check_unknown_field": {pp1 + `.fields: unknown field "proc.nme"`, false},
	"check_fd_on_execve":  {pp0 + `.fields: %fd.name cannot be evaluated on execve (293)`, false},
}

func TestParseBad(t *testing.T) {
	names := fixtures(t, ".bad.json")
	if len(names) != len(badWant) {
		t.Errorf("%d bad files, %d expectations: keep them in step", len(names), len(badWant))
	}

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, ok := badWant[name]
			if !ok {
				t.Fatalf("no expectation for testdata/%s.bad.json", name)
			}
			wantErr := strings.ReplaceAll(want.err, "{supported}", supportedList())

			cfg, err := Parse(readFile(t, name+".bad.json"), fakeCheck)
			if err == nil {
				t.Fatalf("Parse = %+v, want error %q", cfg, wantErr)
			}
			if cfg != nil {
				t.Errorf("Parse returned a config with its error")
			}
			if err.Error() != wantErr {
				t.Errorf("error\n got %s\nwant %s", err, wantErr)
			}

			var ce *Error
			if !errors.As(err, &ce) || !strings.HasPrefix(wantErr, ce.Path+": ") {
				t.Errorf("error %#v is not an *Error with the path first", err)
			}
		})
	}
}

// TestParseCheckError checks that the check's error is wrapped, not just
// copied, so callers can match it.
func TestParseCheckError(t *testing.T) {
	sentinel := errors.New("field trouble")
	raw := readFile(t, "seed_readme.good.json")
	calls := 0
	_, err := Parse(raw, func(fields string, _ []uint16) error {
		calls++
		if strings.Contains(fields, "%proc.args") {
			return fmt.Errorf("wrapped: %w", sentinel)
		}
		return nil
	})

	if !errors.Is(err, sentinel) {
		t.Fatalf("Parse error %v does not wrap the check's error", err)
	}
	if want := pp2 + ".fields: wrapped: field trouble"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if calls != 3 {
		t.Errorf("check called %d times, want 3", calls)
	}
}

// TestParseCheckPanic checks that a panicking check fails Parse instead
// of the process, and cannot scribble on the profile's codes.
func TestParseCheckPanic(t *testing.T) {
	raw := readFile(t, "seed_readme.good.json")
	_, err := Parse(raw, func(_ string, codes []uint16) error {
		codes[0] = 0
		panic("index out of range")
	})

	want := pp0 + ".fields: profile check panicked: index out of range"
	if !errors.Is(err, errCheckPanic) || err.Error() != want {
		t.Errorf("Parse error %v, want %q", err, want)
	}

	cfg, err := Parse(raw, func(_ string, codes []uint16) error {
		codes[0] = 0
		return nil
	})
	if err != nil || cfg.Profiles[0].EventCodes[0] != 293 {
		t.Errorf("the check changed the profile's codes: %v, %v", cfg, err)
	}
}

// TestParseNilCheck checks that a nil check skips the fields validation
// and nothing else.
func TestParseNilCheck(t *testing.T) {
	cfg, err := Parse(readFile(t, "check_unknown_field.bad.json"), nil)
	if err != nil {
		t.Fatalf("Parse with a nil check: %v", err)
	}
	if got := cfg.Profiles[1].Fields; got != "%proc.nme %fd.name" {
		t.Errorf("fields %q", got)
	}

	if _, err := Parse(readFile(t, "enter_code.bad.json"), nil); err == nil {
		t.Error("a nil check also skipped the event code checks")
	}
}

// TestParseDisabledStillValidates checks that enabled: false does not
// switch validation off, as the prototype did.
func TestParseDisabledStillValidates(t *testing.T) {
	raw := `{"count_min_sketch": {"enabled": false, "behavior_profiles": [
		{"fields": "%proc.name", "event_codes": ["execv"]}]}}`
	_, err := Parse(raw, fakeCheck)
	want := pp0 + `.event_codes[0]: unknown syscall "execv"`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error %v, want %q", err, want)
	}
}

func TestParseInline(t *testing.T) {
	tests := []struct {
		name, raw, err string
	}{
		{"spaces only", " \n\t", ""},
		{"null with spaces", " null ", ""},
		{"number root", "3", `init_config: want an object, got number 3`},
		{"truncated", `{"count_min_sketch": {`, `init_config: invalid JSON: unexpected end of input`},
		{"long key quoted and cut", `{"` + strings.Repeat("k", 100) + `": 1}`,
			`init_config["` + strings.Repeat("k", 64) + `"...]: unknown key`},
		{"long string value cut", `{"count_min_sketch": {"enabled": "` + strings.Repeat("y", 70) + `"}}`,
			`count_min_sketch.enabled: want a boolean, got string "` + strings.Repeat("y", 64) + `"...`},
		{"empty key", `{"": 1}`, `init_config[""]: unknown key`},
		{"case typo suggested", `{"Count_Min_Sketch": {}}`,
			`Count_Min_Sketch: unknown key (did you mean "count_min_sketch"?)`},
		{"max reset accepted", `{"count_min_sketch": {"behavior_profiles": [{"fields": "%proc.name",
			"event_codes": [293], "reset_timer_ms": 9223372036854}]}}`, ""},
		{"max rows accepted", `{"count_min_sketch": {"rows_cols": [[18446744073709551615, 1]],
			"behavior_profiles": [{"fields": "%proc.name", "event_codes": [293]}]}}`, ""},
		{"rows 2^64 refused", `{"count_min_sketch": {"rows_cols": [[18446744073709551616, 1]],
			"behavior_profiles": [{"fields": "%proc.name", "event_codes": [293]}]}}`,
			`count_min_sketch.rows_cols[0][0]: rows 18446744073709551616 is too large`},
		{"negative zero is zero", `{"count_min_sketch": {"behavior_profiles": [{"fields": "%proc.name",
			"event_codes": [293], "reset_timer_ms": -0.0}]}}`, ""},
		{"names unique per profile", `{"count_min_sketch": {"behavior_profiles": [
			{"name": "a", "fields": "%proc.name", "event_codes": [293]},
			{"name": "A", "fields": "%proc.name", "event_codes": [293]}]}}`, ""},
		{"error in first profile wins", `{"count_min_sketch": {"behavior_profiles": [
			{"fields": "%proc.name", "event_codes": [292]},
			{"fields": 1, "event_codes": [293]}]}}`,
			pp0 + `.event_codes[0]: 292 is the enter event of execve; use its exit event 293 or the name "execve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw, fakeCheck)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err {
				t.Errorf("error\n got %q\nwant %q", got, tt.err)
			}
		})
	}
}

func TestParseMaxValues(t *testing.T) {
	raw := `{"count_min_sketch": {"rows_cols": [[18446744073709551615, 3e3]],
		"behavior_profiles": [{"fields": "%proc.name", "event_codes": [293],
		"reset_timer_ms": 9223372036854}]}}`
	cfg, err := Parse(raw, nil)
	if err != nil {
		t.Fatal(err)
	}

	p := cfg.Profiles[0]
	if p.Rows != 1<<64-1 || p.Cols != 3000 || p.ResetTimerMS != MaxResetTimerMS {
		t.Errorf("rows %d cols %d reset %d", p.Rows, p.Cols, p.ResetTimerMS)
	}
	if !p.HasRowsCols() || p.Gamma != 0 || p.Eps != 0 {
		t.Errorf("shape %+v: want rows_cols only", p)
	}
}

func TestLookup(t *testing.T) {
	cfg, err := Parse(readFile(t, "names_and_syscalls.good.json"), nil)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		idx  int
		ok   bool
	}{
		{"shell_spawns", 0, true},
		{"file.opens-v2", 1, true},
		{"", 0, false}, // the third profile has no name
		{"Shell_spawns", 0, false},
		{"0", 0, false},
	}
	for _, tt := range tests {
		idx, ok := cfg.Lookup(tt.name)
		if idx != tt.idx || ok != tt.ok {
			t.Errorf("Lookup(%q) = %d, %v; want %d, %v", tt.name, idx, ok, tt.idx, tt.ok)
		}
	}
}

func TestModeString(t *testing.T) {
	for m, want := range map[Mode]string{Conservative: "conservative", Plain: "plain", 7: "Mode(7)"} {
		if got := m.String(); got != want {
			t.Errorf("Mode(%d).String() = %q, want %q", m, got, want)
		}
	}
}

func TestUint64Value(t *testing.T) {
	tests := []struct {
		lit  string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"7", 7, true},
		{"7.0", 7, true},
		{"3.6e6", 3600000, true},
		{"18446744073709551615", 1<<64 - 1, true},
		{"18446744073709551616", 0, false},
		{"1.8446744073709552e19", 0, false}, // 2^64
		{"9007199254740993", 9007199254740993, true},
		{"1.5", 0, false},
		{"-1", 0, false},
		{"1e400", 0, false},
		{"-1e400", 0, false},
		{"1e-400", 0, false},
		{"0.99999999999999999999", 0, false}, // a float64 would say 1
		{"1.00000000000000000001", 0, false},
		{"2.7183e4", 27183, true},
		{"1200e-2", 12, true},
		{"123e-2", 0, false},
		{"1E2", 100, true},
		{"1e+2", 100, true},
		{"0.0e9", 0, true},
		{"-0.0", 0, true},
		{"1e19", 10000000000000000000, true},
		{"1e+20", 0, false},
		{"0e99999999999999999999", 0, true},
		{"1e99999999999999999999", 0, false},
		{"1e-99999999999999999999", 0, false},
		{"", 0, false},
		{"1.", 0, false},
		{"x", 0, false},
		{"1ex", 0, false},
	}
	for _, tt := range tests {
		got, ok := uint64Value(tt.lit)
		if got != tt.want || ok != tt.ok {
			t.Errorf("uint64Value(%s) = %d, %v; want %d, %v", tt.lit, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTooLarge(t *testing.T) {
	for lit, want := range map[string]bool{
		"18446744073709551615": false, "18446744073709551616": true,
		"1e20": true, "1.5e20": true, "1e400": true, "1e99999999999999999999": true,
		"-1e400": false, "1.5": false, "1e19": false, "100000000000000000000.5": false,
	} {
		if got := tooLarge(lit); got != want {
			t.Errorf("tooLarge(%s) = %v, want %v", lit, got, want)
		}
	}
}

func TestValidName(t *testing.T) {
	for s, want := range map[string]bool{
		"a": true, "_": true, "shell_spawns": true, "a.b-c_9": true, "Z9": true,
		"": false, "9a": false, ".a": false, "-a": false, "a b": false,
		"a]": false, "a[0]": false, "é": false, "a/b": false,
	} {
		if got := validName(s); got != want {
			t.Errorf("validName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3},
		{"behaviour_profiles", "behavior_profiles", 1}, {"event_code", "event_codes", 1},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
