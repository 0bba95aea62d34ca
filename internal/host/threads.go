package host

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Table is the host's threads table (key: int64 tid), filled from Go
// between plugin calls. It has exactly the static fields of the host
// generation; values for fields the generation lacks are ignored by
// PutThread, PutFD and LoadFixture (an older libsinsp does not expose
// them), while Set and SetFD report them as errors. Methods take the
// Plugin's lock, so they never run during a plugin call.
type Table struct {
	p       *Plugin
	threads cschema
	fds     cschema // nil before API 3.5
	args    cschema
	env     cschema
	cgroups cschema
}

// Thread is one threads entry. Zero values are stored as zero values.
type Thread struct {
	Tid, Pid, Ptid, Sid     int64
	Vtid, Vpid, Vpgid, Pgid int64
	FdLimit, ReaperTid      int64

	Comm, Exe, ExePath, Root, Cwd string
	// ContainerID goes to the static field (libs <= 0.20) or to the
	// dynamic one a container plugin added; else it is dropped.
	ContainerID string

	ExeWritable, ExeUpperLayer, ExeLowerLayer, ExeFromMemfd bool

	ExeIno, ExeInoCtime, ExeInoMtime, PidnsInitStartTS uint64
	Tty, Flags, UID, GID, LoginUID                     uint32

	// Args, Env, Cgroups and FDs fill the sub-tables (API 3.5+).
	Args, Env []string
	Cgroups   []Cgroup
	FDs       []FD
	// Extra sets further fields by name (dynamic fields, for example).
	Extra map[string]any
}

// Cgroup is one cgroups entry.
type Cgroup struct{ Subsys, Path string }

// FD is one file_descriptors entry; Num is its key.
type FD struct {
	Num                            int64
	Type                           uint8
	OpenFlags, Flags, Dev, MountID uint32
	Name, NameRaw, OldName         string
	Ino                            uint64
	Pid                            int64
	// Extra sets further fields by name (socket_*, dynamic fields).
	Extra map[string]any
}

// threadColumns maps threads field names to Thread members.
var threadColumns = []struct {
	name string
	get  func(*Thread) any
}{
	{"tid", func(t *Thread) any { return t.Tid }},
	{"pid", func(t *Thread) any { return t.Pid }},
	{"ptid", func(t *Thread) any { return t.Ptid }},
	{"sid", func(t *Thread) any { return t.Sid }},
	{"vtid", func(t *Thread) any { return t.Vtid }},
	{"vpid", func(t *Thread) any { return t.Vpid }},
	{"vpgid", func(t *Thread) any { return t.Vpgid }},
	{"pgid", func(t *Thread) any { return t.Pgid }},
	{"fd_limit", func(t *Thread) any { return t.FdLimit }},
	{"reaper_tid", func(t *Thread) any { return t.ReaperTid }},
	{"comm", func(t *Thread) any { return t.Comm }},
	{"exe", func(t *Thread) any { return t.Exe }},
	{"exe_path", func(t *Thread) any { return t.ExePath }},
	{"root", func(t *Thread) any { return t.Root }},
	{"cwd", func(t *Thread) any { return t.Cwd }},
	{"container_id", func(t *Thread) any { return t.ContainerID }},
	{"exe_writable", func(t *Thread) any { return t.ExeWritable }},
	{"exe_upper_layer", func(t *Thread) any { return t.ExeUpperLayer }},
	{"exe_lower_layer", func(t *Thread) any { return t.ExeLowerLayer }},
	{"exe_from_memfd", func(t *Thread) any { return t.ExeFromMemfd }},
	{"exe_ino", func(t *Thread) any { return t.ExeIno }},
	{"exe_ino_ctime", func(t *Thread) any { return t.ExeInoCtime }},
	{"exe_ino_mtime", func(t *Thread) any { return t.ExeInoMtime }},
	{"pidns_init_start_ts", func(t *Thread) any { return t.PidnsInitStartTS }},
	{"tty", func(t *Thread) any { return t.Tty }},
	{"flags", func(t *Thread) any { return t.Flags }},
	{"uid", func(t *Thread) any { return t.UID }},
	{"gid", func(t *Thread) any { return t.GID }},
	{"loginuid", func(t *Thread) any { return t.LoginUID }},
}

