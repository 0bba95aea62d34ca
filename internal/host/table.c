/*
 * table.c: the threads table and its sub-tables, with libsinsp's semantics
 * as a plugin sees them through the table vtables.
 *
 * Every table is a sorted array of entries keyed by a 64-bit integer
 * (signed for INT64 keys, unsigned for UINT64 keys). A schema lists the
 * static fields of one kind of table plus the dynamic fields plugins add;
 * all tables of a kind share it. Entries handed to the plugin are counted
 * and must be released before the call returns; freed entries wait in a
 * quarantine ring with a dead mark, so a stale pointer used shortly after
 * is reported instead of reading freed memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define FIELD_MAGIC 0x464c4431u
#define ENTRY_LIVE 0x454e5431u
#define ENTRY_DEAD 0xdead0e01u
#define ACC_LIVE 0x41434331u

/* Phase masks for the vtable functions. */
#define PH(p) (1u << (p))
#define PH_READ (PH(HT_PHASE_INIT) | PH(HT_PHASE_PARSE) | PH(HT_PHASE_EXTRACT))
#define PH_WRITE (PH(HT_PHASE_INIT) | PH(HT_PHASE_PARSE))
#define PH_INIT PH(HT_PHASE_INIT)

static const char *phase_name[] = {"between calls", "init", "parse_event",
				   "extract_fields", "another plugin call"};

static const char empty[] = "";

const char *ht_type_name(abi_state_type t)
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
	return "unknown";
}

void ht_seterr(ht_host *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->lasterr, sizeof h->lasterr, fmt, ap);
	va_end(ap);
}

/* ht_violate records a breach of the plugin API contract. */
void ht_violate(ht_host *h, const char *fmt, ...)
{
	size_t off = strlen(h->viol);
	va_list ap;

	h->nviol++;
	if (h->nviol > 4 || off + 8 >= sizeof h->viol)
		return;
	if (off > 0) {
		memcpy(h->viol + off, "; ", 3);
		off += 2;
	}
	va_start(ap, fmt);
	vsnprintf(h->viol + off, sizeof h->viol - off, fmt, ap);
	va_end(ap);
}

/* ---- schemas ---- */

ht_schema *ht_schema_new(ht_host *h, const char *name, abi_state_type key,
			 int allow_dynamic)
{
	ht_schema *s;

	if (h->nschemas == sizeof h->schemas / sizeof h->schemas[0])
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->host = h;
	s->name = strdup(name);
	s->key_type = key;
	s->key_slot = -1;
	s->allow_dynamic = (uint8_t)allow_dynamic;
	h->schemas[h->nschemas++] = s;
	return s;
}

static ht_field *schema_push(ht_schema *s, const char *name,
			     abi_state_type type, int ro, int dynamic,
			     ht_schema *sub, int alias_slot)
{
	ht_field *f;

	if (s->nfields == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 16;
		ht_field **nf = realloc(s->fields, cap * sizeof *nf);

		if (!nf)
			return NULL;
		s->fields = nf;
		s->cap = cap;
	}
	f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->magic = FIELD_MAGIC;
	f->schema = s;
	f->name = strdup(name);
	f->type = type;
	f->read_only = (uint8_t)ro;
	f->dynamic = (uint8_t)dynamic;
	f->sub = sub;
	if (alias_slot >= 0) {
		f->slot = (uint32_t)alias_slot;
	} else {
		f->slot = s->nslots++;
	}
	s->fields[s->nfields++] = f;
	return f;
}

/* ht_schema_add adds a static field; alias_slot >= 0 makes it share the
 * storage of an earlier field, as libs 0.17's fd "type" shares open_flags. */
ht_field *ht_schema_add(ht_schema *s, const char *name, abi_state_type type,
			int read_only, ht_schema *sub, int alias_slot)
{
	return schema_push(s, name, type, read_only, 0, sub, alias_slot);
}

void ht_schema_set_key(ht_schema *s, ht_field *f)
{
	s->key_slot = f ? (int)f->slot : -1;
}

static ht_field *schema_lookup(ht_schema *s, const char *name, size_t n)
{
	for (uint32_t i = 0; i < s->nfields; i++) {
		ht_field *f = s->fields[i];

		if (strlen(f->name) == n && memcmp(f->name, name, n) == 0)
			return f;
	}
	return NULL;
}

