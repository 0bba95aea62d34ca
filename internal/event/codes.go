package event

// Event codes (the PPME_* values of the driver's event table) that the
// plugin reads, subscribes to or names in its configuration. Enter codes are
// even and the matching exit code is the next odd number. Where the driver
// has several versions of an event, the constant is the version a live
// driver sends today; the older ones are only known to Name.
const (
	OpenE           uint16 = 2   // open, enter
	OpenX           uint16 = 3   // open, exit
	ConnectE        uint16 = 22  // connect, enter
	ConnectX        uint16 = 23  // connect, exit
	CreatE          uint16 = 58  // creat, enter
	CreatX          uint16 = 59  // creat, exit
	ChdirE          uint16 = 94  // chdir, enter
	ChdirX          uint16 = 95  // chdir, exit
	FchdirE         uint16 = 96  // fchdir, enter
	FchdirX         uint16 = 97  // fchdir, exit
	ProcExitE       uint16 = 186 // procexit (version 1), a tracepoint
	ProcExitX       uint16 = 187 // procexit exit slot: never sent
	CloneE          uint16 = 222 // clone (version 20), enter
	CloneX          uint16 = 223 // clone (version 20), exit
	ForkE           uint16 = 224 // fork (version 20), enter
	ForkX           uint16 = 225 // fork (version 20), exit
	VforkE          uint16 = 226 // vfork (version 20), enter
	VforkX          uint16 = 227 // vfork (version 20), exit
	AcceptE         uint16 = 246 // accept (version 5), enter
	AcceptX         uint16 = 247 // accept (version 5), exit
	ExecveE         uint16 = 292 // execve (version 19), enter
	ExecveX         uint16 = 293 // execve (version 19), exit
	OpenatE         uint16 = 306 // openat (version 2), enter
	OpenatX         uint16 = 307 // openat (version 2), exit
	PluginEventE    uint16 = 322 // event produced by a source plugin
	ContainerJSON2E uint16 = 324 // container metadata (version 2)
	Openat2E        uint16 = 326 // openat2, enter
	Openat2X        uint16 = 327 // openat2, exit
	ExecveatE       uint16 = 330 // execveat, enter
	ExecveatX       uint16 = 331 // execveat, exit
	Clone3E         uint16 = 334 // clone3, enter
	Clone3X         uint16 = 335 // clone3, exit
	OpenByHandleAtE uint16 = 336 // open_by_handle_at, enter
	OpenByHandleAtX uint16 = 337 // open_by_handle_at, exit
	Accept4E        uint16 = 388 // accept4 (version 6), enter
	Accept4X        uint16 = 389 // accept4 (version 6), exit
	AsyncEventE     uint16 = 402 // asynchronous event from a plugin
)

// CodeCount is one past the highest event code this package knows: codes
// 0 to CodeCount-1 have a name. Newer drivers may send higher codes; they
// are unknown here, not invalid.
const CodeCount uint16 = 426

// pairFlags describe an enter/exit pair of the event table.
type pairFlags uint8

const (
	// old: the driver no longer sends this version of the pair.
	old pairFlags = 1 << iota
	// noExit: the pair has only an enter event; libsinsp names the unused
	// exit slot "NA".
	noExit
	// notSyscall: a tracepoint, meta or internal event rather than a
	// system call; ExitCode does not offer it.
	notSyscall
)

// pair is one enter/exit pair of the event table, indexed by code/2.
type pair struct {
	name  string
	flags pairFlags
}

