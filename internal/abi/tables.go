// Package abi binds the parts of the Falco plugin C ABI that the plugin
// uses: host detection and table accessors at init, and the per-call thread
// reads behind profile.State. The C declarations are the project's own
// (abi.h); the multi-read routines live in bridge.c so that one entry costs
// one Go-to-C crossing.
//
// Nothing here is safe for concurrent use: libsinsp calls parse and extract
// for one plugin instance on one thread, and each instance owns its Tables
// and State.
package abi

/*
#cgo CFLAGS: -O2 -Wall
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// Gen is a host generation, as far as this plugin can tell it apart.
type Gen int

// The host generations. The plugin declares required API 3.2.0, so it may
// only read struct members of that version until it has proven the host is
// newer.
const (
	// Gen32 is any host of API 3.2 to 3.4 (Falco 0.37): no log callback
	// read, no sub-tables, no init-time reader or writer.
	Gen32 Gen = iota
	// Gen35 is any host of API 3.5 or newer (Falco 0.38 and later).
	Gen35
)

func (g Gen) String() string {
	if g == Gen35 {
		return "api>=3.5"
	}
	return "api<3.5"
}

// The names of the plugin's own dynamic fields on the threads table, used
// on hosts without the args and env sub-tables.
const (
	ArgsField = "anomalydetection.args"
	EnvField  = "anomalydetection.env"
)

// ErrNoTables is returned when the host gives the plugin no table access.
var ErrNoTables = errors.New("the host offers no state tables")

// Tables holds the host's table accessors, obtained at init.
type Tables struct {
	in    *C.abi_init_tables
	owner unsafe.Pointer
	// avail holds every accessor found; spec is its copy in C memory,
	// which the bridge reads (Go memory must not hold it for C).
	avail C.ad_thread_spec
	spec  *C.ad_thread_spec
	gen   Gen
	// need is the union of the profiles' needs; eventMask and otherMask
	// are the members read with the event thread's entry and with any
	// other entry (see Configure).
	need                 profile.Need
	eventMask, otherMask uint64
	// otherFast says otherMask is exactly pid, ptid, flags and comm, none
	// of which can be missing: State.apply then copies them directly.
	otherFast bool
	// depth and leaders say what a prefetch reads (see Configure).
	depth   int
	leaders bool
	// missable holds, per Need bit, the members that may be Missing.
	missable [32]uint64
	// Notes collects what init learned, for the caller to log.
	Notes  []string
	absent []string
}

// DetectGen applies the detection rule: a threads table that lists a
// TABLE-typed field (args, env, file_descriptors: libs 0.17, API 3.5) can
// only come from a host of API 3.5 or newer, whose init input carries the
// log callback (3.3) and whose tables input carries the init-time reader
// and writer (3.5). Anything else is treated as API 3.2. The rule can only
// err towards Gen32, which reads nothing an older host lacks.
func DetectGen(fieldTypes []uint32) Gen {
	for _, t := range fieldTypes {
		if t == C.ABI_ST_TABLE {
			return Gen35
		}
	}
	return Gen32
}

// OpenTables reads the init input at in (an abi_init_input), detects the
// host generation and obtains every threads accessor the plugin may use.
// It never reads a member that the detected generation lacks.
func OpenTables(in unsafe.Pointer) (*Tables, error) {
	ii := (*C.abi_init_input)(in)
	if ii.tables == nil {
		return nil, ErrNoTables
	}
	t := &Tables{in: ii.tables, owner: unsafe.Pointer(ii.owner)}
	if t.in.fields_ext == nil || t.in.get_table == nil {
		return nil, ErrNoTables
	}

	name := C.CString("threads")
	defer C.free(unsafe.Pointer(name))
	threads := C.ad_get_table(t.in, ii.owner, name, C.ABI_ST_INT64)
	if threads == nil {
		return nil, fmt.Errorf("threads table: %s", ownerError(ii))
	}
	t.avail.threads = threads

	fields := listFields(t.in, threads)
	types := make([]uint32, 0, len(fields))
	for _, f := range fields {
		types = append(types, f.typ)
	}
	t.gen = DetectGen(types)

	if err := t.bindThreadFields(fields); err != nil {
		return nil, err
	}
	if t.gen == Gen35 {
		t.bindSubTables()
	} else if err := t.addListFields(); err != nil {
		return nil, err
	}

	t.spec = (*C.ad_thread_spec)(C.calloc(1, C.sizeof_ad_thread_spec))
	*t.spec = t.avail
	return t, nil
}

// Gen returns the detected host generation.
func (t *Tables) Gen() Gen { return t.gen }

// Spec returns the C description of what to read (an ad_thread_spec),
// for the plugin's C paths. It lives until Close.
func (t *Tables) Spec() unsafe.Pointer { return unsafe.Pointer(t.spec) }

// HasFDTable reports whether the host's fd tables are used.
func (t *Tables) HasFDTable() bool { return t.avail.fds != nil }

// LogFunc returns the host's log callback when the host has one, else nil.
func LogFunc(in unsafe.Pointer, g Gen) unsafe.Pointer {
	if g != Gen35 {
		return nil
	}
	return unsafe.Pointer((*C.abi_init_input)(in).log_fn)
}

// Owner returns the owner pointer from the init input.
func Owner(in unsafe.Pointer) unsafe.Pointer {
	return unsafe.Pointer((*C.abi_init_input)(in).owner)
}

// Config returns the init config string (copied).
func Config(in unsafe.Pointer) string {
	c := (*C.abi_init_input)(in).config
	if c == nil {
		return ""
	}
	return C.GoString(c)
}

// Close frees the C memory the Tables own. The host's accessors need no
// release.
func (t *Tables) Close() {
	if t.spec != nil {
		C.free(unsafe.Pointer(t.spec))
		t.spec = nil
	}
}

type fieldInfo struct {
	name string
	typ  uint32
}

func listFields(in *C.abi_init_tables, tab unsafe.Pointer) []fieldInfo {
	var n C.uint32_t
	p := C.ad_list_fields(in, tab, &n)
	if p == nil || n == 0 {
		return nil
	}
	infos := unsafe.Slice(p, int(n))
	out := make([]fieldInfo, 0, len(infos))
	for _, fi := range infos {
		out = append(out, fieldInfo{C.GoString(fi.name), uint32(fi.field_type)})
	}
	return out
}

func ownerError(ii *C.abi_init_input) string {
	if s := C.ad_owner_error(ii); s != nil {
		return C.GoString(s)
	}
	return "unknown host error"
}