ht_field *ht_schema_find(ht_schema *s, const char *name, size_t n)
{
	return schema_lookup(s, name, n);
}

static int valid_type(abi_state_type t)
{
	return (t >= ABI_ST_INT8 && t <= ABI_ST_TABLE) || t == ABI_ST_BOOL;
}

/* add_dynamic applies libsinsp's add-field rules and returns NULL with the
 * reason in *why when the field is refused. */
static ht_field *add_dynamic(ht_schema *s, const char *name,
			     abi_state_type type, char *why, size_t whylen)
{
	ht_field *f;

	if (!name || !*name) {
		snprintf(why, whylen, "dynamic field name is empty");
		return NULL;
	}
	if (!s->allow_dynamic) {
		snprintf(why, whylen, "table %s does not support dynamic fields",
			 s->name);
		return NULL;
	}
	if (type == ABI_ST_TABLE || !valid_type(type)) {
		snprintf(why, whylen,
			 "dynamic field '%s' can't have type %s (%u)", name,
			 ht_type_name(type), type);
		return NULL;
	}
	f = schema_lookup(s, name, strlen(name));
	if (f && !f->dynamic) {
		snprintf(why, whylen,
			 "can't add dynamic field '%s' to table %s: already "
			 "defined as static field",
			 name, s->name);
		return NULL;
	}
	if (f && f->type != type) {
		snprintf(why, whylen,
			 "dynamic field '%s' of table %s already defined with "
			 "type %s, not %s",
			 name, s->name, ht_type_name(f->type),
			 ht_type_name(type));
		return NULL;
	}
	if (f)
		return f;
	f = schema_push(s, name, type, 0, 1, NULL, -1);
	if (!f)
		snprintf(why, whylen, "out of memory");
	return f;
}

/* ht_add_dynamic is add_field for the Go side (a simulated other plugin).
 * It returns NULL on success, else the reason. */
const char *ht_add_dynamic(ht_schema *s, const char *name,
			   abi_state_type type, ht_field **out)
{
	char *why = s->host->goerr;

	*out = add_dynamic(s, name, type, why, sizeof s->host->goerr);
	return *out ? NULL : why;
}

/* ---- entries ---- */

static ht_table *table_new(ht_schema *s, const char *name)
{
	ht_table *t = calloc(1, sizeof *t);

	if (t) {
		t->schema = s;
		t->name = name;
	}
	return t;
}

static void table_drop_all(ht_table *t);

static void entry_free_now(ht_entry *e)
{
	for (uint32_t i = 0; i < e->nvals; i++) {
		free(e->vals[i].s);
		if (e->vals[i].sub) {
			table_drop_all(e->vals[i].sub);
			free(e->vals[i].sub->ents);
			free(e->vals[i].sub);
		}
	}
	free(e->vals);
	free(e);
}

/* maybe_free retires an entry nobody can reach any more. Its memory stays
 * in the quarantine ring, marked dead, for the next HT_QUARANTINE frees. */
static void maybe_free(ht_entry *e)
{
	ht_host *h;
	ht_entry *old;

	if (e->in_table || e->refs || e->pins || e->detached ||
	    e->magic != ENTRY_LIVE)
		return;
	h = e->schema->host;
	e->magic = ENTRY_DEAD;
	old = h->quarantine[h->qnext];
	h->quarantine[h->qnext] = e;
	h->qnext = (h->qnext + 1) % HT_QUARANTINE;
	if (old)
		entry_free_now(old);
}

static ht_entry *entry_new(ht_schema *s)
{
	ht_entry *e = calloc(1, sizeof *e);

	if (!e)
		return NULL;
	e->magic = ENTRY_LIVE;
	e->schema = s;
	return e;
}

static int ensure_slots(ht_entry *e, uint32_t n)
{
	ht_val *nv;

	if (e->nvals >= n)
		return 1;
	nv = realloc(e->vals, n * sizeof *nv);
	if (!nv)
		return 0;
	memset(nv + e->nvals, 0, (n - e->nvals) * sizeof *nv);
	e->vals = nv;
	e->nvals = n;
	return 1;
}

