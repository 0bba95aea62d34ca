package event

// Parameter layouts of the exit events the plugin reads. An index is the
// position of a parameter in the event; -1 means the event has no such
// parameter. Indices are fixed per event code, but old drivers send fewer
// parameters than the current table lists (see the counts on each layout),
// and any parameter may be empty: read them with the Event accessors and
// honour their ok result.
//
// The types named below are the driver's parameter types. PT_FD, PT_ERRNO
// and PT_PID are int64 (Event.Int64), PT_UINT32, PT_UID, PT_GID and
// PT_FLAGS32 are 4 bytes (Event.Uint32), PT_UINT64 and PT_ABSTIME 8 bytes
// (Event.Uint64), PT_CHARBUF and PT_FSPATH are NUL-terminated strings
// (Event.String), PT_BYTEBUF is raw bytes (Event.Bytes) and PT_SOCKTUPLE is
// read with Event.SockTuple.

// FDLayout locates the values of an exit event that returns or uses a file
// descriptor: the open family (open, creat, openat, openat2,
// open_by_handle_at), accept, accept4 and connect.
type FDLayout struct {
	// Res is the return value (PT_ERRNO or PT_FD): negative errno on
	// failure. For the open family and accept it is the new fd itself.
	Res int
	// FD is the descriptor the event is about (PT_FD): the returned fd,
	// or for connect the socket fd (parameter 2, which very old drivers
	// do not send; the plugin cannot see the enter event that also
	// carries it).
	FD int
	// DirFD is the directory fd a relative Path is resolved against
	// (PT_FD; -100 is AT_FDCWD). Only openat and openat2 have one.
	DirFD int
	// Path is the file name (PT_FSPATH, or PT_FSRELPATH when DirFD is
	// set), as the process passed it; open_by_handle_at carries the
	// path the driver resolved.
	Path int
	// Flags are the open flags (PT_FLAGS32, PPM_O_*).
	Flags int
	// Mode is the creation mode (PT_UINT32).
	Mode int
	// Dev is the device number of the file (PT_UINT32).
	Dev int
	// Ino is the inode number of the file (PT_UINT64).
	Ino int
	// Tuple is the socket tuple (PT_SOCKTUPLE) of accept and connect.
	Tuple int
}

// Socket reports whether the layout is one of a socket event.
func (l FDLayout) Socket() bool { return l.Tuple >= 0 }

// The fd layouts. Current parameter counts, with the older counts noted:
//
//	open X (3)               fd name flags mode dev ino              6
//	creat X (59)             fd name mode dev ino creat_flags        6 (5 before)
//	openat_2 X (307)         fd dirfd name flags mode dev ino        7
//	openat2 X (327)          fd dirfd name flags mode resolve dev ino 8 (6 in Falco 0.37)
//	open_by_handle_at X (337) fd mountfd flags path dev ino          6 (4 before)
//	connect X (23)           res tuple fd addr                       4 (3 or 2 before)
//	accept_5 X (247)         fd tuple queuepct queuelen queuemax     5
//	accept4_6 X (389)        fd tuple queuepct queuelen queuemax flags 6
//
// The prototype plugin read creat's dev and ino at 4 and 5 and openat's at
// 6 and 7; the indices here are the driver's.
var (
	openLayout = FDLayout{
		Res: 0, FD: 0, DirFD: -1, Path: 1, Flags: 2, Mode: 3,
		Dev: 4, Ino: 5, Tuple: -1,
	}
	creatLayout = FDLayout{
		Res: 0, FD: 0, DirFD: -1, Path: 1, Flags: -1, Mode: 2,
		Dev: 3, Ino: 4, Tuple: -1,
	}
	openatLayout = FDLayout{
		Res: 0, FD: 0, DirFD: 1, Path: 2, Flags: 3, Mode: 4,
		Dev: 5, Ino: 6, Tuple: -1,
	}
	openat2Layout = FDLayout{
		Res: 0, FD: 0, DirFD: 1, Path: 2, Flags: 3, Mode: 4,
		Dev: 6, Ino: 7, Tuple: -1,
	}
	openByHandleLayout = FDLayout{
		Res: 0, FD: 0, DirFD: -1, Path: 3, Flags: 2, Mode: -1,
		Dev: 4, Ino: 5, Tuple: -1,
	}
	connectLayout = FDLayout{
		Res: 0, FD: 2, DirFD: -1, Path: -1, Flags: -1, Mode: -1,
		Dev: -1, Ino: -1, Tuple: 1,
	}
	acceptLayout = FDLayout{
		Res: 0, FD: 0, DirFD: -1, Path: -1, Flags: -1, Mode: -1,
		Dev: -1, Ino: -1, Tuple: 1,
	}
)

