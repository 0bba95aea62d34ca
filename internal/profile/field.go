package profile

// ArgKind says which argument a field takes, as in "proc.aname[2]" or
// "proc.env[HOME]".
type ArgKind uint8

// Argument kinds.
const (
	ArgNone          ArgKind = iota // no brackets allowed
	ArgIndexOptional                // "[N]" may be given
	ArgIndexRequired                // "[N]" must be given
	ArgKeyOptional                  // "[NAME]" may be given
)

// Arg is a parsed field argument.
type Arg struct {
	Present bool
	Index   int
	Key     string
}

// Walk says which entries beyond the event thread's a field reads, so
// that a State can fetch them ahead of rendering.
type Walk uint8

// Walks.
const (
	WalkNone     Walk = iota // the event thread (and its main thread)
	WalkParent               // the parent process
	WalkAncestor             // up to the argument's index of ancestors
	WalkLeader               // the session or process-group leader
)

// Field describes one field a profile may use. The table of all fields is
// data: adding a field means adding a descriptor, not a switch case.
type Field struct {
	Name string
	Arg  ArgKind
	Desc string
	// Events reports whether the field can be evaluated on events of the
	// given code. Nil means every event.
	Events func(code uint16) bool
	// Needs lists the Thread members Eval reads beyond the identity set
	// (see Need). The plan loads them (Thread.Load) on the threads its
	// selectors return before Eval reads them, and the plugin reads the
	// union of its plans' needs of the event thread up front; a member
	// Eval reads but Needs omits arrives zero. The golden replay catches
	// that, rendering every field from a state that loads only on demand.
	Needs Need
	// EventNeeds lists the members of the event thread's entry that the
	// field's selector reads to find its thread (the leader fields need
	// the event thread's ids). They are read with that entry up front;
	// the selector loads them itself.
	EventNeeds Need
	// Walk says which other entries the field reads.
	Walk Walk
	// FDNeeds lists the members of the event's fd table entry the field
	// reads besides its type (see FDNeed).
	FDNeeds FDNeed
	// FromEvent says the value comes from the event itself (its type,
	// tid or parameters), not from the threads table alone. Fields with
	// an Events restriction are taken to read the event too.
	FromEvent bool
	// Eval appends the field's text rendering (libsinsp's plain-text
	// format) to dst. It returns false when libsinsp gives no value
	// (<NA>); dst is then returned unchanged.
	Eval func(c *Ctx, a Arg, dst []byte) ([]byte, bool)
}

// FDNeed is a set of fd table entry members: what a field reads of the
// event's fd, beyond its type, which every fd field reads. The plugin
// reads only what its profiles' fields need.
type FDNeed uint8

const (
	FDNeedName    FDNeed = 1 << iota // name
	FDNeedNameRaw                    // name_raw
	FDNeedDev                        // dev
	FDNeedIno                        // ino
	FDNeedSocket                     // flags (the socket's role) and the socket members of its type
)
