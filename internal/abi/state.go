package abi

/*
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
*/
import "C"

import (
	"math/bits"
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// State implements profile.State over the host's threads table for the
// duration of one plugin call. Begin binds it to the call's table reader;
// End releases what the call borrowed. Each entry is read at most once per
// call, in one crossing.
//
// Strings in the Threads it returns point into host memory or into buffers
// the State keeps until End, so they are valid until End.
type State struct {
	t *Tables
	r *C.abi_reader_vt_ext
	w *C.abi_writer_vt_ext

	out   *C.ad_thread_out
	fdout *C.ad_fd_out
	lists *C.ad_buf
	// retired list buffers stay alive until End: Threads read earlier in
	// the call still point into them.
	retired []unsafe.Pointer

	cache   []*profile.Thread
	n       int
	fds     []*profile.FD
	fdOwner []int64
	fdFound []bool
	nfd     int

	// dec is where encoded lists (Gen32) are decoded to; old arenas are
	// kept until End for the same reason as retired.
	dec    []byte
	decOld [][]byte

	// hintTid's args are known from the event being processed (see
	// HintArgs); reading them from the host is then unnecessary.
	hintTid  int64
	hintArgs []byte
	hinted   bool

	evTid int64
	// pf is C memory for prefetches; prefetched says this call did one.
	pf         *C.ad_prefetch_out
	prefetched bool
	// hintFD is the event's fd, read with the event thread when hinted.
	hintFD   int64
	fdHinted bool

	// narrow: this call reads the event thread with narrowNeed only, and
	// walks nothing ahead (see Narrow).
	narrow     bool
	narrowNeed profile.Need
	narrowMask uint64 // t.mask(narrowNeed), kept across calls
	narrowSet  bool

	// ecache is the entry cache (bridge.h), kept across calls when the
	// plugin keeps it valid (UseEntryCache); ts is the event's time.
	ecache *C.ad_ecache
	useEC  bool
	ts     uint64
	// early describes the C parse entry's prefetch (Early); hasEarly says
	// it ran for this call and read earlyN entries.
	early    *C.ad_early
	hasEarly bool
	earlyN   int

	encBuf *C.char
	encCap int
	// Crosses counts the Go-to-C calls the State made since it was
	// created, for tests and benchmarks.
	Crosses uint64
}

const initialListCap = 4096

// NewState returns a State for t. Free it with Close.
func NewState(t *Tables) *State {
	s := &State{t: t}
	s.out = (*C.ad_thread_out)(C.calloc(1, C.sizeof_ad_thread_out))
	s.fdout = (*C.ad_fd_out)(C.calloc(1, C.sizeof_ad_fd_out))
	s.lists = (*C.ad_buf)(C.calloc(1, C.sizeof_ad_buf))
	s.lists.data = (*C.char)(C.malloc(initialListCap))
	s.lists.cap = initialListCap
	s.pf = (*C.ad_prefetch_out)(C.calloc(1, C.sizeof_ad_prefetch_out))
	s.ecache = (*C.ad_ecache)(C.calloc(1, C.sizeof_ad_ecache))
	return s
}

// EntryCache returns the State's entry cache (C memory, an ad_ecache),
// for the plugin's parse entry to forget what events change.
func (s *State) EntryCache() unsafe.Pointer { return unsafe.Pointer(s.ecache) }

// UseEntryCache makes prefetches keep and reuse the entries of other
// threads than the event's across calls. Only a plugin that forgets what
// each event changes (see bridge.h) may turn it on.
func (s *State) UseEntryCache() { s.useEC = true }

// Early returns the description of the prefetch the plugin's C parse
// entry may run before calling into Go (an ad_early in C memory): the
// event thread, and the walk when the profiles walk the tree. Call it
// after Configure and UseEntryCache.
func (s *State) Early() unsafe.Pointer {
	if s.early == nil {
		s.early = (*C.ad_early)(C.calloc(1, C.sizeof_ad_early))
	}
	e := s.early
	e.spec, e.pf, e.depth, e.leaders = s.t.spec, s.pf, C.int(s.t.depth), cbool(s.t.leaders)
	e.emask, e.omask = C.uint64_t(s.t.eventMask), C.uint64_t(s.t.otherMask)
	e.cache = nil
	if s.useEC {
		e.cache = s.ecache
	}
	return unsafe.Pointer(e)
}

// TakeEarly tells s, after Begin, that the plugin's C parse entry already
// ran the Early prefetch for this call's event thread and read n entries:
// the first read of the event thread takes them instead of crossing into
// C.
func (s *State) TakeEarly(n int) {
	s.earlyN, s.hasEarly = n, true
}

// CBytes returns the size of the State's fixed C memory that outlives a
// call: the entry cache and the prefetch buffer.
func (s *State) CBytes() int {
	return int(C.sizeof_ad_ecache) + int(C.sizeof_ad_prefetch_out)
}

// Close frees the State's C memory.
func (s *State) Close() {
	s.End()
	if s.lists != nil {
		C.free(unsafe.Pointer(s.lists.data))
		C.free(unsafe.Pointer(s.lists))
		s.lists = nil
	}
	C.free(unsafe.Pointer(s.out))
	C.free(unsafe.Pointer(s.fdout))
	C.free(unsafe.Pointer(s.pf))
	C.free(unsafe.Pointer(s.ecache))
	C.free(unsafe.Pointer(s.early))
	if s.encBuf != nil {
		C.free(unsafe.Pointer(s.encBuf))
	}
	s.out, s.fdout, s.encBuf, s.pf, s.ecache, s.early = nil, nil, nil, nil, nil, nil
}

// Begin binds s to the table reader (and writer, for parse calls) of the
// current call. reader and writer point to the call's
// abi_reader_vt_ext and abi_writer_vt_ext; writer may be nil. evTid is the
// event's thread, whose entry is read with every member the profiles use;
// ts the event's time.
func (s *State) Begin(reader, writer unsafe.Pointer, evTid int64, ts uint64) {
	s.ts = ts
	s.evTid, s.prefetched, s.fdHinted, s.narrow = evTid, false, false, false
	s.hasEarly = false
	s.r = (*C.abi_reader_vt_ext)(reader)
	s.w = (*C.abi_writer_vt_ext)(writer)
	s.n, s.nfd = 0, 0
	s.lists.len, s.lists.need = 0, 0
	s.dec = s.dec[:0]
}

// HintArgs says that thread tid's args are args (NUL-terminated items,
// valid until End): the caller read them from the current event. After a
// successful execve libsinsp's args of the exec'ing thread are exactly the
// event's args parameter, so the plugin takes them from there instead of
// reading the args table item by item.
func (s *State) HintArgs(tid int64, args []byte) {
	s.hintTid, s.hintArgs, s.hinted = tid, args, true
}

// HintFD says that the profiles will read fd of the event thread: the
// State then reads it together with the thread's entry.
func (s *State) HintFD(fd int64) {
	s.hintFD, s.fdHinted = fd, s.t.avail.fds != nil
}

// Narrow says that this call's profiles render only fields that read
// need of the event thread (the rest of their keys is known): the event
// thread is then read with those members only, and no ancestor or leader
// is fetched ahead. Anything else a rendering reads is still loaded on
// demand. Call it before the first read of the call.
func (s *State) Narrow(need profile.Need) {
	if !s.narrowSet || need != s.narrowNeed {
		s.narrowNeed, s.narrowMask, s.narrowSet = need, s.t.mask(need), true
	}
	s.narrow = true
}

// End forgets everything read during the call.
func (s *State) End() {
	s.hinted, s.hintArgs = false, nil
	for _, p := range s.retired {
		C.free(p)
	}
	s.retired = s.retired[:0]
	s.decOld = s.decOld[:0]
	s.n, s.nfd = 0, 0
	s.r, s.w = nil, nil
}

// HasFDTable reports whether the host exposes file descriptor tables.
func (s *State) HasFDTable() bool { return s.t.avail.fds != nil }

// Thread implements profile.State.
func (s *State) Thread(tid int64) (*profile.Thread, bool) {
	for i := 0; i < s.n; i++ {
		if s.cache[i].Tid == tid {
			return s.cache[i], s.cache[i].Missing&missingEntry == 0
		}
	}
	if tid == s.evTid && !s.prefetched && s.hasEarly && !s.fdHinted {
		s.Crosses++ // made by the C parse entry
		if th := s.takePrefetch(s.earlyN, s.t.need); th != nil {
			return th, th.Missing&missingEntry == 0
		}
	}
	ahead := s.t.prefetch() && !s.narrow
	if tid == s.evTid && !s.prefetched && s.r != nil && (ahead || s.fdHinted) {
		if th := s.prefetch(); th != nil {
			return th, th.Missing&missingEntry == 0
		}
	}
	th := s.next()
	need, mask := s.t.otherNeed(), s.t.otherMask
	if tid == s.evTid {
		need, mask = s.eventNeed()
	}
	if s.r == nil || !s.read(tid, mask) {
		*th = profile.Thread{Tid: tid, Missing: missingEntry}
		return th, false
	}
	s.fill(th, tid, need, mask, s.out)
	return th, true
}

// fill makes th the entry tid read with the members mask of out.
func (s *State) fill(th *profile.Thread, tid int64, need profile.Need, mask uint64, out *C.ad_thread_out) {
	*th = profile.Thread{Tid: tid, Loader: s}
	s.apply(th, need, mask, out)
	th.Pending = profile.NeedAll &^ (need &^ (profile.NeedArgs | profile.NeedEnv))
}

// prefetch reads in one crossing the entries the plans will walk from the
// event thread (see ad_prefetch), caches them, and returns the event
// thread's, marked missing when the table has none.
func (s *State) prefetch() *profile.Thread {
	s.prefetched = true
	s.Crosses++
	s.pf.fd, s.pf.want_fd = C.int64_t(s.hintFD), cbool(s.fdHinted)
	s.pf.cache, s.pf.ts = nil, C.uint64_t(s.ts)
	if s.useEC {
		s.pf.cache = s.ecache
	}
	depth, leaders := s.t.depth, s.t.leaders
	evNeed, evMask := s.eventNeed()
	if s.narrow {
		depth, leaders = 0, false
	}
	n := int(C.ad_prefetch_u(u(unsafe.Pointer(s.r)), u(unsafe.Pointer(s.t.spec)),
		C.int64_t(s.evTid), C.int(depth), cbool(leaders),
		C.uint64_t(evMask), C.uint64_t(s.t.otherMask), u(unsafe.Pointer(s.pf))))
	return s.takePrefetch(n, evNeed)
}

// takePrefetch caches the n entries a prefetch read (the event thread's
// with evNeed) and returns the event thread's, marked missing when the
// table has none.
func (s *State) takePrefetch(n int, evNeed profile.Need) *profile.Thread {
	s.prefetched = true
	var ev *profile.Thread
	for i := 0; i < n; i++ {
		tid := int64(s.pf.tids[i])
		if s.cached(tid) {
			continue
		}
		need := s.t.otherNeed()
		if tid == s.evTid {
			need = evNeed
		}
		th := s.next()
		s.fill(th, tid, need, uint64(s.pf.masks[i]), &s.pf.outs[i])
		if tid == s.evTid {
			ev = th
		}
	}
	if ev == nil && n == 0 {
		ev = s.next()
		*ev = profile.Thread{Tid: s.evTid, Missing: missingEntry}
	}
	if ev != nil && s.fdHinted && ev.Missing&missingEntry == 0 {
		s.cacheFD(ev.Tid, s.hintFD, s.pf.fd_found != 0, &s.pf.fdout)
	}
	return ev
}

// eventNeed is what the event thread is read with first: what the
// profiles use, or less in a narrow call.
func (s *State) eventNeed() (profile.Need, uint64) {
	if s.narrow {
		return s.narrowNeed, s.narrowMask
	}
	return s.t.need, s.t.eventMask
}

func (s *State) cached(tid int64) bool {
	for i := 0; i < s.n; i++ {
		if s.cache[i].Tid == tid {
			return true
		}
	}
	return false
}

// missingEntry marks a cached "no such entry" answer.
const missingEntry profile.Missing = 1 << 31

func (s *State) next() *profile.Thread {
	if s.n == len(s.cache) {
		s.cache = append(s.cache, new(profile.Thread))
	}
	th := s.cache[s.n]
	s.n++
	return th
}

// read performs the crossing for the members mask of one entry.
func (s *State) read(tid int64, mask uint64) bool {
	s.Crosses++
	return C.ad_read_thread_u(u(unsafe.Pointer(s.r)), u(unsafe.Pointer(s.t.spec)),
		C.int64_t(tid), C.uint64_t(mask), u(unsafe.Pointer(s.out))) != 0
}

// apply copies the members mask of a read into th and marks the members
// of need the host could not give as Missing.
func (s *State) apply(th *profile.Thread, need profile.Need, mask uint64, out *C.ad_thread_out) {
	if mask == s.t.otherMask && out.failed == 0 && s.t.otherFast {
		// The common case of walked entries (ancestors, leaders): their
		// identity and name, all read.
		th.Pid, th.Ptid = int64(out.i64[C.AD_I64_PID]), int64(out.i64[C.AD_I64_PTID])
		th.Flags = uint32(out.u32[C.AD_U32_FLAGS])
		th.Comm = cstr(out.s[C.AD_S_COMM], out.slen[C.AD_S_COMM])
		return
	}
	got := mask &^ uint64(out.failed) & memberBits
	for b := got; b != 0; b &= b - 1 {
		m := memberAt[bits.TrailingZeros64(b)]
		m.set(th, out, m.index)
	}
	var missable uint64
	for n := uint32(need); n != 0; n &= n - 1 {
		missable |= s.t.missable[bits.TrailingZeros32(n)]
	}
	for b := missable &^ got; b != 0; b &= b - 1 {
		th.Missing |= memberAt[bits.TrailingZeros64(b)].miss
	}
}

// LoadMembers implements profile.Loader: one more crossing reads the
// members n of t that its first read left out.
func (s *State) LoadMembers(t *profile.Thread, n profile.Need) {
	if lists := n & (profile.NeedArgs | profile.NeedEnv); lists != 0 {
		s.loadLists(t, lists)
	}
	n &^= profile.NeedArgs | profile.NeedEnv
	if n == 0 {
		return
	}
	mask := s.t.mask(n) &^ s.t.mask(0)
	if mask == 0 || s.r == nil || !s.read(t.Tid, mask) {
		s.out.failed = C.uint64_t(mask)
	}
	s.apply(t, n, mask, s.out)
}

// loadLists reads the lists of t that a field needs, so an event pays for
// the args and env of the entries whose lists it renders only.
func (s *State) loadLists(t *profile.Thread, n profile.Need) {
	if s.r == nil {
		t.Missing |= missingLists(n)
		return
	}
	args, env := n&profile.NeedArgs != 0, n&profile.NeedEnv != 0
	if args && s.hinted && t.Tid == s.hintTid {
		t.Args = unsafe.String(unsafe.SliceData(s.hintArgs), len(s.hintArgs))
		if args = false; !env {
			return
		}
	}
	for {
		s.Crosses++
		ok := C.ad_read_lists_u(u(unsafe.Pointer(s.r)), u(unsafe.Pointer(s.t.spec)),
			C.int64_t(t.Tid), cbool(args), cbool(env), u(unsafe.Pointer(s.out)),
			u(unsafe.Pointer(s.lists))) != 0
		if !ok {
			t.Missing |= missingLists(n)
			return
		}
		if s.lists.need == 0 {
			break
		}
		s.growLists(uint32(s.lists.need))
	}
	failed := uint64(s.out.failed)
	if args {
		var ok bool
		t.Args, ok = s.list(s.out.args_enc, s.out.args_off, s.out.args_len,
			failed&(1<<C.AD_M_ARGS) != 0, s.t.avail.args != nil)
		if !ok {
			t.Missing |= profile.MissingArgs
		}
	}
	if env {
		var ok bool
		t.Env, ok = s.list(s.out.env_enc, s.out.env_off, s.out.env_len,
			failed&(1<<C.AD_M_ENV) != 0, s.t.avail.env != nil)
		if !ok {
			t.Missing |= profile.MissingEnv
		}
	}
}

// list converts one list read: from the sub-table (sub) into the list
// buffer, or from the plugin's own encoded string. It reports false when
// the host could not give the list or the plugin never stored one.
func (s *State) list(enc *C.char, off, n C.uint32_t, failed, sub bool) (string, bool) {
	if sub {
		if failed {
			return "", false
		}
		return cstr((*C.char)(unsafe.Add(unsafe.Pointer(s.lists.data), off)), n), true
	}
	v := cview(enc)
	if len(v) == 0 || v[0] != listMarker {
		return "", false
	}
	return s.decode(v[1:]), true
}

// cview views a NUL-terminated C string as a Go string without copying.
func cview(p *C.char) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return unsafe.String((*byte)(unsafe.Pointer(p)), n)
}

