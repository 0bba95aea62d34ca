package detector

import (
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// narrowSpy is a memState that records Narrow calls.
type narrowSpy struct {
	*memState
	narrowed []profile.Need
}

func (n *narrowSpy) Narrow(need profile.Need) { n.narrowed = append(n.narrowed, need) }

func openat(ts uint64, tid int64, path string) []byte {
	return event.EncodeOpenat(event.FileEvent{TS: ts, Tid: tid, FD: 3, DirFD: -100, Path: path})
}

// parseText parses raw as event num under epoch and returns profile 1's
// display text.
func parseText(t *testing.T, d *Detector, st profile.State, raw []byte, num, epoch uint64, fill bool) string {
	t.Helper()
	ev := decode(t, raw)
	d.BeginEpoch(epoch, fill)
	d.Parse(ev, num, st, nil)
	out, ok := d.Profile(nil, 1, ev, num, st)
	if !ok {
		t.Fatalf("event %d: profile 1 has no value", num)
	}
	return string(out)
}

func TestPrefixCache(t *testing.T) {
	const want = "host sh cron bash sshd /usr/bin/sh 0 sh bash /etc/hosts"
	setup := func() (*Detector, *narrowSpy) {
		d := newDetector(t, seedConfig)
		st := &narrowSpy{memState: tree(3000, "sh", "/usr/bin/sh")}
		st.fds[[2]int64{3000, 3}] = &profile.FD{Num: 3, Type: 1, Name: "/etc/hosts"}
		st.threads[3000].Sid, st.threads[3000].Vpgid = 1000, 3000
		return d, st
	}

	t.Run("hit renders only the fd fields", func(t *testing.T) {
		d, st := setup()
		if got := parseText(t, d, st, openat(1, 3000, "/etc/hosts"), 1, 7, true); got != want {
			t.Fatalf("first render %q, want %q", got, want)
		}
		reads := st.reads
		if got := parseText(t, d, st, openat(2, 3000, "/etc/hosts"), 2, 7, true); got != want {
			t.Errorf("cached render %q, want %q", got, want)
		}
		if d.Stats().PrefixHits != 1 {
			t.Errorf("prefix hits = %d, want 1", d.Stats().PrefixHits)
		}
		if n := st.reads - reads; n != 1 {
			t.Errorf("the cached render read %d entries, want 1 (the event thread, for its fd)", n)
		}
		if len(st.narrowed) != 1 || st.narrowed[0]&profile.NeedComm != 0 {
			t.Errorf("Narrow calls = %v: want one, without the name", st.narrowed)
		}
	})

	// Each of these must render from the table again, and see its change.
	for _, tc := range []struct {
		name  string
		epoch uint64
		ts    uint64
		fill1 bool
		tid   int64
	}{
		{"new epoch", 8, 2, true, 3000},
		{"kept during a state change", 7, 2, false, 3000},
		{"expired", 7, 1 + prefixTTL, true, 3000},
		{"clock went back", 7, 0, true, 3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, st := setup()
			parseText(t, d, st, openat(1, 3000, "/etc/hosts"), 1, 7, tc.fill1)
			st.threads[1000].Comm = "zsh"
			got := parseText(t, d, st, openat(tc.ts, 3000, "/etc/hosts"), 2, tc.epoch, true)
			if want := "host sh cron zsh sshd /usr/bin/sh 0 sh zsh /etc/hosts"; got != want {
				t.Errorf("render %q, want %q", got, want)
			}
			if d.Stats().PrefixHits != 0 {
				t.Errorf("prefix hits = %d, want 0", d.Stats().PrefixHits)
			}
		})
	}

	t.Run("a missing entry is not kept", func(t *testing.T) {
		d, st := setup()
		delete(st.threads, 500) // bash's parent
		parseText(t, d, st, openat(1, 3000, "/etc/hosts"), 1, 7, true)
		parseText(t, d, st, openat(2, 3000, "/etc/hosts"), 2, 7, true)
		if d.Stats().PrefixHits != 0 {
			t.Errorf("prefix hits = %d, want 0", d.Stats().PrefixHits)
		}
	})

	t.Run("a missing event thread is not kept", func(t *testing.T) {
		d, st := setup()
		th := st.threads[3000]
		delete(st.threads, 3000)
		ev := decode(t, openat(1, 3000, "/etc/hosts"))
		d.BeginEpoch(7, true)
		d.Parse(ev, 1, st, nil)
		st.threads[3000] = th // libsinsp learns of it from /proc
		if got := parseText(t, d, st, openat(2, 3000, "/etc/hosts"), 2, 7, true); got != want {
			t.Errorf("render %q, want %q", got, want)
		}
		if d.Stats().PrefixHits != 0 {
			t.Errorf("prefix hits = %d, want 0", d.Stats().PrefixHits)
		}
	})

	t.Run("other threads have their own", func(t *testing.T) {
		d, st := setup()
		parseText(t, d, st, openat(1, 3000, "/etc/hosts"), 1, 7, true)
		other := *st.threads[3000]
		other.Tid, other.Pid, other.Vtid, other.Vpid, other.Comm = 3000+prefixSlots, 3000+prefixSlots, 3000+prefixSlots, 3000+prefixSlots, "awk"
		st.threads[other.Tid] = &other
		st.fds[[2]int64{other.Tid, 3}] = st.fds[[2]int64{3000, 3}]
		got := parseText(t, d, st, openat(2, other.Tid, "/etc/hosts"), 2, 7, true)
		if want := "host awk cron bash sshd /usr/bin/sh 0 sh bash /etc/hosts"; got != want {
			t.Errorf("render %q, want %q", got, want)
		}
	})

	t.Run("without an epoch nothing is used", func(t *testing.T) {
		d, st := setup()
		parseText(t, d, st, openat(1, 3000, "/etc/hosts"), 1, 7, true)
		ev := decode(t, openat(2, 3000, "/etc/hosts"))
		d.Begin()
		d.Parse(ev, 2, st, nil)
		if d.Stats().PrefixHits != 0 || len(st.narrowed) != 0 {
			t.Errorf("prefix hits = %d, Narrow calls %v, want none", d.Stats().PrefixHits, st.narrowed)
		}
	})
}