// fdColumns maps file_descriptors field names to FD members.
var fdColumns = []struct {
	name string
	get  func(*FD) any
}{
	{"type", func(f *FD) any { return f.Type }},
	{"open_flags", func(f *FD) any { return f.OpenFlags }},
	{"name", func(f *FD) any { return f.Name }},
	{"name_raw", func(f *FD) any { return f.NameRaw }},
	{"old_name", func(f *FD) any { return f.OldName }},
	{"flags", func(f *FD) any { return f.Flags }},
	{"dev", func(f *FD) any { return f.Dev }},
	{"mount_id", func(f *FD) any { return f.MountID }},
	{"ino", func(f *FD) any { return f.Ino }},
	{"pid", func(f *FD) any { return f.Pid }},
	{"fd", func(f *FD) any { return f.Num }},
}

// buildTables creates the schemas of the generation and the empty
// threads table.
func (p *Plugin) buildTables() error {
	t := &Table{p: p}
	c := p.c
	if p.gen.HasSubTables() {
		// args and env hold the same C++ container type in libsinsp, so
		// they share a schema: a "value" accessor from one works on both.
		t.args = c.newSchema("args/env", StUint64, false)
		t.env = t.args
		t.fds = c.newSchema("file_descriptors", StInt64, true)
		schemaAdd(t.args, "value", StString, false, nil, nil)
		for _, col := range p.gen.fdCols() {
			var alias cfield
			if col.alias != "" {
				alias = schemaFind(t.fds, col.alias)
			}
			schemaAdd(t.fds, col.name, col.typ, col.ro, nil, alias)
		}
		schemaSetKey(t.fds, schemaFind(t.fds, "fd"))
	}
	if p.gen.HasCgroups() {
		t.cgroups = c.newSchema("cgroups", StUint64, false)
		schemaAdd(t.cgroups, "first", StString, false, nil, nil)
		schemaAdd(t.cgroups, "second", StString, false, nil, nil)
	}
	t.threads = c.newSchema("threads", StInt64, true)
	subs := map[string]cschema{"args": t.args, "env": t.env,
		"file_descriptors": t.fds, "cgroups": t.cgroups}
	for _, col := range p.gen.threadCols() {
		schemaAdd(t.threads, col.name, col.typ, col.ro, subs[col.sub], nil)
	}
	schemaSetKey(t.threads, schemaFind(t.threads, "tid"))
	c.setThreads(t.threads)
	if c.threads() == nil {
		return fmt.Errorf("host: out of memory")
	}
	p.threads = t
	return nil
}

// addContainerFields does what the container plugin does at init.
func (t *Table) addContainerFields() error {
	if _, err := addDynamic(t.threads, "container_id", StString); err != nil {
		return err
	}
	_, err := addDynamic(t.threads, "category", StUint16)
	return err
}

// Threads returns the threads table.
func (p *Plugin) Threads() *Table { return p.threads }

func (t *Table) lock() error {
	t.p.mu.Lock()
	if t.p.freed {
		t.p.mu.Unlock()
		return errorf(ErrState, "host: plugin already destroyed")
	}
	return nil
}

func (t *Table) unlock() { t.p.mu.Unlock() }

// Fields lists the threads fields, static and dynamic.
func (t *Table) Fields() []FieldInfo {
	if t.lock() != nil {
		return nil
	}
	defer t.unlock()
	return schemaFields(t.threads)
}

// FDFields lists the file_descriptors fields; nil before API 3.5.
func (t *Table) FDFields() []FieldInfo {
	if t.fds == nil || t.lock() != nil {
		return nil
	}
	defer t.unlock()
	return schemaFields(t.fds)
}

