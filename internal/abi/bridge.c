#include <stddef.h>
#include <string.h>

#include "bridge.h"

/* read_num widens a numeric state value of the given type to 64 bits. */
static uint64_t read_num(abi_state_type type, const abi_state_data *d)
{
	switch (type) {
	case ABI_ST_INT8:
		return (uint64_t)(int64_t)d->s8;
	case ABI_ST_INT16:
		return (uint64_t)(int64_t)d->s16;
	case ABI_ST_INT32:
		return (uint64_t)(int64_t)d->s32;
	case ABI_ST_INT64:
		return (uint64_t)d->s64;
	case ABI_ST_UINT8:
		return d->u8;
	case ABI_ST_UINT16:
		return d->u16;
	case ABI_ST_UINT32:
		return d->u32;
	case ABI_ST_UINT64:
		return d->u64;
	case ABI_ST_BOOL:
		return d->b != 0;
	default:
		return 0;
	}
}

static int read_acc(const abi_reader_vt_ext *r, abi_table *t, abi_entry *e,
		    const ad_acc *a, abi_state_data *d)
{
	memset(d, 0, sizeof(*d));
	return r->read_field(t, e, a->f, d) == ABI_SUCCESS;
}

/* collect appends every "value" of a list sub-table to b, each item
 * followed by a NUL byte. It returns 0 when the list could not be read. */
static int collect(const abi_reader_vt_ext *r, abi_table *t, abi_entry *e,
		   abi_field *list, abi_field *value, ad_buf *b,
		   uint32_t *off, uint32_t *len)
{
	abi_state_data d;
	memset(&d, 0, sizeof(d));
	*off = b->len;
	*len = 0;
	if (r->read_field(t, e, list, &d) != ABI_SUCCESS || d.table == NULL)
		return 0;
	abi_table *sub = d.table;
	uint64_t n = r->get_size(sub);
	if (n == (uint64_t)-1)
		return 0;
	for (uint64_t i = 0; i < n; i++) {
		abi_state_data key, v;
		key.u64 = i;
		abi_entry *item = r->get_entry(sub, &key);
		if (item == NULL)
			return 0;
		memset(&v, 0, sizeof(v));
		int ok = r->read_field(sub, item, value, &v) == ABI_SUCCESS;
		if (ok) {
			const char *s = v.str ? v.str : "";
			size_t l = strlen(s);
			if ((uint64_t)b->len + l + 1 > b->cap) {
				b->need = (uint32_t)(b->len + l + 1);
			} else {
				memcpy(b->data + b->len, s, l);
				b->data[b->len + l] = 0;
				b->len += (uint32_t)(l + 1);
			}
		}
		r->release_entry(sub, item);
		if (!ok)
			return 0;
	}
	*len = b->len - *off;
	return 1;
}

static void read_members(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
			 abi_entry *e, uint64_t mask, ad_thread_out *out)
{
	abi_state_data d;
	for (int i = 0; i < AD_NI64; i++) {
		if (sp->i64[i].f == NULL || !(mask & (1ull << AD_M_I64(i))))
			continue;
		if (read_acc(r, sp->threads, e, &sp->i64[i], &d))
			out->i64[i] = (int64_t)read_num(sp->i64[i].type, &d);
		else
			out->failed |= 1ull << AD_M_I64(i);
	}
	for (int i = 0; i < AD_NU32; i++) {
		if (sp->u32[i].f == NULL || !(mask & (1ull << AD_M_U32(i))))
			continue;
		if (read_acc(r, sp->threads, e, &sp->u32[i], &d))
			out->u32[i] = (uint32_t)read_num(sp->u32[i].type, &d);
		else
			out->failed |= 1ull << AD_M_U32(i);
	}
	for (int i = 0; i < AD_NU64; i++) {
		if (sp->u64[i].f == NULL || !(mask & (1ull << AD_M_U64(i))))
			continue;
		if (read_acc(r, sp->threads, e, &sp->u64[i], &d))
			out->u64[i] = read_num(sp->u64[i].type, &d);
		else
			out->failed |= 1ull << AD_M_U64(i);
	}
	for (int i = 0; i < AD_NB; i++) {
		if (sp->b[i].f == NULL || !(mask & (1ull << AD_M_B(i))))
			continue;
		if (read_acc(r, sp->threads, e, &sp->b[i], &d))
			out->b[i] = (uint32_t)read_num(sp->b[i].type, &d);
		else
			out->failed |= 1ull << AD_M_B(i);
	}
	for (int i = 0; i < AD_NS; i++) {
		if (sp->s[i].f == NULL || !(mask & (1ull << AD_M_S(i))))
			continue;
		if (read_acc(r, sp->threads, e, &sp->s[i], &d)) {
			out->s[i] = d.str ? d.str : "";
			out->slen[i] = (uint32_t)strlen(out->s[i]);
		} else {
			out->failed |= 1ull << AD_M_S(i);
		}
	}
}

