package detector

import (
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// The prefix cache keeps, per profile and thread, the rendering of the
// profile's leading fields that depend on the threads table alone
// (profile.Plan.StateOnly): the process, its ancestors and leaders. A
// thread that opens a hundred files renders them once. The rest of the key
// (the fd fields) is rendered on every event.
//
// A cached rendering holds while the table holds. The plugin tells the
// detector, through an epoch, when any event that can change the table
// has been parsed (event.ChangesState: new, exec'd and exited processes,
// setsid, chdir, setuid and the like); renderings made during such an
// event are never kept, because other plugins may still write the entry
// after this one parsed it. Two changes reach the table without such an
// event: libsinsp adding an entry it learns of from /proc, and its purge
// of long-inactive entries. A rendering that met a missing entry is not
// kept, and every rendering expires after prefixTTL of event time.
const (
	prefixSlots = 64  // per profile, indexed by tid
	prefixCap   = 480 // longer renderings are not kept
	prefixTTL   = uint64(1e9)
)

// prefixSlot is one cached rendering.
type prefixSlot struct {
	tid   int64
	epoch uint64
	ts    uint64 // event time of the rendering
	n     uint16
	ok    bool
	buf   [prefixCap]byte
}

// BeginEpoch starts a plugin call like Begin, for a plugin that parses
// every event.ChangesState event and counts them in epoch: renderings
// kept under another epoch are stale. fill says whether renderings of
// this call may be kept: false when the call's event changes state.
// Without BeginEpoch nothing is taken from the cache.
func (d *Detector) BeginEpoch(epoch uint64, fill bool) {
	d.Begin()
	d.epochOK, d.epoch, d.fill = true, epoch, fill
}

// Caches reports whether some profile keeps prefix renderings, so that
// the plugin must deliver the events that change state (StateCodes).
func (d *Detector) Caches() bool {
	for _, p := range d.profiles {
		if p.slots != nil {
			return true
		}
	}
	return false
}

// setupPrefix gives p its cache when it has leading table-only fields and
// is counted on some event that changes no state (on the others nothing
// would ever be kept).
func (p *prof) setupPrefix(codes []uint16, mem Memory) {
	n, tail := p.plan.StateOnly()
	if n == 0 {
		return
	}
	for _, c := range codes {
		if !event.ChangesState(c) {
			p.stateOnly, p.tailNeeds = n, tail
			if mem != nil {
				p.slots = (*[prefixSlots]prefixSlot)(mem.Alloc(int(unsafe.Sizeof([prefixSlots]prefixSlot{}))))
			} else {
				p.slots = new([prefixSlots]prefixSlot)
			}
			return
		}
	}
}

// cachedPrefix returns p's slot for ev's thread when it holds a valid
// rendering.
func (d *Detector) cachedPrefix(p *prof, ev *event.Event) (*prefixSlot, bool) {
	if !d.epochOK || p.slots == nil {
		return nil, false
	}
	s := &p.slots[uint64(ev.Tid)%prefixSlots]
	return s, s.ok && s.tid == ev.Tid && s.epoch == d.epoch &&
		ev.TS >= s.ts && ev.TS-s.ts < prefixTTL
}

// renderKey renders p's key for ev into p.key, from the prefix cache when
// it can, and keeps the prefix when allowed.
func (d *Detector) renderKey(p *prof, ev *event.Event, st profile.State) {
	slot, hit := d.cachedPrefix(p, ev)
	if hit {
		d.stats.PrefixHits++
		p.key = append(p.key[:0], slot.buf[:slot.n]...)
		if p.stateOnly < p.plan.Len() {
			d.ready(ev, st)
			p.key = p.plan.RenderFrom(p.key, p.stateOnly, d.ctx)
		}
		return
	}
	d.ready(ev, st)
	if slot == nil {
		p.key = p.plan.Render(p.key[:0], d.ctx)
		return
	}
	missed := d.ctx.Missed()
	p.key = p.plan.RenderRange(p.key[:0], 0, p.stateOnly, d.ctx)
	n := len(p.key)
	keep := d.fill && d.ctx.Thread != nil && d.ctx.Missed() == missed && n <= prefixCap
	p.key = p.plan.RenderFrom(p.key, p.stateOnly, d.ctx)
	if keep {
		copy(slot.buf[:], p.key[:n])
		slot.tid, slot.epoch, slot.ts, slot.n, slot.ok = ev.Tid, d.epoch, ev.TS, uint16(n), true
	}
}

// narrowFor tells st, before anything is read in this call, that every
// profile counted on ev has its prefix cached: only what the remaining
// fields read of the event thread is needed.
func (d *Detector) narrowFor(ev *event.Event, counted []int, st profile.State) {
	nr, ok := st.(profile.Narrower)
	if !ok || d.ctxReady || !d.epochOK {
		return
	}
	var need profile.Need
	for _, i := range counted {
		p := d.profiles[i]
		if p.state != stNone {
			continue
		}
		if _, hit := d.cachedPrefix(p, ev); !hit {
			return
		}
		need |= p.tailNeeds
	}
	nr.Narrow(need)
}
