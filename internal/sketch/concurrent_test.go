package sketch

import (
	"sync"
	"sync/atomic"
	"testing"
)

// These tests exercise the concurrency rules of the package documentation.
// They assert what readers see; run under -race, they also show that the
// documented patterns are free of data races (make test runs them so).

const (
	concKeys   = 64
	concRounds = 300
)

// concHashes returns the hashes of the keys the concurrency tests count.
func concHashes(s *Sketch) []uint64 {
	hs := make([]uint64, concKeys)
	var buf []byte
	for i := range hs {
		buf = profileKey(buf, i)
		hs[i] = s.Hash(buf)
	}

	return hs
}

// count adds every key once per round, the way the event path counts.
func count(s *Sketch, hs []uint64) {
	for range concRounds {
		for _, h := range hs {
			s.AddHash(h, 1)
		}
	}
}

// With WithConcurrentReads, every reader method runs while one goroutine
// counts: estimates only grow, a snapshot's estimate lies between the
// estimates read just before and just after it, and every snapshot decodes.
func TestConcurrentReads(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := mustNew(t, Shape{4, 1024}, WithMode(m), WithConcurrentReads())
			hs := concHashes(s)
			var done atomic.Bool
			var wg, started sync.WaitGroup
			readers := []func(*testing.T, *Sketch, []uint64, *atomic.Bool){
				readEstimates, readSnapshots, readClonesAndMerges,
			}
			for _, r := range readers {
				wg.Add(1)
				started.Add(1)
				go func() {
					defer wg.Done()
					started.Done()
					r(t, s, hs, &done)
				}()
			}

			// Counting starts once every reader runs, so that they
			// overlap it.
			started.Wait()
			count(s, hs)
			done.Store(true)
			wg.Wait()

			for i, h := range hs {
				if got := s.EstimateHash(h); got < concRounds {
					t.Errorf("key %d: %d after %d additions", i, got, concRounds)
				}
			}
		})
	}
}

// readEstimates checks that a reader never sees an estimate go down while
// only additions happen.
func readEstimates(t *testing.T, s *Sketch, hs []uint64, done *atomic.Bool) {
	last := make([]uint64, len(hs))
	for reads := 0; !done.Load() || reads == 0; reads++ {
		for i, h := range hs {
			got := s.EstimateHash(h)
			if got < last[i] {
				t.Errorf("key %d: estimate fell from %d to %d", i, last[i], got)
				return
			}
			last[i] = got
		}
	}
}

// readSnapshots encodes the sketch while it counts and decodes each
// encoding: the checksum covers the bytes as written, so each is valid, and
// its estimates lie between those read around it.
func readSnapshots(t *testing.T, s *Sketch, hs []uint64, done *atomic.Bool) {
	buf := make([]byte, 0, s.EncodedSize())
	var snap Sketch
	for reads := 0; !done.Load() || reads == 0; reads++ {
		lo := s.EstimateHash(hs[0])
		var err error
		buf, err = s.AppendBinary(buf[:0])
		hi := s.EstimateHash(hs[0])
		if err == nil {
			err = snap.UnmarshalBinary(buf)
		}

		if err != nil {
			t.Errorf("snapshot %d: %v", reads, err)
			return
		}

		if got := snap.EstimateHash(hs[0]); got < lo || got > hi {
			t.Errorf("snapshot %d: estimate %d outside [%d, %d]", reads, got, lo, hi)
			return
		}
	}
}

// readClonesAndMerges clones the sketch, merges it into a private sketch
// and reads its fill ratio while it counts.
func readClonesAndMerges(t *testing.T, s *Sketch, hs []uint64, done *atomic.Bool) {
	acc, err := New(s.Shape(), WithMode(Plain), WithSeed(s.Seed()))
	if err != nil {
		t.Error(err)
		return
	}

	for reads := 0; !done.Load() || reads == 0; reads++ {
		lo := s.EstimateHash(hs[1])
		c := s.Clone()
		if err := acc.Merge(s); err != nil {
			t.Errorf("merge: %v", err)
			return
		}

		if got := c.EstimateHash(hs[1]); got < lo {
			t.Errorf("clone %d: estimate %d below %d read before it", reads, got, lo)
			return
		}

		if f := s.FillRatio(); f < 0 || f > 1 {
			t.Errorf("fill ratio %v", f)
			return
		}
	}
}

// The writer methods that lower counters (Halve, Reset) and Merge on the
// receiver may also run while readers read; readers then see each counter
// at one of the values it held, never a torn one, so estimates stay within
// what was ever counted.
func TestConcurrentReadsWithMaintenance(t *testing.T) {
	s := mustNew(t, Shape{3, 512}, WithConcurrentReads())
	other := mustNew(t, Shape{3, 512}, WithSeed(s.Seed()))
	hs := concHashes(s)
	for _, h := range hs {
		other.AddHash(h, 1)
	}

	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Each round adds concKeys to every row and merges as many
		// more; Halve and Reset only lower counters. No counter, so no
		// estimate, can hold more than a row's total.
		limit := uint64(2 * concKeys * concRounds)
		for reads := 0; !done.Load() || reads == 0; reads++ {
			for i, h := range hs {
				if got := s.EstimateHash(h); got > limit {
					t.Errorf("key %d: %d, more than was ever counted", i, got)
					return
				}
			}

			if _, err := s.MarshalBinary(); err != nil {
				t.Errorf("snapshot: %v", err)
				return
			}
		}
	}()

	for round := range concRounds {
		for _, h := range hs {
			s.AddHash(h, 1)
		}

		if err := s.Merge(other); err != nil {
			t.Fatal(err)
		}

		switch round % 50 {
		case 10:
			s.Halve()
		case 40:
			s.Reset()
		}
	}

	done.Store(true)
	wg.Wait()
}

// Without WithConcurrentReads, the documented way to snapshot while
// counting is a Clone taken on the counting goroutine: the clone is
// independent, and another goroutine may encode it while counting goes on.
func TestSnapshotByClone(t *testing.T) {
	s := mustNew(t, Shape{4, 1024})
	hs := concHashes(s)
	snaps := make(chan *Sketch, 4)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var prev uint64
		for c := range snaps {
			enc, err := c.MarshalBinary()
			var d Sketch
			if err == nil {
				err = d.UnmarshalBinary(enc)
			}

			if err != nil {
				t.Errorf("snapshot: %v", err)
				continue
			}

			got := d.EstimateHash(hs[0])
			if got < prev {
				t.Errorf("snapshot estimate fell from %d to %d", prev, got)
			}
			prev = got
		}
	}()

	for round := range concRounds {
		for _, h := range hs {
			s.AddHash(h, 1)
		}

		if round%30 == 0 {
			snaps <- s.Clone()
		}
	}

	close(snaps)
	wg.Wait()
}
