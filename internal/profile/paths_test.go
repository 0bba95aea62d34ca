package profile

import (
	"math/rand/v2"
	"path"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestJoinPath checks appendJoinPath against libsinsp's concatenate_paths
// rules.
func TestJoinPath(t *testing.T) {
	const fffd = "\uFFFD"
	long := strings.Repeat("n", maxPath-len("/cwd/")-1) // fills the buffer
	for _, tc := range []struct {
		dir      string
		slash    bool
		name     string
		want     string
		describe string
	}{
		{"/srv/app/", false, "x.conf", "/srv/app/x.conf", "relative"},
		{"/srv/app/", false, "/etc/hosts", "/etc/hosts", "absolute ignores dir"},
		{"/srv/app/", false, "", "", "empty name ignores dir"},
		{"/srv/app/", false, "a/./b", "/srv/app/a/b", "dot"},
		{"/srv/app/", false, "./a", "/srv/app/a", "leading dot"},
		{"/srv/app/", false, "a/.", "/srv/app/a", "trailing dot"},
		{"/srv/app/", false, ".", "/srv/app", "dot alone"},
		{"/srv/app/", false, "a/../b", "/srv/app/b", "dotdot"},
		{"/srv/app/", false, "../../../etc", "/etc", "dotdot through dir to root"},
		{"/srv/app/", false, "..", "/srv", "dotdot alone"},
		{"/srv/app/", false, "a//b///c", "/srv/app/a/b/c", "double slashes"},
		{"/srv/app/", false, "a/b/", "/srv/app/a/b", "trailing slash"},
		{"/srv/app/", false, ".hidden/..x/...", "/srv/app/.hidden/..x/...",
			"dots that are names"},
		{"/", false, "/", "/", "root stays"},
		{"/", false, "//", "/", "root from slashes"},
		{"", false, "/../a", "/a", "dotdot at root"},
		{"", false, "a/../../b", "b", "relative, nothing before"},
		{"foo/", false, "..//a", "a", "dir consumed: no leading slash"},
		{"/foo/", false, "..//a", "/a", "dir consumed to root"},
		{"/srv//app/", false, "x", "/srv//app/x", "dir copied as it is"},
		{"/srv", false, "x", "/srvx", "dir without its slash"},
		{"<UNKNOWN>", false, "x.conf", "<UNKNOWN>x.conf", "unknown dirfd"},
		{"/etc/ssl", true, "certs/ca.pem", "/etc/ssl/certs/ca.pem", "dirfd name"},
		{"./", false, "x", "./x", "no main thread"},
		{"/d/", false, "a\x01b", "/d/a" + fffd + "b", "control byte"},
		{"/d/", false, "caf\xc3\xa9", "/d/café", "UTF-8 kept"},
		{"/d/", false, "\xff\xfe/x", "/d/" + fffd + fffd + "/x", "invalid bytes"},
		{"/d/", false, "\xe1\x80/x", "/d/" + fffd + "/x", "maximal subpart"},
		{"/d\x7f/", false, "x", "/d" + fffd + "/x", "dir sanitised"},
		{"/cwd/", false, long, "/cwd/" + long, "at the length limit"},
		{"/cwd/", false, long + "n", pathTooLong, "one byte over"},
		{"/cwd/", false, "/" + long[1:], "/" + long[1:], "absolute at the limit"},
		{"/cwd/", false, "/" + long, pathTooLong, "absolute: dir still counts"},
		{"/cwd", true, long, "/cwd/" + long, "dirfd at the limit"},
		{"/cwd", true, long + "n", pathTooLong, "dirfd slash counts"},
	} {
		got := string(appendJoinPath([]byte("x"), tc.dir, tc.slash, tc.name))
		if got != "x"+tc.want {
			t.Errorf("%s: join(%q, %q) = %q, want %q", tc.describe, tc.dir,
				tc.name, got[1:], tc.want)
		}
	}
}

// TestUTF8Printable checks the sequence classes of the sanitiser.
func TestUTF8Printable(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"a", 1}, {" ", 1}, {"~", 1}, {"\x00", -1}, {"\x1f", -1},
		{"\x7f", -1}, {"\x80", -1}, {"\xc1\xbf", -1},
		{"é", 2}, {"\xc2\x85", -2}, {"\xc2\xa0", 2}, {"\xc3", -1},
		{"\xc3(", -1},
		{"€", 3}, {"\xe0\x9f\xbf", -1}, {"\xed\xa0\x80", -1},
		{"\xe1\x80", -2}, {"\xe1\x80/", -2}, {"\xef\xb7\x90", -3},
		{"\xef\xbf\xbe", -3}, {"\xef\xbf\xbd", 3},
		{"😀", 4}, {"\xf0\x8f\xbf\xbf", -1}, {"\xf4\x90\x80\x80", -1},
		{"\xf0\x9f\x98", -3}, {"\xf0\x9f", -2}, {"\xf0\x9f\xbf\xbe", -4},
		{"\xf5\x80\x80\x80", -1}, {"\xff", -1},
	} {
		if got := utf8Printable(tc.in); got != tc.want {
			t.Errorf("utf8Printable(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// TestSanitize checks appendSanitized on whole strings.
func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain /etc/hosts", "plain /etc/hosts"},
		{"café 😀 諸", "café 😀 諸"},
		{"a\tb", "a\uFFFDb"},
		{"a\xc2\x85b", "a\uFFFDb"},
		{"\xe1\x80x", "\uFFFDx"},
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"end\xe1\x80", "end\uFFFD"},
	} {
		if got := string(appendSanitized(nil, tc.in)); got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := string(appendSanitized(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("sanitize([]byte %q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNameParts checks the fd.nameraw slash rule and the fd.directory and
// fd.filename splits.
func TestNameParts(t *testing.T) {
	for _, tc := range []struct{ name, raw, dir, base string }{
		{"/etc/hosts", "/etc/hosts", "/etc", "hosts"},
		{"/hosts", "/hosts", "/", "hosts"},
		{"/", "/", "/", "/"},
		{"", "", "/", "/"},
		{"/a/b/", "/a/b/", "/a/b/", "/a/b/"},
		{"a//b", "a/b", "a/", "b"},
		{"//x", "/x", "/", "x"},
		{"<UNKNOWN>x.conf", "<UNKNOWN>x.conf", "/", "/"},
		{"1.2.3.4:5->6.7.8.9:10", "1.2.3.4:5->6.7.8.9:10", "/", "/"},
	} {
		if got := string(appendNoDupSlash([]byte("p"), tc.name)); got != "p"+tc.raw {
			t.Errorf("noDupSlash(%q) = %q, want %q", tc.name, got[1:], tc.raw)
		}
		buf := append([]byte("p"), tc.name...)
		if got := string(collapseSlashes(buf, 1)); got != "p"+tc.raw {
			t.Errorf("collapseSlashes(%q) = %q, want %q", tc.name, got[1:], tc.raw)
		}
		buf = append([]byte("p"), tc.name...)
		if got := string(trimToDir(buf, 1)); got != "p"+tc.dir {
			t.Errorf("dir(%q) = %q, want %q", tc.name, got[1:], tc.dir)
		}
		buf = append([]byte("p"), tc.name...)
		if got := string(trimToBase(buf, 1)); got != "p"+tc.base {
			t.Errorf("base(%q) = %q, want %q", tc.name, got[1:], tc.base)
		}
	}
}

// FuzzJoinPath checks appendJoinPath against properties that hold for
// any input: no panic, the length limit, printable UTF-8 output, and for
// printable ASCII the result of path.Clean, which libsinsp's rules match
// on absolute paths and on a clean directory joined with a relative name.
func FuzzJoinPath(f *testing.F) {
	f.Add("/srv/app", "a/../b//c/./d/")
	f.Add("", "/../..//x/")
	f.Add("/d", "\xe1\x80/\xff.")
	f.Add("/", strings.Repeat("ab/", 400))
	f.Fuzz(func(t *testing.T, dirText, name string) {
		dir := path.Clean("/"+dirText) + "/"
		if dir == "//" {
			dir = "/"
		}
		out := appendJoinPath(nil, dir, false, name)
		if len(dir)+len(name)+1 > maxPath {
			if string(out) != pathTooLong {
				t.Fatalf("over the limit: got %q", out)
			}
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("join(%q, %q) = %q: not UTF-8", dir, name, out)
		}
		for _, c := range out {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("join(%q, %q) = %q: control byte", dir, name, out)
			}
		}
		if name == "" || !printableASCII(name) || !printableASCII(dir) {
			return
		}
		want := path.Clean(dir + name)
		if name[0] == '/' {
			want = path.Clean(name)
		}
		if string(out) != want {
			t.Fatalf("join(%q, %q) = %q, path.Clean gives %q", dir, name,
				out, want)
		}
		again := appendJoinPath(nil, "", false, out)
		if string(again) != string(out) {
			t.Fatalf("not idempotent: %q then %q", out, again)
		}
	})
}

// FuzzSanitize checks that appendSanitized gives printable UTF-8, keeps
// printable UTF-8 as it is, and is idempotent.
func FuzzSanitize(f *testing.F) {
	f.Add("plain")
	f.Add("caf\xc3\xa9\xe1\x80x\xed\xa0\x80\xf0\x9f\xbf\xbe\x00")
	f.Fuzz(func(t *testing.T, s string) {
		out := appendSanitized(nil, s)
		if !utf8.Valid(out) {
			t.Fatalf("sanitize(%q) = %q: not UTF-8", s, out)
		}
		for i := 0; i < len(out); {
			n := utf8Printable(out[i:])
			if n < 0 {
				t.Fatalf("sanitize(%q) = %q: unprintable at %d", s, out, i)
			}
			i += n
		}
		if again := appendSanitized(nil, out); string(again) != string(out) {
			t.Fatalf("not idempotent: %q then %q", out, again)
		}
		if !strings.Contains(string(out), "\uFFFD") &&
			!strings.Contains(s, "\uFFFD") && string(out) != s {
			t.Fatalf("sanitize(%q) = %q changed without replacing", s, out)
		}
	})
}

// printableASCII reports whether s holds only bytes 0x20..0x7e.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// BenchmarkJoinPath measures joins of typical lengths.
func BenchmarkJoinPath(b *testing.B) {
	for _, tc := range []struct{ name, dir, path string }{
		{"relative", "/home/alice/src/project/", "src/module/component/impl.c"},
		{"dotdot", "/srv/app/", "conf//../data/./db.sqlite"},
		{"absolute", "/srv/app/", "/usr/lib/x86_64-linux-gnu/libc.so.6"},
		{"utf8", "/srv/app/", "données/café/😀.txt"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, maxPath)
			for b.Loop() {
				buf = appendJoinPath(buf[:0], tc.dir, false, tc.path)
			}
		})
	}
}

// TestPrintablePrefix compares the eight-bytes-at-a-time scan with the
// plain one on strings with one odd byte at every position and of every
// value, and on random strings.
func TestPrintablePrefix(t *testing.T) {
	plain := func(s string) int {
		i := 0
		for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
			i++
		}
		return i
	}
	base := []byte("/usr/local/lib/benchmark/data.db-and-some-more")
	for pos := range base {
		for v := 0; v < 256; v++ {
			b := append([]byte(nil), base...)
			b[pos] = byte(v)
			if got, want := printablePrefix(string(b)), plain(string(b)); got != want {
				t.Fatalf("byte %#x at %d: %d, want %d", v, pos, got, want)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(0x1e + r.IntN(0x63)) // 0x1e..0x80
		}
		if got, want := printablePrefix(b), plain(string(b)); got != want {
			t.Fatalf("%q: %d, want %d", b, got, want)
		}
	}
}
