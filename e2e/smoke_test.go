package e2e

import (
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

const smokeConfig = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
  {"name": "lineage", "fields": "%proc.name %proc.aname[1] %proc.exepath", "event_codes": ["execve"]},
  {"fields": "%proc.name %fd.name", "event_codes": ["open", "openat"]}]}}`

func TestSmoke(t *testing.T) {
	for _, gen := range []host.Gen{host.Gen32, host.Gen312} {
		t.Run(gen.Name, func(t *testing.T) {
			p, err := host.Open(lib, gen)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Destroy()
			if err := p.Init(smokeConfig); err != nil {
				t.Fatal(err)
			}
			t.Logf("parse types %v extract types %v", p.ParseTypes(), p.ExtractTypes())
			raw := event.EncodeExecve(event.ExecEvent{TS: 1, Tid: 42, Pid: 42, Comm: "sh", Exe: "sh"})
			if err := p.Parse(raw, 1); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"anomaly.count_min_sketch", "anomaly.count_min_sketch[lineage]", "anomaly.count_min_sketch.profile[0]", "anomaly.falco.duration_ns"} {
				v, ok, err := p.Extract(raw, 1, f)
				t.Logf("%s = %v %v %v", f, v.Text(), ok, err)
			}
			for _, l := range p.Logs() {
				t.Logf("log: %+v", l)
			}
		})
	}
}