static void entry_reset(ht_entry *e)
{
	for (uint32_t i = 0; i < e->nvals; i++) {
		free(e->vals[i].s);
		e->vals[i].s = NULL;
		e->vals[i].n = 0;
		if (e->vals[i].sub)
			table_drop_all(e->vals[i].sub);
	}
}

static void entry_set_key(ht_entry *e, int64_t key)
{
	e->key = key;
	if (e->schema->key_slot >= 0 &&
	    ensure_slots(e, (uint32_t)e->schema->key_slot + 1))
		e->vals[e->schema->key_slot].n = (uint64_t)key;
}

/* ---- sorted tables ---- */

static int key_less(const ht_table *t, int64_t a, int64_t b)
{
	if (t->schema->key_type == ABI_ST_UINT64)
		return (uint64_t)a < (uint64_t)b;
	return a < b;
}

/* lower_bound returns the index of the first entry whose key is >= key. */
static uint32_t lower_bound(const ht_table *t, int64_t key)
{
	uint32_t lo = 0, hi = t->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (key_less(t, t->ents[mid]->key, key))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

ht_entry *ht_find(ht_table *t, int64_t key)
{
	uint32_t i = lower_bound(t, key);

	if (i < t->n && t->ents[i]->key == key)
		return t->ents[i];
	return NULL;
}

static void table_remove_at(ht_table *t, uint32_t i)
{
	ht_entry *e = t->ents[i];

	memmove(t->ents + i, t->ents + i + 1, (t->n - i - 1) * sizeof *t->ents);
	t->n--;
	e->in_table = 0;
	maybe_free(e);
}

/* table_insert puts e at key, replacing (and retiring) any entry there. */
static int table_insert(ht_table *t, int64_t key, ht_entry *e)
{
	uint32_t i = lower_bound(t, key);

	entry_set_key(e, key);
	if (i < t->n && t->ents[i]->key == key) {
		ht_entry *old = t->ents[i];

		t->ents[i] = e;
		e->in_table = 1;
		old->in_table = 0;
		maybe_free(old);
		return 1;
	}
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 8;
		ht_entry **ne = realloc(t->ents, cap * sizeof *ne);

		if (!ne)
			return 0;
		t->ents = ne;
		t->cap = cap;
	}
	memmove(t->ents + i + 1, t->ents + i, (t->n - i) * sizeof *t->ents);
	t->ents[i] = e;
	t->n++;
	e->in_table = 1;
	return 1;
}

static void table_drop_all(ht_table *t)
{
	while (t->n > 0)
		table_remove_at(t, t->n - 1);
}

/* ---- Go-side access (no contract checks: the test sets up state) ---- */

ht_entry *ht_put(ht_table *t, int64_t key)
{
	ht_entry *e = ht_find(t, key);

	if (e) {
		entry_reset(e);
		entry_set_key(e, key);
		return e;
	}
	e = entry_new(t->schema);
	if (!e)
		return NULL;
	if (!table_insert(t, key, e)) {
		free(e);
		return NULL;
	}
	return e;
}

int ht_erase(ht_table *t, int64_t key)
{
	uint32_t i = lower_bound(t, key);

	if (i < t->n && t->ents[i]->key == key) {
		table_remove_at(t, i);
		return 1;
	}
	return 0;
}

void ht_clear(ht_table *t) { table_drop_all(t); }

uint32_t ht_size(ht_table *t) { return t->n; }

int64_t ht_key_at(ht_table *t, uint32_t i)
{
	return i < t->n ? t->ents[i]->key : 0;
}

void ht_set_num(ht_entry *e, ht_field *f, uint64_t v)
{
	if (ensure_slots(e, f->slot + 1))
		e->vals[f->slot].n = v;
}

void ht_set_str(ht_entry *e, ht_field *f, const char *v, size_t n)
{
	char *s;

	if (!ensure_slots(e, f->slot + 1))
		return;
	s = malloc(n + 1);
	if (!s)
		return;
	if (n)
		memcpy(s, v, n);
	s[n] = 0;
	free(e->vals[f->slot].s);
	e->vals[f->slot].s = s;
}

