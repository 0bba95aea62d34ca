package detector

import (
	"encoding/json"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// The extraction fields, in the order of FieldsJSON: a field id is an
// index into that list.
const (
	FieldCount = iota
	FieldProfile
	FieldDuration
	numFields
)

// FieldInfo describes one extraction field as plugin_get_fields lists it.
type FieldInfo struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Display string   `json:"display,omitempty"`
	Desc    string   `json:"desc"`
	Arg     *ArgInfo `json:"arg,omitempty"`
}

// ArgInfo says which argument a field takes.
type ArgInfo struct {
	IsRequired bool `json:"isRequired"`
	IsIndex    bool `json:"isIndex"`
	IsKey      bool `json:"isKey"`
}

// profileArg lets a profile be named by index or by name: libsinsp
// passes an all-digit argument as an index and anything else as a key.
var profileArg = &ArgInfo{IsIndex: true, IsKey: true}

// Fields is the table of extraction fields.
var Fields = [numFields]FieldInfo{
	FieldCount: {
		Name: "anomaly.count_min_sketch", Type: "uint64", Arg: profileArg,
		Display: "Count-min sketch estimate",
		Desc: "How often the behavior profile given as argument (index or name; " +
			"no argument means 0) has been counted, as estimated by its count-min " +
			"sketch, for the profile rendered on this event. Includes the current " +
			"event when the profile counts it. No value when the profile's fields " +
			"cannot be evaluated on this event type.",
	},
	FieldProfile: {
		Name: "anomaly.count_min_sketch.profile", Type: "string", Arg: profileArg,
		Display: "Behavior profile",
		Desc: "The behavior profile given as argument (index or name; no argument " +
			"means 0) rendered on this event: its field values in configuration " +
			"order, separated by single spaces, a missing value left empty.",
	},
	FieldDuration: {
		Name: "anomaly.falco.duration_ns", Type: "uint64",
		Display: "Plugin run time in event time (ns)",
		Desc: "Nanoseconds between the first event the plugin saw and this one, in " +
			"event time (right for live capture and for replayed captures alike). " +
			"Useful to quiet rules while the sketches warm up.",
	},
}

// FieldsJSON returns the plugin_get_fields document.
func FieldsJSON() string {
	b, err := json.Marshal(Fields)
	if err != nil {
		// Fields is a constant table of strings and bools.
		panic(err)
	}
	return string(b)
}

// Index resolves a field argument to a profile index: no argument is 0,
// an index must be in range, a key must name a profile.
func (d *Detector) Index(present bool, index uint64, key string) (int, bool) {
	if !present {
		return 0, len(d.profiles) > 0
	}
	if key != "" {
		return d.cfg.Lookup(key)
	}
	if index >= uint64(len(d.profiles)) {
		return 0, false
	}
	return int(index), true
}

// Count answers anomaly.count_min_sketch for profile i on the event.
func (d *Detector) Count(i int, ev *event.Event, evtnum uint64, st profile.State) (uint64, bool) {
	p, ok := d.prepare(i, ev, evtnum, st)
	if !ok {
		return 0, false
	}
	if p.state != stEstimated {
		p.est = p.sk.EstimateHash(p.hash)
		p.state = stEstimated
	}
	return p.est, true
}

// Profile appends the display text of profile i on the event to dst.
func (d *Detector) Profile(dst []byte, i int, ev *event.Event, evtnum uint64, st profile.State) ([]byte, bool) {
	p, ok := d.prepare(i, ev, evtnum, st)
	if !ok {
		return dst, false
	}
	return profile.Display(dst, p.key), true
}

func (d *Detector) prepare(i int, ev *event.Event, evtnum uint64, st profile.State) (*prof, bool) {
	if i < 0 || i >= len(d.profiles) || !event.IsExit(ev.Type) || ev.Type >= event.CodeCount {
		return nil, false
	}
	d.touch(ev, evtnum)
	p := d.profiles[i]
	return p, d.render(p, ev, st)
}

// Duration answers anomaly.falco.duration_ns.
func (d *Detector) Duration(ev *event.Event, evtnum uint64) uint64 {
	d.touch(ev, evtnum)
	if ev.TS < d.firstTS {
		return 0
	}
	return ev.TS - d.firstTS
}

// Known is what the detector already holds of one profile on the current
// event, without rendering anything.
type Known struct {
	NoValue  bool   // the profile has no value on the event
	HasCount bool   // Count is the answer of anomaly.count_min_sketch
	Count    uint64 //
	Key      []byte // the rendered key, nil when not rendered
}

// Known reports what profile i already has for event evtnum: what Parse
// (or an earlier extraction) computed. The plugin publishes it so that
// later extractions of the same event can be answered without calling
// into Go. Key is valid until the next call that renders.
func (d *Detector) Known(i int, ev *event.Event, evtnum uint64) Known {
	if i < 0 || i >= len(d.profiles) || !event.IsExit(ev.Type) || ev.Type >= event.CodeCount {
		return Known{NoValue: true}
	}
	p := d.profiles[i]
	if !p.evaluable[ev.Type] {
		return Known{NoValue: true}
	}
	if !d.cached || d.evtnum != evtnum {
		return Known{}
	}
	switch p.state {
	case stNoValue:
		return Known{NoValue: true}
	case stRendered:
		return Known{Key: p.key}
	case stEstimated:
		return Known{HasCount: true, Count: p.est, Key: p.key}
	}
	return Known{}
}
