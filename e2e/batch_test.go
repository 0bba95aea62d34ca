package e2e

import (
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// TestBatchMatchesCalls: the benchmark's one-call-per-event driving gives
// what separate Parse and Extract calls give.
func TestBatchMatchesCalls(t *testing.T) {
	fields := []string{"anomaly.count_min_sketch[spawn]", "anomaly.count_min_sketch.profile[spawn]",
		"anomaly.falco.duration_ns"}
	for _, g := range gens[:2] {
		a, b := openInit(t, g, namedConfig), openInit(t, g, namedConfig)
		newProc(t, a, 2000, "cat", "/etc/hosts")
		newProc(t, b, 2000, "cat", "/etc/hosts")
		batch, err := b.NewBatch(fields...)
		if err != nil {
			t.Fatal(err)
		}
		for n := uint64(1); n <= 3; n++ {
			raw := event.EncodeExecve(event.ExecEvent{TS: n * 1000, Tid: 2000, Pid: 2000, Ptid: 1000,
				Comm: "cat", Args: []string{"/etc/hosts"}})
			if err := a.Parse(raw, n); err != nil {
				t.Fatal(err)
			}
			if err := b.Event(raw, n, batch); err != nil {
				t.Fatal(err)
			}
			for i, f := range fields {
				want, wok := extractText(t, a, raw, n, f)
				got, gok := batch.Text(i)
				if got != want || gok != wok {
					t.Errorf("%s event %d %s: batch %q (%v), calls %q (%v)", g, n, f, got, gok, want, wok)
				}
			}
		}
		// An event no profile uses is never handed to the plugin, as
		// in libsinsp.
		before := b.Stats()
		if err := b.Event(event.Encode(5000, 2000, 7, event.PInt64(0)), 4, batch); err != nil {
			t.Fatal(err)
		}
		after := b.Stats()
		if after.Parse != before.Parse || after.Extract != before.Extract ||
			after.ParseSkipped != before.ParseSkipped+1 ||
			after.ExtractSkipped != before.ExtractSkipped+uint64(len(fields)) {
			t.Errorf("%s: an unsubscribed event: stats %+v, then %+v", g, before, after)
		}
		for i := range fields {
			if _, ok := batch.Text(i); ok {
				t.Errorf("%s: an unsubscribed event: field %d has a value", g, i)
			}
		}
		batch.Close()
		a.Destroy()
		b.Destroy()
	}
}