// fdLayouts maps an exit code to its layout; nil for other codes.
var fdLayouts = [CodeCount]*FDLayout{
	OpenX:           &openLayout,
	CreatX:          &creatLayout,
	OpenatX:         &openatLayout,
	Openat2X:        &openat2Layout,
	OpenByHandleAtX: &openByHandleLayout,
	ConnectX:        &connectLayout,
	AcceptX:         &acceptLayout,
	Accept4X:        &acceptLayout,
}

// FDLayoutOf returns the fd layout of an exit event code, or false when
// the event is not one of the fd events listed on FDLayout.
func FDLayoutOf(code uint16) (FDLayout, bool) {
	if code >= CodeCount || fdLayouts[code] == nil {
		return FDLayout{}, false
	}
	return *fdLayouts[code], true
}

// ExecLayout locates the values of an execve or execveat exit event. The
// driver sends 31 parameters for execve and 30 for execveat since driver
// 9.1 (Falco 0.43), 30 for both since 8.0 (Falco 0.40) and 28 before that
// (Falco 0.37 to 0.39): Pgid, Gid and Filename are missing on older
// drivers.
type ExecLayout struct {
	Res            int // PT_ERRNO, 0 on success
	Exe            int // PT_CHARBUF, argv[0]
	Args           int // PT_BYTEBUF, argv[1:] each NUL-terminated
	Tid            int // PT_PID
	Pid            int // PT_PID
	Ptid           int // PT_PID
	Cwd            int // PT_CHARBUF
	Comm           int // PT_CHARBUF
	Cgroups        int // PT_BYTEBUF, NUL-separated subsys=path
	Env            int // PT_BYTEBUF, NUL-separated K=V
	Tty            int // PT_UINT32
	Vpgid          int // PT_PID (named pgid before driver 8.0)
	LoginUID       int // PT_UID
	Flags          int // PT_FLAGS32, execve flags
	ExeIno         int // PT_UINT64
	ExeInoCtime    int // PT_ABSTIME
	ExeInoMtime    int // PT_ABSTIME
	UID            int // PT_UID, the effective uid
	TrustedExePath int // PT_FSPATH
	Pgid           int // PT_PID, since driver 8.0
	GID            int // PT_GID, the effective gid, since driver 8.0
	Filename       int // PT_FSPATH, execve only, since driver 9.1
}

var execveLayout = ExecLayout{
	Res: 0, Exe: 1, Args: 2, Tid: 3, Pid: 4, Ptid: 5, Cwd: 6,
	Comm: 13, Cgroups: 14, Env: 15, Tty: 16, Vpgid: 17, LoginUID: 18,
	Flags: 19, ExeIno: 23, ExeInoCtime: 24, ExeInoMtime: 25, UID: 26,
	TrustedExePath: 27, Pgid: 28, GID: 29, Filename: 30,
}

// ExecLayoutOf returns the layout of an execve or execveat exit event, or
// false for other codes. Execveat has no Filename (-1).
func ExecLayoutOf(code uint16) (ExecLayout, bool) {
	switch code {
	case ExecveX:
		return execveLayout, true
	case ExecveatX:
		l := execveLayout
		l.Filename = -1
		return l, true
	}
	return ExecLayout{}, false
}

// CloneLayout locates the values of a clone, clone3, fork or vfork exit
// event (21 parameters in every supported driver). The event is sent
// twice, once by the parent (Res is the child's tid) and once by the child
// (Res is 0); Tid, Pid and Ptid describe the thread that sent it.
type CloneLayout struct {
	Res     int // PT_PID: child tid in the parent, 0 in the child
	Exe     int // PT_CHARBUF
	Args    int // PT_BYTEBUF
	Tid     int // PT_PID
	Pid     int // PT_PID
	Ptid    int // PT_PID
	Cwd     int // PT_CHARBUF
	Comm    int // PT_CHARBUF
	Cgroups int // PT_BYTEBUF
	Flags   int // PT_FLAGS32, clone flags (PPM_CL_*)
	UID     int // PT_UINT32
	GID     int // PT_UINT32
	Vtid    int // PT_PID
	Vpid    int // PT_PID
}

var cloneLayout = CloneLayout{
	Res: 0, Exe: 1, Args: 2, Tid: 3, Pid: 4, Ptid: 5, Cwd: 6, Comm: 13,
	Cgroups: 14, Flags: 15, UID: 16, GID: 17, Vtid: 18, Vpid: 19,
}

// CloneLayoutOf returns the layout of a clone, clone3, fork or vfork exit
// event, or false for other codes.
func CloneLayoutOf(code uint16) (CloneLayout, bool) {
	switch code {
	case CloneX, Clone3X, ForkX, VforkX:
		return cloneLayout, true
	}
	return CloneLayout{}, false
}
