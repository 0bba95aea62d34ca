package host

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// LibraryEnv names the environment variable that points the host at a
// prebuilt plugin library instead of building one.
const LibraryEnv = "AD_PLUGIN_LIB"

// ErrNoPluginSource is returned by BuildLibrary when the module has no
// ./plugin package to build yet.
var ErrNoPluginSource = errors.New("no ./plugin package in the module")

// BuildLibrary returns the path of the plugin library under test. When
// $AD_PLUGIN_LIB is set it returns that path (which must exist);
// otherwise it runs `go build -buildmode=c-shared ./plugin` from the
// module root into dir/libanomalydetection.so. The build inherits the
// environment, so GOFLAGS and GOEXPERIMENT (cgocheck2, for one) apply to
// the library as given.
func BuildLibrary(dir string) (string, error) {
	if p := os.Getenv(LibraryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: %w", LibraryEnv, err)
		}
		return filepath.Abs(p)
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	src := filepath.Join(root, "plugin")
	if m, _ := filepath.Glob(filepath.Join(src, "*.go")); len(m) == 0 {
		return "", fmt.Errorf("build plugin: %w", ErrNoPluginSource)
	}
	out := filepath.Join(dir, "libanomalydetection.so")
	return out, goBuild(root, out, "./plugin")
}

// goBuild builds pkg (relative to dir) as a c-shared library at out.
func goBuild(dir, out, pkg string) error {
	cmd := exec.Command(goTool(), "build", "-buildmode=c-shared", "-o",
		out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %w\n%s", pkg, err,
			strings.TrimSpace(string(b)))
	}
	return nil
}

// goTool finds the go command: PATH first, then $GOROOT/bin.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if r := os.Getenv("GOROOT"); r != "" {
		return filepath.Join(r, "bin", "go")
	}
	return "/usr/local/go/bin/go"
}

// moduleRoot asks the go command for the main module's directory.
func moduleRoot() (string, error) {
	b, err := exec.Command(goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("go env GOMOD: not inside a module")
	}
	return filepath.Dir(mod), nil
}