func missingLists(n profile.Need) profile.Missing {
	var m profile.Missing
	if n&profile.NeedArgs != 0 {
		m |= profile.MissingArgs
	}
	if n&profile.NeedEnv != 0 {
		m |= profile.MissingEnv
	}
	return m
}

// u passes a pointer to C memory as an integer (see bridge.h).
func u(p unsafe.Pointer) C.uintptr_t { return C.uintptr_t(uintptr(p)) }

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func (s *State) growLists(need uint32) {
	c := uint32(s.lists.cap) * 2
	for c < need {
		c *= 2
	}
	s.retired = append(s.retired, unsafe.Pointer(s.lists.data))
	s.lists.data = (*C.char)(C.malloc(C.size_t(c)))
	s.lists.cap = C.uint32_t(c)
	s.lists.len, s.lists.need = 0, 0
}

func cstr(p *C.char, n C.uint32_t) string {
	if p == nil || n == 0 {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Pointer(p)), int(n))
}

// decode turns an encoded list into NUL-terminated items in the decode
// arena. When the arena must grow, the old one is kept until End.
func (s *State) decode(enc string) string {
	if cap(s.dec)-len(s.dec) < len(enc) {
		s.decOld = append(s.decOld, s.dec)
		s.dec = make([]byte, 0, 2*cap(s.dec)+len(enc))
	}
	start := len(s.dec)
	s.dec = DecodeList(s.dec, enc)
	return unsafe.String(unsafe.SliceData(s.dec[start:]), len(s.dec)-start)
}

