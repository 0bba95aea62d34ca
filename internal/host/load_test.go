package host

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// expect is an expected error: nil kind means success.
type expect struct {
	kind  error
	frags []string
}

func ok() expect { return expect{} }

func fails(kind error, frags ...string) expect { return expect{kind, frags} }

func (e expect) check(t *testing.T, err error) {
	t.Helper()
	if e.kind == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	wantErr(t, err, e.kind, e.frags...)
}

// fieldsVariant builds a probe whose get_fields returns js.
func fieldsVariant(js string) variant { return variant{"FIELDS_JSON": cq(js)} }

func TestOpenLoadChecks(t *testing.T) {
	missing := func(sym string) expect {
		return fails(ErrMissingSymbol,
			"required symbol not implemented: '"+sym+"'")
	}
	both := func(e expect) [2]expect { return [2]expect{e, e} }
	cases := []struct {
		name string
		v    variant
		want [2]expect // Gen32, Gen312
	}{
		{"valid", variant{}, both(ok())},
		{"no get_required_api_version",
			variant{"OMIT_GET_REQUIRED_API_VERSION": ""},
			both(missing("get_required_api_version"))},
		{"no get_version", variant{"OMIT_GET_VERSION": ""},
			both(missing("get_version"))},
		{"no get_name", variant{"OMIT_GET_NAME": ""},
			both(missing("get_name"))},
		{"no get_description", variant{"OMIT_GET_DESCRIPTION": ""},
			both(missing("get_description"))},
		{"no get_contact", variant{"OMIT_GET_CONTACT": ""},
			both(missing("get_contact"))},
		{"no get_last_error", variant{"OMIT_GET_LAST_ERROR": ""},
			both(missing("get_last_error"))},
		{"no init", variant{"OMIT_INIT": ""}, both(missing("init"))},
		{"no destroy", variant{"OMIT_DESTROY": ""},
			both(missing("destroy"))},
		{"get_fields without extract_fields", variant{"NO_EXTRACT": ""},
			both(fails(ErrCapabilities, "broken plugin capabilities: "+
				"must implement both 'plugin_get_fields' and "+
				"'plugin_extract_fields'"))},
		{"extract_fields without get_fields", variant{"NO_GET_FIELDS": ""},
			both(fails(ErrCapabilities, "must implement both"))},
		{"no capability", variant{"NO_EXTRACT": "", "NO_GET_FIELDS": "",
			"NO_PARSE": ""},
			both(fails(ErrCapabilities,
				"plugin does not implement any capability"))},
		{"parsing only", variant{"NO_EXTRACT": "", "NO_GET_FIELDS": ""},
			both(ok())},
		{"half a sourcing capability", variant{"OPEN_ONLY": ""},
			both(fails(ErrCapabilities, "'plugin_open'"))},
		{"capture_open without capture_close",
			variant{"CAPTURE_OPEN_ONLY": ""},
			// API 3.2 hosts do not know the symbol at all.
			[2]expect{ok(), fails(ErrCapabilities, "capture_close")}},
		{"required API 3.12.0", variant{"REQ_API": cq("3.12.0")},
			[2]expect{fails(ErrAPIVersion, "plugin required API version "+
				"'3.12.0' not compatible with the framework's API "+
				"version '3.2.0': framework's minor is less than the "+
				"requested one"), ok()}},
		{"required API 3.2.1", variant{"REQ_API": cq("3.2.1")},
			[2]expect{fails(ErrAPIVersion, "framework's patch is less "+
				"than the requested one"), ok()}},
		{"required API 4.0.0", variant{"REQ_API": cq("4.0.0")},
			both(fails(ErrAPIVersion, "major versions disagree"))},
		{"required API 2.99.0", variant{"REQ_API": cq("2.99.0")},
			both(fails(ErrAPIVersion, "major versions disagree"))},
		{"required API malformed", variant{"REQ_API": cq("3.x")},
			both(fails(ErrAPIVersion, "invalid required API version: '3.x'"))},
		// sscanf("%u.%u.%u") accepts trailing text, as in libsinsp.
		{"required API with suffix", variant{"REQ_API": cq("3.1.0-rc1")},
			both(ok())},
		{"version not semver", variant{"PLUGIN_VERSION": cq("1.2")},
			both(fails(ErrInfo, "invalid version string: '1.2'"))},
		{"empty name", variant{"PLUGIN_NAME": cq("")},
			both(fails(ErrInfo, "plugin_get_name returned an empty string"))},
		{"extract sources without syscall",
			variant{"EXTRACT_SOURCES": cq(`["k8s_audit"]`)},
			both(fails(ErrSources, "does not include the syscall source"))},
		{"extract sources empty means all",
			variant{"EXTRACT_SOURCES": cq(`[]`)}, both(ok())},
		{"extract sources NULL-like empty string",
			variant{"EXTRACT_SOURCES": cq(``)}, both(ok())},
		{"extract sources not JSON",
			variant{"EXTRACT_SOURCES": cq(`syscall`)},
			both(fails(ErrSources, "did not return a JSON array"))},
		{"parse sources of numbers",
			variant{"PARSE_SOURCES": cq(`[1]`)},
			both(fails(ErrSources, "get_parse_event_sources"))},
		{"several sources including syscall",
			variant{"PARSE_SOURCES": cq(`["k8s_audit","syscall"]`)},
			both(ok())},
	}
	for _, c := range cases {
		for i, gen := range gens32and312 {
			t.Run(c.name+"/"+gen.Name, func(t *testing.T) {
				p, err := Open(probeLib(t, c.v), gen)
				c.want[i].check(t, err)
				if err == nil {
					if err := p.Destroy(); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

func TestOpenFieldsJSON(t *testing.T) {
	const d = `"desc":"d"`
	cases := []struct {
		name string
		js   string
		want [2]expect // Gen32, Gen312
	}{
		{"not JSON", `not json`,
			[2]expect{fails(ErrFields, "get_fields did not return a JSON "+
				"array"), fails(ErrFields, "JSON array")}},
		{"truncated", `[{"name":"a"`, [2]expect{
			fails(ErrFields, "invalid JSON"), fails(ErrFields, "invalid JSON")}},
		{"object", `{"name":"a","type":"string",` + d + `}`, [2]expect{
			fails(ErrFields, "JSON array"), fails(ErrFields, "JSON array")}},
		{"empty array", `[]`, [2]expect{fails(ErrFields, "empty array"),
			fails(ErrFields, "empty array")}},
		{"element not an object", `[1]`, [2]expect{
			fails(ErrFields, "not a JSON object"),
			fails(ErrFields, "not a JSON object")}},
		{"no name", `[{"type":"string",` + d + `}]`, [2]expect{
			fails(ErrFields, "has no name"), fails(ErrFields, "has no name")}},
		{"empty name", `[{"name":"","type":"string",` + d + `}]`, [2]expect{
			fails(ErrFields, "has no name"), fails(ErrFields, "has no name")}},
		{"no type", `[{"name":"a",` + d + `}]`, [2]expect{
			fails(ErrFields, "has no type"), fails(ErrFields, "has no type")}},
		{"no desc", `[{"name":"a","type":"string"}]`, [2]expect{
			fails(ErrFields, "has no desc"), fails(ErrFields, "has no desc")}},
		{"empty desc", `[{"name":"a","type":"string","desc":""}]`,
			[2]expect{fails(ErrFields, "has no desc"),
				fails(ErrFields, "has no desc")}},
		{"name not a string", `[{"name":1,"type":"string",` + d + `}]`,
			[2]expect{fails(ErrFields, "name is not a string"),
				fails(ErrFields, "name is not a string")}},
		{"bad type", `[{"name":"a","type":"int",` + d + `}]`, [2]expect{
			fails(ErrFields, "invalid field type 'int'"),
			fails(ErrFields, "invalid field type 'int'")}},
		{"isList not bool",
			`[{"name":"a","type":"string",` + d + `,"isList":"yes"}]`,
			[2]expect{fails(ErrFields, "isList has the wrong JSON type"),
				fails(ErrFields, "isList")}},
		{"arg not an object",
			`[{"name":"a","type":"string",` + d + `,"arg":true}]`,
			[2]expect{fails(ErrFields, "arg is not a JSON object"),
				fails(ErrFields, "arg is not a JSON object")}},
		{"isRequired without index or key",
			`[{"name":"a","type":"string",` + d +
				`,"arg":{"isRequired":true}}]`,
			[2]expect{fails(ErrFields, "isRequired true, but none of "+
				"isKey nor isIndex"), fails(ErrFields, "isRequired")}},
		{"isKey not bool",
			`[{"name":"a","type":"string",` + d + `,"arg":{"isKey":1}}]`,
			[2]expect{fails(ErrFields, "isKey has the wrong JSON type"),
				fails(ErrFields, "isKey")}},
		{"properties not an array",
			`[{"name":"a","type":"string",` + d + `,"properties":"hidden"}]`,
			[2]expect{fails(ErrFields, "properties"),
				fails(ErrFields, "properties")}},
		{"properties with a number",
			`[{"name":"a","type":"string",` + d +
				`,"properties":["hidden",3]}]`,
			[2]expect{fails(ErrFields, "properties"),
				fails(ErrFields, "properties")}},
		{"display not a string",
			`[{"name":"a","type":"string",` + d + `,"display":2}]`,
			[2]expect{fails(ErrFields, "display"),
				fails(ErrFields, "display")}},
		{"duplicate names",
			`[{"name":"a","type":"string",` + d + `},` +
				`{"name":"a","type":"uint64",` + d + `}]`,
			[2]expect{fails(ErrFields, "'a' is defined more than once"),
				fails(ErrFields, "more than once")}},
		{"nulls for optional keys",
			`[{"name":"a","type":"string",` + d + `,"arg":null,` +
				`"isList":null,"display":null,"properties":null}]`,
			[2]expect{ok(), ok()}},
		{"every type and flag",
			`[{"name":"a","type":"string",` + d + `,"isList":true,` +
				`"arg":{"isRequired":true,"isIndex":true,"isKey":true},` +
				`"properties":["hidden","info","conversation"],` +
				`"display":"A","unknown":{"x":1}},` +
				`{"name":"b","type":"uint64",` + d + `},` +
				`{"name":"c","type":"reltime",` + d + `},` +
				`{"name":"e","type":"abstime",` + d + `},` +
				`{"name":"f","type":"bool",` + d + `},` +
				`{"name":"g","type":"ipaddr",` + d + `},` +
				`{"name":"h","type":"ipnet",` + d + `}]`,
			[2]expect{ok(), ok()}},
		// addOutput is only read by API 3.8+ hosts.
		{"addOutput not bool",
			`[{"name":"a","type":"string",` + d + `,"addOutput":"x"}]`,
			[2]expect{ok(), fails(ErrFields, "addOutput")}},
	}
	for _, c := range cases {
		for i, gen := range gens32and312 {
			t.Run(c.name+"/"+gen.Name, func(t *testing.T) {
				p, err := Open(probeLib(t, fieldsVariant(c.js)), gen)
				c.want[i].check(t, err)
				if err == nil {
					if err := p.Destroy(); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

func TestOpenInfo(t *testing.T) {
	for _, gen := range gens32and312 {
		t.Run(gen.Name, func(t *testing.T) {
			p := openProbe(t, variant{}, gen)
			in := p.Info()
			if in.Name != "probe" || in.Version != "0.1.0" ||
				in.Description != "host test probe" || in.Contact != "tests" {
				t.Fatalf("info: %+v", in)
			}
			if in.RequiredAPI != (Version{3, 2, 0}) {
				t.Fatalf("required API %v", in.RequiredAPI)
			}
			if !in.Extraction || !in.Parsing {
				t.Fatalf("capabilities: %+v", in)
			}
			if !slices.Equal(in.ExtractSources, []string{"syscall"}) ||
				!slices.Equal(in.ParseSources, []string{"syscall"}) {
				t.Fatalf("sources: %v %v", in.ExtractSources, in.ParseSources)
			}
			f, found := in.Field("probe.exec")
			if !found || f.Type != "string" || !f.Arg.IsRequired ||
				!f.Arg.IsKey || f.Arg.IsIndex || f.ID != 0 {
				t.Fatalf("probe.exec: %+v", f)
			}
			if f, _ := in.Field("probe.addr"); !f.IsList || f.ID != 7 {
				t.Fatalf("probe.addr: %+v", f)
			}
			// A 3.2 host never resolves the 3.12 symbol.
			has := slices.Contains(in.Symbols,
				"get_required_event_schema_version")
			if has != (gen == Gen312) {
				t.Fatalf("%v resolved schema symbol: %v", gen, has)
			}
		})
	}
}

func TestOpenDlopenFailure(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "nope.so"), Gen312)
	wantErr(t, err, ErrDlopen, "can't load plugin dynamic library")
	if !strings.Contains(err.Error(), "nope.so") {
		t.Fatalf("error does not name the file: %v", err)
	}
}

func TestOpenRefusesContainerPluginWithStaticField(t *testing.T) {
	_, err := Open(probeLib(t, variant{}),
		Gen32.WithContainerPlugin(ContainerPluginFirst))
	if err == nil || !strings.Contains(err.Error(), "static container_id") {
		t.Fatalf("got %v", err)
	}
	var he *Error
	if errors.As(err, &he) {
		t.Fatalf("a host misuse must not look like a plugin error: %v", err)
	}
}
