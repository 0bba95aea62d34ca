package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// parseProfiles decodes count_min_sketch.behavior_profiles.
func parseProfiles(n *node) ([]Profile, error) {
	path := keySketch + "." + keyProfiles
	if n == nil {
		return nil, nil
	}
	if err := expect(n, path, kindArray); err != nil {
		return nil, err
	}

	out := make([]Profile, len(n.items))
	for i, item := range n.items {
		p := &out[i]
		p.Path = index(path, i)
		if err := parseProfile(p, item); err != nil {
			return nil, err
		}

		if p.Name == "" {
			continue
		}
		for j := range out[:i] {
			if out[j].Name == p.Name {
				return nil, &Error{Path: p.Path + "." + keyName, Msg: fmt.Sprintf(
					"%s is already the name of %s", quote(p.Name), out[j].Path)}
			}
		}
	}
	return out, nil
}

// parseProfile decodes one behavior profile into p, whose Path is set.
func parseProfile(p *Profile, n *node) error {
	if err := expect(n, p.Path, kindObject); err != nil {
		return err
	}
	if err := checkKeys(n, p.Path, profileKeys); err != nil {
		return err
	}

	var err error
	if p.Name, err = parseName(n.get(keyName), p.Path+"."+keyName); err != nil {
		return err
	}
	if p.Fields, err = parseFields(n.get(keyFields), p.Path+"."+keyFields); err != nil {
		return err
	}
	if p.EventCodes, err = parseCodes(n.get(keyCodes), p.Path+"."+keyCodes); err != nil {
		return err
	}
	p.ResetTimerMS, err = parseReset(n.get(keyReset), p.Path+"."+keyReset)
	return err
}

func parseName(n *node, path string) (string, error) {
	if n == nil {
		return "", nil
	}
	if err := expect(n, path, kindString); err != nil {
		return "", err
	}

	s := n.text
	switch {
	case s == "":
		return "", &Error{Path: path, Msg: "empty name; leave the key out for an unnamed profile"}
	case isDigits(s):
		return "", &Error{Path: path, Msg: fmt.Sprintf(
			"%s is all digits and would read as an index; start it with a letter or _",
			quote(s))}
	case !validName(s):
		return "", &Error{Path: path, Msg: fmt.Sprintf(
			"%s is not a valid name; use a letter or _, then letters, digits, _, . or -",
			quote(s))}
	}
	return s, nil
}

// validName reports whether s matches [A-Za-z_][A-Za-z0-9_.-]*.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
		if letter || (i > 0 && (c == '.' || c == '-' || (c >= '0' && c <= '9'))) {
			continue
		}
		return false
	}
	return true
}

func parseFields(n *node, path string) (string, error) {
	if n == nil {
		return "", &Error{Path: path, Msg: "required key is missing"}
	}
	if err := expect(n, path, kindString); err != nil {
		return "", err
	}
	if strings.TrimSpace(n.text) == "" {
		return "", &Error{Path: path, Msg: "empty fields string"}
	}
	return n.text, nil
}

// parseCodes decodes event_codes: resolved, checked, without duplicates.
func parseCodes(n *node, path string) ([]uint16, error) {
	if n == nil {
		return nil, &Error{Path: path, Msg: "required key is missing"}
	}
	if err := expect(n, path, kindArray); err != nil {
		return nil, err
	}
	if len(n.items) == 0 {
		return nil, &Error{Path: path, Msg: "empty list; name at least one syscall or event code"}
	}

	out := make([]uint16, 0, len(n.items))
	for i, item := range n.items {
		code, err := eventCode(item, index(path, i))
		if err != nil {
			return nil, err
		}
		if !containsCode(out, code) {
			out = append(out, code)
		}
	}
	return out, nil
}

func containsCode(codes []uint16, c uint16) bool {
	for _, v := range codes {
		if v == c {
			return true
		}
	}
	return false
}

// eventCode resolves one event_codes item: a number (a raw PPME code), a
// decimal string, or a syscall name, and checks that the plugin can count
// on that event.
func eventCode(n *node, path string) (uint16, error) {
	var code uint16
	switch n.kind {
	case kindNumber:
		v, ok := uint64Value(n.text)
		if !ok || v > math.MaxUint16 {
			return 0, &Error{Path: path, Msg: fmt.Sprintf(
				"event code %s is not an integer in 0..%d", n.text, math.MaxUint16)}
		}
		code = uint16(v)
	case kindString:
		if isDigits(n.text) {
			v, err := strconv.ParseUint(n.text, 10, 16)
			if err != nil {
				return 0, &Error{Path: path, Msg: fmt.Sprintf(
					"event code %s is not an integer in 0..%d", quote(n.text), math.MaxUint16)}
			}
			code = uint16(v)
			break
		}
		c, ok := event.ExitCode(n.text)
		if !ok {
			return 0, &Error{Path: path, Msg: "unknown syscall " + quote(n.text)}
		}
		code = c
	default:
		return 0, &Error{Path: path, Msg: "want a syscall name or an event code, got " +
			n.describe()}
	}
	return code, checkCode(code, path)
}

// checkCode refuses the events the plugin cannot count on, pointing to
// the right code when the user named the enter event or an old version.
func checkCode(code uint16, path string) error {
	if event.Supported(code) {
		return nil
	}

	name := event.Name(code)
	cur, ok := event.ExitCode(name)
	better := ok && event.Supported(cur)
	var msg string
	switch {
	case event.IsEnter(code) && better:
		return &Error{Path: path, Msg: fmt.Sprintf(
			"%d is the enter event of %s; use its exit event %d or the name %q",
			code, name, cur, name)}
	case better:
		return &Error{Path: path, Msg: fmt.Sprintf(
			"%d is an old version of the %s exit event; use %d or the name %q",
			code, name, cur, name)}
	case event.IsEnter(code):
		msg = fmt.Sprintf("%d is the enter event of %s, which is not supported", code, name)
	case name == "":
		msg = fmt.Sprintf("event %d is unknown", code)
	default:
		msg = fmt.Sprintf("event %d (%s) is not supported", code, name)
	}
	return &Error{Path: path, Msg: msg + "; supported: " + supportedNames()}
}

// supportedNames lists the syscalls profiles may be counted on.
func supportedNames() string {
	var b strings.Builder
	for i, c := range event.SupportedCodes() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(event.Name(c))
	}
	return b.String()
}

func parseReset(n *node, path string) (uint64, error) {
	if n == nil {
		return 0, nil
	}
	if err := expect(n, path, kindNumber); err != nil {
		return 0, err
	}

	v, ok := uint64Value(n.text)
	switch {
	case !ok && !tooLarge(n.text):
		return 0, &Error{Path: path, Msg: n.text +
			" is not a whole number of milliseconds >= 0"}
	case v > 0 && v < MinResetTimerMS:
		return 0, &Error{Path: path, Msg: fmt.Sprintf(
			"%s ms is too short; use 0 to never reset, or at least %d", n.text, MinResetTimerMS)}
	case !ok || v > MaxResetTimerMS:
		return 0, &Error{Path: path, Msg: fmt.Sprintf(
			"%s ms is too long; at most %d", n.text, MaxResetTimerMS)}
	}
	return v, nil
}
