package event

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"
	"unsafe"
)

// FuzzDecode feeds arbitrary bytes to Decode. It must never panic; on
// success every parameter lies inside the event, every accessor works on
// every parameter, and re-encoding the decoded view gives back the same
// parameters.
func FuzzDecode(f *testing.F) {
	f.Add(Encode(1, 2, OpenX, PInt64(3), PString("/etc/passwd"), PUint32(1), PUint32(0),
		PUint32(0x803), PUint64(99)))
	f.Add(EncodeExecve(ExecEvent{Tid: 7, Exe: "cat", Args: []string{"a"}, Comm: "cat"}))
	f.Add(EncodeConnect(SocketEvent{FD: 3, Tuple: PSockTupleUnix(1, 2, "/s")}))
	f.Add(Encode(1, 2, AsyncEventE, PUint32(1), PString("n"), PBytes([]byte{1})))
	f.Add([]byte{})
	f.Add(rawEvent(HeaderSize+4, OpenX, 2, []uint16{0xffff, 1}, nil))

	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := Decode(raw)
		if err != nil {
			if !errors.Is(err, ErrShort) && !errors.Is(err, ErrLength) &&
				!errors.Is(err, ErrParamLen) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		ev := e.Raw()
		if len(ev) < HeaderSize || len(ev) > len(raw) || &ev[0] != &raw[0] {
			t.Fatalf("Raw() is not a prefix of the input")
		}
		size := 2
		if LargePayload(e.Type) {
			size = 4
		}
		off := HeaderSize + size*int(e.NParams) // naive offsets, for reference
		params := make([][]byte, e.NParams)
		for i := range params {
			p, ok := e.Param(i)
			if !ok {
				t.Fatalf("param %d of %d missing", i, e.NParams)
			}
			if !inside(p, ev) {
				t.Fatalf("param %d outside the event", i)
			}
			n := int(binary.LittleEndian.Uint16(ev[HeaderSize+size*i:]))
			if size == 4 {
				n = int(binary.LittleEndian.Uint32(ev[HeaderSize+size*i:]))
			}
			if len(p) != n || (n > 0 && &p[0] != &ev[off]) {
				t.Fatalf("param %d: %d bytes at the wrong place, want %d at %d", i, len(p), n, off)
			}
			off += n
			e.Int64(i)
			e.Uint64(i)
			e.Uint32(i)
			e.Bytes(i)
			e.String(i)
			e.SockTuple(i)
			params[i] = p
		}
		if _, ok := e.Param(int(e.NParams)); ok {
			t.Fatal("param past NParams")
		}

		again, err := Decode(Encode(e.TS, e.Tid, e.Type, params...))
		if err != nil {
			t.Fatalf("re-encoded event: %v", err)
		}
		for i := range params {
			if p, _ := again.Param(i); !bytes.Equal(p, params[i]) {
				t.Fatalf("param %d changed in the round trip", i)
			}
		}
	})
}

// inside reports whether p is a subslice of whole.
func inside(p, whole []byte) bool {
	if len(p) == 0 {
		return true
	}
	start := uintptr(unsafe.Pointer(&p[0])) - uintptr(unsafe.Pointer(&whole[0]))
	return start <= uintptr(len(whole)) && uintptr(len(p)) <= uintptr(len(whole))-start
}

// FuzzSockTuple feeds arbitrary bytes to DecodeSockTuple. It must never
// panic; a decoded tuple re-encodes to the same prefix of the input.
func FuzzSockTuple(f *testing.F) {
	f.Add(PSockTupleV4(netip.MustParseAddrPort("10.0.0.5:40000"),
		netip.MustParseAddrPort("93.184.216.34:443")))
	f.Add(PSockTupleV6(netip.MustParseAddrPort("[2001:db8::5]:1"),
		netip.MustParseAddrPort("[::1]:2")))
	f.Add(PSockTupleUnix(1, 2, "/run/x"))
	f.Add([]byte{FamilyUnix, 1, 2})
	f.Add([]byte{7})

	f.Fuzz(func(t *testing.T, p []byte) {
		tu, err := DecodeSockTuple(p)
		if err != nil {
			if !errors.Is(err, ErrTupleShort) && !errors.Is(err, ErrTupleFamily) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		var enc []byte
		switch tu.Family {
		case FamilyInet:
			enc = PSockTupleV4(tu.Src, tu.Dst)
		case FamilyInet6:
			enc = PSockTupleV6(tu.Src, tu.Dst)
		case FamilyUnix:
			if !inside(tu.Path, p) {
				t.Fatal("unix path outside the input")
			}
			enc = PSockTupleUnix(tu.SrcPtr, tu.DstPtr, string(tu.Path))
			enc = enc[:len(enc)-1] // the input may lack the NUL
		default:
			t.Fatalf("decoded unknown family %d", tu.Family)
		}
		if !bytes.HasPrefix(p, enc) {
			t.Fatalf("re-encoded %x is not a prefix of %x", enc, p)
		}
	})
}
