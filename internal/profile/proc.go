package profile

// procFields are the proc.* fields: the event process, its parent, its
// ancestors and its session and process-group leaders. Each renders what
// libsinsp renders for the same state; see each Desc and the helpers for
// the rules.
var procFields = []Field{
	{Name: "proc.name", Needs: NeedComm, Eval: read(self, str(commOf)),
		Desc: "Name of the thread (its comm)."},
	{Name: "proc.exe", Needs: NeedExe, Eval: read(self, str(exeOf)),
		Desc: "First command-line argument (argv[0])."},
	{Name: "proc.exepath", Needs: NeedExePath,
		Eval: read(self, str(exePathOf)),
		Desc: "Full path of the executable."},
	{Name: "proc.args", Needs: NeedArgs, Eval: read(self, withArgs(args)),
		Desc: "Arguments after argv[0], separated by spaces."},
	{Name: "proc.cmdline", Needs: NeedComm | NeedArgs,
		Eval: read(self, withArgs(cmdline)),
		Desc: "Name and arguments, separated by spaces."},
	{Name: "proc.exeline", Needs: NeedExe | NeedArgs,
		Eval: read(self, withArgs(exeline)),
		Desc: "argv[0], a space, and the arguments separated by spaces."},
	{Name: "proc.cmdnargs", Needs: NeedArgs, Eval: read(self, withArgs(nargs)),
		Desc: "Number of arguments after argv[0]."},
	{Name: "proc.cmdlenargs", Needs: NeedArgs,
		Eval: read(self, withArgs(lenArgs)),
		Desc: "Total length of the arguments, separators not counted."},
	{Name: "proc.env", Arg: ArgKeyOptional, Needs: NeedEnv, Eval: evalEnv,
		Desc: "Environment of the process, separated by spaces; with " +
			"[NAME], the value of variable NAME, trimmed, or \"\"."},
	{Name: "proc.cwd", Needs: NeedCwd, Eval: evalCwd,
		Desc: "Working directory of the process, ending in \"/\"."},
	{Name: "proc.tty", Needs: NeedTty, Eval: read(self, id32(ttyOf, 0)),
		Desc: "Controlling terminal (device number), 0 for none."},
	{Name: "proc.pid", Eval: read(self, xid(pidOf)),
		Desc: "Process id."},
	{Name: "proc.vpid", Needs: NeedIDs, Eval: read(self, virtualID(vpidOf)),
		Desc: "Process id as seen from its own pid namespace."},
	{Name: "proc.sid", Needs: NeedIDs, Eval: read(self, xid(sidOf)),
		Desc: "Session id."},
	{Name: "proc.vpgid", Needs: NeedIDs, Eval: read(self, xid(vpgidOf)),
		Desc: "Process group id as seen from its own pid namespace."},
	{Name: "proc.is_exe_writable", Needs: NeedExeFlags,
		Eval: read(self, flag(exeWritable, 0)),
		Desc: "Whether the executable is writable by the process's user."},
	{Name: "proc.is_exe_upper_layer", Needs: NeedExeFlags,
		Eval: read(self, flag(exeUpperLayer, 0)),
		Desc: "Whether the executable is in an overlayfs upper layer."},
	{Name: "proc.is_exe_from_memfd", Needs: NeedExeFlags,
		Eval: read(self, flag(exeFromMemfd, MissingExeFromMemfd)),
		Desc: "Whether the executable is a memfd (fileless execution)."},
	{Name: "proc.is_sid_leader", Needs: NeedIDs, Eval: read(self, isSidLeader),
		Desc: "Whether the process leads its session (sid equals vpid)."},
	{Name: "proc.is_vpgid_leader", Needs: NeedIDs, Eval: read(self, isVpgidLeader),
		Desc: "Whether the process leads its group (vpgid equals vpid)."},
	{Name: "proc.exe_ino", Needs: NeedExeIno,
		Eval: read(self, nonZero(exeInoOf)),
		Desc: "Inode number of the executable; no value when unknown."},
	{Name: "proc.exe_ino.ctime", Needs: NeedExeIno,
		Eval: read(self, nonZero(exeCtimeOf)),
		Desc: "Executable inode change time (ns); no value when unknown."},
	{Name: "proc.exe_ino.mtime", Needs: NeedExeIno,
		Eval: read(self, nonZero(exeMtimeOf)),
		Desc: "Executable modification time (ns); no value when unknown."},
}