// pairs holds libsinsp's evt.type name of every pair, from the driver's
// PPME_* enumeration. Names drop the version suffix, so all versions of a
// syscall share one name. The few names that are not the lower-cased enum
// name follow libsinsp's event table (for example "epoll_wait", "switch",
// "infra", and "accept" for the two old accept4 versions).
var pairs = [CodeCount / 2]pair{
	{"syscall", notSyscall},                  // 0/1 PPME_GENERIC
	{"open", 0},                              // 2/3 PPME_SYSCALL_OPEN
	{"close", 0},                             // 4/5 PPME_SYSCALL_CLOSE
	{"read", 0},                              // 6/7 PPME_SYSCALL_READ
	{"write", 0},                             // 8/9 PPME_SYSCALL_WRITE
	{"brk", old},                             // 10/11 PPME_SYSCALL_BRK_1
	{"execve", old},                          // 12/13 PPME_SYSCALL_EXECVE_8
	{"clone", old},                           // 14/15 PPME_SYSCALL_CLONE_11
	{"procexit", old | noExit | notSyscall},  // 16/17 PPME_PROCEXIT
	{"socket", 0},                            // 18/19 PPME_SOCKET_SOCKET
	{"bind", 0},                              // 20/21 PPME_SOCKET_BIND
	{"connect", 0},                           // 22/23 PPME_SOCKET_CONNECT
	{"listen", 0},                            // 24/25 PPME_SOCKET_LISTEN
	{"accept", old},                          // 26/27 PPME_SOCKET_ACCEPT
	{"send", 0},                              // 28/29 PPME_SOCKET_SEND
	{"sendto", 0},                            // 30/31 PPME_SOCKET_SENDTO
	{"recv", 0},                              // 32/33 PPME_SOCKET_RECV
	{"recvfrom", 0},                          // 34/35 PPME_SOCKET_RECVFROM
	{"shutdown", 0},                          // 36/37 PPME_SOCKET_SHUTDOWN
	{"getsockname", 0},                       // 38/39 PPME_SOCKET_GETSOCKNAME
	{"getpeername", 0},                       // 40/41 PPME_SOCKET_GETPEERNAME
	{"socketpair", 0},                        // 42/43 PPME_SOCKET_SOCKETPAIR
	{"setsockopt", 0},                        // 44/45 PPME_SOCKET_SETSOCKOPT
	{"getsockopt", 0},                        // 46/47 PPME_SOCKET_GETSOCKOPT
	{"sendmsg", 0},                           // 48/49 PPME_SOCKET_SENDMSG
	{"sendmmsg", 0},                          // 50/51 PPME_SOCKET_SENDMMSG
	{"recvmsg", 0},                           // 52/53 PPME_SOCKET_RECVMSG
	{"recvmmsg", 0},                          // 54/55 PPME_SOCKET_RECVMMSG
	{"accept", old},                          // 56/57 PPME_SOCKET_ACCEPT4
	{"creat", 0},                             // 58/59 PPME_SYSCALL_CREAT
	{"pipe", 0},                              // 60/61 PPME_SYSCALL_PIPE
	{"eventfd", 0},                           // 62/63 PPME_SYSCALL_EVENTFD
	{"futex", 0},                             // 64/65 PPME_SYSCALL_FUTEX
	{"stat", 0},                              // 66/67 PPME_SYSCALL_STAT
	{"lstat", 0},                             // 68/69 PPME_SYSCALL_LSTAT
	{"fstat", 0},                             // 70/71 PPME_SYSCALL_FSTAT
	{"stat64", 0},                            // 72/73 PPME_SYSCALL_STAT64
	{"lstat64", 0},                           // 74/75 PPME_SYSCALL_LSTAT64
	{"fstat64", 0},                           // 76/77 PPME_SYSCALL_FSTAT64
	{"epoll_wait", 0},                        // 78/79 PPME_SYSCALL_EPOLLWAIT
	{"poll", 0},                              // 80/81 PPME_SYSCALL_POLL
	{"select", 0},                            // 82/83 PPME_SYSCALL_SELECT
	{"select", old},                          // 84/85 PPME_SYSCALL_NEWSELECT
	{"lseek", 0},                             // 86/87 PPME_SYSCALL_LSEEK
	{"llseek", 0},                            // 88/89 PPME_SYSCALL_LLSEEK
	{"ioctl", old},                           // 90/91 PPME_SYSCALL_IOCTL_2
	{"getcwd", 0},                            // 92/93 PPME_SYSCALL_GETCWD
	{"chdir", 0},                             // 94/95 PPME_SYSCALL_CHDIR
	{"fchdir", 0},                            // 96/97 PPME_SYSCALL_FCHDIR
	{"mkdir", old},                           // 98/99 PPME_SYSCALL_MKDIR
	{"rmdir", old},                           // 100/101 PPME_SYSCALL_RMDIR
	{"openat", old},                          // 102/103 PPME_SYSCALL_OPENAT
	{"link", old},                            // 104/105 PPME_SYSCALL_LINK
	{"linkat", old},                          // 106/107 PPME_SYSCALL_LINKAT
	{"unlink", old},                          // 108/109 PPME_SYSCALL_UNLINK
	{"unlinkat", old},                        // 110/111 PPME_SYSCALL_UNLINKAT
	{"pread", 0},                             // 112/113 PPME_SYSCALL_PREAD
	{"pwrite", 0},                            // 114/115 PPME_SYSCALL_PWRITE
	{"readv", 0},                             // 116/117 PPME_SYSCALL_READV
	{"writev", 0},                            // 118/119 PPME_SYSCALL_WRITEV
	{"preadv", 0},                            // 120/121 PPME_SYSCALL_PREADV
	{"pwritev", 0},                           // 122/123 PPME_SYSCALL_PWRITEV
	{"dup", old},                             // 124/125 PPME_SYSCALL_DUP
	{"signalfd", 0},                          // 126/127 PPME_SYSCALL_SIGNALFD
	{"kill", 0},                              // 128/129 PPME_SYSCALL_KILL
	{"tkill", 0},                             // 130/131 PPME_SYSCALL_TKILL
	{"tgkill", 0},                            // 132/133 PPME_SYSCALL_TGKILL
	{"nanosleep", 0},                         // 134/135 PPME_SYSCALL_NANOSLEEP
	{"timerfd_create", 0},                    // 136/137 PPME_SYSCALL_TIMERFD_CREATE
	{"inotify_init", 0},                      // 138/139 PPME_SYSCALL_INOTIFY_INIT
	{"getrlimit", 0},                         // 140/141 PPME_SYSCALL_GETRLIMIT
	{"setrlimit", 0},                         // 142/143 PPME_SYSCALL_SETRLIMIT
	{"prlimit", 0},                           // 144/145 PPME_SYSCALL_PRLIMIT
	{"switch", old | noExit | notSyscall},    // 146/147 PPME_SCHEDSWITCH_1
	{"drop", notSyscall},                     // 148/149 PPME_DROP
	{"fcntl", 0},                             // 150/151 PPME_SYSCALL_FCNTL
	{"switch", noExit | notSyscall},          // 152/153 PPME_SCHEDSWITCH_6
	{"execve", old},                          // 154/155 PPME_SYSCALL_EXECVE_13
	{"clone", old},                           // 156/157 PPME_SYSCALL_CLONE_16
	{"brk", 0},                               // 158/159 PPME_SYSCALL_BRK_4
	{"mmap", 0},                              // 160/161 PPME_SYSCALL_MMAP
	{"mmap2", 0},                             // 162/163 PPME_SYSCALL_MMAP2
	{"munmap", 0},                            // 164/165 PPME_SYSCALL_MUNMAP
	{"splice", 0},                            // 166/167 PPME_SYSCALL_SPLICE
	{"ptrace", 0},                            // 168/169 PPME_SYSCALL_PTRACE
	{"ioctl", 0},                             // 170/171 PPME_SYSCALL_IOCTL_3
	{"execve", old},                          // 172/173 PPME_SYSCALL_EXECVE_14
	{"rename", 0},                            // 174/175 PPME_SYSCALL_RENAME
	{"renameat", 0},                          // 176/177 PPME_SYSCALL_RENAMEAT
	{"symlink", 0},                           // 178/179 PPME_SYSCALL_SYMLINK
	{"symlinkat", 0},                         // 180/181 PPME_SYSCALL_SYMLINKAT
	{"fork", old},                            // 182/183 PPME_SYSCALL_FORK
	{"vfork", old},                           // 184/185 PPME_SYSCALL_VFORK
	{"procexit", noExit | notSyscall},        // 186/187 PPME_PROCEXIT_1
	{"sendfile", 0},                          // 188/189 PPME_SYSCALL_SENDFILE
	{"quotactl", 0},                          // 190/191 PPME_SYSCALL_QUOTACTL
	{"setresuid", 0},                         // 192/193 PPME_SYSCALL_SETRESUID
	{"setresgid", 0},                         // 194/195 PPME_SYSCALL_SETRESGID
	{"scapevent", notSyscall},                // 196/197 PPME_SCAPEVENT
	{"setuid", 0},                            // 198/199 PPME_SYSCALL_SETUID
	{"setgid", 0},                            // 200/201 PPME_SYSCALL_SETGID
	{"getuid", 0},                            // 202/203 PPME_SYSCALL_GETUID
	{"geteuid", 0},                           // 204/205 PPME_SYSCALL_GETEUID
	{"getgid", 0},                            // 206/207 PPME_SYSCALL_GETGID
	{"getegid", 0},                           // 208/209 PPME_SYSCALL_GETEGID
	{"getresuid", 0},                         // 210/211 PPME_SYSCALL_GETRESUID
	{"getresgid", 0},                         // 212/213 PPME_SYSCALL_GETRESGID
	{"execve", old},                          // 214/215 PPME_SYSCALL_EXECVE_15
	{"clone", old},                           // 216/217 PPME_SYSCALL_CLONE_17
	{"fork", old},                            // 218/219 PPME_SYSCALL_FORK_17
	{"vfork", old},                           // 220/221 PPME_SYSCALL_VFORK_17
	{"clone", 0},                             // 222/223 PPME_SYSCALL_CLONE_20
	{"fork", 0},                              // 224/225 PPME_SYSCALL_FORK_20
	{"vfork", 0},                             // 226/227 PPME_SYSCALL_VFORK_20
	{"container", old | noExit | notSyscall}, // 228/229 PPME_CONTAINER
	{"execve", old},                          // 230/231 PPME_SYSCALL_EXECVE_16
	{"signaldeliver", noExit | notSyscall},   // 232/233 PPME_SIGNALDELIVER
	{"procinfo", noExit | notSyscall},        // 234/235 PPME_PROCINFO
	{"getdents", 0},                          // 236/237 PPME_SYSCALL_GETDENTS
	{"getdents64", 0},                        // 238/239 PPME_SYSCALL_GETDENTS64
	{"setns", 0},                             // 240/241 PPME_SYSCALL_SETNS
	{"flock", 0},                             // 242/243 PPME_SYSCALL_FLOCK
	{"cpu_hotplug", noExit | notSyscall},     // 244/245 PPME_CPU_HOTPLUG
	{"accept", 0},                            // 246/247 PPME_SOCKET_ACCEPT_5
	{"accept", old},                          // 248/249 PPME_SOCKET_ACCEPT4_5
	{"semop", 0},                             // 250/251 PPME_SYSCALL_SEMOP
	{"semctl", 0},                            // 252/253 PPME_SYSCALL_SEMCTL
	{"ppoll", 0},                             // 254/255 PPME_SYSCALL_PPOLL
	{"mount", 0},                             // 256/257 PPME_SYSCALL_MOUNT
	{"umount", old},                          // 258/259 PPME_SYSCALL_UMOUNT
	{"k8s", noExit | notSyscall},             // 260/261 PPME_K8S
	{"semget", 0},                            // 262/263 PPME_SYSCALL_SEMGET
	{"access", 0},                            // 264/265 PPME_SYSCALL_ACCESS
	{"chroot", 0},                            // 266/267 PPME_SYSCALL_CHROOT
	{"tracer", notSyscall},                   // 268/269 PPME_TRACER
	{"mesos", noExit | notSyscall},           // 270/271 PPME_MESOS
	{"container", old | noExit | notSyscall}, // 272/273 PPME_CONTAINER_JSON
	{"setsid", 0},                            // 274/275 PPME_SYSCALL_SETSID
	{"mkdir", 0},                             // 276/277 PPME_SYSCALL_MKDIR_2
	{"rmdir", 0},                             // 278/279 PPME_SYSCALL_RMDIR_2
	{"notification", noExit | notSyscall},    // 280/281 PPME_NOTIFICATION
	{"execve", old},                          // 282/283 PPME_SYSCALL_EXECVE_17
	{"unshare", 0},                           // 284/285 PPME_SYSCALL_UNSHARE
	{"infra", noExit | notSyscall},           // 286/287 PPME_INFRASTRUCTURE_EVENT
	{"execve", old},                          // 288/289 PPME_SYSCALL_EXECVE_18
	{"page_fault", noExit | notSyscall},      // 290/291 PPME_PAGE_FAULT
	{"execve", 0},                            // 292/293 PPME_SYSCALL_EXECVE_19
	{"setpgid", 0},                           // 294/295 PPME_SYSCALL_SETPGID
	{"bpf", old},                             // 296/297 PPME_SYSCALL_BPF
	{"seccomp", 0},                           // 298/299 PPME_SYSCALL_SECCOMP
	{"unlink", 0},                            // 300/301 PPME_SYSCALL_UNLINK_2
	{"unlinkat", 0},                          // 302/303 PPME_SYSCALL_UNLINKAT_2
	{"mkdirat", 0},                           // 304/305 PPME_SYSCALL_MKDIRAT
	{"openat", 0},                            // 306/307 PPME_SYSCALL_OPENAT_2
	{"link", 0},                              // 308/309 PPME_SYSCALL_LINK_2
	{"linkat", 0},                            // 310/311 PPME_SYSCALL_LINKAT_2
	{"fchmodat", 0},                          // 312/313 PPME_SYSCALL_FCHMODAT
	{"chmod", 0},                             // 314/315 PPME_SYSCALL_CHMOD
	{"fchmod", 0},                            // 316/317 PPME_SYSCALL_FCHMOD
	{"renameat2", 0},                         // 318/319 PPME_SYSCALL_RENAMEAT2
	{"userfaultfd", 0},                       // 320/321 PPME_SYSCALL_USERFAULTFD
	{"pluginevent", noExit | notSyscall},     // 322/323 PPME_PLUGINEVENT
	{"container", noExit | notSyscall},       // 324/325 PPME_CONTAINER_JSON_2
	{"openat2", 0},                           // 326/327 PPME_SYSCALL_OPENAT2
	{"mprotect", 0},                          // 328/329 PPME_SYSCALL_MPROTECT
	{"execveat", 0},                          // 330/331 PPME_SYSCALL_EXECVEAT
	{"copy_file_range", 0},                   // 332/333 PPME_SYSCALL_COPY_FILE_RANGE
	{"clone3", 0},                            // 334/335 PPME_SYSCALL_CLONE3
	{"open_by_handle_at", 0},                 // 336/337 PPME_SYSCALL_OPEN_BY_HANDLE_AT
	{"io_uring_setup", 0},                    // 338/339 PPME_SYSCALL_IO_URING_SETUP
	{"io_uring_enter", 0},                    // 340/341 PPME_SYSCALL_IO_URING_ENTER
	{"io_uring_register", 0},                 // 342/343 PPME_SYSCALL_IO_URING_REGISTER
	{"mlock", 0},                             // 344/345 PPME_SYSCALL_MLOCK
	{"munlock", 0},                           // 346/347 PPME_SYSCALL_MUNLOCK
	{"mlockall", 0},                          // 348/349 PPME_SYSCALL_MLOCKALL
	{"munlockall", 0},                        // 350/351 PPME_SYSCALL_MUNLOCKALL
	{"capset", 0},                            // 352/353 PPME_SYSCALL_CAPSET
	{"useradded", noExit | notSyscall},       // 354/355 PPME_USER_ADDED
	{"userdeleted", noExit | notSyscall},     // 356/357 PPME_USER_DELETED
	{"groupadded", noExit | notSyscall},      // 358/359 PPME_GROUP_ADDED
	{"groupdeleted", noExit | notSyscall},    // 360/361 PPME_GROUP_DELETED
	{"dup2", 0},                              // 362/363 PPME_SYSCALL_DUP2
	{"dup3", 0},                              // 364/365 PPME_SYSCALL_DUP3
	{"dup", 0},                               // 366/367 PPME_SYSCALL_DUP_1
	{"bpf", 0},                               // 368/369 PPME_SYSCALL_BPF_2
	{"mlock2", 0},                            // 370/371 PPME_SYSCALL_MLOCK2
	{"fsconfig", 0},                          // 372/373 PPME_SYSCALL_FSCONFIG
	{"epoll_create", 0},                      // 374/375 PPME_SYSCALL_EPOLL_CREATE
	{"epoll_create1", 0},                     // 376/377 PPME_SYSCALL_EPOLL_CREATE1
	{"chown", 0},                             // 378/379 PPME_SYSCALL_CHOWN
	{"lchown", 0},                            // 380/381 PPME_SYSCALL_LCHOWN
	{"fchown", 0},                            // 382/383 PPME_SYSCALL_FCHOWN
	{"fchownat", 0},                          // 384/385 PPME_SYSCALL_FCHOWNAT
	{"umount", 0},                            // 386/387 PPME_SYSCALL_UMOUNT_1
	{"accept4", 0},                           // 388/389 PPME_SOCKET_ACCEPT4_6
	{"umount2", 0},                           // 390/391 PPME_SYSCALL_UMOUNT2
	{"pipe2", 0},                             // 392/393 PPME_SYSCALL_PIPE2
	{"inotify_init1", 0},                     // 394/395 PPME_SYSCALL_INOTIFY_INIT1
	{"eventfd2", 0},                          // 396/397 PPME_SYSCALL_EVENTFD2
	{"signalfd4", 0},                         // 398/399 PPME_SYSCALL_SIGNALFD4
	{"prctl", 0},                             // 400/401 PPME_SYSCALL_PRCTL
	{"asyncevent", noExit | notSyscall},      // 402/403 PPME_ASYNCEVENT
	{"memfd_create", 0},                      // 404/405 PPME_SYSCALL_MEMFD_CREATE
	{"pidfd_getfd", 0},                       // 406/407 PPME_SYSCALL_PIDFD_GETFD
	{"pidfd_open", 0},                        // 408/409 PPME_SYSCALL_PIDFD_OPEN
	{"init_module", 0},                       // 410/411 PPME_SYSCALL_INIT_MODULE
	{"finit_module", 0},                      // 412/413 PPME_SYSCALL_FINIT_MODULE
	{"mknod", 0},                             // 414/415 PPME_SYSCALL_MKNOD
	{"mknodat", 0},                           // 416/417 PPME_SYSCALL_MKNODAT
	{"newfstatat", 0},                        // 418/419 PPME_SYSCALL_NEWFSTATAT
	{"process_vm_readv", 0},                  // 420/421 PPME_SYSCALL_PROCESS_VM_READV
	{"process_vm_writev", 0},                 // 422/423 PPME_SYSCALL_PROCESS_VM_WRITEV
	{"delete_module", 0},                     // 424/425 PPME_SYSCALL_DELETE_MODULE
}

