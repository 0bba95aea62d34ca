package e2e

import (
	"bytes"
	"os"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/host"
	"github.com/falco-anomalydetection/anomalydetection/internal/readme"
)

// TestReadmeTablesCurrent fails when the README's field tables differ from
// what the built library's plugin_get_fields and the profile field table
// give: run `make readme`.
func TestReadmeTablesCurrent(t *testing.T) {
	p, err := host.Open(lib, host.Gen312)
	if err != nil {
		t.Fatal(err)
	}
	fields := p.Info().Fields
	if err := p.Destroy(); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := readme.Update(text, fields)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(text, want) {
		t.Error("README.md field tables are out of date: run `make readme`")
	}
}
