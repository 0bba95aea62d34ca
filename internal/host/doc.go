// Package host is the in-repo plugin host: a test harness that loads a
// Falco plugin library and drives it through its C ABI the way libsinsp
// does, failing wherever libsinsp would reject the plugin, and in a few
// places where a real Falco would only corrupt memory or crash later.
//
// # Use
//
//	lib, err := host.BuildLibrary(dir)          // or $AD_PLUGIN_LIB
//	p, err := host.Open(lib, host.Gen32)        // load-time checks
//	err = p.Init(configJSON)                    // schema, init, event types
//	err = p.Threads().PutThread(host.Thread{Tid: 42, Pid: 42, Comm: "sh"})
//	err = p.Parse(raw, evtnum)                  // parse before extract
//	v, ok, err := p.Extract(raw, evtnum, "anomaly.count_min_sketch[0]")
//	err = p.Destroy()
//
// Events are raw bytes in the driver layout (internal/event.Encode builds
// them). Fixture records (ReadFixtureFile) load into the threads table with
// Table.LoadFixture.
//
// # Generations
//
// A Gen fixes what the host offers: the plugin API version (and so the size
// of every input struct), the threads table fields of that libs release,
// sub-tables, the log callback, the static or dynamic container_id and the
// event schema check. Gen32 (Falco 0.37), Gen35 (0.38.0), Gen311 (0.41) and
// Gen312 (0.42+) are provided. Each input struct the plugin receives (init,
// init tables, extract, extract field, parse, and the event itself) ends
// exactly at a PROT_NONE guard page, so reading a member the generation
// lacks, or a byte past the event, crashes the test instead of reading
// garbage.
//
// # Process model
//
// A Go test binary that loads a Go c-shared library holds two Go runtimes.
// The library is opened with RTLD_NOW|RTLD_LOCAL|RTLD_DEEPBIND, and every
// function the plugin can call back (table vtables, the owner's last error,
// the log callback) is plain C in this package: the plugin's runtime never
// calls into the test binary's. Plugin states cross to Go as integers
// (a Go plugin returns handles, not pointers).
//
// # Contract checks
//
// Besides libsinsp's load and init checks, each call is checked for: table
// entries handed out by get_entry/add_entry and not released before the call
// returns; entries made by create_entry neither added nor destroyed; table
// functions called in the wrong phase (get_table or get_field after init,
// writes during extraction, anything between calls); sub-table accessors
// used after the call that read them; released entries used after removal;
// field accessors or entries of another table; bytes written to stdout; a
// non-list field returning several values. Each is reported as an error
// wrapping ErrViolation from the call in which it happened.
//
// # Limits
//
// The host drives extraction and parsing on the syscall source only; it
// refuses plugins with the sourcing, async or capture-listening capability
// rather than silently not exercising them, and it does not support
// plugin-owned tables (add_table fails). Table keys are 64-bit integers (no
// string-keyed tables such as the container plugin's "containers"). The
// socket fields of a file_descriptors entry are stored independently,
// while libsinsp overlays them in a union. The stdout check covers calls
// into the plugin only (see WithoutStdoutCheck). Allocations made inside a
// Go plugin happen in its own runtime and do not show in the test binary's
// benchmark allocation counts.
package host
