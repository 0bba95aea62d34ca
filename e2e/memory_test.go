package e2e

import (
	"fmt"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
	"github.com/falco-anomalydetection/anomalydetection/internal/sketch"
)

// The plugin's memory, as documented in the README:
//
//	sum over profiles of (rows x cols x 8 + sketchOverhead)
//	+ 32 KiB per profile that keeps prefixes, and the 30 KiB entry cache
//	+ per-instance buffers that grow to the largest event seen (bounded
//	  by perInstance below for ordinary events)
//	+ on API 3.2 hosts only, per live thread in libsinsp's table: the
//	  plugin's two dynamic string fields (the args and env of its last
//	  exec, about their own size), freed with the thread by libsinsp.
//
// The plugin keeps nothing per thread in its own heap, so process churn
// must leave its heap flat.
const (
	sketchOverhead = 512
	perInstance    = 256 << 10
	prefixCache    = 32 << 10
	entryCache     = 30 << 10
)

func TestMemoryFlatUnderChurn(t *testing.T) {
	if testing.Short() {
		t.Skip("process churn takes a few seconds")
	}
	for _, g := range []host.Gen{host.Gen312, host.Gen32} {
		t.Run(g.Name, func(t *testing.T) { churn(t, g) })
	}
}

func churn(t *testing.T, g host.Gen) {
	p := openInit(t, g, seedConfig)
	defer p.Destroy()
	heap, err := heapLive(lib)
	if err != nil {
		t.Fatal(err)
	}
	cmem, err := cBytes(lib)
	if err != nil {
		t.Fatal(err)
	}
	// The sketches and caches are C memory (for the C counting path):
	// the plugin's memory is its Go heap plus that.
	live := func() uint64 { return heap() + cmem(p.StateHandle()) }
	newProc(t, p, 2000, "cron")
	run := func(from, to int64) {
		for tid := from; tid < to; tid++ {
			th := host.Thread{Tid: tid, Pid: tid, Ptid: 2000, Sid: 1000, Vtid: tid, Vpid: tid, Vpgid: tid,
				Comm: "job", ExePath: "/usr/bin/job", Flags: 1 << 30,
				Args: []string{"--run", fmt.Sprint(tid)}, Env: []string{"HOME=/root"},
				FDs: []host.FD{{Num: 3, Type: 1, Name: fmt.Sprintf("/var/log/job-%d.log", tid)}}}
			if err := p.Threads().PutThread(th); err != nil {
				t.Fatal(err)
			}
			num := uint64(tid) * 2
			exec := event.EncodeExecve(event.ExecEvent{TS: num, Tid: tid, Pid: tid, Ptid: 2000,
				Comm: "job", Args: th.Args, Env: th.Env})
			open := event.EncodeOpenat(event.FileEvent{TS: num + 1, Tid: tid, FD: 3, DirFD: -100,
				Path: th.FDs[0].Name})
			for i, raw := range [][]byte{exec, open} {
				if err := p.Parse(raw, num+uint64(i)); err != nil {
					t.Fatal(err)
				}
				if _, _, err := p.Extract(raw, num+uint64(i), "anomaly.count_min_sketch.profile[1]"); err != nil {
					t.Fatal(err)
				}
			}
			p.Threads().Delete(tid)
		}
	}
	run(10000, 11000)
	warm := live()
	run(11000, 31000)
	after := live()

	shape, _ := sketch.ShapeFor(0.001, 0.0001)
	sketches := uint64(3 * (shape.Cells()*8 + sketchOverhead))
	t.Logf("plugin memory (Go heap and fixed C memory): %d bytes after 1000 processes, %d after 21000; sketches %d", warm, after, sketches)
	if after > warm+32<<10 {
		t.Errorf("heap grew by %d bytes over 20000 short-lived processes", after-warm)
	}
	// The seed config keeps prefixes for one profile.
	if limit := sketches + prefixCache + entryCache + perInstance; after > limit {
		t.Errorf("memory %d exceeds the formula's %d (sketches) + %d", after, sketches, limit-sketches)
	}
	if after < sketches {
		t.Errorf("memory %d is below the sketches' own %d bytes: the measurement is wrong", after, sketches)
	}
}
