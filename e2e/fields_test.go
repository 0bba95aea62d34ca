package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
	"github.com/falco-anomalydetection/anomalydetection/internal/profile"
)

// goState is the in-memory profile.State the pure-Go rendering reads: the
// same thread data the host table holds, converted.
type goState struct {
	threads map[int64]*profile.Thread
	fds     map[[2]int64]*profile.FD
}

func (s *goState) Thread(tid int64) (*profile.Thread, bool) {
	t, ok := s.threads[tid]
	return t, ok
}

func (s *goState) FD(t *profile.Thread, fd int64) (*profile.FD, bool) {
	f, ok := s.fds[[2]int64{t.Tid, fd}]
	return f, ok
}

func (s *goState) HasFDTable() bool { return s.fds != nil }

func nulList(items []string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it)
		b.WriteByte(0)
	}
	return b.String()
}

// toGo converts host threads into what the plugin should see on gen. On
// API 3.2 hosts the plugin knows the lists of the threads whose exec it
// saw (execed) only.
func toGo(ths []host.Thread, gen host.Gen, execed int64) *goState {
	s := &goState{threads: map[int64]*profile.Thread{}}
	// libs 0.17's fd table lists the type as uint32 (open flags): the
	// plugin does not use it.
	if gen.HasSubTables() && gen.Libs.Minor != 17 {
		s.fds = map[[2]int64]*profile.FD{}
	}
	for _, h := range ths {
		t := &profile.Thread{
			Tid: h.Tid, Pid: h.Pid, Ptid: h.Ptid, Sid: h.Sid, Vtid: h.Vtid, Vpid: h.Vpid,
			Vpgid: h.Vpgid, Pgid: h.Pgid, Comm: h.Comm, Exe: h.Exe, ExePath: h.ExePath,
			Cwd: h.Cwd, ContainerID: h.ContainerID, Tty: h.Tty, Flags: h.Flags, UID: h.UID,
			GID: h.GID, LoginUID: h.LoginUID, ExeIno: h.ExeIno, ExeInoCtime: h.ExeInoCtime,
			ExeInoMtime: h.ExeInoMtime, ExeWritable: h.ExeWritable,
			ExeUpperLayer: h.ExeUpperLayer, ExeFromMemfd: h.ExeFromMemfd,
			Args: nulList(h.Args), Env: nulList(h.Env),
		}
		if !gen.HasSubTables() {
			// libs 0.14: no lists, no pgid/uid/gid/loginuid/exe_from_memfd,
			// flags, and container_id is static.
			t.Missing = profile.MissingPgid | profile.MissingUID | profile.MissingGID |
				profile.MissingLoginUID | profile.MissingExeFromMemfd
			if h.Tid != execed {
				t.Missing |= profile.MissingArgs | profile.MissingEnv
			}
			t.Flags = 0
		} else if gen.Libs.Minor < 20 {
			// uid, gid, loginuid and pgid came with libs 0.20.
			t.Missing = profile.MissingPgid | profile.MissingUID | profile.MissingGID |
				profile.MissingLoginUID
		}
		s.threads[h.Tid] = t
		for _, f := range h.FDs {
			if s.fds != nil {
				s.fds[[2]int64{h.Tid, f.Num}] = &profile.FD{Num: f.Num, Type: f.Type,
					Flags: f.Flags, Dev: f.Dev, Ino: f.Ino, Name: f.Name, NameRaw: f.NameRaw}
			}
		}
	}
	return s
}

