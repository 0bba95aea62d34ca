package profile

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
)

// fdFixtureReader reads the members of one file_descriptors entry of a
// golden fixture, keeping the first error. Integers are parsed from their
// JSON text, so 64-bit values stay exact.
type fdFixtureReader struct {
	raw map[string]json.RawMessage
	err error
}

// uint reads an unsigned member that must fit in bits bits.
func (r *fdFixtureReader) uint(key string, bits int) uint64 {
	if r.err != nil {
		return 0
	}
	v, ok := r.raw[key]
	if !ok {
		r.err = fmt.Errorf("no %q", key)
		return 0
	}
	x, err := strconv.ParseUint(string(v), 10, bits)
	if err != nil {
		r.err = fmt.Errorf("%s: %w", key, err)
	}
	return x
}

// str reads a string member.
func (r *fdFixtureReader) str(key string) string {
	if r.err != nil {
		return ""
	}
	v, ok := r.raw[key]
	if !ok {
		r.err = fmt.Errorf("no %q", key)
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		r.err = fmt.Errorf("%s: %w", key, err)
	}
	return s
}

// ipv4 stores a socket_ipv4_* address (a uint32 holding the network-order
// bytes in little-endian memory) into the first 4 bytes of dst.
func (r *fdFixtureReader) ipv4(dst *[16]byte, key string) {
	binary.LittleEndian.PutUint32(dst[:4], uint32(r.uint(key, 32)))
}

// ipv6 stores a socket_ipv6_* address from its _low (bytes 0-7) and _high
// (bytes 8-15) little-endian halves.
func (r *fdFixtureReader) ipv6(dst *[16]byte, key string) {
	binary.LittleEndian.PutUint64(dst[0:8], r.uint(key+"_low", 64))
	binary.LittleEndian.PutUint64(dst[8:16], r.uint(key+"_high", 64))
}

// fdFromFixture converts one file_descriptors entry of a golden fixture
// record into an FD. The socket members are a C union in libsinsp: only
// the group that matches the entry's type is read, the others hold
// another member's bytes.
func fdFromFixture(num int64, raw map[string]json.RawMessage) (FD, error) {
	r := &fdFixtureReader{raw: raw}
	fd := FD{
		Num:     num,
		Type:    uint8(r.uint("type", 8)),
		Flags:   uint32(r.uint("flags", 32)),
		Dev:     uint32(r.uint("dev", 32)),
		Ino:     r.uint("ino", 64),
		Name:    r.str("name"),
		NameRaw: r.str("name_raw"),
	}
	switch fd.Type {
	case FDIPv4:
		r.ipv4(&fd.SrcIP, "socket_ipv4_src_ip")
		r.ipv4(&fd.DstIP, "socket_ipv4_dest_dip")
		fd.SrcPort = uint16(r.uint("socket_ipv4_src_port", 16))
		fd.DstPort = uint16(r.uint("socket_ipv4_dst_port", 16))
		fd.L4Proto = uint8(r.uint("socket_ipv4_l4_proto", 8))
	case FDIPv6:
		r.ipv6(&fd.SrcIP, "socket_ipv6_src_ip")
		r.ipv6(&fd.DstIP, "socket_ipv6_dest_ip")
		fd.SrcPort = uint16(r.uint("socket_ipv6_src_port", 16))
		fd.DstPort = uint16(r.uint("socket_ipv6_dst_port", 16))
		fd.L4Proto = uint8(r.uint("socket_ipv6_l4_proto", 8))
	case FDIPv4Server:
		r.ipv4(&fd.ServerIP, "socket_ipv4_server_ip")
		fd.ServerPort = uint16(r.uint("socket_ipv4_server_port", 16))
		fd.L4Proto = uint8(r.uint("socket_ipv4_server_l4_proto", 8))
	case FDIPv6Server:
		r.ipv6(&fd.ServerIP, "socket_ipv6_server_ip")
		fd.ServerPort = uint16(r.uint("socket_ipv6_server_port", 16))
		fd.L4Proto = uint8(r.uint("socket_ipv6_server_l4_proto", 8))
	case FDUnix:
		fd.UnixSrc = r.uint("socket_unix_src", 64)
		fd.UnixDst = r.uint("socket_unix_dest", 64)
	}
	if r.err != nil {
		return FD{}, r.err
	}
	return fd, nil
}
