/*
 * host.h: the C half of the in-repo plugin host (test harness).
 *
 * Everything a plugin can call back into (table vtables, the owner's last
 * error, the log callback) is plain C declared here, so a Go plugin loaded
 * into a Go test binary only ever calls into C, never into the test
 * binary's Go runtime. Go code reaches these functions through cgo
 * (hostc.go).
 *
 * One ht_host serves one plugin instance. Its tables are touched only from
 * the goroutine that holds the Go Plugin's lock, except the log records,
 * which a plugin may append from any thread (they have their own mutex).
 */
#ifndef ANOMALYDETECTION_HOST_H
#define ANOMALYDETECTION_HOST_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* The plugin_* symbols the host resolves. The order is shared with Go. */
enum {
	HT_SYM_GET_REQUIRED_API_VERSION,
	HT_SYM_GET_VERSION,
	HT_SYM_GET_NAME,
	HT_SYM_GET_DESCRIPTION,
	HT_SYM_GET_CONTACT,
	HT_SYM_GET_LAST_ERROR,
	HT_SYM_INIT,
	HT_SYM_DESTROY,
	HT_SYM_GET_INIT_SCHEMA,
	HT_SYM_GET_FIELDS,
	HT_SYM_EXTRACT_FIELDS,
	HT_SYM_GET_EXTRACT_EVENT_SOURCES,
	HT_SYM_GET_EXTRACT_EVENT_TYPES,
	HT_SYM_PARSE_EVENT,
	HT_SYM_GET_PARSE_EVENT_SOURCES,
	HT_SYM_GET_PARSE_EVENT_TYPES,
	HT_SYM_GET_ID,
	HT_SYM_GET_EVENT_SOURCE,
	HT_SYM_OPEN,
	HT_SYM_CLOSE,
	HT_SYM_NEXT_BATCH,
	HT_SYM_GET_PROGRESS,
	HT_SYM_EVENT_TO_STRING,
	HT_SYM_LIST_OPEN_PARAMS,
	HT_SYM_GET_ASYNC_EVENTS,
	HT_SYM_GET_ASYNC_EVENT_SOURCES,
	HT_SYM_SET_ASYNC_EVENT_HANDLER,
	HT_SYM_SET_CONFIG,
	HT_SYM_GET_METRICS,
	HT_SYM_CAPTURE_OPEN,
	HT_SYM_CAPTURE_CLOSE,
	HT_SYM_DUMP_STATE,
	HT_SYM_GET_REQUIRED_EVENT_SCHEMA_VERSION,
	HT_NSYM
};

/* What the plugin is doing, which decides the table calls it may make. */
enum {
	HT_PHASE_NONE,    /* between calls: any table call is a violation */
	HT_PHASE_INIT,    /* plugin_init: tables, fields, reader, writer */
	HT_PHASE_PARSE,   /* plugin_parse_event: reader and writer */
	HT_PHASE_EXTRACT, /* plugin_extract_fields: reader only */
	HT_PHASE_OTHER    /* any other plugin call: no table access */
};

typedef struct ht_host ht_host;
typedef struct ht_schema ht_schema;
typedef struct ht_table ht_table;
typedef struct ht_entry ht_entry;

/* A field of a table schema. Its address is the accessor handed out. */
typedef struct ht_field {
	uint32_t magic;
	ht_schema *schema;
	char *name;
	abi_state_type type;
	uint8_t read_only;
	uint8_t dynamic;
	uint32_t slot;
	ht_schema *sub; /* the schema of a TABLE field's sub-tables */
} ht_field;

/*
 * A schema is shared by every table of one kind (all file_descriptors
 * sub-tables share one), so a field accessor obtained from one sub-table
 * works on all of them, as in libsinsp.
 */
struct ht_schema {
	ht_host *host;
	char *name;
	abi_state_type key_type;
	int key_slot;          /* the field that mirrors the key, or -1 */
	uint8_t allow_dynamic; /* add_field permitted */
	uint32_t nfields, cap;
	uint32_t nslots;
	ht_field **fields;
	abi_field_info *infos; /* list_fields result, rebuilt on change */
	uint32_t ninfos;
};

