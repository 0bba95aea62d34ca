package host

/*
#cgo CFLAGS: -I${SRCDIR}/../abi -O2 -Wall -Wextra -Wno-unused-parameter
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "host.h"
*/
import "C"

import (
	"errors"
	"unsafe"
)

// This file is the whole cgo seam of the host: thin wrappers with Go
// types over host.h. The C side never calls Go.

// Symbol indices, shared with host.h.
const (
	symGetRequiredAPIVersion = C.HT_SYM_GET_REQUIRED_API_VERSION
	symGetVersion            = C.HT_SYM_GET_VERSION
	symGetName               = C.HT_SYM_GET_NAME
	symGetDescription        = C.HT_SYM_GET_DESCRIPTION
	symGetContact            = C.HT_SYM_GET_CONTACT
	symGetLastError          = C.HT_SYM_GET_LAST_ERROR
	symInit                  = C.HT_SYM_INIT
	symDestroy               = C.HT_SYM_DESTROY
	symGetInitSchema         = C.HT_SYM_GET_INIT_SCHEMA
	symGetFields             = C.HT_SYM_GET_FIELDS
	symExtractFields         = C.HT_SYM_EXTRACT_FIELDS
	symGetExtractSources     = C.HT_SYM_GET_EXTRACT_EVENT_SOURCES
	symGetExtractTypes       = C.HT_SYM_GET_EXTRACT_EVENT_TYPES
	symParseEvent            = C.HT_SYM_PARSE_EVENT
	symGetParseSources       = C.HT_SYM_GET_PARSE_EVENT_SOURCES
	symGetParseTypes         = C.HT_SYM_GET_PARSE_EVENT_TYPES
	symGetID                 = C.HT_SYM_GET_ID
	symGetEventSource        = C.HT_SYM_GET_EVENT_SOURCE
	symOpen                  = C.HT_SYM_OPEN
	symClose                 = C.HT_SYM_CLOSE
	symNextBatch             = C.HT_SYM_NEXT_BATCH
	symGetAsyncEvents        = C.HT_SYM_GET_ASYNC_EVENTS
	symGetAsyncSources       = C.HT_SYM_GET_ASYNC_EVENT_SOURCES
	symSetAsyncHandler       = C.HT_SYM_SET_ASYNC_EVENT_HANDLER
	symGetMetrics            = C.HT_SYM_GET_METRICS
	symCaptureOpen           = C.HT_SYM_CAPTURE_OPEN
	symCaptureClose          = C.HT_SYM_CAPTURE_CLOSE
	symSchemaVersion         = C.HT_SYM_GET_REQUIRED_EVENT_SCHEMA_VERSION
	numSyms                  = C.HT_NSYM
)

// Guard regions, in the order ht_guard_addr numbers them.
const (
	guardInit = iota
	guardTables
	guardExtract
	guardField
	guardParse
	guardEvent
)

// Result codes.
const (
	rcSuccess = C.ABI_SUCCESS
	rcFailure = C.ABI_FAILURE
)

const schemaJSON = C.ABI_SCHEMA_JSON

// chost owns one C ht_host.
type chost struct{ h *C.ht_host }

func newCHost(apiMinor uint32) (*chost, error) {
	h := C.ht_new(C.uint32_t(apiMinor))
	if h == nil {
		return nil, errors.New("host: out of memory")
	}
	return &chost{h: h}, nil
}

func (c *chost) free() {
	if c.h != nil {
		C.ht_free(c.h)
		c.h = nil
	}
}

func (c *chost) open(path string, deepbind bool) error {
	p := C.CString(path)
	defer C.free(unsafe.Pointer(p))
	db := C.int(0)
	if deepbind {
		db = 1
	}
	if e := C.ht_open(c.h, p, db); e != nil {
		return errors.New(C.GoString(e))
	}
	return nil
}

func symName(i int) string { return C.GoString(C.ht_sym_name(C.int(i))) }