uint64_t ht_get_num(ht_entry *e, ht_field *f)
{
	return f->slot < e->nvals ? e->vals[f->slot].n : 0;
}

const char *ht_get_str(ht_entry *e, ht_field *f)
{
	if (f->slot < e->nvals && e->vals[f->slot].s)
		return e->vals[f->slot].s;
	return empty;
}

ht_table *ht_sub(ht_entry *e, ht_field *f)
{
	if (f->type != ABI_ST_TABLE || !f->sub ||
	    !ensure_slots(e, f->slot + 1))
		return NULL;
	if (!e->vals[f->slot].sub)
		e->vals[f->slot].sub = table_new(f->sub, f->name);
	return e->vals[f->slot].sub;
}

void ht_set_threads(ht_host *h, ht_schema *s)
{
	h->threads = table_new(s, s->name);
	h->threads_acc.magic = ACC_LIVE;
	h->threads_acc.host = h;
	h->threads_acc.table = h->threads;
	h->table_infos[0].name = "threads";
	h->table_infos[0].key_type = s->key_type;
}

ht_table *ht_threads(ht_host *h) { return h->threads; }

void ht_free_tables(ht_host *h)
{
	if (h->threads) {
		table_drop_all(h->threads);
		free(h->threads->ents);
		free(h->threads);
		h->threads = NULL;
	}
	/* Freeing an entry retires its sub-tables' entries into the ring
	 * again, so sweep until it stays empty. */
	for (int any = 1; any;) {
		any = 0;
		for (uint32_t i = 0; i < HT_QUARANTINE; i++) {
			ht_entry *e = h->quarantine[i];

			if (e) {
				h->quarantine[i] = NULL;
				entry_free_now(e);
				any = 1;
			}
		}
	}
	for (uint32_t i = 0; i < HT_EPH_RING; i++)
		free(h->eph[i]);
	for (uint32_t i = 0; i < h->nschemas; i++) {
		ht_schema *s = h->schemas[i];

		for (uint32_t j = 0; j < s->nfields; j++) {
			free(s->fields[j]->name);
			free(s->fields[j]);
		}
		free(s->fields);
		free(s->infos);
		free(s->name);
		free(s);
	}
	h->nschemas = 0;
	free(h->held);
}

/* ---- contract checks shared by the vtables ---- */

static ht_acc *acc_check(abi_table *t, const char *op, unsigned phases)
{
	ht_acc *a = t;

	if (!a || a->magic != ACC_LIVE)
		return NULL;
	if (a->ephemeral && a->call_id != a->host->call_id) {
		ht_violate(a->host,
			   "%s: sub-table accessor used after the call that "
			   "read it returned",
			   op);
		return NULL;
	}
	if (!(PH(a->host->phase) & phases)) {
		ht_violate(a->host, "%s called during %s", op,
			   phase_name[a->host->phase]);
		return NULL;
	}
	return a;
}

static int entry_ok(ht_acc *a, ht_entry *e, const char *op)
{
	if (!e) {
		ht_seterr(a->host, "%s: NULL entry", op);
		ht_violate(a->host, "%s: NULL entry", op);
		return 0;
	}
	if (e->magic == ENTRY_DEAD) {
		ht_violate(a->host,
			   "%s: entry used after it was released and removed",
			   op);
		return 0;
	}
	if (e->magic != ENTRY_LIVE || e->schema != a->table->schema) {
		ht_violate(a->host, "%s: entry does not belong to table %s",
			   op, a->table->name);
		return 0;
	}
	return 1;
}

static int field_ok(ht_acc *a, const ht_field *f, const char *op)
{
	if (!f || f->magic != FIELD_MAGIC || f->schema != a->table->schema) {
		ht_violate(a->host,
			   "%s: field accessor does not belong to table %s", op,
			   a->table->name);
		return 0;
	}
	return 1;
}

static void hold(ht_host *h, ht_entry *e)
{
	if (h->nheld == h->capheld) {
		uint32_t cap = h->capheld ? h->capheld * 2 : 16;
		ht_entry **n = realloc(h->held, cap * sizeof *n);

		if (!n)
			return;
		h->held = n;
		h->capheld = cap;
	}
	h->held[h->nheld++] = e;
	e->refs++;
}

