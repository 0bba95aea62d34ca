package config

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Default sketch accuracy, used for every profile when neither gamma_eps
// nor rows_cols is given: 7 rows of 27183 columns, as in the prototype's
// examples.
const (
	DefaultGamma = 0.001
	DefaultEps   = 0.0001
)

// MinResetTimerMS is the shortest reset_timer_ms accepted; 0 (never) is
// accepted too. The prototype ignored timers of 100 ms and less.
const MinResetTimerMS = 101

// MaxResetTimerMS is the longest reset_timer_ms accepted: the longest
// period a time.Duration can hold, about 292 years.
const MaxResetTimerMS = uint64(math.MaxInt64 / int64(time.Millisecond))

// Mode is the sketch update rule.
type Mode uint8

// The update modes. The zero value is the default.
const (
	// Conservative increments only the counters of a key that hold its
	// current minimum estimate. It never underestimates and overestimates
	// less than Plain.
	Conservative Mode = iota

	// Plain increments one counter per row, the classic count-min update
	// the prototype used.
	Plain
)

// String returns the mode's name as written in the configuration.
func (m Mode) String() string {
	switch m {
	case Conservative:
		return "conservative"
	case Plain:
		return "plain"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// Config is a decoded, validated init configuration. See the package
// documentation for the meaning of each option.
type Config struct {
	// Enabled is count_min_sketch.enabled. When it is false, Profiles
	// still holds the validated profiles that were configured, but the
	// plugin is expected to count nothing.
	Enabled bool

	// UpdateMode is count_min_sketch.update_mode.
	UpdateMode Mode

	// Profiles holds one entry per behavior profile, in order; profile i
	// is sketch i.
	Profiles []Profile

	// Notes are remarks worth logging at init, such as rows_cols
	// superseding gamma_eps. They are not errors.
	Notes []string
}

// Profile is one behavior profile and the shape of its sketch.
//
// Exactly one of the two shapes is set: Rows and Cols when rows_cols was
// given (Gamma and Eps are 0 then), else Gamma and Eps (Rows and Cols are
// 0), from gamma_eps or from DefaultGamma and DefaultEps.
type Profile struct {
	// Name is the optional profile name, "" when none was given.
	Name string

	// Path is the JSON path of the profile, such as
	// "count_min_sketch.behavior_profiles[1]", for later error messages.
	Path string

	// Fields is the profile's fields string, as written.
	Fields string

	// EventCodes are the exit event codes the profile is counted on,
	// without duplicates, in the order given.
	EventCodes []uint16

	// ResetTimerMS is the period of the sketch reset in milliseconds; 0
	// means never. Otherwise it lies in [MinResetTimerMS,
	// MaxResetTimerMS].
	ResetTimerMS uint64

	// Gamma and Eps are the accuracy targets, each in (0, 1).
	Gamma, Eps float64

	// Rows and Cols are the explicit shape, each at least 1.
	Rows, Cols uint64

	// ShapePath is the JSON path the shape came from, for errors found
	// when the sketch is built (such as a size limit):
	// "count_min_sketch.rows_cols[2]", "count_min_sketch.gamma_eps[0]",
	// or the profile's Path when the default shape applies.
	ShapePath string
}

// HasRowsCols reports whether the profile's shape is explicit (Rows and
// Cols) rather than derived from Gamma and Eps.
func (p *Profile) HasRowsCols() bool { return p.Rows != 0 }

// Lookup returns the index of the profile called name. It does not
// allocate and is safe for concurrent use once Parse has returned.
func (c *Config) Lookup(name string) (int, bool) {
	if name == "" {
		return 0, false
	}
	for i := range c.Profiles {
		if c.Profiles[i].Name == name {
			return i, true
		}
	}
	return 0, false
}

// ProfileCheck validates a profile's fields string against the event codes
// it is counted on. It is supplied by the caller (the profile compiler),
// which knows the fields; Parse prefixes its error with the path of the
// profile's fields. codes holds resolved exit codes without duplicates;
// it is a copy the check may keep. A panic in the check is recovered and
// returned as an error, so a bug there fails init rather than Falco.
type ProfileCheck func(fields string, codes []uint16) error

// jsonSpace is the white space JSON allows around values. Other Unicode
// space (a vertical tab, say) is not JSON, and libsinsp refuses it before
// init.
const jsonSpace = " \t\n\r"

// Parse decodes raw, the init configuration exactly as plugin_init
// receives it, and validates it. An empty string, "null" and "{}" give the
// defaults: the plugin disabled. check is called once per profile after
// everything else has been validated; a nil check skips that step.
//
// Decoding is strict: unknown keys, duplicate keys and values of the wrong
// type are errors. Parse stops at the first error and returns it as an
// *Error naming the path of the bad value and quoting the value. Within an
// object, unknown keys are reported first; then the options are checked
// in the order enabled, update_mode, n_sketches, gamma_eps, rows_cols,
// behavior_profiles (profile by profile), then the list lengths, then
// check. It never panics.
func Parse(raw string, check ProfileCheck) (*Config, error) {
	cfg := &Config{}
	raw = strings.Trim(raw, jsonSpace)
	if raw == "" {
		return cfg.finish(), nil
	}

	root, err := decode(raw)
	if err != nil {
		return nil, err
	}
	if root.kind == kindNull {
		return cfg.finish(), nil
	}
	if err := expect(root, rootPath, kindObject); err != nil {
		return nil, err
	}
	if err := checkKeys(root, "", rootKeys); err != nil {
		return nil, err
	}

	cms := root.get(keySketch)
	if cms == nil {
		return cfg.finish(), nil
	}
	if err := parseSketch(cfg, cms, check); err != nil {
		return nil, err
	}
	return cfg.finish(), nil
}

// finish adds the notes that depend on the whole configuration.
func (c *Config) finish() *Config {
	if !c.Enabled {
		c.Notes = append(c.Notes, keySketch+".enabled is not true: "+
			"nothing is counted and the anomaly.count_min_sketch fields have no value")
	}
	return c
}

// Keys of the configuration, and the lists of keys each object accepts.
const (
	keySketch   = "count_min_sketch"
	keyEnabled  = "enabled"
	keyMode     = "update_mode"
	keyN        = "n_sketches"
	keyGammaEps = "gamma_eps"
	keyRowsCols = "rows_cols"
	keyProfiles = "behavior_profiles"
	keyName     = "name"
	keyFields   = "fields"
	keyCodes    = "event_codes"
	keyReset    = "reset_timer_ms"
)

var (
	rootKeys    = []string{keySketch}
	sketchKeys  = []string{keyEnabled, keyMode, keyN, keyGammaEps, keyRowsCols, keyProfiles}
	profileKeys = []string{keyName, keyFields, keyCodes, keyReset}
)

// sketchSection gathers count_min_sketch while it is decoded.
type sketchSection struct {
	n        uint64 // 0 when n_sketches is absent
	gammaEps [][2]float64
	rowsCols [][2]uint64
	hasGE    bool
	hasRC    bool
}

// parseSketch decodes the count_min_sketch object into cfg.
func parseSketch(cfg *Config, n *node, check ProfileCheck) error {
	path := keySketch
	if err := expect(n, path, kindObject); err != nil {
		return err
	}
	if err := checkKeys(n, path, sketchKeys); err != nil {
		return err
	}

	var s sketchSection
	steps := []func() error{
		func() (err error) { cfg.Enabled, err = parseEnabled(n.get(keyEnabled)); return },
		func() (err error) { cfg.UpdateMode, err = parseMode(n.get(keyMode)); return },
		func() (err error) { s.n, err = parseN(n.get(keyN)); return },
		func() (err error) { s.gammaEps, s.hasGE, err = parseGammaEps(n.get(keyGammaEps)); return },
		func() (err error) { s.rowsCols, s.hasRC, err = parseRowsCols(n.get(keyRowsCols)); return },
		func() (err error) { cfg.Profiles, err = parseProfiles(n.get(keyProfiles)); return },
		func() error { return checkCounts(cfg, &s) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}

	applyShapes(cfg, &s)

	if check == nil {
		return nil
	}
	for i := range cfg.Profiles {
		p := &cfg.Profiles[i]
		if err := runCheck(check, p.Fields, p.EventCodes); err != nil {
			return &Error{Path: p.Path + "." + keyFields, Err: err}
		}
	}
	return nil
}

// errCheckPanic wraps the value of a panicking ProfileCheck.
var errCheckPanic = errors.New("profile check panicked")

// runCheck calls check, turning a panic into an error: a bug in the
// profile compiler must fail init, not take Falco down.
func runCheck(check ProfileCheck, fields string, codes []uint16) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errCheckPanic, r)
		}
	}()
	return check(fields, slices.Clone(codes))
}

