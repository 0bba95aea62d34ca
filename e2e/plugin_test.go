package e2e

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// gens are the host generations every behavior is checked on: Falco 0.37
// (API 3.2) and Falco 0.42+ (API 3.12), the latter also with the container
// plugin initialised before and after this one, and Falco 0.38.0 (API 3.5,
// libs 0.17) and 0.41 (API 3.11).
var gens = []host.Gen{
	host.Gen32, host.Gen312,
	host.Gen312.WithContainerPlugin(host.ContainerPluginFirst),
	host.Gen312.WithContainerPlugin(host.ContainerPluginAfter),
	host.Gen35, host.Gen311,
}

func forGens(t *testing.T, f func(t *testing.T, g host.Gen)) {
	for _, g := range gens {
		t.Run(g.String(), func(t *testing.T) { f(t, g) })
	}
}

func TestLoadInfo(t *testing.T) {
	forGens(t, func(t *testing.T, g host.Gen) {
		p, err := host.Open(lib, g)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Destroy()
		info := p.Info()
		if info.Name != "anomalydetection" || info.RequiredAPI.String() != "3.2.0" {
			t.Errorf("name %q, required API %s", info.Name, info.RequiredAPI)
		}
		if !info.Extraction || !info.Parsing {
			t.Errorf("capabilities: extraction %v parsing %v", info.Extraction, info.Parsing)
		}
		if fmt.Sprint(info.ExtractSources, info.ParseSources) != "[syscall] [syscall]" {
			t.Errorf("sources %v %v", info.ExtractSources, info.ParseSources)
		}
	})
}

func TestInitErrorsNameThePath(t *testing.T) {
	tests := []struct{ config, want string }{
		{`{"count_min_sketch": {"enabled": true, "behavior_profiles": [{"fields": "%proc.name", "event_codes": ["execv"]}]}}`,
			`count_min_sketch.behavior_profiles[0].event_codes[0]: unknown syscall "execv"`},
		{`{"count_min_sketch": {"enabled": true, "behavior_profiles": [{"fields": "%proc.nme", "event_codes": [293]}]}}`,
			`count_min_sketch.behavior_profiles[0].fields: unknown field "proc.nme"`},
		{`{"count_min_sketch": {"enabled": true, "gamma_eps": [[1, 0.001]], "behavior_profiles": [{"fields": "%proc.name", "event_codes": [293]}]}}`,
			`count_min_sketch.gamma_eps[0][0]: `},
		// Falco's schema check comes first and names the path its own way.
		{`{"count_min_sketch": {"enabled": true, "gamma_eps": [[1.5, 0.001]], "behavior_profiles": [{"fields": "%proc.name", "event_codes": [293]}]}}`,
			`In /count_min_sketch/gamma_eps/0/0`},
		{`{"count_min_sketch": {"enabled": true, "behavior_profiles": [{"fields": "%proc.name", "event_codes": [293], "reset_timer_ms": 50}]}}`,
			`count_min_sketch.behavior_profiles[0].reset_timer_ms: `},
		{`{"count_min_sketch": {"enabled": true, "rows_cols": [[64, 1000000000]], "behavior_profiles": [{"fields": "%proc.name", "event_codes": [293]}]}}`,
			`count_min_sketch.rows_cols[0]: `},
	}
	forGens(t, func(t *testing.T, g host.Gen) {
		for _, tt := range tests {
			p, err := host.Open(lib, g)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Init(tt.config)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("init error %v\n want it to contain %q", err, tt.want)
			}
			if err := p.Destroy(); err != nil {
				t.Error(err)
			}
		}
	})
}

// TestSchemaRejectsTypos: Falco validates the config with the plugin's
// schema before init; an unknown key never reaches the plugin.
func TestSchemaRejectsTypos(t *testing.T) {
	p, err := host.Open(lib, host.Gen312)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Destroy()
	err = p.Init(`{"count_min_sketch": {"enabled": true, "behaviour_profiles": []}}`)
	if err == nil || !strings.Contains(err.Error(), "behaviour_profiles") {
		t.Errorf("init error %v, want the schema to name behaviour_profiles", err)
	}
}

