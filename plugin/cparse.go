package main

/*
#cgo CFLAGS: -I${SRCDIR}/../internal/abi
#include <stdlib.h>
#include "bridge.h"
#include "handle.h"
*/
import "C"

import (
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/detector"
	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
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
// it counts itself, and for each the profiles' roles.
//
// A file code qualifies when it is an fd event whose fd is its result
// (the open family, accept), the host has fd tables, and every profile
// counted on it keeps all its fields but a last fd.name in the prefix
// cache.
//
// An exec code qualifies when the host keeps args itself (API 3.5 and
// later) and every profile counted on it is made of fields the exec path
// renders (cexecOps), from what the C parse entry reads first (the event
// thread and the walk).
//
// Reset timers need no exclusion: the C paths leave every event from the
// earliest due reset on to Go (syncCParse), which zeroes the sketch and
// moves the time on.
func (inst *instance) setupCParse() {
	det := inst.det
	if inst.mem == nil {
		return
	}
	n := det.Profiles()
	files := inst.caches && inst.tables.HasFDTable()
	execs := inst.h.early != nil && inst.lists == nil
	if !files && !execs {
		return
	}
	cp := (*C.ad_cparse)(inst.mem.Alloc(int(unsafe.Sizeof(C.ad_cparse{}))))
	cp.nprof, cp.ncodes = C.uint32_t(n), C.uint32_t(event.CodeCount)
	cp.prof = (*C.ad_cprof)(inst.mem.Alloc(max(n, 1) * int(unsafe.Sizeof(C.ad_cprof{}))))
	cp.fdparam = (*C.uint8_t)(inst.mem.Alloc(int(event.CodeCount)))
	cp.execres = (*C.uint8_t)(inst.mem.Alloc(int(event.CodeCount)))
	cp.execargs = (*C.uint8_t)(inst.mem.Alloc(int(event.CodeCount)))
	cp.plan = (*C.uint8_t)(inst.mem.Alloc(int(event.CodeCount) * max(n, 1)))
	cp.spec = inst.tables.Spec()
	cp.ttl = C.uint64_t(detector.PrefixTTL)
	cp.enabled = 1
	profs := unsafe.Slice(cp.prof, n)
	fileOK, execOK := make([]bool, n), make([]bool, n)
	for i := range profs {
		d := det.CProfile(i)
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
		fileOK[i] = files && d.FDNameTail && d.Slots != nil
		if ops, ok := cexecOps(d.Fields); ok && execs {
			p := (*C.ad_cop)(inst.mem.Alloc(len(ops) * int(unsafe.Sizeof(C.ad_cop{}))))
			copy(unsafe.Slice(p, len(ops)), ops)
			profs[i].ops, profs[i].nops = p, C.uint32_t(len(ops))
			execOK[i] = true
		}
	}
	fdparam := unsafe.Slice((*uint8)(unsafe.Pointer(cp.fdparam)), int(event.CodeCount))
	execres := unsafe.Slice((*uint8)(unsafe.Pointer(cp.execres)), int(event.CodeCount))
	execargs := unsafe.Slice((*uint8)(unsafe.Pointer(cp.execargs)), int(event.CodeCount))
	plan := unsafe.Slice((*uint8)(unsafe.Pointer(cp.plan)), int(event.CodeCount)*n)
	for code := uint16(0); code < event.CodeCount; code++ {
		counted := det.CountedOn(code)
		if len(counted) == 0 {
			continue
		}
		// Every profile counted on code, with a value there (config
		// checks make it so), and counted by the path.
		all := func(ok []bool) bool {
			for _, i := range counted {
				if !ok[i] || !det.EvaluableOn(i, code) {
					return false
				}
			}
			return true
		}
		if lay, ok := event.FDLayoutOf(code); ok && lay.FD == lay.Res && lay.Res >= 0 && lay.Res <= 250 &&
			!event.ChangesState(code) && all(fileOK) {
			fdparam[code] = uint8(lay.Res + 1)
		} else if lay, ok := event.ExecLayoutOf(code); ok && lay.Res <= 250 && lay.Args <= 250 &&
			all(execOK) {
			execres[code], execargs[code] = uint8(lay.Res+1), uint8(lay.Args+1)
		} else {
			continue
		}
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

// cexecOp is how the C exec path renders one field: a member of the
// entry a selector picks (handle.h's ad_cop). Of the entries a walk
// reaches the prefetch reads the name only (the State loads the rest on
// demand), so the C path renders no other member of them.
type cexecOp struct {
	sel, val uint8
	walk     bool // the selector is the ancestor walk, the index its depth
}

var cexecFields = map[string]cexecOp{
	"proc.name":       {C.AD_SEL_SELF, C.AD_VAL_COMM, false},
	"proc.exe":        {C.AD_SEL_SELF, C.AD_VAL_EXE, false},
	"proc.exepath":    {C.AD_SEL_SELF, C.AD_VAL_EXEPATH, false},
	"proc.args":       {C.AD_SEL_SELF, C.AD_VAL_ARGS, false},
	"proc.cmdline":    {C.AD_SEL_SELF, C.AD_VAL_CMDLINE, false},
	"proc.exeline":    {C.AD_SEL_SELF, C.AD_VAL_EXELINE, false},
	"proc.tty":        {C.AD_SEL_SELF, C.AD_VAL_TTY, false},
	"user.uid":        {C.AD_SEL_SELF, C.AD_VAL_UID, false},
	"group.gid":       {C.AD_SEL_SELF, C.AD_VAL_GID, false},
	"user.loginuid":   {C.AD_SEL_SELF, C.AD_VAL_LOGINUID, false},
	"thread.tid":      {C.AD_SEL_SELF, C.AD_VAL_TID, false},
	"container.id":    {C.AD_SEL_SELF, C.AD_VAL_CONTAINER, false},
	"proc.pname":      {C.AD_SEL_ANCESTOR, C.AD_VAL_COMM, false},
	"proc.aname":      {C.AD_SEL_ANCESTOR, C.AD_VAL_COMM, true},
	"proc.sname":      {C.AD_SEL_SID, C.AD_VAL_COMM, false},
	"proc.vpgid.name": {C.AD_SEL_VPGID, C.AD_VAL_COMM, false},
}

// cexecOps compiles a profile's fields for the C exec path, or reports
// that one of them is not among cexecFields.
func cexecOps(fields []profile.FieldRef) ([]C.ad_cop, bool) {
	if len(fields) == 0 || len(fields) > C.AD_COPS_MAX {
		return nil, false
	}
	ops := make([]C.ad_cop, len(fields))
	for i, f := range fields {
		op, ok := cexecFields[f.Name]
		if !ok {
			return nil, false
		}
		ops[i] = C.ad_cop{sel: C.uint8_t(op.sel), val: C.uint8_t(op.val)}
		switch {
		case op.walk && f.Index > C.AD_PREFETCH_DEPTH:
			return nil, false // deeper than the prefetch reads
		case op.walk:
			ops[i].depth = C.uint16_t(f.Index)
		case op.sel == C.AD_SEL_ANCESTOR:
			ops[i].depth = 1 // the parent
		}
	}
	return ops, true
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
		inst.det.AddExecCounts(uint64(cp.xparsed), uint64(cp.xcounted))
		cp.parsed, cp.counted, cp.xparsed, cp.xcounted = 0, 0, 0, 0
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
