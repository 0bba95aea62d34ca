package event

// stateNames are the events after which libsinsp's threads table may hold
// different values for the members the plugin renders: new, replaced and
// removed processes (clone and its kin, execve, procexit), and the calls
// whose exits libsinsp parses into an existing entry: sessions and groups,
// working directory (getcwd's result included) and root, credentials,
// limits, capabilities, namespaces, prctl. The list is deliberately wider
// than what each libs version parses: a change missed here would leave a
// kept rendering stale, while an extra entry costs one cheap call. Newer
// drivers' events this package has no name for (setreuid, setregid) are
// covered by the caches' one-second expiry. Async events are included
// because plugins (the container plugin) write entries on them.
var stateNames = []string{
	"clone", "fork", "vfork", "clone3", "execve", "execveat", "procexit",
	"setsid", "setpgid", "chdir", "fchdir", "getcwd", "chroot",
	"setuid", "setgid", "setresuid", "setresgid",
	"setrlimit", "prlimit", "capset", "prctl", "setns", "unshare",
}

var stateCodes = func() (t [CodeCount]bool) {
	for code := uint16(0); code < CodeCount; code++ {
		name := Name(code)
		for _, s := range stateNames {
			// Exits carry the result libsinsp applies; procexit has only
			// its enter code.
			if name == s && (IsExit(code) || name == "procexit" && IsEnter(code)) {
				t[code] = true
			}
		}
	}
	t[AsyncEventE] = true
	return t
}()

// ChangesState reports whether libsinsp may change threads-table entries
// when it parses events of this code (see stateNames). Unknown codes,
// above CodeCount, report false.
func ChangesState(code uint16) bool {
	return code < CodeCount && stateCodes[code]
}

// StateCodes returns the codes ChangesState reports, in increasing order.
func StateCodes() []uint16 {
	var out []uint16
	for code := uint16(0); code < CodeCount; code++ {
		if stateCodes[code] {
			out = append(out, code)
		}
	}
	return out
}