// FD implements profile.State.
func (s *State) FD(t *profile.Thread, fd int64) (*profile.FD, bool) {
	if s.r == nil || s.t.avail.fds == nil || t == nil {
		return nil, false
	}
	for i := 0; i < s.nfd; i++ {
		if f := s.fds[i]; f.Num == fd && s.fdOwner[i] == t.Tid {
			return f, s.fdFound[i]
		}
	}
	s.Crosses++
	found := C.ad_read_fd_u(u(unsafe.Pointer(s.r)), u(unsafe.Pointer(s.t.spec)), C.int64_t(t.Tid),
		C.int64_t(fd), u(unsafe.Pointer(s.fdout))) != 0
	f := s.cacheFD(t.Tid, fd, found, s.fdout)
	return f, found
}

// cacheFD remembers the answer for fd of thread tid, found or not.
func (s *State) cacheFD(tid, fd int64, found bool, o *C.ad_fd_out) *profile.FD {
	if s.nfd == len(s.fds) {
		s.fds = append(s.fds, new(profile.FD))
		s.fdOwner = append(s.fdOwner, 0)
		s.fdFound = append(s.fdFound, false)
	}
	f := s.fds[s.nfd]
	s.fdOwner[s.nfd], s.fdFound[s.nfd] = tid, found
	s.nfd++
	if found {
		fillFD(f, fd, o)
	} else {
		*f = profile.FD{Num: fd}
	}
	return f
}

