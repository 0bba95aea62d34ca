// Package detector is the plugin's logic without the C ABI: it turns the
// init configuration into compiled profiles and sketches, counts profiles
// on parsed events and answers the anomaly.* fields. The plugin package
// binds it to libsinsp; tests drive it with in-memory state.
//
// A Detector serves one plugin instance. Parse and the field methods run
// on libsinsp's event thread, one at a time; nothing here is safe for
// concurrent use, except what Stats documents.
package detector

import (
	"fmt"
	"log/slog"
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/config"
	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
	"github.com/falco-anomalydetection/anomalydetection/internal/sketch"
)

// ListStore keeps a thread's args and env for hosts whose threads table
// has no args and env sub-tables (API 3.2). Items are NUL-terminated.
type ListStore interface {
	WriteLists(tid int64, args, env []byte) bool
}

// Detector counts behavior profiles and answers the anomaly.* fields.
type Detector struct {
	cfg      *config.Config
	profiles []*prof
	need     profile.Need
	fdNeed   profile.FDNeed
	// depth and leaders are how far the profiles walk the process tree;
	// fd says whether any reads the fd table.
	depth   int
	leaders bool
	fd      bool
	// byCode lists, per event code, the profiles counted on it.
	byCode [event.CodeCount][]int
	ctx    *profile.Ctx

	// The event the per-event cache belongs to.
	evtnum uint64
	cached bool
	// ctxReady says the Ctx was reset for the current plugin call.
	ctxReady bool
	// The prefix cache's view of the threads table (see BeginEpoch).
	epochOK bool
	fill    bool
	epoch   uint64

	firstTS uint64
	started bool
	stats   Stats
	// mem places the sketches and prefix caches (WithMemory).
	mem Memory
}

// prof is one behavior profile with its sketch and per-event cache.
type prof struct {
	name    string
	plan    *profile.Plan
	sk      *sketch.Sketch
	counted [event.CodeCount]bool
	// evaluable says on which codes the plan's fields have a value.
	evaluable [event.CodeCount]bool
	resetNS   uint64
	nextReset uint64

	// Per-event cache, valid while Detector.cached and evtnum match.
	state state
	key   []byte
	hash  uint64
	est   uint64

	// The prefix cache (prefix.go): nil when the profile keeps none.
	stateOnly int
	tailNeeds profile.Need
	slots     *[prefixSlots]prefixSlot
}

type state uint8

const (
	stNone      state = iota // nothing computed for this event
	stRendered               // key and hash computed
	stEstimated              // est holds the estimate (after counting or estimating)
	stNoValue                // the profile has no value on this event
)

// New decodes the init configuration, compiles every profile and builds
// its sketch. Errors name the configuration path of the bad value.
func New(raw string, log *slog.Logger, opts ...Option) (*Detector, error) {
	cfg, err := config.Parse(raw, checkProfile)
	if err != nil {
		return nil, err
	}
	for _, n := range cfg.Notes {
		log.Info(n)
	}

	d := &Detector{cfg: cfg, ctx: profile.NewCtx()}
	for _, o := range opts {
		o(d)
	}
	if !cfg.Enabled {
		return d, nil
	}
	for i := range cfg.Profiles {
		p, err := d.build(i, &cfg.Profiles[i], cfg.UpdateMode)
		if err != nil {
			return nil, err
		}
		d.profiles = append(d.profiles, p)
		log.Info("behavior profile ready", "index", i, "name", p.name,
			"fields", cfg.Profiles[i].Fields, "event_codes", cfg.Profiles[i].EventCodes,
			"rows", p.sk.Shape().Rows, "cols", p.sk.Shape().Cols,
			"bytes", p.sk.Shape().SizeBytes(),
			"mode", cfg.UpdateMode.String(), "reset_timer_ms", cfg.Profiles[i].ResetTimerMS)
	}
	return d, nil
}

