package event

import (
	"encoding/binary"
	"math"
	"net/netip"
)

// Encoding builds events in the driver's binary layout, for the in-repo
// test host, the demo and tests. The plugin itself never encodes: these
// functions allocate and are not tuned for speed.

// maxParamLen is the longest parameter a uint16 length entry can describe.
const maxParamLen = math.MaxUint16

// Encode returns a new event with the given header values and parameters:
// the 26-byte packed little-endian header with its len and nparams filled
// in, one length per parameter (uint16, or uint32 for the LargePayload
// event types), then the parameters back to back. A nil or empty
// parameter is encoded with length 0, the driver's "no value". A
// parameter too long for its length field is cut to the longest length
// that fits. Encode returns nil if the event would exceed the 4 GiB its
// len field can describe.
func Encode(ts uint64, tid int64, code uint16, params ...[]byte) []byte {
	return AppendEncode(nil, ts, tid, code, params...)
}

// AppendEncode is Encode appending the event to dst. It returns dst
// unchanged if the event would exceed 4 GiB.
func AppendEncode(dst []byte, ts uint64, tid int64, code uint16, params ...[]byte) []byte {
	lenSize, limit := 2, uint64(maxParamLen)
	if LargePayload(code) {
		lenSize, limit = 4, math.MaxUint32
	}
	total := uint64(HeaderSize) + uint64(lenSize)*uint64(len(params))
	for _, p := range params {
		total += min(uint64(len(p)), limit)
	}
	if total > math.MaxUint32 {
		return dst
	}

	dst = binary.LittleEndian.AppendUint64(dst, ts)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(tid))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(total))
	dst = binary.LittleEndian.AppendUint16(dst, code)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(params)))
	for _, p := range params {
		n := min(uint64(len(p)), limit)
		if lenSize == 4 {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(n))
		} else {
			dst = binary.LittleEndian.AppendUint16(dst, uint16(n))
		}
	}
	for _, p := range params {
		dst = append(dst, p[:min(uint64(len(p)), limit)]...)
	}
	return dst
}

// PInt64 encodes a PT_INT64, PT_ERRNO, PT_FD or PT_PID parameter.
func PInt64(v int64) []byte { return binary.LittleEndian.AppendUint64(nil, uint64(v)) }

// PUint64 encodes a PT_UINT64 or PT_ABSTIME parameter.
func PUint64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// PUint32 encodes a PT_UINT32, PT_FLAGS32, PT_UID or PT_GID parameter.
func PUint32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// PUint16 encodes a PT_UINT16 or PT_FLAGS16 parameter.
func PUint16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

// PUint8 encodes a PT_UINT8 or PT_FLAGS8 parameter.
func PUint8(v uint8) []byte { return []byte{v} }

// PString encodes a PT_CHARBUF or PT_FSPATH parameter: the bytes of s and
// a terminating NUL, which the length counts.
func PString(s string) []byte { return append([]byte(s), 0) }

// PBytes encodes a PT_BYTEBUF parameter: a copy of b.
func PBytes(b []byte) []byte { return append([]byte{}, b...) }

// PList encodes a list the way execve's args, env and cgroups are sent:
// each item followed by a NUL, concatenated. An empty list is an empty
// parameter.
func PList(items ...string) []byte {
	out := []byte{}
	for _, s := range items {
		out = append(out, s...)
		out = append(out, 0)
	}
	return out
}

// PEmpty returns an empty parameter (length 0), the driver's "no value".
func PEmpty() []byte { return []byte{} }

// PSockTupleV4 encodes an IPv4 PT_SOCKTUPLE from client (src) to server
// (dst). An address that is neither IPv4 nor IPv4-mapped IPv6 is written
// as 0.0.0.0.
func PSockTupleV4(src, dst netip.AddrPort) []byte {
	out := make([]byte, 0, tupleInetSize)
	out = append(out, FamilyInet)
	out = appendAddr4(out, src)
	out = appendAddr4(out, dst)
	return out
}

