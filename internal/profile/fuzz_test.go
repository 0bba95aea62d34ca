package profile

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzCompile checks that Compile never panics, fails only with its own
// errors, and that a plan's String compiles back to the same plan.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{seedExec, seedArgs, "%proc.env[HOME]",
		"%proc.aname[2", "%custom.proc.aname.lineage.join[4096]", "", "%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, fields string) {
		p, err := Compile(fields)
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrMalformed) &&
				!errors.Is(err, ErrUnknownField) && !errors.Is(err, ErrArgument) {
				t.Fatalf("Compile(%q): foreign error %v", fields, err)
			}
			return
		}
		q, err := Compile(p.String())
		if err != nil {
			t.Fatalf("Compile(%q) of String(): %v", p.String(), err)
		}
		if q.String() != p.String() || q.Len() != p.Len() {
			t.Fatalf("round trip %q -> %q", p.String(), q.String())
		}
		for i := range p.items {
			if p.items[i].f != q.items[i].f || p.items[i].arg != q.items[i].arg {
				t.Fatalf("field %d differs after round trip", i)
			}
		}
	})
}

// FuzzRender renders any plan Compile accepts on the unit-test world
// with a fuzzed comm and argument list: it must not panic, and the key
// must hold exactly one NUL between slots.
func FuzzRender(f *testing.F) {
	f.Add(seedExec+" "+seedArgs, int64(2002), uint16(293), "cc", "a\x00b\x00")
	f.Add("%proc.sname %proc.cwd", int64(2003), uint16(3), "x|y", "")
	f.Add("%custom.proc.aname.lineage.join[9]", int64(1), uint16(0),
		`\|`, "\x00\x00")
	f.Fuzz(func(t *testing.T, fields string, tid int64, code uint16,
		comm, args string) {
		p, err := Compile(fields)
		if err != nil {
			return
		}
		s := world()
		clean := func(v string) string { return strings.ReplaceAll(v, "\x00", "") }
		s.threads[2002].Comm = clean(comm)
		s.threads[2002].Args = args
		c := NewCtx()
		c.Reset(rawEvent(t, tid, code), s)
		key := p.Render(nil, c)
		if n := bytes.Count(key, []byte{0}); n != p.Len()-1 {
			t.Fatalf("key %q has %d NULs for %d fields", key, n, p.Len())
		}
		if bytes.IndexByte(Display(nil, key), 0) >= 0 {
			t.Fatalf("display of %q holds a NUL", key)
		}
	})
}

// FuzzLookupEnv compares lookupEnv with a plain reading of libsinsp's
// rule: the first entry "NAME=value" with a non-empty value, trimmed.
func FuzzLookupEnv(f *testing.F) {
	f.Add("HOMEDIR=/x\x00HOME=/h\x00", "HOME")
	f.Add("HOME=\x00HOME= a \x00", "HOME")
	f.Add("A=HOME=x\x00", "HOME")
	f.Add("HOME=1", "HOME")
	f.Fuzz(func(t *testing.T, env, name string) {
		if strings.IndexByte(name, 0) >= 0 {
			return
		}
		want := ""
		if name != "" {
			for _, e := range strings.Split(env, "\x00") {
				v, ok := strings.CutPrefix(e, name+"=")
				if ok && v != "" {
					want = trimSpace(v)
					break
				}
			}
		}
		if got := lookupEnv(env, name); got != want {
			t.Fatalf("lookupEnv(%q, %q) = %q, want %q", env, name, got, want)
		}
	})
}