// AddField adds a dynamic threads field as another plugin would, with
// libsinsp's rules.
func (t *Table) AddField(name string, typ StateType) error {
	if err := t.lock(); err != nil {
		return err
	}
	defer t.unlock()
	_, err := addDynamic(t.threads, name, typ)
	return err
}

// Len returns the number of threads.
func (t *Table) Len() int {
	if t.lock() != nil {
		return 0
	}
	defer t.unlock()
	return tableSize(t.p.c.threads())
}

// Tids returns the tids in ascending order.
func (t *Table) Tids() []int64 {
	if t.lock() != nil {
		return nil
	}
	defer t.unlock()
	tb := t.p.c.threads()
	out := make([]int64, tableSize(tb))
	for i := range out {
		out[i] = tableKeyAt(tb, i)
	}
	return out
}

// Clear removes every thread.
func (t *Table) Clear() {
	if t.lock() != nil {
		return
	}
	defer t.unlock()
	tableClear(t.p.c.threads())
}

// Delete removes a thread and reports whether it existed.
func (t *Table) Delete(tid int64) bool {
	if t.lock() != nil {
		return false
	}
	defer t.unlock()
	return tableErase(t.p.c.threads(), tid)
}

// PutThread creates or replaces the entry th.Tid.
func (t *Table) PutThread(th Thread) error {
	if err := t.lock(); err != nil {
		return err
	}
	defer t.unlock()
	e := tablePut(t.p.c.threads(), th.Tid)
	if e == nil {
		return fmt.Errorf("host: out of memory")
	}
	for _, col := range threadColumns {
		if err := setIfField(e, t.threads, col.name, col.get(&th)); err != nil {
			return fmt.Errorf("thread %d: %w", th.Tid, err)
		}
	}
	for name, v := range th.Extra {
		if err := setIfField(e, t.threads, name, v); err != nil {
			return fmt.Errorf("thread %d: %w", th.Tid, err)
		}
	}
	if err := t.fillList(e, "args", th.Args); err != nil {
		return err
	}
	if err := t.fillList(e, "env", th.Env); err != nil {
		return err
	}
	if err := t.fillCgroups(e, th.Cgroups); err != nil {
		return err
	}
	for _, fd := range th.FDs {
		if err := t.putFD(e, fd); err != nil {
			return fmt.Errorf("thread %d: %w", th.Tid, err)
		}
	}
	return nil
}

// entry finds tid or fails.
func (t *Table) entry(tid int64) (centry, error) {
	e := tableFind(t.p.c.threads(), tid)
	if e == nil {
		return nil, fmt.Errorf("host: no thread %d", tid)
	}
	return e, nil
}

func (t *Table) field(s cschema, name string) (cfield, error) {
	f := schemaFind(s, name)
	if f == nil {
		return nil, fmt.Errorf("host: %v has no field %q", t.p.gen, name)
	}
	return f, nil
}

// Set sets one field of thread tid by name, static or dynamic, with the
// value converted to the field's type (int64, uint64, bool or string
// kinds; json.Number is accepted).
func (t *Table) Set(tid int64, name string, v any) error {
	if err := t.lock(); err != nil {
		return err
	}
	defer t.unlock()
	e, err := t.entry(tid)
	if err != nil {
		return err
	}
	f, err := t.field(t.threads, name)
	if err != nil {
		return err
	}
	return setValue(e, f, v)
}

// Get reads one field of thread tid: int64 for signed types, uint64 for
// unsigned ones, bool or string. It is how a test reads back what the
// plugin wrote to its own dynamic fields.
func (t *Table) Get(tid int64, name string) (any, error) {
	if err := t.lock(); err != nil {
		return nil, err
	}
	defer t.unlock()
	e, err := t.entry(tid)
	if err != nil {
		return nil, err
	}
	f, err := t.field(t.threads, name)
	if err != nil {
		return nil, err
	}
	return getValue(e, f), nil
}

// SetArgs replaces the args sub-table of tid (ignored before API 3.5).
func (t *Table) SetArgs(tid int64, args []string) error {
	return t.withEntry(tid, func(e centry) error {
		return t.fillList(e, "args", args)
	})
}

