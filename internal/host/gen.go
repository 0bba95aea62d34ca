package host

import "fmt"

// Version is a major.minor.patch triple: a plugin API, libs or event
// schema version.
type Version struct {
	Major, Minor, Patch uint32
}

// String returns "M.m.p".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// serves says why v, the version libsinsp offers (called side in its
// messages: "framework", "engine"), cannot serve a plugin that requires
// req, by libsinsp's semver rule (same major, then at least the minor,
// then at least the patch), or "" when it can.
func (v Version) serves(req Version, side string) string {
	switch {
	case req.Major != v.Major:
		return "major versions disagree"
	case v.Minor < req.Minor:
		return side + "'s minor is less than the requested one"
	case v.Minor == req.Minor && v.Patch < req.Patch:
		return side + "'s patch is less than the requested one"
	}
	return ""
}

// IsZero reports whether v is 0.0.0, which Gen uses for "absent".
func (v Version) IsZero() bool { return v == Version{} }

// ContainerMode says whether a simulated container plugin shares the host
// with the plugin under test, and when it initialises. Since libs 0.21
// (Falco 0.41) container_id is no static threads field: the container
// plugin adds it as a dynamic string field at its own init.
type ContainerMode int

// The container plugin simulations.
const (
	// NoContainerPlugin leaves container_id absent on hosts without the
	// static field.
	NoContainerPlugin ContainerMode = iota
	// ContainerPluginFirst adds the dynamic container_id (string) and
	// category (uint16) fields before the plugin under test initialises,
	// as when the container plugin comes first in load_plugins.
	ContainerPluginFirst
	// ContainerPluginAfter adds them after the plugin under test has
	// initialised; this fails if that plugin added container_id with
	// another type.
	ContainerPluginAfter
)

// Gen describes one Falco generation as a plugin sees it: the plugin API
// the host implements (which fixes the layout of every input struct), the
// libs version (which fixes the threads table's fields) and the event
// schema check. Gen values are plain data; the package-level ones are the
// generations the tests use.
type Gen struct {
	// Name is a short label such as "api3.2", for test names.
	Name string
	// Falco is the Falco release this generation stands for.
	Falco string
	// Libs is the falcosecurity/libs version inside that Falco.
	Libs Version
	// API is the plugin API version the host implements.
	API Version
	// EventSchema is the event schema version the live capture reports.
	// The zero value means the host does not check plugins against it
	// (libs before 0.22).
	EventSchema Version

	container ContainerMode
}

// The host generations.
var (
	// Gen32 is Falco 0.37 (libs 0.14, API 3.2.0): 32-byte init input
	// without the log callback, 56-byte tables input without the init-time
	// reader and writer, 72-byte extract input, no sub-tables, a static
	// container_id, no event schema check.
	Gen32 = Gen{Name: "api3.2", Falco: "0.37.1",
		Libs: Version{0, 14, 3}, API: Version{3, 2, 0}}
	// Gen35 is Falco 0.38.0 (libs 0.17.1, API 3.5.0): the log callback,
	// the init-time reader and writer, the args, env and file_descriptors
	// sub-tables (the fd "type" field is libs 0.17's uint32 alias of
	// open_flags), a static container_id.
	Gen35 = Gen{Name: "api3.5", Falco: "0.38.0",
		Libs: Version{0, 17, 1}, API: Version{3, 5, 0}}
	// Gen311 is Falco 0.41 (libs 0.21, API 3.11.0): the 80-byte extract
	// input with value_offsets, cgroups, uid/gid/loginuid/pgid, and no
	// static container_id.
	Gen311 = Gen{Name: "api3.11", Falco: "0.41.3",
		Libs: Version{0, 21, 0}, API: Version{3, 11, 0}}
	// Gen312 is Falco 0.42 (libs 0.22, API 3.12.0): as Gen311, plus the
	// event schema check at capture open against schema 4.0.1, the oldest
	// schema 4 release.
	Gen312 = Gen{Name: "api3.12", Falco: "0.42.0",
		Libs: Version{0, 22, 1}, API: Version{3, 12, 0},
		EventSchema: Version{4, 0, 1}}
)

// Gens returns every generation, oldest first.
func Gens() []Gen { return []Gen{Gen32, Gen35, Gen311, Gen312} }