func parseEnabled(n *node) (bool, error) {
	if n == nil {
		return false, nil
	}
	if err := expect(n, keySketch+"."+keyEnabled, kindBool); err != nil {
		return false, err
	}
	return n.b, nil
}

func parseMode(n *node) (Mode, error) {
	path := keySketch + "." + keyMode
	if n == nil {
		return Conservative, nil
	}
	if err := expect(n, path, kindString); err != nil {
		return 0, err
	}

	for _, m := range []Mode{Conservative, Plain} {
		if n.text == m.String() {
			return m, nil
		}
	}
	return 0, &Error{Path: path, Msg: fmt.Sprintf(
		"unknown mode %s; want %q or %q", quote(n.text), Conservative, Plain)}
}

func parseN(n *node) (uint64, error) {
	path := keySketch + "." + keyN
	if n == nil {
		return 0, nil
	}
	if err := expect(n, path, kindNumber); err != nil {
		return 0, err
	}

	v, ok := uint64Value(n.text)
	if !ok || v < 1 {
		return 0, &Error{Path: path, Msg: n.text + " is not an integer >= 1"}
	}
	return v, nil
}

// pairs checks that n is a list of two-number lists and returns the
// number literals. what names a pair in errors ("[gamma, eps]").
func pairs(n *node, path, what string) ([][2]*node, error) {
	if err := expect(n, path, kindArray); err != nil {
		return nil, err
	}

	out := make([][2]*node, len(n.items))
	for i, item := range n.items {
		ip := index(path, i)
		if item.kind != kindArray || len(item.items) != 2 {
			return nil, &Error{Path: ip, Msg: fmt.Sprintf(
				"want a %s pair, got %s", what, item.describe())}
		}
		for j, v := range item.items {
			if err := expect(v, index(ip, j), kindNumber); err != nil {
				return nil, err
			}
			out[i][j] = v
		}
	}
	return out, nil
}

