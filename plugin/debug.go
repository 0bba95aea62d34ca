package main

// #cgo CFLAGS: -I${SRCDIR}/../internal/abi
// #include "handle.h"
import "C"

import (
	"runtime"
	"runtime/metrics"
	"unsafe"
)

// allocSample reads the plugin runtime's count of heap allocations. The
// plugin's Go runtime is its own, so a host's benchmarks cannot see the
// plugin's allocations through their testing.B counters.
var allocSample = []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}

// anomalydetection_heap_allocs returns how many heap objects the plugin has
// allocated so far. It is not part of the plugin API (libsinsp never looks
// it up); the in-repo benchmarks use it to prove the event path allocates
// nothing.
//
//export anomalydetection_heap_allocs
func anomalydetection_heap_allocs() (n C.uint64_t) {
	defer guard("heap_allocs", nil)
	metrics.Read(allocSample)
	return C.uint64_t(allocSample[0].Value.Uint64())
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
		return C.uint64_t(inst.state.Crosses)
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
