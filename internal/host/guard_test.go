package host

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The guard page tests run the crashing call in a child process: the test
// binary re-executes itself with childEnv set, TestMain hands over to
// guardChild, and the parent checks that the child died of a SIGSEGV at
// the guard page's address.
const (
	childEnv    = "AD_HOST_GUARD_CHILD"
	childLibEnv = "AD_HOST_GUARD_LIB"
)

// guardCases: which struct the probe reads one member past, the READ_PAST
// value, the guard region, whether an API 3.12 host has the member, and
// how far before the guard page the fault is expected.
var guardCases = []struct {
	name     string
	readPast string
	region   int
	okOn312  bool
	before   func(Gen) int
}{
	{"init input log_fn", "1", guardInit, true, nil},
	{"tables input reader_ext", "2", guardTables, true, nil},
	{"extract input value_offsets", "3", guardExtract, true, nil},
	{"one byte past the event", "4", guardEvent, false, nil},
	// The init input's config pointer, read during parse: after init
	// the whole region is PROT_NONE.
	{"init input kept after init", "5", guardInit, false,
		func(g Gen) int { return g.InitInputSize() }},
}

func genByName(name string) (Gen, bool) {
	for _, g := range Gens() {
		if g.Name == name {
			return g, true
		}
	}
	return Gen{}, false
}

// guardChild runs one case and is expected never to return normally.
func guardChild() int {
	var idx int
	var genName string
	if _, err := fmt.Sscanf(os.Getenv(childEnv), "%d %s", &idx,
		&genName); err != nil {
		fmt.Fprintln(os.Stderr, "child: bad", childEnv, err)
		return 3
	}
	gen, ok := genByName(genName)
	if !ok || idx < 0 || idx >= len(guardCases) {
		fmt.Fprintln(os.Stderr, "child: bad case")
		return 3
	}
	c := guardCases[idx]
	p, err := Open(os.Getenv(childLibEnv), gen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		return 3
	}
	addr := p.c.guardAddr(c.region)
	if c.before != nil {
		addr -= uintptr(c.before(gen))
	}
	fmt.Fprintf(os.Stderr, "guard=%#x\n", addr)
	if err := p.Init(""); err != nil {
		fmt.Fprintln(os.Stderr, "child: init:", err)
		return 4
	}
	evt := probeEvent(1, "")
	if c.region == guardEvent || c.readPast == "5" {
		err = p.Parse(evt, 1)
	} else {
		_, _, err = p.Extract(evt, 1, "probe.evtnum")
	}
	fmt.Fprintln(os.Stderr, "child: survived:", err)
	return 5
}

func TestGuardPageCatchesReadsPastTheStruct(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range guardCases {
		lib := probeLib(t, variant{"READ_PAST": c.readPast})
		for _, gen := range gens32and312 {
			crash := gen == Gen32 || !c.okOn312
			t.Run(c.name+"/"+gen.Name, func(t *testing.T) {
				if !crash {
					p := openProbe(t, variant{"READ_PAST": c.readPast}, gen)
					if err := p.Init(""); err != nil {
						t.Fatalf("Init on %v: %v", gen, err)
					}
					if _, _, err := p.Extract(probeEvent(1, ""), 1,
						"probe.evtnum"); err != nil {
						t.Fatalf("Extract on %v: %v", gen, err)
					}
					return
				}
				cmd := exec.Command(exe, "-test.run=^$")
				cmd.Env = append(os.Environ(),
					fmt.Sprintf("%s=%d %s", childEnv, i, gen.Name),
					childLibEnv+"="+lib)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				out := stderr.String()
				if err == nil {
					t.Fatalf("child exited 0:\n%s", out)
				}
				var guard string
				if _, e := fmt.Sscanf(out, "guard=%s", &guard); e != nil {
					t.Fatalf("child printed no guard address:\n%s", out)
				}
				if !strings.Contains(out, "SIGSEGV") ||
					!strings.Contains(out, "addr="+guard) {
					t.Fatalf("child did not fault at the guard page %s:\n%s",
						guard, out)
				}
			})
		}
	}
}
