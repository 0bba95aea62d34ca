package profile

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// fdCasesAll returns every fd unit-test case.
func fdCasesAll(tb testing.TB) []fdCase {
	var all []fdCase
	all = append(all, fdFileCases(tb)...)
	all = append(all, fdSocketCases(tb)...)
	return append(all, fdOddCases(tb)...)
}

// FuzzFDFields decodes any event and renders every fd field on the test
// world, with and without fd table. Parameters of any length, count and
// content must give a value or no value, never a panic; no value leaves
// dst as it was; values hold no NUL (profile keys use it as separator);
// names are printable UTF-8.
func FuzzFDFields(f *testing.F) {
	for _, tc := range fdCasesAll(f) {
		f.Add(tc.ev.Raw(), false)
		f.Add(tc.ev.Raw(), true)
	}
	sanitised := map[string]bool{"fd.name": true, "fd.directory": true,
		"fd.filename": true, "custom.fd.name.part1": true,
		"custom.fd.name.part2": true}
	f.Fuzz(func(t *testing.T, raw []byte, api32 bool) {
		ev, err := event.Decode(raw)
		if err != nil {
			return
		}
		st := fdWorld()
		st.noFD = api32
		c := NewCtx()
		for i := range fdFields {
			fld := &fdFields[i]
			c.Reset(&ev, st)
			out, ok := fld.Eval(c, Arg{}, []byte("p"))
			switch {
			case !ok && string(out) != "p":
				t.Fatalf("%s: no value but dst is %q", fld.Name, out)
			case bytes.IndexByte(out, 0) >= 0:
				t.Fatalf("%s: value %q holds a NUL", fld.Name, out)
			case ok && sanitised[fld.Name] && !utf8.Valid(out):
				t.Fatalf("%s: value %q is not UTF-8", fld.Name, out)
			}
		}
	})
}

// TestFDFieldsNoAlloc checks that no fd field allocates on the event
// path, for every unit-test case on both host generations.
func TestFDFieldsNoAlloc(t *testing.T) {
	buf := make([]byte, 0, 4*maxPath)
	c := NewCtx()
	for _, tc := range fdCasesAll(t) {
		for _, api32 := range []bool{false, true} {
			st := fdWorld()
			st.noFD = api32
			for i := range fdFields {
				fld := &fdFields[i]
				n := testing.AllocsPerRun(20, func() {
					c.Reset(tc.ev, st)
					buf, _ = fld.Eval(c, Arg{}, buf[:0])
				})
				if n != 0 {
					t.Errorf("%s, %s (API 3.2: %v): %.1f allocations",
						tc.name, fld.Name, api32, n)
				}
			}
		}
	}
}

// BenchmarkFDField renders one fd field alone, Ctx reset included, on
// typical events of both host generations.
func BenchmarkFDField(b *testing.B) {
	all := fdFieldNames
	names := []string{"fd.name", "fd.directory", "fd.nameraw", "fd.typechar"}
	sock := []string{"fd.name", "fd.cip", "fd.sport",
		"custom.fd.name.part2", "fd.l4proto"}
	for _, sc := range []struct {
		name   string
		ev     *event.Event
		fields []string
	}{
		{"open", evOpen(b, appPid, 4, "conf//../data/./db.sqlite",
			oRdonly, 1002), all},
		{"open_thread", evOpen(b, appThread, 4, "conf//../data/./db.sqlite",
			oRdonly, 1002), names},
		{"open_failed", evOpen(b, appPid, -13, "secrets//key.pem",
			oRdonly, 0), names},
		{"openat_dirfd", evOpenat(b, appPid, 6, 5, "certs/ca.pem",
			oRdonly, 1004), names},
		{"connect4", evConnect(b, appPid, 0, 7,
			pTuple("10.0.0.5:40000", "93.184.216.34:443")), sock},
		{"accept6", evAccept(b, appPid, 14,
			pTuple("[fd00::9]:51600", "[fd00::5]:8080")), sock},
	} {
		for _, api := range []string{"3.5", "3.2"} {
			st := fdWorld()
			st.noFD = api == "3.2"
			for _, name := range sc.fields {
				p := mustCompile(b, "%"+name)
				b.Run(sc.name+"/"+api+"/"+name, func(b *testing.B) {
					b.ReportAllocs()
					c := NewCtx()
					buf := make([]byte, 0, 4*maxPath)
					for b.Loop() {
						c.Reset(sc.ev, st)
						buf, _ = p.RenderField(buf[:0], 0, c)
					}
				})
			}
		}
	}
}