/* ht_end_call releases what the plugin failed to release and reports it. */
void ht_end_call(ht_host *h, uint32_t detached_before)
{
	if (h->nheld > 0) {
		ht_violate(h,
			   "%u table entr%s handed out by get_entry/add_entry "
			   "not released before %s returned",
			   h->nheld, h->nheld == 1 ? "y" : "ies",
			   phase_name[h->phase]);
		while (h->nheld > 0) {
			ht_entry *e = h->held[--h->nheld];

			e->refs--;
			maybe_free(e);
		}
	}
	if (h->ndetached > detached_before)
		ht_violate(h,
			   "%u entr%s made by create_entry neither added nor "
			   "destroyed before %s returned",
			   h->ndetached - detached_before,
			   h->ndetached - detached_before == 1 ? "y" : "ies",
			   phase_name[h->phase]);
	h->phase = HT_PHASE_NONE;
	h->call_id++;
}

/* ---- values ---- */

static void put_out(abi_state_type t, uint64_t n, abi_state_data *out)
{
	/* Poison the whole union so a plugin that reads a wider member than
	 * the field's type sees garbage, as it would on libsinsp's stack. */
	memset(out, 0xa5, sizeof *out);
	switch (t) {
	case ABI_ST_INT8: out->s8 = (int8_t)n; break;
	case ABI_ST_INT16: out->s16 = (int16_t)n; break;
	case ABI_ST_INT32: out->s32 = (int32_t)n; break;
	case ABI_ST_INT64: out->s64 = (int64_t)n; break;
	case ABI_ST_UINT8: out->u8 = (uint8_t)n; break;
	case ABI_ST_UINT16: out->u16 = (uint16_t)n; break;
	case ABI_ST_UINT32: out->u32 = (uint32_t)n; break;
	case ABI_ST_UINT64: out->u64 = n; break;
	case ABI_ST_BOOL: out->b = n != 0; break;
	}
}

static uint64_t get_in(abi_state_type t, const abi_state_data *in)
{
	switch (t) {
	case ABI_ST_INT8: return (uint64_t)(int64_t)in->s8;
	case ABI_ST_INT16: return (uint64_t)(int64_t)in->s16;
	case ABI_ST_INT32: return (uint64_t)(int64_t)in->s32;
	case ABI_ST_INT64: return (uint64_t)in->s64;
	case ABI_ST_UINT8: return in->u8;
	case ABI_ST_UINT16: return in->u16;
	case ABI_ST_UINT32: return in->u32;
	case ABI_ST_UINT64: return in->u64;
	case ABI_ST_BOOL: return in->b != 0;
	}
	return 0;
}

static ht_acc *eph_new(ht_host *h, ht_table *t)
{
	uint32_t i = h->eph_next;
	ht_acc *a = h->eph[i];

	if (!a) {
		a = calloc(1, sizeof *a);
		if (!a)
			return NULL;
		h->eph[i] = a;
	}
	h->eph_next = (i + 1) % HT_EPH_RING;
	a->magic = ACC_LIVE;
	a->ephemeral = 1;
	a->call_id = h->call_id;
	a->host = h;
	a->table = t;
	return a;
}

/* fd_table_of resolves a thread's file_descriptors as libsinsp does: a
 * non-main thread that shares its files (flags bit 0, CLONE_FILES) sees
 * its main thread's table. */
static ht_table *fd_table_of(ht_host *h, ht_entry *e, ht_field *f)
{
	ht_schema *s = e->schema;
	ht_field *flags = schema_lookup(s, "flags", 5);
	ht_field *pid = schema_lookup(s, "pid", 3);

	if (e->in_table && flags && pid && (ht_get_num(e, flags) & 1) &&
	    (int64_t)ht_get_num(e, pid) != e->key) {
		ht_entry *m = ht_find(h->threads, (int64_t)ht_get_num(e, pid));

		if (m)
			return ht_sub(m, f);
	}
	return ht_sub(e, f);
}

/* ---- the reader vtable ---- */

static const char *v_get_name(abi_table *t)
{
	ht_acc *a = acc_check(t, "get_table_name", PH_READ);

	return a ? a->table->name : NULL;
}

