package main

// #cgo CFLAGS: -I${SRCDIR}/../internal/abi
// #include "handle.h"
import "C"

import (
	"runtime"
	"runtime/metrics"
	"unsafe"
)

// anomalydetection_heap_allocs returns how many heap objects the plugin has
// allocated so far. It is not part of the plugin API (libsinsp never looks
// it up); the in-repo benchmarks use it to prove the event path allocates
// nothing.
//
//export anomalydetection_heap_allocs
func anomalydetection_heap_allocs() (n C.uint64_t) {
	defer guard("heap_allocs", nil)
	// ReadMemStats stops the world and gathers every thread's cached
	// counts, tiny objects included; runtime/metrics would lag by up to a
	// span of allocations.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return C.uint64_t(ms.Mallocs)
}

var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// anomalydetection_heap_live runs a garbage collection in the plugin's Go
// runtime and returns the bytes of live heap objects it found. Like
// anomalydetection_heap_allocs it is a test hook outside the plugin API;
// the memory tests use it to check the plugin's memory formula.
//
//export anomalydetection_heap_live
func anomalydetection_heap_live() (n C.uint64_t) {
	defer guard("heap_live", nil)
	runtime.GC()
	metrics.Read(liveSample)
	return C.uint64_t(liveSample[0].Value.Uint64())
}

// anomalydetection_crossings returns how many calls into the host's C
// table code instance s has made so far (each reads one or more entries).
// Like the other hooks it is outside the plugin API; the benchmarks use it
// to show what one event costs in crossings.
//
//export anomalydetection_crossings
func anomalydetection_crossings(s unsafe.Pointer) (n C.uint64_t) {
	defer guard("crossings", nil)
	if inst := lookup(s); inst != nil && inst.state != nil {
		n := inst.state.Crosses
		if inst.cp != nil {
			n += uint64(inst.cp.crossings)
		}
		return C.uint64_t(n)
	}
	return 0
}

// anomalydetection_fast_hits returns how many extractions of instance s
// the C fast path (fast.c) answered without calling into Go. Like the
// other hooks it is outside the plugin API.
//
//export anomalydetection_fast_hits
func anomalydetection_fast_hits(s unsafe.Pointer) (n C.uint64_t) {
	defer guard("fast_hits", nil)
	if inst := lookup(s); inst != nil {
		return C.uint64_t(inst.h.fast_hits)
	}
	return 0
}

// anomalydetection_go_calls returns how many parse and extract calls of
// instance s entered Go (the others were answered in C). Like the other
// hooks it is outside the plugin API.
//
//export anomalydetection_go_calls
func anomalydetection_go_calls(s unsafe.Pointer) (n C.uint64_t) {
	defer guard("go_calls", nil)
	if inst := lookup(s); inst != nil {
		return C.uint64_t(inst.h.go_calls)
	}
	return 0
}

// anomalydetection_set_cparse turns instance s's C counting path
// (cparse.c) on or off and returns how many events it has counted. Like
// the other hooks it is outside the plugin API; the tests use it to run
// the same events through both paths.
//
//export anomalydetection_set_cparse
func anomalydetection_set_cparse(s unsafe.Pointer, on C.int) (n C.uint64_t) {
	defer guard("set_cparse", nil)
	inst := lookup(s)
	if inst == nil || inst.cp == nil {
		return 0
	}
	inst.cp.enabled = 0
	if on != 0 {
		inst.cp.enabled = 1
	}
	return inst.cp.parsed + inst.cp.xparsed
}

// anomalydetection_c_bytes returns the fixed C memory of instance s: the
// sketches and prefix caches (which live in C memory for the C counting
// path), the entry cache and the prefetch buffer. Like the other hooks it
// is outside the plugin API; the memory test adds it to the Go heap.
//
//export anomalydetection_c_bytes
func anomalydetection_c_bytes(s unsafe.Pointer) (n C.uint64_t) {
	defer guard("c_bytes", nil)
	inst := lookup(s)
	if inst == nil {
		return 0
	}
	if inst.mem != nil {
		n += C.uint64_t(inst.mem.bytes)
	}
	if inst.state != nil {
		n += C.uint64_t(inst.state.CBytes())
	}
	return n
}
