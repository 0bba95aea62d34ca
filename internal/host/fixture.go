package host

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
)

// FixtureRecord is one event record of a golden fixture file (see
// /work/shared/fixtures/README.md): the raw event, the threads state
// libsinsp had, and libsinsp's own rendering of each field.
type FixtureRecord struct {
	Capture string `json:"capture"`
	EvtNum  uint64 `json:"evtnum"`
	EvtType string `json:"evt_type"`
	Code    uint16 `json:"code"`
	Event   struct {
		Tid int64  `json:"tid"`
		B64 string `json:"b64"`
	} `json:"event"`
	// Threads is the fixture's threads object, for Table.LoadFixture.
	Threads json.RawMessage `json:"threads"`
	// Expect holds libsinsp's typed values (null: no value).
	Expect map[string]json.RawMessage `json:"expect"`
	// ExpectText holds the plain-text rendering ("<NA>": no value).
	ExpectText map[string]string `json:"expect_text"`

	raw []byte
}

// Raw returns the decoded event bytes.
func (r *FixtureRecord) Raw() []byte { return r.raw }

// ReadFixtureFile reads every event record of a fixture file, skipping
// the header line.
func ReadFixtureFile(path string) ([]FixtureRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var out []FixtureRecord
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			continue
		}
		var r FixtureRecord
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		if err := d.Decode(&r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		r.raw, err = base64.StdEncoding.DecodeString(r.Event.B64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: event: %w", path, line, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// LoadFixture replaces the table's content with a fixture's threads
// object (decimal tid -> fields by libsinsp name). Fields and sub-tables
// the host generation lacks are skipped, as on that libsinsp. Sub-tables
// are loaded as given: file_descriptors only holds the fds the fixture
// recorded.
func (t *Table) LoadFixture(threads json.RawMessage) error {
	var m map[string]map[string]any
	if err := decodeOne(threads, &m); err != nil {
		return fmt.Errorf("fixture threads: %w", err)
	}
	if err := t.lock(); err != nil {
		return err
	}
	defer t.unlock()
	tableClear(t.p.c.threads())
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tid, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return fmt.Errorf("fixture threads: bad tid %q", k)
		}
		if err := t.loadThread(tid, m[k]); err != nil {
			return fmt.Errorf("fixture thread %d: %w", tid, err)
		}
	}
	return nil
}

func (t *Table) loadThread(tid int64, fields map[string]any) error {
	e := tablePut(t.p.c.threads(), tid)
	if e == nil {
		return fmt.Errorf("out of memory")
	}
	for name, v := range fields {
		var err error
		switch name {
		case "args", "env":
			err = t.fillList(e, name, stringList(v))
		case "cgroups":
			err = t.fillCgroups(e, cgroupList(v))
		case "file_descriptors":
			err = t.loadFDs(e, v)
		default:
			if f := schemaFind(t.threads, name); f != nil {
				err = setValue(e, f, v)
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (t *Table) loadFDs(e centry, v any) error {
	sub := t.fdTable(e)
	fds, _ := v.(map[string]any)
	if sub == nil || fds == nil {
		return nil
	}
	for k, fv := range fds {
		num, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return fmt.Errorf("bad fd %q", k)
		}
		fe := tablePut(sub, num)
		fields, _ := fv.(map[string]any)
		for name, val := range fields {
			f := schemaFind(t.fds, name)
			if f == nil || (name == "type" && t.p.gen.Libs.Minor < 18) {
				continue
			}
			if err := setValue(fe, f, val); err != nil {
				return fmt.Errorf("fd %d: %s: %w", num, name, err)
			}
		}
	}
	return nil
}

func stringList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func cgroupList(v any) []Cgroup {
	l, _ := v.([]any)
	out := make([]Cgroup, 0, len(l))
	for _, x := range l {
		m, _ := x.(map[string]any)
		first, _ := m["first"].(string)
		second, _ := m["second"].(string)
		out = append(out, Cgroup{first, second})
	}
	return out
}
