package profile

import "github.com/falco-anomalydetection/anomalydetection/internal/event"

// MaxWalk bounds every walk up the process tree that has no index to
// bound it: the session and process-group leader searches. libsinsp has no
// depth limit there and breaks cycles by detecting them; a corrupt table
// could still make such a walk long, so this package stops after MaxWalk
// steps instead. Real trees are far shallower (Linux nests pid namespaces
// 32 deep, and process trees rarely pass 30 levels). Index arguments, which
// bound the other walks, are limited to MaxWalk by Compile.
const MaxWalk = 4096

// memoSize is how many distinct tids a Ctx remembers per event. The seed
// profiles touch at most eight; further lookups go to the State, which
// caches per event itself.
const memoSize = 16

// ancCache is how many ancestors (0 = the process itself) a Ctx remembers.
// Deeper ancestors are recomputed from the deepest remembered one.
const ancCache = 16

// memoEntry remembers one State.Thread answer; a nil t means "not found".
type memoEntry struct {
	tid int64
	t   *Thread
}

// Ctx carries what an evaluator needs for one event: the event, the state
// and the event thread, plus what the evaluators resolved so far (the main
// thread, the ancestor chain, every tid looked up). The plugin keeps one
// Ctx, calls Reset once per event and shares it between every plan it
// renders for that event, so each table entry is read at most once.
//
// A Ctx is not safe for concurrent use. Its zero value is ready after
// Reset. It keeps pointers into the State's per-event storage: Reset it
// before the State reuses that storage.
type Ctx struct {
	// Ev is the event being processed; Reset points it at a copy of the
	// caller's event owned by the Ctx.
	Ev *event.Event
	// St is the host's thread state for this event.
	St State
	// Thread is the event thread's entry, nil when the table has none.
	Thread *Thread

	ev      event.Event
	lookups int
	missed  int
	// need is what the field being rendered reads (its Needs).
	need Need

	main     *Thread
	mainDone bool

	// anc[0:nanc] are ancestors 0..nanc-1, all non-nil; ancEnd says the
	// chain ends right after them.
	anc    [ancCache]*Thread
	nanc   int
	ancEnd bool

	memo  [memoSize]memoEntry
	nmemo int
}

// NewCtx returns an empty Ctx. Call Reset before using it.
func NewCtx() *Ctx { return new(Ctx) }

// Reset prepares c for a new event: it forgets everything resolved for
// the previous one, copies ev (the Ctx does not keep the pointer, only the
// event's bytes, which must stay valid until processing ends) and looks
// up the event thread in st. Reset does not allocate.
func (c *Ctx) Reset(ev *event.Event, st State) {
	*c = Ctx{St: st}
	if ev != nil {
		c.ev = *ev
		c.Ev = &c.ev
		c.Thread = c.lookup(ev.Tid)
	}
}

// Lookups returns how many times the Ctx called State.Thread since the
// last Reset, the event thread's lookup included. Each call is a host
// table read for the plugin.
func (c *Ctx) Lookups() int { return c.lookups }

// Missed returns how many of those lookups found no entry. A rendering
// that met a missing entry may change without any event (libsinsp adds
// entries it learns of from /proc), so it is not worth keeping.
func (c *Ctx) Missed() int { return c.missed }

// lookup returns the entry for tid, or nil. Answers are remembered for
// the event, misses included. tids below 1 are never looked up: the
// kernel never assigns them, and libsinsp uses 0 and -1 for "no parent".
func (c *Ctx) lookup(tid int64) *Thread {
	if tid <= 0 || c.St == nil {
		return nil
	}
	for i := 0; i < c.nmemo; i++ {
		if c.memo[i].tid == tid {
			if c.memo[i].t == nil {
				c.missed++
			}
			return c.memo[i].t
		}
	}
	c.lookups++
	t, ok := c.St.Thread(tid)
	if !ok {
		t = nil
		c.missed++
	}
	if c.nmemo < memoSize {
		c.memo[c.nmemo] = memoEntry{tid: tid, t: t}
		c.nmemo++
	}
	return t
}

// isMain reports whether t is the main thread of its process, by
// libsinsp's rule: its tid is its pid, or the host flagged it.
func isMain(t *Thread) bool {
	return t.Tid == t.Pid || t.Flags&FlagIsMainThread != 0
}

// mainOf returns the main thread of t's process, or nil when the table
// has none (t may then be a thread whose leader is gone, or a fake entry
// with pid -1).
func (c *Ctx) mainOf(t *Thread) *Thread {
	if t == nil {
		return nil
	}
	if isMain(t) {
		return t
	}
	return c.lookup(t.Pid)
}

