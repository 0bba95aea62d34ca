package host

/*
#include <stdlib.h>
#include "host.h"
*/
import "C"

import (
	"strconv"
	"unsafe"
)

// Batch is a prepared list of extractions that Event performs on each
// event after parsing it, all in one call from Go into the host's C code:
// the plugin is driven exactly as by Parse and Extract (parse first, then
// one plugin_extract_fields call per field), but the host's own Go-to-C
// crossings and bookkeeping are paid once per event. Benchmarks use it so
// that the host's overhead does not hide the plugin's cost.
//
// Values are copied as they come back: strings up to 511 bytes; ipaddr
// and ipnet values are not copied. A Batch belongs to the Plugin that
// made it; free it with Close.
type Batch struct {
	p    *Plugin
	reqs *C.ht_req
	n    int
}

// NewBatch prepares the extraction of fields ("name" or "name[arg]").
func (p *Plugin) NewBatch(fields ...string) (*Batch, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := &Batch{p: p, n: len(fields)}
	b.reqs = (*C.ht_req)(C.calloc(C.size_t(max(len(fields), 1)), C.sizeof_ht_req))
	reqs := unsafe.Slice(b.reqs, max(len(fields), 1))
	for i, field := range fields {
		r, _, err := p.request(field)
		if err != nil {
			b.Close()
			return nil, err
		}
		reqs[i] = C.ht_req{id: C.uint32_t(r.id), ftype: C.uint32_t(r.ftype),
			arg_present: cbool(r.argPresent), flist: cbool(r.list),
			name: r.name, key: r.key, index: C.uint64_t(r.index)}
	}
	return b, nil
}

// Close frees the batch.
func (b *Batch) Close() {
	if b.reqs != nil {
		C.free(unsafe.Pointer(b.reqs))
		b.reqs = nil
	}
}

// Event parses evt (when the plugin subscribes to its type) and performs
// the batch's extractions (when it extracts from that type). Read the
// results with Text.
func (p *Plugin) Event(evt []byte, num uint64, b *Batch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.live(); err != nil {
		return err
	}
	typ, err := checkEvent(evt)
	if err != nil {
		return err
	}
	parse := p.info.Parsing && p.parseSet.has(typ)
	if parse {
		p.stats.Parse++
	} else if p.info.Parsing {
		p.stats.ParseSkipped++
	}
	n := b.n
	if !p.info.Extraction || !p.extractSet.has(typ) {
		p.stats.ExtractSkipped += uint64(n)
		n = 0
	}
	p.stats.Extract += uint64(n)
	for i := n; i < b.n; i++ {
		unsafe.Slice(b.reqs, b.n)[i].len = 0
	}
	if !parse && n == 0 {
		return nil // libsinsp never hands the plugin this event
	}
	var rc C.abi_rc
	if err := p.call("plugin_parse_event", func() {
		rc = C.ht_call_event(p.c.h, withEvent(evt), C.uint32_t(len(evt)),
			C.uint64_t(num), C.int(cbool(parse)), b.reqs, C.uint32_t(n))
	}); err != nil {
		return err
	}
	if parse && int32(rc) != rcSuccess {
		return p.failure("plugin_parse_event", int32(rc))
	}
	reqs := unsafe.Slice(b.reqs, max(b.n, 1))
	for i := 0; i < n; i++ {
		if int32(reqs[i].rc) != rcSuccess {
			return p.failure("plugin_extract_fields", int32(reqs[i].rc))
		}
	}
	return nil
}

// Text returns extraction i of the last Event as text, and whether it had
// a value.
func (b *Batch) Text(i int) (string, bool) {
	r := &unsafe.Slice(b.reqs, b.n)[i]
	if r.len == 0 {
		return "", false
	}
	if uint32(r.ftype) == 9 { // string
		return C.GoString(&r.str[0]), true
	}
	return strconv.FormatUint(uint64(r.u64), 10), true
}