static int read_fd_of(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		      abi_entry *e, int64_t fd, ad_fd_out *out);

/* read_entry reads the members mask of entry tid and, when fdout is set,
 * its fd in the same get_entry. */
static int read_entry(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		      int64_t tid, uint64_t mask, ad_thread_out *out,
		      int64_t fd, ad_fd_out *fdout, int *fd_found)
{
	abi_state_data key;
	const uint64_t flags = 1ull << AD_M_U32(AD_U32_FLAGS);
	const uint64_t lazy = 1ull << AD_M_FLAGS_IF_THREAD;
	out->failed = 0;
	key.s64 = tid;
	abi_entry *e = r->get_entry(sp->threads, &key);
	if (e == NULL)
		return 0;
	if (mask & lazy) {
		mask &= ~flags;
		read_members(r, sp, e, mask, out);
		out->u32[AD_U32_FLAGS] = 0;
		if (out->i64[AD_I64_PID] != tid)
			read_members(r, sp, e, flags, out);
	} else {
		read_members(r, sp, e, mask, out);
	}
	if (fdout != NULL)
		*fd_found = read_fd_of(r, sp, e, fd, fdout);
	r->release_entry(sp->threads, e);
	return 1;
}

int ad_read_thread(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		   int64_t tid, uint64_t mask, ad_thread_out *out)
{
	return read_entry(r, sp, tid, mask, out, 0, NULL, NULL);
}

static const char *read_str(const abi_reader_vt_ext *r, abi_table *t,
			    abi_entry *e, abi_field *f)
{
	abi_state_data d;
	memset(&d, 0, sizeof(d));
	if (r->read_field(t, e, f, &d) != ABI_SUCCESS)
		return NULL;
	return d.str ? d.str : "";
}

/* ad_read_lists reads the args and/or env of one entry: from the sub-tables
 * when the host has them, else the plugin's own encoded strings. A list
 * that cannot be read sets its AD_M_ARGS / AD_M_ENV bit in out->failed. */
int ad_read_lists(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		  int64_t tid, int want_args, int want_env, ad_thread_out *out,
		  ad_buf *lists)
{
	abi_state_data key;
	out->failed &= ~((1ull << AD_M_ARGS) | (1ull << AD_M_ENV));
	out->args_enc = out->env_enc = NULL;
	key.s64 = tid;
	abi_entry *e = r->get_entry(sp->threads, &key);
	if (e == NULL)
		return 0;
	if (want_args) {
		if (sp->args && sp->args_value) {
			if (!collect(r, sp->threads, e, sp->args, sp->args_value,
				     lists, &out->args_off, &out->args_len))
				out->failed |= 1ull << AD_M_ARGS;
		} else if (sp->args_enc) {
			out->args_enc = read_str(r, sp->threads, e, sp->args_enc);
		}
	}
	if (want_env) {
		if (sp->env && sp->env_value) {
			if (!collect(r, sp->threads, e, sp->env, sp->env_value, lists,
				     &out->env_off, &out->env_len))
				out->failed |= 1ull << AD_M_ENV;
		} else if (sp->env_enc) {
			out->env_enc = read_str(r, sp->threads, e, sp->env_enc);
		}
	}
	r->release_entry(sp->threads, e);
	return 1;
}