func parseGammaEps(n *node) ([][2]float64, bool, error) {
	path := keySketch + "." + keyGammaEps
	if n == nil {
		return nil, false, nil
	}
	ps, err := pairs(n, path, "[gamma, eps]")
	if err != nil {
		return nil, false, err
	}

	out := make([][2]float64, len(ps))
	for i, p := range ps {
		for j, name := range [2]string{"gamma", "eps"} {
			f, ok := floatValue(p[j].text)
			if !ok || f <= 0 || f >= 1 {
				return nil, false, &Error{Path: index(index(path, i), j), Msg: fmt.Sprintf(
					"%s %s is out of range (0, 1)", name, p[j].text)}
			}
			out[i][j] = f
		}
	}
	return out, true, nil
}

func parseRowsCols(n *node) ([][2]uint64, bool, error) {
	path := keySketch + "." + keyRowsCols
	if n == nil {
		return nil, false, nil
	}
	ps, err := pairs(n, path, "[rows, cols]")
	if err != nil {
		return nil, false, err
	}

	out := make([][2]uint64, len(ps))
	for i, p := range ps {
		for j, name := range [2]string{"rows", "cols"} {
			v, ok := uint64Value(p[j].text)
			if !ok || v < 1 {
				what := "is not an integer >= 1"
				if tooLarge(p[j].text) {
					what = "is too large"
				}
				return nil, false, &Error{Path: index(index(path, i), j), Msg: fmt.Sprintf(
					"%s %s %s", name, p[j].text, what)}
			}
			out[i][j] = v
		}
	}
	return out, true, nil
}

