/*
 * hostcall.c: loading a plugin library and calling into it the way
 * libsinsp does, with every input struct laid out for the host generation
 * and placed so that it ends exactly at a PROT_NONE guard page.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

static const struct {
	const char *name;
	uint32_t since; /* the API minor whose hosts resolve it */
} syms[HT_NSYM] = {
	[HT_SYM_GET_REQUIRED_API_VERSION] = {"get_required_api_version", 0},
	[HT_SYM_GET_VERSION] = {"get_version", 0},
	[HT_SYM_GET_NAME] = {"get_name", 0},
	[HT_SYM_GET_DESCRIPTION] = {"get_description", 0},
	[HT_SYM_GET_CONTACT] = {"get_contact", 0},
	[HT_SYM_GET_LAST_ERROR] = {"get_last_error", 0},
	[HT_SYM_INIT] = {"init", 0},
	[HT_SYM_DESTROY] = {"destroy", 0},
	[HT_SYM_GET_INIT_SCHEMA] = {"get_init_schema", 0},
	[HT_SYM_GET_FIELDS] = {"get_fields", 0},
	[HT_SYM_EXTRACT_FIELDS] = {"extract_fields", 0},
	[HT_SYM_GET_EXTRACT_EVENT_SOURCES] = {"get_extract_event_sources", 0},
	[HT_SYM_GET_EXTRACT_EVENT_TYPES] = {"get_extract_event_types", 0},
	[HT_SYM_PARSE_EVENT] = {"parse_event", 0},
	[HT_SYM_GET_PARSE_EVENT_SOURCES] = {"get_parse_event_sources", 0},
	[HT_SYM_GET_PARSE_EVENT_TYPES] = {"get_parse_event_types", 0},
	[HT_SYM_GET_ID] = {"get_id", 0},
	[HT_SYM_GET_EVENT_SOURCE] = {"get_event_source", 0},
	[HT_SYM_OPEN] = {"open", 0},
	[HT_SYM_CLOSE] = {"close", 0},
	[HT_SYM_NEXT_BATCH] = {"next_batch", 0},
	[HT_SYM_GET_PROGRESS] = {"get_progress", 0},
	[HT_SYM_EVENT_TO_STRING] = {"event_to_string", 0},
	[HT_SYM_LIST_OPEN_PARAMS] = {"list_open_params", 0},
	[HT_SYM_GET_ASYNC_EVENTS] = {"get_async_events", 0},
	[HT_SYM_GET_ASYNC_EVENT_SOURCES] = {"get_async_event_sources", 0},
	[HT_SYM_SET_ASYNC_EVENT_HANDLER] = {"set_async_event_handler", 0},
	[HT_SYM_SET_CONFIG] = {"set_config", 4},
	[HT_SYM_GET_METRICS] = {"get_metrics", 6},
	[HT_SYM_CAPTURE_OPEN] = {"capture_open", 7},
	[HT_SYM_CAPTURE_CLOSE] = {"capture_close", 7},
	[HT_SYM_DUMP_STATE] = {"dump_state", 10},
	[HT_SYM_GET_REQUIRED_EVENT_SCHEMA_VERSION] =
		{"get_required_event_schema_version", 12},
};

const char *ht_sym_name(int i) { return syms[i].name; }

uint32_t ht_sym_since(int i) { return syms[i].since; }

int ht_has(ht_host *h, int i) { return h->sym[i] != NULL; }

/* ht_set_name sets the component name log records default to. */
void ht_set_name(ht_host *h, const char *name)
{
	snprintf(h->name, sizeof h->name, "%s", name);
}

/* ht_parse_version reads "M.m.p" with sscanf's %u, as libsinsp does, so
 * the host accepts and refuses exactly the strings libsinsp does. */
int ht_parse_version(const char *s, uint32_t out[3])
{
	unsigned a, b, c;

	if (!s || sscanf(s, "%u.%u.%u", &a, &b, &c) != 3)
		return 0;
	out[0] = a;
	out[1] = b;
	out[2] = c;
	return 1;
}

