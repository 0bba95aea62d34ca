package profile

// FD is one entry of a thread's file_descriptors table.
type FD struct {
	Num     int64
	Type    uint8
	Flags   uint32
	Dev     uint32
	Ino     uint64
	Name    string
	NameRaw string

	// Socket endpoints. For IPv4 only the first 4 bytes of the address
	// arrays are used, in network order. Ports are in host order.
	L4Proto          uint8
	SrcIP, DstIP     [16]byte
	SrcPort, DstPort uint16
	ServerIP         [16]byte
	ServerPort       uint16
	UnixSrc, UnixDst uint64
}
