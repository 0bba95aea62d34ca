package config

import "testing"

// BenchmarkParse measures decoding the seed README's configuration. Parse
// runs once per plugin init, so this is for regressions, not a hot path.
func BenchmarkParse(b *testing.B) {
	raw := readFile(b, "seed_readme.good.json")
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Parse(raw, fakeCheck); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookup measures resolving a profile name, which extraction may
// do for anomaly.count_min_sketch[name]; it must not allocate.
func BenchmarkLookup(b *testing.B) {
	cfg, err := Parse(readFile(b, "names_and_syscalls.good.json"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if i, ok := cfg.Lookup("file.opens-v2"); !ok || i != 1 {
			b.Fatal(i, ok)
		}
	}
}

// TestLookupAllocs keeps Lookup allocation-free outside benchmarks too.
func TestLookupAllocs(t *testing.T) {
	cfg, err := Parse(readFile(t, "names_and_syscalls.good.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	name := "file.opens-v2"
	if n := testing.AllocsPerRun(100, func() { cfg.Lookup(name) }); n != 0 {
		t.Errorf("Lookup allocates %v times", n)
	}
}
