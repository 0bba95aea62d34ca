package host

import (
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strconv"
	"testing"
)

// FuzzParseFields feeds arbitrary get_fields JSON to the loader's checks:
// no panic, and whatever is accepted obeys libsinsp's rules.
func FuzzParseFields(f *testing.F) {
	f.Add(`[{"name":"a","type":"string","desc":"d"}]`, uint8(12))
	f.Add(`[{"name":"a","type":"uint64","desc":"d","isList":true,`+
		`"arg":{"isIndex":true,"isRequired":true},"properties":["info"]}]`,
		uint8(2))
	f.Add(`[{"name":"a","type":"ipnet","desc":"d","addOutput":1}]`, uint8(8))
	f.Fuzz(func(t *testing.T, js string, minor uint8) {
		fields, err := parseFields("fuzz", js, uint32(minor))
		if err != nil {
			if !errors.Is(err, ErrFields) {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			return
		}
		if len(fields) == 0 {
			t.Fatal("accepted an empty field list")
		}
		seen := map[string]bool{}
		for i, fl := range fields {
			if fl.Name == "" || fl.Desc == "" || seen[fl.Name] {
				t.Fatalf("field %d accepted: %+v", i, fl)
			}
			seen[fl.Name] = true
			if _, ok := fieldTypes[fl.Type]; !ok || fl.ftype != fieldTypes[fl.Type] {
				t.Fatalf("bad type accepted: %+v", fl)
			}
			if fl.ID != uint32(i) {
				t.Fatalf("field %d has id %d", i, fl.ID)
			}
			if fl.Arg.IsRequired && !fl.TakesArg() {
				t.Fatalf("isRequired without index or key: %+v", fl)
			}
		}
		var raw []json.RawMessage
		if json.Unmarshal([]byte(js), &raw) != nil || len(raw) != len(fields) {
			t.Fatalf("accepted JSON that is not an array of %d", len(fields))
		}
	})
}

// FuzzParseSources checks the event source list decoder.
func FuzzParseSources(f *testing.F) {
	f.Add(`["syscall"]`)
	f.Add(`[]`)
	f.Add(`["a",""]`)
	f.Fuzz(func(t *testing.T, js string) {
		src, err := parseSources("fuzz", "get_extract_event_sources", js, true)
		if err != nil {
			if !errors.Is(err, ErrSources) {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			return
		}
		if src == nil {
			return // every source
		}
		if slices.Contains(src, "") {
			t.Fatalf("empty source accepted: %q", src)
		}
	})
}

// FuzzFieldRequest checks "name[arg]" parsing against libsinsp's rules
// on a field set with every argument kind.
func FuzzFieldRequest(f *testing.F) {
	f.Add("both[12]")
	f.Add("both[012]")
	f.Add("index[x]")
	f.Add("key[]")
	f.Add("req")
	f.Add("plain[1]")
	p := &Plugin{info: Info{Name: "fuzz"}}
	fields := []Field{
		{Name: "plain", Type: "string"},
		{Name: "index", Type: "string", Arg: FieldArg{IsIndex: true}},
		{Name: "key", Type: "string", Arg: FieldArg{IsKey: true}},
		{Name: "both", Type: "string",
			Arg: FieldArg{IsIndex: true, IsKey: true}},
		{Name: "req", Type: "string",
			Arg: FieldArg{IsRequired: true, IsKey: true}},
	}
	p.byNam = map[string]*Field{}
	for i := range fields {
		fields[i].ID = uint32(i)
		p.byNam[fields[i].Name] = &fields[i]
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, arg, hasArg, serr := splitField(s)
		r, fl, err := p.request(s)
		if err != nil {
			if !errors.Is(err, ErrField) {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			return
		}
		if serr != nil || fl == nil || fl.Name != name {
			t.Fatalf("%q accepted as %+v", s, fl)
		}
		if hasArg != r.argPresent || (hasArg && !fl.TakesArg()) ||
			(!hasArg && fl.Arg.IsRequired) {
			t.Fatalf("%q: argument rules broken: %+v", s, r)
		}
		if !hasArg {
			return
		}
		idx, isIdx := validIndex(arg)
		switch {
		case r.key == nil && !(fl.Arg.IsIndex && isIdx && r.index == idx):
			t.Fatalf("%q: index %d accepted", s, r.index)
		case r.key != nil && (!fl.Arg.IsKey || (fl.Arg.IsIndex && isIdx)):
			t.Fatalf("%q: key accepted", s)
		}
	})
}

// FuzzValidIndex compares the index rule with strconv.
func FuzzValidIndex(f *testing.F) {
	for _, s := range []string{"0", "00", "7", "18446744073709551616", "+1",
		"1_0", "-0", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := validIndex(s)
		u, err := strconv.ParseUint(s, 10, 64)
		want := err == nil && (s == "0" || s[0] != '0')
		if ok != want || (ok && u != v) {
			t.Fatalf("%q: validIndex %d %v, strconv %d %v", s, v, ok, u, err)
		}
	})
}

// FuzzIntBits checks the Go-side integer conversion for table fields: a
// value is stored iff it fits the type, and reads back unchanged.
func FuzzIntBits(f *testing.F) {
	f.Add(int64(-1), uint8(0))
	f.Add(int64(255), uint8(4))
	f.Add(int64(4294967295), uint8(6))
	types := []StateType{StInt8, StInt16, StInt32, StInt64, StUint8,
		StUint16, StUint32, StUint64}
	f.Fuzz(func(t *testing.T, v int64, ti uint8) {
		typ := types[int(ti)%len(types)]
		bits, err := intBits(v, typ)
		tb := typeBits[typ]
		var fits bool
		if tb.signed {
			lim := int64(1) << (tb.bits - 1)
			fits = tb.bits == 64 || (v >= -lim && v < lim)
		} else {
			fits = v >= 0 && (tb.bits == 64 || uint64(v) < 1<<tb.bits)
		}
		if (err == nil) != fits {
			t.Fatalf("%d as %v: err %v, fits %v", v, typ, err, fits)
		}
		if err == nil && bits != uint64(v) {
			t.Fatalf("%d as %v stored as %#x", v, typ, bits)
		}
	})
}

// FuzzLoadFixture feeds arbitrary JSON to the fixture loader of a live
// API 3.12 table: no panic, and an accepted object yields exactly its
// tids.
func FuzzLoadFixture(f *testing.F) {
	f.Add(`{"1":{"comm":"a","pid":1,"args":["x"],"file_descriptors":` +
		`{"3":{"name":"/x","type":1}}}}`)
	f.Add(`{"-5":{"tty":4294967296}}`)
	f.Add(`{"2":{"cgroups":[{"first":"cpu","second":"/"}],"exe_writable":1}}`)
	p := initProbe(f, variant{}, Gen312, "")
	f.Fuzz(func(t *testing.T, js string) {
		err := p.Threads().LoadFixture(json.RawMessage(js))
		if err != nil {
			return
		}
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(js), &m) != nil {
			t.Fatalf("accepted %q", js)
		}
		var want []int64
		for k := range m {
			n, _ := strconv.ParseInt(k, 10, 64)
			want = append(want, n)
		}
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		want = slices.Compact(want)
		if got := p.Threads().Tids(); !slices.Equal(got, want) {
			t.Fatalf("tids %v, want %v", got, want)
		}
	})
}
