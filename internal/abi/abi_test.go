package abi

import (
	"bytes"
	"testing"
)

// The documented LP64 layouts (plugin-abi.md section 3). Where a struct
// grew, the first member a generation appended sits at the previous
// generation's size: init input 32 bytes up to API 3.2 (log_fn appended in
// 3.3), init tables 56 bytes up to 3.4 (reader_ext/writer_ext in 3.5),
// extract input 72 bytes up to 3.10 (value_offsets in 3.11).
var documented = map[string]uint64{
	"sizeof(event)": 26, "event.ts": 0, "event.tid": 8, "event.len": 16,
	"event.type": 20, "event.nparams": 22,
	"sizeof(event_input)": 24, "event_input.evtnum": 8, "event_input.evtsrc": 16,
	"sizeof(extract_field)": 64, "extract_field.res_len": 8,
	"extract_field.field_id": 16, "extract_field.field": 24,
	"extract_field.arg_key": 32, "extract_field.arg_index": 40,
	"extract_field.arg_present": 48, "extract_field.ftype": 52,
	"extract_field.flist": 56,
	"sizeof(byte_buffer)": 16, "byte_buffer.ptr": 8,
	"sizeof(state_data)": 8,
	"sizeof(table_info)": 16, "table_info.key_type": 8,
	"sizeof(field_info)": 16, "field_info.field_type": 8, "field_info.read_only": 12,
	"sizeof(fields_vt)": 24, "sizeof(reader_vt)": 32, "sizeof(reader_vt_ext)": 48,
	"reader_vt_ext.release_entry": 32, "reader_vt_ext.iterate": 40,
	"sizeof(writer_vt)": 48, "writer_vt.write_field": 40,
	"init_tables.list_tables": 0, "init_tables.get_table": 8,
	"init_tables.add_table": 16, "init_tables.fields": 24,
	"init_tables.fields_ext": 48, "init_tables.reader_ext": 56,
	"init_tables.writer_ext": 64, "sizeof(init_tables)": 72,
	"init_input.config": 0, "init_input.owner": 8,
	"init_input.get_owner_last_error": 16, "init_input.tables": 24,
	"init_input.log_fn": 32, "sizeof(init_input)": 40,
	"extract_input.num_fields": 16, "extract_input.fields": 24,
	"extract_input.table_reader": 32, "extract_input.table_reader_ext": 64,
	"extract_input.value_offsets": 72, "sizeof(extract_input)": 80,
	"parse_input.table_reader": 16, "parse_input.table_writer": 48,
	"parse_input.table_reader_ext": 96, "parse_input.table_writer_ext": 104,
	"sizeof(parse_input)": 112,
	"sizeof(metric)":      32, "metric.type": 8, "metric.value": 16, "metric.value_type": 24,
}

func TestLayouts(t *testing.T) {
	got := Layouts()
	for name, want := range documented {
		v, ok := got[name]
		if !ok {
			t.Errorf("%s: not measured", name)
			continue
		}
		if v != want {
			t.Errorf("%s = %d, documented %d", name, v, want)
		}
	}
	for name := range got {
		if _, ok := documented[name]; !ok {
			t.Errorf("%s: measured but not checked against the documentation", name)
		}
	}
}

// TestGenerationSizes checks the per-generation sizes the plugin relies
// on: what an API 3.2 host allocates ends where the 3.3/3.5/3.11 members
// begin, so reading them on such a host would read past its struct.
func TestGenerationSizes(t *testing.T) {
	got := Layouts()
	gens := []struct {
		member string
		oldGen string
		size   uint64
	}{
		{"init_input.log_fn", "API 3.0-3.2 init input", 32},
		{"init_tables.reader_ext", "API 3.1-3.4 init tables", 56},
		{"extract_input.value_offsets", "API 3.1-3.10 extract input", 72},
	}
	for _, g := range gens {
		if got[g.member] != g.size {
			t.Errorf("%s starts at %d; the %s is %d bytes", g.member, got[g.member], g.oldGen, g.size)
		}
	}
}

func TestDetectGen(t *testing.T) {
	const table, str, i64 = 10, 9, 4
	tests := []struct {
		name  string
		types []uint32
		want  Gen
	}{
		{"libs 0.14 threads (no sub-tables)", []uint32{i64, i64, str, str}, Gen32},
		{"libs 0.17+ threads (args, env, fds)", []uint32{i64, str, table, table}, Gen35},
		{"empty listing", nil, Gen32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectGen(tt.types); got != tt.want {
				t.Errorf("DetectGen = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListRoundTrip(t *testing.T) {
	tests := [][]byte{
		nil,
		[]byte("a\x00"),
		[]byte("\x00\x00"),
		[]byte("x\x01y\x00z\x02\x03\x04\x00"),
		[]byte("--flag=1\x00hello world\x00caf\xc3\xa9\x00"),
	}
	for _, items := range tests {
		enc := EncodeList(nil, items)
		if len(enc) != EncodedLen(items) {
			t.Errorf("EncodedLen(%q) = %d, encoding has %d", items, EncodedLen(items), len(enc))
		}
		if bytes.IndexByte(enc, 0) >= 0 {
			t.Errorf("encoding of %q has a NUL: %q", items, enc)
		}
		if got := DecodeList(nil, string(enc)); !bytes.Equal(got, items) {
			t.Errorf("round trip of %q gave %q", items, got)
		}
	}
}

func FuzzDecodeList(f *testing.F) {
	f.Add("a\x01b\x01")
	f.Add("\x02\x03\x02\x04\x02")
	f.Add("unterminated")
	f.Fuzz(func(t *testing.T, enc string) {
		out := DecodeList(nil, enc)
		if len(out) > 0 && out[len(out)-1] != 0 {
			t.Fatalf("decoded list %q is not NUL-terminated", out)
		}
		// Decoding what we encode must give the items back.
		if again := DecodeList(nil, string(EncodeList(nil, out))); !bytes.Equal(again, out) {
			t.Fatalf("re-encoding %q gave %q", out, again)
		}
	})
}