/* fd_group says which members an fd of scap type fd_type has: the name
 * fields and the file fields always, and of the socket union only the
 * group that matches the type. libsinsp keeps the groups in a union, so
 * the others hold another group's bytes anyway. */
static int fd_wanted(int member, uint64_t fd_type)
{
	switch (member) {
	case AD_FD_TYPE: case AD_FD_FLAGS: case AD_FD_DEV: case AD_FD_INO:
	case AD_FD_NAME: case AD_FD_NAME_RAW:
		return 1;
	case AD_FD_V4_SIP: case AD_FD_V4_DIP: case AD_FD_V4_SPORT:
	case AD_FD_V4_DPORT: case AD_FD_V4_L4:
		return fd_type == 3;
	case AD_FD_V4S_IP: case AD_FD_V4S_PORT: case AD_FD_V4S_L4:
		return fd_type == 5;
	case AD_FD_V6_SIP_LO: case AD_FD_V6_SIP_HI: case AD_FD_V6_DIP_LO:
	case AD_FD_V6_DIP_HI: case AD_FD_V6_SPORT: case AD_FD_V6_DPORT:
	case AD_FD_V6_L4:
		return fd_type == 4;
	case AD_FD_V6S_IP_LO: case AD_FD_V6S_IP_HI: case AD_FD_V6S_PORT:
	case AD_FD_V6S_L4:
		return fd_type == 6;
	case AD_FD_UNIX_SRC: case AD_FD_UNIX_DST:
		return fd_type == 8;
	}
	return 0;
}

static void read_fd_member(const abi_reader_vt_ext *r, abi_table *fdt,
			   abi_entry *fe, const ad_acc *a, int i,
			   ad_fd_out *out)
{
	abi_state_data d;
	if (!read_acc(r, fdt, fe, a, &d)) {
		out->failed |= 1ull << i;
		return;
	}
	if (a->type != ABI_ST_STRING) {
		out->v[i] = read_num(a->type, &d);
		return;
	}
	const char *s = d.str ? d.str : "";
	if (i == AD_FD_NAME) {
		out->name = s;
		out->name_len = (uint32_t)strlen(s);
	} else if (i == AD_FD_NAME_RAW) {
		out->name_raw = s;
		out->name_raw_len = (uint32_t)strlen(s);
	}
}

/* read_fd_of reads fd of the thread entry e into out; it returns whether
 * the thread's table has it. */
static int read_fd_of(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		      abi_entry *e, int64_t fd, ad_fd_out *out)
{
	abi_state_data d, k2;
	int found = 0;
	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	if (sp->fds == NULL ||
	    r->read_field(sp->threads, e, sp->fds, &d) != ABI_SUCCESS ||
	    d.table == NULL)
		return 0;
	abi_table *fdt = d.table;
	k2.s64 = fd;
	abi_entry *fe = r->get_entry(fdt, &k2);
	if (fe == NULL)
		return 0;
	found = 1;
	if (sp->fd[AD_FD_TYPE].f != NULL)
		read_fd_member(r, fdt, fe, &sp->fd[AD_FD_TYPE], AD_FD_TYPE, out);
	for (int i = 0; i < AD_NFD; i++) {
		if (i == AD_FD_TYPE || sp->fd[i].f == NULL ||
		    !fd_wanted(i, out->v[AD_FD_TYPE]))
			continue;
		read_fd_member(r, fdt, fe, &sp->fd[i], i, out);
	}
	r->release_entry(fdt, fe);
	return found;
}

int ad_read_fd(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
	       int64_t tid, int64_t fd, ad_fd_out *out)
{
	abi_state_data key;
	memset(out, 0, sizeof(*out));
	if (sp->fds == NULL)
		return 0;
	key.s64 = tid;
	abi_entry *e = r->get_entry(sp->threads, &key);
	if (e == NULL)
		return 0;
	int found = read_fd_of(r, sp, e, fd, out);
	r->release_entry(sp->threads, e);
	return found;
}

static int pf_find(const ad_prefetch_out *o, int64_t tid)
{
	for (int i = 0; i < o->n; i++)
		if (o->tids[i] == tid)
			return i;
	return -1;
}