// WithContainerPlugin returns g with a simulated container plugin. It
// only applies to generations without the static container_id field;
// Open refuses it on the others.
func (g Gen) WithContainerPlugin(m ContainerMode) Gen {
	g.container = m
	return g
}

// ContainerPlugin returns the container plugin simulation of g.
func (g Gen) ContainerPlugin() ContainerMode { return g.container }

// String returns the name and the Falco release.
func (g Gen) String() string {
	return fmt.Sprintf("%s (Falco %s)", g.Name, g.Falco)
}

// HasLogCallback reports whether the init input carries log_fn (API 3.3).
func (g Gen) HasLogCallback() bool { return g.API.Minor >= 3 }

// HasSubTables reports whether threads has the args, env and
// file_descriptors sub-tables and the init input has the init-time reader
// and writer (API 3.5, libs 0.17).
func (g Gen) HasSubTables() bool { return g.API.Minor >= 5 }

// HasCgroups reports whether threads has the cgroups sub-table and the
// uid, gid, loginuid and pgid fields (libs 0.20).
func (g Gen) HasCgroups() bool { return g.Libs.Minor >= 20 }

// StaticContainerID reports whether container_id is a static threads
// field (libs up to 0.20).
func (g Gen) StaticContainerID() bool { return g.Libs.Minor <= 20 }

// InitInputSize is the size of this host's init input struct.
func (g Gen) InitInputSize() int { return pick(g.API.Minor >= 3, 40, 32) }

// TablesInputSize is the size of this host's init tables input struct.
func (g Gen) TablesInputSize() int { return pick(g.API.Minor >= 5, 72, 56) }

// ExtractInputSize is the size of this host's extract input struct.
func (g Gen) ExtractInputSize() int {
	return pick(g.API.Minor >= 11, 80, 72)
}

// ParseInputSize is the size of the parse input struct (112 since 3.1).
func (g Gen) ParseInputSize() int { return 112 }

func pick(c bool, a, b int) int {
	if c {
		return a
	}
	return b
}

// StateType is a table key or field type (ss_plugin_state_type).
type StateType uint32

// The state types, with the values of ss_plugin_state_type.
const (
	StInt8   StateType = 1
	StInt16  StateType = 2
	StInt32  StateType = 3
	StInt64  StateType = 4
	StUint8  StateType = 5
	StUint16 StateType = 6
	StUint32 StateType = 7
	StUint64 StateType = 8
	StString StateType = 9
	StTable  StateType = 10
	StBool   StateType = 25
)

var stateTypeNames = map[StateType]string{
	StInt8: "int8", StInt16: "int16", StInt32: "int32", StInt64: "int64",
	StUint8: "uint8", StUint16: "uint16", StUint32: "uint32", StUint64: "uint64",
	StString: "string", StTable: "table", StBool: "bool",
}

// String returns the type name used in the fixtures ("int64", "table").
func (t StateType) String() string {
	if n, ok := stateTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("statetype(%d)", uint32(t))
}

// ParseStateType is the inverse of StateType.String.
func ParseStateType(s string) (StateType, bool) {
	for t, n := range stateTypeNames {
		if n == s {
			return t, true
		}
	}
	return 0, false
}

// FieldInfo describes one field of a table.
type FieldInfo struct {
	Name     string
	Type     StateType
	ReadOnly bool
	// Dynamic is set for fields added with add_field.
	Dynamic bool
}

// colSpec is a static field of a table schema. sub names the schema of a
// TABLE field; alias names an earlier field whose storage it shares.
type colSpec struct {
	name  string
	typ   StateType
	ro    bool
	sub   string
	alias string
}