func (c *chost) has(sym int) bool { return C.ht_has(c.h, C.int(sym)) != 0 }

func (c *chost) setName(name string) {
	p := C.CString(name)
	C.ht_set_name(c.h, p)
	C.free(unsafe.Pointer(p))
}

// goStr copies a C string; ok is false for NULL.
func goStr(s *C.char) (string, bool) {
	if s == nil {
		return "", false
	}
	return C.GoString(s), true
}

func (c *chost) callStr(sym int) (string, bool) {
	return goStr(C.ht_call_str(c.h, C.int(sym)))
}

func (c *chost) lastError(state uintptr) (string, bool) {
	return goStr(C.ht_call_last_error(c.h, C.uintptr_t(state)))
}

func (c *chost) initSchema() (string, uint32, bool) {
	var kind C.uint32_t
	s, ok := goStr(C.ht_call_init_schema(c.h, &kind))
	return s, uint32(kind), ok
}

func parseVersion(s string) (Version, bool) {
	p := C.CString(s)
	defer C.free(unsafe.Pointer(p))
	var out [3]C.uint32_t
	if C.ht_parse_version(p, &out[0]) == 0 {
		return Version{}, false
	}
	return Version{uint32(out[0]), uint32(out[1]), uint32(out[2])}, true
}

// callInit calls plugin_init; rcSet is false when the plugin left the rc
// sentinel untouched.
func (c *chost) callInit(config string) (state uintptr, rc int32,
	rcSet bool, err error) {
	p := C.CString(config)
	defer C.free(unsafe.Pointer(p))
	var r C.abi_rc
	var st C.uintptr_t
	if C.ht_call_init(c.h, p, &r, &st) == 0 {
		return 0, 0, false, errors.New("host: cannot map input structs")
	}
	return uintptr(st), int32(r), r != 0x7ead, nil
}

func (c *chost) setState(s uintptr) { C.ht_set_state(c.h, C.uintptr_t(s)) }

func (c *chost) callDestroy(s uintptr) { C.ht_call_destroy(c.h, C.uintptr_t(s)) }

// eventTypes copies the array returned by get_*_event_types; nil means
// the plugin returned NULL or an empty array.
func (c *chost) eventTypes(sym int) []uint16 {
	var n C.uint32_t
	p := C.ht_call_event_types(c.h, C.int(sym), &n)
	if p == nil || n == 0 {
		return nil
	}
	return append([]uint16(nil), unsafe.Slice((*uint16)(p), int(n))...)
}

func (c *chost) schemaVersion() (string, bool) {
	return goStr(C.ht_call_schema_version(c.h))
}

// Metric is one value from plugin_get_metrics.
type Metric struct {
	Name string
	// Monotonic is false for gauges.
	Monotonic bool
	// Value holds the value converted to float64; Raw keeps the bits.
	Value float64
	Raw   uint64
	// ValueType is ss_plugin_metric_value_type (0 u32 ... 6 int).
	ValueType uint32
}

func (c *chost) metrics() ([]Metric, bool) {
	var n C.uint32_t
	p := C.ht_call_metrics(c.h, &n)
	if p == nil {
		return nil, n == 0
	}
	ms := unsafe.Slice(p, int(n))
	out := make([]Metric, 0, len(ms))
	for i := range ms {
		m := &ms[i]
		raw := *(*uint64)(unsafe.Pointer(&m.value))
		out = append(out, Metric{
			Name:      C.GoString(m.name),
			Monotonic: m._type == C.ABI_METRIC_MONOTONIC,
			Raw:       raw,
			ValueType: uint32(m.value_type),
			Value:     metricFloat(uint32(m.value_type), raw),
		})
	}
	return out, true
}

// withEvent passes evt to f as C-visible memory. The host copies it into
// its guarded region before the plugin sees it.
func withEvent(evt []byte) unsafe.Pointer {
	if len(evt) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.SliceData(evt))
}