func appendAddr4(out []byte, ap netip.AddrPort) []byte {
	var a [4]byte
	if ip := ap.Addr().Unmap(); ip.Is4() {
		a = ip.As4()
	}
	out = append(out, a[:]...)
	return binary.LittleEndian.AppendUint16(out, ap.Port())
}

// PSockTupleV6 encodes an IPv6 PT_SOCKTUPLE from client (src) to server
// (dst). IPv4 addresses are written IPv4-mapped; an invalid address is
// written as ::.
func PSockTupleV6(src, dst netip.AddrPort) []byte {
	out := make([]byte, 0, tupleInet6Size)
	out = append(out, FamilyInet6)
	for _, ap := range [2]netip.AddrPort{src, dst} {
		a := ap.Addr().As16()
		out = append(out, a[:]...)
		out = binary.LittleEndian.AppendUint16(out, ap.Port())
	}
	return out
}

// PSockTupleUnix encodes a Unix-socket PT_SOCKTUPLE: the kernel addresses
// of the two sockets and the NUL-terminated path.
func PSockTupleUnix(src, dst uint64, path string) []byte {
	out := make([]byte, 0, tupleUnixSize+len(path)+1)
	out = append(out, FamilyUnix)
	out = binary.LittleEndian.AppendUint64(out, src)
	out = binary.LittleEndian.AppendUint64(out, dst)
	out = append(out, path...)
	return append(out, 0)
}

// encodeN encodes an event whose current parameter list is params, cut to
// the first n parameters when 0 < n < len(params) (an older driver), or
// padded with empty parameters when n > len(params) (a newer driver whose
// extra parameters the reader does not know).
func encodeN(ts uint64, tid int64, code uint16, n int, params [][]byte) []byte {
	switch {
	case n <= 0 || n == len(params):
	case n < len(params):
		params = params[:n]
	default:
		params = append(params, make([][]byte, n-len(params))...)
	}
	return Encode(ts, tid, code, params...)
}

// FileEvent holds the values of an open-family exit event for the
// EncodeOpen, EncodeCreat, EncodeOpenat, EncodeOpenat2 and
// EncodeOpenByHandleAt builders. Each builder uses the fields its event
// has.
type FileEvent struct {
	TS         uint64
	Tid        int64
	FD         int64  // the returned fd, or a negative errno
	DirFD      int64  // openat, openat2; AT_FDCWD is -100
	MountFD    int64  // open_by_handle_at
	Path       string // empty gives an empty parameter
	Flags      uint32 // open flags (PPM_O_*)
	Mode       uint32
	Resolve    uint32 // openat2
	Dev        uint32
	Ino        uint64
	CreatFlags uint16 // creat
	// NParams, when positive, sets the parameter count: fewer than the
	// current count cuts the event as an older driver sends it, more
	// pads it with empty parameters.
	NParams int
}

func optString(s string) []byte {
	if s == "" {
		return PEmpty()
	}
	return PString(s)
}

// EncodeOpen builds an open exit event (6 parameters).
func EncodeOpen(f FileEvent) []byte {
	return encodeN(f.TS, f.Tid, OpenX, f.NParams, [][]byte{
		PInt64(f.FD), optString(f.Path), PUint32(f.Flags), PUint32(f.Mode),
		PUint32(f.Dev), PUint64(f.Ino),
	})
}

// EncodeCreat builds a creat exit event (6 parameters).
func EncodeCreat(f FileEvent) []byte {
	return encodeN(f.TS, f.Tid, CreatX, f.NParams, [][]byte{
		PInt64(f.FD), optString(f.Path), PUint32(f.Mode), PUint32(f.Dev),
		PUint64(f.Ino), PUint16(f.CreatFlags),
	})
}

// EncodeOpenat builds an openat exit event (version 2, 7 parameters).
func EncodeOpenat(f FileEvent) []byte {
	return encodeN(f.TS, f.Tid, OpenatX, f.NParams, [][]byte{
		PInt64(f.FD), PInt64(f.DirFD), optString(f.Path), PUint32(f.Flags),
		PUint32(f.Mode), PUint32(f.Dev), PUint64(f.Ino),
	})
}

