package host

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Option changes how Open drives a plugin.
type Option func(*options)

type options struct {
	noStdoutCheck  bool
	noDeepbind     bool
	destroyTimeout time.Duration
}

// WithoutStdoutCheck turns off the stdout capture around plugin calls. It
// saves a few system calls per call; use it in benchmarks only.
func WithoutStdoutCheck() Option {
	return func(o *options) { o.noStdoutCheck = true }
}

// WithoutDeepbind loads the library without RTLD_DEEPBIND, as libsinsp
// does. Only safe for C plugins: a Go plugin in a Go test binary needs it.
func WithoutDeepbind() Option {
	return func(o *options) { o.noDeepbind = true }
}

// WithDestroyTimeout sets how long Destroy waits for plugin_destroy
// (default 5s) before reporting it as blocked.
func WithDestroyTimeout(d time.Duration) Option {
	return func(o *options) { o.destroyTimeout = d }
}

// Info is what the host learnt about a plugin at load time.
type Info struct {
	Path        string
	Name        string
	Version     string
	Description string
	Contact     string
	// RequiredAPI is the parsed plugin_get_required_api_version.
	RequiredAPI Version
	// Extraction and Parsing are the capabilities found.
	Extraction, Parsing bool
	// Fields is the checked get_fields JSON (extraction only).
	Fields []Field
	// ExtractSources and ParseSources are the declared event sources;
	// nil means every source.
	ExtractSources, ParseSources []string
	// Symbols lists the plugin_* symbols resolved (without the prefix).
	Symbols []string
}

