package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// seedConfig is the seed README's three profiles.
const seedConfig = `{"count_min_sketch": {"enabled": true, "n_sketches": 3,
  "gamma_eps": [[0.001, 0.0001], [0.001, 0.0001], [0.001, 0.0001]],
  "behavior_profiles": [
    {"fields": "%container.id %proc.name %proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname", "event_codes": [293, 331]},
    {"fields": "%container.id %proc.name %proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname %fd.name", "event_codes": [3, 307, 327]},
    {"fields": "%container.id %proc.args", "event_codes": [293, 331]}]}}`

// path60 is a 60-byte path.
func path60(name string) string {
	p := "/usr/local/lib/benchmark/" + name
	return p + strings.Repeat("x", 60-len(p))
}

// loadTree fills the threads table with a realistic state: a process
// chain of depth 8 under systemd (the event process at the bottom, in
// session 1000 and its own process group), each with 5 to 20 arguments and
// 60-byte paths, plus 300 unrelated processes.
func loadTree(tb testing.TB, p *host.Plugin) int64 {
	tb.Helper()
	put := func(tid, ptid int64, comm string, nargs int) {
		th := host.Thread{
			Tid: tid, Pid: tid, Ptid: ptid, Sid: 1000, Vtid: tid, Vpid: tid, Vpgid: tid, Pgid: tid,
			Comm: comm, Exe: comm, ExePath: path60(comm), Cwd: "/srv/app/", Root: "/",
			Flags: 1 << 30, Args: benchArgs(nargs), Env: []string{"HOME=/root", "PATH=/usr/bin:/bin"},
			FDs: []host.FD{{Num: 3, Type: 1, Name: path60("data.db"), NameRaw: path60("data.db")}},
		}
		if err := p.Threads().PutThread(th); err != nil {
			tb.Fatal(err)
		}
	}
	put(1, 0, "systemd", 5)
	chain := []string{"containerd", "shim", "runc", "bash", "make", "sh", "cc1", "app"}
	parent := int64(1)
	for i, comm := range chain {
		tid := int64(1000 + i)
		put(tid, parent, comm, leafArgs-2*(len(chain)-1-i))
		parent = tid
	}
	for i := int64(0); i < 300; i++ {
		put(5000+i, 1, "worker", 5)
	}
	return parent
}

// leafArgs is how many arguments the deepest process of the tree has (the
// others have 5 to 17); its exec events carry the same list.
const leafArgs = 19

// benchArgs returns n arguments of about 17 bytes.
func benchArgs(n int) []string {
	args := make([]string, n)
	for i := range args {
		args[i] = fmt.Sprintf("--option-%02d=value", i)
	}
	return args
}

// BenchmarkPlugin measures the plugin through the C ABI, driven by the
// in-repo host: per event, parse plus what a typical rule extracts (the
// count in the condition, the count and the profile in the output), in
// one host call per event (host.Batch). The figures include the host's own
// work (building inputs, checking that every table entry was released,
// its table emulation), so they bound the plugin's cost from above;
// BenchmarkHostOnly measures that work with a plugin that does nothing.
// plugin-allocs/op counts heap allocations in the plugin's own Go
// runtime, which b.ReportAllocs cannot see; table-calls/op counts the
// plugin's calls of the host's table reader, which cost the same kind of
// time in libsinsp whatever this machine's speed.
func BenchmarkPlugin(b *testing.B) {
	benchLibrary(b, lib, "")
}

// BenchmarkHostOnly runs the same calls against a plugin that does
// nothing (testdata/nullplugin.c): the host's own cost per event, to
// subtract from BenchmarkPlugin's figures.
func BenchmarkHostOnly(b *testing.B) {
	so := filepath.Join(b.TempDir(), "libnull.so")
	out, err := exec.Command("gcc", "-O2", "-shared", "-fPIC", "-o", so, "testdata/nullplugin.c").CombinedOutput()
	if err != nil {
		b.Fatalf("gcc: %v\n%s", err, out)
	}
	benchLibrary(b, so, "null")
}

// BenchmarkGoFloor runs the same calls against the null plugin built as
// a Go library whose parse enters Go and returns (testdata/nullgo): what
// any Go plugin costs per event in this host before doing any work. The
// extractions stay in C, as this plugin's own fast path answers them.
func BenchmarkGoFloor(b *testing.B) {
	so := filepath.Join(b.TempDir(), "libnullgo.so")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", so, "./testdata/nullgo")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	benchLibrary(b, so, "nullgo")
}

