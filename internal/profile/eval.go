package profile

import "strings"

// This file holds the building blocks of the field table: selectors that
// pick the table entry a field reads, and values that render one member
// of an entry. A descriptor's Eval is a selector joined with a value, so
// the table reads as data.

// evalFunc is the type of Field.Eval.
type evalFunc = func(c *Ctx, a Arg, dst []byte) ([]byte, bool)

// selector picks the entry a field reads, or nil when there is none.
type selector func(c *Ctx, a Arg) *Thread

// value renders one member of t. It returns false, with dst unchanged,
// when libsinsp gives no value.
type value func(t *Thread, dst []byte) ([]byte, bool)

// read evaluates v on the entry sel picks; no entry gives no value.
func read(sel selector, v value) evalFunc {
	return func(c *Ctx, a Arg, dst []byte) ([]byte, bool) {
		t := sel(c, a)
		if t == nil {
			return dst, false
		}
		t.Load(c.need)
		return v(t, dst)
	}
}

// readOrEmpty is read where a missing entry renders as "" rather than no
// value, as the leader fields (proc.sname, proc.vpgid.name, ...) do. An
// event without a thread entry still gives no value.
func readOrEmpty(sel selector, v value) evalFunc {
	return func(c *Ctx, a Arg, dst []byte) ([]byte, bool) {
		if c.Thread == nil {
			return dst, false
		}
		t := sel(c, a)
		if t == nil {
			return dst, true
		}
		t.Load(c.need)
		return v(t, dst)
	}
}

// Selectors.

func self(c *Ctx, _ Arg) *Thread        { return c.Thread }
func parent(c *Ctx, _ Arg) *Thread      { return c.ancestor(1) }
func ancestorN(c *Ctx, a Arg) *Thread   { return c.ancestor(a.Index) }
func sidLeader(c *Ctx, _ Arg) *Thread   { return c.leader(sidOf) }
func vpgidLeader(c *Ctx, _ Arg) *Thread { return c.leader(vpgidOf) }

// ownParent is the entry of the event thread's own ptid, which libsinsp
// uses for proc.pvpid (not the main thread's parent).
func ownParent(c *Ctx, _ Arg) *Thread {
	if c.Thread == nil {
		return nil
	}
	return c.lookup(c.Thread.Ptid)
}

// envOwner is the entry whose environment libsinsp reports: the main
// thread's, or the thread's own when the table has no main thread.
func envOwner(c *Ctx, _ Arg) *Thread {
	if m := c.MainThread(); m != nil {
		return m
	}
	return c.Thread
}

func sidOf(t *Thread) int64   { return t.Sid }
func vpgidOf(t *Thread) int64 { return t.Vpgid }

// Member getters, shared by values and lineage joins.

func commOf(t *Thread) string    { return t.Comm }
func exeOf(t *Thread) string     { return t.Exe }
func exePathOf(t *Thread) string { return t.ExePath }

// str renders a string member.
func str(get func(*Thread) string) value {
	return func(t *Thread, dst []byte) ([]byte, bool) {
		return append(dst, get(t)...), true
	}
}

// xid renders a process id, with no value outside libsinsp's valid range.
func xid(get func(*Thread) int64) value {
	return func(t *Thread, dst []byte) ([]byte, bool) {
		v := get(t)
		if !validXid(v) {
			return dst, false
		}
		return appendInt(dst, v), true
	}
}

// virtualID renders a virtual id, with no value when it is -1 (unknown).
func virtualID(get func(*Thread) int64) value {
	return func(t *Thread, dst []byte) ([]byte, bool) {
		v := get(t)
		if v == -1 {
			return dst, false
		}
		return appendInt(dst, v), true
	}
}

// nonZero renders an unsigned member, with no value when it is 0, as
// libsinsp does for the executable's inode and times.
func nonZero(get func(*Thread) uint64) value {
	return func(t *Thread, dst []byte) ([]byte, bool) {
		v := get(t)
		if v == 0 {
			return dst, false
		}
		return appendUint(dst, v), true
	}
}

// flag renders a boolean member that the host may lack (miss != 0).
func flag(get func(*Thread) bool, miss Missing) value {
	return func(t *Thread, dst []byte) ([]byte, bool) {
		if t.Missing&miss != 0 {
			return dst, false
		}
		return appendBool(dst, get(t)), true
	}
}

// id32 renders a uint32 member that the host may lack.
func id32(get func(*Thread) uint32, miss Missing) value {
	return func(t *Thread, dst []byte) ([]byte, bool) {
		if t.Missing&miss != 0 {
			return dst, false
		}
		return appendUint(dst, uint64(get(t))), true
	}
}

// withArgs renders a value built from the argument list; a host without
// the list gives no value rather than a command line without arguments.
func withArgs(v value) value {
	return func(t *Thread, dst []byte) ([]byte, bool) {
		t.Load(NeedArgs)
		if t.Missing&MissingArgs != 0 {
			return dst, false
		}
		return v(t, dst)
	}
}

// cmdline renders libsinsp's command line: comm, then each argument
// preceded by a space.
//
// libsinsp renders proc.cmdline from a string it caches when the
// arguments are set, which plugins cannot read; this rebuilds it from
// the current comm and arguments. The two agreed on every golden record,
// but libsinsp does not promise it: should libsinsp ever update comm
// without the arguments, the two would differ.
func cmdline(t *Thread, dst []byte) ([]byte, bool) {
	dst = append(dst, t.Comm...)
	if t.Args != "" {
		dst = append(dst, ' ')
		dst = appendJoined(dst, t.Args, ' ')
	}
	return dst, true
}

// exeline renders exe, a space, and the arguments joined by spaces. The
// space is there even without arguments, as in libsinsp.
func exeline(t *Thread, dst []byte) ([]byte, bool) {
	dst = append(dst, t.Exe...)
	dst = append(dst, ' ')
	return appendJoined(dst, t.Args, ' '), true
}

// args renders the arguments joined by spaces.
func args(t *Thread, dst []byte) ([]byte, bool) {
	return appendJoined(dst, t.Args, ' '), true
}

// nargs renders the number of arguments.
func nargs(t *Thread, dst []byte) ([]byte, bool) {
	return appendUint(dst, uint64(countEntries(t.Args))), true
}

// lenArgs renders the total length of the arguments, separators not
// counted.
func lenArgs(t *Thread, dst []byte) ([]byte, bool) {
	n := len(t.Args) - strings.Count(t.Args, "\x00")
	return appendUint(dst, uint64(n)), true
}
