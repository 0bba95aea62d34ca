/*
 * probe.c: a small C plugin that the host tests compile with gcc in many
 * variants (-D macros, or a forced-include header of #defines) to drive
 * every load-time and init-time path of the host, and to exercise the
 * table API through the real vtables.
 *
 * Table operations are given as scripts: commands separated by ';', words
 * separated by spaces. The init script comes from the config (a JSON
 * string, or an object with a "script" member); a parse script is the
 * second parameter of the parsed event; an extract script is the key
 * argument of probe.exec. Each command appends one result to the output,
 * results separated by ';'. Slots: T0-T15 tables, F0-F63 fields, E0-E31
 * entries; they persist across calls, so scripts can misuse stale ones.
 *
 *   tables                      list_tables -> name:type,...
 *   table NAME TYPE Tn          get_table (init only)
 *   fields Tn                   list_table_fields -> name:type[:ro],...
 *   field Tn NAME TYPE Fm       get_table_field
 *   addfield Tn NAME TYPE Fm    add_table_field
 *   get Tn KEY Em               get_table_entry (decimal key)
 *   read Tn Em Fk [Tm]          read_entry_field (a table goes to Tm)
 *   wide Tn Em Fk               read, then print all 8 bytes in hex
 *   write Tn Em Fk VALUE        write_entry_field ("-" is the empty string)
 *   release Tn Em               release_table_entry
 *   create Tn Em / destroy Tn Em / add Tn KEY Em / erase Tn KEY
 *   clear Tn / size Tn / name Tn / iter Tn / iterstop Tn K / lasterr
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "abi.h"

#ifndef PLUGIN_NAME
#define PLUGIN_NAME "probe"
#endif
#ifndef REQ_API
#define REQ_API "3.2.0"
#endif
#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.1.0"
#endif
#ifndef SCHEMA_VER
#define SCHEMA_VER "4.0.0"
#endif
#ifndef EXTRACT_SOURCES
#define EXTRACT_SOURCES "[\"syscall\"]"
#endif
#ifndef PARSE_SOURCES
#define PARSE_SOURCES "[\"syscall\"]"
#endif
#ifndef PROBE_TYPE
#define PROBE_TYPE 3 /* PPME_SYSCALL_OPEN_X */
#endif

#ifndef FIELDS_JSON
#define FIELDS_JSON                                                          \
	"[{\"name\":\"probe.exec\",\"type\":\"string\",\"desc\":\"run a "   \
	"table script\",\"arg\":{\"isRequired\":true,\"isKey\":true}},"      \
	"{\"name\":\"probe.init\",\"type\":\"string\",\"desc\":\"init "     \
	"script output\"},"                                                  \
	"{\"name\":\"probe.parse\",\"type\":\"string\",\"desc\":\"last "    \
	"parse script output\"},"                                            \
	"{\"name\":\"probe.evtnum\",\"type\":\"uint64\",\"desc\":\"event "  \
	"number\"},"                                                         \
	"{\"name\":\"probe.arg\",\"type\":\"string\",\"desc\":\"argument "  \
	"echo\",\"arg\":{\"isIndex\":true,\"isKey\":true}},"                 \
	"{\"name\":\"probe.idx\",\"type\":\"string\",\"desc\":\"index "     \
	"echo\",\"arg\":{\"isIndex\":true}},"                                \
	"{\"name\":\"probe.flag\",\"type\":\"bool\",\"desc\":\"true\"},"     \
	"{\"name\":\"probe.addr\",\"type\":\"ipaddr\",\"desc\":\"two "      \
	"addresses\",\"isList\":true},"                                      \
	"{\"name\":\"probe.list\",\"type\":\"string\",\"desc\":\"a list\"," \
	"\"isList\":true},"                                                  \
	"{\"name\":\"probe.none\",\"type\":\"string\",\"desc\":\"no "       \
	"value\"},"                                                          \
	"{\"name\":\"probe.fail\",\"type\":\"string\",\"desc\":\"failure\"}," \
	"{\"name\":\"probe.multi\",\"type\":\"uint64\",\"desc\":\"a "       \
	"non-list field with two values\"}]"
#endif