static void log_fn(abi_owner *o, const char *component, const char *msg,
		   abi_log_sev sev)
{
	ht_host *h = o;
	ht_log *l;

	if (!h)
		return;
	pthread_mutex_lock(&h->log_mu);
	if (sev < ABI_LOG_FATAL || sev > ABI_LOG_TRACE)
		h->log_bad_sev++;
	if (h->nlogs == h->caplogs) {
		uint32_t cap = h->caplogs ? h->caplogs * 2 : 16;
		ht_log *n = realloc(h->logs, cap * sizeof *n);

		if (!n)
			goto out;
		h->logs = n;
		h->caplogs = cap;
	}
	l = &h->logs[h->nlogs++];
	l->component = strdup(component ? component : h->name);
	l->msg = strdup(msg ? msg : "");
	l->sev = sev;
out:
	pthread_mutex_unlock(&h->log_mu);
}

uint32_t ht_log_count(ht_host *h)
{
	uint32_t n;

	pthread_mutex_lock(&h->log_mu);
	n = h->nlogs;
	pthread_mutex_unlock(&h->log_mu);
	return n;
}

/* ht_log_get returns record i. Records are never freed before ht_free. */
int ht_log_get(ht_host *h, uint32_t i, const char **comp, const char **msg,
	       uint32_t *sev)
{
	int ok = 0;

	pthread_mutex_lock(&h->log_mu);
	if (i < h->nlogs) {
		*comp = h->logs[i].component;
		*msg = h->logs[i].msg;
		*sev = h->logs[i].sev;
		ok = 1;
	}
	pthread_mutex_unlock(&h->log_mu);
	return ok;
}

/* page_size is the system's page size, asked once: the event path calls
 * guard_get several times per event, and sysconf is not free. */
static size_t page_size(void)
{
	static size_t page;
	size_t p = __atomic_load_n(&page, __ATOMIC_RELAXED);

	if (p == 0) {
		p = (size_t)sysconf(_SC_PAGESIZE);
		__atomic_store_n(&page, p, __ATOMIC_RELAXED);
	}
	return p;
}

static void guard_free(ht_guard *g)
{
	if (g->base)
		munmap(g->base, g->usable + page_size());
	g->base = NULL;
	g->usable = 0;
}

void ht_free(ht_host *h)
{
	if (!h)
		return;
	ht_free_tables(h);
	guard_free(&h->g_init);
	guard_free(&h->g_tables);
	guard_free(&h->g_extract);
	guard_free(&h->g_field);
	guard_free(&h->g_parse);
	guard_free(&h->g_event);
	for (uint32_t i = 0; i < h->nlogs; i++) {
		free(h->logs[i].component);
		free(h->logs[i].msg);
	}
	free(h->logs);
	pthread_mutex_destroy(&h->log_mu);
	if (h->lib)
		dlclose(h->lib);
	free(h);
}

/* ht_open loads the library and resolves the symbols a host of this API
 * minor knows. It returns NULL or the dlerror text. */
const char *ht_open(ht_host *h, const char *path, int deepbind)
{
	int flags = RTLD_NOW | RTLD_LOCAL;
	char sym[96];

	if (deepbind)
		flags |= RTLD_DEEPBIND;
	h->lib = dlopen(path, flags);
	if (!h->lib) {
		const char *e = dlerror();

		snprintf(h->lasterr, sizeof h->lasterr, "%s",
			 e ? e : "unknown dlopen error");
		return h->lasterr;
	}
	for (int i = 0; i < HT_NSYM; i++) {
		if (syms[i].since > h->api_minor)
			continue;
		snprintf(sym, sizeof sym, "plugin_%s", syms[i].name);
		h->sym[i] = dlsym(h->lib, sym);
	}
	return NULL;
}