func benchLibrary(b *testing.B, lib, prefix string) {
	for _, gen := range []host.Gen{host.Gen312, host.Gen32} {
		p, err := host.Open(lib, gen, host.WithoutStdoutCheck())
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Init(seedConfig); err != nil {
			b.Fatal(err)
		}
		tid := loadTree(b, p)
		// The plugin's own counters; the null plugins and builds from
		// before a hook (measured through AD_PLUGIN_LIB) have none, and
		// their metrics are left out rather than shown as 0.
		var allocs, crossed, fast, gocalls func() uint64
		if prefix == "" {
			allocs, _ = heapAllocs(lib)
			if cross, err := crossings(lib); err == nil {
				crossed = func() uint64 { return cross(p.StateHandle()) }
			}
			if hits, err := fastHits(lib); err == nil {
				fast = func() uint64 { return hits(p.StateHandle()) }
			}
			if calls, err := goCalls(lib); err == nil {
				gocalls = func() uint64 { return calls(p.StateHandle()) }
			}
		}
		counters := benchCounters{allocs, crossed, fast, gocalls}
		events := []struct {
			name    string
			raw     []byte
			profile int
		}{
			{"execve", event.EncodeExecve(event.ExecEvent{TS: 1, Tid: tid, Pid: tid, Ptid: 1006,
				Exe: "app", Args: benchArgs(leafArgs), Comm: "app"}), 0},
			{"openat", event.EncodeOpenat(event.FileEvent{TS: 1, Tid: tid, FD: 3, DirFD: -100,
				Path: path60("data.db")}), 1},
			{"unsubscribed", event.Encode(1, tid, 7, event.PInt64(0)), -1},
		}
		for _, ev := range events {
			b.Run(fmt.Sprintf("gen=%s/event=%s", gen.Name, ev.name), func(b *testing.B) {
				if prefix != "" && ev.profile < 0 {
					b.Skip("not subscribed: the host never calls the plugin")
				}
				runEvents(b, p, ev.raw, ruleFields(ev.profile), false, counters)
			})
		}
		// The prototype's measured shapes: parse alone, a rule reading
		// [0], a rule reading [0], [1] and [2] ([1], the file profile,
		// has no value on an execve).
		for _, reads := range [][]string{nil, countFields(0), countFields(0, 1, 2)} {
			b.Run(fmt.Sprintf("gen=%s/event=execve/reads=%d", gen.Name, len(reads)), func(b *testing.B) {
				runEvents(b, p, events[0].raw, reads, true, counters)
			})
		}
		if err := p.Destroy(); err != nil {
			b.Fatal(err)
		}
	}
}

// ruleFields are what a typical rule on profile prof extracts: the count
// in its condition, the count and the profile in its output.
func ruleFields(prof int) []string {
	if prof < 0 {
		return nil
	}
	count := fmt.Sprintf("anomaly.count_min_sketch[%d]", prof)
	return []string{count, count, fmt.Sprintf("anomaly.count_min_sketch.profile[%d]", prof)}
}

func countFields(profs ...int) []string {
	var out []string
	for _, i := range profs {
		out = append(out, fmt.Sprintf("anomaly.count_min_sketch[%d]", i))
	}
	return out
}

// benchCounters read the plugin's own counters: heap allocations, calls
// into the host's table code, extractions answered without Go, and calls
// that entered Go. A nil one is not measured.
type benchCounters struct{ allocs, crossings, fast, gocalls func() uint64 }

// runEvents drives raw through p b.N times, extracting fields; every field
// must have a value at the end unless optional. It reports the counters
// that are measured and the host's count of table calls.
func runEvents(b *testing.B, p *host.Plugin, raw []byte, fields []string, optional bool, c benchCounters) {
	batch, err := p.NewBatch(fields...)
	if err != nil {
		b.Fatal(err)
	}
	defer batch.Close()
	num := uint64(1 << 32)
	counters := []struct {
		read func() uint64
		unit string
		from uint64
	}{{c.allocs, "plugin-allocs/op", 0}, {c.crossings, "crossings/op", 0},
		{c.fast, "c-extracts/op", 0}, {c.gocalls, "go-calls/op", 0}}
	for i := range counters {
		if counters[i].read != nil {
			counters[i].from = counters[i].read()
		}
	}
	calls := p.Stats().TableCalls
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		num++
		if err := p.Event(raw, num, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	for i := range fields {
		if _, ok := batch.Text(i); !ok && !optional {
			b.Fatalf("%s: no value", fields[i])
		}
	}
	for _, k := range counters {
		if k.read != nil {
			b.ReportMetric(float64(k.read()-k.from)/float64(b.N), k.unit)
		}
	}
	b.ReportMetric(float64(p.Stats().TableCalls-calls)/float64(b.N), "table-calls/op")
}