/* One value slot of an entry. */
typedef struct ht_val {
	uint64_t n;   /* numbers and bools, zero- or sign-extended */
	char *s;      /* owned string, NULL reads as "" */
	ht_table *sub; /* owned sub-table, created on first use */
} ht_val;

struct ht_entry {
	uint32_t magic;
	uint32_t refs;     /* handed out by get_entry/add_entry, not released */
	uint32_t pins;     /* held by the host (iteration) */
	uint8_t in_table;  /* reachable from its table */
	uint8_t detached;  /* made by create_entry, not added or destroyed */
	ht_schema *schema;
	int64_t key;
	uint32_t nvals;
	ht_val *vals;
};

struct ht_table {
	ht_schema *schema;
	const char *name; /* the TABLE field's name, or the schema's */
	uint32_t n, cap;
	ht_entry **ents; /* sorted by key */
};

/* A table accessor as the plugin sees it. */
typedef struct ht_acc {
	uint32_t magic;
	uint32_t ephemeral; /* a sub-table accessor, valid for one call */
	uint64_t call_id;   /* the call an ephemeral accessor belongs to */
	ht_host *host;
	ht_table *table;
} ht_acc;

/* A region whose usable bytes end exactly at a PROT_NONE guard page. */
typedef struct ht_guard {
	unsigned char *base;
	size_t usable; /* bytes before the guard page */
} ht_guard;

typedef struct ht_log {
	char *component;
	char *msg;
	uint32_t sev;
} ht_log;

#define HT_EPH_RING 4096
#define HT_QUARANTINE 256
#define HT_ERRLEN 1024

struct ht_host {
	void *lib;
	void *sym[HT_NSYM];
	uint32_t api_minor;
	void *state;
	char name[256];

	int phase;
	uint64_t call_id;
	char lasterr[HT_ERRLEN];
	char viol[HT_ERRLEN];
	uint32_t nviol;
	char viol_out[HT_ERRLEN]; /* the last taken violations, for Go */
	/* Table calls the plugin made through the reader vtable, by kind:
	 * what a plugin costs a host, whatever the machine's speed. */
	uint64_t n_get, n_read, n_release, n_size, n_iterate;
	char goerr[256];          /* why a Go-side table call failed */

	/* entries handed out and not yet released, one slot per hand-out */
	ht_entry **held;
	uint32_t nheld, capheld;
	uint32_t ndetached;

	ht_schema *schemas[8];
	uint32_t nschemas;
	ht_table *threads;
	ht_acc threads_acc;
	abi_table_info table_infos[1];

	ht_acc *eph[HT_EPH_RING];
	uint32_t eph_next;

	ht_entry *quarantine[HT_QUARANTINE];
	uint32_t qnext;

	abi_fields_vt fields_vt;
	abi_reader_vt_ext reader_vt;
	abi_writer_vt_ext writer_vt;

	ht_guard g_init, g_tables, g_extract, g_field, g_parse, g_event;

	/* The result of the last extract call, in plugin memory. */
	void *res_ptr;
	uint64_t res_len;

	pthread_mutex_t log_mu;
	ht_log *logs;
	uint32_t nlogs, caplogs;
	uint32_t log_bad_sev;
};

/* Lifecycle. */
ht_host *ht_new(uint32_t api_minor);
void ht_free(ht_host *h);
const char *ht_open(ht_host *h, const char *path, int deepbind);
const char *ht_sym_name(int i);
uint32_t ht_sym_since(int i);
int ht_has(ht_host *h, int i);
void ht_set_name(ht_host *h, const char *name);
int ht_parse_version(const char *s, uint32_t out[3]);

/*
 * Calls into the plugin. Strings are the plugin's; copy them at once. The
 * plugin state crosses to Go as an integer: plugins may return handles
 * that are not pointers, which Go must never hold in a pointer type.
 */