// Field returns the field with the given name.
func (i *Info) Field(name string) (Field, bool) {
	for _, f := range i.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Stats counts the calls the host made into the plugin.
type Stats struct {
	// Parse and Extract count plugin_parse_event and
	// plugin_extract_fields calls.
	Parse, Extract uint64
	// ParseSkipped and ExtractSkipped count events whose type the plugin
	// did not subscribe to, so the plugin was not called.
	ParseSkipped, ExtractSkipped uint64
	// TableCalls counts the plugin's calls of the table reader vtable
	// (get_table_entry, read_entry_field, release_table_entry,
	// get_table_size, iterate_entries).
	TableCalls uint64
}

// Plugin is one loaded plugin library driven by one host generation and,
// after Init, one plugin instance. Methods are safe for concurrent use but
// serialised, as libsinsp calls one instance from one thread at a time.
// Several Plugins, of the same library or not, may run concurrently.
type Plugin struct {
	mu    sync.Mutex
	gen   Gen
	opts  options
	c     *chost
	info  Info
	byNam map[string]*Field
	cstr  map[string]cstr

	state     uintptr
	inited    bool
	destroyed bool
	freed     bool
	// leaked is set when destroy blocked: the C host must then stay.
	leaked bool

	parseTypes, extractTypes []uint16
	// parseSet and extractSet answer "subscribed?" in constant time, as
	// libsinsp's own sets of event types do.
	parseSet, extractSet *typeSet
	threads              *Table
	logs                 []LogRecord
	stats                Stats
}

// Open loads the library at path and applies every load-time check
// libsinsp makes, for the host generation gen. The returned Plugin is not
// initialised yet; call Init, and Destroy when done (also after a failed
// Init).
func Open(path string, gen Gen, opts ...Option) (*Plugin, error) {
	p := &Plugin{gen: gen, opts: options{destroyTimeout: 5 * time.Second}}
	for _, o := range opts {
		o(&p.opts)
	}
	if gen.API.Major != 3 || gen.API.Minor < 1 {
		return nil, fmt.Errorf("host: unsupported generation %v", gen)
	}
	if gen.container != NoContainerPlugin && gen.StaticContainerID() {
		return nil, fmt.Errorf("host: %v has a static container_id; "+
			"it has no container plugin", gen)
	}
	c, err := newCHost(gen.API.Minor)
	if err != nil {
		return nil, err
	}
	p.c = c
	p.info.Path = path
	if err := p.load(); err != nil {
		c.free()
		return nil, err
	}
	c.setName(p.info.Name)
	if err := p.buildTables(); err != nil {
		c.free()
		return nil, err
	}
	return p, nil
}

// call runs f with stdout captured and turns recorded violations into an
// error. what names the plugin function for messages.
func (p *Plugin) call(what string, f func()) error {
	var start int64
	if !p.opts.noStdoutCheck {
		s, err := stdoutEnter()
		if err != nil {
			return err
		}
		start = s
	}
	f()
	var out string
	if !p.opts.noStdoutCheck {
		out = stdoutLeave(start)
	}
	v, n := p.c.takeViolations()
	switch {
	case out != "" && n > 0:
		return errorf(ErrViolation, "%s: plugin wrote to stdout (%q); %s",
			what, out, v)
	case out != "":
		return errorf(ErrViolation, "%s: plugin wrote to stdout: %q",
			what, out)
	case n > 0:
		return errorf(ErrViolation, "%s: %s", what, v)
	}
	return nil
}

// callStr calls a no-argument string getter under call.
func (p *Plugin) callStr(sym int) (s string, ok bool, err error) {
	err = p.call("plugin_"+symName(sym), func() { s, ok = p.c.callStr(sym) })
	return s, ok, err
}

var requiredSyms = []int{
	symGetRequiredAPIVersion, symGetVersion, symGetName,
	symGetDescription, symGetContact, symGetLastError, symInit,
	symDestroy,
}

func (p *Plugin) load() error {
	var err error
	if e := p.call("dlopen", func() {
		err = p.c.open(p.info.Path, !p.opts.noDeepbind)
	}); e != nil {
		return e
	}
	if err != nil {
		return errorf(ErrDlopen, "can't load plugin dynamic library: %v",
			err)
	}
	for i := 0; i < numSyms; i++ {
		if p.c.has(i) {
			p.info.Symbols = append(p.info.Symbols, symName(i))
		}
	}
	if err := p.checkAPIVersion(); err != nil {
		return err
	}
	for _, s := range requiredSyms {
		if !p.c.has(s) {
			return errorf(ErrMissingSymbol,
				"required symbol not implemented: '%s'", symName(s))
		}
	}
	if err := p.checkCapabilities(); err != nil {
		return err
	}
	if err := p.readInfo(); err != nil {
		return err
	}
	return p.readFieldsAndSources()
}

func (p *Plugin) checkAPIVersion() error {
	if !p.c.has(symGetRequiredAPIVersion) {
		return errorf(ErrMissingSymbol,
			"required symbol not implemented: '%s'",
			symName(symGetRequiredAPIVersion))
	}
	s, ok, err := p.callStr(symGetRequiredAPIVersion)
	if err != nil {
		return err
	}
	req, valid := parseVersion(s)
	if !ok || !valid {
		return errorf(ErrAPIVersion,
			"plugin provided an invalid required API version: '%s'", s)
	}
	p.info.RequiredAPI = req
	host := p.gen.API
	why := host.serves(req, "framework")
	if why == "" {
		return nil
	}
	return errorf(ErrAPIVersion,
		"plugin required API version '%s' not compatible with the "+
			"framework's API version '%s': %s", s, host, why)
}

func (p *Plugin) checkCapabilities() error {
	c := p.c
	broken := func(msg string) error {
		return errorf(ErrCapabilities, "broken plugin capabilities: %s",
			msg)
	}
	if c.has(symGetFields) != c.has(symExtractFields) {
		return broken("must implement both 'plugin_get_fields' and " +
			"'plugin_extract_fields'")
	}
	src := c.has(symOpen) || c.has(symClose) || c.has(symNextBatch)
	if src && !(c.has(symOpen) && c.has(symClose) && c.has(symNextBatch)) {
		return broken("must implement all of 'plugin_open', " +
			"'plugin_close' and 'plugin_next_batch'")
	}
	async := c.has(symGetAsyncEvents) || c.has(symSetAsyncHandler)
	if async && !(c.has(symGetAsyncEvents) && c.has(symSetAsyncHandler)) {
		return broken("must implement both 'plugin_get_async_events' " +
			"and 'plugin_set_async_event_handler'")
	}
	listen := c.has(symCaptureOpen) || c.has(symCaptureClose)
	if listen && !(c.has(symCaptureOpen) && c.has(symCaptureClose)) {
		return broken("must implement both 'plugin_capture_open' and " +
			"'plugin_capture_close'")
	}
	p.info.Extraction = c.has(symExtractFields)
	p.info.Parsing = c.has(symParseEvent)
	if !p.info.Extraction && !p.info.Parsing && !src && !async && !listen {
		return errorf(ErrCapabilities,
			"plugin does not implement any capability")
	}
	// libsinsp accepts these; this host cannot drive them, so it says so
	// instead of silently not exercising them.
	for _, u := range []struct {
		on   bool
		name string
	}{{src, "sourcing"}, {async, "async events"},
		{listen, "capture listening"}} {
		if u.on {
			return errorf(ErrCapabilities, "the test host does not "+
				"drive the %s capability", u.name)
		}
	}
	return nil
}

func (p *Plugin) readInfo() error {
	for _, s := range []struct {
		sym int
		dst *string
	}{{symGetName, &p.info.Name}, {symGetDescription, &p.info.Description},
		{symGetContact, &p.info.Contact}, {symGetVersion, &p.info.Version}} {
		v, ok, err := p.callStr(s.sym)
		if err != nil {
			return err
		}
		if !ok || v == "" {
			return errorf(ErrInfo, "plugin_%s returned an empty string",
				symName(s.sym))
		}
		*s.dst = v
	}
	if _, ok := parseVersion(p.info.Version); !ok {
		return errorf(ErrInfo,
			"plugin provided an invalid version string: '%s'",
			p.info.Version)
	}
	return nil
}

func (p *Plugin) readFieldsAndSources() error {
	if p.info.Extraction {
		js, ok, err := p.callStr(symGetFields)
		if err != nil {
			return err
		}
		if !ok {
			return errorf(ErrFields, "error in plugin %s: get_fields "+
				"returned a NULL string", p.info.Name)
		}
		p.info.Fields, err = parseFields(p.info.Name, js, p.gen.API.Minor)
		if err != nil {
			return err
		}
		p.byNam = make(map[string]*Field, len(p.info.Fields))
		for i := range p.info.Fields {
			p.byNam[p.info.Fields[i].Name] = &p.info.Fields[i]
		}
		p.info.ExtractSources, err = p.sources(symGetExtractSources)
		if err != nil {
			return err
		}
	}
	if p.info.Parsing {
		var err error
		p.info.ParseSources, err = p.sources(symGetParseSources)
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *Plugin) sources(sym int) ([]string, error) {
	js, ok, err := p.callStr(sym)
	if err != nil {
		return nil, err
	}
	what := symName(sym)
	src, err := parseSources(p.info.Name, what, js, ok)
	if err != nil {
		return nil, err
	}
	if src != nil && !slices.Contains(src, "syscall") {
		return nil, errorf(ErrSources, "error in plugin %s: %s %v does "+
			"not include the syscall source", p.info.Name, what, src)
	}
	return src, nil
}

// Info returns what was learnt at load time. The slices must not be
// modified.
func (p *Plugin) Info() Info { return p.info }

// StateHandle returns the state plugin_init returned (0 before a
// successful Init), for test hooks a plugin exports beside the API.
func (p *Plugin) StateHandle() uintptr {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

// Gen returns the host generation.
func (p *Plugin) Gen() Gen { return p.gen }

// ParseTypes returns the event types the plugin parses, as returned after
// init; nil means every type.
func (p *Plugin) ParseTypes() []uint16 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.parseTypes)
}

// ExtractTypes returns the event types the plugin extracts from; nil
// means every type.
func (p *Plugin) ExtractTypes() []uint16 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.extractTypes)
}