typedef struct probe {
	char lasterr[ABI_MAX_ERRLEN];
	abi_owner *owner;
	const char *(*owner_err)(abi_owner *);
	int subtables; /* the host listed a TABLE field: API 3.5+ */
	abi_fields_vt fields;
	abi_reader_vt_ext *reader;
	abi_writer_vt_ext *writer;
	abi_table *t[16];
	abi_field *f[64];
	abi_state_type ft[64];
	abi_entry *e[32];
	/* Kept from the init tables input, whose memory is gone after init:
	 * scripts use them later to test the host's phase checks. */
	abi_table_info *(*list_tables)(abi_owner *, uint32_t *);
	abi_table *(*get_table)(abi_owner *, const char *, abi_state_type);
	char init_out[8192];
	char parse_out[8192];
	char exec_out[8192];
	char arg_out[256];
	const char *strs[4];
	uint64_t u64[2];
	abi_bool b;
	abi_byte_buffer bufs[2];
	unsigned char v4[4], v6[16];
	uint16_t types[1];
	const abi_init_input *kept_in; /* READ_PAST 5: kept past init */
} probe;

/* ---- script interpreter ---- */

static void out(char *o, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static void out(char *o, size_t n, const char *fmt, ...)
{
	size_t len = strlen(o);
	va_list ap;

	if (len + 1 >= n)
		return;
	if (len > 0 && len + 2 < n) {
		o[len++] = ';';
		o[len] = 0;
	}
	va_start(ap, fmt);
	vsnprintf(o + len, n - len, fmt, ap);
	va_end(ap);
}

static const char *oerr(probe *p)
{
	const char *e = p->owner_err ? p->owner_err(p->owner) : NULL;

	return e ? e : "(null)";
}

static int slot(const char *w, char kind, int max)
{
	int i;

	if (!w || w[0] != kind)
		return -1;
	i = atoi(w + 1);
	return i >= 0 && i < max ? i : -1;
}

static abi_state_type type_of(const char *w)
{
	static const struct {
		const char *n;
		abi_state_type t;
	} m[] = {{"int8", ABI_ST_INT8},     {"int16", ABI_ST_INT16},
		 {"int32", ABI_ST_INT32},   {"int64", ABI_ST_INT64},
		 {"uint8", ABI_ST_UINT8},   {"uint16", ABI_ST_UINT16},
		 {"uint32", ABI_ST_UINT32}, {"uint64", ABI_ST_UINT64},
		 {"string", ABI_ST_STRING}, {"table", ABI_ST_TABLE},
		 {"bool", ABI_ST_BOOL}};

	for (size_t i = 0; w && i < sizeof m / sizeof m[0]; i++)
		if (strcmp(w, m[i].n) == 0)
			return m[i].t;
	return w ? (abi_state_type)atoi(w) : 0;
}

static const char *tname(abi_state_type t)
{
	switch (t) {
	case ABI_ST_INT8: return "int8";
	case ABI_ST_INT16: return "int16";
	case ABI_ST_INT32: return "int32";
	case ABI_ST_INT64: return "int64";
	case ABI_ST_UINT8: return "uint8";
	case ABI_ST_UINT16: return "uint16";
	case ABI_ST_UINT32: return "uint32";
	case ABI_ST_UINT64: return "uint64";
	case ABI_ST_STRING: return "string";
	case ABI_ST_TABLE: return "table";
	case ABI_ST_BOOL: return "bool";
	}
	return "?";
}

static void print_val(char *o, size_t n, abi_state_type t,
		      const abi_state_data *d)
{
	switch (t) {
	case ABI_ST_INT8: out(o, n, "%d", d->s8); break;
	case ABI_ST_INT16: out(o, n, "%d", d->s16); break;
	case ABI_ST_INT32: out(o, n, "%d", d->s32); break;
	case ABI_ST_INT64: out(o, n, "%lld", (long long)d->s64); break;
	case ABI_ST_UINT8: out(o, n, "%u", d->u8); break;
	case ABI_ST_UINT16: out(o, n, "%u", d->u16); break;
	case ABI_ST_UINT32: out(o, n, "%u", d->u32); break;
	case ABI_ST_UINT64:
		out(o, n, "%llu", (unsigned long long)d->u64);
		break;
	case ABI_ST_BOOL: out(o, n, "%s", d->b ? "true" : "false"); break;
	case ABI_ST_STRING: out(o, n, "'%s'", d->str ? d->str : "(null)"); break;
	default: out(o, n, "?"); break;
	}
}

static int parse_val(abi_state_type t, const char *w, abi_state_data *d)
{
	memset(d, 0, sizeof *d);
	if (!w)
		return 0;
	switch (t) {
	case ABI_ST_STRING: d->str = strcmp(w, "-") == 0 ? "" : w; return 1;
	case ABI_ST_BOOL: d->b = strcmp(w, "true") == 0; return 1;
	case ABI_ST_INT8: d->s8 = (int8_t)atoll(w); return 1;
	case ABI_ST_INT16: d->s16 = (int16_t)atoll(w); return 1;
	case ABI_ST_INT32: d->s32 = (int32_t)atoll(w); return 1;
	case ABI_ST_INT64: d->s64 = atoll(w); return 1;
	case ABI_ST_UINT8: d->u8 = (uint8_t)strtoull(w, NULL, 10); return 1;
	case ABI_ST_UINT16: d->u16 = (uint16_t)strtoull(w, NULL, 10); return 1;
	case ABI_ST_UINT32: d->u32 = (uint32_t)strtoull(w, NULL, 10); return 1;
	case ABI_ST_UINT64: d->u64 = strtoull(w, NULL, 10); return 1;
	}
	return 0;
}

static abi_bool iter_count(void *st, abi_entry *e)
{
	long *k = st;

	(void)e;
	k[0]++;
	return k[1] == 0 || k[0] < k[1];
}

/* run executes one command with words w[0..n-1]. */
static void run(probe *p, char **w, int n, char *o, size_t on)
{
	const char *c = w[0];
	int ti = n > 1 ? slot(w[1], 'T', 16) : -1;
	abi_table *t = ti >= 0 ? p->t[ti] : NULL;
	abi_state_data d, key;
	static const char *needs_reader[] = {"get", "read", "wide", "release",
					     "size", "name", "iter", "iterstop"};
	static const char *needs_writer[] = {"write", "create", "destroy",
					     "add", "erase", "clear"};

	for (size_t i = 0; i < sizeof needs_reader / sizeof *needs_reader; i++)
		if (strcmp(c, needs_reader[i]) == 0 && !p->reader) {
			out(o, on, "no-reader");
			return;
		}
	for (size_t i = 0; i < sizeof needs_writer / sizeof *needs_writer; i++)
		if (strcmp(c, needs_writer[i]) == 0 && !p->writer) {
			out(o, on, "no-writer");
			return;
		}
	if (n > 1 && w[1][0] == 'T' && ti < 0) {
		out(o, on, "bad");
		return;
	}
	for (int i = 2; i < n; i++) {
		/* Every E, F or T word must name a valid slot. */
		int max = w[i][0] == 'E' ? 32 : w[i][0] == 'F' ? 64 : 16;

		if ((w[i][0] == 'E' || w[i][0] == 'F' || w[i][0] == 'T') &&
		    w[i][1] >= '0' && w[i][1] <= '9' && slot(w[i], w[i][0], max) < 0) {
			out(o, on, "bad");
			return;
		}
	}
	if (strcmp(c, "lasterr") == 0) {
		out(o, on, "%s", oerr(p));
	} else if (strcmp(c, "tables") == 0) {
		uint32_t k = 0;
		abi_table_info *ti2;

		if (!p->list_tables) {
			out(o, on, "no-tables-input");
			return;
		}
		ti2 = p->list_tables(p->owner, &k);
		if (!ti2) {
			out(o, on, "null:%s", oerr(p));
			return;
		}
		out(o, on, "%s", "");
		for (uint32_t i = 0; i < k; i++) {
			size_t len = strlen(o);
			snprintf(o + len, on - len, "%s%s:%s", i ? "," : "",
				 ti2[i].name, tname(ti2[i].key_type));
		}
	} else if (strcmp(c, "table") == 0 && n >= 4) {
		int k = slot(w[3], 'T', 16);
		abi_table *r;

		if (!p->get_table || k < 0) {
			out(o, on, "bad");
			return;
		}
		r = p->get_table(p->owner, w[1], type_of(w[2]));
		p->t[k] = r;
		if (r)
			out(o, on, "ok");
		else
			out(o, on, "null:%s", oerr(p));
	} else if (strcmp(c, "fields") == 0 && t) {
		uint32_t k = 0;
		const abi_field_info *fi = p->fields.list_fields(t, &k);

		if (!fi) {
			out(o, on, "null:%s", oerr(p));
			return;
		}
		out(o, on, "%s", "");
		for (uint32_t i = 0; i < k; i++) {
			size_t len = strlen(o);
			snprintf(o + len, on - len, "%s%s:%s%s", i ? "," : "",
				 fi[i].name, tname(fi[i].field_type),
				 fi[i].read_only ? ":ro" : "");
		}
	} else if ((strcmp(c, "field") == 0 || strcmp(c, "addfield") == 0) &&
		   t && n >= 5) {
		int k = slot(w[4], 'F', 64);
		abi_state_type ty = type_of(w[3]);
		abi_field *f;

		if (k < 0) {
			out(o, on, "bad");
			return;
		}
		f = c[0] == 'f' ? p->fields.get_field(t, w[2], ty)
				: p->fields.add_field(t, w[2], ty);
		p->f[k] = f;
		p->ft[k] = ty;
		if (f)
			out(o, on, "ok");
		else
			out(o, on, "null:%s", oerr(p));
	} else if (strcmp(c, "get") == 0 && t && n >= 4 &&
		   slot(w[3], 'E', 32) >= 0) {
		int k = slot(w[3], 'E', 32);

		key.s64 = atoll(w[2]);
		p->e[k] = p->reader->get_entry(t, &key);
		if (p->e[k])
			out(o, on, "ok");
		else
			out(o, on, "null:%s", oerr(p));
	} else if ((strcmp(c, "read") == 0 || strcmp(c, "wide") == 0) && t &&
		   n >= 4) {
		int ek = slot(w[2], 'E', 32), fk = slot(w[3], 'F', 64);
		abi_rc rc;

		if (ek < 0 || fk < 0) {
			out(o, on, "bad");
			return;
		}
		rc = p->reader->read_field(t, p->e[ek], p->f[fk], &d);
		if (rc != ABI_SUCCESS) {
			out(o, on, "fail:%s", oerr(p));
		} else if (c[0] == 'w') {
			out(o, on, "%016llx", (unsigned long long)d.u64);
		} else if (p->ft[fk] == ABI_ST_TABLE) {
			int tk = n >= 5 ? slot(w[4], 'T', 16) : -1;

			if (tk >= 0)
				p->t[tk] = d.table;
			out(o, on, "table");
		} else {
			print_val(o, on, p->ft[fk], &d);
		}
	} else if (strcmp(c, "write") == 0 && t && n >= 5) {
		int ek = slot(w[2], 'E', 32), fk = slot(w[3], 'F', 64);

		if (ek < 0 || fk < 0 ||
		    !parse_val(p->ft[fk], w[4], &d)) {
			out(o, on, "bad");
			return;
		}
		if (p->writer->write_field(t, p->e[ek], p->f[fk], &d) ==
		    ABI_SUCCESS)
			out(o, on, "ok");
		else
			out(o, on, "fail:%s", oerr(p));
	} else if (strcmp(c, "release") == 0 && t && n >= 3 &&
		   slot(w[2], 'E', 32) >= 0) {
		int ek = slot(w[2], 'E', 32);

		p->reader->release_entry(t, p->e[ek]);
		out(o, on, "ok");
	} else if (strcmp(c, "create") == 0 && t && n >= 3 &&
		   slot(w[2], 'E', 32) >= 0) {
		int ek = slot(w[2], 'E', 32);

		p->e[ek] = p->writer->create_entry(t);
		out(o, on, "%s", p->e[ek] ? "ok" : "null");
	} else if (strcmp(c, "destroy") == 0 && t && n >= 3 &&
		   slot(w[2], 'E', 32) >= 0) {
		p->writer->destroy_entry(t, p->e[slot(w[2], 'E', 32)]);
		out(o, on, "ok");
	} else if (strcmp(c, "add") == 0 && t && n >= 4 &&
		   slot(w[3], 'E', 32) >= 0) {
		int ek = slot(w[3], 'E', 32);
		abi_entry *r;

		key.s64 = atoll(w[2]);
		r = p->writer->add_entry(t, &key, p->e[ek]);
		if (r) {
			p->e[ek] = r;
			out(o, on, "ok");
		} else {
			out(o, on, "null:%s", oerr(p));
		}
	} else if (strcmp(c, "erase") == 0 && t && n >= 3) {
		key.s64 = atoll(w[2]);
		if (p->writer->erase_entry(t, &key) == ABI_SUCCESS)
			out(o, on, "ok");
		else
			out(o, on, "fail:%s", oerr(p));
	} else if (strcmp(c, "clear") == 0 && t) {
		out(o, on, "%s", p->writer->clear(t) == ABI_SUCCESS ? "ok" : "fail");
	} else if (strcmp(c, "size") == 0 && t) {
		out(o, on, "%lld", (long long)p->reader->get_size(t));
	} else if (strcmp(c, "name") == 0 && t) {
		const char *s = p->reader->get_name(t);

		out(o, on, "%s", s ? s : "(null)");
	} else if ((strcmp(c, "iter") == 0 || strcmp(c, "iterstop") == 0) &&
		   t) {
		long k[2] = {0, n >= 3 ? atol(w[2]) : 0};
		abi_bool all = p->reader->iterate(t, iter_count, k);

		out(o, on, "%ld:%s", k[0], all ? "all" : "stopped");
	} else {
		out(o, on, "bad");
	}
}

static void script(probe *p, const char *src, char *o, size_t on)
{
	char buf[4096];
	char *cmd, *save = NULL;

	o[0] = 0;
	if (!src)
		return;
	snprintf(buf, sizeof buf, "%s", src);
	for (cmd = strtok_r(buf, ";", &save); cmd;
	     cmd = strtok_r(NULL, ";", &save)) {
		char *w[8], *s2 = NULL;
		int n = 0;

		for (char *x = strtok_r(cmd, " ", &s2); x && n < 8;
		     x = strtok_r(NULL, " ", &s2))
			w[n++] = x;
		if (n > 0)
			run(p, w, n, o, on);
	}
}

/* ---- required symbols ---- */

#ifndef OMIT_GET_REQUIRED_API_VERSION
const char *plugin_get_required_api_version(void) { return REQ_API; }
#endif
#ifndef OMIT_GET_VERSION
const char *plugin_get_version(void) { return PLUGIN_VERSION; }
#endif
#ifndef OMIT_GET_NAME
const char *plugin_get_name(void) { return PLUGIN_NAME; }
#endif
#ifndef OMIT_GET_DESCRIPTION
const char *plugin_get_description(void) { return "host test probe"; }
#endif
#ifndef OMIT_GET_CONTACT
const char *plugin_get_contact(void) { return "tests"; }
#endif
#ifndef OMIT_GET_LAST_ERROR
const char *plugin_get_last_error(void *s)
{
	return s ? ((probe *)s)->lasterr : "no state";
}
#endif

#ifdef SCHEMA_JSON
const char *plugin_get_init_schema(abi_schema_kind *k)
{
	*k = ABI_SCHEMA_JSON;
	return SCHEMA_JSON;
}
#endif

/* config_script finds the script in a JSON string or a {"script": ...}
 * object; no escapes are supported. */
static __attribute__((unused)) const char *config_script(const char *cfg, char *buf, size_t n)
{
	const char *s = strstr(cfg, "\"script\"");
	const char *end;

	if (s) {
		s = strchr(s + 8, '"');
	} else if (cfg[0] == '"') {
		s = cfg;
	}
	if (!s)
		return NULL;
	end = strchr(s + 1, '"');
	if (!end || (size_t)(end - s) >= n)
		return NULL;
	memcpy(buf, s + 1, (size_t)(end - s - 1));
	buf[end - s - 1] = 0;
	return buf;
}

#ifndef OMIT_INIT
void *plugin_init(const abi_init_input *in, abi_rc *rc)
{
	static probe same;
	probe *p;
	char sbuf[4096];

#ifdef INIT_SAME_STATE
	p = &same;
	memset(p, 0, sizeof *p);
#else
	(void)same;
	p = calloc(1, sizeof *p);
#endif
#ifdef STDOUT_WRITE
	if (write(1, "hello from the plugin\n", 22) < 0)
		return NULL;
#endif
#ifdef INIT_FAIL_NULL
	free(p);
	*rc = ABI_FAILURE;
	return NULL;
#endif
#ifdef INIT_FAIL
	snprintf(p->lasterr, sizeof p->lasterr, "probe: init failed on purpose");
	*rc = ABI_FAILURE;
	return p;
#endif
	p->owner = in->owner;
	p->owner_err = in->get_owner_last_error;
	p->kept_in = in;
	if (in->tables) {
		p->list_tables = in->tables->list_tables;
		p->get_table = in->tables->get_table;
		abi_table *th;
		uint32_t k = 0;
		const abi_field_info *fi;

		p->fields = *in->tables->fields_ext;
		/* The detection rule: a TABLE field means API 3.5+. */
		th = in->tables->get_table(in->owner, "threads", ABI_ST_INT64);
		fi = th ? p->fields.list_fields(th, &k) : NULL;
		for (uint32_t i = 0; fi && i < k; i++)
			if (fi[i].field_type == ABI_ST_TABLE)
				p->subtables = 1;
	}
#if defined(READ_PAST) && READ_PAST == 2
	p->subtables = 1;
#endif
	if (p->subtables) {
		p->reader = in->tables->reader_ext;
		p->writer = in->tables->writer_ext;
	}
#if defined(READ_PAST) && READ_PAST == 1
	if (in->log_fn)
		in->log_fn(in->owner, NULL, "probe reads log_fn", ABI_LOG_INFO);
#else
	if (p->subtables && in->log_fn) {
		in->log_fn(in->owner, NULL, "probe initialised", ABI_LOG_INFO);
		in->log_fn(in->owner, "probe-comp", "second", ABI_LOG_DEBUG);
#ifdef BAD_SEVERITY
		in->log_fn(in->owner, NULL, "bad", (abi_log_sev)99);
#endif
	}
#endif
	script(p, config_script(in->config, sbuf, sizeof sbuf), p->init_out,
	       sizeof p->init_out);
#ifndef INIT_NO_RC
	*rc = ABI_SUCCESS;
#endif
	return p;
}
#endif

#ifndef OMIT_DESTROY
void plugin_destroy(void *s)
{
#ifdef DESTROY_MARK
	FILE *f = fopen(DESTROY_MARK, "a");

	if (f) {
		fputs("destroyed\n", f);
		fclose(f);
	}
#endif
#ifdef SLOW_DESTROY
	sleep(3);
#endif
#ifndef INIT_SAME_STATE
	free(s);
#else
	(void)s;
#endif
}
#endif

/* ---- capabilities ---- */

#ifndef NO_GET_FIELDS
const char *plugin_get_fields(void) { return FIELDS_JSON; }
#endif

const char *plugin_get_extract_event_sources(void) { return EXTRACT_SOURCES; }

#ifndef NO_PARSE
const char *plugin_get_parse_event_sources(void) { return PARSE_SOURCES; }
#endif

static uint16_t *types(probe *p, uint32_t *n)
{
#ifdef TYPES_ALL
	(void)p;
	*n = 0;
	return NULL;
#else
	p->types[0] = PROBE_TYPE;
	*n = 1;
	return p->types;
#endif
}

uint16_t *plugin_get_extract_event_types(uint32_t *n, void *s)
{
	return types(s, n);
}

#ifndef NO_PARSE
uint16_t *plugin_get_parse_event_types(uint32_t *n, void *s)
{
	return types(s, n);
}
#endif

#ifndef NO_SCHEMA_VER
const char *plugin_get_required_event_schema_version(void *s)
{
	(void)s;
	return SCHEMA_VER;
}
#endif

#ifdef METRICS
abi_metric *plugin_get_metrics(void *s, uint32_t *n)
{
	static abi_metric m[1];

	(void)s;
	m[0].name = "probe.calls";
	m[0].type = ABI_METRIC_MONOTONIC;
	m[0].value.u64 = 42;
	m[0].value_type = ABI_METRIC_U64;
	*n = 1;
	return m;
}
#endif

#ifdef CAPTURE_OPEN_ONLY
abi_rc plugin_capture_open(void *s, const void *in)
{
	(void)s;
	(void)in;
	return ABI_SUCCESS;
}
#endif

#ifdef OPEN_ONLY
void *plugin_open(void *s, const char *params, abi_rc *rc)
{
	(void)s;
	(void)params;
	*rc = ABI_FAILURE;
	return NULL;
}
#endif

/* param returns parameter i of the event as a NUL-terminated string. */
static __attribute__((unused)) const char *param(const abi_event *e, uint32_t i)
{
	const unsigned char *b = (const unsigned char *)e;
	uint32_t np, len, off;
	uint16_t l;

	memcpy(&len, b + 16, 4);
	memcpy(&np, b + 22, 4);
	if (i >= np || 26 + 2ull * np > len)
		return NULL;
	off = 26 + 2 * np;
	for (uint32_t k = 0; k < i; k++) {
		memcpy(&l, b + 26 + 2 * k, 2);
		off += l;
	}
	memcpy(&l, b + 26 + 2 * i, 2);
	if (l == 0 || off + l > len || b[off + l - 1] != 0)
		return NULL;
	return (const char *)b + off;
}

#ifndef NO_PARSE
abi_rc plugin_parse_event(void *s, const abi_event_input *ev,
			  const abi_parse_input *in)
{
	probe *p = s;

#if defined(READ_PAST) && READ_PAST == 5
	{
		const char *const volatile *c = &p->kept_in->config;

		(void)*c;
	}
#endif
#if defined(READ_PAST) && READ_PAST == 4
	{
		volatile const unsigned char *b = (const void *)ev->evt;

		(void)b[ev->evt->len]; /* one byte past the event */
	}
#endif
	p->reader = in->table_reader_ext;
	p->writer = in->table_writer_ext;
	script(p, param(ev->evt, 1), p->parse_out, sizeof p->parse_out);
	return ABI_SUCCESS;
}
#endif

#ifndef NO_EXTRACT
abi_rc plugin_extract_fields(void *s, const abi_event_input *ev,
			     const abi_extract_input *in)
{
	probe *p = s;
	abi_extract_field *f = &in->fields[0];

#if defined(READ_PAST) && READ_PAST == 3
	if (in->value_offsets)
		in->value_offsets->start = NULL;
#endif
	p->reader = in->table_reader_ext;
	f->res_len = 0;
	switch (f->field_id) {
	case 0:
		script(p, f->arg_key, p->exec_out, sizeof p->exec_out);
		p->strs[0] = p->exec_out;
		break;
	case 1: p->strs[0] = p->init_out; break;
	case 2: p->strs[0] = p->parse_out; break;
	case 3:
		p->u64[0] = ev->evtnum;
		f->res.u64 = p->u64;
		f->res_len = 1;
		return ABI_SUCCESS;
	case 4:
	case 5:
		if (!f->arg_present)
			snprintf(p->arg_out, sizeof p->arg_out, "none");
		else if (f->arg_key)
			snprintf(p->arg_out, sizeof p->arg_out, "key:%s",
				 f->arg_key);
		else
			snprintf(p->arg_out, sizeof p->arg_out, "index:%llu",
				 (unsigned long long)f->arg_index);
		p->strs[0] = p->arg_out;
		break;
	case 6:
		p->b = 1;
		f->res.boolean = &p->b;
		f->res_len = 1;
		return ABI_SUCCESS;
	case 7:
		memcpy(p->v4, "\x7f\x00\x00\x01", 4);
		memset(p->v6, 0, 16);
		p->v6[15] = 1;
		p->bufs[0].len = 4;
		p->bufs[0].ptr = p->v4;
		p->bufs[1].len = 16;
		p->bufs[1].ptr = p->v6;
		f->res.buf = p->bufs;
		f->res_len = 2;
		return ABI_SUCCESS;
	case 8:
		p->strs[0] = "a";
		p->strs[1] = "b";
		p->strs[2] = "c";
		f->res.str = p->strs;
		f->res_len = 3;
		return ABI_SUCCESS;
	case 9: return ABI_SUCCESS;
	case 10:
		snprintf(p->lasterr, sizeof p->lasterr, "probe: asked to fail");
		return ABI_FAILURE;
	case 11:
		p->u64[0] = 1;
		p->u64[1] = 2;
		f->res.u64 = p->u64;
		f->res_len = 2;
		return ABI_SUCCESS;
	default: return ABI_FAILURE;
	}
	f->res.str = p->strs;
	f->res_len = 1;
	return ABI_SUCCESS;
}
#endif
