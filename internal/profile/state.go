// Package profile compiles behavior-profile field lists such as
// "%proc.name %proc.aname[2] %fd.name" into plans and renders them for one
// event with libsinsp's own rules.
//
// The package sees the host's thread state only through the State
// interface, so it is tested without C. The plugin implements State on top
// of the libsinsp threads table (internal/abi); tests implement it from the
// golden fixtures.
package profile

// Thread is the plugin-visible part of one entry of libsinsp's threads
// table. Strings may point to host memory: a Thread returned by
// State.Thread is valid only until the current event's processing ends.
type Thread struct {
	Tid, Pid, Ptid, Sid     int64
	Vtid, Vpid, Vpgid, Pgid int64

	Comm, Exe, ExePath string
	// Cwd is the thread's own working directory; libsinsp keeps the
	// process's cwd on the main thread and leaves "" on other threads.
	Cwd         string
	ContainerID string

	// Flags holds the PPM_CL_* flags. A State may leave it zero on an
	// entry other than the event thread's whose Tid is its Pid: there it
	// only serves the main-thread test, which the tid already answers.
	Tty, Flags          uint32
	UID, GID, LoginUID  uint32
	ExeIno, ExeInoCtime uint64
	ExeInoMtime         uint64

	ExeWritable, ExeUpperLayer, ExeFromMemfd bool

	// Args and Env hold the list entries, each followed by one NUL byte
	// ("a\x00b\x00" for two entries). Entries never contain NUL.
	Args, Env string

	// Pending lists the members the State has not read yet. A State may
	// read an entry's identity members (Tid, Pid, Ptid, Flags) only and
	// defer the others to their first use, through Loader: each host read
	// costs, and an ancestor that only gives its name needs no more.
	// Evaluators call Load before reading any other member.
	Pending Need
	Loader  Loader

	// Missing marks the fields the host could not provide (an older libs
	// generation, or a read that failed). A missing field renders as no
	// value.
	Missing Missing
}

// Loader reads a Thread's deferred members on first use.
type Loader interface {
	// LoadMembers fills the members n of t, setting their Missing bits
	// when the host cannot give them.
	LoadMembers(t *Thread, n Need)
}

// Load makes the members n of t readable: it asks the Loader for the ones
// still pending. It is cheap when nothing is pending.
func (t *Thread) Load(n Need) {
	if p := t.Pending & n; p != 0 {
		t.Pending &^= p
		if t.Loader != nil {
			t.Loader.LoadMembers(t, p)
		}
	}
}

// Need is a set of Thread members a field reads. The identity members
// (Tid, Pid, Ptid, Flags) are always read and have no bit: every walk
// needs them.
type Need uint32

// Thread members a field may need, one bit each.
const (
	NeedComm Need = 1 << iota
	NeedExe
	NeedExePath
	NeedCwd
	NeedContainerID
	NeedTty
	NeedUID
	NeedGID
	NeedLoginUID
	NeedPgid
	NeedExeIno   // ExeIno, ExeInoCtime, ExeInoMtime
	NeedExeFlags // ExeWritable, ExeUpperLayer, ExeFromMemfd
	NeedArgs
	NeedEnv
	NeedIDs // Sid, Vtid, Vpid, Vpgid

	// NeedAll is every member; tests use it to prove Needs are complete by
	// rendering once with all members and once with only the declared ones.
	NeedAll = NeedComm<<iota - 1
)

// Missing is a set of Thread fields the host does not provide.
type Missing uint32

// The Thread fields that some host generations lack.
const (
	MissingPgid Missing = 1 << iota
	MissingUID
	MissingGID
	MissingLoginUID
	MissingContainerID
	MissingArgs
	MissingEnv
	MissingExeFromMemfd
)

// Thread flags (PPM_CL_*) that change how libsinsp resolves state.
const (
	// FlagCloneFiles marks a thread that shares its process's fd table.
	FlagCloneFiles uint32 = 1 << 0
	// FlagIsMainThread marks the main thread of a process.
	FlagIsMainThread uint32 = 1 << 30
	// FlagChildInPidNS marks a thread that lives in a child pid namespace.
	FlagChildInPidNS uint32 = 1 << 29
)

// State gives a plan read access to the host's thread state for the event
// being processed. Implementations read each entry at most once per event
// and may hand out pointers into per-event storage: the returned values are
// valid until the current event's processing ends.
type State interface {
	// Thread returns the entry with the given tid, or false when the
	// table has no such entry.
	Thread(tid int64) (*Thread, bool)

	// FD returns the file descriptor fd of thread t (libsinsp resolves the
	// thread's table, which is its process's table for threads that share
	// it), or false when it is absent or the host has no fd tables.
	FD(t *Thread, fd int64) (*FD, bool)

	// HasFDTable reports whether FD can answer at all (API 3.5+ hosts).
	// Without it, fd fields are derived from the event parameters.
	HasFDTable() bool
}

// A Narrower is a State that can read less of the event thread for the
// current call: Narrow(need) says the renderings will read only need of
// it (the rest of their keys being known already), and nothing of other
// entries but what they look up. Members read later load on demand.
type Narrower interface {
	Narrow(need Need)
}