/* guard_get returns size bytes that end exactly at a PROT_NONE page. */
static void *guard_get(ht_guard *g, size_t size)
{
	size_t page = page_size();
	unsigned char *p;

	if (g->usable < size) {
		size_t usable = (size + page - 1) / page * page;

		guard_free(g);
		if (usable == 0)
			usable = page;
		p = mmap(NULL, usable + page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		if (mprotect(p + usable, page, PROT_NONE) != 0) {
			munmap(p, usable + page);
			return NULL;
		}
		g->base = p;
		g->usable = usable;
	}
	p = g->base + g->usable - size;
	memset(p, 0, size);
	return p;
}

/* ht_guard_addr returns the first byte of a guard page, for tests. */
void *ht_guard_addr(ht_host *h, int which)
{
	ht_guard *gs[] = {&h->g_init, &h->g_tables, &h->g_extract,
			  &h->g_field, &h->g_parse, &h->g_event};

	if (which < 0 || which >= (int)(sizeof gs / sizeof gs[0]) ||
	    !gs[which]->base)
		return NULL;
	return gs[which]->base + gs[which]->usable;
}

static size_t init_input_size(const ht_host *h)
{
	return h->api_minor >= 3 ? 40 : 32;
}

static size_t tables_input_size(const ht_host *h)
{
	return h->api_minor >= 5 ? 72 : 56;
}

static size_t extract_input_size(const ht_host *h)
{
	return h->api_minor >= 11 ? 80 : 72;
}

/* ht_new makes a host for one plugin instance. The guarded input regions
 * are mapped at once so their guard pages have fixed addresses (events
 * longer than a page move theirs). */
ht_host *ht_new(uint32_t api_minor)
{
	ht_host *h = calloc(1, sizeof *h);

	if (!h)
		return NULL;
	h->api_minor = api_minor;
	pthread_mutex_init(&h->log_mu, NULL);
	ht_fill_vtables(h);
	if (!guard_get(&h->g_init, init_input_size(h)) ||
	    !guard_get(&h->g_tables, tables_input_size(h)) ||
	    !guard_get(&h->g_extract, extract_input_size(h)) ||
	    !guard_get(&h->g_field, sizeof(abi_extract_field)) ||
	    !guard_get(&h->g_parse, sizeof(abi_parse_input)) ||
	    !guard_get(&h->g_event, 1)) {
		ht_free(h);
		return NULL;
	}
	return h;
}

static void begin(ht_host *h, int phase, uint32_t *detached)
{
	h->phase = phase;
	*detached = h->ndetached;
}

const char *ht_call_str(ht_host *h, int sym)
{
	const char *(*fn)(void) = (const char *(*)(void))h->sym[sym];
	const char *s;
	uint32_t d;

	if (!fn)
		return NULL;
	begin(h, HT_PHASE_OTHER, &d);
	s = fn();
	ht_end_call(h, d);
	return s;
}

void ht_set_state(ht_host *h, uintptr_t state) { h->state = (void *)state; }

const char *ht_call_last_error(ht_host *h, uintptr_t state)
{
	const char *(*fn)(void *) =
		(const char *(*)(void *))h->sym[HT_SYM_GET_LAST_ERROR];
	const char *s;
	uint32_t d;

	begin(h, HT_PHASE_OTHER, &d);
	s = fn((void *)state);
	ht_end_call(h, d);
	return s;
}

const char *ht_call_init_schema(ht_host *h, uint32_t *kind)
{
	const char *(*fn)(abi_schema_kind *) =
		(const char *(*)(abi_schema_kind *))
			h->sym[HT_SYM_GET_INIT_SCHEMA];
	abi_schema_kind k = ABI_SCHEMA_NONE;
	const char *s;
	uint32_t d;

	if (!fn) {
		*kind = ABI_SCHEMA_NONE;
		return NULL;
	}
	begin(h, HT_PHASE_OTHER, &d);
	s = fn(&k);
	ht_end_call(h, d);
	*kind = k;
	return s;
}

/* ht_call_init fills the init input and tables input of this generation
 * (only the bytes that generation has) and calls plugin_init. rc is left
 * at a sentinel the plugin must overwrite. */
int ht_call_init(ht_host *h, const char *config, abi_rc *rc,
		 uintptr_t *state)
{
	void *(*fn)(const abi_init_input *, abi_rc *) =
		(void *(*)(const abi_init_input *, abi_rc *))
			h->sym[HT_SYM_INIT];
	abi_init_tables tfull;
	abi_init_input ifull;
	void *tin, *iin;
	abi_rc r = (abi_rc)0x7ead;
	uint32_t d;

	ht_init_tables_full(h, &tfull);
	tin = guard_get(&h->g_tables, tables_input_size(h));
	iin = guard_get(&h->g_init, init_input_size(h));
	if (!tin || !iin)
		return 0;
	memcpy(tin, &tfull, tables_input_size(h));

	memset(&ifull, 0, sizeof ifull);
	ifull.config = config;
	ifull.owner = h;
	ifull.get_owner_last_error = ht_owner_err_fn();
	ifull.tables = tin;
	ifull.log_fn = log_fn;
	memcpy(iin, &ifull, init_input_size(h));

	begin(h, HT_PHASE_INIT, &d);
	*state = (uintptr_t)fn(iin, &r);
	ht_end_call(h, d);
	*rc = r;
	/* libsinsp's init inputs live on its stack: a plugin that keeps the
	 * pointers and reads them later must crash here, not read garbage. */
	mprotect(h->g_init.base, h->g_init.usable, PROT_NONE);
	mprotect(h->g_tables.base, h->g_tables.usable, PROT_NONE);
	return 1;
}

void ht_call_destroy(ht_host *h, uintptr_t state)
{
	void (*fn)(void *) = (void (*)(void *))h->sym[HT_SYM_DESTROY];
	uint32_t d;

	begin(h, HT_PHASE_OTHER, &d);
	fn((void *)state);
	ht_end_call(h, d);
}

uint16_t *ht_call_event_types(ht_host *h, int sym, uint32_t *n)
{
	uint16_t *(*fn)(uint32_t *, void *) =
		(uint16_t *(*)(uint32_t *, void *))h->sym[sym];
	uint16_t *r;
	uint32_t d;

	*n = 0;
	if (!fn)
		return NULL;
	begin(h, HT_PHASE_OTHER, &d);
	r = fn(n, h->state);
	ht_end_call(h, d);
	return r;
}

const char *ht_call_schema_version(ht_host *h)
{
	const char *(*fn)(void *) = (const char *(*)(void *))
		h->sym[HT_SYM_GET_REQUIRED_EVENT_SCHEMA_VERSION];
	const char *s;
	uint32_t d;

	if (!fn)
		return NULL;
	begin(h, HT_PHASE_OTHER, &d);
	s = fn(h->state);
	ht_end_call(h, d);
	return s;
}

abi_metric *ht_call_metrics(ht_host *h, uint32_t *n)
{
	abi_metric *(*fn)(void *, uint32_t *) =
		(abi_metric * (*)(void *, uint32_t *)) h->sym[HT_SYM_GET_METRICS];
	abi_metric *m;
	uint32_t d;

	*n = 0;
	if (!fn)
		return NULL;
	begin(h, HT_PHASE_OTHER, &d);
	m = fn(h->state, n);
	ht_end_call(h, d);
	return m;
}

/* put_event copies the event so that its last byte sits right before a
 * guard page: the plugin cannot read past len without crashing. */
static const abi_event *put_event(ht_host *h, const void *evt, uint32_t len)
{
	void *p = guard_get(&h->g_event, len);

	if (p)
		memcpy(p, evt, len);
	return p;
}

abi_rc ht_call_parse(ht_host *h, const void *evt, uint32_t len,
		     uint64_t evtnum)
{
	abi_rc (*fn)(void *, const abi_event_input *, const abi_parse_input *) =
		(abi_rc(*)(void *, const abi_event_input *,
			   const abi_parse_input *))h->sym[HT_SYM_PARSE_EVENT];
	abi_event_input ev;
	abi_parse_input *in;
	abi_rc rc;
	uint32_t d;

	ev.evt = put_event(h, evt, len);
	ev.evtnum = evtnum;
	ev.evtsrc = "syscall";
	in = guard_get(&h->g_parse, sizeof *in);
	if (!ev.evt || !in)
		return ABI_FAILURE;
	in->owner = h;
	in->get_owner_last_error = ht_owner_err_fn();
	memcpy(&in->table_reader, &h->reader_vt, sizeof in->table_reader);
	memcpy(&in->table_writer, &h->writer_vt, sizeof in->table_writer);
	in->table_reader_ext = &h->reader_vt;
	in->table_writer_ext = &h->writer_vt;

	begin(h, HT_PHASE_PARSE, &d);
	rc = fn(h->state, &ev, in);
	ht_end_call(h, d);
	return rc;
}

/* ht_call_extract extracts one field; the result pointer and count are
 * left in h->res_ptr and h->res_len. */
abi_rc ht_call_extract(ht_host *h, const void *evt, uint32_t len,
		       uint64_t evtnum, uint32_t field_id, const char *field,
		       const char *arg_key, uint64_t arg_index,
		       uint32_t arg_present, uint32_t ftype, uint32_t flist)
{
	abi_rc (*fn)(void *, const abi_event_input *,
		     const abi_extract_input *) =
		(abi_rc(*)(void *, const abi_event_input *,
			   const abi_extract_input *))
			h->sym[HT_SYM_EXTRACT_FIELDS];
	abi_extract_input full;
	abi_event_input ev;
	abi_extract_field *gf;
	void *in;
	abi_rc rc;
	uint32_t d;

	h->res_ptr = NULL;
	h->res_len = 0;
	ev.evt = put_event(h, evt, len);
	ev.evtnum = evtnum;
	ev.evtsrc = "syscall";
	gf = guard_get(&h->g_field, sizeof *gf);
	in = guard_get(&h->g_extract, extract_input_size(h));
	if (!ev.evt || !gf || !in)
		return ABI_FAILURE;
	gf->field_id = field_id;
	gf->field = field;
	gf->arg_key = arg_key;
	gf->arg_index = arg_index;
	gf->arg_present = arg_present;
	gf->ftype = ftype;
	gf->flist = flist;

	memset(&full, 0, sizeof full);
	full.owner = h;
	full.get_owner_last_error = ht_owner_err_fn();
	full.num_fields = 1;
	full.fields = gf;
	memcpy(&full.table_reader, &h->reader_vt, sizeof full.table_reader);
	full.table_reader_ext = &h->reader_vt;
	full.value_offsets = NULL;
	memcpy(in, &full, extract_input_size(h));

	begin(h, HT_PHASE_EXTRACT, &d);
	rc = fn(h->state, &ev, in);
	if (gf->res_len > 0 && (uintptr_t)gf->res.u64 < 4096) {
		ht_violate(h, "extract_fields: res_len %llu with res %p",
			   (unsigned long long)gf->res_len, (void *)gf->res.u64);
		gf->res_len = 0;
		gf->res.u64 = NULL;
	}
	ht_end_call(h, d);
	h->res_ptr = (void *)gf->res.u64;
	h->res_len = gf->res_len;
	return rc;
}

/* ht_take_violations moves the violations recorded since the last take
 * to viol_out (valid until the next take) and returns their number. */
uint32_t ht_take_violations(ht_host *h)
{
	uint32_t bad, n;

	pthread_mutex_lock(&h->log_mu);
	bad = h->log_bad_sev;
	h->log_bad_sev = 0;
	pthread_mutex_unlock(&h->log_mu);
	if (bad)
		ht_violate(h, "%u log records with an invalid severity", bad);
	n = h->nviol;
	if (n == 0)
		return 0;
	memcpy(h->viol_out, h->viol, sizeof h->viol_out);
	h->nviol = 0;
	h->viol[0] = 0;
	return n;
}

/* ht_stdout_begin points fd 1 at fd and returns a duplicate of the old
 * fd 1 (or -1). C stdio buffers are flushed on both sides. */
int ht_stdout_begin(int fd)
{
	int saved;

	fflush(stdout);
	saved = dup(1);
	if (saved < 0)
		return -1;
	if (dup2(fd, 1) < 0) {
		close(saved);
		return -1;
	}
	return saved;
}

/* ht_stdout_end restores fd 1 and returns the size of the capture file. */
long ht_stdout_end(int saved, int fd)
{
	struct stat st;

	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, 1);
		close(saved);
	}
	if (fstat(fd, &st) != 0)
		return -1;
	return (long)st.st_size;
}

