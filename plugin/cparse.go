package main

/*
#cgo CFLAGS: -I${SRCDIR}/../internal/abi
#include <stdlib.h>
#include "handle.h"
*/
import "C"

import (
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/detector"
	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// cmem is a detector.Memory in C: the sketches and prefix caches live
// there so that the C counting path (cparse.c) can use them. It frees
// everything at once.
type cmem struct {
	blocks []unsafe.Pointer
	bytes  int
}

// Alloc implements detector.Memory.
func (m *cmem) Alloc(n int) unsafe.Pointer {
	n = max(n, 8)
	p := C.calloc(1, C.size_t(n))
	m.blocks = append(m.blocks, p)
	m.bytes += n
	return p
}

func (m *cmem) free() {
	for _, p := range m.blocks {
		C.free(p)
	}
	m.blocks, m.bytes = nil, 0
}

// setupCParse describes the detector to the C counting path: the codes
// it counts itself, and for each the profiles' roles. A code qualifies
// when it is an fd event whose fd is its result (the open family,
// accept), the host has fd tables, and every profile counted on it keeps
// all its fields but a last fd.name in the prefix cache, without a reset
// timer.
func (inst *instance) setupCParse() {
	det := inst.det
	if !inst.caches || !inst.tables.HasFDTable() || inst.mem == nil {
		return
	}
	n := det.Profiles()
	cp := (*C.ad_cparse)(inst.mem.Alloc(int(unsafe.Sizeof(C.ad_cparse{}))))
	cp.nprof, cp.ncodes = C.uint32_t(n), C.uint32_t(event.CodeCount)
	cp.prof = (*C.ad_cprof)(inst.mem.Alloc(max(n, 1) * int(unsafe.Sizeof(C.ad_cprof{}))))
	cp.fdparam = (*C.uint8_t)(inst.mem.Alloc(int(event.CodeCount)))
	cp.plan = (*C.uint8_t)(inst.mem.Alloc(int(event.CodeCount) * max(n, 1)))
	cp.spec = inst.tables.Spec()
	cp.ttl = C.uint64_t(detector.PrefixTTL)
	cp.enabled = 1
	profs := unsafe.Slice(cp.prof, n)
	fast := make([]bool, n)
	for i := range profs {
		d := det.CProfile(i)
		fast[i] = d.FDNameTail && !d.ResetTimer && d.Slots != nil
		if !fast[i] {
			continue
		}
		profs[i] = C.ad_cprof{
			cells: (*C.uint64_t)(unsafe.Pointer(unsafe.SliceData(d.Cells))),
			rows:  C.uint32_t(d.Rows), cols: C.uint32_t(d.Cols),
			hstart: C.uint64_t(d.Key.Start),
			slots:  (*C.ad_pslot)(d.Slots),
		}
		if d.Plain {
			profs[i].plain = 1
		}
		for j, k := range d.Key.K {
			profs[i].hk[j] = C.uint64_t(k)
		}
	}
	fdparam := unsafe.Slice((*uint8)(unsafe.Pointer(cp.fdparam)), int(event.CodeCount))
	plan := unsafe.Slice((*uint8)(unsafe.Pointer(cp.plan)), int(event.CodeCount)*n)
	for code := uint16(0); code < event.CodeCount; code++ {
		counted := det.CountedOn(code)
		lay, ok := event.FDLayoutOf(code)
		if len(counted) == 0 || !ok || lay.FD != lay.Res || lay.Res < 0 || lay.Res > 250 ||
			event.ChangesState(code) {
			continue
		}
		all := true
		for _, i := range counted {
			all = all && fast[i]
		}
		if !all {
			continue
		}
		fdparam[code] = uint8(lay.Res + 1)
		for i := 0; i < n; i++ {
			if !det.EvaluableOn(i, code) {
				plan[int(code)*n+i] = C.AD_CP_NONE // else 0: ask Go
			}
		}
		for _, i := range counted {
			plan[int(code)*n+i] = C.AD_CP_COUNT
		}
	}
	inst.h.cparse, inst.cp = cp, cp
}

// syncCParse gives the C path what the Go side learned in its call: the
// time duration_ns counts from, and when a reset timer is next due.
func (inst *instance) syncCParse() {
	cp := inst.cp
	if cp == nil {
		return
	}
	if ts, ok := inst.det.FirstTS(); ok {
		cp.first_ts, cp.first_valid = C.uint64_t(ts), 1
	}
	next, timers := inst.det.NextReset()
	cp.next_reset, cp.has_timers = C.uint64_t(next), 0
	if timers {
		cp.has_timers = 1
	}
}

// mergeCParse adds what the C path counted to the detector's totals.
func (inst *instance) mergeCParse() {
	if cp := inst.cp; cp != nil && inst.det != nil {
		inst.det.AddCounts(uint64(cp.parsed), uint64(cp.counted))
		cp.parsed, cp.counted = 0, 0
	}
}

// cSlotLayout returns the size and field offsets of the C prefix slot
// (ad_pslot), in detector.PrefixSlotLayout's order, and AD_PSLOTS.
func cSlotLayout() (layout [7]uintptr, slots int) {
	var s C.ad_pslot
	return [7]uintptr{unsafe.Sizeof(s), unsafe.Offsetof(s.tid), unsafe.Offsetof(s.epoch),
		unsafe.Offsetof(s.ts), unsafe.Offsetof(s.n), unsafe.Offsetof(s.ok),
		unsafe.Offsetof(s.buf)}, C.AD_PSLOTS
}