// MainThread returns the main thread of the event thread's process: the
// event thread itself when it is the main thread, otherwise the entry of
// its pid, or nil when the table has none. libsinsp takes a process's
// cwd and environment from it.
func (c *Ctx) MainThread() *Thread {
	if !c.mainDone {
		c.main = c.mainOf(c.Thread)
		c.mainDone = true
	}
	return c.main
}

// parentProcess returns the main thread of the parent of t, which should
// itself be a main thread: one step of libsinsp's ancestor walk.
func (c *Ctx) parentProcess(t *Thread) *Thread {
	return c.mainOf(c.lookup(t.Ptid))
}

// nextAncestor returns ancestor i+1 given t, ancestor i. It uses and
// extends the remembered chain, so walking the chain step by step costs
// one step each.
func (c *Ctx) nextAncestor(i int, t *Thread) *Thread {
	j := i + 1
	if j < c.nanc {
		return c.anc[j]
	}
	if j == c.nanc && c.ancEnd {
		return nil
	}
	p := c.parentProcess(t)
	if j == c.nanc && j < ancCache {
		if p == nil {
			c.ancEnd = true
		} else {
			c.anc[j] = p
			c.nanc++
		}
	}
	return p
}

// ancestor0 returns ancestor 0, the main thread, and records it as the
// start of the chain.
func (c *Ctx) ancestor0() *Thread {
	if c.nanc > 0 {
		return c.anc[0]
	}
	m := c.MainThread()
	if m != nil {
		c.anc[0] = m
		c.nanc = 1
	}
	return m
}

// ancestor returns the event process's n-th ancestor as libsinsp's
// get_ancestor_process walks it: from the main thread, n times to the
// main thread of the parent entry. Ancestor 0 is the process itself. It
// returns nil when an entry on the way is missing.
func (c *Ctx) ancestor(n int) *Thread {
	t := c.ancestor0()
	i := 0
	if n > 0 && c.nanc > 1 {
		i = min(n, c.nanc-1)
		t = c.anc[i]
	}
	for ; t != nil && i < n; i++ {
		t = c.nextAncestor(i, t)
	}
	return t
}

// loaded loads the members n of t and returns true, for use in
// conditions.
func loaded(t *Thread, n Need) bool {
	t.Load(n)
	return true
}

// inPidNS reports whether t lives in a child pid namespace, by libsinsp's
// rule: the host flagged it, or its virtual tid differs from its tid. The
// caller has loaded NeedIDs.
func inPidNS(t *Thread) bool {
	return t.Flags&FlagChildInPidNS != 0 || (t.Tid != t.Vtid && t.Vtid >= 0)
}

// leader returns the leader of the event thread's session (idOf = sid)
// or process group (idOf = vpgid) by libsinsp's
// get_oldest_matching_ancestor: outside a pid namespace the entry whose
// tid is the id, when the table has it; otherwise the oldest entry of the
// unbroken run of ancestors, through each thread's own ptid and starting
// at the parent, that share the id. It returns nil when the id is -1 or no
// entry qualifies.
//
// On a corrupt table whose ptid chain loops, the walk stops once it has
// seen the loop (Brent's method, which needs no extra lookups) and after
// MaxWalk steps in any case. libsinsp detects loops with two pointers
// instead, so on such a table the two may name different leaders.
func (c *Ctx) leader(idOf func(*Thread) int64) *Thread {
	t := c.Thread
	if t == nil {
		return nil
	}
	if t.Load(NeedIDs); idOf(t) == -1 {
		return nil
	}
	id := idOf(t)
	if !inPidNS(t) {
		if l := c.lookup(id); l != nil {
			return l
		}
	}
	var found *Thread
	p := c.lookup(t.Ptid)
	loop := loopCheck{}
	for n := 0; p != nil && p.Tid != -1 && loaded(p, NeedIDs) && idOf(p) == id; n++ {
		found = p
		if n == MaxWalk || loop.seen(p.Tid) {
			break
		}
		p = c.lookup(p.Ptid)
	}
	return found
}

// loopCheck detects a loop in a sequence of tids with Brent's method: it
// remembers the tid at each power-of-two step and reports when the
// sequence comes back to it, within three times the length of the
// sequence up to the end of its first loop.
type loopCheck struct {
	mark        int64
	power, step int
}

// seen records tid and reports whether the sequence has looped.
func (l *loopCheck) seen(tid int64) bool {
	if l.power == 0 {
		l.mark, l.power = tid, 1
		return false
	}
	if tid == l.mark {
		return true
	}
	l.step++
	if l.step == l.power {
		l.mark, l.power, l.step = tid, 2*l.power, 0
	}
	return false
}