abi_rc ht_call_event(ht_host *h, const void *evt, uint32_t len,
		     uint64_t evtnum, int parse, ht_req *reqs, uint32_t n)
{
	abi_rc rc = ABI_SUCCESS;

	if (parse)
		rc = ht_call_parse(h, evt, len, evtnum);
	for (uint32_t i = 0; i < n; i++) {
		ht_req *q = &reqs[i];

		q->rc = ht_call_extract(h, evt, len, evtnum, q->id, q->name,
					q->key, q->index, q->arg_present,
					q->ftype, q->flist);
		q->len = h->res_len;
		q->u64 = 0;
		q->str[0] = 0;
		if (q->rc != ABI_SUCCESS || q->len == 0 || !h->res_ptr)
			continue;
		if (q->ftype == ABI_FIELD_STRING) {
			const char *v = *(const char *const *)h->res_ptr;

			if (v) {
				strncpy(q->str, v, sizeof q->str - 1);
				q->str[sizeof q->str - 1] = 0;
			}
		} else if (q->ftype == ABI_FIELD_BOOL) {
			q->u64 = *(const uint32_t *)h->res_ptr;
		} else if (q->ftype != ABI_FIELD_IPADDR &&
			   q->ftype != ABI_FIELD_IPNET) {
			q->u64 = *(const uint64_t *)h->res_ptr;
		}
	}
	return rc;
}
