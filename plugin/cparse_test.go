package main

import (
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/detector"
)

// TestCLayouts: the C counting path reads the detector's prefix caches
// through its own declaration of a slot; both must agree.
func TestCLayouts(t *testing.T) {
	size, tid, epoch, ts, n, ok, buf := detector.PrefixSlotLayout()
	want := [7]uintptr{size, tid, epoch, ts, n, ok, buf}
	got, slots := cSlotLayout()
	if got != want {
		t.Errorf("ad_pslot layout %v, detector's prefixSlot %v (size and offsets of tid, epoch, ts, n, ok, buf)", got, want)
	}
	if slots != detector.PrefixSlots {
		t.Errorf("AD_PSLOTS = %d, detector.PrefixSlots = %d", slots, detector.PrefixSlots)
	}
}