// SetEnv replaces the env sub-table of tid (ignored before API 3.5).
func (t *Table) SetEnv(tid int64, env []string) error {
	return t.withEntry(tid, func(e centry) error {
		return t.fillList(e, "env", env)
	})
}

// SetCgroups replaces the cgroups sub-table (ignored before libs 0.20).
func (t *Table) SetCgroups(tid int64, cg []Cgroup) error {
	return t.withEntry(tid, func(e centry) error {
		return t.fillCgroups(e, cg)
	})
}

// PutFD creates or replaces fd.Num in tid's own file_descriptors table
// (ignored before API 3.5).
func (t *Table) PutFD(tid int64, fd FD) error {
	return t.withEntry(tid, func(e centry) error { return t.putFD(e, fd) })
}

// DeleteFD removes an fd from tid's own table.
func (t *Table) DeleteFD(tid, fd int64) bool {
	var ok bool
	_ = t.withEntry(tid, func(e centry) error {
		if sub := t.fdTable(e); sub != nil {
			ok = tableErase(sub, fd)
		}
		return nil
	})
	return ok
}

// SetFD sets one field of an existing fd entry of tid.
func (t *Table) SetFD(tid, fd int64, name string, v any) error {
	return t.withEntry(tid, func(e centry) error {
		fe, f, err := t.fdField(e, fd, name)
		if err != nil {
			return err
		}
		return setValue(fe, f, v)
	})
}

// GetFD reads one field of an fd entry of tid.
func (t *Table) GetFD(tid, fd int64, name string) (any, error) {
	var out any
	err := t.withEntry(tid, func(e centry) error {
		fe, f, err := t.fdField(e, fd, name)
		if err == nil {
			out = getValue(fe, f)
		}
		return err
	})
	return out, err
}

func (t *Table) withEntry(tid int64, f func(centry) error) error {
	if err := t.lock(); err != nil {
		return err
	}
	defer t.unlock()
	e, err := t.entry(tid)
	if err != nil {
		return err
	}
	return f(e)
}

func (t *Table) fdTable(e centry) ctable {
	f := schemaFind(t.threads, "file_descriptors")
	if f == nil {
		return nil
	}
	return entrySub(e, f)
}

func (t *Table) fdField(e centry, fd int64, name string) (centry, cfield,
	error) {
	sub := t.fdTable(e)
	if sub == nil {
		return nil, nil, fmt.Errorf("host: %v has no file_descriptors",
			t.p.gen)
	}
	fe := tableFind(sub, fd)
	if fe == nil {
		return nil, nil, fmt.Errorf("host: no fd %d", fd)
	}
	f, err := t.field(t.fds, name)
	return fe, f, err
}

func (t *Table) fillList(e centry, name string, vals []string) error {
	f := schemaFind(t.threads, name)
	if f == nil {
		return nil
	}
	sub := entrySub(e, f)
	tableClear(sub)
	vf := schemaFind(fieldSub(f), "value")
	for i, v := range vals {
		entrySetStr(tablePut(sub, int64(i)), vf, v)
	}
	return nil
}

func (t *Table) fillCgroups(e centry, cg []Cgroup) error {
	f := schemaFind(t.threads, "cgroups")
	if f == nil {
		return nil
	}
	sub := entrySub(e, f)
	tableClear(sub)
	first, second := schemaFind(t.cgroups, "first"),
		schemaFind(t.cgroups, "second")
	for i, c := range cg {
		ce := tablePut(sub, int64(i))
		entrySetStr(ce, first, c.Subsys)
		entrySetStr(ce, second, c.Path)
	}
	return nil
}

