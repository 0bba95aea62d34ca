package host

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const probeSchema = `{"$schema":"http://json-schema.org/draft-07/schema#",
"type":"object","additionalProperties":false,
"properties":{"script":{"type":"string"},
"level":{"type":"integer","minimum":0},
"profiles":{"type":"array","items":{"type":"object","required":["fields"],
"properties":{"fields":{"type":"string","minLength":1}}}}}}`

func TestInitConfigValidation(t *testing.T) {
	v := variant{"SCHEMA_JSON": cq(probeSchema)}
	cases := []struct {
		name, config string
		want         expect
	}{
		{"empty becomes {}", "", ok()},
		{"valid", `{"level":2,"profiles":[{"fields":"%proc.name"}]}`, ok()},
		{"not JSON", `{"level":`, fails(ErrInitConfig,
			"error in plugin probe init config: not a valid JSON")},
		{"wrong type", `{"level":"high"}`, fails(ErrInitConfig,
			"error in plugin probe init config: In /level, ")},
		{"below minimum", `{"level":-1}`, fails(ErrInitConfig,
			"In /level, ", "minimum")},
		{"unknown key", `{"lvl":1}`, fails(ErrInitConfig,
			"In <root>, ", "lvl")},
		{"nested path", `{"profiles":[{"fields":"a"},{"fields":""}]}`,
			fails(ErrInitConfig, "In /profiles/1/fields, ")},
		{"missing required", `{"profiles":[{}]}`,
			fails(ErrInitConfig, "In /profiles/0, ", "fields")},
		{"not an object", `[1]`, fails(ErrInitConfig, "In <root>, ")},
	}
	for _, c := range cases {
		for _, gen := range gens32and312 {
			t.Run(c.name+"/"+gen.Name, func(t *testing.T) {
				p := openProbe(t, v, gen)
				c.want.check(t, p.Init(c.config))
			})
		}
	}
}

func TestInitSchemaItselfBroken(t *testing.T) {
	for _, c := range []struct{ name, schema, frag string }{
		{"not JSON", `{"type":`, "get_init_schema did not return a valid JSON"},
		{"not a schema", `{"type":5}`, "init schema"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := openProbe(t, variant{"SCHEMA_JSON": cq(c.schema)}, Gen312)
			wantErr(t, p.Init("{}"), ErrInitConfig, c.frag)
		})
	}
}

// A plugin without a JSON schema gets its config unvalidated, as in
// libsinsp; the probe's init script proves the string arrived intact.
func TestInitConfigPassedThrough(t *testing.T) {
	for _, gen := range gens32and312 {
		p := openProbe(t, variant{}, gen)
		if err := p.Init(`{"script":"tables"}`); err != nil {
			t.Fatal(err)
		}
		if got := initOut(t, p); got != "threads:int64" {
			t.Fatalf("%v: init script saw %q", gen, got)
		}
	}
}

