package event

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	tests := []struct {
		code uint16
		want string
	}{
		{0, "syscall"},
		{1, "syscall"},
		{OpenE, "open"},
		{OpenX, "open"},
		{ConnectX, "connect"},
		{CreatX, "creat"},
		{57, "accept"}, // old accept4: libsinsp calls it accept
		{78, "epoll_wait"},
		{85, "select"},
		{103, "openat"},
		{ChdirX, "chdir"},
		{FchdirE, "fchdir"},
		{ProcExitE, "procexit"},
		{ProcExitX, "NA"},
		{17, "NA"},
		{149, "drop"},
		{152, "switch"},
		{CloneX, "clone"},
		{ForkX, "fork"},
		{VforkE, "vfork"},
		{AcceptX, "accept"},
		{249, "accept"},
		{286, "infra"},
		{ExecveE, "execve"},
		{ExecveX, "execve"},
		{OpenatX, "openat"},
		{PluginEventE, "pluginevent"},
		{ContainerJSON2E, "container"},
		{Openat2X, "openat2"},
		{ExecveatX, "execveat"},
		{Clone3X, "clone3"},
		{OpenByHandleAtX, "open_by_handle_at"},
		{354, "useradded"},
		{Accept4X, "accept4"},
		{AsyncEventE, "asyncevent"},
		{425, "delete_module"},
		{CodeCount, ""},
		{0xffff, ""},
	}
	for _, tt := range tests {
		if got := Name(tt.code); got != tt.want {
			t.Errorf("Name(%d) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestDirection(t *testing.T) {
	for c := 0; c <= 0xffff; c++ {
		code := uint16(c)
		enter, exit := IsEnter(code), IsExit(code)
		if code >= CodeCount {
			if enter || exit {
				t.Fatalf("code %d beyond the table has a direction", code)
			}
			continue
		}
		if enter == exit {
			t.Fatalf("code %d: IsEnter %v, IsExit %v", code, enter, exit)
		}
		if Name(code) == "" {
			t.Fatalf("code %d has no name", code)
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		want uint16
		ok   bool
	}{
		{"execve", ExecveX, true},
		{"execveat", ExecveatX, true},
		{"openat", OpenatX, true},
		{"openat2", Openat2X, true},
		{"open", OpenX, true},
		{"creat", CreatX, true},
		{"open_by_handle_at", OpenByHandleAtX, true},
		{"clone", CloneX, true},
		{"clone3", Clone3X, true},
		{"fork", ForkX, true},
		{"vfork", VforkX, true},
		{"connect", ConnectX, true},
		{"accept", AcceptX, true},
		{"accept4", Accept4X, true},
		{"chdir", ChdirX, true},
		{"fchdir", FchdirX, true},
		{"select", 83, true},
		{"umount", 387, true},
		{"dup", 367, true},
		{"procexit", 0, false},
		{"container", 0, false},
		{"NA", 0, false},
		{"syscall", 0, false},
		{"", 0, false},
		{"Execve", 0, false},
		{"nosuchcall", 0, false},
	}
	for _, tt := range tests {
		got, ok := ExitCode(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ExitCode(%q) = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestExitCodeConsistent checks ExitCode against Name for every name in
// the table: the code it returns is an exit code with that name.
func TestExitCodeConsistent(t *testing.T) {
	for c := uint16(1); c < CodeCount; c += 2 {
		name := Name(c)
		got, ok := ExitCode(name)
		if !ok {
			continue
		}
		if !IsExit(got) || Name(got) != name {
			t.Errorf("ExitCode(%q) = %d (%q), not an exit of that name", name, got, Name(got))
		}
		if got < c && pairs[c/2].flags&(old|notSyscall|noExit) == 0 {
			t.Errorf("ExitCode(%q) = %d, but %d is a newer live version", name, got, c)
		}
	}
}

func TestSupported(t *testing.T) {
	want := []uint16{3, 23, 59, 223, 225, 227, 247, 293, 307, 327, 331, 335, 337, 389}
	got := SupportedCodes()
	if !slices.Equal(got, want) {
		t.Fatalf("SupportedCodes() = %v, want %v", got, want)
	}
	for c := 0; c <= 0xffff; c++ {
		code := uint16(c)
		if Supported(code) != slices.Contains(want, code) {
			t.Errorf("Supported(%d) = %v", code, Supported(code))
		}
		if Supported(code) && !IsExit(code) {
			t.Errorf("supported code %d is not an exit code", code)
		}
	}
	got[0] = 0
	if SupportedCodes()[0] != 3 {
		t.Error("SupportedCodes shares its slice")
	}
}

// TestCodesAgainstEnum reads the PPME enumeration printed in the original
// README and checks every code of it: the parity rule, and that Name is
// the lower-cased enum name without prefix, direction and version, except
// for the names libsinsp spells differently.
func TestCodesAgainstEnum(t *testing.T) {
	path := filepath.Join(referenceDir(), "000_731fa27c86f055bd.txt")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("reference enum not available: %v", err)
	}
	spelled := map[string]string{
		"generic": "syscall", "epollwait": "epoll_wait", "newselect": "select",
		"schedswitch": "switch", "container_json": "container",
		"infrastructure_event": "infra", "user_added": "useradded",
		"user_deleted": "userdeleted", "group_added": "groupadded",
		"group_deleted": "groupdeleted",
	}
	re := regexp.MustCompile(`(PPME_\w+?)_([EX])\s*=\s*(\d+)`)
	version := regexp.MustCompile(`_\d+$`)
	seen := 0
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		n, _ := strconv.Atoi(m[3])
		code := uint16(n)
		if (m[2] == "E") != IsEnter(code) || (m[2] == "X") != IsExit(code) {
			t.Errorf("%s_%s = %d breaks the parity rule", m[1], m[2], code)
		}
		base := strings.TrimPrefix(m[1], "PPME_")
		base = strings.TrimPrefix(strings.TrimPrefix(base, "SYSCALL_"), "SOCKET_")
		want := strings.ToLower(version.ReplaceAllString(base, ""))
		if s, ok := spelled[want]; ok {
			want = s
		}
		if m[1] == "PPME_SOCKET_ACCEPT4" || m[1] == "PPME_SOCKET_ACCEPT4_5" {
			want = "accept"
		}
		got := Name(code)
		if got != want && !(got == "NA" && m[2] == "X") {
			t.Errorf("Name(%d) = %q, enum %s_%s says %q", code, got, m[1], m[2], want)
		}
		seen++
	}
	if seen != int(CodeCount) {
		t.Errorf("read %d enum codes, want %d", seen, CodeCount)
	}
}

// referenceDir is where the shared reference documents live.
func referenceDir() string {
	if d := os.Getenv("REFERENCE_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "reference")
}