// threadCols returns the static threads fields of the generation, as
// libsinsp's threadinfo lists them in that libs version.
func (g Gen) threadCols() []colSpec {
	c := []colSpec{
		{name: "tid", typ: StInt64}, {name: "pid", typ: StInt64},
		{name: "ptid", typ: StInt64}, {name: "sid", typ: StInt64},
		{name: "comm", typ: StString}, {name: "exe", typ: StString},
		{name: "exe_path", typ: StString},
		{name: "exe_writable", typ: StBool},
		{name: "exe_upper_layer", typ: StBool},
		{name: "fd_limit", typ: StInt64},
		{name: "exe_ino", typ: StUint64},
		{name: "exe_ino_ctime", typ: StUint64},
		{name: "exe_ino_mtime", typ: StUint64},
		{name: "vtid", typ: StInt64}, {name: "vpid", typ: StInt64},
		{name: "vpgid", typ: StInt64}, {name: "root", typ: StString},
		{name: "tty", typ: StUint32}, {name: "cwd", typ: StString, ro: true},
	}
	if g.StaticContainerID() {
		c = append(c, colSpec{name: "container_id", typ: StString})
	}
	if g.HasSubTables() {
		c = append(c,
			colSpec{name: "reaper_tid", typ: StInt64},
			colSpec{name: "exe_from_memfd", typ: StBool},
			colSpec{name: "flags", typ: StUint32},
			colSpec{name: "pidns_init_start_ts", typ: StUint64},
			colSpec{name: "args", typ: StTable, ro: true, sub: "args"},
			colSpec{name: "env", typ: StTable, ro: true, sub: "env"},
			colSpec{name: "file_descriptors", typ: StTable, ro: true,
				sub: "file_descriptors"})
	}
	if g.Libs.Minor >= 18 {
		c = append(c, colSpec{name: "exe_lower_layer", typ: StBool})
	}
	if g.HasCgroups() {
		c = append(c,
			colSpec{name: "cgroups", typ: StTable, ro: true,
				sub: "cgroups"},
			colSpec{name: "uid", typ: StUint32},
			colSpec{name: "gid", typ: StUint32},
			colSpec{name: "loginuid", typ: StUint32},
			colSpec{name: "pgid", typ: StInt64})
	}
	return c
}

// fdCols returns the static file_descriptors fields. In libs 0.17 "type"
// is a uint32 that reads open_flags (a libsinsp bug) and "fd" is absent.
func (g Gen) fdCols() []colSpec {
	var c []colSpec
	if g.Libs.Minor >= 18 {
		c = append(c, colSpec{name: "type", typ: StUint8})
	}
	c = append(c, colSpec{name: "open_flags", typ: StUint32})
	if g.Libs.Minor < 18 {
		c = append(c, colSpec{name: "type", typ: StUint32,
			alias: "open_flags"})
	}
	c = append(c,
		colSpec{name: "name", typ: StString},
		colSpec{name: "name_raw", typ: StString},
		colSpec{name: "old_name", typ: StString},
		colSpec{name: "flags", typ: StUint32},
		colSpec{name: "dev", typ: StUint32},
		colSpec{name: "mount_id", typ: StUint32},
		colSpec{name: "ino", typ: StUint64},
		colSpec{name: "pid", typ: StInt64})
	if g.Libs.Minor >= 18 {
		c = append(c, colSpec{name: "fd", typ: StInt64})
	}
	for _, s := range []struct {
		name string
		typ  StateType
	}{
		{"socket_ipv4_src_ip", StUint32}, {"socket_ipv4_dest_dip", StUint32},
		{"socket_ipv4_src_port", StUint16}, {"socket_ipv4_dst_port", StUint16},
		{"socket_ipv4_l4_proto", StUint8},
		{"socket_ipv4_server_ip", StUint32},
		{"socket_ipv4_server_port", StUint16},
		{"socket_ipv4_server_l4_proto", StUint8},
		{"socket_ipv6_src_ip_low", StUint64},
		{"socket_ipv6_src_ip_high", StUint64},
		{"socket_ipv6_dest_ip_low", StUint64},
		{"socket_ipv6_dest_ip_high", StUint64},
		{"socket_ipv6_src_port", StUint16},
		{"socket_ipv6_dst_port", StUint16},
		{"socket_ipv6_l4_proto", StUint8},
		{"socket_ipv6_server_ip_low", StUint64},
		{"socket_ipv6_server_ip_high", StUint64},
		{"socket_ipv6_server_port", StUint16},
		{"socket_ipv6_server_l4_proto", StUint8},
		{"socket_unix_src", StUint64}, {"socket_unix_dest", StUint64},
	} {
		c = append(c, colSpec{name: s.name, typ: s.typ})
	}
	return c
}
