package event

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

// rawEvent builds an event by hand, with header fields that may lie, so
// that malformed layouts can be expressed.
func rawEvent(length uint32, code uint16, nparams uint32, lens []uint16, data []byte) []byte {
	b := make([]byte, HeaderSize)
	binary.LittleEndian.PutUint64(b[0:], 11)
	binary.LittleEndian.PutUint64(b[8:], 22)
	binary.LittleEndian.PutUint32(b[16:], length)
	binary.LittleEndian.PutUint16(b[20:], code)
	binary.LittleEndian.PutUint32(b[22:], nparams)
	for _, l := range lens {
		b = binary.LittleEndian.AppendUint16(b, l)
	}
	return append(b, data...)
}

func TestDecode(t *testing.T) {
	good := Encode(11, 22, OpenX, PInt64(3), PString("/x"))
	tests := []struct {
		name    string
		raw     []byte
		err     error
		nparams uint32
	}{
		{"valid", good, nil, 2},
		{"nil", nil, ErrShort, 0},
		{"short header", good[:HeaderSize-1], ErrShort, 0},
		{"header only", rawEvent(HeaderSize, OpenX, 0, nil, nil), nil, 0},
		{"len below header", rawEvent(HeaderSize-1, OpenX, 0, nil, nil), ErrLength, 0},
		{"len zero", rawEvent(0, OpenX, 0, nil, nil), ErrLength, 0},
		{"len past buffer", good[:len(good)-1], ErrLength, 0},
		{"len huge", rawEvent(0xffffffff, OpenX, 0, nil, nil), ErrLength, 0},
		{"length table past len", rawEvent(HeaderSize+3, OpenX, 2, []uint16{0, 0}, nil),
			ErrParamLen, 0},
		{"nparams huge", rawEvent(HeaderSize+4, OpenX, 0xffffffff, []uint16{0, 0}, nil),
			ErrParamLen, 0},
		{"lengths past len", rawEvent(HeaderSize+4+3, OpenX, 2, []uint16{2, 2}, []byte{1, 2, 3}),
			ErrParamLen, 0},
		{"one length past len", rawEvent(HeaderSize+2+1, OpenX, 1, []uint16{0xffff}, []byte{1}),
			ErrParamLen, 0},
		{"fewer params", Encode(1, 1, ExecveX, PInt64(0), PString("cat")), nil, 2},
		{"empty params", Encode(1, 1, OpenX, PEmpty(), PEmpty(), PEmpty()), nil, 3},
		{"extra bytes beyond len", append(bytes.Clone(good), 0xde, 0xad, 0xbe, 0xef), nil, 2},
		{"slack inside len", rawEvent(HeaderSize+2+1+2, OpenX, 1, []uint16{1}, []byte{9, 8, 7}),
			nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Decode(tt.raw)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				if e.NParams != 0 || e.Raw() != nil {
					t.Errorf("failed Decode returned a non-zero Event %+v", e)
				}
				if _, ok := e.Param(0); ok {
					t.Error("failed Decode has a param")
				}
				return
			}
			if e.NParams != tt.nparams {
				t.Errorf("NParams = %d, want %d", e.NParams, tt.nparams)
			}
			if n := binary.LittleEndian.Uint32(tt.raw[16:]); len(e.Raw()) != int(n) {
				t.Errorf("Raw has %d bytes, len field %d", len(e.Raw()), n)
			}
			ts := binary.LittleEndian.Uint64(tt.raw[0:])
			tid := int64(binary.LittleEndian.Uint64(tt.raw[8:]))
			code := binary.LittleEndian.Uint16(tt.raw[20:])
			if e.TS != ts || e.Tid != tid || e.Type != code {
				t.Errorf("header ts %d tid %d type %d", e.TS, e.Tid, e.Type)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	raw := Encode(1, 2, OpenX,
		PInt64(-2),                   // 0
		PString("/etc/passwd"),       // 1
		PUint32(0xdeadbeef),          // 2
		PEmpty(),                     // 3
		PUint64(1<<63+5),             // 4
		PBytes([]byte("a\x00b\x00")), // 5
		PBytes([]byte("no-nul")),     // 6
		[]byte{0},                    // 7: a lone NUL
	)
	e := mustDecode(t, raw)
	tests := []struct {
		read string // accessor
		i    int
		want string
		ok   bool
	}{
		{"Int64", 0, "-2", true},
		{"Int64", 2, "0", false}, // wrong size
		{"Int64", 3, "0", false}, // empty
		{"Uint64", 4, "9223372036854775813", true},
		{"Uint64", 1, "0", false},
		{"Uint32", 2, "3735928559", true},
		{"Uint32", 0, "0", false},
		{"String", 1, "/etc/passwd", true},
		{"String", 3, "", false},
		{"String", 5, "a", true}, // up to the first NUL
		{"String", 6, "no-nul", true},
		{"String", 7, "", true}, // a lone NUL is the empty string
		{"Bytes", 5, "a\x00b", true},
		{"Bytes", 3, "", false},
		{"Param", 3, "", true}, // empty but present
		{"Param", 8, "", false},
		{"Param", -1, "", false},
		{"Param", 1 << 40, "", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s(%d)", tt.read, tt.i), func(t *testing.T) {
			got, ok := readParam(&e, tt.read, tt.i)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}

	var zero Event
	if _, ok := zero.Param(0); ok {
		t.Error("zero Event has a param")
	}
	if _, ok := zero.SockTuple(0); ok {
		t.Error("zero Event has a tuple")
	}
}

// readParam reads parameter i with the accessor named read and renders
// the value as a string.
func readParam(e *Event, read string, i int) (string, bool) {
	var v any
	var ok bool
	switch read {
	case "Int64":
		v, ok = e.Int64(i)
	case "Uint64":
		v, ok = e.Uint64(i)
	case "Uint32":
		v, ok = e.Uint32(i)
	case "String":
		var b []byte
		b, ok = e.String(i)
		v = string(b)
	case "Bytes":
		var b []byte
		b, ok = e.Bytes(i)
		v = string(b)
	case "Param":
		var b []byte
		b, ok = e.Param(i)
		v = string(b)
	}
	return fmt.Sprint(v), ok
}

func TestLargePayload(t *testing.T) {
	for c := 0; c < 0x10000; c++ {
		want := c == 322 || c == 324 || c == 402
		if LargePayload(uint16(c)) != want {
			t.Errorf("LargePayload(%d) = %v", c, !want)
		}
	}
	// A uint32 length read as two uint16 lengths would misplace param 1.
	e := mustDecode(t, Encode(1, 1, AsyncEventE, PUint32(7), PString("name"), PBytes([]byte{1, 2})))
	checkU32(t, &e, 0, 7)
	checkStr(t, &e, 1, "name")
}

// TestDecodeFixtures decodes every raw event of every fixture and checks
// the header against the record, the parameter lengths against len, and
// the code's name against libsinsp's evt.type.
func TestDecodeFixtures(t *testing.T) {
	recs := loadFixtures(t)
	for _, r := range recs {
		name := fmt.Sprintf("%s:%d", r.File, r.Line)
		e, err := Decode(r.raw)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if e.TS != r.Event.TS || e.Tid != r.Event.Tid || e.Type != r.Code ||
			e.NParams != r.Event.NParams || uint32(len(e.Raw())) != r.Event.Len ||
			len(r.raw) != int(r.Event.Len) {
			t.Errorf("%s: header ts %d tid %d type %d nparams %d len %d; record %+v",
				name, e.TS, e.Tid, e.Type, e.NParams, len(e.Raw()), r.Event)
		}
		end := HeaderSize + 2*int(e.NParams)
		for i := 0; i < int(e.NParams); i++ {
			p, ok := e.Param(i)
			if !ok {
				t.Fatalf("%s: param %d missing", name, i)
			}
			end += len(p)
		}
		if end != len(r.raw) {
			t.Errorf("%s: params end at %d, event is %d bytes", name, end, len(r.raw))
		}
		if Name(r.Code) != r.EvtType || !Supported(r.Code) {
			t.Errorf("%s: Name(%d) = %q, evt_type %q, supported %v", name, r.Code,
				Name(r.Code), r.EvtType, Supported(r.Code))
		}
	}
	if len(recs) < 300 {
		t.Errorf("read only %d fixture records", len(recs))
	}
}