// checkCounts checks that the lists agree with n_sketches, or with the
// number of profiles when n_sketches is absent.
func checkCounts(cfg *Config, s *sketchSection) error {
	pp := keySketch + "." + keyProfiles
	if cfg.Enabled && len(cfg.Profiles) == 0 {
		return &Error{Path: pp, Msg: "at least one profile is required when enabled is true"}
	}

	want, by := uint64(len(cfg.Profiles)), keyProfiles+" has"
	if s.n != 0 {
		want, by = s.n, keyN+" is"
		if got := uint64(len(cfg.Profiles)); got != want {
			return countError(pp, got, by, want)
		}
	}
	if s.hasGE && uint64(len(s.gammaEps)) != want {
		return countError(keySketch+"."+keyGammaEps, uint64(len(s.gammaEps)), by, want)
	}
	if s.hasRC && uint64(len(s.rowsCols)) != want {
		return countError(keySketch+"."+keyRowsCols, uint64(len(s.rowsCols)), by, want)
	}
	return nil
}

// countError reports a list of got items where by (such as "n_sketches
// is") says want.
func countError(path string, got uint64, by string, want uint64) error {
	items := "items"
	if got == 1 {
		items = "item"
	}
	return &Error{Path: path, Msg: fmt.Sprintf(
		"has %d %s, but %s %d", got, items, by, want)}
}

// applyShapes gives each profile its sketch shape. The counts have been
// checked, so every list present has one item per profile.
func applyShapes(cfg *Config, s *sketchSection) {
	if s.hasRC && s.hasGE {
		cfg.Notes = append(cfg.Notes, keySketch+"."+keyRowsCols+
			" supersedes "+keySketch+"."+keyGammaEps)
	}

	for i := range cfg.Profiles {
		p := &cfg.Profiles[i]
		switch {
		case s.hasRC:
			p.Rows, p.Cols = s.rowsCols[i][0], s.rowsCols[i][1]
			p.ShapePath = index(keySketch+"."+keyRowsCols, i)
		case s.hasGE:
			p.Gamma, p.Eps = s.gammaEps[i][0], s.gammaEps[i][1]
			p.ShapePath = index(keySketch+"."+keyGammaEps, i)
		default:
			p.Gamma, p.Eps = DefaultGamma, DefaultEps
			p.ShapePath = p.Path
		}
	}
}

// expect checks the JSON type of n.
func expect(n *node, path string, want kind) error {
	if n.kind == want {
		return nil
	}
	article := "a "
	if want == kindArray || want == kindObject {
		article = "an "
	}
	return &Error{Path: path, Msg: "want " + article + want.String() +
		", got " + n.describe()}
}

// checkKeys refuses the first key of object n that is not in known.
func checkKeys(n *node, path string, known []string) error {
	for _, k := range n.keys {
		if contains(known, k) {
			continue
		}
		msg := "unknown key"
		if s := suggest(k, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return &Error{Path: field(path, k), Msg: msg}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// suggest returns the known key closest to k when it is close enough to
// be a likely typo (a few edits away), else "".
func suggest(k string, known []string) string {
	if len(k) > 64 {
		return ""
	}
	best, bestD := "", 3
	for _, c := range known {
		if d := editDistance(strings.ToLower(k), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
