package detector

import (
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
	"github.com/falco-anomalydetection/anomalydetection/internal/sketch"
)

// This file describes the detector to the plugin's C counting path
// (plugin/cparse.c), which counts the commonest event itself: a thread's
// next file or socket event whose profiles keep every field but a last
// fd.name in the prefix cache. It hashes and updates the sketches exactly
// as this package does; the plugin's tests check that the two agree.

// Option configures New.
type Option func(*Detector)

// Memory places a detector's large fixed arrays: the sketch counters and
// the prefix caches.
type Memory interface {
	// Alloc returns n zeroed bytes, aligned for uint64, valid until the
	// detector is dropped.
	Alloc(n int) unsafe.Pointer
}

// WithMemory makes New take its sketch counters and prefix caches from
// m. The plugin passes C memory, which its C path can use.
func WithMemory(m Memory) Option { return func(d *Detector) { d.mem = m } }

// PrefixSlots is the number of threads a prefix cache holds; PrefixSlot
// describes the layout of one (the C path reads them).
const PrefixSlots = prefixSlots

// PrefixSlotLayout returns the size of a prefix cache slot and the
// offsets of its fields: tid (int64), epoch and ts (uint64), n (uint16,
// bytes used), ok (bool), buf (the rendered prefix).
func PrefixSlotLayout() (size, tid, epoch, ts, n, ok, buf uintptr) {
	var s prefixSlot
	return unsafe.Sizeof(s), unsafe.Offsetof(s.tid), unsafe.Offsetof(s.epoch),
		unsafe.Offsetof(s.ts), unsafe.Offsetof(s.n), unsafe.Offsetof(s.ok),
		unsafe.Offsetof(s.buf)
}

// PrefixTTL is how long, in event time, a kept prefix serves.
const PrefixTTL = prefixTTL

// CProfile describes a profile to the C path.
type CProfile struct {
	Cells      []uint64 // the sketch's counters
	Rows, Cols int
	Plain      bool
	Key        sketch.RawKey
	Slots      unsafe.Pointer // the prefix cache: PrefixSlots slots, or nil
	// FDNameTail says the key is the kept prefix, a NUL, then fd.name.
	FDNameTail bool
	// Fields are the profile's fields, for the C exec path.
	Fields []profile.FieldRef
}

// CProfile returns profile i's description.
func (d *Detector) CProfile(i int) CProfile {
	p := d.profiles[i]
	cells, key := p.sk.Raw()
	shape := p.sk.Shape()
	n := p.plan.Len()
	return CProfile{
		Cells: cells, Rows: shape.Rows, Cols: shape.Cols,
		Plain: p.sk.Mode() == sketch.Plain, Key: key,
		Slots:      unsafe.Pointer(p.slots),
		FDNameTail: p.slots != nil && p.stateOnly == n-1 && p.plan.FieldText(n-1) == "fd.name",
		Fields:     p.plan.Fields(),
	}
}

// CountedOn returns the profiles counted on code.
func (d *Detector) CountedOn(code uint16) []int {
	if code >= event.CodeCount {
		return nil
	}
	return d.byCode[code]
}

// EvaluableOn reports whether profile i has a value on events of code.
func (d *Detector) EvaluableOn(i int, code uint16) bool {
	return code < event.CodeCount && d.profiles[i].evaluable[code]
}

// FirstTS returns the time of the first event the detector saw, which
// anomaly.falco.duration_ns counts from.
func (d *Detector) FirstTS() (uint64, bool) { return d.firstTS, d.started }

// AddCounts adds what the C path counted to the running totals.
func (d *Detector) AddCounts(parsed, counted uint64) {
	d.stats.Parsed += parsed
	d.stats.Counted += counted
	d.stats.PrefixHits += counted
}

// AddExecCounts adds what the C exec path counted to the running totals:
// each of its counts is a rendering too.
func (d *Detector) AddExecCounts(parsed, counted uint64) {
	d.stats.Parsed += parsed
	d.stats.Counted += counted
	d.stats.Rendered += counted
}

// NextReset returns the earliest time a reset timer zeroes a sketch, and
// whether any profile has a timer. Before the first parsed event it is 0.
func (d *Detector) NextReset() (uint64, bool) {
	var next uint64
	any := false
	for _, p := range d.profiles {
		if p.resetNS == 0 {
			continue
		}
		if !any || p.nextReset < next {
			next = p.nextReset
		}
		any = true
	}
	return next, any
}
