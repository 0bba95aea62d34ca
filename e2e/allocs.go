// Package e2e tests the built plugin library end to end through the
// in-repo host, as libsinsp drives it.
package e2e

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>

typedef uint64_t (*allocs_fn)(void);
typedef uint64_t (*state_fn)(uintptr_t);
typedef uint64_t (*toggle_fn)(uintptr_t, int);

static uint64_t call_allocs(void *fn) { return ((allocs_fn)fn)(); }
static uint64_t call_state(void *fn, uintptr_t s) { return ((state_fn)fn)(s); }
static uint64_t call_toggle(void *fn, uintptr_t s, int on) { return ((toggle_fn)fn)(s, on); }

static void *find(const char *path, const char *sym) {
	void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD | RTLD_DEEPBIND);
	if (h == NULL)
		return NULL;
	void *f = dlsym(h, sym);
	dlclose(h);
	return f;
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// heapAllocs returns a reader of the loaded plugin's heap allocation
// count (its own Go runtime's), for benchmarks. The library at path must
// already be loaded.
func heapAllocs(path string) (func() uint64, error) {
	return hook(path, "anomalydetection_heap_allocs")
}

// heapLive returns a reader of the plugin runtime's live heap bytes,
// measured after a collection.
func heapLive(path string) (func() uint64, error) {
	return hook(path, "anomalydetection_heap_live")
}

// crossings returns a reader of an instance's count of calls into the
// host's table code.
func crossings(path string) (func(state uintptr) uint64, error) {
	fn, err := symbol(path, "anomalydetection_crossings")
	if err != nil {
		return nil, err
	}
	return func(s uintptr) uint64 { return uint64(C.call_state(fn, C.uintptr_t(s))) }, nil
}

// fastHits returns a reader of an instance's count of extractions the
// plugin answered in C, without calling into Go.
func fastHits(path string) (func(state uintptr) uint64, error) {
	fn, err := symbol(path, "anomalydetection_fast_hits")
	if err != nil {
		return nil, err
	}
	return func(s uintptr) uint64 { return uint64(C.call_state(fn, C.uintptr_t(s))) }, nil
}

// cBytes returns a reader of an instance's fixed C memory (sketches,
// prefix caches, entry cache).
func cBytes(path string) (func(state uintptr) uint64, error) {
	fn, err := symbol(path, "anomalydetection_c_bytes")
	if err != nil {
		return nil, err
	}
	return func(s uintptr) uint64 { return uint64(C.call_state(fn, C.uintptr_t(s))) }, nil
}

// cparseToggle returns a function that turns an instance's C counting
// path on or off and returns how many events it has counted.
func cparseToggle(path string) (func(state uintptr, on bool) uint64, error) {
	fn, err := symbol(path, "anomalydetection_set_cparse")
	if err != nil {
		return nil, err
	}
	return func(s uintptr, on bool) uint64 {
		v := C.int(0)
		if on {
			v = 1
		}
		return uint64(C.call_toggle(fn, C.uintptr_t(s), v))
	}, nil
}

// goCalls returns a reader of an instance's count of calls that entered
// the plugin's Go runtime.
func goCalls(path string) (func(state uintptr) uint64, error) {
	fn, err := symbol(path, "anomalydetection_go_calls")
	if err != nil {
		return nil, err
	}
	return func(s uintptr) uint64 { return uint64(C.call_state(fn, C.uintptr_t(s))) }, nil
}

func hook(path, name string) (func() uint64, error) {
	fn, err := symbol(path, name)
	if err != nil {
		return nil, err
	}
	return func() uint64 { return uint64(C.call_allocs(fn)) }, nil
}

func symbol(path, name string) (unsafe.Pointer, error) {
	cp, cs := C.CString(path), C.CString(name)
	defer C.free(unsafe.Pointer(cp))
	defer C.free(unsafe.Pointer(cs))
	fn := C.find(cp, cs)
	if fn == nil {
		return nil, errors.New(name + " not found in the loaded library")
	}
	return fn, nil
}
