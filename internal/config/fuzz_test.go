package config

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// FuzzParse feeds Parse arbitrary documents. Besides never panicking, it
// checks that every error is an *Error led by its path, that every
// accepted configuration keeps the promises of Config and Profile, and
// that the schema accepts whatever Parse accepts (so Falco never refuses
// a configuration the plugin would take). The seeds are every testdata
// file, plus testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, suffix := range []string{".good.json", ".bad.json"} {
		for _, name := range fixtures(f, suffix) {
			f.Add(readFile(f, name+suffix))
		}
	}
	sch := compileSchema(f)

	f.Fuzz(func(t *testing.T, raw string) {
		cfg, err := Parse(raw, fakeCheck)
		if err != nil {
			checkError(t, cfg, err)
			return
		}

		checkConfig(t, cfg)
		if err := validate(sch, raw); err != nil {
			t.Errorf("Parse accepts what the schema refuses: %v", err)
		}
		again, err := Parse(raw, fakeCheck)
		if err != nil || !reflect.DeepEqual(cfg, again) {
			t.Errorf("Parse is not deterministic: %+v, then %+v, %v", cfg, again, err)
		}
	})
}

func checkError(t *testing.T, cfg *Config, err error) {
	t.Helper()
	if cfg != nil {
		t.Errorf("config %+v returned with error %v", cfg, err)
	}

	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if ce.Path == "" || !strings.HasPrefix(err.Error(), ce.Path+": ") ||
		len(err.Error()) == len(ce.Path)+2 {
		t.Errorf("error %q does not read \"path: message\"", err)
	}
}

// checkConfig checks the invariants of an accepted configuration.
func checkConfig(t *testing.T, cfg *Config) {
	t.Helper()
	if cfg.Enabled && len(cfg.Profiles) == 0 {
		t.Error("enabled without profiles")
	}
	if cfg.UpdateMode != Conservative && cfg.UpdateMode != Plain {
		t.Errorf("update mode %v", cfg.UpdateMode)
	}

	for i, p := range cfg.Profiles {
		if strings.TrimSpace(p.Fields) == "" || p.Path == "" || p.ShapePath == "" {
			t.Errorf("profile %d: empty fields or paths: %+v", i, p)
		}
		checkCodes(t, i, p.EventCodes)
		if p.ResetTimerMS != 0 &&
			(p.ResetTimerMS < MinResetTimerMS || p.ResetTimerMS > MaxResetTimerMS) {
			t.Errorf("profile %d: reset timer %d", i, p.ResetTimerMS)
		}

		rc := p.Rows >= 1 && p.Cols >= 1 && p.Gamma == 0 && p.Eps == 0
		ge := p.Rows == 0 && p.Cols == 0 && p.Gamma > 0 && p.Gamma < 1 &&
			p.Eps > 0 && p.Eps < 1
		if rc == ge || rc != p.HasRowsCols() {
			t.Errorf("profile %d: not exactly one shape: %+v", i, p)
		}

		if p.Name == "" {
			continue
		}
		if !validName(p.Name) || isDigits(p.Name) {
			t.Errorf("profile %d: invalid name %q", i, p.Name)
		}
		if j, ok := cfg.Lookup(p.Name); !ok || j != i {
			t.Errorf("profile %d: Lookup(%q) = %d, %v", i, p.Name, j, ok)
		}
	}
}

func checkCodes(t *testing.T, i int, codes []uint16) {
	t.Helper()
	if len(codes) == 0 {
		t.Errorf("profile %d: no event codes", i)
	}
	for k, c := range codes {
		if !event.Supported(c) || event.IsEnter(c) {
			t.Errorf("profile %d: code %d is not a supported exit event", i, c)
		}
		if slices.Contains(codes[:k], c) {
			t.Errorf("profile %d: code %d twice", i, c)
		}
	}
}
