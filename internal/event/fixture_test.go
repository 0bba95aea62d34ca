package event

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fixtureRecord is the part of a golden fixture record this package reads:
// the raw event, its header as recorded, and libsinsp's rendering of the
// fields that come straight from event parameters.
type fixtureRecord struct {
	File    string `json:"-"`
	Line    int    `json:"-"`
	Evtnum  uint64 `json:"evtnum"`
	EvtType string `json:"evt_type"`
	Code    uint16 `json:"code"`
	Event   struct {
		TS      uint64 `json:"ts"`
		Tid     int64  `json:"tid"`
		Len     uint32 `json:"len"`
		NParams uint32 `json:"nparams"`
		B64     string `json:"b64"`
	} `json:"event"`
	Lookup struct {
		FdsQueried []int64 `json:"fds_queried"`
	} `json:"lookup"`
	Expect struct {
		FDNum   *int64  `json:"fd.num"`
		NameRaw *string `json:"fd.nameraw"`
		Dev     *string `json:"fd.dev"`
		Ino     *uint64 `json:"fd.ino"`
		CIP     *string `json:"fd.cip"`
		SIP     *string `json:"fd.sip"`
		CPort   *uint16 `json:"fd.cport"`
		SPort   *uint16 `json:"fd.sport"`
		Type    *string `json:"fd.type"`
		RawRes  *int64  `json:"evt.rawres"`
		Res     *string `json:"evt.res"`
		Name    *string `json:"proc.name"`
		Pid     *int64  `json:"proc.pid"`
	} `json:"expect"`
	raw []byte
}

// fixturesDir is $FIXTURES_DIR, or the shared fixtures next to the
// repository.
func fixturesDir() string {
	if d := os.Getenv("FIXTURES_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "fixtures")
}

// loadFixtures reads every record of every *.jsonl fixture file, skipping
// line 1 of each (the header). It skips the test when there are no
// fixtures.
func loadFixtures(t testing.TB) []fixtureRecord {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixturesDir(), "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no fixtures in %s (set FIXTURES_DIR)", fixturesDir())
	}
	var recs []fixtureRecord
	for _, f := range files {
		recs = append(recs, readFixtureFile(t, f)...)
	}
	return recs
}

func readFixtureFile(t testing.TB, path string) []fixtureRecord {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()

	var recs []fixtureRecord
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			continue
		}
		var r fixtureRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		r.File, r.Line = filepath.Base(path), line
		r.raw, err = base64.StdEncoding.DecodeString(r.Event.B64)
		if err != nil {
			t.Fatalf("%s:%d: event.b64: %v", path, line, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if line < 2 {
		t.Fatalf("%s: no records", path)
	}
	return recs
}
