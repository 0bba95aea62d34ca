package host

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// liveStates records the plugin states returned by init and not yet
// destroyed, per library, to catch a plugin that returns the same state
// for two live instances.
var liveStates = struct {
	mu sync.Mutex
	m  map[[2]uintptr]bool
}{m: map[[2]uintptr]bool{}}

func stateKey(c *chost, st uintptr) [2]uintptr {
	return [2]uintptr{uintptr(c.h.lib), st}
}

// rememberState registers st and reports false if it is already live.
func rememberState(c *chost, st uintptr) bool {
	liveStates.mu.Lock()
	defer liveStates.mu.Unlock()
	k := stateKey(c, st)
	if liveStates.m[k] {
		return false
	}
	liveStates.m[k] = true
	return true
}

func forgetState(c *chost, st uintptr) {
	liveStates.mu.Lock()
	defer liveStates.mu.Unlock()
	delete(liveStates.m, stateKey(c, st))
}

// Init validates config against the plugin's init schema (when it offers
// a JSON one), calls plugin_init and reads the event types, in libsinsp's
// order. An empty config is passed as "{}". On hosts with an event schema
// (API 3.12) it then performs the capture-open check of
// plugin_get_required_event_schema_version; a failure there destroys the
// instance, as Falco aborts. The simulated container plugin, if any,
// initialises before or after the plugin as configured.
func (p *Plugin) Init(config string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.destroyed || p.inited {
		return errorf(ErrState, "host: Init on a plugin that is %s",
			map[bool]string{true: "destroyed", false: "initialised"}[p.destroyed])
	}
	if config == "" {
		config = "{}"
	}
	if err := p.validateConfig(config); err != nil {
		return err
	}
	if p.gen.container == ContainerPluginFirst {
		if err := p.threads.addContainerFields(); err != nil {
			return errorf(ErrInit, "container plugin init: %v", err)
		}
	}
	if err := p.callInit(config); err != nil {
		return err
	}
	if err := p.afterInit(); err != nil {
		p.inited = true
		if derr := p.destroyState(); derr != nil {
			err = errors.Join(err, derr)
		}
		p.destroyed = true
		return err
	}
	p.inited = true
	return nil
}

func (p *Plugin) callInit(config string) error {
	var (
		st    uintptr
		rc    int32
		rcSet bool
		cerr  error
	)
	verr := p.call("plugin_init", func() {
		st, rc, rcSet, cerr = p.c.callInit(config)
	})
	if cerr != nil {
		return cerr
	}
	p.c.setState(st)
	var err error
	switch {
	case !rcSet:
		err = errorf(ErrInit, "could not initialize plugin: plugin_init "+
			"did not set rc")
	case rc != rcSuccess:
		msg := "plugin handle or 'get_last_error' function not defined"
		if st != 0 {
			if e := p.call("plugin_get_last_error", func() {
				msg, _ = p.c.lastError(st)
			}); e != nil {
				verr = errors.Join(verr, e)
			}
		}
		err = errorf(ErrInit, "could not initialize plugin: %s", msg)
	case st != 0 && !rememberState(p.c, st):
		err = errorf(ErrInit, "could not initialize plugin: plugin_init "+
			"returned a state that another live instance still uses")
		st = 0 // not ours to destroy
	}
	if err == nil && verr != nil {
		err = prefixed("could not initialize plugin: ", verr)
	} else if verr != nil {
		err = errors.Join(err, verr)
	}
	if err != nil {
		if st != 0 {
			if e := p.call("plugin_destroy", func() {
				p.c.callDestroy(st)
			}); e != nil {
				err = errors.Join(err, e)
			}
			forgetState(p.c, st)
		}
		p.c.setState(0)
		p.destroyed = true
		return err
	}
	p.state = st
	return nil
}