const char *ht_call_str(ht_host *h, int sym);
const char *ht_call_last_error(ht_host *h, uintptr_t state);
const char *ht_call_init_schema(ht_host *h, uint32_t *kind);
int ht_call_init(ht_host *h, const char *config, abi_rc *rc,
		 uintptr_t *state);
void ht_call_destroy(ht_host *h, uintptr_t state);
void ht_set_state(ht_host *h, uintptr_t state);
uint16_t *ht_call_event_types(ht_host *h, int sym, uint32_t *n);
const char *ht_call_schema_version(ht_host *h);
abi_metric *ht_call_metrics(ht_host *h, uint32_t *n);
abi_rc ht_call_parse(ht_host *h, const void *evt, uint32_t len,
		     uint64_t evtnum);
abi_rc ht_call_extract(ht_host *h, const void *evt, uint32_t len,
		       uint64_t evtnum, uint32_t field_id, const char *field,
		       const char *arg_key, uint64_t arg_index,
		       uint32_t arg_present, uint32_t ftype, uint32_t flist);
uint32_t ht_take_violations(ht_host *h);

/* One extraction of a batch (ht_call_event): the request, and the first
 * value copied out before the next call can overwrite it. */
typedef struct ht_req {
	uint32_t id, ftype, arg_present, flist;
	const char *name, *key;
	uint64_t index;
	/* out */
	abi_rc rc;
	uint64_t len;
	uint64_t u64;
	char str[512];
} ht_req;

/* ht_call_event drives one event as libsinsp does, without returning to
 * Go in between: plugin_parse_event when parse is set, then one
 * plugin_extract_fields call per request. It returns the parse result. */
abi_rc ht_call_event(ht_host *h, const void *evt, uint32_t len,
		     uint64_t evtnum, int parse, ht_req *reqs, uint32_t n);
void *ht_guard_addr(ht_host *h, int which);

/* Tables, for the Go side. */
ht_schema *ht_schema_new(ht_host *h, const char *name, abi_state_type key,
			 int allow_dynamic);
ht_field *ht_schema_add(ht_schema *s, const char *name, abi_state_type type,
			int read_only, ht_schema *sub, int alias_slot);
ht_field *ht_schema_find(ht_schema *s, const char *name, size_t n);
void ht_schema_set_key(ht_schema *s, ht_field *f);
const char *ht_add_dynamic(ht_schema *s, const char *name,
			   abi_state_type type, ht_field **out);
void ht_set_threads(ht_host *h, ht_schema *s);
ht_table *ht_threads(ht_host *h);
ht_entry *ht_put(ht_table *t, int64_t key);
ht_entry *ht_find(ht_table *t, int64_t key);
int ht_erase(ht_table *t, int64_t key);
void ht_clear(ht_table *t);
uint32_t ht_size(ht_table *t);
int64_t ht_key_at(ht_table *t, uint32_t i);
void ht_set_num(ht_entry *e, ht_field *f, uint64_t v);
void ht_set_str(ht_entry *e, ht_field *f, const char *v, size_t n);
uint64_t ht_get_num(ht_entry *e, ht_field *f);
const char *ht_get_str(ht_entry *e, ht_field *f);
ht_table *ht_sub(ht_entry *e, ht_field *f);

/* Log records. */
uint32_t ht_log_count(ht_host *h);
int ht_log_get(ht_host *h, uint32_t i, const char **comp, const char **msg,
	       uint32_t *sev);

/* Shared between table.c and hostcall.c. */
void ht_seterr(ht_host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ht_violate(ht_host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ht_fill_vtables(ht_host *h);
void ht_init_tables_full(ht_host *h, abi_init_tables *t);
const char *(*ht_owner_err_fn(void))(abi_owner *);
void ht_end_call(ht_host *h, uint32_t detached_before);
void ht_free_tables(ht_host *h);
const char *ht_type_name(abi_state_type t);

/* stdout capture around calls. */
int ht_stdout_begin(int fd);
long ht_stdout_end(int saved, int fd);

#endif