// EncodeOpenat2 builds an openat2 exit event (8 parameters; Falco 0.37's
// driver sent 6, without dev and ino).
func EncodeOpenat2(f FileEvent) []byte {
	return encodeN(f.TS, f.Tid, Openat2X, f.NParams, [][]byte{
		PInt64(f.FD), PInt64(f.DirFD), optString(f.Path), PUint32(f.Flags),
		PUint32(f.Mode), PUint32(f.Resolve), PUint32(f.Dev), PUint64(f.Ino),
	})
}

// EncodeOpenByHandleAt builds an open_by_handle_at exit event (6
// parameters).
func EncodeOpenByHandleAt(f FileEvent) []byte {
	return encodeN(f.TS, f.Tid, OpenByHandleAtX, f.NParams, [][]byte{
		PInt64(f.FD), PInt64(f.MountFD), PUint32(f.Flags), optString(f.Path),
		PUint32(f.Dev), PUint64(f.Ino),
	})
}

// SocketEvent holds the values of a connect, accept or accept4 exit event
// for EncodeConnect, EncodeAccept and EncodeAccept4.
type SocketEvent struct {
	TS  uint64
	Tid int64
	// Res is connect's result: 0, or a negative errno.
	Res int64
	// FD is connect's socket fd, or the fd accept returned (a negative
	// errno on failure).
	FD int64
	// Tuple is a PSockTupleV4/V6/Unix parameter; nil is an empty one.
	Tuple []byte
	// Addr is connect's raw PT_SOCKADDR parameter; nil is an empty one.
	Addr     []byte
	QueuePct uint8
	QueueLen uint32
	QueueMax uint32
	Flags    uint32 // accept4
	// NParams works as in FileEvent.
	NParams int
}

func optBytes(b []byte) []byte {
	if b == nil {
		return PEmpty()
	}
	return b
}

// EncodeConnect builds a connect exit event (4 parameters: res, tuple,
// fd, addr).
func EncodeConnect(s SocketEvent) []byte {
	return encodeN(s.TS, s.Tid, ConnectX, s.NParams, [][]byte{
		PInt64(s.Res), optBytes(s.Tuple), PInt64(s.FD), optBytes(s.Addr),
	})
}

// EncodeAccept builds an accept exit event (version 5, 5 parameters).
func EncodeAccept(s SocketEvent) []byte {
	return encodeN(s.TS, s.Tid, AcceptX, s.NParams, acceptParams(s))
}

// EncodeAccept4 builds an accept4 exit event (version 6, 6 parameters).
func EncodeAccept4(s SocketEvent) []byte {
	return encodeN(s.TS, s.Tid, Accept4X, s.NParams,
		append(acceptParams(s), PUint32(s.Flags)))
}

func acceptParams(s SocketEvent) [][]byte {
	return [][]byte{
		PInt64(s.FD), optBytes(s.Tuple), PUint8(s.QueuePct),
		PUint32(s.QueueLen), PUint32(s.QueueMax),
	}
}

// ExecEvent holds the values of an execve or execveat exit event for
// EncodeExecve and EncodeExecveat. The tid parameter is the header Tid.
type ExecEvent struct {
	TS             uint64
	Tid            int64
	Res            int64
	Exe            string
	Args           []string
	Pid            int64
	Ptid           int64
	Cwd            string
	FDLimit        uint64
	PgftMaj        uint64
	PgftMin        uint64
	VMSize         uint32
	VMRSS          uint32
	VMSwap         uint32
	Comm           string
	Cgroups        []string
	Env            []string
	Tty            uint32
	Vpgid          int64
	LoginUID       uint32
	Flags          uint32
	CapInheritable uint64
	CapPermitted   uint64
	CapEffective   uint64
	ExeIno         uint64
	ExeInoCtime    uint64
	ExeInoMtime    uint64
	UID            uint32
	TrustedExePath string
	Pgid           int64
	GID            uint32
	Filename       string // execve only
	// NParams works as in FileEvent: 28 gives a Falco 0.37-0.39
	// driver's event, 30 a Falco 0.40-0.42 one.
	NParams int
}

