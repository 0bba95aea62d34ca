package e2e

import (
	"fmt"
	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/host"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// fixturesDir is where the golden records live: $FIXTURES_DIR, else the
// shared folder beside the repository.
func fixturesDir() string {
	if d := os.Getenv("FIXTURES_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "fixtures")
}

// replayable reports whether the plugin can reproduce libsinsp's value of
// field on gen. On API 3.2 hosts libsinsp exposes no args, env or fd
// tables: those values come from events the plugin saw earlier, which a
// single fixture record does not provide, so only the other fields are
// compared there.
func replayable(field string, gen host.Gen) bool {
	name, _, _ := strings.Cut(field, "[")
	f, ok := profile.LookupField(name)
	if !ok {
		return false
	}
	if gen.HasSubTables() {
		return true
	}
	// libs 0.14 has no exe_from_memfd thread field either.
	return f.Needs&(profile.NeedArgs|profile.NeedEnv) == 0 && !strings.HasPrefix(name, "fd.") &&
		name != "proc.is_exe_from_memfd"
}

// TestFixtureReplay drives every golden record through the built library:
// the record's thread state goes into the host's threads table, the raw
// event through plugin_parse_event, and every supported field, each as a
// one-field profile, comes back through plugin_extract_fields as
// anomaly.count_min_sketch.profile[i]. libsinsp's text rendering must come
// back exactly (no value renders as an empty profile slot).
func TestFixtureReplay(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixturesDir(), "*.jsonl"))
	if len(files) == 0 {
		t.Fatalf("no fixtures in %s (set FIXTURES_DIR)", fixturesDir())
	}
	var records []host.FixtureRecord
	for _, f := range files {
		rs, err := host.ReadFixtureFile(f)
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, rs...)
	}
	for _, gen := range []host.Gen{host.Gen312, host.Gen311, host.Gen32} {
		t.Run(gen.Name, func(t *testing.T) {
			replay(t, gen, records, nil)
		})
	}
	// The exec records again, with only the fields the C exec path
	// renders (plugin/cparse.c): every profile is then counted there.
	for _, gen := range []host.Gen{host.Gen312, host.Gen311} {
		t.Run("cexec/"+gen.Name, func(t *testing.T) {
			replay(t, gen, records, func(code uint16, f string) bool {
				_, exec := event.ExecLayoutOf(code)
				return exec && cexecFields[strings.Split(f, "[")[0]]
			})
		})
	}
}

// cexecFields are the fields plugin/cparse.c renders on exec events.
var cexecFields = map[string]bool{
	"proc.name": true, "proc.exe": true, "proc.exepath": true, "proc.args": true,
	"proc.cmdline": true, "proc.exeline": true, "user.uid": true, "group.gid": true,
	"user.loginuid": true, "thread.tid": true,
	"proc.tty": true, "container.id": true, "proc.pname": true, "proc.aname": true,
	"proc.sname": true, "proc.vpgid.name": true,
}

