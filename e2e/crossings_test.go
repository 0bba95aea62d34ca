package e2e

import (
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// TestOneCrossingPerEvent: on the seed configuration, parsing an execve or
// an openat and answering a rule's three extractions costs the plugin one
// call into the host's table code: the prefetch of the event thread, its
// ancestors, its leaders and the event's fd. Everything else is cached
// for the event.
func TestOneCrossingPerEvent(t *testing.T) {
	p := openInit(t, host.Gen312, seedConfig)
	defer p.Destroy()
	cross, err := crossings(lib) // the library must be loaded first
	if err != nil {
		t.Fatal(err)
	}
	tid := loadTree(t, p)
	events := []struct {
		raw     []byte
		profile int
	}{
		{event.EncodeExecve(event.ExecEvent{TS: 1, Tid: tid, Pid: tid, Ptid: 1006, Comm: "app",
			Args: []string{"--option-00=value"}}), 0},
		{event.EncodeOpenat(event.FileEvent{TS: 2, Tid: tid, FD: 3, DirFD: -100, Path: path60("data.db")}), 1},
	}
	for i, ev := range events {
		batch, err := p.NewBatch(ruleFields(ev.profile)...)
		if err != nil {
			t.Fatal(err)
		}
		before := cross(p.StateHandle())
		if err := p.Event(ev.raw, uint64(10+i), batch); err != nil {
			t.Fatal(err)
		}
		if n := cross(p.StateHandle()) - before; n != 1 {
			t.Errorf("event %d: %d crossings, want 1", i, n)
		}
		for j := range ruleFields(ev.profile) {
			if _, ok := batch.Text(j); !ok {
				t.Errorf("event %d field %d: no value", i, j)
			}
		}
		batch.Close()
	}
}
