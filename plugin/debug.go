package main

// #include <stdint.h>
import "C"

import "runtime/metrics"

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
func anomalydetection_heap_allocs() C.uint64_t {
	metrics.Read(allocSample)
	return C.uint64_t(allocSample[0].Value.Uint64())
}
