package host

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// The real library: built once per test binary from ./plugin (or taken
// from $AD_PLUGIN_LIB). These tests prove the host drives a Go c-shared
// plugin inside a Go test binary (two Go runtimes, RTLD_DEEPBIND) on every
// generation; the plugin's own behaviour is tested in e2e/.
var real struct {
	once sync.Once
	path string
	err  error
}

func realLib(t testing.TB) string {
	t.Helper()
	real.once.Do(func() { real.path, real.err = BuildLibrary(testDir) })
	if errors.Is(real.err, ErrNoPluginSource) {
		t.Skip("no ./plugin package yet: real-library smoke tests skipped")
	}
	if real.err != nil {
		t.Fatal(real.err)
	}
	return real.path
}

const realConfig = `{"count_min_sketch": {"enabled": true,
 "behavior_profiles": [
  {"name": "spawn", "fields": "%proc.name %proc.pname", "event_codes": ["execve"]},
  {"name": "files", "fields": "%proc.name %fd.name", "event_codes": ["open", "openat"]}]}}`

func realGens() []Gen {
	return append(Gens(), Gen312.WithContainerPlugin(ContainerPluginFirst),
		Gen312.WithContainerPlugin(ContainerPluginAfter))
}

func TestRealLibraryLoadsOnEveryGeneration(t *testing.T) {
	lib := realLib(t)
	for _, gen := range realGens() {
		t.Run(fmt.Sprintf("%s/container%d", gen.Name, gen.ContainerPlugin()),
			func(t *testing.T) {
				p, err := Open(lib, gen)
				if err != nil {
					t.Fatal(err)
				}
				defer func() {
					if err := p.Destroy(); err != nil {
						t.Error(err)
					}
				}()
				in := p.Info()
				if in.Name != "anomalydetection" || !in.Extraction ||
					!in.Parsing || in.RequiredAPI != (Version{3, 2, 0}) {
					t.Fatalf("info %+v", in)
				}
				if _, ok := in.Field("anomaly.count_min_sketch"); !ok {
					t.Fatalf("no anomaly.count_min_sketch field: %+v", in.Fields)
				}
				if err := p.Init(realConfig); err != nil {
					t.Fatal(err)
				}
				types := p.ParseTypes()
				if len(types) == 0 || len(p.ExtractTypes()) == 0 {
					t.Fatal("plugin subscribes to every event type")
				}
				// Enter events carry nothing to count. The plugin parses
				// the two that change the threads table and have no exit
				// (procexit, async events), and nothing else.
				for _, c := range types {
					if c%2 == 0 && !event.ChangesState(c) {
						t.Fatalf("enter event %d parsed: %v", c, types)
					}
				}
				for _, c := range p.ExtractTypes() {
					if c%2 == 0 {
						t.Fatalf("enter event %d extracted: %v", c, types)
					}
				}
				runSpawns(t, p, 3)
				logs := p.Logs()
				if gen.HasLogCallback() && len(logs) == 0 {
					t.Fatalf("%v: no records through the log callback", gen)
				}
				if !gen.HasLogCallback() && len(logs) != 0 {
					t.Fatalf("%v has no log callback, got %+v", gen, logs)
				}
			})
	}
}

// runSpawns sends n execve exit events of one process and checks the
// count grows by one each time.
func runSpawns(t *testing.T, p *Plugin, n int) {
	t.Helper()
	tb := p.Threads()
	for _, th := range []Thread{
		{Tid: 1, Pid: 1, Comm: "systemd", Vtid: 1, Vpid: 1},
		{Tid: 500, Pid: 500, Ptid: 1, Comm: "bash", Vtid: 500, Vpid: 500,
			Flags: 1 << 30},
	} {
		if err := tb.PutThread(th); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= n; i++ {
		raw := event.EncodeExecve(event.ExecEvent{TS: uint64(i), Tid: 500,
			Pid: 500, Ptid: 1, Exe: "bash", Comm: "bash"})
		if err := p.Parse(raw, uint64(i)); err != nil {
			t.Fatal(err)
		}
		v, ok, err := p.Extract(raw, uint64(i), "anomaly.count_min_sketch[spawn]")
		if err != nil || !ok || v.Text() != fmt.Sprint(i) {
			t.Fatalf("event %d: count %q ok=%v err=%v", i, v.Text(), ok, err)
		}
	}
}

// Falco's hot reload inits a second instance on another thread while the
// first keeps running: two instances of the same library, concurrently.
func TestRealLibraryConcurrentInstances(t *testing.T) {
	lib := realLib(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, gen := range gens32and312 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := Open(lib, gen)
			if err == nil {
				err = p.Init(realConfig)
			}
			if err != nil {
				errs <- err
				return
			}
			defer p.Destroy()
			if err := p.Threads().PutThread(Thread{Tid: 9, Pid: 9,
				Comm: "job", Flags: 1 << 30}); err != nil {
				errs <- err
				return
			}
			for i := uint64(1); i <= 200; i++ {
				raw := event.EncodeExecve(event.ExecEvent{TS: i, Tid: 9,
					Pid: 9, Comm: "job", Exe: "job"})
				if err := p.Parse(raw, i); err != nil {
					errs <- err
					return
				}
				v, _, err := p.Extract(raw, i, "anomaly.count_min_sketch[spawn]")
				if err != nil || v.Text() != fmt.Sprint(i) {
					errs <- fmt.Errorf("%v event %d: %q %v", gen, i, v.Text(), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The fixtures' thread state loads into the host and the real plugin
// renders %proc.name from it as libsinsp did.
func TestRealLibraryOnFixtureState(t *testing.T) {
	lib := realLib(t)
	recs, err := ReadFixtureFile(fixtureDir + "/fixture_cases.jsonl")
	if os.IsNotExist(err) {
		t.Skip("fixtures not available")
	}
	if err != nil {
		t.Fatal(err)
	}
	const cfg = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
	 {"fields": "%proc.name", "event_codes": ["execve", "open", "openat"]}]}}`
	for _, gen := range gens32and312 {
		p, err := Open(lib, gen)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Init(cfg); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range recs {
			if r.Code != 293 && r.Code != 3 && r.Code != 307 {
				continue
			}
			if err := p.Threads().LoadFixture(r.Threads); err != nil {
				t.Fatal(err)
			}
			if err := p.Parse(r.Raw(), r.EvtNum); err != nil {
				t.Fatalf("evt %d: %v", r.EvtNum, err)
			}
			v, ok, err := p.Extract(r.Raw(), r.EvtNum,
				"anomaly.count_min_sketch.profile[0]")
			want := r.ExpectText["proc.name"]
			if err != nil || !ok || v.Text() != want {
				t.Errorf("%v evt %d: profile %q ok=%v err=%v, want %q", gen,
					r.EvtNum, v.Text(), ok, err, want)
			}
			n++
		}
		if n < 20 {
			t.Fatalf("only %d fixture records used", n)
		}
		if err := p.Destroy(); err != nil {
			t.Fatal(err)
		}
	}
}
