package host

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// testDir holds the libraries the tests build; removed after the run.
var testDir string

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(guardChild())
	}
	d, err := os.MkdirTemp("", "adhost-test-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// variant is a set of C macros for testdata/probe/probe.c: a name maps to
// its replacement text ("" defines it empty). Use cq for string values.
type variant map[string]string

// cq quotes s as a C string literal (ASCII only).
func cq(s string) string { return strconv.Quote(s) }

func (v variant) key() string {
	names := make([]string, 0, len(v))
	for n := range v {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "#define %s %s\n", n, v[n])
	}
	return b.String()
}

var probeCache sync.Map // variant key -> *probeBuild

type probeBuild struct {
	once sync.Once
	path string
	err  error
}

// probeLib compiles probe.c with the variant's macros (once per variant
// and test binary) and returns the library path.
func probeLib(t testing.TB, v variant) string {
	t.Helper()
	if testDir == "" {
		t.Fatal("testDir not set: run through TestMain")
	}
	key := v.key()
	b, _ := probeCache.LoadOrStore(key, &probeBuild{})
	pb := b.(*probeBuild)
	pb.once.Do(func() { pb.path, pb.err = compileProbe(key) })
	if pb.err != nil {
		t.Fatal(pb.err)
	}
	return pb.path
}

func compileProbe(defines string) (string, error) {
	sum := sha256.Sum256([]byte(defines))
	name := "probe-" + hex.EncodeToString(sum[:8])
	hdr := filepath.Join(testDir, name+".h")
	if err := os.WriteFile(hdr, []byte(defines), 0o644); err != nil {
		return "", err
	}
	out := filepath.Join(testDir, name+".so")
	src, err := filepath.Abs(filepath.Join("testdata", "probe", "probe.c"))
	if err != nil {
		return "", err
	}
	abi, err := filepath.Abs(filepath.Join("..", "abi"))
	if err != nil {
		return "", err
	}
	cmd := exec.Command("gcc", "-shared", "-fPIC", "-O1", "-Wall",
		"-Werror", "-I", abi, "-include", hdr, "-o", out, src)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("gcc %s: %v\n%s", defines, err, b)
	}
	return out, nil
}

// gens32and312 are the two generations every failure path is tested on.
var gens32and312 = []Gen{Gen32, Gen312}

// openProbe opens a probe variant on gen and destroys it at cleanup.
func openProbe(t testing.TB, v variant, gen Gen, opts ...Option) *Plugin {
	t.Helper()
	p, err := Open(probeLib(t, v), gen, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Destroy(); err != nil {
			t.Errorf("Destroy: %v", err)
		}
	})
	return p
}

// initProbe opens and inits a probe with an init script.
func initProbe(t testing.TB, v variant, gen Gen, script string,
	opts ...Option) *Plugin {
	t.Helper()
	p := openProbe(t, v, gen, opts...)
	if err := p.Init(strconv.Quote(script)); err != nil {
		t.Fatalf("Init: %v", err)
	}
	return p
}

// probeEvent is an open exit event (the probe's type) whose second
// parameter carries a parse script.
func probeEvent(tid int64, script string) []byte {
	return event.Encode(1700000000000000000, tid, 3,
		event.PInt64(3), event.PString(script), event.PUint32(0),
		event.PUint32(0), event.PUint32(0), event.PUint64(0))
}

// exec runs an extract-time script through probe.exec.
func exec_(t testing.TB, p *Plugin, script string) string {
	t.Helper()
	v, ok, err := p.Extract(probeEvent(1, ""), 1, "probe.exec["+script+"]")
	if err != nil || !ok {
		t.Fatalf("probe.exec[%s]: ok=%v err=%v", script, ok, err)
	}
	return v.Text()
}

// parse runs a parse-time script and returns its output.
func parse(t testing.TB, p *Plugin, script string) string {
	t.Helper()
	if err := p.Parse(probeEvent(1, script), 1); err != nil {
		t.Fatalf("parse %q: %v", script, err)
	}
	v, ok, err := p.Extract(probeEvent(1, ""), 1, "probe.parse")
	if err != nil || !ok {
		t.Fatalf("probe.parse: ok=%v err=%v", ok, err)
	}
	return v.Text()
}

func initOut(t testing.TB, p *Plugin) string {
	t.Helper()
	v, ok, err := p.Extract(probeEvent(1, ""), 1, "probe.init")
	if err != nil || !ok {
		t.Fatalf("probe.init: ok=%v err=%v", ok, err)
	}
	return v.Text()
}

// wantErr checks that err has kind and contains every fragment.
func wantErr(t testing.TB, err, kind error, frags ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %q is not %v", err, kind)
	}
	for _, f := range frags {
		if !strings.Contains(err.Error(), f) {
			t.Fatalf("error %q lacks %q", err, f)
		}
	}
}
