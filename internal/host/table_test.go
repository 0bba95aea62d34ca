package host

import (
	"bufio"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
)

const fixtureDir = "/work/shared/fixtures"

// fixtureHeader reads the header line of a golden fixture file.
func fixtureHeader(t *testing.T) (schema map[string]string,
	sub map[string]map[string]string, ro []string) {
	t.Helper()
	f, err := os.Open(fixtureDir + "/fixture_cases.jsonl")
	if err != nil {
		t.Skipf("fixtures not available: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	sc.Scan()
	var h struct {
		Schema         map[string]string            `json:"schema"`
		SubtableSchema map[string]map[string]string `json:"subtable_schema"`
		ReadOnly       []string                     `json:"read_only_fields"`
	}
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
		t.Fatal(err)
	}
	return h.Schema, h.SubtableSchema, h.ReadOnly
}

// listing renders field infos the way the probe's "fields" command does.
func listing(fs []FieldInfo) string {
	var parts []string
	for _, f := range fs {
		s := f.Name + ":" + f.Type.String()
		if f.ReadOnly {
			s += ":ro"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

func schemaOf(fs []FieldInfo) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[f.Name] = f.Type.String()
	}
	return m
}

// The API 3.12 threads and file_descriptors schemas equal what real
// libsinsp listed when the fixtures were made.
func TestTableSchemaMatchesLibsinsp(t *testing.T) {
	schema, sub, ro := fixtureHeader(t)
	p := openProbe(t, variant{}, Gen312)
	got := p.Threads().Fields()
	if g := schemaOf(got); !mapsEqual(g, schema) {
		t.Fatalf("threads schema:\n got %v\nwant %v", g, schema)
	}
	var gotRO []string
	for _, f := range got {
		if f.ReadOnly {
			gotRO = append(gotRO, f.Name)
		}
	}
	sort.Strings(gotRO)
	sort.Strings(ro)
	if strings.Join(gotRO, ",") != strings.Join(ro, ",") {
		t.Fatalf("read-only fields %v, want %v", gotRO, ro)
	}
	if g := schemaOf(p.Threads().FDFields()); !mapsEqual(g,
		sub["file_descriptors"]) {
		t.Fatalf("fd schema:\n got %v\nwant %v", g, sub["file_descriptors"])
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The probe lists the fields through list_table_fields; the result must
// be the generation's schema, and older generations lack the newer fields.
func TestTableListFieldsByGeneration(t *testing.T) {
	for _, gen := range Gens() {
		t.Run(gen.Name, func(t *testing.T) {
			p := initProbe(t, variant{}, gen,
				"table threads int64 T0; fields T0")
			want := "ok;" + listing(p.Threads().Fields())
			if got := initOut(t, p); got != want {
				t.Fatalf("list_table_fields:\n got %s\nwant %s", got, want)
			}
			has := schemaOf(p.Threads().Fields())
			checks := map[string]bool{
				"container_id":     gen.StaticContainerID(),
				"file_descriptors": gen.HasSubTables(),
				"args":             gen.HasSubTables(),
				"cgroups":          gen.HasCgroups(),
				"uid":              gen.HasCgroups(),
				"pgid":             gen.HasCgroups(),
				"exe_lower_layer":  gen.Libs.Minor >= 18,
				"comm":             true,
			}
			for name, want := range checks {
				if _, ok := has[name]; ok != want {
					t.Errorf("field %s present=%v, want %v", name, ok, want)
				}
			}
		})
	}
}

func TestTableInitTimeRules(t *testing.T) {
	cases := []struct {
		name, script string
		want         [2]string // Gen32, Gen312
	}{
		{"list tables", "tables", [2]string{"threads:int64", "threads:int64"}},
		{"wrong key type", "table threads uint64 T0", [2]string{
			"null:table threads has key type int64, requested uint64 (8)",
			"null:table threads has key type int64, requested uint64 (8)"}},
		{"unknown table", "table containers string T0", [2]string{
			"null:unknown table 'containers'",
			"null:unknown table 'containers'"}},
		{"field type mismatch",
			"table threads int64 T0; field T0 comm uint64 F0",
			[2]string{"ok;null:incompatible data types for static field " +
				"'comm' of table threads: it is string, requested uint64 (8)",
				"ok;null:incompatible data types for static field 'comm' " +
					"of table threads: it is string, requested uint64 (8)"}},
		{"unknown field", "table threads int64 T0; field T0 nope string F0",
			[2]string{"ok;null:undefined field 'nope' in table threads",
				"ok;null:undefined field 'nope' in table threads"}},
		{"dynamic over static",
			"table threads int64 T0; addfield T0 comm string F0",
			[2]string{"ok;null:can't add dynamic field 'comm' to table " +
				"threads: already defined as static field",
				"ok;null:can't add dynamic field 'comm' to table threads: " +
					"already defined as static field"}},
		{"dynamic over static, other type",
			"table threads int64 T0; addfield T0 pid uint64 F0",
			[2]string{"ok;null:can't add dynamic field 'pid'",
				"ok;null:can't add dynamic field 'pid'"}},
		{"dynamic table refused",
			"table threads int64 T0; addfield T0 sub table F0",
			[2]string{"ok;null:dynamic field 'sub' can't have type table",
				"ok;null:dynamic field 'sub' can't have type table"}},
		{"dynamic idempotent, then typed lookups",
			"table threads int64 T0; addfield T0 ad.x uint64 F0; " +
				"addfield T0 ad.x uint64 F1; addfield T0 ad.x string F2; " +
				"field T0 ad.x uint64 F3; field T0 ad.x string F4",
			[2]string{"ok;ok;ok;null:dynamic field 'ad.x' of table threads " +
				"already defined with type uint64, not string;ok;" +
				"null:incompatible data types for dynamic field 'ad.x'",
				"ok;ok;ok;null:dynamic field 'ad.x' of table threads " +
					"already defined with type uint64, not string;ok;" +
					"null:incompatible data types for dynamic field 'ad.x'"}},
		// The documented way to get sub-table field accessors at init
		// (API 3.5+): a detached entry, its file_descriptors, then the
		// sub-table's fields. API 3.2 has neither the sub-table nor an
		// init-time writer: the probe does not read one it cannot prove.
		{"sub-table accessors via a detached entry",
			"table threads int64 T0; field T0 file_descriptors table F0; " +
				"create T0 E0; read T0 E0 F0 T1; field T1 name string F1; " +
				"field T1 type uint8 F2; name T1; size T1; destroy T0 E0",
			[2]string{"ok;null:undefined field 'file_descriptors' in table " +
				"threads;no-writer;no-reader;bad;bad;no-reader;no-reader;no-writer",
				"ok;ok;ok;table;ok;ok;file_descriptors;0;ok"}},
	}
	for _, c := range cases {
		for i, gen := range gens32and312 {
			t.Run(c.name+"/"+gen.Name, func(t *testing.T) {
				p := initProbe(t, variant{}, gen, c.script)
				got := initOut(t, p)
				if !strings.HasPrefix(got, c.want[i]) {
					t.Fatalf("init script:\n got %q\nwant %q", got, c.want[i])
				}
			})
		}
	}
}

// sampleThread is a thread with a distinct value in each static field.
func sampleThread() Thread {
	return Thread{
		Tid: 100, Pid: 100, Ptid: 1, Sid: 100, Vtid: 100, Vpid: 100,
		Vpgid: 100, Pgid: 100, FdLimit: 1024, ReaperTid: -1,
		Comm: "bash", Exe: "-bash", ExePath: "/usr/bin/bash", Root: "/",
		Cwd: "/home/alice/", ContainerID: "c0ffee",
		ExeWritable: true, ExeIno: 1 << 40, ExeInoCtime: 7,
		Tty: 34816, Flags: 0, UID: 1000, GID: 1000, LoginUID: 4294967295,
		Args: []string{"-l", "-c", "echo hi"},
		Env:  []string{"HOME=/home/alice", "PATH=/bin"},
		Cgroups: []Cgroup{{"cpuset", "/"},
			{"memory", "/user.slice"}},
		FDs: []FD{{Num: 3, Type: 1, OpenFlags: 0x241, Name: "/etc/passwd",
			NameRaw: "passwd", Dev: 0x803, Ino: 42, Flags: 0},
			{Num: 4, Type: 3, Name: "127.0.0.1:4->127.0.0.1:80", Flags: 4,
				Extra: map[string]any{"socket_ipv4_src_ip": uint32(16777343),
					"socket_ipv4_dst_port": uint16(80)}}},
	}
}

const accessInit = "table threads int64 T0; field T0 comm string F0; " +
	"field T0 pid int64 F1; field T0 tty uint32 F2; " +
	"field T0 exe_writable bool F3; field T0 exe_ino uint64 F4; " +
	"field T0 cwd string F5; addfield T0 ad.count uint64 F6; " +
	"addfield T0 ad.tag string F7"

func TestTableReadWrite(t *testing.T) {
	for _, gen := range gens32and312 {
		t.Run(gen.Name, func(t *testing.T) {
			p := initProbe(t, variant{}, gen, accessInit)
			tb := p.Threads()
			if err := tb.PutThread(sampleThread()); err != nil {
				t.Fatal(err)
			}
			got := parse(t, p, "get T0 100 E0; read T0 E0 F0; read T0 E0 F1;"+
				"read T0 E0 F2; read T0 E0 F3; read T0 E0 F4; read T0 E0 F5;"+
				"read T0 E0 F6; read T0 E0 F7; wide T0 E0 F2;"+
				"write T0 E0 F5 /tmp; write T0 E0 F6 7; write T0 E0 F7 x;"+
				"write T0 E0 F0 zsh; release T0 E0")
			want := "ok;'bash';100;34816;true;1099511627776;'/home/alice/';" +
				"0;'';a5a5a5a500008800;" +
				"fail:field 'cwd' of table threads is read-only;ok;ok;ok;ok"
			if got != want {
				t.Fatalf("parse script:\n got %s\nwant %s", got, want)
			}
			for name, want := range map[string]any{"ad.count": uint64(7),
				"ad.tag": "x", "comm": "zsh", "cwd": "/home/alice/"} {
				if v, err := tb.Get(100, name); err != nil || v != want {
					t.Errorf("%s = %v (%v), want %v", name, v, err, want)
				}
			}
			got = exec_(t, p, "get T0 99 E1; lasterr")
			if got != "null:table threads: no entry found at key 99;"+
				"table threads: no entry found at key 99" {
				t.Fatalf("missing tid: %s", got)
			}
		})
	}
}

func TestTableContractViolations(t *testing.T) {
	cases := []struct {
		name   string
		parse  bool // else extract
		script string
		frag   string
	}{
		{"entry not released in parse", true, "get T0 100 E0",
			"1 table entry handed out by get_entry/add_entry not released " +
				"before parse_event returned"},
		{"entries not released in extract", false,
			"get T0 100 E0; get T0 100 E1",
			"2 table entries handed out by get_entry/add_entry not " +
				"released before extract_fields returned"},
		{"double release", true, "get T0 100 E0; release T0 E0; release T0 E0",
			"entry not handed out by get_entry or add_entry (or released twice)"},
		{"write during extract", false, "get T0 100 E0; write T0 E0 F0 x;" +
			"release T0 E0", "write_entry_field called during extract_fields"},
		{"create without add or destroy", true, "create T0 E0",
			"1 entry made by create_entry neither added nor destroyed"},
		{"get_field after init", true, "field T0 comm string F9",
			"get_table_field called during parse_event"},
		{"add_field after init", false, "addfield T0 late string F9",
			"add_table_field called during extract_fields"},
		{"destroy a table entry", true,
			"get T0 100 E0; destroy T0 E0; release T0 E0",
			"destroy_table_entry: entry was not made by create_table_entry"},
		{"field of another table", true, "get T0 100 E0; read T0 E0 F9;" +
			"release T0 E0", "field accessor does not belong to table threads"},
	}
	for _, c := range cases {
		for _, gen := range gens32and312 {
			t.Run(c.name+"/"+gen.Name, func(t *testing.T) {
				p := initProbe(t, variant{}, gen, "table threads int64 T0; "+
					"field T0 comm string F0")
				if err := p.Threads().PutThread(sampleThread()); err != nil {
					t.Fatal(err)
				}
				// A parse first, so the probe holds a writer as a
				// plugin that stashes vtables would.
				parse(t, p, "")
				// After the violating call the host recovers, the next
				// call is clean.
				var err error
				if c.parse {
					err = p.Parse(probeEvent(1, c.script), 1)
				} else {
					_, _, err = p.Extract(probeEvent(1, ""), 1,
						"probe.exec["+c.script+"]")
				}
				wantErr(t, err, ErrViolation, c.frag)
				if got := exec_(t, p, "get T0 100 E3; release T0 E3"); got !=
					"ok;ok" {
					t.Fatalf("host did not recover: %s", got)
				}
			})
		}
	}
}

// get_table and list_tables are only valid during init; a plugin that
// kept the function pointers and calls them later is caught.
func TestTableGetTableAfterInit(t *testing.T) {
	for _, gen := range gens32and312 {
		p := initProbe(t, variant{}, gen, "")
		err := p.Parse(probeEvent(1, "tables"), 1)
		wantErr(t, err, ErrViolation, "list_tables called during parse_event")
		_, _, err = p.Extract(probeEvent(1, ""), 1,
			"probe.exec[table threads int64 T0]")
		wantErr(t, err, ErrViolation, "get_table called during extract_fields")
	}
}

func TestTableSubTables(t *testing.T) {
	const init = "table threads int64 T0; field T0 args table F0; " +
		"field T0 env table F1; field T0 file_descriptors table F2; " +
		"field T0 cgroups table F3; create T0 E0; read T0 E0 F0 T1; " +
		"field T1 value string F4; read T0 E0 F2 T2; " +
		"field T2 name string F5; field T2 type uint8 F6; " +
		"field T2 ino uint64 F7; field T2 socket_ipv4_src_ip uint32 F8; " +
		"read T0 E0 F3 T3; field T3 first string F9; " +
		"field T3 second string F10; destroy T0 E0"
	p := initProbe(t, variant{}, Gen312, init)
	if got := initOut(t, p); got != "ok;ok;ok;ok;ok;ok;table;ok;table;ok;"+
		"ok;ok;ok;table;ok;ok;ok" {
		t.Fatalf("init: %s", got)
	}
	tb := p.Threads()
	main := sampleThread()
	thr := Thread{Tid: 101, Pid: 100, Ptid: 1, Comm: "worker", Flags: 1,
		FDs: []FD{{Num: 9, Name: "/own"}}}
	for _, th := range []Thread{main, thr} {
		if err := tb.PutThread(th); err != nil {
			t.Fatal(err)
		}
	}
	got := parse(t, p, "get T0 100 E0; read T0 E0 F0 T4; size T4;"+
		"get T4 2 E1; read T4 E1 F4; release T4 E1;"+
		"read T0 E0 F1 T5; get T5 1 E2; read T5 E2 F4; release T5 E2;"+
		"read T0 E0 F3 T6; get T6 1 E3; read T6 E3 F9; read T6 E3 F10;"+
		"release T6 E3; read T0 E0 F2 T7; size T7; get T7 4 E4;"+
		"read T7 E4 F5; read T7 E4 F8; release T7 E4; get T7 3 E5;"+
		"read T7 E5 F6; read T7 E5 F7; release T7 E5; iter T7;"+
		"get T7 5 E6; release T0 E0")
	want := "ok;table;3;ok;'echo hi';ok;table;ok;'PATH=/bin';ok;table;ok;" +
		"'memory';'/user.slice';ok;table;2;ok;'127.0.0.1:4->127.0.0.1:80';" +
		"16777343;ok;ok;1;1099511627776;ok;2:all;" +
		"null:table file_descriptors: no entry found at key 5;ok"
	// ino of fd 3 is 42; exe_ino above is the thread's. Fix the want.
	want = strings.Replace(want, "1;1099511627776", "1;42", 1)
	if got != want {
		t.Fatalf("parse:\n got %s\nwant %s", got, want)
	}

	// A non-main thread sharing its files (CLONE_FILES) sees its main
	// thread's table; without the flag, its own.
	got = exec_(t, p, "get T0 101 E0; read T0 E0 F2 T8; size T8; get T8 3 E1;"+
		"read T8 E1 F5; release T8 E1; release T0 E0")
	if got != "ok;table;2;ok;'/etc/passwd';ok;ok" {
		t.Fatalf("CLONE_FILES thread: %s", got)
	}
	if err := tb.Set(101, "flags", uint32(0)); err != nil {
		t.Fatal(err)
	}
	got = exec_(t, p, "get T0 101 E0; read T0 E0 F2 T8; size T8; get T8 9 E1;"+
		"read T8 E1 F5; release T8 E1; release T0 E0")
	if got != "ok;table;1;ok;'/own';ok;ok" {
		t.Fatalf("own fd table: %s", got)
	}

	// A sub-table accessor dies with the call that read it.
	_, _, err := p.Extract(probeEvent(1, ""), 1, "probe.exec[size T8]")
	wantErr(t, err, ErrViolation, "sub-table accessor used after the call")
}

// libs 0.17 (Falco 0.38.0) types the fd "type" field as uint32 and backs
// it with open_flags: a plugin asking for uint8 fails, one asking for
// uint32 reads the flags.
func TestTableFDTypeAliasOn035(t *testing.T) {
	p := initProbe(t, variant{}, Gen35, "table threads int64 T0; "+
		"field T0 file_descriptors table F0; create T0 E0; "+
		"read T0 E0 F0 T1; field T1 type uint8 F1; field T1 type uint32 F2;"+
		"destroy T0 E0")
	if got := initOut(t, p); got != "ok;ok;ok;table;null:incompatible "+
		"data types for static field 'type' of table file_descriptors: it "+
		"is uint32, requested uint8 (5);ok;ok" {
		t.Fatalf("init: %s", got)
	}
	if err := p.Threads().PutThread(sampleThread()); err != nil {
		t.Fatal(err)
	}
	got := exec_(t, p, "get T0 100 E0; read T0 E0 F0 T2; get T2 3 E1;"+
		"read T2 E1 F2; release T2 E1; release T0 E0")
	if got != "ok;table;ok;577;ok;ok" {
		t.Fatalf("alias read: %s", got)
	}
}

func TestTableWriterOps(t *testing.T) {
	for _, gen := range gens32and312 {
		t.Run(gen.Name, func(t *testing.T) {
			p := initProbe(t, variant{}, gen, accessInit)
			tb := p.Threads()
			for _, tid := range []int64{1, 2, 3} {
				if err := tb.PutThread(Thread{Tid: tid, Comm: "t"}); err != nil {
					t.Fatal(err)
				}
			}
			got := parse(t, p, "size T0; iter T0; iterstop T0 2; name T0;"+
				"create T0 E0; write T0 E0 F0 fresh; add T0 50 E0;"+
				"read T0 E0 F1; release T0 E0; erase T0 2; erase T0 2;"+
				"size T0")
			want := "3;3:all;2:stopped;threads;ok;ok;ok;0;ok;ok;" +
				"fail:table threads: no entry found at key 2;3"
			if got != want {
				t.Fatalf("parse:\n got %s\nwant %s", got, want)
			}
			if ids := tb.Tids(); len(ids) != 3 || ids[2] != 50 {
				t.Fatalf("tids %v", ids)
			}
			if v, _ := tb.Get(50, "comm"); v != "fresh" {
				t.Fatalf("added entry comm %v", v)
			}
			// The key field mirrors the key, as in libsinsp.
			if v, _ := tb.Get(50, "tid"); v != int64(50) {
				t.Fatalf("added entry tid %v", v)
			}
			if got := parse(t, p, "clear T0; size T0"); got != "ok;0" {
				t.Fatalf("clear: %s", got)
			}
		})
	}
}

func TestTableGoSide(t *testing.T) {
	p := openProbe(t, variant{}, Gen312.WithContainerPlugin(
		ContainerPluginFirst))
	if err := p.Init(""); err != nil {
		t.Fatal(err)
	}
	tb := p.Threads()
	if err := tb.PutThread(sampleThread()); err != nil {
		t.Fatal(err)
	}
	if v, _ := tb.Get(100, "container_id"); v != "c0ffee" {
		t.Fatalf("dynamic container_id %v", v)
	}
	for _, c := range []struct {
		field string
		v     any
		frag  string
	}{
		{"pid", "x", "want an integer"},
		{"tty", -1, "out of range"},
		{"tty", uint64(1 << 32), "out of range"},
		{"comm", 3, "want a string"},
		{"exe_writable", 1, "want a bool"},
		{"args", "x", "table cannot be set"},
		{"nope", 1, "no field"},
		{"pid", json.Number("1.5"), "not an integer"},
	} {
		if err := tb.Set(100, c.field, c.v); err == nil ||
			!strings.Contains(err.Error(), c.frag) {
			t.Errorf("Set(%s, %v) = %v, want %q", c.field, c.v, err, c.frag)
		}
	}
	for _, c := range []struct {
		field string
		v     any
		want  any
	}{
		{"pid", json.Number("-5"), int64(-5)},
		{"exe_ino", json.Number("18446744073709551615"), uint64(1<<64 - 1)},
		{"loginuid", uint32(4294967295), uint64(4294967295)},
		{"category", uint16(3), uint64(3)},
	} {
		if err := tb.Set(100, c.field, c.v); err != nil {
			t.Fatalf("Set %s: %v", c.field, err)
		}
		if got, _ := tb.Get(100, c.field); got != c.want {
			t.Fatalf("%s = %v (%T), want %v", c.field, got, got, c.want)
		}
	}
	if err := tb.SetFD(100, 3, "name", "/x"); err != nil {
		t.Fatal(err)
	}
	if v, _ := tb.GetFD(100, 3, "name"); v != "/x" {
		t.Fatalf("fd name %v", v)
	}
	if !tb.DeleteFD(100, 3) || tb.DeleteFD(100, 3) {
		t.Fatal("DeleteFD")
	}
	if err := tb.AddField("comm", StString); err == nil {
		t.Fatal("AddField over a static field succeeded")
	}
	if !tb.Delete(100) || tb.Delete(100) || tb.Len() != 0 {
		t.Fatal("Delete")
	}
}
