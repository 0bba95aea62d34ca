package profile

import (
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// TestFDFixtureReplayAPI32 replays the golden records as an API 3.2 host
// sees them: the same threads, but no fd table. Every fd value rendered
// must be libsinsp's, and a field may lack a value only where the event
// cannot tell it (fdUnknowable); TestFixtureReplay covers API 3.5+ hosts.
func TestFDFixtureReplayAPI32(t *testing.T) {
	fixtures := loadFixtures(t, fixturesDir())
	plans := map[string]*Plan{}
	for _, f := range fdFieldNames {
		plans[f] = mustCompile(t, "%"+f)
	}
	c := NewCtx()
	var checked, rendered, unknown int
	for _, fx := range fixtures {
		if !isFDEvent(fx.rec.Code) {
			continue
		}
		fx.state.noFD = true
		for _, name := range fdFieldNames {
			want, listed := fx.rec.ExpectText[name]
			if !listed {
				continue // fd.l4proto and the custom fields
			}
			checked++
			c.Reset(&fx.ev, fx.state)
			got, ok := plans[name].RenderField(nil, 0, c)
			null := string(fx.rec.Expect[name]) == "null"
			switch {
			case ok && null:
				t.Errorf("%s: %s: libsinsp gives no value, got %q", fx, name, got)
			case ok && string(got) != want:
				t.Errorf("%s: %s: libsinsp gives %q, got %q", fx, name, want, got)
			case ok:
				rendered++
			case !null && !fdUnknowable(fx, name):
				t.Errorf("%s: %s: libsinsp gives %q, got no value", fx, name, want)
			case !null:
				unknown++
			}
		}
		fx.state.noFD = false
	}
	t.Logf("%d fd values checked without fd table: %d rendered as libsinsp, "+
		"%d unknowable", checked, rendered, unknown)
	// The unknowable values are the few openat-with-dirfd and failed
	// connect records; anything more means a regression.
	if rendered == 0 || unknown*20 > rendered+unknown {
		t.Errorf("%d of %d libsinsp values left unknown", unknown,
			rendered+unknown)
	}
}

// fdUnknowable reports whether an API 3.2 host cannot know field name of
// the fixture's event: the fd state that libsinsp keeps but the event does
// not carry.
func fdUnknowable(fx *fixture, name string) bool {
	ev := &fx.ev
	lay, _ := event.FDLayoutOf(ev.Type)
	switch {
	case isConnect(lay):
		res, _ := ev.Int64(lay.Res)
		if res < 0 && res != errInProgress {
			return name != "fd.num" // the socket's state before the call
		}
		return name == "fd.dev" || name == "fd.ino" || name == "fd.l4proto"
	case isOpenat(lay):
		p, _ := ev.String(lay.Path)
		dirfd, _ := ev.Int64(lay.DirFD)
		relative := len(p) > 0 && p[0] != '/'
		return relative && dirfd != atFDCWD && (name == "fd.name" ||
			name == "fd.directory" || name == "fd.filename" ||
			strings.HasPrefix(name, "custom.fd.name."))
	}
	return false
}

// TestFDSeedProfileHealthcheck renders the seed README's file profile
// (seedOpen: process lineage and %fd.name on open, openat and openat2) on
// the health-check capture, on both host generations. The routine reads
// of the job share a few keys that climb, while the payload's read of
// /root/.ssh/id_rsa and nc's read of /etc/shadow get keys of their own,
// seen once: what the sketch needs to report them with count 1.
func TestFDSeedProfileHealthcheck(t *testing.T) {
	var fixtures []*fixture
	for _, fx := range loadFixtures(t, fixturesDir()) {
		if fx.rec.Capture == "healthcheck_600.scap" {
			fixtures = append(fixtures, fx)
		}
	}
	if len(fixtures) == 0 {
		t.Skip("no healthcheck_600 fixture")
	}
	p := mustCompile(t, seedOpen)
	for _, code := range []uint16{event.OpenX, event.OpenatX, event.Openat2X} {
		if err := p.CheckEvent(code); err != nil {
			t.Fatal(err)
		}
	}
	c := NewCtx()
	for _, api32 := range []bool{false, true} {
		counts := map[string]int{}
		for _, fx := range fixtures {
			switch fx.rec.Code {
			case event.OpenX, event.OpenatX, event.Openat2X:
			default:
				continue
			}
			fx.state.noFD = api32
			c.Reset(&fx.ev, fx.state)
			counts[string(Display(nil, p.Render(nil, c)))]++
			fx.state.noFD = false
		}
		rare, top := map[string]int{}, 0
		for key, n := range counts {
			top = max(top, n)
			for _, f := range []string{" /root/.ssh/id_rsa", " /etc/shadow"} {
				if strings.HasSuffix(key, f) {
					rare[f] += n
				}
			}
		}
		if rare[" /root/.ssh/id_rsa"] != 1 || rare[" /etc/shadow"] != 1 {
			t.Errorf("API 3.2 %v: rare reads counted %v, want once each",
				api32, rare)
		}
		if top < 20 {
			t.Errorf("API 3.2 %v: routine reads peak at %d keys, want "+
				"them to share keys", api32, top)
		}
	}
}
