package main

/*
#cgo CFLAGS: -I${SRCDIR}/../internal/abi
#include <stdlib.h>
#include <string.h>
#include "handle.h"
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/abi"
	"github.com/falco-anomalydetection/anomalydetection/internal/config"
	"github.com/falco-anomalydetection/anomalydetection/internal/detector"
	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// static holds the C strings returned before any instance exists. They
// are built once, on first use, and never freed: the host may keep them.
var static struct {
	once                             sync.Once
	api, version, name, description  *C.char
	contact, schema, fields, sources *C.char
	schemaVersion, noInstance        *C.char
}

func cstatic(p **C.char) *C.char {
	static.once.Do(func() {
		static.api = C.CString(requiredAPI)
		static.version = C.CString(pluginVersion)
		static.name = C.CString(pluginName)
		static.description = C.CString(pluginDescription)
		static.contact = C.CString(pluginContact)
		static.schema = C.CString(config.Schema())
		static.fields = C.CString(detector.FieldsJSON())
		static.sources = C.CString(eventSources)
		static.schemaVersion = C.CString(requiredSchema)
		static.noInstance = C.CString("no such plugin instance")
	})
	return *p
}

// guard turns a panic in an export into a logged error and the export's
// failure value (set by onPanic, which also gets the error text for the
// instance's last error), so that Falco keeps running.
func guard(where string, onPanic func(msg string)) {
	r := recover()
	if r == nil {
		return
	}
	msg := fmt.Sprintf("internal error in plugin_%s: %v", where, r)
	fmt.Fprintf(os.Stderr, "[anomalydetection] ERROR %s (recovered)\n%s", msg, debug.Stack())
	if onPanic != nil {
		onPanic(msg)
	}
}

// The state the host gets for an instance is never a Go pointer: it is a
// C block (handle.h) starting with the instance's slot number and a magic
// word, followed by what the extraction fast path answers from. It is a
// real C address, unique while the instance lives, so hosts written in
// any language (Go included, whose collector rejects fake pointers) can
// hold it. Slots are reused only after destroy, which the API allows.
const (
	maxInstances = 256
	handleMagic  = C.AD_HANDLE_MAGIC
)

var (
	slots   [maxInstances]atomic.Pointer[instance]
	slotsMu sync.Mutex
)

func lookup(h unsafe.Pointer) *instance {
	if h == nil {
		return nil
	}
	hdr := (*[2]uint64)(h)
	if hdr[1] != handleMagic || hdr[0] == 0 || hdr[0] > maxInstances {
		return nil
	}
	inst := slots[hdr[0]-1].Load()
	if inst == nil || inst.handle != h {
		return nil
	}
	return inst
}

func register(inst *instance) (unsafe.Pointer, error) {
	slotsMu.Lock()
	defer slotsMu.Unlock()
	for i := range slots {
		if slots[i].Load() == nil {
			inst.h = newHandle(i)
			inst.handle = unsafe.Pointer(inst.h)
			slots[i].Store(inst)
			return inst.handle, nil
		}
	}
	return nil, errors.New("too many live plugin instances")
}

// unregister frees the instance's slot and handle.
func unregister(inst *instance) {
	slots[inst.h.slot-1].Store(nil)
	freeHandle(inst.h)
	inst.h, inst.handle = nil, nil // freed: nothing may write there again
}

// instance is one initialised plugin: what init built plus the C memory
// the host reads results from.
type instance struct {
	handle unsafe.Pointer // C memory, see register
	h      *C.ad_handle   // the same, typed
	known  []detector.Known
	mem    *cmem        // the detector's sketches and prefix caches
	cp     *C.ad_cparse // the C counting path, in mem; nil when off
	det    *detector.Detector
	tables *abi.Tables
	state  *abi.State
	lists  detector.ListStore
	log    *slog.Logger

	errBuf *C.char // ABI_MAX_ERRLEN bytes

	// The last decoded event (see decode). ev views host memory; it is
	// reused only for the same buffer, length and event number.
	ev    event.Event
	evOK  bool
	evNum uint64
	evLen int
	evPtr *byte
	// args is the event's args parameter when it is a successful exec;
	// fd the fd its fd fields read.
	args    []byte
	hasArgs bool
	fd      int64
	hasFD   bool
	types   *C.uint16_t // extraction subscriptions
	ntypes  uint32
	ptypes  *C.uint16_t // parse subscriptions
	nptypes uint32
	caches  bool // the detector keeps prefix renderings (BeginEpoch)

	// Extraction results: one slot per field of the current call.
	resU64  *C.uint64_t
	resStr  **C.char
	resCap  int
	strArea *C.char
	strCap  int
	scratch []byte
	offsets []int
}

// initInstance builds an instance from the init input. It always
// registers the instance, even on failure, so that the host can read the
// error with plugin_get_last_error; a failed instance holds nothing else.
func initInstance(in unsafe.Pointer) (unsafe.Pointer, error) {
	inst := &instance{errBuf: (*C.char)(C.calloc(1, C.ABI_MAX_ERRLEN))}
	h, err := register(inst)
	if err != nil {
		C.free(unsafe.Pointer(inst.errBuf))
		return nil, err
	}
	if err := inst.safeInit(in); err != nil {
		inst.setError(err)
		inst.release()
		return h, err
	}
	return h, nil
}

// safeInit is init with a panic turned into an error, so that the host
// still gets a state to read the error from.
func (inst *instance) safeInit(in unsafe.Pointer) (err error) {
	defer guard("init", func(msg string) { err = errors.New(msg) })
	return inst.init(in)
}

func (inst *instance) init(in unsafe.Pointer) error {
	tables, err := abi.OpenTables(in)
	if err != nil {
		return fmt.Errorf("threads table: %w", err)
	}
	inst.tables = tables
	inst.log = abi.NewLogger(abi.LogFunc(in, tables.Gen()), abi.Owner(in), slog.LevelInfo)
	inst.log.Info("starting", "version", pluginVersion, "host", tables.Gen().String())
	for _, n := range tables.Notes {
		inst.log.Info(n)
	}

	inst.mem = &cmem{}
	det, err := detector.New(abi.Config(in), inst.log, detector.WithMemory(inst.mem))
	if err != nil {
		return fmt.Errorf("init_config: %w", err)
	}
	inst.det = det
	depth, leaders := det.Walk()
	tables.Configure(det.Need(), det.FDNeed(), depth, leaders)
	inst.state = abi.NewState(tables)
	inst.setupFast()
	if tables.Gen() == abi.Gen32 {
		inst.lists = inst.state
	}
	// The prefix cache and the entry cache stay valid only if the plugin
	// sees every event that changes the threads table: it then parses
	// those too (in C only, fast.c).
	inst.caches = det.Caches()
	walks := depth > 0 || leaders
	if walks {
		inst.state.UseEntryCache()
		inst.h.ecache = inst.state.EntryCache()
	}
	inst.h.early = inst.state.Early()
	inst.setTypes(det.Codes(), inst.caches || walks)
	inst.setupCParse()
	inst.log.Info("ready", "profiles", det.Profiles(), "event_codes", det.Codes())
	return nil
}

// noEvents is what the plugin subscribes to when it counts nothing: the
// plugin event code, which never occurs on the syscall source. An empty
// list would mean "every event" to the host.
const noEvents = 322

func (inst *instance) setTypes(codes []uint16, state bool) {
	if len(codes) == 0 {
		codes = []uint16{noEvents}
	}
	inst.types, inst.ntypes = cCodes(codes)
	route := make([]uint8, event.CodeCount)
	for _, c := range codes {
		if c < event.CodeCount {
			route[c] |= C.AD_ROUTE_GO
		}
	}
	// A counted code that changes state renders everything afresh: the
	// event thread and its walk can be read before entering Go, or
	// without it (the C exec path).
	for _, c := range event.StateCodes() {
		if route[c]&C.AD_ROUTE_GO != 0 {
			route[c] |= C.AD_ROUTE_EARLY
		}
	}
	parse := codes
	if state {
		// The codes that change the threads table are parsed too, in C
		// only (fast.c), to keep the prefix cache's epoch.
		for _, c := range event.StateCodes() {
			route[c] |= C.AD_ROUTE_STATE
			// Every version of these exits has the new tid first.
			switch event.Name(c) {
			case "clone", "fork", "vfork", "clone3":
				route[c] |= C.AD_ROUTE_CLONE
			case "procexit":
				route[c] |= C.AD_ROUTE_EXIT
			}
		}
		route[event.AsyncEventE] |= C.AD_ROUTE_CLEAR
		parse = nil
		for c, r := range route {
			if r != 0 {
				parse = append(parse, uint16(c))
			}
		}
		for _, c := range codes {
			if c >= event.CodeCount {
				parse = append(parse, c)
			}
		}
	}
	inst.ptypes, inst.nptypes = cCodes(parse)
	h := inst.h
	h.route = (*C.uint8_t)(C.malloc(C.size_t(len(route))))
	copy(unsafe.Slice((*uint8)(unsafe.Pointer(h.route)), len(route)), route)
	h.nroute = C.uint32_t(len(route))
}

// cCodes copies codes to C memory.
func cCodes(codes []uint16) (*C.uint16_t, uint32) {
	p := (*C.uint16_t)(C.malloc(C.size_t(2 * max(len(codes), 1))))
	copy(unsafe.Slice((*uint16)(unsafe.Pointer(p)), len(codes)), codes)
	return p, uint32(len(codes))
}

func eventTypes(h unsafe.Pointer, n *uint32) unsafe.Pointer {
	*n = 0
	inst := lookup(h)
	if inst == nil || inst.types == nil {
		return nil
	}
	*n = inst.ntypes
	return unsafe.Pointer(inst.types)
}

func parseTypes(h unsafe.Pointer, n *uint32) unsafe.Pointer {
	*n = 0
	inst := lookup(h)
	if inst == nil || inst.ptypes == nil {
		return nil
	}
	*n = inst.nptypes
	return unsafe.Pointer(inst.ptypes)
}

func (inst *instance) setError(err error) {
	msg := err.Error()
	if len(msg) >= C.ABI_MAX_ERRLEN {
		msg = msg[:C.ABI_MAX_ERRLEN-1]
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(inst.errBuf)), C.ABI_MAX_ERRLEN)
	n := copy(buf, msg)
	buf[n] = 0
	if inst.log != nil && inst.det == nil {
		inst.log.Error("init failed", "error", msg)
	}
}

// failed records msg as the instance's last error (inst may be nil) and
// returns the failure code.
func (inst *instance) failed(msg string) C.abi_rc {
	if inst != nil {
		inst.setError(errors.New(msg))
	}
	return C.ABI_FAILURE
}

func (inst *instance) lastError() unsafe.Pointer { return unsafe.Pointer(inst.errBuf) }

// destroyInstance frees everything the instance owns. It never blocks:
// the plugin runs no goroutines.
func destroyInstance(h unsafe.Pointer) {
	inst := lookup(h)
	if inst == nil {
		return
	}
	unregister(inst)
	if inst.log != nil && inst.det != nil {
		inst.mergeCParse()
		inst.log.Info("stopping", "stats", fmt.Sprintf("%+v", inst.det.Stats()))
	}
	inst.release()
	C.free(unsafe.Pointer(inst.errBuf))
}

// release frees what init built, keeping the error buffer.
func (inst *instance) release() {
	if h := inst.h; h != nil {
		// The handle outlives a failed init (for plugin_get_last_error):
		// nothing in it may point into what is freed here.
		h.valid, h.ecache, h.early, h.early_valid = 0, nil, nil, 0
		h.cparse = nil
	}
	if inst.state != nil {
		inst.state.Close()
	}
	if inst.tables != nil {
		inst.tables.Close()
	}
	C.free(unsafe.Pointer(inst.types))
	C.free(unsafe.Pointer(inst.ptypes))
	C.free(unsafe.Pointer(inst.resU64))
	C.free(unsafe.Pointer(inst.resStr))
	C.free(unsafe.Pointer(inst.strArea))
	inst.state, inst.tables, inst.det, inst.lists = nil, nil, nil, nil
	if inst.mem != nil {
		inst.mem.free() // after the detector that used it is dropped
		inst.mem, inst.cp = nil, nil
	}
	inst.types, inst.resU64, inst.resStr, inst.strArea = nil, nil, nil, nil
	inst.ptypes = nil
}

// eventBytes views the host's event as bytes, len taken from its header.
func eventBytes(evt unsafe.Pointer) []byte {
	if evt == nil {
		return nil
	}
	hdr := unsafe.Slice((*byte)(evt), event.HeaderSize)
	n := binary.LittleEndian.Uint32(hdr[16:20])
	if n < event.HeaderSize {
		return hdr
	}
	return unsafe.Slice((*byte)(evt), n)
}