// Stats returns the call counters.
func (p *Plugin) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.stats
	st.TableCalls = p.c.tableCalls()
	return st
}

// Logs returns every record the plugin sent to the log callback so far
// (none on hosts before API 3.3, which have no callback). It still works
// after Destroy.
func (p *Plugin) Logs() []LogRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.syncLogs()
	return slices.Clone(p.logs)
}

func (p *Plugin) syncLogs() {
	if p.c != nil && p.c.h != nil {
		p.logs = append(p.logs, p.c.logs(len(p.logs))...)
	}
}

// LastError returns plugin_get_last_error for the live instance.
func (p *Plugin) LastError() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.inited || p.destroyed {
		return "", errorf(ErrState, "host: no live plugin instance")
	}
	var s string
	err := p.call("plugin_get_last_error", func() {
		s, _ = p.c.lastError(p.state)
	})
	return s, err
}

// Metrics calls plugin_get_metrics on hosts of API 3.6 and newer. It
// returns false when the host generation or the plugin has no metrics.
func (p *Plugin) Metrics() ([]Metric, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.inited || p.destroyed {
		return nil, false, errorf(ErrState, "host: no live plugin instance")
	}
	if !p.c.has(symGetMetrics) {
		return nil, false, nil
	}
	var ms []Metric
	err := p.call("plugin_get_metrics", func() { ms, _ = p.c.metrics() })
	return ms, true, err
}