static uint64_t v_get_size(abi_table *t)
{
	ht_acc *a = acc_check(t, "get_table_size", PH_READ);

	if (a)
		a->host->n_size++;

	return a ? a->table->n : (uint64_t)-1;
}

static abi_entry *v_get_entry(abi_table *t, const abi_state_data *key)
{
	ht_acc *a = acc_check(t, "get_table_entry", PH_READ);

	if (a)
		a->host->n_get++;
	ht_entry *e;

	if (!a)
		return NULL;
	if (!key) {
		ht_violate(a->host, "get_table_entry: NULL key");
		return NULL;
	}
	e = ht_find(a->table, key->s64);
	if (!e) {
		if (a->table->schema->key_type == ABI_ST_UINT64)
			ht_seterr(a->host,
				  "table %s: no entry found at key %llu",
				  a->table->name,
				  (unsigned long long)key->u64);
		else
			ht_seterr(a->host,
				  "table %s: no entry found at key %lld",
				  a->table->name,
				  (long long)key->s64);
		return NULL;
	}
	hold(a->host, e);
	return e;
}

static abi_rc v_read(abi_table *t, abi_entry *ent, const abi_field *fld,
		     abi_state_data *out)
{
	ht_acc *a = acc_check(t, "read_entry_field", PH_READ);

	if (a)
		a->host->n_read++;
	ht_entry *e = ent;
	ht_field *f = (ht_field *)fld;

	if (!a || !entry_ok(a, e, "read_entry_field") ||
	    !field_ok(a, f, "read_entry_field"))
		return ABI_FAILURE;
	if (!out) {
		ht_violate(a->host, "read_entry_field: NULL output");
		return ABI_FAILURE;
	}
	memset(out, 0xa5, sizeof *out);
	switch (f->type) {
	case ABI_ST_STRING:
		out->str = ht_get_str(e, f);
		return ABI_SUCCESS;
	case ABI_ST_TABLE: {
		ht_table *sub;
		ht_acc *sa;

		if (a->table == a->host->threads &&
		    strcmp(f->name, "file_descriptors") == 0)
			sub = fd_table_of(a->host, e, f);
		else
			sub = ht_sub(e, f);
		sa = sub ? eph_new(a->host, sub) : NULL;
		if (!sa) {
			ht_seterr(a->host, "out of memory");
			return ABI_FAILURE;
		}
		out->table = sa;
		return ABI_SUCCESS;
	}
	}
	put_out(f->type, ht_get_num(e, f), out);
	return ABI_SUCCESS;
}

static void v_release(abi_table *t, abi_entry *ent)
{
	ht_acc *a = acc_check(t, "release_table_entry", PH_READ);

	if (a)
		a->host->n_release++;
	ht_entry *e = ent;
	ht_host *h;

	if (!a)
		return;
	h = a->host;
	for (uint32_t i = h->nheld; i > 0; i--) {
		if (h->held[i - 1] == e) {
			h->held[i - 1] = h->held[--h->nheld];
			e->refs--;
			maybe_free(e);
			return;
		}
	}
	ht_violate(h,
		   "release_table_entry: entry not handed out by get_entry or "
		   "add_entry (or released twice)");
}

static abi_bool v_iterate(abi_table *t, abi_iter_fn fn, void *st)
{
	ht_acc *a = acc_check(t, "iterate_entries", PH_READ);

	if (a)
		a->host->n_iterate++;
	ht_entry **snap;
	uint32_t n;
	abi_bool all = 1;

	if (!a)
		return 0;
	if (!fn) {
		ht_violate(a->host, "iterate_entries: NULL iterator");
		return 0;
	}
	n = a->table->n;
	if (n == 0)
		return 1;
	snap = malloc(n * sizeof *snap);
	if (!snap)
		return 0;
	memcpy(snap, a->table->ents, n * sizeof *snap);
	for (uint32_t i = 0; i < n; i++)
		snap[i]->pins++;
	for (uint32_t i = 0; i < n; i++) {
		if (all && snap[i]->in_table && !fn(st, snap[i]))
			all = 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		snap[i]->pins--;
		maybe_free(snap[i]);
	}
	free(snap);
	return all;
}

/* ---- the writer vtable ---- */

