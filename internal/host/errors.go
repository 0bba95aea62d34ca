package host

import (
	"errors"
	"fmt"
)

// Error kinds. Every error the host returns for a plugin problem is an
// *Error whose Kind is one of these, so tests check the kind with
// errors.Is and the text (worded like libsinsp's) with Error.
var (
	// ErrDlopen: the library could not be loaded at all.
	ErrDlopen = errors.New("dlopen failed")
	// ErrMissingSymbol: a required plugin_* symbol is not exported.
	ErrMissingSymbol = errors.New("required symbol missing")
	// ErrCapabilities: no capability, or a half-implemented one.
	ErrCapabilities = errors.New("broken or missing capabilities")
	// ErrAPIVersion: the required API version is malformed or newer than
	// the host's.
	ErrAPIVersion = errors.New("incompatible plugin API version")
	// ErrInfo: name, version, description or contact is invalid.
	ErrInfo = errors.New("invalid plugin info")
	// ErrFields: the get_fields JSON breaks libsinsp's rules.
	ErrFields = errors.New("invalid fields JSON")
	// ErrSources: an event source list is malformed or lacks "syscall".
	ErrSources = errors.New("invalid event sources")
	// ErrInitConfig: the init config is not JSON or fails the plugin's
	// own schema, or the schema itself is unusable.
	ErrInitConfig = errors.New("invalid init config")
	// ErrInit: plugin_init failed or broke its contract.
	ErrInit = errors.New("plugin init failed")
	// ErrSchemaVersion: the required event schema version does not match
	// the capture's (checked at capture open, API 3.12 hosts).
	ErrSchemaVersion = errors.New("incompatible event schema version")
	// ErrViolation: the plugin broke the plugin API contract during a
	// call (an entry not released, a table call in the wrong phase,
	// bytes written to stdout, ...). libsinsp might not notice at once,
	// but the same bug corrupts or crashes a real Falco.
	ErrViolation = errors.New("plugin API contract violation")
	// ErrPluginFailure: a parse or extract call returned
	// SS_PLUGIN_FAILURE. libsinsp ignores it for parse and treats it as
	// "no value" for extract.
	ErrPluginFailure = errors.New("plugin returned failure")
	// ErrField: Extract was asked for an unknown field or a malformed
	// argument; libsinsp rejects such a rule at load time.
	ErrField = errors.New("invalid field request")
	// ErrState: the host API was used out of order (Parse before Init,
	// anything after Destroy).
	ErrState = errors.New("invalid host call order")
	// ErrEvent: the event buffer is not one libsinsp could deliver.
	ErrEvent = errors.New("malformed event buffer")
)

// Error is a host error: a Kind for errors.Is and a message.
type Error struct {
	Kind error
	Msg  string
}

// Error returns the message.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// prefixed puts prefix before err's message and keeps its kind.
func prefixed(prefix string, err error) error {
	var he *Error
	if errors.As(err, &he) {
		return &Error{Kind: he.Kind, Msg: prefix + he.Msg}
	}
	return fmt.Errorf("%s%w", prefix, err)
}
