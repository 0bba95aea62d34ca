package config

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	compiledOnce sync.Once
	compiled     *jsonschema.Schema
	compileErr   error
)

// compileSchema compiles Schema with a draft-7 validator, which also
// checks the schema against the draft-7 meta-schema.
func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	compiledOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(Schema()))
		if err != nil {
			compileErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft7)
		if err := c.AddResource("anomalydetection.json", doc); err != nil {
			compileErr = err
			return
		}
		compiled, compileErr = c.Compile("anomalydetection.json")
	})
	if compileErr != nil {
		t.Fatalf("schema does not compile: %v", compileErr)
	}
	return compiled
}

// validate checks raw against the schema as libsinsp does: an empty
// configuration is validated as "{}", and a document that is not JSON
// fails.
func validate(sch *jsonschema.Schema, raw string) error {
	if strings.Trim(raw, jsonSpace) == "" {
		raw = "{}"
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(raw))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

func TestSchemaGood(t *testing.T) {
	sch := compileSchema(t)
	for _, name := range fixtures(t, ".good.json") {
		if err := validate(sch, readFile(t, name+".good.json")); err != nil {
			t.Errorf("%s: schema refuses a good config: %v", name, err)
		}
	}
}

// TestSchemaBad checks both ways that the schema refuses exactly the bad
// files marked as structural: it must catch those, and must not refuse
// what Falco's conversion may produce and Parse reports better.
func TestSchemaBad(t *testing.T) {
	sch := compileSchema(t)
	for _, name := range fixtures(t, ".bad.json") {
		want, ok := badWant[name]
		if !ok {
			continue // reported by TestParseBad
		}

		err := validate(sch, readFile(t, name+".bad.json"))
		if want.schema && err == nil {
			t.Errorf("%s: schema accepts a structurally bad config", name)
		}
		if !want.schema && err != nil {
			t.Errorf("%s: schema refuses a config only Parse should judge: %v", name, err)
		}
	}
}

// valijsonKeywords are the schema keywords the schema may use: all of
// them have been implemented by valijson since v0.6 (libs 0.14, Falco
// 0.37), with draft-4 and draft-7 meaning the same thing.
var valijsonKeywords = []string{
	"$schema", "title", "description", "type", "enum", "properties",
	"additionalProperties", "required", "items", "minItems", "maxItems",
	"minimum", "maximum", "minLength", "pattern",
}

func TestSchemaKeywords(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal([]byte(Schema()), &root); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if got := root["$schema"]; got != "http://json-schema.org/draft-07/schema#" {
		t.Errorf("$schema = %v, want draft 7", got)
	}

	var walk func(path string, s map[string]any)
	walk = func(path string, s map[string]any) {
		for k := range s {
			if !slices.Contains(valijsonKeywords, k) {
				t.Errorf("%s: keyword %q is not in the valijson-safe list", path, k)
			}
		}
		if d, _ := s["description"].(string); d == "" {
			t.Errorf("%s: no description", path)
		}
		if props, ok := s["properties"].(map[string]any); ok {
			if s["additionalProperties"] != false {
				t.Errorf("%s: additionalProperties is not false", path)
			}
			for name, sub := range props {
				walk(path+"."+name, sub.(map[string]any))
			}
		}
		if items, ok := s["items"].(map[string]any); ok {
			walk(path+"[]", items)
		}
	}
	walk("$", root)
}

// TestSchemaKeysMatchParse checks that the schema and the decoder know the
// same keys, so neither refuses what the other documents.
func TestSchemaKeysMatchParse(t *testing.T) {
	var root struct {
		Properties map[string]struct {
			Properties map[string]struct {
				Items struct {
					Properties map[string]any `json:"properties"`
				} `json:"items"`
			} `json:"properties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(Schema()), &root); err != nil {
		t.Fatal(err)
	}

	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(s []string) []string {
		s = slices.Clone(s)
		slices.Sort(s)
		return s
	}

	sketch := root.Properties[keySketch]
	var sketchProps []string
	for k := range sketch.Properties {
		sketchProps = append(sketchProps, k)
	}
	slices.Sort(sketchProps)
	if want := sorted(sketchKeys); !slices.Equal(sketchProps, want) {
		t.Errorf("schema count_min_sketch keys %v, Parse knows %v", sketchProps, want)
	}

	profile := keys(sketch.Properties[keyProfiles].Items.Properties)
	if want := sorted(profileKeys); !slices.Equal(profile, want) {
		t.Errorf("schema profile keys %v, Parse knows %v", profile, want)
	}
	if len(root.Properties) != len(rootKeys) {
		t.Errorf("schema has %d top-level keys, Parse knows %v", len(root.Properties), rootKeys)
	}
}
