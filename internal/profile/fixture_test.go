package profile

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// fixtureRecord is one line (after the header) of a golden fixture file.
type fixtureRecord struct {
	Capture string `json:"capture"`
	Evtnum  uint64 `json:"evtnum"`
	EvtType string `json:"evt_type"`
	Code    uint16 `json:"code"`
	Event   struct {
		B64 string `json:"b64"`
		Tid int64  `json:"tid"`
	} `json:"event"`
	Threads map[string]map[string]json.RawMessage `json:"threads"`
	Lookup  struct {
		MissingTids []int64 `json:"missing_tids"`
	} `json:"lookup"`
	Expect     map[string]json.RawMessage `json:"expect"`
	ExpectText map[string]string          `json:"expect_text"`
}

// fixture is a decoded record: the state and event it describes.
type fixture struct {
	rec   fixtureRecord
	state *memState
	raw   []byte
	ev    event.Event
}

func (f *fixture) String() string {
	return fmt.Sprintf("%s evt %d (%s)", f.rec.Capture, f.rec.Evtnum,
		f.rec.EvtType)
}

// fixturesDir returns $FIXTURES_DIR or the shared fixtures folder.
func fixturesDir() string {
	if d := os.Getenv("FIXTURES_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "fixtures")
}

// loadFixtures reads every record of every *.jsonl file in dir.
func loadFixtures(t testing.TB, dir string) []*fixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no *.jsonl fixtures in %s", dir)
	}
	var out []*fixture
	for _, name := range files {
		fs, err := loadFixtureFile(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, fs...)
	}
	return out
}

// loadFixtureFile reads one JSON Lines file; line 1 is the header.
func loadFixtureFile(name string) ([]*fixture, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	var out []*fixture
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			continue
		}
		fx, err := decodeFixture(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, fx)
	}
	return out, sc.Err()
}

// decodeFixture decodes one record line into its state and event.
func decodeFixture(line []byte) (*fixture, error) {
	dec := json.NewDecoder(strings.NewReader(string(line)))
	dec.UseNumber()
	fx := &fixture{state: newMemState()}
	if err := dec.Decode(&fx.rec); err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(fx.rec.Event.B64)
	if err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	fx.raw = raw
	if fx.ev, err = event.Decode(raw); err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	for key, fields := range fx.rec.Threads {
		if err := fx.addThread(key, fields); err != nil {
			return nil, fmt.Errorf("threads[%s]: %w", key, err)
		}
	}
	for _, tid := range fx.rec.Lookup.MissingTids {
		if _, ok := fx.state.threads[tid]; ok {
			return nil, fmt.Errorf("tid %d both present and missing", tid)
		}
	}
	return fx, nil
}

// addThread converts one threads entry, with its file descriptors.
func (fx *fixture) addThread(key string, raw map[string]json.RawMessage) error {
	tid, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return err
	}
	t, err := threadFromFixture(raw)
	if err != nil {
		return err
	}
	if t.Tid != tid {
		return fmt.Errorf("key %d holds tid %d", tid, t.Tid)
	}
	fx.state.add(t)
	fdsRaw, ok := raw["file_descriptors"]
	if !ok {
		return nil
	}
	var fds map[string]map[string]json.RawMessage
	if err := json.Unmarshal(fdsRaw, &fds); err != nil {
		return fmt.Errorf("file_descriptors: %w", err)
	}
	table := map[int64]*FD{}
	for k, v := range fds {
		num, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return fmt.Errorf("file_descriptors: %w", err)
		}
		fd, err := fdFromFixture(num, v)
		if err != nil {
			return fmt.Errorf("file_descriptors[%d]: %w", num, err)
		}
		table[num] = &fd
	}
	fx.state.fds[tid] = table
	return nil
}

// fixtureReader decodes typed members of a fixture object, keeping the
// first error.
type fixtureReader struct {
	raw map[string]json.RawMessage
	err error
}

func (r *fixtureReader) get(key string, v any) {
	if r.err != nil {
		return
	}
	m, ok := r.raw[key]
	if !ok {
		r.err = fmt.Errorf("no %q", key)
		return
	}
	if err := json.Unmarshal(m, v); err != nil {
		r.err = fmt.Errorf("%s: %w", key, err)
	}
}

