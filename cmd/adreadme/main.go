// Command adreadme regenerates the field tables of README.md: the plugin's
// extraction fields from the built library's own plugin_get_fields (loaded
// through the in-repo host), and the profile fields from the profile
// package's descriptor table.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

func main() {
	lib := flag.String("lib", "./libanomalydetection.so", "the built plugin library")
	readme := flag.String("readme", "README.md", "the file to update in place")
	flag.Parse()
	if err := run(*lib, *readme); err != nil {
		fmt.Fprintln(os.Stderr, "adreadme:", err)
		os.Exit(1)
	}
}

func run(lib, readme string) error {
	p, err := host.Open(lib, host.Gen312)
	if err != nil {
		return err
	}
	fields := p.Info().Fields
	if err := p.Destroy(); err != nil {
		return err
	}
	text, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	text, err = replace(text, "README-PLUGIN-FIELDS", pluginTable(fields))
	if err != nil {
		return err
	}
	text, err = replace(text, "PROFILE-FIELDS", profileTable(profile.Fields()))
	if err != nil {
		return err
	}
	return os.WriteFile(readme, text, 0o644)
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