func TestSubscriptions(t *testing.T) {
	forGens(t, func(t *testing.T, g host.Gen) {
		// The seed config's file profile keeps prefix renderings, so the
		// plugin also parses (in C only) the events that change the
		// threads table. It extracts on the counted codes only.
		p := openInit(t, g, seedConfig)
		want := append([]uint16{3, 293, 307, 327, 331}, event.StateCodes()...)
		slices.Sort(want)
		want = slices.Compact(want)
		if got := fmt.Sprint(p.ParseTypes(), p.ExtractTypes()); got != fmt.Sprint(want, " [3 293 307 327 331]") {
			t.Errorf("seed config subscribes to %s", got)
		}
		p.Destroy()
		// Profiles that read no other entry than the event thread's, counted
		// only on events that change state, keep nothing between events.
		p = openInit(t, g, `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
			{"fields": "%proc.name %proc.exepath", "event_codes": ["execve", "clone"]}]}}`)
		if got := fmt.Sprint(p.ParseTypes(), p.ExtractTypes()); got != "[223 293] [223 293]" {
			t.Errorf("exec and clone profile subscribes to %s", got)
		}
		p.Destroy()
		p = openInit(t, g, `{"count_min_sketch": {"enabled": false}}`)
		if got := fmt.Sprint(p.ParseTypes(), p.ExtractTypes()); got != "[322] [322]" {
			t.Errorf("disabled plugin subscribes to %s, want only plugin events", got)
		}
		p.Destroy()
	})
}

// newProc puts a process under a shell under sshd under systemd.
func newProc(t *testing.T, p *host.Plugin, tid int64, comm string, args ...string) {
	t.Helper()
	base := []host.Thread{
		{Tid: 1, Pid: 1, Comm: "systemd", ExePath: "/usr/lib/systemd/systemd"},
		{Tid: 500, Pid: 500, Ptid: 1, Comm: "sshd", ExePath: "/usr/sbin/sshd"},
		{Tid: 1000, Pid: 1000, Ptid: 500, Comm: "bash", ExePath: "/usr/bin/bash"},
		{Tid: tid, Pid: tid, Ptid: 1000, Comm: comm, Exe: comm, ExePath: "/usr/bin/" + comm, Args: args},
	}
	for _, th := range base {
		th.Sid, th.Vtid, th.Vpid, th.Vpgid, th.Flags = 1000, th.Tid, th.Pid, th.Pid, 1<<30
		if err := p.Threads().PutThread(th); err != nil {
			t.Fatal(err)
		}
	}
}

func extractText(t *testing.T, p *host.Plugin, raw []byte, num uint64, field string) (string, bool) {
	t.Helper()
	v, ok, err := p.Extract(raw, num, field)
	if err != nil {
		t.Fatalf("%s: %v", field, err)
	}
	return v.Text(), ok
}

