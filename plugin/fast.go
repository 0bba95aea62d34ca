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

// The extraction fast path (fast.c) answers from the handle what the last
// Go call computed for the same event. This file fills the handle.

// newHandle allocates the C handle of an instance in slot.
func newHandle(slot int) *C.ad_handle {
	h := (*C.ad_handle)(C.calloc(1, C.size_t(unsafe.Sizeof(C.ad_handle{}))))
	h.slot, h.magic = C.uint64_t(slot+1), C.AD_HANDLE_MAGIC
	return h
}

// freeHandle invalidates h and frees it with everything it holds.
func freeHandle(h *C.ad_handle) {
	h.magic, h.slot = 0, 0
	for _, k := range unsafe.Slice(h.known, int(h.nprof)) {
		C.free(unsafe.Pointer(k.name))
	}
	C.ad_handle_free(h)
	C.free(unsafe.Pointer(h))
}

// setupFast sizes the handle for the detector's profiles and gives it
// their names.
func (inst *instance) setupFast() {
	h, n := inst.h, inst.det.Profiles()
	h.known = (*C.ad_known)(C.calloc(C.size_t(max(n, 1)), C.size_t(unsafe.Sizeof(C.ad_known{}))))
	h.nprof = C.uint32_t(n)
	known := unsafe.Slice(h.known, n)
	for i := range known {
		if name := inst.det.Name(i); name != "" {
			known[i].name = C.CString(name)
		}
	}
	inst.known = make([]detector.Known, n)
}

// unpublish stops the fast path from answering until the next publish:
// called when a Go call starts, so that a failed call leaves nothing stale.
func (inst *instance) unpublish() { inst.h.valid = 0 }

// publish writes what the detector knows of every profile on event evtnum
// (raw) into the handle: each profile's count and key, or its key, or
// that it has no value.
func (inst *instance) publish(ev *event.Event, evtnum uint64, raw []byte) {
	h := inst.h
	h.duration = C.uint64_t(inst.det.Duration(ev, evtnum))
	known := unsafe.Slice(h.known, int(h.nprof))
	size := 0
	for i := range known {
		k := inst.det.Known(i, ev, evtnum)
		inst.known[i] = k
		if k.Key != nil {
			size += len(k.Key)
		}
	}
	if size > int(h.text_cap) {
		C.free(unsafe.Pointer(h.text_area))
		h.text_cap = C.uint32_t(max(2*size, 256))
		h.text_area = (*C.char)(C.malloc(C.size_t(h.text_cap))) // never nil: cgo's malloc
	}
	area := unsafe.Slice((*byte)(unsafe.Pointer(h.text_area)), int(h.text_cap))
	off := 0
	for i := range known {
		k, c := &inst.known[i], &known[i]
		switch {
		case k.NoValue:
			c.what = C.AD_KNOWN_NONE
		case k.Key != nil:
			// The key as is: the C side makes it display text (fast.c's
			// copy_text), and only when the profile is extracted.
			n := copy(area[off:], k.Key)
			c.text = (*C.char)(unsafe.Add(unsafe.Pointer(h.text_area), off))
			c.text_len = C.uint32_t(n)
			off += n
			c.what = C.AD_KNOWN_KEY
			if k.HasCount {
				c.what, c.count = C.AD_KNOWN_COUNT, C.uint64_t(k.Count)
			}
		default:
			c.what = C.AD_KNOWN_NOTHING
		}
	}
	h.evt = (*C.abi_event)(unsafe.Pointer(unsafe.SliceData(raw)))
	h.evlen = C.uint32_t(len(raw))
	h.evtnum = C.uint64_t(evtnum)
	h.valid = 1
	inst.syncCParse()
}