#define EC_FLAGS (1ull << AD_M_U32(AD_U32_FLAGS))
#define EC_IF_THREAD (1ull << AD_M_FLAGS_IF_THREAD)

/* ec_get fills out from the entry cache when it holds mask of tid. A
 * request with AD_M_FLAGS_IF_THREAD needs no flags of a main thread by
 * tid, as read_entry would not read them. */
static int ec_get(ad_prefetch_out *o, int64_t tid, uint64_t mask,
		  ad_thread_out *out)
{
	ad_ecache *c = o->cache;
	if (c == NULL || (mask & ~AD_ECACHE_MEMBERS) != 0)
		return 0;
	uint32_t i = ad_ecache_index(tid);
	const ad_ecache_key *k = &c->keys[i];
	ad_ecache_slot *s = &c->slots[i];
	if (k->tid != tid || s->gen != c->gen || o->ts < s->ts ||
	    o->ts - s->ts >= AD_ECACHE_TTL)
		return 0;
	uint64_t need = mask & ~EC_IF_THREAD;
	if ((mask & EC_IF_THREAD) && k->pid == tid)
		need &= ~EC_FLAGS;
	if ((s->mask & need) != need)
		return 0;
	s->call = c->call;
	out->i64[AD_I64_PID] = k->pid;
	out->i64[AD_I64_PTID] = k->ptid;
	out->u32[AD_U32_FLAGS] = (need & EC_FLAGS) ? s->flags : 0;
	if (need & (1ull << AD_M_S(AD_S_COMM))) {
		out->s[AD_S_COMM] = s->comm;
		out->slen[AD_S_COMM] = s->comm_len;
	}
	out->failed = s->failed & need;
	return 1;
}

/* ec_put keeps what was read of tid among the AD_ECACHE_MEMBERS, merged
 * with what the slot holds of the same entry, unless the slot served this
 * prefetch already (out strings point into it) or the name is too long.
 * The flags of a main thread read with AD_M_FLAGS_IF_THREAD were not read,
 * so they are not kept. */
static void ec_put(ad_prefetch_out *o, int64_t tid, uint64_t mask,
		   const ad_thread_out *out)
{
	ad_ecache *c = o->cache;
	if (c == NULL)
		return;
	uint64_t got = mask & AD_ECACHE_MEMBERS & ~EC_IF_THREAD;
	if ((mask & EC_IF_THREAD) && out->i64[AD_I64_PID] == tid)
		got &= ~EC_FLAGS;
	uint32_t i = ad_ecache_index(tid);
	ad_ecache_key *k = &c->keys[i];
	ad_ecache_slot *s = &c->slots[i];
	const uint64_t comm = 1ull << AD_M_S(AD_S_COMM);
	uint32_t n = out->slen[AD_S_COMM];
	if (got == 0 || s->call == c->call ||
	    ((got & comm) && n >= AD_ECACHE_COMM))
		return;
	if (k->tid != tid || s->gen != c->gen ||
	    k->pid != out->i64[AD_I64_PID] || k->ptid != out->i64[AD_I64_PTID])
		s->mask = s->failed = 0; /* another entry, or another state */
	k->tid = tid;
	k->pid = out->i64[AD_I64_PID];
	k->ptid = out->i64[AD_I64_PTID];
	s->gen = c->gen;
	s->ts = o->ts;
	s->mask |= got;
	s->failed = (s->failed & ~got) | (out->failed & got);
	if (got & EC_FLAGS)
		s->flags = out->u32[AD_U32_FLAGS];
	if (got & comm) {
		s->comm_len = n;
		if (n > 0)
			memcpy(s->comm, out->s[AD_S_COMM], n);
		s->comm[n] = 0;
	}
}

/* read_fd_only reads the event's fd of thread tid into o, for an event
 * thread whose members came from the entry cache. */
static int read_fd_only(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
			int64_t tid, ad_prefetch_out *o)
{
	abi_state_data key;
	key.s64 = tid;
	abi_entry *e = r->get_entry(sp->threads, &key);
	if (e == NULL)
		return 0;
	o->fd_found = read_fd_of(r, sp, e, o->fd, &o->fdout);
	r->release_entry(sp->threads, e);
	return 1;
}