static abi_rc v_clear(abi_table *t)
{
	ht_acc *a = acc_check(t, "clear_table", PH_WRITE);

	if (!a)
		return ABI_FAILURE;
	table_drop_all(a->table);
	return ABI_SUCCESS;
}

static abi_rc v_erase(abi_table *t, const abi_state_data *key)
{
	ht_acc *a = acc_check(t, "erase_table_entry", PH_WRITE);

	if (!a || !key)
		return ABI_FAILURE;
	if (!ht_erase(a->table, key->s64)) {
		ht_seterr(a->host, "table %s: no entry found at key %lld",
			  a->table->name, (long long)key->s64);
		return ABI_FAILURE;
	}
	return ABI_SUCCESS;
}

static abi_entry *v_create(abi_table *t)
{
	ht_acc *a = acc_check(t, "create_table_entry", PH_WRITE);
	ht_entry *e;

	if (!a)
		return NULL;
	e = entry_new(a->table->schema);
	if (!e) {
		ht_seterr(a->host, "out of memory");
		return NULL;
	}
	e->detached = 1;
	a->host->ndetached++;
	return e;
}

static void v_destroy(abi_table *t, abi_entry *ent)
{
	ht_acc *a = acc_check(t, "destroy_table_entry", PH_WRITE);
	ht_entry *e = ent;

	if (!a || !entry_ok(a, e, "destroy_table_entry"))
		return;
	if (!e->detached) {
		ht_violate(a->host,
			   "destroy_table_entry: entry was not made by "
			   "create_table_entry or was already added");
		return;
	}
	e->detached = 0;
	a->host->ndetached--;
	maybe_free(e);
}

static abi_entry *v_add(abi_table *t, const abi_state_data *key,
			abi_entry *ent)
{
	ht_acc *a = acc_check(t, "add_table_entry", PH_WRITE);
	ht_entry *e = ent;

	if (!a || !key || !entry_ok(a, e, "add_table_entry"))
		return NULL;
	if (!e->detached) {
		ht_seterr(a->host, "add_table_entry: entry was not made by "
				   "create_table_entry or was already added");
		ht_violate(a->host, "%s", a->host->lasterr);
		return NULL;
	}
	e->detached = 0;
	a->host->ndetached--;
	if (!table_insert(a->table, key->s64, e)) {
		ht_seterr(a->host, "out of memory");
		e->detached = 1;
		a->host->ndetached++;
		return NULL;
	}
	hold(a->host, e);
	return e;
}

static abi_rc v_write(abi_table *t, abi_entry *ent, const abi_field *fld,
		      const abi_state_data *in)
{
	ht_acc *a = acc_check(t, "write_entry_field", PH_WRITE);
	ht_entry *e = ent;
	ht_field *f = (ht_field *)fld;

	if (!a || !entry_ok(a, e, "write_entry_field") ||
	    !field_ok(a, f, "write_entry_field") || !in)
		return ABI_FAILURE;
	if (f->read_only || f->type == ABI_ST_TABLE) {
		ht_seterr(a->host, "field '%s' of table %s is read-only",
			  f->name, a->table->name);
		return ABI_FAILURE;
	}
	if (f->type == ABI_ST_STRING) {
		const char *s = in->str ? in->str : "";

		ht_set_str(e, f, s, strlen(s));
		return ABI_SUCCESS;
	}
	ht_set_num(e, f, get_in(f->type, in));
	return ABI_SUCCESS;
}

/* ---- the fields vtable ---- */

static const abi_field_info *v_list_fields(abi_table *t, uint32_t *n)
{
	ht_acc *a = acc_check(t, "list_table_fields", PH_READ);
	ht_schema *s;

	if (!a || !n)
		return NULL;
	s = a->table->schema;
	if (s->ninfos != s->nfields || !s->infos) {
		abi_field_info *in = calloc(s->nfields ? s->nfields : 1,
					    sizeof *in);

		if (!in)
			return NULL;
		for (uint32_t i = 0; i < s->nfields; i++) {
			in[i].name = s->fields[i]->name;
			in[i].field_type = s->fields[i]->type;
			in[i].read_only = s->fields[i]->read_only;
		}
		free(s->infos);
		s->infos = in;
		s->ninfos = s->nfields;
	}
	*n = s->ninfos;
	return s->infos;
}