// list decodes a list of strings into the NUL-terminated form of
// Thread.Args and Thread.Env.
func (r *fixtureReader) list(key string) string {
	var items []string
	r.get(key, &items)
	var b strings.Builder
	for _, s := range items {
		if strings.IndexByte(s, 0) >= 0 && r.err == nil {
			r.err = fmt.Errorf("%s: entry with NUL", key)
		}
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.String()
}

// threadFromFixture converts a threads entry into a Thread. Typed
// decoding keeps 64-bit integers exact. The fixtures come from a host
// with every field, and no container engine: ContainerID stays "".
func threadFromFixture(raw map[string]json.RawMessage) (*Thread, error) {
	r := &fixtureReader{raw: raw}
	t := &Thread{}
	for key, p := range map[string]*int64{"tid": &t.Tid, "pid": &t.Pid,
		"ptid": &t.Ptid, "sid": &t.Sid, "vtid": &t.Vtid, "vpid": &t.Vpid,
		"vpgid": &t.Vpgid, "pgid": &t.Pgid} {
		r.get(key, p)
	}
	for key, p := range map[string]*string{"comm": &t.Comm, "exe": &t.Exe,
		"exe_path": &t.ExePath, "cwd": &t.Cwd} {
		r.get(key, p)
	}
	for key, p := range map[string]*uint32{"tty": &t.Tty, "flags": &t.Flags,
		"uid": &t.UID, "gid": &t.GID, "loginuid": &t.LoginUID} {
		r.get(key, p)
	}
	for key, p := range map[string]*uint64{"exe_ino": &t.ExeIno,
		"exe_ino_ctime": &t.ExeInoCtime, "exe_ino_mtime": &t.ExeInoMtime} {
		r.get(key, p)
	}
	for key, p := range map[string]*bool{"exe_writable": &t.ExeWritable,
		"exe_upper_layer": &t.ExeUpperLayer,
		"exe_from_memfd":  &t.ExeFromMemfd} {
		r.get(key, p)
	}
	t.Args = r.list("args")
	t.Env = r.list("env")
	return t, r.err
}

// fieldStat counts the checks of one field in the replay.
type fieldStat struct {
	checked, mismatches int
}

// TestFixtureReplay renders every supported field of every golden record
// alone and compares it with libsinsp's own rendering.
func TestFixtureReplay(t *testing.T) {
	fixtures := loadFixtures(t, fixturesDir())
	stats := map[string]*fieldStat{}
	unsupported := map[string]int{}
	plans := map[string]*Plan{}
	c := NewCtx()
	for _, fx := range fixtures {
		for name, want := range fx.rec.ExpectText {
			p, err := fixturePlan(plans, name)
			if errors.Is(err, ErrUnknownField) {
				unsupported[name]++
				continue
			}
			if err != nil {
				t.Fatalf("%s: field %s: %v", fx, name, err)
			}
			st := stats[name]
			if st == nil {
				st = &fieldStat{}
				stats[name] = st
			}
			st.checked++
			if msg := checkField(c, fx, p, name, want); msg != "" {
				st.mismatches++
				t.Errorf("%s: %s", fx, msg)
			}
		}
		checkEvtType(t, c, fx, stats)
	}
	logStats(t, len(fixtures), stats, unsupported)
}

// fixturePlan compiles (once) the one-field plan for name.
func fixturePlan(plans map[string]*Plan, name string) (*Plan, error) {
	if p, ok := plans[name]; ok {
		return p, nil
	}
	p, err := Compile("%" + name)
	if err == nil {
		plans[name] = p
	}
	return p, err
}

// checkField renders the one field of p on fx and returns a description
// of the difference from libsinsp's, or "".
func checkField(c *Ctx, fx *fixture, p *Plan, name, want string) string {
	c.Reset(&fx.ev, fx.state)
	got, ok := p.RenderField(nil, 0, c)
	// The plugin reads only the members the plan declares: rendering
	// from such a table must give the same result.
	c.Reset(&fx.ev, maskedState{fx.state, p.Needs()})
	masked, maskedOK := p.RenderField(nil, 0, c)
	if maskedOK != ok || string(masked) != string(got) {
		return fmt.Sprintf("%s: Needs incomplete: %q (%v) with all "+
			"members, %q (%v) with the declared ones",
			name, got, ok, masked, maskedOK)
	}
	// The plugin may also read members only when a field loads them.
	c.Reset(&fx.ev, lazyState{fx.state})
	lazy, lazyOK := p.RenderField(nil, 0, c)
	if lazyOK != ok || string(lazy) != string(got) {
		return fmt.Sprintf("%s: a member read without Load: %q (%v) with all "+
			"members, %q (%v) loading on demand", name, got, ok, lazy, lazyOK)
	}
	null := string(fx.rec.Expect[name]) == "null"
	switch {
	case null && ok:
		return fmt.Sprintf("%s: libsinsp gives no value, got %q", name, got)
	case !null && !ok:
		return fmt.Sprintf("%s: libsinsp gives %q, got no value", name, want)
	case !null && string(got) != want:
		return fmt.Sprintf("%s: libsinsp gives %q, got %q", name, want, got)
	}
	return ""
}

// checkEvtType checks evt.type against the record's evt_type, which
// libsinsp wrote from the same event.
func checkEvtType(t *testing.T, c *Ctx, fx *fixture, stats map[string]*fieldStat) {
	p, err := Compile("%evt.type")
	if err != nil {
		t.Fatal(err)
	}
	st := stats["evt.type"]
	if st == nil {
		st = &fieldStat{}
		stats["evt.type"] = st
	}
	st.checked++
	if msg := checkField(c, fx, p, "evt.type", fx.rec.EvtType); msg != "" {
		st.mismatches++
		t.Errorf("%s: %s", fx, msg)
	}
}

// logStats prints the per-field table and the unsupported fields.
func logStats(t *testing.T, records int, stats map[string]*fieldStat,
	unsupported map[string]int) {
	names := make([]string, 0, len(stats))
	for n := range stats {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%d records\n%-28s %8s %10s\n", records, "field",
		"checked", "mismatches")
	total := 0
	for _, n := range names {
		fmt.Fprintf(&b, "%-28s %8d %10d\n", n, stats[n].checked,
			stats[n].mismatches)
		total += stats[n].checked
	}
	fmt.Fprintf(&b, "%-28s %8d\n", "total", total)
	var un []string
	for n := range unsupported {
		un = append(un, n)
	}
	sort.Strings(un)
	fmt.Fprintf(&b, "unsupported (%d): %s", len(un), strings.Join(un, " "))
	t.Log(b.String())
}