// fieldsTree is a containerised process tree with every member set.
func fieldsTree() []host.Thread {
	mk := func(tid, ptid, sid, vpgid int64, comm string) host.Thread {
		return host.Thread{
			Tid: tid, Pid: tid, Ptid: ptid, Sid: sid, Vtid: tid, Vpid: tid, Vpgid: vpgid,
			Pgid: vpgid, Comm: comm, Exe: comm + "-exe", ExePath: "/usr/bin/" + comm,
			Cwd: "/work/", Root: "/", ContainerID: "3ad7b26ded6d", Tty: 34816,
			Flags: 1 << 30, UID: 1000, GID: 1000, LoginUID: 1000, ExeIno: 42,
			ExeInoCtime: 1700000000000000000, ExeInoMtime: 1690000000000000000,
			ExeWritable: true, ExeUpperLayer: true,
			Args: []string{"-x", comm}, Env: []string{"HOME=/home/u", "LANG=C"},
			FDs: []host.FD{{Num: 3, Type: 1, Name: "/work/out.txt", NameRaw: "out.txt"}},
		}
	}
	return []host.Thread{
		mk(1, 0, 1, 1, "systemd"), mk(100, 1, 100, 100, "containerd"),
		mk(200, 100, 200, 200, "bash"), mk(300, 200, 200, 300, "make"),
		mk(400, 300, 200, 300, "cc"),
	}
}

// argFor gives each field kind an argument to exercise.
func argFor(f profile.Field) string {
	switch f.Arg {
	case profile.ArgIndexRequired:
		return "[2]"
	case profile.ArgIndexOptional:
		return "[1]"
	case profile.ArgKeyOptional:
		return "[HOME]"
	}
	return ""
}

// TestEveryFieldThroughABI renders every profile field through the built
// library on each host generation and compares it with the pure-Go
// rendering of the same state: the C reads, list handling and result
// passing must not change a value. (libsinsp parity of the rendering
// itself is the golden replay's job.)
func TestEveryFieldThroughABI(t *testing.T) {
	exec := event.EncodeExecve(event.ExecEvent{TS: 5, Tid: 400, Pid: 400, Ptid: 300, Exe: "cc-exe",
		Args: []string{"-x", "cc"}, Env: []string{"HOME=/home/u", "LANG=C"}, Comm: "cc"})
	open := event.EncodeOpenat(event.FileEvent{TS: 6, Tid: 400, FD: 3, DirFD: -100, Path: "out.txt"})
	for _, g := range gens {
		t.Run(g.String(), func(t *testing.T) {
			var fields []string
			var codes []uint16
			for _, f := range profile.Fields() {
				code := event.ExecveX
				if f.Events != nil && !f.Events(code) {
					code = event.OpenatX
				}
				fields = append(fields, f.Name+argFor(f))
				codes = append(codes, code)
			}
			p := openInit(t, g, everyFieldConfig(fields, codes))
			defer p.Destroy()
			tree := fieldsTree()
			for _, th := range tree {
				if err := p.Threads().PutThread(th); err != nil {
					t.Fatal(err)
				}
			}
			st := toGo(tree, g, 400)
			ctx := profile.NewCtx()
			for _, raw := range [][]byte{exec, open} {
				ev, _ := event.Decode(raw)
				if err := p.Parse(raw, uint64(ev.TS)); err != nil {
					t.Fatal(err)
				}
				for i, f := range fields {
					if codes[i] != ev.Type {
						continue
					}
					plan, err := profile.Compile("%" + f)
					if err != nil {
						t.Fatal(err)
					}
					ctx.Reset(&ev, st)
					want := string(profile.Display(nil, plan.Render(nil, ctx)))
					got, ok := extractText(t, p, raw, uint64(ev.TS), fmt.Sprintf("anomaly.count_min_sketch.profile[%d]", i))
					if !ok || got != want {
						t.Errorf("%s: through the ABI %q (%v), in Go %q", f, got, ok, want)
					}
				}
			}
		})
	}
}

func everyFieldConfig(fields []string, codes []uint16) string {
	var profiles, shapes []string
	for i, f := range fields {
		profiles = append(profiles, fmt.Sprintf(`{"fields": "%%%s", "event_codes": [%d]}`, f, codes[i]))
		shapes = append(shapes, "[1, 16]")
	}
	return fmt.Sprintf(`{"count_min_sketch": {"enabled": true, "rows_cols": [%s], "behavior_profiles": [%s]}}`,
		strings.Join(shapes, ","), strings.Join(profiles, ","))
}