// parentFields are the fields of the parent process and of the ancestors:
// libsinsp walks from the main thread to the main thread of its parent
// entry, and a missing entry on the way gives no value.
var parentFields = []Field{
	{Name: "proc.ppid", Walk: WalkParent, Eval: read(parent, xid(pidOf)),
		Desc: "Process id of the parent process."},
	{Name: "proc.pvpid", Walk: WalkParent, Needs: NeedIDs, Eval: read(ownParent, virtualID(vpidOf)),
		Desc: "Virtual process id of the thread's parent entry."},
	{Name: "proc.pname", Walk: WalkParent, Needs: NeedComm, Eval: read(parent, str(commOf)),
		Desc: "Name of the parent process."},
	{Name: "proc.pexe", Walk: WalkParent, Needs: NeedExe, Eval: read(parent, str(exeOf)),
		Desc: "argv[0] of the parent process."},
	{Name: "proc.pexepath", Walk: WalkParent, Needs: NeedExePath,
		Eval: read(parent, str(exePathOf)),
		Desc: "Executable path of the parent process."},
	{Name: "proc.pcmdline", Walk: WalkParent, Needs: NeedComm | NeedArgs,
		Eval: read(parent, withArgs(cmdline)),
		Desc: "Command line of the parent process."},
	{Name: "proc.aname", Walk: WalkAncestor, Arg: ArgIndexRequired, Needs: NeedComm,
		Eval: read(ancestorN, str(commOf)),
		Desc: "Name of the N-th ancestor process; [0] is the process."},
	{Name: "proc.aexe", Walk: WalkAncestor, Arg: ArgIndexRequired, Needs: NeedExe,
		Eval: read(ancestorN, str(exeOf)),
		Desc: "argv[0] of the N-th ancestor process."},
	{Name: "proc.aexepath", Walk: WalkAncestor, Arg: ArgIndexRequired, Needs: NeedExePath,
		Eval: read(ancestorN, str(exePathOf)),
		Desc: "Executable path of the N-th ancestor process."},
	{Name: "proc.apid", Walk: WalkAncestor, Arg: ArgIndexRequired,
		Eval: read(ancestorN, xid(pidOf)),
		Desc: "Process id of the N-th ancestor process."},
	{Name: "proc.acmdline", Walk: WalkAncestor, Arg: ArgIndexRequired, Needs: NeedComm | NeedArgs,
		Eval: read(ancestorN, withArgs(cmdline)),
		Desc: "Command line of the N-th ancestor process."},
}

// leaderFields name the session and process-group leaders. libsinsp
// renders "" (never no value) when the leader cannot be found.
var leaderFields = []Field{
	{Name: "proc.sname", Walk: WalkLeader, Needs: NeedComm, EventNeeds: NeedIDs,
		Eval: readOrEmpty(sidLeader, str(commOf)),
		Desc: "Name of the session leader."},
	{Name: "proc.sid.exe", Walk: WalkLeader, Needs: NeedExe, EventNeeds: NeedIDs,
		Eval: readOrEmpty(sidLeader, str(exeOf)),
		Desc: "argv[0] of the session leader."},
	{Name: "proc.sid.exepath", Walk: WalkLeader, Needs: NeedExePath, EventNeeds: NeedIDs,
		Eval: readOrEmpty(sidLeader, str(exePathOf)),
		Desc: "Executable path of the session leader."},
	{Name: "proc.vpgid.name", Walk: WalkLeader, Needs: NeedComm, EventNeeds: NeedIDs,
		Eval: readOrEmpty(vpgidLeader, str(commOf)),
		Desc: "Name of the process-group leader."},
	{Name: "proc.vpgid.exe", Walk: WalkLeader, Needs: NeedExe, EventNeeds: NeedIDs,
		Eval: readOrEmpty(vpgidLeader, str(exeOf)),
		Desc: "argv[0] of the process-group leader."},
	{Name: "proc.vpgid.exepath", Walk: WalkLeader, Needs: NeedExePath, EventNeeds: NeedIDs,
		Eval: readOrEmpty(vpgidLeader, str(exePathOf)),
		Desc: "Executable path of the process-group leader."},
}

func pidOf(t *Thread) int64        { return t.Pid }
func vpidOf(t *Thread) int64       { return t.Vpid }
func ttyOf(t *Thread) uint32       { return t.Tty }
func exeInoOf(t *Thread) uint64    { return t.ExeIno }
func exeCtimeOf(t *Thread) uint64  { return t.ExeInoCtime }
func exeMtimeOf(t *Thread) uint64  { return t.ExeInoMtime }
func exeWritable(t *Thread) bool   { return t.ExeWritable }
func exeUpperLayer(t *Thread) bool { return t.ExeUpperLayer }
func exeFromMemfd(t *Thread) bool  { return t.ExeFromMemfd }

func isSidLeader(t *Thread, dst []byte) ([]byte, bool) {
	return appendBool(dst, t.Sid == t.Vpid), true
}

func isVpgidLeader(t *Thread, dst []byte) ([]byte, bool) {
	return appendBool(dst, t.Vpgid == t.Vpid), true
}

// evalEnv renders proc.env from the main thread's environment (libsinsp
// keeps it there; other threads hold an empty one), or from the thread's
// own when the main thread is missing. With a key it renders that
// variable's value as lookupEnv finds it.
func evalEnv(c *Ctx, a Arg, dst []byte) ([]byte, bool) {
	t := envOwner(c, a)
	if t == nil {
		return dst, false
	}
	if t.Load(c.need); t.Missing&MissingEnv != 0 {
		return dst, false
	}
	if a.Present {
		return append(dst, lookupEnv(t.Env, a.Key)...), true
	}
	return appendJoined(dst, t.Env, ' '), true
}

// evalCwd renders the main thread's cwd, or "./" when the table has no
// main thread, as libsinsp does.
func evalCwd(c *Ctx, _ Arg, dst []byte) ([]byte, bool) {
	if c.Thread == nil {
		return dst, false
	}
	m := c.MainThread()
	if m == nil {
		return append(dst, "./"...), true
	}
	m.Load(NeedCwd)
	return append(dst, m.Cwd...), true
}
