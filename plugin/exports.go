package main

/*
#cgo CFLAGS: -I${SRCDIR}/../internal/abi
#include <stdint.h>
#include "abi.h"
*/
import "C"

import "unsafe"

// Every export recovers panics (guard) so that nothing unwinds into
// Falco. Returned strings are C memory: static ones live for the process,
// per-instance ones until the next call of the same function for the same
// instance, or destroy.

//export plugin_get_required_api_version
func plugin_get_required_api_version() (s *C.char) {
	defer guard("get_required_api_version", nil)
	return cstatic(&static.api)
}

//export plugin_get_version
func plugin_get_version() (s *C.char) {
	defer guard("get_version", nil)
	return cstatic(&static.version)
}

//export plugin_get_name
func plugin_get_name() (s *C.char) {
	defer guard("get_name", nil)
	return cstatic(&static.name)
}

//export plugin_get_description
func plugin_get_description() (s *C.char) {
	defer guard("get_description", nil)
	return cstatic(&static.description)
}

//export plugin_get_contact
func plugin_get_contact() (s *C.char) {
	defer guard("get_contact", nil)
	return cstatic(&static.contact)
}

//export plugin_get_init_schema
func plugin_get_init_schema(kind *C.abi_schema_kind) *C.char {
	defer guard("get_init_schema", nil)
	*kind = C.ABI_SCHEMA_JSON
	return cstatic(&static.schema)
}

//export plugin_get_fields
func plugin_get_fields() (s *C.char) {
	defer guard("get_fields", nil)
	return cstatic(&static.fields)
}

//export plugin_get_extract_event_sources
func plugin_get_extract_event_sources() (s *C.char) {
	defer guard("get_extract_event_sources", nil)
	return cstatic(&static.sources)
}

//export plugin_get_parse_event_sources
func plugin_get_parse_event_sources() (s *C.char) {
	defer guard("get_parse_event_sources", nil)
	return cstatic(&static.sources)
}

//export plugin_get_required_event_schema_version
func plugin_get_required_event_schema_version(s unsafe.Pointer) (v *C.char) {
	defer guard("get_required_event_schema_version", nil)
	return cstatic(&static.schemaVersion)
}

//export plugin_init
func plugin_init(in *C.abi_init_input, rc *C.abi_rc) (h unsafe.Pointer) {
	*rc = C.ABI_FAILURE
	defer guard("init", func(string) { h = nil })
	handle, err := initInstance(unsafe.Pointer(in))
	if err == nil {
		*rc = C.ABI_SUCCESS
	}
	return handle
}

//export plugin_destroy
func plugin_destroy(s unsafe.Pointer) {
	defer guard("destroy", nil)
	destroyInstance(s)
}

//export plugin_get_last_error
func plugin_get_last_error(s unsafe.Pointer) *C.char {
	defer guard("get_last_error", nil)
	if inst := lookup(s); inst != nil {
		return (*C.char)(inst.lastError())
	}
	return cstatic(&static.noInstance)
}

//export plugin_get_extract_event_types
func plugin_get_extract_event_types(n *C.uint32_t, s unsafe.Pointer) *C.uint16_t {
	defer guard("get_extract_event_types", nil)
	return (*C.uint16_t)(eventTypes(s, (*uint32)(unsafe.Pointer(n))))
}

//export plugin_get_parse_event_types
func plugin_get_parse_event_types(n *C.uint32_t, s unsafe.Pointer) *C.uint16_t {
	defer guard("get_parse_event_types", nil)
	return (*C.uint16_t)(parseTypes(s, (*uint32)(unsafe.Pointer(n))))
}

// plugin_parse_event itself is C (fast.c): it notes the events that change
// the threads table, and calls this for the codes the profiles count.
//
//export ad_go_parse_event
func ad_go_parse_event(s unsafe.Pointer, ev *C.abi_event_input, in *C.abi_parse_input) (rc C.abi_rc) {
	rc = C.ABI_FAILURE
	inst := lookup(s)
	defer guard("parse_event", func(msg string) { rc = inst.failed(msg) })
	if inst == nil || ev == nil || in == nil {
		return C.ABI_FAILURE
	}
	raw := eventBytes(unsafe.Pointer(ev.evt))
	if !inst.parse(raw, uint64(ev.evtnum), unsafe.Pointer(in.table_reader_ext),
		unsafe.Pointer(in.table_writer_ext)) {
		return C.ABI_FAILURE
	}
	return C.ABI_SUCCESS
}

// plugin_extract_fields itself is C (fast.c): it answers what the last
// parse already computed for the same event, and calls this for the rest.
//
//export ad_go_extract_fields
func ad_go_extract_fields(s unsafe.Pointer, ev *C.abi_event_input, in *C.abi_extract_input) (rc C.abi_rc) {
	rc = C.ABI_FAILURE
	inst := lookup(s)
	defer guard("extract_fields", func(msg string) { rc = inst.failed(msg) })
	if inst == nil || ev == nil || in == nil {
		return C.ABI_FAILURE
	}
	raw := eventBytes(unsafe.Pointer(ev.evt))
	fields := unsafe.Slice((*C.abi_extract_field)(in.fields), int(in.num_fields))
	inst.extract(raw, uint64(ev.evtnum), unsafe.Pointer(in.table_reader_ext), fields)
	return C.ABI_SUCCESS
}
