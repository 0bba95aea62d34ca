package host

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

func TestExtractArguments(t *testing.T) {
	cases := []struct {
		field string
		want  string // probe's echo, or "" when an error is expected
		frag  string
	}{
		{"probe.arg", "none", ""},
		{"probe.arg[5]", "index:5", ""},
		{"probe.arg[0]", "index:0", ""},
		{"probe.arg[05]", "key:05", ""}, // leading zero: not an index
		{"probe.arg[abc]", "key:abc", ""},
		{"probe.arg[a b;c]", "key:a b;c", ""},
		{"probe.arg[18446744073709551615]", "index:18446744073709551615", ""},
		{"probe.arg[18446744073709551616]", "key:18446744073709551616", ""},
		{"probe.arg[]", "", "empty argument"},
		{"probe.idx[3]", "index:3", ""},
		{"probe.idx[03]", "", "invalid index argument"},
		{"probe.idx[x]", "", "invalid index argument"},
		{"probe.idx[-1]", "", "invalid index argument"},
		{"probe.exec", "", "requires an argument"},
		{"probe.flag[1]", "", "does not accept an argument"},
		{"probe.nope", "", "has no field"},
		{"probe.arg[1", "", "malformed"},
		{"[1]", "", "malformed"},
	}
	for _, gen := range gens32and312 {
		p := initProbe(t, variant{}, gen, "")
		for _, c := range cases {
			v, ok, err := p.Extract(probeEvent(1, ""), 1, c.field)
			if c.want == "" {
				wantErr(t, err, ErrField, c.frag)
				continue
			}
			if err != nil || !ok || v.Text() != c.want {
				t.Errorf("%v %s: %q ok=%v err=%v, want %q", gen, c.field,
					v.Text(), ok, err, c.want)
			}
		}
		if st := p.Stats(); st.Extract != 9 {
			t.Fatalf("refused requests reached the plugin: %+v", st)
		}
	}
}

func TestExtractValues(t *testing.T) {
	for _, gen := range gens32and312 {
		p := initProbe(t, variant{}, gen, "")
		evt := probeEvent(1, "")
		v, ok, err := p.Extract(evt, 77, "probe.evtnum")
		if err != nil || !ok || !slices.Equal(v.Uints, []uint64{77}) ||
			v.Type != "uint64" {
			t.Fatalf("evtnum: %+v %v %v", v, ok, err)
		}
		for field, want := range map[string]string{
			"probe.flag": "true",
			"probe.addr": "(127.0.0.1,::1)",
			"probe.list": "(a,b,c)",
		} {
			v, ok, err := p.Extract(evt, 1, field)
			if err != nil || !ok || v.Text() != want {
				t.Errorf("%s: %q %v %v, want %q", field, v.Text(), ok, err,
					want)
			}
		}
		if v, _, _ := p.Extract(evt, 1, "probe.addr"); v.Len() != 2 ||
			len(v.Bytes[0]) != 4 || len(v.Bytes[1]) != 16 {
			t.Fatalf("addresses %+v", v)
		}
		if _, ok, err := p.Extract(evt, 1, "probe.none"); ok || err != nil {
			t.Fatalf("no value: ok=%v err=%v", ok, err)
		}
		_, ok, err = p.Extract(evt, 1, "probe.fail")
		wantErr(t, err, ErrPluginFailure, "returned 1: probe: asked to fail")
		if ok {
			t.Fatal("failure gave a value")
		}
		_, _, err = p.Extract(evt, 1, "probe.multi")
		wantErr(t, err, ErrViolation, "non-list field probe.multi returned 2")
	}
}

func TestEventTypeFilterAndStats(t *testing.T) {
	p := initProbe(t, variant{}, Gen312, "")
	other := event.Encode(1, 1, 307, event.PInt64(3), event.PInt64(-100),
		event.PString("x"), event.PUint32(0), event.PUint32(0),
		event.PUint32(0), event.PUint64(0))
	if err := p.Parse(other, 1); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := p.Extract(other, 1, "probe.flag"); ok || err != nil {
		t.Fatalf("unsubscribed type extracted: %v %v", ok, err)
	}
	if err := p.Parse(probeEvent(1, "size T0"), 2); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := p.Extract(probeEvent(1, ""), 2, "probe.flag"); !ok {
		t.Fatal("subscribed type not extracted")
	}
	want := Stats{Parse: 1, Extract: 1, ParseSkipped: 1, ExtractSkipped: 1}
	if st := p.Stats(); st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}

	all := initProbe(t, variant{"TYPES_ALL": ""}, Gen312, "")
	if _, ok, _ := all.Extract(other, 1, "probe.flag"); !ok {
		t.Fatal("a plugin with NULL types is not called for every type")
	}
}

func TestEventBufferChecks(t *testing.T) {
	p := initProbe(t, variant{}, Gen312, "")
	evt := probeEvent(1, "")
	wantErr(t, p.Parse(evt[:20], 1), ErrEvent, "shorter than its 26-byte")
	long := append(slices.Clone(evt), 0)
	wantErr(t, p.Parse(long, 1), ErrEvent, "header says")
	bad := slices.Clone(evt)
	binary.LittleEndian.PutUint32(bad[16:], 10)
	_, _, err := p.Extract(bad, 1, "probe.flag")
	wantErr(t, err, ErrEvent)

	// An event longer than a page moves the guard; the script still runs.
	script := "size T0" + strings.Repeat(" ", 6000)
	if err := p.Parse(probeEvent(1, script), 1); err != nil {
		t.Fatal(err)
	}
}

func TestParseOnlyPlugin(t *testing.T) {
	p := initProbe(t, variant{"NO_EXTRACT": "", "NO_GET_FIELDS": ""},
		Gen312, "")
	if err := p.Parse(probeEvent(1, ""), 1); err != nil {
		t.Fatal(err)
	}
	_, _, err := p.Extract(probeEvent(1, ""), 1, "probe.flag")
	wantErr(t, err, ErrField, "no extraction capability")
}

func TestValueText(t *testing.T) {
	for _, c := range []struct {
		v    Value
		want string
	}{
		{Value{Strings: []string{"a"}}, "a"},
		{Value{Uints: []uint64{1, 2}}, "(1,2)"},
		{Value{Bools: []bool{false}}, "false"},
		{Value{Bytes: [][]byte{{10, 0, 0, 1}}}, "10.0.0.1"},
		{Value{}, "()"},
	} {
		if got := c.v.Text(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.v, got, c.want)
		}
	}
}