// WriteLists stores args and env (NUL-terminated items) of thread tid in
// the plugin's own fields, on hosts without sub-tables. It needs a parse
// call's writer. It reports whether both writes succeeded.
func (s *State) WriteLists(tid int64, args, env []byte) bool {
	if s.w == nil || s.r == nil || s.t.spec.args_enc == nil {
		return false
	}
	na, ne := EncodedLen(args)+2, EncodedLen(env)+2
	if na+ne > s.encCap {
		if s.encBuf != nil {
			C.free(unsafe.Pointer(s.encBuf))
		}
		s.encCap = max(na+ne, 1024)
		s.encBuf = (*C.char)(C.malloc(C.size_t(s.encCap)))
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(s.encBuf)), s.encCap)
	encodeInto(buf[:na], args)
	encodeInto(buf[na:na+ne], env)
	s.Crosses++
	return C.ad_write_strings(s.w, s.r, s.t.spec.threads, C.int64_t(tid),
		s.t.spec.args_enc, s.encBuf, s.t.spec.env_enc,
		(*C.char)(unsafe.Add(unsafe.Pointer(s.encBuf), na))) != 0
}

// encodeInto writes the marker, the encoding of items and a NUL into dst,
// which has room for exactly that.
func encodeInto(dst []byte, items []byte) {
	dst[0] = listMarker
	n := len(EncodeList(dst[:1], items))
	dst[n] = 0
}