func (c *chost) callParse(evt []byte, num uint64) int32 {
	return int32(C.ht_call_parse(c.h, withEvent(evt), C.uint32_t(len(evt)),
		C.uint64_t(num)))
}

// extractReq is one field request; the C strings belong to the caller.
type extractReq struct {
	id         uint32
	name, key  *C.char
	index      uint64
	argPresent bool
	ftype      uint32
	list       bool
}

// extractRes is the raw result: a pointer to res_len values of the
// field's type, in plugin memory valid until the next extract call.
type extractRes struct {
	rc  int32
	ptr unsafe.Pointer
	n   uint64
}

func (c *chost) callExtract(evt []byte, num uint64, r *extractReq) extractRes {
	rc := C.ht_call_extract(c.h, withEvent(evt), C.uint32_t(len(evt)),
		C.uint64_t(num), C.uint32_t(r.id), r.name, r.key,
		C.uint64_t(r.index), cbool(r.argPresent), C.uint32_t(r.ftype),
		cbool(r.list))
	return extractRes{rc: int32(rc), ptr: c.h.res_ptr,
		n: uint64(c.h.res_len)}
}

func cbool(b bool) C.uint32_t {
	if b {
		return 1
	}
	return 0
}

// strData points C at a Go string's bytes for the duration of a call.
func strData(s string) *C.char {
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

// cstr is a C string owned by the Go side.
type cstr = *C.char

func cstring(s string) cstr { return C.CString(s) }

func freeCString(p *C.char) { C.free(unsafe.Pointer(p)) }

// Readers of the result arrays (plugin memory, copied at once).
func resStrings(p unsafe.Pointer, n int) ([]string, bool) {
	ptrs := unsafe.Slice((**C.char)(p), n)
	out := make([]string, n)
	for i, s := range ptrs {
		if s == nil {
			return nil, false
		}
		out[i] = C.GoString(s)
	}
	return out, true
}

func resU64(p unsafe.Pointer, n int) []uint64 {
	return append([]uint64(nil), unsafe.Slice((*uint64)(p), n)...)
}

func resBools(p unsafe.Pointer, n int) []bool {
	out := make([]bool, n)
	for i, v := range unsafe.Slice((*uint32)(p), n) {
		out[i] = v != 0
	}
	return out
}

func resBufs(p unsafe.Pointer, n int) ([][]byte, bool) {
	bufs := unsafe.Slice((*C.abi_byte_buffer)(p), n)
	out := make([][]byte, n)
	for i := range bufs {
		if bufs[i].ptr == nil && bufs[i].len > 0 {
			return nil, false
		}
		out[i] = C.GoBytes(bufs[i].ptr, C.int(bufs[i].len))
	}
	return out, true
}

// tableCalls sums the reader-vtable calls made so far.
func (c *chost) tableCalls() uint64 {
	h := c.h
	return uint64(h.n_get + h.n_read + h.n_release + h.n_size + h.n_iterate)
}

func (c *chost) takeViolations() (string, int) {
	// Most calls record nothing: look before paying for a C call. The
	// counters are written by the plugin's calls into the host, which
	// have returned by now, and by the log callback, which a later take
	// sees.
	if c.h.nviol == 0 && c.h.log_bad_sev == 0 {
		return "", 0
	}
	n := C.ht_take_violations(c.h)
	if n == 0 {
		return "", 0
	}
	return C.GoString(&c.h.viol_out[0]), int(n)
}

func (c *chost) guardAddr(which int) uintptr {
	return uintptr(C.ht_guard_addr(c.h, C.int(which)))
}

// LogRecord is one message the plugin sent through the host's log
// callback.
type LogRecord struct {
	Component string
	Message   string
	// Severity is ss_plugin_log_severity: 1 fatal ... 8 trace.
	Severity uint32
}

func (c *chost) logs(from int) []LogRecord {
	n := int(C.ht_log_count(c.h))
	var out []LogRecord
	for i := from; i < n; i++ {
		var comp, msg *C.char
		var sev C.uint32_t
		if C.ht_log_get(c.h, C.uint32_t(i), &comp, &msg, &sev) == 0 {
			break
		}
		out = append(out, LogRecord{C.GoString(comp), C.GoString(msg),
			uint32(sev)})
	}
	return out
}

// ---- tables ----

type cschema = *C.ht_schema
type cfield = *C.ht_field
type ctable = *C.ht_table
type centry = *C.ht_entry

func (c *chost) newSchema(name string, key StateType, dyn bool) cschema {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	d := C.int(0)
	if dyn {
		d = 1
	}
	return C.ht_schema_new(c.h, p, C.abi_state_type(key), d)
}

func schemaAdd(s cschema, name string, typ StateType, ro bool,
	sub cschema, alias cfield) cfield {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	r := C.int(0)
	if ro {
		r = 1
	}
	slot := C.int(-1)
	if alias != nil {
		slot = C.int(alias.slot)
	}
	return C.ht_schema_add(s, p, C.abi_state_type(typ), r, sub, slot)
}

func schemaFind(s cschema, name string) cfield {
	return C.ht_schema_find(s, strData(name), C.size_t(len(name)))
}

func schemaSetKey(s cschema, f cfield) { C.ht_schema_set_key(s, f) }

func schemaFields(s cschema) []FieldInfo {
	fs := unsafe.Slice(s.fields, int(s.nfields))
	out := make([]FieldInfo, len(fs))
	for i, f := range fs {
		out[i] = FieldInfo{
			Name:     C.GoString(f.name),
			Type:     StateType(f._type),
			ReadOnly: f.read_only != 0,
			Dynamic:  f.dynamic != 0,
		}
	}
	return out
}

func fieldType(f cfield) StateType { return StateType(f._type) }

func fieldSub(f cfield) cschema { return f.sub }

func addDynamic(s cschema, name string, typ StateType) (cfield, error) {
	p := C.CString(name)
	defer C.free(unsafe.Pointer(p))
	var f cfield
	if why := C.ht_add_dynamic(s, p, C.abi_state_type(typ), &f); why != nil {
		return nil, errors.New(C.GoString(why))
	}
	return f, nil
}

func (c *chost) setThreads(s cschema) { C.ht_set_threads(c.h, s) }

func (c *chost) threads() ctable { return C.ht_threads(c.h) }

func tablePut(t ctable, key int64) centry { return C.ht_put(t, C.int64_t(key)) }

func tableFind(t ctable, key int64) centry {
	return C.ht_find(t, C.int64_t(key))
}

func tableErase(t ctable, key int64) bool {
	return C.ht_erase(t, C.int64_t(key)) != 0
}

func tableClear(t ctable) { C.ht_clear(t) }

func tableSize(t ctable) int { return int(C.ht_size(t)) }

func tableKeyAt(t ctable, i int) int64 {
	return int64(C.ht_key_at(t, C.uint32_t(i)))
}

func entrySetNum(e centry, f cfield, v uint64) {
	C.ht_set_num(e, f, C.uint64_t(v))
}

func entrySetStr(e centry, f cfield, v string) {
	C.ht_set_str(e, f, strData(v), C.size_t(len(v)))
}

func entryNum(e centry, f cfield) uint64 { return uint64(C.ht_get_num(e, f)) }

func entryStr(e centry, f cfield) string { return C.GoString(C.ht_get_str(e, f)) }

func entrySub(e centry, f cfield) ctable { return C.ht_sub(e, f) }

func stdoutBegin(fd int) int { return int(C.ht_stdout_begin(C.int(fd))) }

func stdoutEnd(saved, fd int) int64 {
	return int64(C.ht_stdout_end(C.int(saved), C.int(fd)))
}