static abi_field *v_get_field(abi_table *t, const char *name,
			      abi_state_type type)
{
	ht_acc *a = acc_check(t, "get_table_field", PH_INIT);
	ht_field *f;

	if (!a)
		return NULL;
	if (!name) {
		ht_violate(a->host, "get_table_field: NULL name");
		return NULL;
	}
	f = schema_lookup(a->table->schema, name, strlen(name));
	if (!f) {
		ht_seterr(a->host, "undefined field '%s' in table %s", name,
			  a->table->name);
		return NULL;
	}
	if (f->type != type) {
		ht_seterr(a->host,
			  "incompatible data types for %s field '%s' of table "
			  "%s: it is %s, requested %s (%u)",
			  f->dynamic ? "dynamic" : "static", name,
			  a->table->name, ht_type_name(f->type),
			  ht_type_name(type), type);
		return NULL;
	}
	return f;
}

static abi_field *v_add_field(abi_table *t, const char *name,
			      abi_state_type type)
{
	ht_acc *a = acc_check(t, "add_table_field", PH_INIT);
	ht_field *f;

	if (!a)
		return NULL;
	f = add_dynamic(a->table->schema, name, type, a->host->lasterr,
			sizeof a->host->lasterr);
	return f;
}

/* ---- the init-time table functions ---- */

static abi_table_info *v_list_tables(abi_owner *o, uint32_t *n)
{
	ht_host *h = o;

	if (h->phase != HT_PHASE_INIT) {
		ht_violate(h, "list_tables called during %s",
			   phase_name[h->phase]);
		return NULL;
	}
	*n = 1;
	return h->table_infos;
}

static abi_table *v_get_table(abi_owner *o, const char *name,
			      abi_state_type key)
{
	ht_host *h = o;

	if (h->phase != HT_PHASE_INIT) {
		ht_violate(h, "get_table called during %s",
			   phase_name[h->phase]);
		return NULL;
	}
	if (!name || strcmp(name, "threads") != 0) {
		ht_seterr(h, "unknown table '%s'", name ? name : "(null)");
		return NULL;
	}
	if (key != h->threads->schema->key_type) {
		ht_seterr(h,
			  "table threads has key type %s, requested %s (%u)",
			  ht_type_name(h->threads->schema->key_type),
			  ht_type_name(key), key);
		return NULL;
	}
	return &h->threads_acc;
}

static abi_rc v_add_table(abi_owner *o, const void *in)
{
	ht_host *h = o;

	(void)in;
	ht_seterr(h, "this test host does not support plugin-owned tables");
	return ABI_FAILURE;
}

static const char *v_owner_err(abi_owner *o)
{
	ht_host *h = o;

	return h ? h->lasterr : NULL;
}

void ht_fill_vtables(ht_host *h)
{
	h->fields_vt.list_fields = v_list_fields;
	h->fields_vt.get_field = v_get_field;
	h->fields_vt.add_field = v_add_field;

	h->reader_vt.get_name = v_get_name;
	h->reader_vt.get_size = v_get_size;
	h->reader_vt.get_entry = v_get_entry;
	h->reader_vt.read_field = v_read;
	h->reader_vt.release_entry = v_release;
	h->reader_vt.iterate = v_iterate;

	h->writer_vt.clear = v_clear;
	h->writer_vt.erase_entry = v_erase;
	h->writer_vt.create_entry = v_create;
	h->writer_vt.destroy_entry = v_destroy;
	h->writer_vt.add_entry = v_add;
	h->writer_vt.write_field = v_write;
}

/* The init-time functions, owner callbacks and vtables, for hostcall.c. */
void ht_init_tables_full(ht_host *h, abi_init_tables *t)
{
	memset(t, 0, sizeof *t);
	t->list_tables = v_list_tables;
	t->get_table = v_get_table;
	t->add_table = v_add_table;
	t->fields = h->fields_vt;
	t->fields_ext = &h->fields_vt;
	t->reader_ext = &h->reader_vt;
	t->writer_ext = &h->writer_vt;
}

const char *(*ht_owner_err_fn(void))(abi_owner *)
{
	return v_owner_err;
}