// EncodeExecve builds an execve exit event (version 19, 31 parameters).
func EncodeExecve(x ExecEvent) []byte {
	return encodeN(x.TS, x.Tid, ExecveX, x.NParams,
		append(execParams(x), optString(x.Filename)))
}

// EncodeExecveat builds an execveat exit event (30 parameters).
func EncodeExecveat(x ExecEvent) []byte {
	return encodeN(x.TS, x.Tid, ExecveatX, x.NParams, execParams(x))
}

func execParams(x ExecEvent) [][]byte {
	return [][]byte{
		PInt64(x.Res), optString(x.Exe), PList(x.Args...), PInt64(x.Tid),
		PInt64(x.Pid), PInt64(x.Ptid), optString(x.Cwd), PUint64(x.FDLimit),
		PUint64(x.PgftMaj), PUint64(x.PgftMin), PUint32(x.VMSize),
		PUint32(x.VMRSS), PUint32(x.VMSwap), optString(x.Comm),
		PList(x.Cgroups...), PList(x.Env...), PUint32(x.Tty), PInt64(x.Vpgid),
		PUint32(x.LoginUID), PUint32(x.Flags), PUint64(x.CapInheritable),
		PUint64(x.CapPermitted), PUint64(x.CapEffective), PUint64(x.ExeIno),
		PUint64(x.ExeInoCtime), PUint64(x.ExeInoMtime), PUint32(x.UID),
		optString(x.TrustedExePath), PInt64(x.Pgid), PUint32(x.GID),
	}
}

// CloneEvent holds the values of a clone, clone3, fork or vfork exit event
// for EncodeClone, EncodeClone3, EncodeFork and EncodeVfork. The tid
// parameter is the header Tid.
type CloneEvent struct {
	TS               uint64
	Tid              int64
	Res              int64 // the child's tid in the parent, 0 in the child
	Exe              string
	Args             []string
	Pid              int64
	Ptid             int64
	Cwd              string
	FDLimit          int64
	PgftMaj          uint64
	PgftMin          uint64
	VMSize           uint32
	VMRSS            uint32
	VMSwap           uint32
	Comm             string
	Cgroups          []string
	Flags            uint32
	UID              uint32
	GID              uint32
	Vtid             int64
	Vpid             int64
	PidnsInitStartTS uint64
	// NParams works as in FileEvent.
	NParams int
}

// EncodeClone builds a clone exit event (version 20, 21 parameters).
func EncodeClone(c CloneEvent) []byte { return encodeClone(CloneX, c) }

// EncodeClone3 builds a clone3 exit event (21 parameters).
func EncodeClone3(c CloneEvent) []byte { return encodeClone(Clone3X, c) }

// EncodeFork builds a fork exit event (version 20, 21 parameters).
func EncodeFork(c CloneEvent) []byte { return encodeClone(ForkX, c) }

// EncodeVfork builds a vfork exit event (version 20, 21 parameters).
func EncodeVfork(c CloneEvent) []byte { return encodeClone(VforkX, c) }

func encodeClone(code uint16, c CloneEvent) []byte {
	return encodeN(c.TS, c.Tid, code, c.NParams, [][]byte{
		PInt64(c.Res), optString(c.Exe), PList(c.Args...), PInt64(c.Tid),
		PInt64(c.Pid), PInt64(c.Ptid), optString(c.Cwd), PInt64(c.FDLimit),
		PUint64(c.PgftMaj), PUint64(c.PgftMin), PUint32(c.VMSize),
		PUint32(c.VMRSS), PUint32(c.VMSwap), optString(c.Comm),
		PList(c.Cgroups...), PUint32(c.Flags), PUint32(c.UID), PUint32(c.GID),
		PInt64(c.Vtid), PInt64(c.Vpid), PUint64(c.PidnsInitStartTS),
	})
}