// afterInit reads the event types, lets a late container plugin init and
// runs the capture-open schema check.
func (p *Plugin) afterInit() error {
	if p.info.Extraction {
		if err := p.call("plugin_get_extract_event_types", func() {
			p.extractTypes = p.c.eventTypes(symGetExtractTypes)
			p.extractSet = newTypeSet(p.extractTypes)
		}); err != nil {
			return err
		}
	}
	if p.info.Parsing {
		if err := p.call("plugin_get_parse_event_types", func() {
			p.parseTypes = p.c.eventTypes(symGetParseTypes)
			p.parseSet = newTypeSet(p.parseTypes)
		}); err != nil {
			return err
		}
	}
	if p.gen.container == ContainerPluginAfter {
		if err := p.threads.addContainerFields(); err != nil {
			return errorf(ErrInit, "container plugin init: %v", err)
		}
	}
	return p.checkSchemaVersion()
}

// checkSchemaVersion is libsinsp's capture-open check (libs 0.22+): a
// plugin that parses or extracts any event type other than 322 must
// require a schema version compatible with the capture's.
func (p *Plugin) checkSchemaVersion() error {
	engine := p.gen.EventSchema
	if engine.IsZero() || !p.usesSyscallEvents() {
		return nil
	}
	req := "3.0.0"
	if p.c.has(symSchemaVersion) {
		var s string
		var ok bool
		if err := p.call("plugin_get_required_event_schema_version",
			func() { s, ok = p.c.schemaVersion() }); err != nil {
			return err
		}
		if ok {
			req = s
		}
	}
	v, ok := parseVersion(req)
	if !ok {
		return errorf(ErrSchemaVersion, "plugin %s provided an invalid "+
			"required event schema version: '%s'", p.info.Name, req)
	}
	why := engine.serves(v, "engine")
	if why == "" {
		return nil
	}
	return errorf(ErrSchemaVersion, "plugin %s required event schema "+
		"version '%s' not compatible with the event schema version in "+
		"use '%s': %s", p.info.Name, req, engine, why)
}

func (p *Plugin) usesSyscallEvents() bool {
	other := func(types []uint16, on bool) bool {
		if !on {
			return false
		}
		if types == nil {
			return true
		}
		for _, t := range types {
			if t != 322 {
				return true
			}
		}
		return false
	}
	return other(p.extractTypes, p.info.Extraction) ||
		other(p.parseTypes, p.info.Parsing)
}

// validateConfig checks config against the plugin's JSON schema with a
// draft 7 validator, as libsinsp does with valijson. Only the first error
// is reported.
func (p *Plugin) validateConfig(config string) error {
	var (
		schema string
		kind   uint32
		ok     bool
	)
	if err := p.call("plugin_get_init_schema", func() {
		schema, kind, ok = p.c.initSchema()
	}); err != nil {
		return err
	}
	if !ok || kind != schemaJSON || schema == "" {
		return nil
	}
	bad := func(format string, args ...any) error {
		return errorf(ErrInitConfig, "error in plugin %s init config: %s",
			p.info.Name, fmt.Sprintf(format, args...))
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	if err != nil {
		return errorf(ErrInitConfig, "error in plugin %s: "+
			"get_init_schema did not return a valid JSON: %v",
			p.info.Name, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	if err := c.AddResource("init_schema.json", doc); err != nil {
		return errorf(ErrInitConfig, "error in plugin %s init schema: %v",
			p.info.Name, err)
	}
	sch, err := c.Compile("init_schema.json")
	if err != nil {
		return errorf(ErrInitConfig, "error in plugin %s init schema: %v",
			p.info.Name, err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(config))
	if err != nil {
		return bad("not a valid JSON: %v", err)
	}
	err = sch.Validate(inst)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		loc, msg := firstLeaf(ve)
		return bad("In %s, %s", loc, msg)
	}
	if err != nil {
		return bad("%v", err)
	}
	return nil
}

// firstLeaf returns the instance location and message of the first
// innermost validation error.
func firstLeaf(ve *jsonschema.ValidationError) (string, string) {
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	loc := "<root>"
	if len(ve.InstanceLocation) > 0 {
		loc = "/" + strings.Join(ve.InstanceLocation, "/")
	}
	msg := ve.Error()
	if out := ve.BasicOutput(); out != nil && out.Error != nil {
		msg = out.Error.String()
	}
	return loc, msg
}