// Name returns libsinsp's evt.type name of an event code: "execve" for 293,
// "openat" for 307, "clone" for 223. Enter and exit codes share the name,
// except that the unused exit slot of an enter-only event (procexit,
// switch, container, pluginevent, ...) is "NA", as libsinsp names it. The
// generic codes 0 and 1 return "syscall": libsinsp renders the real
// syscall name of those events from their parameters. Name returns "" for
// codes it does not know.
func Name(code uint16) string {
	if code >= CodeCount {
		return ""
	}
	p := &pairs[code/2]
	if code%2 == 1 && p.flags&noExit != 0 {
		return "NA"
	}
	return p.name
}

// IsEnter reports whether code is a known enter event. Every code of the
// driver's enumeration follows one rule, checked by the tests: enter codes
// are even and exit codes odd. Codes at or beyond CodeCount are neither.
func IsEnter(code uint16) bool {
	return code < CodeCount && code%2 == 0
}

// IsExit reports whether code is a known exit event. The exit slot of an
// enter-only event (see Name) is odd and so counts as an exit code, as in
// libsinsp, although no driver sends it.
func IsExit(code uint16) bool {
	return code < CodeCount && code%2 == 1
}

// ExitCode returns the exit event code that a live driver sends for the
// syscall called name (the highest version still in use): 293 for
// "execve", 307 for "openat", 247 for "accept". It returns false for
// unknown names, for events that are not system calls (such as "procexit"
// or "container") and for syscalls whose only events are old versions.
// The lookup is a linear scan, meant for configuration time.
func ExitCode(name string) (uint16, bool) {
	if name == "" {
		return 0, false
	}
	for i := len(pairs) - 1; i >= 0; i-- {
		p := &pairs[i]
		if p.flags&(old|noExit|notSyscall) != 0 || p.name != name {
			continue
		}
		return uint16(2*i + 1), true
	}
	return 0, false
}

// supported marks the exit codes that behavior profiles may be configured
// on. The upstream prototype accepts twelve of them; fork and vfork are
// additions of this plugin, since they create processes exactly as clone
// does and carry the same parameters.
var supported = [CodeCount]bool{
	ExecveX:         true,
	ExecveatX:       true,
	CloneX:          true,
	Clone3X:         true,
	ForkX:           true,
	VforkX:          true,
	OpenX:           true,
	CreatX:          true,
	OpenatX:         true,
	Openat2X:        true,
	OpenByHandleAtX: true,
	ConnectX:        true,
	AcceptX:         true,
	Accept4X:        true,
}

// Supported reports whether behavior profiles may be configured on the
// event code: the exit events of execve, execveat, clone, clone3, fork,
// vfork, open, creat, openat, openat2, open_by_handle_at, connect, accept
// and accept4.
func Supported(code uint16) bool {
	return code < CodeCount && supported[code]
}

// SupportedCodes returns the codes for which Supported is true, in
// ascending order, in a new slice the caller owns.
func SupportedCodes() []uint16 {
	var out []uint16
	for c, ok := range supported {
		if ok {
			out = append(out, uint16(c))
		}
	}
	return out
}
