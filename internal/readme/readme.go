// Package readme renders the README's field tables: the plugin's
// extraction fields from its plugin_get_fields output, and the profile
// fields from the profile package's descriptor table.
package readme

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// Update returns text with the tables between the
// <!-- README-PLUGIN-FIELDS --> and <!-- PROFILE-FIELDS --> markers
// (and their closing twins) regenerated from fields, the library's
// extraction fields as the host read them.
func Update(text []byte, fields []host.Field) ([]byte, error) {
	text, err := replace(text, "README-PLUGIN-FIELDS", pluginTable(fields))
	if err != nil {
		return nil, err
	}
	return replace(text, "PROFILE-FIELDS", profileTable(profile.Fields()))
}

// replace puts body between the <!-- NAME --> and <!-- /NAME --> markers.
func replace(text []byte, name, body string) ([]byte, error) {
	open, end := []byte("<!-- "+name+" -->\n"), []byte("<!-- /"+name+" -->")
	i, j := bytes.Index(text, open), bytes.Index(text, end)
	if i < 0 || j < i {
		return nil, fmt.Errorf("markers %q not found in order", name)
	}
	var out bytes.Buffer
	out.Write(text[:i+len(open)])
	out.WriteString(body)
	out.Write(text[j:])
	return out.Bytes(), nil
}

func pluginTable(fields []host.Field) string {
	var b strings.Builder
	b.WriteString("| name | type | argument | description |\n|---|---|---|---|\n")
	for _, f := range fields {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", f.Name, f.Type, argText(f.Arg), cell(f.Desc))
	}
	return b.String()
}

func argText(a host.FieldArg) string {
	var kinds []string
	if a.IsIndex {
		kinds = append(kinds, "index")
	}
	if a.IsKey {
		kinds = append(kinds, "name")
	}
	if len(kinds) == 0 {
		return "none"
	}
	need := "optional"
	if a.IsRequired {
		need = "required"
	}
	return strings.Join(kinds, " or ") + ", " + need
}

func profileTable(fields []profile.Field) string {
	var b strings.Builder
	b.WriteString("| field | argument | events | description |\n|---|---|---|---|\n")
	for _, f := range fields {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Name, profileArg(f.Arg), events(f), cell(f.Desc))
	}
	return b.String()
}

func profileArg(k profile.ArgKind) string {
	switch k {
	case profile.ArgIndexOptional:
		return "`[N]` optional"
	case profile.ArgIndexRequired:
		return "`[N]` required"
	case profile.ArgKeyOptional:
		return "`[NAME]` optional"
	}
	return "none"
}

// events lists the supported codes a field can be evaluated on.
func events(f profile.Field) string {
	if f.Events == nil {
		return "all"
	}
	var names []string
	seen := map[string]bool{}
	for _, c := range event.SupportedCodes() {
		if n := event.Name(c); f.Events(c) && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ")
}
