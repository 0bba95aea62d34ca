package e2e

import (
	"runtime"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// TestOneCrossingPerEvent: on the seed configuration, parsing an execve or
// an openat and answering a rule's three extractions costs the plugin one
// call into the host's table code (for the execve made by the C parse
// entry before it enters Go): the prefetch of the event thread, its
// ancestors, its leaders and the event's fd. Everything else is cached
// for the event. Once the caches are warm, the table calls and the calls
// into Go are pinned: the execve reads its thread afresh, takes the walk
// from the entry cache and is counted in C (the C exec path); the first
// openat after it renders in Go; the next one reads its fd only, its
// thread's prefix being kept, and is counted in C too.
func TestOneCrossingPerEvent(t *testing.T) {
	p := openInit(t, host.Gen312, seedConfig)
	defer p.Destroy()
	cross, err := crossings(lib) // the library must be loaded first
	if err != nil {
		t.Fatal(err)
	}
	gocalls, err := goCalls(lib)
	if err != nil {
		t.Fatal(err)
	}
	tid := loadTree(t, p)
	execve := event.EncodeExecve(event.ExecEvent{TS: 1, Tid: tid, Pid: tid, Ptid: 1006, Comm: "app",
		Args: benchArgs(leafArgs)})
	openat := event.EncodeOpenat(event.FileEvent{TS: 2, Tid: tid, FD: 3, DirFD: -100, Path: path60("data.db")})
	events := []struct {
		raw        []byte
		profile    int
		tableCalls uint64 // 0: not pinned
		goCalls    int    // -1: not pinned
	}{
		// The first round warms the entry cache.
		{execve, 0, 0, -1}, {openat, 1, 0, -1}, {openat, 1, 0, -1},
		// The execve reads its thread, the walk comes from the cache;
		// the first openat after it renders everything again (the exec
		// may have changed what the prefix shows), the next one is
		// counted in C and reads the fd's name alone.
		{execve, 0, 14, 0}, {openat, 1, 0, 1}, {openat, 1, 6, 0},
	}
	for i, ev := range events {
		batch, err := p.NewBatch(ruleFields(ev.profile)...)
		if err != nil {
			t.Fatal(err)
		}
		before, calls, gone := cross(p.StateHandle()), p.Stats().TableCalls, gocalls(p.StateHandle())
		if err := p.Event(ev.raw, uint64(10+i), batch); err != nil {
			t.Fatal(err)
		}
		if n := cross(p.StateHandle()) - before; n != 1 {
			t.Errorf("event %d: %d crossings, want 1", i, n)
		}
		if n := p.Stats().TableCalls - calls; ev.tableCalls != 0 && n != ev.tableCalls {
			t.Errorf("event %d: %d table calls, want %d", i, n, ev.tableCalls)
		}
		if n := gocalls(p.StateHandle()) - gone; ev.goCalls >= 0 && n != uint64(ev.goCalls) {
			t.Errorf("event %d: %d calls into Go, want %d", i, n, ev.goCalls)
		}
		for j := range ruleFields(ev.profile) {
			if _, ok := batch.Text(j); !ok {
				t.Errorf("event %d field %d: no value", i, j)
			}
		}
		batch.Close()
	}
}

// TestNoAllocationsPerEvent: once warm, the seed configuration's events
// allocate nothing on the plugin's Go heap, whichever path counts them:
// the execve (C exec path), the first openat after it (Go renders it
// afresh) and the next one (C file path), each with a rule's
// extractions. The calling OS thread is pinned, as Falco's event loop is,
// so that the plugin's runtime does not set up a new thread mid-test.
func TestNoAllocationsPerEvent(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p := openInit(t, host.Gen312, seedConfig)
	defer p.Destroy()
	allocs, err := heapAllocs(lib)
	if err != nil {
		t.Fatal(err)
	}
	gocalls, err := goCalls(lib)
	if err != nil {
		t.Fatal(err)
	}
	tid := loadTree(t, p)
	execve := event.EncodeExecve(event.ExecEvent{TS: 1, Tid: tid, Pid: tid, Ptid: 1006, Comm: "app",
		Args: benchArgs(leafArgs)})
	openat := event.EncodeOpenat(event.FileEvent{TS: 2, Tid: tid, FD: 3, DirFD: -100, Path: path60("data.db")})
	batches := make([]*host.Batch, 2)
	for i := range batches {
		if batches[i], err = p.NewBatch(ruleFields(i)...); err != nil {
			t.Fatal(err)
		}
		defer batches[i].Close()
	}
	num := uint64(10)
	round := func() {
		for _, ev := range []struct {
			raw []byte
			b   *host.Batch
		}{{execve, batches[0]}, {openat, batches[1]}, {openat, batches[1]}} {
			num++
			if err := p.Event(ev.raw, num, ev.b); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 3; i++ {
		round() // warm: caches, buffers, the runtime's thread
	}
	// A collection now (heapLive runs one) starts the runtime's
	// collector workers, whose setup allocates, and leaves the pacer no
	// reason to start a cycle during the measured rounds.
	live, err := heapLive(lib)
	if err != nil {
		t.Fatal(err)
	}
	live()
	// The reading itself stops the world and may, now and then, allocate
	// once in the runtime (1 in about 50 readings here): a window passes
	// when it shows no allocation, and one clean window of three is
	// enough. An allocation on the event path shows in every window.
	const rounds = 200
	calls := gocalls(p.StateHandle())
	least := ^uint64(0)
	for w := 0; w < 3 && least != 0; w++ {
		before := allocs()
		for i := 0; i < rounds; i++ {
			round()
		}
		least = min(least, allocs()-before)
	}
	if least != 0 {
		t.Errorf("at least %d heap allocations in each window of %d warm events", least, 3*rounds)
	}
	if n := gocalls(p.StateHandle()) - calls; n < rounds {
		t.Errorf("%d calls into Go in %d rounds: the Go path was not measured", n, rounds)
	}
}
