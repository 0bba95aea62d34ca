package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// lib is the plugin library under test, built once for the package (or
// taken from $AD_PLUGIN_LIB).
var lib string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ad-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lib, err = host.BuildLibrary(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "build the plugin:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// openInit loads the library on gen and inits it with config.
func openInit(t testing.TB, gen host.Gen, config string) *host.Plugin {
	t.Helper()
	p, err := host.Open(lib, gen)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Init(config); err != nil {
		p.Destroy()
		t.Fatalf("init: %v", err)
	}
	return p
}
