package profile

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		fields string
		is     error
		msg    string
	}{
		{"", ErrEmpty, "no fields"},
		{" \t\n", ErrEmpty, "no fields"},
		{"%proc.nme", ErrUnknownField, `unknown field "proc.nme"`},
		{"%proc.name %fd.nam", ErrUnknownField, `unknown field "fd.nam"`},
		{"%proc.aname[2", ErrMalformed, `malformed field "%proc.aname[2"`},
		{"proc.name", ErrMalformed, `malformed field "proc.name"`},
		{"%proc.name,%proc.pid", ErrUnknownField,
			`unknown field "proc.name,%proc.pid"`},
		{"%proc.name stray", ErrMalformed, `malformed field "stray"`},
		{"%", ErrMalformed, `malformed field "%"`},
		{"%[1]", ErrMalformed, `malformed field "%[1]"`},
		{"%proc.aname[]", ErrMalformed, `malformed field "%proc.aname[]"`},
		{"%proc.aname[1]x", ErrMalformed, `malformed field "%proc.aname[1]x"`},
		{"%proc.aname[[1]]", ErrMalformed,
			`malformed field "%proc.aname[[1]]"`},
		{"%proc.name]", ErrMalformed, `malformed field "%proc.name]"`},
		{"%proc.name[5]", ErrArgument,
			`field "proc.name" takes no argument`},
		{"%custom.proc.aname.lineage.join", ErrArgument,
			`field "custom.proc.aname.lineage.join" needs an index argument`},
		{"%proc.aname", ErrArgument,
			`field "proc.aname" needs an index argument`},
		{"%proc.aname[02]", ErrArgument, `field "proc.aname" needs an ` +
			`index from 0 to 4096, in decimal without leading zeros, ` +
			`not "02"`},
		{"%proc.aname[-1]", ErrArgument, `not "-1"`},
		{"%proc.aname[+1]", ErrArgument, `not "+1"`},
		{"%proc.aname[4097]", ErrArgument, `not "4097"`},
		{"%proc.apid[HOME]", ErrArgument, `not "HOME"`},
		{"%proc.aname[99999999999999999999]", ErrArgument,
			`not "99999999999999999999"`},
	}
	for _, tc := range cases {
		t.Run(tc.fields, func(t *testing.T) {
			p, err := Compile(tc.fields)
			if err == nil {
				t.Fatalf("Compile(%q) = %v, want an error", tc.fields, p)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %q does not match %q", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

func TestCompile(t *testing.T) {
	p, err := Compile("\t%container.id  %proc.aname[0] %proc.aname[4096]\n" +
		"%proc.env %proc.env[HOME] %proc.name %proc.name")
	if err != nil {
		t.Fatal(err)
	}
	want := "%container.id %proc.aname[0] %proc.aname[4096] %proc.env " +
		"%proc.env[HOME] %proc.name %proc.name"
	if got := p.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if p.Len() != 7 || p.FieldText(2) != "proc.aname[4096]" {
		t.Errorf("Len() = %d, FieldText(2) = %q", p.Len(), p.FieldText(2))
	}
	wantArgs := []Arg{{}, {Present: true}, {Present: true, Index: 4096},
		{}, {Present: true, Key: "HOME"}, {}, {}}
	for i, a := range wantArgs {
		if p.items[i].arg != a {
			t.Errorf("field %d arg = %+v, want %+v", i, p.items[i].arg, a)
		}
	}
	needs := NeedContainerID | NeedComm | NeedEnv
	if p.Needs() != needs {
		t.Errorf("Needs() = %b, want %b", p.Needs(), needs)
	}
}

func TestCheckEvent(t *testing.T) {
	p, err := Compile("%proc.name %evt.type")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckEvent(event.ExecveX); err != nil {
		t.Errorf("CheckEvent(execve) = %v", err)
	}
	// A plan holding a field limited to open events, as the fd fields are.
	openOnly := &Field{Name: "test.open_only", Eval: evalType,
		Events: func(code uint16) bool { return code == event.OpenX }}
	p.items = append(p.items, item{f: openOnly, text: openOnly.Name})
	if err := p.CheckEvent(event.OpenX); err != nil {
		t.Errorf("CheckEvent(open) = %v", err)
	}
	err = p.CheckEvent(event.ExecveX)
	want := `field "test.open_only" cannot be evaluated on execve events ` +
		`(code 293)`
	if !errors.Is(err, ErrEvent) || err.Error() != want {
		t.Errorf("CheckEvent(execve) = %v, want %s", err, want)
	}
	err = p.CheckEvent(event.CodeCount + 7)
	if err == nil || !strings.Contains(err.Error(), "on unknown events") {
		t.Errorf("CheckEvent(unknown code) = %v", err)
	}
}

func TestRender(t *testing.T) {
	p, err := Compile("%proc.name %proc.aname[9] %proc.pname %proc.args")
	if err != nil {
		t.Fatal(err)
	}
	c := NewCtx()
	c.Reset(rawEvent(t, 2002, event.ExecveX), world())
	prefix := []byte("keep:")
	key := p.Render(prefix, c)
	want := "keep:cc\x00\x00sh\x00-c x.c -o x.o"
	if string(key) != want {
		t.Errorf("Render = %q, want %q", key, want)
	}
	disp := Display([]byte("> "), key[len(prefix):])
	if string(disp) != "> cc  sh -c x.c -o x.o" {
		t.Errorf("Display = %q", disp)
	}
	got, ok := p.RenderField([]byte("x"), 1, c)
	if ok || string(got) != "x" {
		t.Errorf("RenderField(no value) = %q, %v", got, ok)
	}
}

// TestRenderUnambiguous checks that values split differently never give
// the same key, where the prototype's concatenation collided.
func TestRenderUnambiguous(t *testing.T) {
	p, err := Compile("%proc.name %proc.args")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, v := range []struct{ comm, args string }{
		{"ab", list("c")}, {"a", list("bc")}, {"abc", ""}, {"", list("abc")},
		{"a", list("b", "c")},
	} {
		s := world()
		s.threads[2002].Comm, s.threads[2002].Args = v.comm, v.args
		c := NewCtx()
		c.Reset(rawEvent(t, 2002, event.ExecveX), s)
		key := string(p.Render(nil, c))
		if prev, dup := keys[key]; dup {
			t.Errorf("%q and %+v both render %q", prev, v, key)
		}
		keys[key] = v.comm + "/" + v.args
	}
	// One argument "b c" would collide with the last case: libsinsp's
	// proc.args is the same text for both, and the key keeps its values.
	if len(keys) != 5 {
		t.Errorf("got %d distinct keys, want 5", len(keys))
	}
}

// TestFieldTable checks the descriptors themselves.
func TestFieldTable(t *testing.T) {
	name := regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	seen := map[string]bool{}
	for _, f := range Fields() {
		if seen[f.Name] {
			t.Errorf("field %s defined twice", f.Name)
		}
		seen[f.Name] = true
		if !name.MatchString(f.Name) {
			t.Errorf("field %q: bad name", f.Name)
		}
		if f.Eval == nil || f.Desc == "" {
			t.Errorf("field %s: no Eval or no Desc", f.Name)
		}
		if g, ok := LookupField(f.Name); !ok || g.Name != f.Name {
			t.Errorf("LookupField(%s) = %v, %v", f.Name, g, ok)
		}
	}
	if _, ok := LookupField("proc.aname[1]"); ok {
		t.Error("LookupField accepts an argument")
	}
	for _, n := range seedFields {
		if !seen[n] {
			t.Errorf("required field %s is missing", n)
		}
	}
}

// seedFields are the non-fd fields the task requires.
var seedFields = strings.Fields(`proc.name proc.exe proc.exepath proc.args
proc.cmdline proc.exeline proc.cmdnargs proc.cmdlenargs proc.env proc.cwd
proc.tty proc.pid proc.vpid proc.ppid proc.pvpid proc.sid proc.sname
proc.sid.exe proc.sid.exepath proc.vpgid proc.vpgid.name proc.vpgid.exe
proc.vpgid.exepath proc.pname proc.pexe proc.pexepath proc.pcmdline
proc.aname proc.aexe proc.aexepath proc.apid proc.acmdline
proc.is_exe_writable proc.is_exe_upper_layer proc.is_exe_from_memfd
proc.is_sid_leader proc.is_vpgid_leader proc.exe_ino proc.exe_ino.ctime
proc.exe_ino.mtime container.id custom.proc.aname.lineage.join
custom.proc.aexe.lineage.join custom.proc.aexepath.lineage.join thread.tid
user.uid user.loginuid group.gid evt.type`)

// TestLoopCheck checks that Brent's check finds every loop within three
// times the length of the sequence up to the loop's end, and never fires
// on a sequence without one.
func TestLoopCheck(t *testing.T) {
	for tail := 0; tail < 20; tail++ {
		for size := 1; size < 40; size++ {
			var l loopCheck
			steps := 0
			for ; steps < 4*(tail+size); steps++ {
				tid := int64(steps)
				if steps >= tail {
					tid = int64(tail + (steps-tail)%size)
				}
				if l.seen(tid) {
					break
				}
			}
			if steps > 3*(tail+size) {
				t.Errorf("tail %d loop %d: seen after %d steps", tail, size,
					steps)
			}
		}
	}
	var l loopCheck
	for i := int64(1); i < 100000; i++ {
		if l.seen(i) {
			t.Fatalf("loop reported at %d in a sequence without one", i)
		}
	}
}
