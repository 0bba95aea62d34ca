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
	return t
}
