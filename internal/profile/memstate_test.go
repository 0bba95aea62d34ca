package profile

// memState is an in-memory State for tests: a threads table keyed by tid
// and, per thread, its fd table. It counts Thread calls.
type memState struct {
	threads map[int64]*Thread
	fds     map[int64]map[int64]*FD
	noFD    bool
	calls   int
}

func newMemState() *memState {
	return &memState{
		threads: map[int64]*Thread{},
		fds:     map[int64]map[int64]*FD{},
	}
}

// add stores t under its Tid and returns it.
func (s *memState) add(t *Thread) *Thread {
	s.threads[t.Tid] = t
	return t
}

func (s *memState) Thread(tid int64) (*Thread, bool) {
	s.calls++
	t, ok := s.threads[tid]
	return t, ok
}

func (s *memState) FD(t *Thread, fd int64) (*FD, bool) {
	if s.noFD || t == nil {
		return nil, false
	}
	f, ok := s.fds[t.Tid][fd]
	return f, ok
}

func (s *memState) HasFDTable() bool { return !s.noFD }

// maskedState serves copies of another State's threads with every member
// outside need zeroed, as the plugin serves them when it reads only what
// its plans declare.
type maskedState struct {
	State
	need Need
}

func (s maskedState) Thread(tid int64) (*Thread, bool) {
	t, ok := s.State.Thread(tid)
	if !ok {
		return nil, false
	}
	m := maskThread(*t, s.need)
	return &m, true
}

// maskThread zeroes the members of t that need does not name. The
// identity members and Missing are kept.
func maskThread(t Thread, need Need) Thread {
	keep := func(bit Need) bool { return need&bit != 0 }
	if !keep(NeedComm) {
		t.Comm = ""
	}
	if !keep(NeedExe) {
		t.Exe = ""
	}
	if !keep(NeedExePath) {
		t.ExePath = ""
	}
	if !keep(NeedCwd) {
		t.Cwd = ""
	}
	if !keep(NeedContainerID) {
		t.ContainerID = ""
	}
	if !keep(NeedTty) {
		t.Tty = 0
	}
	if !keep(NeedUID) {
		t.UID = 0
	}
	if !keep(NeedGID) {
		t.GID = 0
	}
	if !keep(NeedLoginUID) {
		t.LoginUID = 0
	}
	if !keep(NeedPgid) {
		t.Pgid = 0
	}
	if !keep(NeedExeIno) {
		t.ExeIno, t.ExeInoCtime, t.ExeInoMtime = 0, 0, 0
	}
	if !keep(NeedExeFlags) {
		t.ExeWritable, t.ExeUpperLayer, t.ExeFromMemfd = false, false, false
	}
	if !keep(NeedArgs) {
		t.Args = ""
	}
	if !keep(NeedEnv) {
		t.Env = ""
	}
	if !keep(NeedIDs) {
		t.Sid, t.Vtid, t.Vpid, t.Vpgid = 0, 0, 0, 0
	}
	return t
}

// lazyState serves copies of another State's threads with only the
// identity members read; every other member is Pending and filled from
// the original on Load, as the plugin's State does. A field that reads a
// member without loading it sees zero and renders wrong.
type lazyState struct {
	State
}

func (s lazyState) Thread(tid int64) (*Thread, bool) {
	t, ok := s.State.Thread(tid)
	if !ok {
		return nil, false
	}
	m := maskThread(*t, 0)
	m.Pending, m.Loader = NeedAll, lazyLoader{t}
	return &m, true
}

// lazyLoader fills deferred members from the full entry.
type lazyLoader struct{ full *Thread }

func (l lazyLoader) LoadMembers(t *Thread, n Need) {
	pending, loader, missing := t.Pending, t.Loader, t.Missing
	have := maskThread(*t, NeedAll&^n)
	add := maskThread(*l.full, n)
	*t = mergeThreads(have, add, n)
	t.Pending, t.Loader, t.Missing = pending, loader, missing
}

// mergeThreads takes the members n from add and the others from have.
func mergeThreads(have, add Thread, n Need) Thread {
	out := maskThread(have, NeedAll&^n)
	in := maskThread(add, n)
	merge := func(a, b string) string { return a + b }
	out.Comm, out.Exe, out.ExePath = merge(out.Comm, in.Comm), merge(out.Exe, in.Exe), merge(out.ExePath, in.ExePath)
	out.Cwd, out.ContainerID = merge(out.Cwd, in.Cwd), merge(out.ContainerID, in.ContainerID)
	out.Args, out.Env = merge(out.Args, in.Args), merge(out.Env, in.Env)
	out.Tty |= in.Tty
	out.UID |= in.UID
	out.GID |= in.GID
	out.LoginUID |= in.LoginUID
	out.Pgid |= in.Pgid
	out.ExeIno |= in.ExeIno
	out.ExeInoCtime |= in.ExeInoCtime
	out.ExeInoMtime |= in.ExeInoMtime
	out.ExeWritable = out.ExeWritable || in.ExeWritable
	out.ExeUpperLayer = out.ExeUpperLayer || in.ExeUpperLayer
	out.ExeFromMemfd = out.ExeFromMemfd || in.ExeFromMemfd
	out.Sid |= in.Sid
	out.Vtid |= in.Vtid
	out.Vpid |= in.Vpid
	out.Vpgid |= in.Vpgid
	return out
}