func TestInitFailures(t *testing.T) {
	for _, gen := range gens32and312 {
		t.Run("failure with last error/"+gen.Name, func(t *testing.T) {
			mark := filepath.Join(t.TempDir(), "destroyed")
			p := openProbe(t, variant{"INIT_FAIL": "",
				"DESTROY_MARK": cq(mark)}, gen)
			wantErr(t, p.Init(""), ErrInit, "could not initialize plugin: "+
				"probe: init failed on purpose")
			b, err := os.ReadFile(mark)
			if err != nil || string(b) != "destroyed\n" {
				t.Fatalf("failed init's state not destroyed once: %q %v", b, err)
			}
			wantErr(t, p.Parse(probeEvent(1, ""), 1), ErrState)
		})
		t.Run("failure with NULL state/"+gen.Name, func(t *testing.T) {
			p := openProbe(t, variant{"INIT_FAIL_NULL": ""}, gen)
			wantErr(t, p.Init(""), ErrInit, "plugin handle or "+
				"'get_last_error' function not defined")
		})
		t.Run("rc not set/"+gen.Name, func(t *testing.T) {
			mark := filepath.Join(t.TempDir(), "destroyed")
			p := openProbe(t, variant{"INIT_NO_RC": "",
				"DESTROY_MARK": cq(mark)}, gen)
			wantErr(t, p.Init(""), ErrInit, "did not set rc")
			if _, err := os.Stat(mark); err != nil {
				t.Fatalf("state not destroyed: %v", err)
			}
		})
		t.Run("same state twice/"+gen.Name, func(t *testing.T) {
			v := variant{"INIT_SAME_STATE": ""}
			a := openProbe(t, v, gen)
			if err := a.Init(""); err != nil {
				t.Fatal(err)
			}
			b := openProbe(t, v, gen)
			wantErr(t, b.Init(""), ErrInit, "another live instance")
			if err := a.Destroy(); err != nil {
				t.Fatal(err)
			}
			c := openProbe(t, v, gen)
			if err := c.Init(""); err != nil {
				t.Fatalf("state reused after destroy: %v", err)
			}
		})
		t.Run("stdout/"+gen.Name, func(t *testing.T) {
			p := openProbe(t, variant{"STDOUT_WRITE": ""}, gen)
			wantErr(t, p.Init(""), ErrViolation, "plugin wrote to stdout",
				"hello from the plugin")
		})
		t.Run("stdout check off/"+gen.Name, func(t *testing.T) {
			p := openProbe(t, variant{"STDOUT_WRITE": ""}, gen,
				WithoutStdoutCheck())
			// Keep the test binary's own stdout clean.
			old, err := redirectStdout(t)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Init("")
			old()
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// redirectStdout points fd 1 at /dev/null until the returned func runs.
func redirectStdout(t *testing.T) (func(), error) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	saved := stdoutBegin(int(null.Fd()))
	return func() {
		stdoutEnd(saved, int(null.Fd()))
		null.Close()
	}, nil
}

func TestInitOrder(t *testing.T) {
	p := openProbe(t, variant{}, Gen312)
	wantErr(t, p.Parse(probeEvent(1, ""), 1), ErrState, "not initialised")
	if _, _, err := p.Extract(probeEvent(1, ""), 1, "probe.flag"); err == nil {
		t.Fatal("Extract before Init succeeded")
	}
	if err := p.Init(""); err != nil {
		t.Fatal(err)
	}
	wantErr(t, p.Init(""), ErrState)
	if err := p.Destroy(); err != nil {
		t.Fatal(err)
	}
	if err := p.Destroy(); err != nil {
		t.Fatalf("second Destroy: %v", err)
	}
	wantErr(t, p.Parse(probeEvent(1, ""), 1), ErrState, "destroyed")
	if err := p.Threads().PutThread(Thread{Tid: 1}); err == nil {
		t.Fatal("table usable after Destroy")
	}
}

func TestInitEventTypes(t *testing.T) {
	for _, gen := range gens32and312 {
		p := initProbe(t, variant{}, gen, "")
		if !slices.Equal(p.ParseTypes(), []uint16{3}) ||
			!slices.Equal(p.ExtractTypes(), []uint16{3}) {
			t.Fatalf("%v: types %v %v", gen, p.ParseTypes(), p.ExtractTypes())
		}
		all := initProbe(t, variant{"TYPES_ALL": ""}, gen, "")
		if all.ParseTypes() != nil || all.ExtractTypes() != nil {
			t.Fatalf("%v: NULL types not read as all: %v %v", gen,
				all.ParseTypes(), all.ExtractTypes())
		}
	}
}

func TestInitEventSchemaVersion(t *testing.T) {
	cases := []struct {
		name string
		v    variant
		want expect // on Gen312; Gen32 never checks
	}{
		{"4.0.0", variant{}, ok()},
		{"4.0.1", variant{"SCHEMA_VER": cq("4.0.1")}, ok()},
		{"missing symbol", variant{"NO_SCHEMA_VER": ""},
			fails(ErrSchemaVersion, "plugin probe required event schema "+
				"version '3.0.0' not compatible with the event schema "+
				"version in use '4.0.1': major versions disagree")},
		{"3.0.0", variant{"SCHEMA_VER": cq("3.0.0")},
			fails(ErrSchemaVersion, "major versions disagree")},
		{"4.1.0", variant{"SCHEMA_VER": cq("4.1.0")},
			fails(ErrSchemaVersion, "minor is less")},
		{"4.0.2", variant{"SCHEMA_VER": cq("4.0.2")},
			fails(ErrSchemaVersion, "patch is less")},
		{"junk", variant{"SCHEMA_VER": cq("four")},
			fails(ErrSchemaVersion, "invalid required event schema "+
				"version: 'four'")},
		{"plugin events only", variant{"NO_SCHEMA_VER": "",
			"PROBE_TYPE": "322"}, ok()},
		{"all types", variant{"NO_SCHEMA_VER": "", "TYPES_ALL": ""},
			fails(ErrSchemaVersion, "'3.0.0'")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := openProbe(t, c.v, Gen312)
			err := p.Init("")
			c.want.check(t, err)
			if err != nil {
				// Falco aborts: the instance is gone.
				wantErr(t, p.Parse(probeEvent(1, ""), 1), ErrState)
			}
			old := openProbe(t, c.v, Gen32)
			if err := old.Init(""); err != nil {
				t.Fatalf("API 3.2 host checked the schema: %v", err)
			}
		})
	}
}

func TestInitLogs(t *testing.T) {
	p := initProbe(t, variant{}, Gen312, "")
	want := []LogRecord{{"probe", "probe initialised", 6},
		{"probe-comp", "second", 7}}
	if got := p.Logs(); !slices.Equal(got, want) {
		t.Fatalf("logs %+v, want %+v", got, want)
	}
	if err := p.Destroy(); err != nil {
		t.Fatal(err)
	}
	if got := p.Logs(); !slices.Equal(got, want) {
		t.Fatalf("logs after Destroy %+v", got)
	}
	old := initProbe(t, variant{}, Gen32, "")
	if got := old.Logs(); len(got) != 0 {
		t.Fatalf("API 3.2 host has no log callback, got %+v", got)
	}
}

func TestInitContainerPlugin(t *testing.T) {
	const get = "table threads int64 T0; field T0 container_id string F0"
	cases := []struct {
		name   string
		gen    Gen
		script string
		want   string
		init   expect
	}{
		{"static field", Gen32, get, "ok;ok", ok()},
		{"static field refuses add", Gen32,
			"table threads int64 T0; addfield T0 container_id string F0",
			"ok;null:can't add dynamic field 'container_id' to table " +
				"threads: already defined as static field", ok()},
		{"absent", Gen312, get,
			"ok;null:undefined field 'container_id' in table threads", ok()},
		{"container plugin first", Gen312.WithContainerPlugin(
			ContainerPluginFirst), get, "ok;ok", ok()},
		{"plugin adds it before the container plugin", Gen312.
			WithContainerPlugin(ContainerPluginAfter),
			"table threads int64 T0; addfield T0 container_id string F0",
			"ok;ok", ok()},
		{"same type is idempotent", Gen312.WithContainerPlugin(
			ContainerPluginFirst),
			"table threads int64 T0; addfield T0 container_id string F0;" +
				"field T0 category uint16 F1", "ok;ok;ok", ok()},
		{"other type refused", Gen312.WithContainerPlugin(
			ContainerPluginFirst),
			"table threads int64 T0; addfield T0 container_id uint64 F0",
			"ok;null:dynamic field 'container_id' of table threads " +
				"already defined with type string, not uint64", ok()},
		{"other type breaks a later container plugin", Gen312.
			WithContainerPlugin(ContainerPluginAfter),
			"table threads int64 T0; addfield T0 container_id uint64 F0",
			"", fails(ErrInit, "container plugin init")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := openProbe(t, variant{}, c.gen)
			err := p.Init(`"` + c.script + `"`)
			c.init.check(t, err)
			if err != nil {
				return
			}
			if got := initOut(t, p); got != c.want {
				t.Fatalf("init script: %q, want %q", got, c.want)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	p := initProbe(t, variant{"METRICS": ""}, Gen312, "")
	ms, has, err := p.Metrics()
	if err != nil || !has || len(ms) != 1 || ms[0].Name != "probe.calls" ||
		ms[0].Value != 42 || !ms[0].Monotonic {
		t.Fatalf("metrics %+v %v %v", ms, has, err)
	}
	old := initProbe(t, variant{"METRICS": ""}, Gen32, "")
	if _, has, err := old.Metrics(); has || err != nil {
		t.Fatalf("API 3.2 host called get_metrics: %v %v", has, err)
	}
}

func TestLastError(t *testing.T) {
	p := initProbe(t, variant{}, Gen312, "")
	_, _, err := p.Extract(probeEvent(1, ""), 1, "probe.fail")
	wantErr(t, err, ErrPluginFailure, "probe: asked to fail")
	if s, err := p.LastError(); err != nil || s != "probe: asked to fail" {
		t.Fatalf("LastError %q %v", s, err)
	}
}

func TestDestroyTimeout(t *testing.T) {
	// No stdout window: the blocked call would hold it open.
	p, err := Open(probeLib(t, variant{"SLOW_DESTROY": ""}), Gen312,
		WithDestroyTimeout(50*time.Millisecond), WithoutStdoutCheck())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Init(""); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = p.Destroy()
	wantErr(t, err, ErrViolation, "plugin_destroy did not return")
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Destroy waited %v", d)
	}
	if !strings.Contains(err.Error(), "50ms") {
		t.Fatalf("error does not state the limit: %v", err)
	}
}

func TestInitLogSeverityChecked(t *testing.T) {
	p := openProbe(t, variant{"BAD_SEVERITY": ""}, Gen312)
	wantErr(t, p.Init(""), ErrViolation,
		"1 log records with an invalid severity")
}

// A C plugin loads without RTLD_DEEPBIND too, as libsinsp loads it.
func TestOpenWithoutDeepbind(t *testing.T) {
	p := initProbe(t, variant{}, Gen312, "tables", WithoutDeepbind())
	if got := initOut(t, p); got != "threads:int64" {
		t.Fatalf("init script: %q", got)
	}
}