// replay checks the records; with only, just the codes and fields it
// accepts, and the C paths must then have counted every record.
func replay(t *testing.T, gen host.Gen, records []host.FixtureRecord, only func(code uint16, field string) bool) {
	byCode := map[uint16][]int{}
	for i := range records {
		byCode[records[i].Code] = append(byCode[records[i].Code], i)
	}
	checked, mismatches := map[string]int{}, map[string]int{}
	for code, idx := range byCode {
		fields := fieldsFor(records[idx[0]].ExpectText, gen, code)
		if only != nil {
			var kept []string
			for _, f := range fields {
				if only(code, f) {
					kept = append(kept, f)
				}
			}
			if fields = kept; len(fields) == 0 {
				continue
			}
		}
		p := openInit(t, gen, replayConfig(fields, code))
		setC, err := cparseToggle(lib) // once the library is loaded
		if err != nil {
			t.Fatal(err)
		}
		cBefore := setC(p.StateHandle(), true)
		for _, i := range idx {
			r := &records[i]
			if err := p.Threads().LoadFixture(r.Threads); err != nil {
				t.Fatalf("%s evt %d: %v", r.Capture, r.EvtNum, err)
			}
			// The records of one code are replayed without the events
			// between them, which changed the table in libsinsp (new,
			// exec'd and exited processes). An async event stands for
			// them: the plugin takes it as a change it cannot see.
			if err := p.Parse(tableChanged(), 1<<40+uint64(i)); err != nil {
				t.Fatal(err)
			}
			if err := p.Parse(r.Raw(), r.EvtNum); err != nil {
				t.Fatalf("%s evt %d: parse: %v", r.Capture, r.EvtNum, err)
			}
			for j, f := range fields {
				want := r.ExpectText[f]
				if string(r.Expect[f]) == "null" {
					want = ""
				}
				v, ok, err := p.Extract(r.Raw(), r.EvtNum, fmt.Sprintf("anomaly.count_min_sketch.profile[%d]", j))
				checked[f]++
				if err != nil || !ok || v.Text() != want {
					mismatches[f]++
					t.Errorf("%s evt %d %s: plugin %q (ok %v, err %v), libsinsp %q",
						r.Capture, r.EvtNum, f, v.Text(), ok, err, want)
				}
			}
		}
		// The first event of an instance always goes to Go (it starts
		// anomaly.falco.duration_ns), a failed exec too, and so does
		// what the C path leaves to Go's complete rules (a leader found
		// by walking the tree): most records must still be counted in C.
		if only != nil {
			counted, ok := setC(p.StateHandle(), true)-cBefore, succeeded(records, idx)
			t.Logf("code %d: %d of %d successful records counted in C", code, counted, ok)
			if counted < uint64(ok)*4/5 {
				t.Errorf("code %d: the C paths counted %d of %d successful records", code, counted, ok)
			}
		}
		if err := p.Destroy(); err != nil {
			t.Fatal(err)
		}
	}
	report(t, checked, mismatches)
}

// succeeded counts the records among idx of calls that did not fail.
func succeeded(records []host.FixtureRecord, idx []int) int {
	n := 0
	for _, i := range idx {
		ev, err := event.Decode(records[i].Raw())
		if err != nil {
			continue
		}
		if res, ok := ev.Int64(0); ok && res == 0 {
			n++
		}
	}
	return n
}

// fieldsFor lists the record fields that can be a profile on code.
func fieldsFor(expect map[string]string, gen host.Gen, code uint16) []string {
	var out []string
	for f := range expect {
		if !replayable(f, gen) {
			continue
		}
		plan, err := profile.Compile("%" + f)
		if err == nil && plan.CheckEvent(code) == nil {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// replayConfig makes one small profile per field, counted on code.
func replayConfig(fields []string, code uint16) string {
	var profiles, shapes []string
	for _, f := range fields {
		profiles = append(profiles, fmt.Sprintf(`{"fields": "%%%s", "event_codes": [%d]}`, f, code))
		shapes = append(shapes, "[1, 64]")
	}
	return fmt.Sprintf(`{"count_min_sketch": {"enabled": true, "rows_cols": [%s], "behavior_profiles": [%s]}}`,
		strings.Join(shapes, ","), strings.Join(profiles, ","))
}

func report(t *testing.T, checked, mismatches map[string]int) {
	names := make([]string, 0, len(checked))
	total := 0
	for f, n := range checked {
		names = append(names, f)
		total += n
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %8s %10s\n", "field", "checked", "mismatches")
	for _, f := range names {
		fmt.Fprintf(&b, "%-28s %8d %10d\n", f, checked[f], mismatches[f])
	}
	t.Logf("%d field values checked through the C ABI\n%s", total, b.String())
	if total == 0 {
		t.Error("no field was checked")
	}
}

// tableChanged is an async event (from a plugin the host runs), which may
// have changed any threads entry.
func tableChanged() []byte {
	return event.Encode(0, 0, event.AsyncEventE, event.PUint32(1), event.PString("container"))
}