// TestPrefixCacheEqualsRender: a key assembled from a cached prefix equals
// the full rendering, for plans that split anywhere.
func TestPrefixCacheEqualsRender(t *testing.T) {
	for _, fields := range []string{
		"%proc.name %fd.name",
		"%fd.name %proc.name",
		"%proc.name %proc.pname %evt.type %proc.aname[2] %fd.name",
		"%container.id %proc.cmdline %thread.tid %fd.num",
		"%proc.name %proc.sname",
	} {
		cfg := `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
			{"fields": "%proc.name", "event_codes": ["execve"]},
			{"fields": "` + fields + `", "event_codes": ["openat"]}]}}`
		d := newDetector(t, cfg)
		plain := newDetector(t, cfg)
		st := tree(3000, "sh", "/usr/bin/sh")
		st.fds[[2]int64{3000, 3}] = &profile.FD{Num: 3, Type: 1, Name: "/etc/hosts"}
		for n := uint64(1); n <= 3; n++ {
			raw := openat(n, 3000, "/etc/hosts")
			got := parseText(t, d, st, raw, n, 1, true)
			ev := decode(t, raw)
			plain.Begin()
			plain.Parse(ev, n, st, nil)
			want, _ := plain.Profile(nil, 1, ev, n, st)
			if got != string(want) {
				t.Errorf("%s, event %d: with the cache %q, without %q", fields, n, got, want)
			}
		}
	}
}

func TestCachesOnlyWhereStateHolds(t *testing.T) {
	for _, tc := range []struct {
		cfg  string
		want bool
	}{
		{seedConfig, true},
		{`{"count_min_sketch": {"enabled": true, "behavior_profiles": [
			{"fields": "%proc.name", "event_codes": ["execve", "clone"]}]}}`, false},
		{`{"count_min_sketch": {"enabled": true, "behavior_profiles": [
			{"fields": "%fd.name %proc.name", "event_codes": ["openat"]}]}}`, false},
		{`{"count_min_sketch": {"enabled": true, "behavior_profiles": [
			{"fields": "%proc.name", "event_codes": ["connect"]}]}}`, true},
	} {
		if got := newDetector(t, tc.cfg).Caches(); got != tc.want {
			t.Errorf("Caches() = %v, want %v for %s", got, tc.want, tc.cfg)
		}
	}
}

// BenchmarkEventCached is BenchmarkEvent's openat with the prefix cache
// in use, as the plugin runs it: parse, then the rule's extractions.
func BenchmarkEventCached(b *testing.B) {
	d := newDetector(b, seedConfig)
	st := tree(3000, "sh", "/usr/bin/sh")
	st.fds[[2]int64{3000, 3}] = &profile.FD{Num: 3, Type: 1, Name: "/usr/local/lib/benchmark/databases/production/inventory.db"}
	raw := event.EncodeOpenat(event.FileEvent{TS: 1, Tid: 3000, FD: 3, DirFD: -100, Path: "/etc/hosts"})
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev, _ := event.Decode(raw)
		d.BeginEpoch(1, true)
		d.Parse(&ev, uint64(i), st, nil)
		d.Count(1, &ev, uint64(i), st)
		buf, _ = d.Profile(buf[:0], 1, &ev, uint64(i), st)
	}
	if b.N > 1 && d.Stats().PrefixHits == 0 {
		b.Fatalf("no prefix hits: %+v", d.Stats())
	}
}