func metricFloat(vt uint32, raw uint64) float64 {
	switch vt {
	case 0:
		return float64(uint32(raw))
	case 1:
		return float64(int32(uint32(raw)))
	case 2:
		return float64(raw)
	case 3:
		return float64(int64(raw))
	case 4:
		return math.Float64frombits(raw)
	case 5:
		return float64(math.Float32frombits(uint32(raw)))
	case 6:
		return float64(int32(uint32(raw)))
	}
	return 0
}

// checkEvent applies what libsinsp guarantees about the buffer it hands
// to a plugin: a whole header and a len field equal to the buffer size.
func checkEvent(evt []byte) (uint16, error) {
	if len(evt) < 26 {
		return 0, errorf(ErrEvent, "host: event of %d bytes is shorter "+
			"than its 26-byte header", len(evt))
	}
	if n := binary.LittleEndian.Uint32(evt[16:20]); int(n) != len(evt) {
		return 0, errorf(ErrEvent, "host: event header says %d bytes, "+
			"buffer has %d", n, len(evt))
	}
	return binary.LittleEndian.Uint16(evt[20:22]), nil
}

// typeSet is a set of event types; nil holds every type (a plugin that
// returns no list subscribes to all).
type typeSet [1 << 16 / 64]uint64

func newTypeSet(types []uint16) *typeSet {
	if types == nil {
		return nil
	}
	s := new(typeSet)
	for _, t := range types {
		s[t/64] |= 1 << (t % 64)
	}
	return s
}

func (s *typeSet) has(t uint16) bool {
	return s == nil || s[t/64]&(1<<(t%64)) != 0
}

// Parse hands one event to plugin_parse_event, as libsinsp does after its
// own parser: only when the plugin has the parsing capability and
// subscribed to the event's type. evt is the raw event (header included);
// num is its evt.num. The error wraps ErrPluginFailure when the plugin
// returned SS_PLUGIN_FAILURE (libsinsp ignores that) and ErrViolation
// when it broke the API contract.
func (p *Plugin) Parse(evt []byte, num uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.live(); err != nil {
		return err
	}
	typ, err := checkEvent(evt)
	if err != nil {
		return err
	}
	if !p.info.Parsing {
		return nil
	}
	if !p.parseSet.has(typ) {
		p.stats.ParseSkipped++
		return nil
	}
	p.stats.Parse++
	var rc int32
	if err := p.call("plugin_parse_event", func() {
		rc = p.c.callParse(evt, num)
	}); err != nil {
		return err
	}
	if rc != rcSuccess {
		return p.failure("plugin_parse_event", rc)
	}
	return nil
}

func (p *Plugin) failure(what string, rc int32) error {
	var msg string
	if err := p.call("plugin_get_last_error", func() {
		msg, _ = p.c.lastError(p.state)
	}); err != nil {
		return err
	}
	return errorf(ErrPluginFailure, "%s returned %d: %s", what, rc, msg)
}

func (p *Plugin) live() error {
	switch {
	case p.destroyed:
		return errorf(ErrState, "host: plugin already destroyed")
	case !p.inited:
		return errorf(ErrState, "host: plugin not initialised")
	}
	return nil
}

// splitField splits "name[arg]" into name and argument.
func splitField(s string) (name, arg string, hasArg bool, err error) {
	i := strings.IndexByte(s, '[')
	if i < 0 {
		return s, "", false, nil
	}
	if !strings.HasSuffix(s, "]") || i == 0 {
		return "", "", false, errorf(ErrField,
			"filter syntax error: malformed field %q", s)
	}
	return s[:i], s[i+1 : len(s)-1], true, nil
}