/* pf_fetch reads entry tid into the next out, from the entry cache when
 * it holds the members asked for: the event thread's (the one with
 * fdout) asks for more than the cache holds, except in a narrow call. The
 * event's fd is always read from the table. */
static int pf_fetch(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		    ad_prefetch_out *o, int64_t tid, uint64_t mask,
		    ad_fd_out *fdout)
{
	int i;
	if (tid <= 0 || o->n >= AD_PREFETCH_MAX)
		return -1;
	if ((i = pf_find(o, tid)) >= 0)
		return i;
	i = o->n;
	/* Only what a reader may look at without a member bit: members are
	 * read by bit (mask less failed), and a whole memset of the out costs
	 * more than the rest of a cached fetch. */
	ad_thread_out *t = &o->outs[i];
	t->failed = 0;
	t->u32[AD_U32_FLAGS] = 0;
	memset(t->s, 0, sizeof(t->s));
	memset(t->slen, 0, sizeof(t->slen));
	if (ec_get(o, tid, mask, &o->outs[i])) {
		if (fdout != NULL && !read_fd_only(r, sp, tid, o))
			return -1;
	} else {
		if (!read_entry(r, sp, tid, mask, &o->outs[i], o->fd, fdout,
				&o->fd_found))
			return -1;
		ec_put(o, tid, mask, &o->outs[i]);
	}
	o->tids[i] = tid;
	o->masks[i] = mask;
	o->n++;
	return i;
}

/* pf_main returns the index of the main thread of entry i: itself when
 * its tid is its pid or the host flagged it main, else the entry of its
 * pid. */
static int pf_main(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		   ad_prefetch_out *o, int i, uint64_t mask)
{
	const ad_thread_out *t = &o->outs[i];
	if (o->tids[i] == t->i64[AD_I64_PID] ||
	    (t->u32[AD_U32_FLAGS] & (1u << 30)))
		return i;
	return pf_fetch(r, sp, o, t->i64[AD_I64_PID], mask, NULL);
}

int ad_prefetch(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		int64_t tid, int depth, int leaders, uint64_t emask,
		uint64_t omask, ad_prefetch_out *o)
{
	o->n = 0;
	o->fd_found = 0;
	if (o->cache != NULL)
		o->cache->call++;
	int ev = pf_fetch(r, sp, o, tid, emask, o->want_fd ? &o->fdout : NULL);
	if (ev < 0)
		return 0;
	int64_t sid = o->outs[ev].i64[AD_I64_SID];
	int64_t vpgid = o->outs[ev].i64[AD_I64_VPGID];
	int cur = pf_main(r, sp, o, ev, omask);
	if (depth > AD_PREFETCH_DEPTH)
		depth = AD_PREFETCH_DEPTH;
	for (int d = 0; d < depth && cur >= 0; d++) {
		int p = pf_fetch(r, sp, o, o->outs[cur].i64[AD_I64_PTID], omask,
				 NULL);
		if (p < 0)
			break;
		cur = pf_main(r, sp, o, p, omask);
	}
	if (leaders) {
		pf_fetch(r, sp, o, sid, omask, NULL);
		pf_fetch(r, sp, o, vpgid, omask, NULL);
	}
	return o->n;
}

int ad_read_fd_name(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		    int64_t tid, int64_t fd, const char **name, uint32_t *len)
{
	abi_state_data key, d;
	int ok = 0;
	if (sp->fds == NULL || sp->fd[AD_FD_NAME].f == NULL)
		return 0;
	key.s64 = tid;
	abi_entry *e = r->get_entry(sp->threads, &key);
	if (e == NULL)
		return 0;
	memset(&d, 0, sizeof(d));
	if (r->read_field(sp->threads, e, sp->fds, &d) == ABI_SUCCESS &&
	    d.table != NULL) {
		abi_table *fdt = d.table;
		key.s64 = fd;
		abi_entry *fe = r->get_entry(fdt, &key);
		if (fe != NULL) {
			memset(&d, 0, sizeof(d));
			if (r->read_field(fdt, fe, sp->fd[AD_FD_NAME].f, &d) ==
			    ABI_SUCCESS) {
				*name = d.str ? d.str : "";
				*len = (uint32_t)strlen(*name);
				ok = 1;
			}
			r->release_entry(fdt, fe);
		}
	}
	r->release_entry(sp->threads, e);
	return ok;
}