// checkProfile is the config package's hook: the fields must compile and
// be evaluable on every code the profile is counted on.
func checkProfile(fields string, codes []uint16) error {
	plan, err := profile.Compile(fields)
	if err != nil {
		return err
	}
	for _, c := range codes {
		if err := plan.CheckEvent(c); err != nil {
			return err
		}
	}
	return nil
}

func (d *Detector) build(i int, cp *config.Profile, mode config.Mode) (*prof, error) {
	plan, err := profile.Compile(cp.Fields)
	if err != nil {
		return nil, fmt.Errorf("%s.fields: %w", cp.Path, err)
	}
	shape, err := shapeOf(cp)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cp.ShapePath, err)
	}
	skOpts := []sketch.Option{sketch.WithMode(sketchMode(mode))}
	if d.mem != nil {
		n := shape.Cells()
		skOpts = append(skOpts, sketch.WithCells(unsafe.Slice((*uint64)(d.mem.Alloc(8*n)), n)))
	}
	sk, err := sketch.New(shape, skOpts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cp.ShapePath, err)
	}

	p := &prof{name: cp.Name, plan: plan, sk: sk, resetNS: cp.ResetTimerMS * 1e6}
	for c := uint16(0); c < event.CodeCount; c++ {
		p.evaluable[c] = event.IsExit(c) && plan.CheckEvent(c) == nil
	}
	for _, c := range cp.EventCodes {
		p.counted[c] = true
		d.byCode[c] = append(d.byCode[c], i)
	}
	p.setupPrefix(cp.EventCodes, d.mem)
	d.need |= plan.Needs()
	d.fdNeed |= plan.FDNeeds()
	depth, leaders := plan.Depth()
	d.depth, d.leaders = max(d.depth, depth), d.leaders || leaders
	d.fd = d.fd || plan.UsesFD()
	return p, nil
}

// shapeOf returns the profile's sketch shape. Explicit rows and columns
// beyond int are refused by Validate through the size limit.
func shapeOf(cp *config.Profile) (sketch.Shape, error) {
	if !cp.HasRowsCols() {
		return sketch.ShapeFor(cp.Gamma, cp.Eps)
	}
	const maxInt = int(^uint(0) >> 1)
	if cp.Rows > uint64(maxInt) || cp.Cols > uint64(maxInt) {
		return sketch.Shape{}, fmt.Errorf("shape %d x %d is beyond the size limit", cp.Rows, cp.Cols)
	}
	shape := sketch.Shape{Rows: int(cp.Rows), Cols: int(cp.Cols)}
	return shape, shape.Validate()
}

func sketchMode(m config.Mode) sketch.Mode {
	if m == config.Plain {
		return sketch.Plain
	}
	return sketch.Conservative
}

// Enabled reports whether the plugin counts anything.
func (d *Detector) Enabled() bool { return d.cfg.Enabled }

// Need returns the thread members the profiles read, for the host
// bindings to read no more than that.
func (d *Detector) Need() profile.Need { return d.need }

// Walk returns how many ancestors the profiles read at most and whether
// they read session or process-group leaders, for the host bindings to
// fetch those entries ahead.
func (d *Detector) Walk() (depth int, leaders bool) { return d.depth, d.leaders }

// UsesFD reports whether any profile has fd fields.
func (d *Detector) UsesFD() bool { return d.fd }

// Codes returns the exit event codes the profiles are counted on, in
// ascending order: the plugin's parse and extract event types.
func (d *Detector) Codes() []uint16 {
	var out []uint16
	for c := uint16(0); c < event.CodeCount; c++ {
		if len(d.byCode[c]) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// Profiles returns how many profiles are counted.
func (d *Detector) Profiles() int { return len(d.profiles) }

// FDNeed returns what the profiles read of fd table entries besides
// their type.
func (d *Detector) FDNeed() profile.FDNeed { return d.fdNeed }

// Name returns profile i's configured name ("" when it has none).
func (d *Detector) Name(i int) string { return d.profiles[i].name }