// validIndex applies libsinsp's rule for an index argument: decimal
// digits only, no leading zero unless it is "0", and within uint64.
func validIndex(a string) (uint64, bool) {
	if a == "" || (len(a) > 1 && a[0] == '0') {
		return 0, false
	}
	var v uint64
	for _, c := range []byte(a) {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// request builds the extract request for "name[arg]" with libsinsp's
// argument rules.
func (p *Plugin) request(field string) (extractReq, *Field, error) {
	name, arg, hasArg, err := splitField(field)
	if err != nil {
		return extractReq{}, nil, err
	}
	f, ok := p.byNam[name]
	if !ok {
		return extractReq{}, nil, errorf(ErrField,
			"plugin %s has no field %q", p.info.Name, name)
	}
	r := extractReq{id: f.ID, name: p.cString(f.Name), ftype: f.ftype,
		list: f.IsList}
	switch {
	case !hasArg && f.Arg.IsRequired:
		return r, nil, errorf(ErrField,
			"filter syntax error: %s requires an argument", name)
	case !hasArg:
		return r, f, nil
	case !f.TakesArg():
		return r, nil, errorf(ErrField,
			"filter syntax error: %s does not accept an argument", name)
	}
	r.argPresent = true
	if f.Arg.IsIndex {
		if v, ok := validIndex(arg); ok {
			r.index = v
			return r, f, nil
		}
		if !f.Arg.IsKey {
			return r, nil, errorf(ErrField, "filter syntax error: %s "+
				"has an invalid index argument: %q", name, arg)
		}
	}
	if arg == "" {
		return r, nil, errorf(ErrField,
			"filter syntax error: %s has an empty argument", name)
	}
	r.key = p.cString(arg)
	return r, f, nil
}

// cString returns a C copy of s that lives as long as the Plugin.
func (p *Plugin) cString(s string) cstr {
	if c, ok := p.cstr[s]; ok {
		return c
	}
	if p.cstr == nil {
		p.cstr = make(map[string]cstr)
	}
	c := cstring(s)
	p.cstr[s] = c
	return c
}

// Extract extracts one field from one event with one plugin_extract_fields
// call (num_fields = 1), as libsinsp's filterchecks do. field is
// "name" or "name[arg]". ok is false when the plugin gives no value
// (res_len 0) or the plugin did not subscribe to the event's type. The
// error wraps ErrPluginFailure when the plugin returned SS_PLUGIN_FAILURE
// (libsinsp shows that as no value), ErrField for a request libsinsp
// would refuse, and ErrViolation for a broken contract.
func (p *Plugin) Extract(evt []byte, num uint64, field string) (Value,
	bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.live(); err != nil {
		return Value{}, false, err
	}
	if !p.info.Extraction {
		return Value{}, false, errorf(ErrField,
			"plugin %s has no extraction capability", p.info.Name)
	}
	req, f, err := p.request(field)
	if err != nil {
		return Value{}, false, err
	}
	typ, err := checkEvent(evt)
	if err != nil {
		return Value{}, false, err
	}
	if !p.extractSet.has(typ) {
		p.stats.ExtractSkipped++
		return Value{}, false, nil
	}
	p.stats.Extract++
	var res extractRes
	if err := p.call("plugin_extract_fields", func() {
		res = p.c.callExtract(evt, num, &req)
	}); err != nil {
		return Value{}, false, err
	}
	if res.rc != rcSuccess {
		return Value{}, false, p.failure("plugin_extract_fields", res.rc)
	}
	return decodeValue(f, res)
}

// Destroy calls plugin_destroy (if the instance is live) and unloads the
// host's side. It waits at most the destroy timeout: a plugin that blocks
// longer is reported and its memory left in place. Logs stay readable.
func (p *Plugin) Destroy() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.freed {
		return nil
	}
	p.destroyed = true
	var err error
	if p.inited && p.state != 0 {
		err = p.destroyState()
	}
	p.syncLogs()
	p.freed = true
	if !p.leaked {
		for _, c := range p.cstr {
			freeCString(c)
		}
		p.cstr = nil
		p.c.free()
	}
	return err
}

func (p *Plugin) destroyState() error {
	done := make(chan error, 1)
	st := p.state
	go func() {
		done <- p.call("plugin_destroy", func() { p.c.callDestroy(st) })
	}()
	select {
	case err := <-done:
		forgetState(p.c, st)
		p.state = 0
		return err
	case <-time.After(p.opts.destroyTimeout):
		p.leaked = true
		return errorf(ErrViolation, "plugin_destroy did not return "+
			"within %v", p.opts.destroyTimeout)
	}
}