int ad_write_strings(const abi_writer_vt_ext *w, const abi_reader_vt_ext *r,
		     abi_table *t, int64_t tid, abi_field *f1, const char *s1,
		     abi_field *f2, const char *s2)
{
	abi_state_data key, v;
	key.s64 = tid;
	abi_entry *e = r->get_entry(t, &key);
	if (e == NULL)
		return 0;
	memset(&v, 0, sizeof(v));
	v.str = s1;
	int ok = w->write_field(t, e, f1, &v) == ABI_SUCCESS;
	v.str = s2;
	ok = w->write_field(t, e, f2, &v) == ABI_SUCCESS && ok;
	r->release_entry(t, e);
	return ok;
}

abi_table *ad_get_table(const abi_init_tables *in, abi_owner *o,
			const char *name, abi_state_type key)
{
	return in->get_table(o, name, key);
}

const abi_field_info *ad_list_fields(const abi_init_tables *in, abi_table *t,
				     uint32_t *n)
{
	*n = 0;
	return in->fields_ext->list_fields(t, n);
}

abi_field *ad_get_field(const abi_init_tables *in, abi_table *t,
			const char *name, abi_state_type type)
{
	return in->fields_ext->get_field(t, name, type);
}

abi_field *ad_add_field(const abi_init_tables *in, abi_table *t,
			const char *name, abi_state_type type)
{
	return in->fields_ext->add_field(t, name, type);
}

/* ad_sub_begin gives an accessor for the sub-table behind table_field by
 * reading it from a detached temporary entry: the documented way to get
 * sub-table field accessors at init. Only call it on API 3.5+ hosts: it
 * reads reader_ext and writer_ext, which older hosts do not have. */
abi_table *ad_sub_begin(const abi_init_tables *in, abi_table *t,
			abi_field *table_field, abi_entry **tmp)
{
	abi_state_data d;
	*tmp = NULL;
	if (in->reader_ext == NULL || in->writer_ext == NULL)
		return NULL;
	abi_entry *e = in->writer_ext->create_entry(t);
	if (e == NULL)
		return NULL;
	memset(&d, 0, sizeof(d));
	if (in->reader_ext->read_field(t, e, table_field, &d) != ABI_SUCCESS ||
	    d.table == NULL) {
		in->writer_ext->destroy_entry(t, e);
		return NULL;
	}
	*tmp = e;
	return d.table;
}

void ad_sub_end(const abi_init_tables *in, abi_table *t, abi_entry *tmp)
{
	if (tmp != NULL)
		in->writer_ext->destroy_entry(t, tmp);
}

const char *ad_owner_error(const abi_init_input *in)
{
	if (in->get_owner_last_error == NULL)
		return NULL;
	return in->get_owner_last_error(in->owner);
}

void ad_log(abi_log_fn fn, abi_owner *o, const char *msg, abi_log_sev sev)
{
	fn(o, NULL, msg, sev);
}

#define L(n, v) {n, (size_t)(v)}

