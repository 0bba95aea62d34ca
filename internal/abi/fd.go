package abi

/*
#include "bridge.h"
*/
import "C"

import (
	"encoding/binary"

	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// scap fd types whose socket fields are meaningful.
const (
	fdIPv4       = 3
	fdIPv6       = 4
	fdIPv4Server = 5
	fdIPv6Server = 6
	fdUnix       = 8
)

// fillFD converts a C fd read into f. The socket fields of a libsinsp fd
// are a union: only the group matching the fd type is read.
func fillFD(f *profile.FD, num int64, o *C.ad_fd_out) {
	v := func(i int) uint64 { return uint64(o.v[i]) }
	*f = profile.FD{
		Num:     num,
		Type:    uint8(v(C.AD_FD_TYPE)),
		Flags:   uint32(v(C.AD_FD_FLAGS)),
		Dev:     uint32(v(C.AD_FD_DEV)),
		Ino:     v(C.AD_FD_INO),
		Name:    cstr(o.name, o.name_len),
		NameRaw: cstr(o.name_raw, o.name_raw_len),
	}
	switch f.Type {
	case fdIPv4:
		binary.LittleEndian.PutUint32(f.SrcIP[:], uint32(v(C.AD_FD_V4_SIP)))
		binary.LittleEndian.PutUint32(f.DstIP[:], uint32(v(C.AD_FD_V4_DIP)))
		f.SrcPort, f.DstPort = uint16(v(C.AD_FD_V4_SPORT)), uint16(v(C.AD_FD_V4_DPORT))
		f.L4Proto = uint8(v(C.AD_FD_V4_L4))
	case fdIPv4Server:
		binary.LittleEndian.PutUint32(f.ServerIP[:], uint32(v(C.AD_FD_V4S_IP)))
		f.ServerPort = uint16(v(C.AD_FD_V4S_PORT))
		f.L4Proto = uint8(v(C.AD_FD_V4S_L4))
	case fdIPv6:
		putV6(f.SrcIP[:], v(C.AD_FD_V6_SIP_LO), v(C.AD_FD_V6_SIP_HI))
		putV6(f.DstIP[:], v(C.AD_FD_V6_DIP_LO), v(C.AD_FD_V6_DIP_HI))
		f.SrcPort, f.DstPort = uint16(v(C.AD_FD_V6_SPORT)), uint16(v(C.AD_FD_V6_DPORT))
		f.L4Proto = uint8(v(C.AD_FD_V6_L4))
	case fdIPv6Server:
		putV6(f.ServerIP[:], v(C.AD_FD_V6S_IP_LO), v(C.AD_FD_V6S_IP_HI))
		f.ServerPort = uint16(v(C.AD_FD_V6S_PORT))
		f.L4Proto = uint8(v(C.AD_FD_V6S_L4))
	case fdUnix:
		f.UnixSrc, f.UnixDst = v(C.AD_FD_UNIX_SRC), v(C.AD_FD_UNIX_DST)
	}
}

func putV6(dst []byte, lo, hi uint64) {
	binary.LittleEndian.PutUint64(dst[0:8], lo)
	binary.LittleEndian.PutUint64(dst[8:16], hi)
}
