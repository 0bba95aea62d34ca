package host

import (
	"os"
	"testing"
)

// The host's own costs per call, measured with the C probe (whose work
// is negligible): what a plugin benchmark through the host pays on top of
// the plugin itself. The stdout check costs a few system calls per call;
// WithoutStdoutCheck removes them.

func benchProbe(b *testing.B, opts ...Option) *Plugin {
	b.Helper()
	p := initProbe(b, variant{}, Gen312, "table threads int64 T0; "+
		"field T0 comm string F0", opts...)
	if err := p.Threads().PutThread(sampleThread()); err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkParse(b *testing.B) {
	for _, c := range []struct {
		name string
		opts []Option
	}{{"stdoutcheck", nil}, {"nocheck", []Option{WithoutStdoutCheck()}}} {
		b.Run(c.name, func(b *testing.B) {
			p := benchProbe(b, c.opts...)
			evt := probeEvent(100, "get T0 100 E0; read T0 E0 F0; release T0 E0")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.Parse(evt, uint64(i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkExtract(b *testing.B) {
	for _, c := range []struct {
		name, field string
	}{{"uint64", "probe.evtnum"}, {"string", "probe.arg[key]"}} {
		b.Run(c.name, func(b *testing.B) {
			p := benchProbe(b, WithoutStdoutCheck())
			evt := probeEvent(100, "")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, ok, err := p.Extract(evt, uint64(i), c.field); !ok ||
					err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

func BenchmarkPutThread(b *testing.B) {
	p := benchProbe(b, WithoutStdoutCheck())
	th := sampleThread()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Threads().PutThread(th); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadFixture(b *testing.B) {
	recs, err := ReadFixtureFile(fixtureDir + "/fixture_cases.jsonl")
	if os.IsNotExist(err) {
		b.Skip("fixtures not available")
	}
	if err != nil {
		b.Fatal(err)
	}
	p := benchProbe(b, WithoutStdoutCheck())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Threads().LoadFixture(recs[i%len(recs)].Threads); err != nil {
			b.Fatal(err)
		}
	}
}