static const ad_layout layouts[] = {
	L("sizeof(event)", sizeof(abi_event)),
	L("event.ts", offsetof(abi_event, ts)),
	L("event.tid", offsetof(abi_event, tid)),
	L("event.len", offsetof(abi_event, len)),
	L("event.type", offsetof(abi_event, type)),
	L("event.nparams", offsetof(abi_event, nparams)),
	L("sizeof(event_input)", sizeof(abi_event_input)),
	L("event_input.evtnum", offsetof(abi_event_input, evtnum)),
	L("event_input.evtsrc", offsetof(abi_event_input, evtsrc)),
	L("sizeof(extract_field)", sizeof(abi_extract_field)),
	L("extract_field.res_len", offsetof(abi_extract_field, res_len)),
	L("extract_field.field_id", offsetof(abi_extract_field, field_id)),
	L("extract_field.field", offsetof(abi_extract_field, field)),
	L("extract_field.arg_key", offsetof(abi_extract_field, arg_key)),
	L("extract_field.arg_index", offsetof(abi_extract_field, arg_index)),
	L("extract_field.arg_present", offsetof(abi_extract_field, arg_present)),
	L("extract_field.ftype", offsetof(abi_extract_field, ftype)),
	L("extract_field.flist", offsetof(abi_extract_field, flist)),
	L("sizeof(byte_buffer)", sizeof(abi_byte_buffer)),
	L("byte_buffer.ptr", offsetof(abi_byte_buffer, ptr)),
	L("sizeof(state_data)", sizeof(abi_state_data)),
	L("sizeof(table_info)", sizeof(abi_table_info)),
	L("table_info.key_type", offsetof(abi_table_info, key_type)),
	L("sizeof(field_info)", sizeof(abi_field_info)),
	L("field_info.field_type", offsetof(abi_field_info, field_type)),
	L("field_info.read_only", offsetof(abi_field_info, read_only)),
	L("sizeof(fields_vt)", sizeof(abi_fields_vt)),
	L("sizeof(reader_vt)", sizeof(abi_reader_vt)),
	L("sizeof(reader_vt_ext)", sizeof(abi_reader_vt_ext)),
	L("reader_vt_ext.release_entry", offsetof(abi_reader_vt_ext, release_entry)),
	L("reader_vt_ext.iterate", offsetof(abi_reader_vt_ext, iterate)),
	L("sizeof(writer_vt)", sizeof(abi_writer_vt)),
	L("writer_vt.write_field", offsetof(abi_writer_vt, write_field)),
	L("init_tables.list_tables", offsetof(abi_init_tables, list_tables)),
	L("init_tables.get_table", offsetof(abi_init_tables, get_table)),
	L("init_tables.add_table", offsetof(abi_init_tables, add_table)),
	L("init_tables.fields", offsetof(abi_init_tables, fields)),
	L("init_tables.fields_ext", offsetof(abi_init_tables, fields_ext)),
	L("init_tables.reader_ext", offsetof(abi_init_tables, reader_ext)),
	L("init_tables.writer_ext", offsetof(abi_init_tables, writer_ext)),
	L("sizeof(init_tables)", sizeof(abi_init_tables)),
	L("init_input.config", offsetof(abi_init_input, config)),
	L("init_input.owner", offsetof(abi_init_input, owner)),
	L("init_input.get_owner_last_error", offsetof(abi_init_input, get_owner_last_error)),
	L("init_input.tables", offsetof(abi_init_input, tables)),
	L("init_input.log_fn", offsetof(abi_init_input, log_fn)),
	L("sizeof(init_input)", sizeof(abi_init_input)),
	L("extract_input.num_fields", offsetof(abi_extract_input, num_fields)),
	L("extract_input.fields", offsetof(abi_extract_input, fields)),
	L("extract_input.table_reader", offsetof(abi_extract_input, table_reader)),
	L("extract_input.table_reader_ext", offsetof(abi_extract_input, table_reader_ext)),
	L("extract_input.value_offsets", offsetof(abi_extract_input, value_offsets)),
	L("sizeof(extract_input)", sizeof(abi_extract_input)),
	L("parse_input.table_reader", offsetof(abi_parse_input, table_reader)),
	L("parse_input.table_writer", offsetof(abi_parse_input, table_writer)),
	L("parse_input.table_reader_ext", offsetof(abi_parse_input, table_reader_ext)),
	L("parse_input.table_writer_ext", offsetof(abi_parse_input, table_writer_ext)),
	L("sizeof(parse_input)", sizeof(abi_parse_input)),
	L("sizeof(metric)", sizeof(abi_metric)),
	L("metric.type", offsetof(abi_metric, type)),
	L("metric.value", offsetof(abi_metric, value)),
	L("metric.value_type", offsetof(abi_metric, value_type)),
};

const ad_layout *ad_layouts(size_t *n)
{
	*n = sizeof(layouts) / sizeof(layouts[0]);
	return layouts;
}
