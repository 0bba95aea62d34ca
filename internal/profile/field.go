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
	// (see Need). The plugin reads only the union of its plans' needs from
	// the host table, one crossing per entry, so a member Eval reads but
	// Needs omits arrives zero. Tests must catch that (see NeedAll).
	Needs Need
	// Eval appends the field's text rendering (libsinsp's plain-text
	// format) to dst. It returns false when libsinsp gives no value
	// (<NA>); dst is then returned unchanged.
	Eval func(c *Ctx, a Arg, dst []byte) ([]byte, bool)
}
