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
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// decode decodes raw, or returns the event decoded by the previous call
// when it is the same event: libsinsp hands the same buffer to parse and
// to every extraction of one event.
func (inst *instance) decode(raw []byte, evtnum uint64) (*event.Event, bool) {
	if inst.evOK && inst.evNum == evtnum && len(raw) == inst.evLen &&
		unsafe.SliceData(raw) == inst.evPtr {
		return &inst.ev, true
	}
	ev, err := event.Decode(raw)
	inst.ev, inst.evOK = ev, err == nil
	inst.evNum, inst.evLen, inst.evPtr = evtnum, len(raw), unsafe.SliceData(raw)
	inst.args, inst.hasArgs = execArgs(&inst.ev)
	inst.fd, inst.hasFD = 0, false
	if inst.det != nil && inst.det.UsesFD() {
		inst.fd, inst.hasFD = profile.EventFD(&inst.ev)
	}
	return &inst.ev, inst.evOK
}

// parse hands one event to the detector. A malformed event is ignored.
func (inst *instance) parse(raw []byte, evtnum uint64, reader, writer unsafe.Pointer) bool {
	if inst.det == nil {
		return false
	}
	inst.unpublish()
	ev, ok := inst.decode(raw, evtnum)
	if !ok {
		return false
	}
	inst.begin(reader, writer, ev, evtnum)
	defer inst.state.End()
	if h := inst.h; h.early_valid != 0 && uint64(h.early_evtnum) == evtnum {
		inst.state.TakeEarly(int(h.early_n))
	}
	inst.det.Parse(ev, evtnum, inst.state, inst.lists)
	inst.publish(ev, evtnum, raw)
	return true
}

// execArgs returns the args parameter of a successful exec event, which
// the state can use instead of reading the thread's args (see
// abi.State.HintArgs).
func execArgs(ev *event.Event) ([]byte, bool) {
	l, ok := event.ExecLayoutOf(ev.Type)
	if !ok {
		return nil, false
	}
	if res, ok := ev.Int64(l.Res); !ok || res != 0 {
		return nil, false
	}
	return ev.Param(l.Args)
}

// begin starts a plugin call on the state.
func (inst *instance) begin(reader, writer unsafe.Pointer, ev *event.Event, evtnum uint64) {
	inst.state.Begin(reader, writer, ev.Tid, ev.TS)
	if inst.hasArgs {
		inst.state.HintArgs(ev.Tid, inst.args)
	}
	if inst.hasFD {
		inst.state.HintFD(inst.fd)
	}
	if inst.caches {
		h := inst.h
		changed := h.changed_valid != 0 && uint64(h.changed_evtnum) == evtnum
		inst.det.BeginEpoch(uint64(h.epoch), !changed)
	} else {
		inst.det.Begin()
	}
}

// extract answers each requested field. libsinsp asks for one field per
// call; several are handled too, each with its own result slot. A field
// without value gets res_len 0.
func (inst *instance) extract(raw []byte, evtnum uint64, reader unsafe.Pointer, fields []C.abi_extract_field) {
	for i := range fields {
		fields[i].res_len = 0
	}
	if inst.det == nil {
		return
	}
	inst.unpublish()
	ev, ok := inst.decode(raw, evtnum)
	if !ok {
		return
	}
	inst.grow(len(fields))
	inst.begin(reader, nil, ev, evtnum)
	defer inst.state.End()

	inst.scratch, inst.offsets = inst.scratch[:0], inst.offsets[:0]
	u64s := unsafe.Slice((*uint64)(unsafe.Pointer(inst.resU64)), inst.resCap)
	for i := range fields {
		f := &fields[i]
		switch int(f.field_id) {
		case detector.FieldCount:
			if p, ok := inst.profileIndex(f); ok {
				if v, ok := inst.det.Count(p, ev, evtnum, inst.state); ok {
					u64s[i] = v
					setResult(f, unsafe.Pointer(&u64s[i]))
				}
			}
		case detector.FieldDuration:
			u64s[i] = inst.det.Duration(ev, evtnum)
			setResult(f, unsafe.Pointer(&u64s[i]))
		case detector.FieldProfile:
			inst.extractProfile(f, i, ev, evtnum)
		}
	}
	inst.publishStrings(fields)
	inst.publish(ev, evtnum, raw)
}

func setResult(f *C.abi_extract_field, p unsafe.Pointer) {
	*(*unsafe.Pointer)(unsafe.Pointer(&f.res)) = p
	f.res_len = 1
}

// extractProfile renders the profile text into scratch; publishStrings
// copies all texts of the call into C memory at once.
func (inst *instance) extractProfile(f *C.abi_extract_field, i int, ev *event.Event, evtnum uint64) {
	p, ok := inst.profileIndex(f)
	if !ok {
		return
	}
	start := len(inst.scratch)
	out, ok := inst.det.Profile(inst.scratch, p, ev, evtnum, inst.state)
	if !ok {
		return
	}
	inst.scratch = append(out, 0)
	inst.offsets = append(inst.offsets, i, start)
}

func (inst *instance) publishStrings(fields []C.abi_extract_field) {
	if len(inst.offsets) == 0 {
		return
	}
	if len(inst.scratch) > inst.strCap {
		C.free(unsafe.Pointer(inst.strArea))
		inst.strCap = max(2*len(inst.scratch), 256)
		inst.strArea = (*C.char)(C.malloc(C.size_t(inst.strCap)))
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(inst.strArea)), inst.strCap), inst.scratch)
	ptrs := unsafe.Slice(inst.resStr, inst.resCap)
	for k := 0; k < len(inst.offsets); k += 2 {
		i, start := inst.offsets[k], inst.offsets[k+1]
		ptrs[i] = (*C.char)(unsafe.Add(unsafe.Pointer(inst.strArea), start))
		setResult(&fields[i], unsafe.Pointer(&ptrs[i]))
	}
}

// grow makes room for n result slots.
func (inst *instance) grow(n int) {
	if n <= inst.resCap {
		return
	}
	C.free(unsafe.Pointer(inst.resU64))
	C.free(unsafe.Pointer(inst.resStr))
	inst.resCap = max(n, 4)
	inst.resU64 = (*C.uint64_t)(C.calloc(C.size_t(inst.resCap), 8))
	inst.resStr = (**C.char)(C.calloc(C.size_t(inst.resCap), C.size_t(unsafe.Sizeof(uintptr(0)))))
}

// profileIndex resolves the field's argument to a profile.
func (inst *instance) profileIndex(f *C.abi_extract_field) (int, bool) {
	return inst.det.Index(f.arg_present != 0, uint64(f.arg_index), goView(f.arg_key))
}

// maxArgKey bounds the scan of a host string argument.
const maxArgKey = 4096

// goView views a host C string as a Go string without copying; it is
// valid during the current call only.
func goView(p *C.char) string {
	if p == nil {
		return ""
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(p)), maxArgKey)
	for i, c := range b {
		if c == 0 {
			return unsafe.String(&b[0], i)
		}
	}
	return ""
}
