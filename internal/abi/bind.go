package abi

/*
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"fmt"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// member describes one threads field the plugin can read: the slot it
// lands in, what the profile code needs it for, and how it reaches a
// profile.Thread.
type member struct {
	name  string
	group int // one of the groups below
	index int
	need  profile.Need // 0: identity, read with every entry
	// miss is the Missing bit of a member some hosts lack.
	miss profile.Missing
	set  func(th *profile.Thread, o *C.ad_thread_out, i int)
}

const (
	groupI64 = iota
	groupU32
	groupU64
	groupBool
	groupStr
)

// groupBase is the first AD_M_* bit of each group.
var groupBase = [...]int{0, C.AD_NI64, C.AD_NI64 + C.AD_NU32,
	C.AD_NI64 + C.AD_NU32 + C.AD_NU64, C.AD_NI64 + C.AD_NU32 + C.AD_NU64 + C.AD_NB}

// bit is the member's AD_M_* bit.
func (m member) bit() uint64 { return 1 << uint(groupBase[m.group]+m.index) }

// memberBits has the AD_M_* bit of every member.
var memberBits = func() (b uint64) {
	for _, m := range members {
		b |= m.bit()
	}
	return b
}()

// memberAt maps an AD_M_* bit number to its member.
var memberAt = func() (at [64]*member) {
	for i := range members {
		at[groupBase[members[i].group]+members[i].index] = &members[i]
	}
	return at
}()

func i64(o *C.ad_thread_out, i int) int64  { return int64(o.i64[i]) }
func u32(o *C.ad_thread_out, i int) uint32 { return uint32(o.u32[i]) }
func u64(o *C.ad_thread_out, i int) uint64 { return uint64(o.u64[i]) }
func b(o *C.ad_thread_out, i int) bool     { return o.b[i] != 0 }
func str(o *C.ad_thread_out, i int) string { return cstr(o.s[i], o.slen[i]) }

// members is every threads field the plugin reads, by libs name. The tid
// is the entry's key, so it is not read.
var members = []member{
	{"pid", groupI64, C.AD_I64_PID, 0, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Pid = i64(o, i) }},
	{"ptid", groupI64, C.AD_I64_PTID, 0, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Ptid = i64(o, i) }},
	{"flags", groupU32, C.AD_U32_FLAGS, 0, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Flags = u32(o, i) }},
	{"sid", groupI64, C.AD_I64_SID, profile.NeedIDs, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Sid = i64(o, i) }},
	{"vtid", groupI64, C.AD_I64_VTID, profile.NeedIDs, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Vtid = i64(o, i) }},
	{"vpid", groupI64, C.AD_I64_VPID, profile.NeedIDs, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Vpid = i64(o, i) }},
	{"vpgid", groupI64, C.AD_I64_VPGID, profile.NeedIDs, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Vpgid = i64(o, i) }},
	{"pgid", groupI64, C.AD_I64_PGID, profile.NeedPgid, profile.MissingPgid,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Pgid = i64(o, i) }},
	{"tty", groupU32, C.AD_U32_TTY, profile.NeedTty, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Tty = u32(o, i) }},
	{"uid", groupU32, C.AD_U32_UID, profile.NeedUID, profile.MissingUID,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.UID = u32(o, i) }},
	{"gid", groupU32, C.AD_U32_GID, profile.NeedGID, profile.MissingGID,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.GID = u32(o, i) }},
	{"loginuid", groupU32, C.AD_U32_LOGINUID, profile.NeedLoginUID, profile.MissingLoginUID,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.LoginUID = u32(o, i) }},
	{"exe_ino", groupU64, C.AD_U64_EXE_INO, profile.NeedExeIno, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.ExeIno = u64(o, i) }},
	{"exe_ino_ctime", groupU64, C.AD_U64_EXE_INO_CTIME, profile.NeedExeIno, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.ExeInoCtime = u64(o, i) }},
	{"exe_ino_mtime", groupU64, C.AD_U64_EXE_INO_MTIME, profile.NeedExeIno, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.ExeInoMtime = u64(o, i) }},
	{"exe_writable", groupBool, C.AD_B_EXE_WRITABLE, profile.NeedExeFlags, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.ExeWritable = b(o, i) }},
	{"exe_upper_layer", groupBool, C.AD_B_EXE_UPPER, profile.NeedExeFlags, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.ExeUpperLayer = b(o, i) }},
	{"exe_from_memfd", groupBool, C.AD_B_EXE_MEMFD, profile.NeedExeFlags, profile.MissingExeFromMemfd,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.ExeFromMemfd = b(o, i) }},
	{"comm", groupStr, C.AD_S_COMM, profile.NeedComm, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Comm = str(o, i) }},
	{"exe", groupStr, C.AD_S_EXE, profile.NeedExe, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Exe = str(o, i) }},
	{"exe_path", groupStr, C.AD_S_EXEPATH, profile.NeedExePath, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.ExePath = str(o, i) }},
	{"cwd", groupStr, C.AD_S_CWD, profile.NeedCwd, 0,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.Cwd = str(o, i) }},
	{"container_id", groupStr, C.AD_S_CONTAINER_ID, profile.NeedContainerID, profile.MissingContainerID,
		func(th *profile.Thread, o *C.ad_thread_out, i int) { th.ContainerID = str(o, i) }},
}

// fdMembers is every file_descriptors field the plugin reads.
var fdMembers = []struct {
	name  string
	index int
}{
	{"type", C.AD_FD_TYPE},
	{"flags", C.AD_FD_FLAGS},
	{"dev", C.AD_FD_DEV},
	{"ino", C.AD_FD_INO},
	{"name", C.AD_FD_NAME},
	{"name_raw", C.AD_FD_NAME_RAW},
	{"socket_ipv4_src_ip", C.AD_FD_V4_SIP},
	{"socket_ipv4_dest_dip", C.AD_FD_V4_DIP},
	{"socket_ipv4_src_port", C.AD_FD_V4_SPORT},
	{"socket_ipv4_dst_port", C.AD_FD_V4_DPORT},
	{"socket_ipv4_l4_proto", C.AD_FD_V4_L4},
	{"socket_ipv4_server_ip", C.AD_FD_V4S_IP},
	{"socket_ipv4_server_port", C.AD_FD_V4S_PORT},
	{"socket_ipv4_server_l4_proto", C.AD_FD_V4S_L4},
	{"socket_ipv6_src_ip_low", C.AD_FD_V6_SIP_LO},
	{"socket_ipv6_src_ip_high", C.AD_FD_V6_SIP_HI},
	{"socket_ipv6_dest_ip_low", C.AD_FD_V6_DIP_LO},
	{"socket_ipv6_dest_ip_high", C.AD_FD_V6_DIP_HI},
	{"socket_ipv6_src_port", C.AD_FD_V6_SPORT},
	{"socket_ipv6_dst_port", C.AD_FD_V6_DPORT},
	{"socket_ipv6_l4_proto", C.AD_FD_V6_L4},
	{"socket_ipv6_server_ip_low", C.AD_FD_V6S_IP_LO},
	{"socket_ipv6_server_ip_high", C.AD_FD_V6S_IP_HI},
	{"socket_ipv6_server_port", C.AD_FD_V6S_PORT},
	{"socket_ipv6_server_l4_proto", C.AD_FD_V6S_L4},
	{"socket_unix_src", C.AD_FD_UNIX_SRC},
	{"socket_unix_dest", C.AD_FD_UNIX_DST},
}

func numeric(t uint32) bool {
	switch t {
	case C.ABI_ST_INT8, C.ABI_ST_INT16, C.ABI_ST_INT32, C.ABI_ST_INT64,
		C.ABI_ST_UINT8, C.ABI_ST_UINT16, C.ABI_ST_UINT32, C.ABI_ST_UINT64,
		C.ABI_ST_BOOL:
		return true
	}
	return false
}

// bindThreadFields obtains an accessor for every member the host lists,
// with the type the host lists it with.
func (t *Tables) bindThreadFields(listed []fieldInfo) error {
	types := make(map[string]uint32, len(listed))
	for _, f := range listed {
		types[f.name] = f.typ
	}
	for _, m := range members {
		typ, ok := types[m.name]
		if !ok && m.name == "container_id" {
			t.addContainerID()
			continue
		}
		if !ok {
			if m.need == 0 && m.name != "flags" {
				return fmt.Errorf("threads table has no %q field", m.name)
			}
			t.absent = append(t.absent, m.name)
			continue
		}
		if (m.group == groupStr) != (typ == C.ABI_ST_STRING) || (m.group != groupStr && !numeric(typ)) {
			t.Notes = append(t.Notes, fmt.Sprintf("threads.%s has unexpected type %d; not read", m.name, typ))
			continue
		}
		f := t.field(t.avail.threads, m.name, typ)
		if f == nil {
			return fmt.Errorf("threads.%s accessor refused by the host", m.name)
		}
		*specSlot(&t.avail, m) = C.ad_acc{f: f, _type: C.abi_state_type(typ)}
	}
	if len(t.absent) > 0 {
		t.Notes = append(t.Notes, "threads fields this host does not offer (their profile "+
			"fields have no value): "+strings.Join(t.absent, ", "))
	}
	return nil
}

// addContainerID makes container_id readable on hosts where it is not a
// static field (libs 0.21+): the container plugin adds it as a dynamic
// field, and adding the same name and type again is a no-op, so the value
// is shared whichever plugin initialises first. Without the container
// plugin it stays "" (host).
func (t *Tables) addContainerID() {
	name := C.CString("container_id")
	defer C.free(unsafe.Pointer(name))
	f := C.ad_add_field(t.in, t.avail.threads, name, C.ABI_ST_STRING)
	if f == nil {
		t.Notes = append(t.Notes, "threads.container_id could not be added; container.id reads empty")
		return
	}
	t.avail.s[C.AD_S_CONTAINER_ID] = C.ad_acc{f: f, _type: C.ABI_ST_STRING}
	t.Notes = append(t.Notes, "threads.container_id added as a dynamic field (shared with the container plugin)")
}

func (t *Tables) field(tab unsafe.Pointer, name string, typ uint32) unsafe.Pointer {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return C.ad_get_field(t.in, tab, cs, C.abi_state_type(typ))
}

// bindSubTables obtains the args, env and file_descriptors accessors of an
// API 3.5+ host. A host that lacks one leaves it nil; the fields that need
// it then have no value.
func (t *Tables) bindSubTables() {
	th := t.avail.threads
	t.avail.args = t.field(th, "args", C.ABI_ST_TABLE)
	t.avail.env = t.field(th, "env", C.ABI_ST_TABLE)
	t.avail.fds = t.field(th, "file_descriptors", C.ABI_ST_TABLE)
	if t.avail.args != nil {
		t.avail.args_value = t.subField(t.avail.args, "value")
	}
	if t.avail.env != nil {
		t.avail.env_value = t.subField(t.avail.env, "value")
	}
	if t.avail.fds != nil {
		t.bindFDFields()
	}
}

func (t *Tables) subField(tf unsafe.Pointer, name string) unsafe.Pointer {
	var tmp unsafe.Pointer
	sub := C.ad_sub_begin(t.in, t.avail.threads, tf, &tmp)
	if sub == nil {
		return nil
	}
	defer C.ad_sub_end(t.in, t.avail.threads, tmp)
	return t.field(sub, name, C.ABI_ST_STRING)
}

func (t *Tables) bindFDFields() {
	var tmp unsafe.Pointer
	sub := C.ad_sub_begin(t.in, t.avail.threads, t.avail.fds, &tmp)
	if sub == nil {
		t.avail.fds = nil
		return
	}
	defer C.ad_sub_end(t.in, t.avail.threads, tmp)

	types := map[string]uint32{}
	for _, f := range listFields(t.in, sub) {
		types[f.name] = f.typ
	}
	// libs 0.17 (Falco 0.38) lists the fd type as uint32 and serves the
	// open flags under that name. Its fd table cannot be trusted for
	// fd.type; use the event parameters instead, as on API 3.2 hosts.
	if types["type"] != C.ABI_ST_UINT8 {
		t.avail.fds = nil
		t.Notes = append(t.Notes, "file_descriptors.type is not uint8 on this host (libs 0.17): "+
			"fd fields come from the event parameters")
		return
	}
	for _, m := range fdMembers {
		typ, ok := types[m.name]
		if !ok || (typ != C.ABI_ST_STRING && !numeric(typ)) {
			continue
		}
		if f := t.field(sub, m.name, typ); f != nil {
			t.avail.fd[m.index] = C.ad_acc{f: f, _type: C.abi_state_type(typ)}
		}
	}
}

// addListFields adds the plugin's own args and env fields on hosts
// without sub-tables. The plugin fills them from execve events.
func (t *Tables) addListFields() error {
	for _, p := range []struct {
		name string
		dst  *unsafe.Pointer
	}{{ArgsField, &t.avail.args_enc}, {EnvField, &t.avail.env_enc}} {
		cs := C.CString(p.name)
		f := C.ad_add_field(t.in, t.avail.threads, cs, C.ABI_ST_STRING)
		C.free(unsafe.Pointer(cs))
		if f == nil {
			return fmt.Errorf("threads.%s: the host refused the dynamic field", p.name)
		}
		*p.dst = f
	}
	return nil
}

// Configure records what the profiles read (the union of their plans'
// needs, how many ancestors they walk, whether they read leaders): the
// event thread's entry is read with all of it up front, other entries with
// their identity and name, and any other member on first use. When the
// profiles walk the tree, the first read of an event fetches the whole walk
// in one crossing (see ad_prefetch).
//
// fdNeed is what the profiles read of fd table entries: the members
// nothing reads are left out of the C side's reads.
func (t *Tables) Configure(need profile.Need, fdNeed profile.FDNeed, depth int, leaders bool) {
	t.missable = t.missableBits()
	t.need, t.depth = need, min(depth, C.AD_PREFETCH_DEPTH)
	t.leaders = leaders && need&profile.NeedIDs != 0
	t.eventMask = t.mask(need)
	t.otherMask = t.mask(t.otherNeed()) | 1<<C.AD_M_FLAGS_IF_THREAD
	var missable uint64
	for n := uint32(t.otherNeed()); n != 0; n &= n - 1 {
		missable |= t.missable[bits.TrailingZeros32(n)]
	}
	// State.apply's direct copy of walked entries reads pid, ptid, flags
	// and comm: it fits when the mask asks for pid and ptid and for
	// nothing beyond those four (what is not asked for reads zero).
	var ids, fast uint64
	for _, m := range members {
		switch m.name {
		case "pid", "ptid":
			ids |= m.bit()
			fast |= m.bit()
		case "flags", "comm":
			fast |= m.bit()
		}
	}
	fast |= 1 << C.AD_M_FLAGS_IF_THREAD
	t.otherFast = missable == 0 && t.otherMask&ids == ids && t.otherMask&^fast == 0
	for i := range t.spec.fd {
		if i != C.AD_FD_TYPE && fdMemberNeed(i)&fdNeed == 0 {
			t.spec.fd[i] = C.ad_acc{}
		}
	}
}

// fdMemberNeed returns which FDNeed reads fd member i (an AD_FD_* index).
func fdMemberNeed(i int) profile.FDNeed {
	switch i {
	case C.AD_FD_NAME:
		return profile.FDNeedName
	case C.AD_FD_NAME_RAW:
		return profile.FDNeedNameRaw
	case C.AD_FD_DEV:
		return profile.FDNeedDev
	case C.AD_FD_INO:
		return profile.FDNeedIno
	}
	return profile.FDNeedSocket // flags and the socket members
}

// prefetch reports whether a walk is worth fetching ahead.
func (t *Tables) prefetch() bool { return t.depth > 0 || t.leaders }

// missableBits returns, per Need bit, the AD_M_* bits of the members
// that carry a Missing bit: those a read may fail to give.
func (t *Tables) missableBits() (out [32]uint64) {
	for _, m := range members {
		if m.miss == 0 {
			continue
		}
		for i := 0; i < 32; i++ {
			if m.need&(1<<i) != 0 {
				out[i] |= m.bit()
			}
		}
	}
	return out
}

// otherNeed is what entries other than the event thread's are read with
// first: their name, which ancestors and leaders mostly give.
func (t *Tables) otherNeed() profile.Need { return t.need & profile.NeedComm }

// mask returns the AD_M_* bits of the identity members and the members
// need names, among those the host offers.
func (t *Tables) mask(need profile.Need) uint64 {
	var m uint64
	for _, mb := range members {
		if mb.need == 0 || need&mb.need != 0 {
			if specSlot(&t.avail, mb).f != nil {
				m |= mb.bit()
			}
		}
	}
	return m
}

func specSlot(s *C.ad_thread_spec, m member) *C.ad_acc {
	switch m.group {
	case groupI64:
		return &s.i64[m.index]
	case groupU32:
		return &s.u32[m.index]
	case groupU64:
		return &s.u64[m.index]
	case groupBool:
		return &s.b[m.index]
	default:
		return &s.s[m.index]
	}
}
