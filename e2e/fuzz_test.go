package e2e

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

// FuzzParseEvent sends arbitrary event bodies through plugin_parse_event
// and the rule's extractions, under every code the seed configuration
// parses: the counted ones (decoded in Go) and the state events the C
// parse entry reads itself (clone results, thread ids). The plugin must
// neither crash nor break the API contract, whatever the parameters say,
// and keep counting well-formed events afterwards.
func FuzzParseEvent(f *testing.F) {
	p := openInit(f, host.Gen312, seedConfig)
	defer p.Destroy()
	tid := loadTree(f, p)
	codes := append(p.ParseTypes(), 3, 293, 307)
	f.Add(uint16(0), uint32(2), []byte{8, 0, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0})
	f.Add(uint16(1), uint32(0), []byte{})
	f.Add(uint16(2), uint32(5), []byte{0xff, 0xff, 1, 2, 3})
	f.Add(uint16(3), uint32(1), []byte{8, 0, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add(uint16(4), uint32(0xffffffff), []byte{8, 0, 1, 2, 3, 4, 5, 6, 7, 8})
	// A successful execve the C exec path counts, for the fuzzer to bend.
	exec := event.EncodeExecve(event.ExecEvent{TS: 1, Tid: tid, Pid: tid, Ptid: 1006,
		Exe: "app", Args: []string{"-x", "y"}, Comm: "app"})
	f.Add(uint16(len(codes)-2), binary.LittleEndian.Uint32(exec[22:]), exec[event.HeaderSize:])
	good := event.EncodeOpenat(event.FileEvent{TS: 1, Tid: tid, FD: 3, DirFD: -100, Path: path60("data.db")})
	num := uint64(1 << 20)
	f.Fuzz(func(t *testing.T, pick uint16, nparams uint32, body []byte) {
		code := codes[int(pick)%len(codes)]
		raw := make([]byte, event.HeaderSize, event.HeaderSize+len(body))
		binary.LittleEndian.PutUint64(raw[0:], 5)
		binary.LittleEndian.PutUint64(raw[8:], uint64(tid))
		binary.LittleEndian.PutUint16(raw[20:], code)
		binary.LittleEndian.PutUint32(raw[22:], nparams)
		raw = append(raw, body...)
		binary.LittleEndian.PutUint32(raw[16:], uint32(len(raw)))
		num++
		_ = p.Parse(raw, num) // a failure is allowed, a crash or violation is not
		for _, f := range ruleFields(1) {
			if _, _, err := p.Extract(raw, num, f); err != nil && !isPluginFailure(err) {
				t.Fatalf("code %d: %s: %v", code, f, err)
			}
		}
		num++
		if err := p.Parse(good, num); err != nil {
			t.Fatalf("after code %d: %v", code, err)
		}
		if v, ok, err := p.Extract(good, num, "anomaly.count_min_sketch[1]"); err != nil || !ok || v.Text() == "0" {
			t.Fatalf("after code %d: count %q %v %v", code, v.Text(), ok, err)
		}
	})
}

// isPluginFailure reports whether err is the plugin's own FAILURE return,
// which libsinsp shows as no value; violations and crashes are not.
func isPluginFailure(err error) bool { return errors.Is(err, host.ErrPluginFailure) }