func (t *Table) putFD(e centry, fd FD) error {
	sub := t.fdTable(e)
	if sub == nil {
		return nil
	}
	fe := tablePut(sub, fd.Num)
	alias := t.p.gen.Libs.Minor < 18
	for _, col := range fdColumns {
		if col.name == "type" && alias {
			continue // libs 0.17: "type" is open_flags' storage
		}
		if err := setIfField(fe, t.fds, col.name, col.get(&fd)); err != nil {
			return fmt.Errorf("fd %d: %w", fd.Num, err)
		}
	}
	for name, v := range fd.Extra {
		if err := setIfField(fe, t.fds, name, v); err != nil {
			return fmt.Errorf("fd %d: %w", fd.Num, err)
		}
	}
	return nil
}

// setValue stores v in field f of entry e after a type check.
// setIfField sets field name of entry e to v when schema s has that
// field; a table of this generation without it ignores the value.
func setIfField(e centry, s cschema, name string, v any) error {
	if f := schemaFind(s, name); f != nil {
		return setValue(e, f, v)
	}
	return nil
}

func setValue(e centry, f cfield, v any) error {
	typ := fieldType(f)
	switch typ {
	case StTable:
		return fmt.Errorf("field of type table cannot be set directly")
	case StString:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a string, got %T", v)
		}
		entrySetStr(e, f, s)
		return nil
	case StBool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want a bool, got %T", v)
		}
		entrySetNum(e, f, map[bool]uint64{false: 0, true: 1}[b])
		return nil
	}
	n, err := intBits(v, typ)
	if err != nil {
		return err
	}
	entrySetNum(e, f, n)
	return nil
}

// typeBits gives the width and signedness of the integer state types.
var typeBits = map[StateType]struct {
	bits   uint
	signed bool
}{
	StInt8: {8, true}, StInt16: {16, true}, StInt32: {32, true}, StInt64: {64, true},
	StUint8: {8, false}, StUint16: {16, false}, StUint32: {32, false},
	StUint64: {64, false},
}

// intBits converts an integer of any Go kind (or a json.Number) to the
// stored 64-bit pattern of typ, refusing values outside typ's range.
func intBits(v any, typ StateType) (uint64, error) {
	var (
		s   int64 // the value when negative
		u   uint64
		neg bool
	)
	switch x := v.(type) {
	case int:
		s, u, neg = int64(x), uint64(x), x < 0
	case int8:
		s, u, neg = int64(x), uint64(x), x < 0
	case int16:
		s, u, neg = int64(x), uint64(x), x < 0
	case int32:
		s, u, neg = int64(x), uint64(x), x < 0
	case int64:
		s, u, neg = x, uint64(x), x < 0
	case uint:
		u = uint64(x)
	case uint8:
		u = uint64(x)
	case uint16:
		u = uint64(x)
	case uint32:
		u = uint64(x)
	case uint64:
		u = x
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			s, u, neg = i, uint64(i), i < 0
		} else if w, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			u = w
		} else {
			return 0, fmt.Errorf("%q is not an integer", string(x))
		}
	default:
		return 0, fmt.Errorf("want an integer for a %v field, got %T",
			typ, v)
	}
	tb, ok := typeBits[typ]
	if !ok {
		return 0, fmt.Errorf("unsupported field type %v", typ)
	}
	var fits bool
	switch {
	case neg && tb.signed:
		fits = tb.bits == 64 || s >= -(int64(1)<<(tb.bits-1))
	case neg:
		fits = false
	case tb.signed:
		fits = u <= uint64(1)<<(tb.bits-1)-1
	default:
		fits = tb.bits == 64 || u <= uint64(1)<<tb.bits-1
	}
	if !fits {
		if neg {
			return 0, fmt.Errorf("%d out of range for %v", s, typ)
		}
		return 0, fmt.Errorf("%d out of range for %v", u, typ)
	}
	return u, nil
}

// getValue reads field f of e as a Go value.
func getValue(e centry, f cfield) any {
	n := entryNum(e, f)
	switch fieldType(f) {
	case StString:
		return entryStr(e, f)
	case StBool:
		return n != 0
	case StInt8:
		return int64(int8(n))
	case StInt16:
		return int64(int16(n))
	case StInt32:
		return int64(int32(n))
	case StInt64:
		return int64(n)
	case StTable:
		return nil
	}
	return n
}