const namedConfig = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
  {"name": "spawn", "fields": "%proc.name %proc.pname %proc.cmdline", "event_codes": ["execve"]},
  {"name": "forks", "fields": "%proc.name %proc.pname", "event_codes": ["clone", "clone3"]},
  {"name": "hourly", "fields": "%proc.name", "event_codes": ["execve"], "reset_timer_ms": 3600000}]}}`

func TestCountsNamesAndIndexes(t *testing.T) {
	forGens(t, func(t *testing.T, g host.Gen) {
		p := openInit(t, g, namedConfig)
		defer p.Destroy()
		newProc(t, p, 2000, "cat", "/etc/hosts")
		for n := uint64(1); n <= 3; n++ {
			raw := event.EncodeExecve(event.ExecEvent{TS: n, Tid: 2000, Pid: 2000, Ptid: 1000,
				Exe: "cat", Comm: "cat", Args: []string{"/etc/hosts"}})
			if err := p.Parse(raw, n); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"anomaly.count_min_sketch", "anomaly.count_min_sketch[0]",
				"anomaly.count_min_sketch[spawn]", "anomaly.count_min_sketch[hourly]"} {
				if got, ok := extractText(t, p, raw, n, f); !ok || got != fmt.Sprint(n) {
					t.Errorf("event %d %s = %q (%v), want %d", n, f, got, ok, n)
				}
			}
			text, _ := extractText(t, p, raw, n, "anomaly.count_min_sketch.profile[spawn]")
			if text != "cat bash cat /etc/hosts" {
				t.Errorf("profile = %q", text)
			}
			for _, f := range []string{"anomaly.count_min_sketch[3]", "anomaly.count_min_sketch[nope]"} {
				if got, ok := extractText(t, p, raw, n, f); ok {
					t.Errorf("%s = %q, want no value", f, got)
				}
			}
			// A profile counted on other events still answers, from the
			// current state, without counting.
			if got, _ := extractText(t, p, raw, n, "anomaly.count_min_sketch[forks]"); got != "0" {
				t.Errorf("forks on an execve = %q, want 0", got)
			}
		}
	})
}

// TestCloneCountedOnce: a fork produces a parent-side and a child-side
// clone exit; only the child side is counted.
func TestCloneCountedOnce(t *testing.T) {
	forGens(t, func(t *testing.T, g host.Gen) {
		p := openInit(t, g, namedConfig)
		defer p.Destroy()
		newProc(t, p, 2000, "make")
		newProc(t, p, 2001, "make")
		for round := uint64(1); round <= 2; round++ {
			parent := event.EncodeClone(event.CloneEvent{TS: round * 10, Tid: 2000, Res: 2001, Pid: 2000, Ptid: 1000, Comm: "make"})
			child := event.EncodeClone(event.CloneEvent{TS: round*10 + 1, Tid: 2001, Res: 0, Pid: 2001, Ptid: 2000, Comm: "make"})
			for i, raw := range [][]byte{parent, child} {
				num := round*10 + uint64(i)
				if err := p.Parse(raw, num); err != nil {
					t.Fatal(err)
				}
				got, _ := extractText(t, p, raw, num, "anomaly.count_min_sketch[forks]")
				if want := fmt.Sprint(round - 1 + uint64(i)); i == 1 && got != want {
					t.Errorf("round %d child side: count %s, want %s", round, got, want)
				}
			}
		}
	})
}

// TestResetTimerEventTime: the hourly profile is zeroed by event time, not
// by the wall clock.
func TestResetTimerEventTime(t *testing.T) {
	forGens(t, func(t *testing.T, g host.Gen) {
		p := openInit(t, g, namedConfig)
		defer p.Destroy()
		newProc(t, p, 2000, "cat")
		const minute = uint64(60e9)
		want := []string{"1", "2", "1", "2"}
		for i, ts := range []uint64{0, 59 * minute, 61 * minute, 62 * minute} {
			raw := event.EncodeExecve(event.ExecEvent{TS: 1e18 + ts, Tid: 2000, Pid: 2000, Ptid: 1000, Comm: "cat"})
			num := uint64(i + 1)
			if err := p.Parse(raw, num); err != nil {
				t.Fatal(err)
			}
			if got, _ := extractText(t, p, raw, num, "anomaly.count_min_sketch[hourly]"); got != want[i] {
				t.Errorf("event at +%d min: hourly = %s, want %s", ts/minute, got, want[i])
			}
			if got, _ := extractText(t, p, raw, num, "anomaly.count_min_sketch[spawn]"); got != fmt.Sprint(i+1) {
				t.Errorf("event at +%d min: spawn = %s, want %d", ts/minute, got, i+1)
			}
			dur, _ := extractText(t, p, raw, num, "anomaly.falco.duration_ns")
			if dur != fmt.Sprint(ts) {
				t.Errorf("duration = %s, want %d", dur, ts)
			}
		}
	})
}

// TestMalformedEvents: events the plugin cannot read are ignored; the
// plugin keeps working.
func TestMalformedEvents(t *testing.T) {
	forGens(t, func(t *testing.T, g host.Gen) {
		p := openInit(t, g, namedConfig)
		defer p.Destroy()
		newProc(t, p, 2000, "cat")
		good := event.EncodeExecve(event.ExecEvent{TS: 1, Tid: 2000, Pid: 2000, Ptid: 1000, Comm: "cat"})
		bad := [][]byte{
			event.Encode(1, 2000, event.ExecveX),                                 // no parameters at all
			event.Encode(1, 2000, event.ExecveX, event.PEmpty(), event.PEmpty()), // empty res
			event.Encode(1, 99999, event.ExecveX, event.PInt64(0)),               // unknown thread
		}
		for i, raw := range bad {
			_ = p.Parse(raw, uint64(100+i)) // the host ignores parse results, as libsinsp does
			for _, f := range []string{"anomaly.count_min_sketch[spawn]", "anomaly.count_min_sketch.profile[spawn]"} {
				if _, _, err := p.Extract(raw, uint64(100+i), f); err != nil {
					t.Errorf("malformed event %d: %s: %v", i, f, err)
				}
			}
		}
		if err := p.Parse(good, 200); err != nil {
			t.Fatal(err)
		}
		if got, _ := extractText(t, p, good, 200, "anomaly.count_min_sketch[spawn]"); got != "1" {
			t.Errorf("after malformed events: count %s, want 1", got)
		}
	})
}

// TestConcurrentInstances is Falco's hot reload: a second instance inits
// and runs on another thread while the first keeps processing events.
func TestConcurrentInstances(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p, err := host.Open(lib, gens[i%len(gens)])
			if err != nil {
				errs <- err
				return
			}
			defer p.Destroy()
			if err := p.Init(namedConfig); err != nil {
				errs <- err
				return
			}
			th := host.Thread{Tid: 7, Pid: 7, Comm: "job", Flags: 1 << 30}
			if err := p.Threads().PutThread(th); err != nil {
				errs <- err
				return
			}
			for n := uint64(1); n <= 500; n++ {
				raw := event.EncodeExecve(event.ExecEvent{TS: n, Tid: 7, Pid: 7, Comm: "job"})
				if err := p.Parse(raw, n); err != nil {
					errs <- err
					return
				}
				v, _, err := p.Extract(raw, n, "anomaly.count_min_sketch[spawn]")
				if err != nil || v.Text() != fmt.Sprint(n) {
					errs <- fmt.Errorf("instance %d event %d: %q %v", i, n, v.Text(), err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
