package detector

import (
	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// Stats are running totals for metrics and tests.
type Stats struct {
	Parsed   uint64 // events parse looked at
	Counted  uint64 // profile updates
	Skipped  uint64 // exit events of a profile's code not counted (failed exec, clone parent)
	Resets   uint64 // sketch resets by reset_timer_ms
	Rendered uint64 // profile renders (each at most once per event and profile)
	// PrefixHits counts renders that took their leading fields from the
	// prefix cache.
	PrefixHits uint64
}

// Stats returns the running totals.
func (d *Detector) Stats() Stats { return d.stats }

// Begin starts a plugin call: st is valid until the call returns, so the
// profile context must be reset before it renders anything in this call.
func (d *Detector) Begin() { d.ctxReady, d.epochOK = false, false }

// Parse counts the profiles configured for ev's code. evtnum identifies
// the event (libsinsp's event number); extractions of the same event reuse
// what Parse rendered. lists is non-nil on hosts that need the plugin to
// keep args and env itself.
func (d *Detector) Parse(ev *event.Event, evtnum uint64, st profile.State, lists ListStore) {
	d.stats.Parsed++
	if !d.cfg.Enabled || !event.IsExit(ev.Type) || ev.Type >= event.CodeCount {
		return
	}
	d.touch(ev, evtnum)
	d.tick(ev.TS)
	if lists != nil && d.need&(profile.NeedArgs|profile.NeedEnv) != 0 {
		storeLists(ev, lists)
	}

	counted := d.byCode[ev.Type]
	if len(counted) > 0 && !countable(ev) {
		d.stats.Skipped += uint64(len(counted))
		return
	}
	d.narrowFor(ev, counted, st)
	for _, i := range counted {
		p := d.profiles[i]
		if !d.render(p, ev, st) {
			continue
		}
		p.est = p.sk.AddEstimateHash(p.hash, 1)
		p.state = stEstimated
		d.stats.Counted++
	}
}

// countable decides whether an exit event changes behavior worth
// counting. A failed execve or clone leaves the process as it was (and a
// shell's PATH search fails many execs per command), so it is not counted;
// of a successful clone only the child side (return value 0) is counted,
// or every fork would count twice. Failed file and socket calls are
// counted: a rare failed open of a sensitive file is exactly what a rule
// wants to see.
func countable(ev *event.Event) bool {
	if l, ok := event.ExecLayoutOf(ev.Type); ok {
		res, ok := ev.Int64(l.Res)
		return ok && res == 0
	}
	if l, ok := event.CloneLayoutOf(ev.Type); ok {
		res, ok := ev.Int64(l.Res)
		return ok && res == 0
	}
	return true
}

// storeLists keeps the args and env of a successful exec for hosts without
// sub-tables.
func storeLists(ev *event.Event, lists ListStore) {
	l, ok := event.ExecLayoutOf(ev.Type)
	if !ok {
		return
	}
	if res, ok := ev.Int64(l.Res); !ok || res != 0 {
		return
	}
	args, _ := ev.Param(l.Args)
	env, _ := ev.Param(l.Env)
	lists.WriteLists(ev.Tid, args, env)
}

// touch makes the per-event cache belong to evtnum.
func (d *Detector) touch(ev *event.Event, evtnum uint64) {
	if !d.started {
		d.started, d.firstTS = true, ev.TS
	}
	if d.cached && d.evtnum == evtnum {
		return
	}
	d.cached, d.evtnum = true, evtnum
	for _, p := range d.profiles {
		p.state = stNone
	}
}

// tick applies reset_timer_ms in event time: the first event starts each
// period, and the first event at or after its end zeroes the sketch.
func (d *Detector) tick(ts uint64) {
	for _, p := range d.profiles {
		if p.resetNS == 0 {
			continue
		}
		if p.nextReset == 0 {
			p.nextReset = ts + p.resetNS
			continue
		}
		if ts < p.nextReset {
			continue
		}
		p.sk.Reset()
		d.stats.Resets++
		p.nextReset += p.resetNS * ((ts-p.nextReset)/p.resetNS + 1)
	}
}

// render computes p's key and hash for the current event, once.
func (d *Detector) render(p *prof, ev *event.Event, st profile.State) bool {
	switch p.state {
	case stRendered, stEstimated:
		return true
	case stNoValue:
		return false
	}
	if !p.evaluable[ev.Type] {
		p.state = stNoValue
		return false
	}
	d.renderKey(p, ev, st)
	p.hash = p.sk.Hash(p.key)
	p.state = stRendered
	d.stats.Rendered++
	return true
}

// ready resets the profile context for the current call, once.
func (d *Detector) ready(ev *event.Event, st profile.State) {
	if !d.ctxReady {
		d.ctx.Reset(ev, st)
		d.ctxReady = true
	}
}
