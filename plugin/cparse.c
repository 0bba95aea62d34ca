#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "handle.h"

/*
 * The C counting paths: a thread's next file or socket event (this part)
 * and an exec (the C exec path, further down).
 *
 * The commonest event a plugin sees is a thread's next file or socket
 * event. When every profile counted on it keeps all its fields but a
 * last fd.name in the prefix cache (kept by the Go side,
 * detector/prefix.go), the key is that prefix, a NUL and the fd's name
 * from the host's fd table, and this file counts it without entering Go:
 * the same hash (sketch/hash.go) and update (sketch/sketch.go) on the
 * same counters, which the Go side placed in C memory. Anything else
 * (no prefix, an fd the table lacks, a name that is not printable ASCII,
 * a reset timer due) goes to Go. The plugin's tests compare both paths.
 */

static inline uint64_t mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)(r >> 64) ^ (uint64_t)r;
}

static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* ad_chash is sketch.Hash for profile c's key. */
static uint64_t ad_chash(const ad_cprof *c, const uint8_t *p, size_t n)
{
	const uint64_t *k = c->hk;
	uint64_t st = c->hstart, a = 0, b = 0;
	if (n > 16) {
		const uint8_t *q = p;
		size_t m = n;
		if (m > 48) {
			uint64_t l1 = st, l2 = st;
			while (m > 48) {
				st = mum(le64(q) ^ k[1], le64(q + 8) ^ st);
				l1 = mum(le64(q + 16) ^ k[2], le64(q + 24) ^ l1);
				l2 = mum(le64(q + 32) ^ k[3], le64(q + 40) ^ l2);
				q += 48;
				m -= 48;
			}
			st ^= l1 ^ l2;
		}
		while (m > 16) {
			st = mum(le64(q) ^ k[1], le64(q + 8) ^ st);
			q += 16;
			m -= 16;
		}
		a = le64(p + n - 16);
		b = le64(p + n - 8);
	} else if (n >= 4) {
		size_t off = (n >> 3) << 2;
		a = le32(p) << 32 | le32(p + off);
		b = le32(p + n - 4) << 32 | le32(p + n - 4 - off);
	} else if (n > 0) {
		a = (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 | p[n - 1];
	}
	__uint128_t r = (__uint128_t)(a ^ k[1]) * (b ^ st);
	return mum((uint64_t)r ^ k[0] ^ (uint64_t)n, (uint64_t)(r >> 64) ^ k[1]);
}

static inline uint64_t col(uint64_t g, uint32_t cols)
{
	return (uint64_t)(((__uint128_t)g * cols) >> 64);
}

static inline uint64_t sat_add1(uint64_t a)
{
	return a == UINT64_MAX ? a : a + 1;
}

/* ad_cadd is AddEstimateHash(h, 1) on profile c's counters. */
static uint64_t ad_cadd(const ad_cprof *c, uint64_t h)
{
	const uint64_t step = ((h << 32) | (h >> 32)) | 1;
	uint64_t *row = c->cells, g = h, est = UINT64_MAX;
	if (c->plain) {
		for (uint32_t r = 0; r < c->rows; r++, row += c->cols, g += step) {
			uint64_t *p = &row[col(g, c->cols)];
			*p = sat_add1(*p);
			if (*p < est)
				est = *p;
		}
		return est;
	}
	for (uint32_t r = 0; r < c->rows; r++, row += c->cols, g += step) {
		uint64_t v = row[col(g, c->cols)];
		if (v < est)
			est = v;
	}
	uint64_t next = sat_add1(est);
	row = c->cells;
	g = h;
	for (uint32_t r = 0; r < c->rows; r++, row += c->cols, g += step) {
		uint64_t *p = &row[col(g, c->cols)];
		if (*p < next)
			*p = next;
	}
	return next;
}

/* param_at locates parameter i of e (i below its nparams, its length
 * table inside the event) at *off, *len; data is where the parameters'
 * bytes start. They may run past the event unless the caller checked
 * every length (ev_data). */
static void param_at(const abi_event *e, uint64_t data, uint32_t i,
		     uint64_t *off, uint16_t *len)
{
	const uint8_t *p = (const uint8_t *)e + sizeof(abi_event);
	*off = data;
	for (uint32_t j = 0; j < i; j++) {
		uint16_t l;
		memcpy(&l, p + 2 * j, 2);
		*off += l;
	}
	memcpy(len, p + 2 * i, 2);
}

/* param_i64 reads parameter i of e as an int64 (8 bytes long). */
static int param_i64(const abi_event *e, uint32_t i, int64_t *v)
{
	uint64_t hdr = sizeof(abi_event), nparams = e->nparams, off;
	uint16_t l;
	if (i >= nparams || e->len < hdr + 2 * nparams)
		return 0;
	param_at(e, hdr + 2 * nparams, i, &off, &l);
	if (l != 8 || off + 8 > e->len)
		return 0;
	memcpy(v, (const uint8_t *)e + off, 8);
	return 1;
}

static int printable(const char *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/* known_role returns 1 for a profile the event counts; for the others it
 * records in k that they have no value, or that Go must be asked. */
static int known_role(ad_known *k, uint8_t role)
{
	if (role == AD_CP_COUNT)
		return 1;
	k->what = role == AD_CP_NONE ? AD_KNOWN_NONE : AD_KNOWN_NOTHING;
	return 0;
}

/* count_key counts key in profile c and publishes it in k with its
 * count. */
static void count_key(const ad_cprof *c, ad_known *k, const char *key,
		      uint32_t len)
{
	k->count = ad_cadd(c, ad_chash(c, (const uint8_t *)key, len));
	k->what = AD_KNOWN_COUNT;
	k->text = key;
	k->text_len = len;
}

/* publish makes the handle answer the extractions of ev. */
static void publish(ad_handle *h, const ad_cparse *cp,
		    const abi_event_input *ev)
{
	const abi_event *e = ev->evt;
	h->duration = e->ts >= cp->first_ts ? e->ts - cp->first_ts : 0;
	h->evt = e;
	h->evlen = e->len;
	h->evtnum = ev->evtnum;
	h->valid = 1;
}

/* ad_cparse_event counts ev in C when it can, publishing the answers for
 * the fast extraction path; it returns 0 to leave the event to Go, having
 * changed nothing. */
int ad_cparse_event(ad_handle *h, const abi_event_input *ev,
		    const abi_parse_input *in)
{
	ad_cparse *cp = h->cparse;
	const abi_event *e = ev->evt;
	uint16_t code = e->type;
	if (cp == NULL || !cp->enabled || !cp->first_valid || code >= cp->ncodes ||
	    cp->fdparam[code] == 0 || in == NULL ||
	    in->table_reader_ext == NULL || h->known == NULL)
		return 0;
	if (cp->has_timers && e->ts >= cp->next_reset)
		return 0; /* Go zeroes the sketches first */
	int64_t fd, tid = (int64_t)e->tid;
	if (!param_i64(e, cp->fdparam[code] - 1u, &fd) || fd < 0)
		return 0;
	const uint8_t *plan = cp->plan + (size_t)code * cp->nprof;
	uint64_t need = 0;
	for (uint32_t i = 0; i < cp->nprof; i++) {
		if (plan[i] != AD_CP_COUNT)
			continue;
		const ad_pslot *s = &cp->prof[i].slots[(uint64_t)tid % AD_PSLOTS];
		if (!s->ok || s->tid != tid || s->epoch != h->epoch ||
		    e->ts < s->ts || e->ts - s->ts >= cp->ttl)
			return 0;
		need += (uint64_t)s->n + 1;
	}
	const char *name;
	uint32_t nlen;
	cp->crossings++;
	if (!ad_read_fd_name(in->table_reader_ext, cp->spec, tid, fd, &name,
			     &nlen) ||
	    !printable(name, nlen))
		return 0;
	need += (uint64_t)nlen * cp->nprof;
	if (!ad_reserve(&h->text_area, &h->text_cap, need))
		return 0;
	char *area = h->text_area;
	uint64_t off = 0;
	for (uint32_t i = 0; i < cp->nprof; i++) {
		if (!known_role(&h->known[i], plan[i]))
			continue;
		const ad_cprof *c = &cp->prof[i];
		const ad_pslot *s = &c->slots[(uint64_t)tid % AD_PSLOTS];
		char *key = area + off;
		memcpy(key, s->buf, s->n);
		key[s->n] = 0;
		memcpy(key + s->n + 1, name, nlen);
		uint32_t len = s->n + 1 + nlen;
		count_key(c, &h->known[i], key, len);
		off += len;
		cp->counted++;
	}
	publish(h, cp, ev);
	cp->parsed++;
	return 1;
}

/*
 * The C exec path. An exec exit renders every profile afresh (the
 * thread's state just changed, so nothing of it is kept), and the C parse
 * entry has already read the whole walk for it (the early prefetch,
 * bridge.h). When every profile counted on the code is made of fields
 * this file knows (ad_cop: a member of the event thread, of an ancestor
 * or of a leader), it renders the keys here from that prefetch, by the
 * rules of internal/profile, and counts them like the file path. Anything
 * the common case does not cover goes to Go, which has all the rules: an
 * entry the prefetch did not read, a member that failed, a leader that
 * needs the namespace-aware walk, a failed exec, a malformed event. The
 * plugin's tests run random trees through both paths and compare.
 */

/* ev_data validates e's parameter table as event.Decode does (exec exits
 * have 2-byte lengths) and returns the offset of the first parameter's
 * bytes, or 0 when the lengths overrun the event. */
static uint64_t ev_data(const abi_event *e)
{
	const uint8_t *p = (const uint8_t *)e;
	uint64_t hdr = sizeof(abi_event), np = e->nparams, len = e->len;
	if (len < hdr || 2 * np > len - hdr)
		return 0;
	uint64_t data = hdr + 2 * np, total = data;
	for (uint64_t i = 0; i < np; i++) {
		uint16_t l;
		memcpy(&l, p + hdr + 2 * i, 2);
		total += l;
	}
	return total <= len ? data : 0;
}

/* ev_param locates parameter i of an event ev_data validated. */
static int ev_param(const abi_event *e, uint64_t data, uint32_t i,
		    const uint8_t **v, uint32_t *n)
{
	uint64_t off;
	uint16_t l;
	if (i >= e->nparams)
		return 0;
	param_at(e, data, i, &off, &l);
	*v = (const uint8_t *)e + off;
	*n = l;
	return 1;
}

/* Entry lookups in the prefetch answer an index, or one of these. */
enum {
	W_NONE = -1,  /* no entry: the field has no value */
	W_BAIL = -2,  /* not known here: leave the event to Go */
	W_EMPTY = -3, /* a leader that does not exist: "" */
};

#define M_BIT(m) (1ull << (m))
#define F_MAIN (1u << 30)
#define F_CHILD_PIDNS (1u << 29)

/* What one event's fields resolved so far: the ancestors 0..nanc-1, and
 * the session and process-group leaders (lead_ok[k] once known), so that
 * profiles sharing a field read the prefetch once. */
typedef struct cwalk {
	const ad_prefetch_out *pf;
	int anc[AD_PREFETCH_DEPTH + 1];
	int nanc;
	int lead[2];
	int lead_ok[2];
} cwalk;

/* has reports whether member m of prefetched entry i was read. */
static inline int has(const ad_prefetch_out *pf, int i, int m)
{
	return (pf->masks[i] & M_BIT(m)) && !(pf->outs[i].failed & M_BIT(m));
}

/* find is the profile context's lookup over the prefetch: no tid below 1
 * exists; an entry the prefetch did not read may or may not. */
static int find(const ad_prefetch_out *pf, int64_t tid)
{
	if (tid <= 0)
		return W_NONE;
	for (int i = 0; i < pf->n; i++)
		if (pf->tids[i] == tid)
			return i;
	return W_BAIL;
}

/* main_of is the context's mainOf: the entry itself when its tid is its
 * pid or the host flagged it main, else the entry of its pid. */
static int main_of(const ad_prefetch_out *pf, int i)
{
	if (i < 0)
		return i;
	if (!has(pf, i, AD_M_I64(AD_I64_PID)))
		return W_BAIL;
	int64_t pid = pf->outs[i].i64[AD_I64_PID];
	if (pf->tids[i] == pid)
		return i;
	if (!has(pf, i, AD_M_U32(AD_U32_FLAGS)))
		return W_BAIL;
	if (pf->outs[i].u32[AD_U32_FLAGS] & F_MAIN)
		return i;
	return find(pf, pid);
}

/* ancestor is libsinsp's ancestor walk (the context's ancestor): from
 * the event thread's main thread, depth times to the main thread of the
 * parent entry. */
static int ancestor(cwalk *w, uint32_t depth)
{
	if (depth > AD_PREFETCH_DEPTH)
		return W_BAIL;
	if (w->nanc == 0) {
		w->anc[0] = main_of(w->pf, 0);
		w->nanc = 1;
	}
	for (; (uint32_t)w->nanc <= depth; w->nanc++) {
		int prev = w->anc[w->nanc - 1], next = prev;
		if (prev >= 0) {
			if (!has(w->pf, prev, AD_M_I64(AD_I64_PTID)))
				next = W_BAIL;
			else
				next = main_of(w->pf,
					       find(w->pf, w->pf->outs[prev].i64[AD_I64_PTID]));
		}
		w->anc[w->nanc] = next;
	}
	return w->anc[depth];
}

/* leader is the context's leader in its common case: outside a pid
 * namespace, the entry whose tid is the id. The other cases walk the
 * parent chain, which Go does. */
static int leader(const ad_prefetch_out *pf, int sid)
{
	const ad_thread_out *t = &pf->outs[0];
	static const int ids[] = {AD_I64_SID, AD_I64_VTID, AD_I64_VPID,
				  AD_I64_VPGID};
	for (int k = 0; k < 4; k++)
		if (!has(pf, 0, AD_M_I64(ids[k])))
			return W_BAIL;
	int64_t id = t->i64[sid ? AD_I64_SID : AD_I64_VPGID];
	if (id == -1)
		return W_EMPTY;
	if (!has(pf, 0, AD_M_U32(AD_U32_FLAGS)))
		return W_BAIL;
	int64_t vtid = t->i64[AD_I64_VTID];
	if ((t->u32[AD_U32_FLAGS] & F_CHILD_PIDNS) ||
	    (pf->tids[0] != vtid && vtid >= 0))
		return W_BAIL;
	int l = find(pf, id);
	return l >= 0 ? l : W_BAIL;
}

/* A field's rendered value: a string, then, when sep is set, a space and
 * the argument list with its NUL separators shown as spaces. n is the
 * whole length. */
typedef struct cval {
	const char *s;
	uint32_t sn;
	uint32_t sep;
	const char *list;
	uint32_t ln;
	uint32_t n;
	char num[24];
} cval;

typedef struct cargs {
	const char *p;
	uint32_t n;
	int ok;
} cargs;

static void set_str(cval *v, const char *s, uint32_t n)
{
	v->s = s;
	v->sn = n;
	v->n = n;
}

/* set_num renders x in decimal into v's own buffer. */
static void set_num(cval *v, uint64_t x)
{
	char *end = v->num + sizeof(v->num), *q = end;
	do {
		*--q = (char)('0' + x % 10);
		x /= 10;
	} while (x != 0);
	set_str(v, q, (uint32_t)(end - q));
}

static int str_member(const ad_prefetch_out *pf, int i, int m, cval *v)
{
	if (!has(pf, i, AD_M_S(m)))
		return 0;
	set_str(v, pf->outs[i].s[m], pf->outs[i].slen[m]);
	return 1;
}

/* with_list appends the args to v, after a space when sep: profile's
 * args, cmdline and exeline. The list's last NUL ends it and is no
 * separator. */
static void with_list(cval *v, const cargs *a, int sep)
{
	uint32_t n = a->n;
	if (n > 0 && a->p[n - 1] == 0)
		n--;
	v->sep = sep != 0;
	v->list = a->p;
	v->ln = n;
	v->n = v->sn + v->sep + n;
}

/* resolve renders one field into v; it returns 0 to leave the event to
 * Go. */
static int resolve(cwalk *w, const cargs *args, const ad_cop *op, cval *v)
{
	const ad_prefetch_out *pf = w->pf;
	int i;
	switch (op->sel) {
	case AD_SEL_SELF:
		i = 0;
		break;
	case AD_SEL_ANCESTOR:
		i = ancestor(w, op->depth);
		break;
	case AD_SEL_SID:
	case AD_SEL_VPGID: {
		int k = op->sel == AD_SEL_SID;
		if (!w->lead_ok[k]) {
			w->lead[k] = leader(pf, k);
			w->lead_ok[k] = 1;
		}
		i = w->lead[k];
		break;
	}
	default:
		return 0;
	}
	*v = (cval){.s = ""};
	if (i == W_BAIL)
		return 0;
	if (i == W_NONE || i == W_EMPTY)
		return 1; /* no value, or "": an empty slot either way */
	switch (op->val) {
	case AD_VAL_COMM:
		return str_member(pf, i, AD_S_COMM, v);
	case AD_VAL_EXE:
		return str_member(pf, i, AD_S_EXE, v);
	case AD_VAL_EXEPATH:
		return str_member(pf, i, AD_S_EXEPATH, v);
	case AD_VAL_CONTAINER:
		/* A host without the member, or a failed read: no value. */
		if (str_member(pf, i, AD_S_CONTAINER_ID, v) && v->n == 0)
			set_str(v, "host", 4);
		return 1;
	case AD_VAL_TTY:
		if (!has(pf, i, AD_M_U32(AD_U32_TTY)))
			return 0;
		set_num(v, pf->outs[i].u32[AD_U32_TTY]);
		return 1;
	case AD_VAL_UID:
	case AD_VAL_GID:
	case AD_VAL_LOGINUID: {
		/* Members some hosts lack: a missing one has no value. */
		int m = op->val == AD_VAL_UID   ? AD_U32_UID
			: op->val == AD_VAL_GID ? AD_U32_GID
						: AD_U32_LOGINUID;
		if (!has(pf, i, AD_M_U32(m)))
			return 1;
		uint32_t x = pf->outs[i].u32[m];
		if (m == AD_U32_LOGINUID && x == UINT32_MAX)
			set_str(v, "-1", 2); /* unset */
		else
			set_num(v, x);
		return 1;
	}
	case AD_VAL_TID:
		/* The event's tid, which is the event thread's (above 0). */
		set_num(v, (uint64_t)pf->tids[0]);
		return 1;
	case AD_VAL_ARGS:
	case AD_VAL_CMDLINE:
	case AD_VAL_EXELINE:
		/* The exec'ing thread's args are the event's. */
		if (i != 0 || !args->ok)
			return 0;
		if (op->val == AD_VAL_ARGS) {
			with_list(v, args, 0);
			return 1;
		}
		/* comm and a space and the args when there are any; exe, a
		 * space, and the args, even none. */
		if (op->val == AD_VAL_CMDLINE) {
			if (!str_member(pf, i, AD_S_COMM, v))
				return 0;
			if (args->n > 0)
				with_list(v, args, 1);
			return 1;
		}
		if (!str_member(pf, i, AD_S_EXE, v))
			return 0;
		with_list(v, args, 1);
		return 1;
	}
	return 0;
}

/* put writes v at dst and returns its length. */
static uint32_t put(char *dst, const cval *v)
{
	uint32_t n = v->sn;
	if (n > 0)
		memcpy(dst, v->s, n);
	if (v->sep)
		dst[n++] = ' ';
	ad_nul_to_space(dst + n, v->list, v->ln);
	return n + v->ln;
}

/* The most fields one exec event renders in C, over all its profiles. */
#define AD_CVALS_MAX 64

int ad_cexec_event(ad_handle *h, const abi_event_input *ev, int n)
{
	ad_cparse *cp = h->cparse;
	const abi_event *e = ev->evt;
	uint16_t code = e->type;
	if (cp == NULL || !cp->enabled || !cp->first_valid ||
	    code >= cp->ncodes || cp->execres[code] == 0 || h->known == NULL ||
	    h->early == NULL || n <= 0)
		return 0;
	if (cp->has_timers && e->ts >= cp->next_reset)
		return 0; /* Go zeroes the sketches first */
	uint64_t data = ev_data(e);
	if (data == 0)
		return 0; /* Go ignores it as malformed */
	const uint8_t *pv;
	uint32_t pn;
	int64_t res;
	if (!ev_param(e, data, cp->execres[code] - 1u, &pv, &pn) || pn != 8)
		return 0;
	memcpy(&res, pv, 8);
	if (res != 0)
		return 0; /* a failed exec is not counted */
	cargs args = {NULL, 0, 0};
	if (cp->execargs[code] != 0 &&
	    ev_param(e, data, cp->execargs[code] - 1u, &pv, &pn)) {
		args.p = (const char *)pv;
		args.n = pn;
		args.ok = 1;
	}
	const ad_prefetch_out *pf = ((const ad_early *)h->early)->pf;
	if (pf->n != n || pf->tids[0] != (int64_t)e->tid)
		return 0;

	/* Every value first, so that nothing is written before it is
	 * known that C can do it all. */
	cwalk w = {.pf = pf, .nanc = 0};
	cval vals[AD_CVALS_MAX];
	uint32_t nv = 0;
	uint64_t need = 0;
	const uint8_t *plan = cp->plan + (size_t)code * cp->nprof;
	for (uint32_t i = 0; i < cp->nprof; i++) {
		if (plan[i] != AD_CP_COUNT)
			continue;
		const ad_cprof *c = &cp->prof[i];
		if (c->ops == NULL || nv + c->nops > AD_CVALS_MAX)
			return 0;
		for (uint32_t j = 0; j < c->nops; j++, nv++) {
			if (!resolve(&w, &args, &c->ops[j], &vals[nv]))
				return 0;
			need += (uint64_t)vals[nv].n + 1;
		}
	}
	cp->crossings++; /* the early prefetch */
	if (!ad_reserve(&h->text_area, &h->text_cap, need))
		return 0;

	char *area = h->text_area;
	uint64_t off = 0;
	nv = 0;
	for (uint32_t i = 0; i < cp->nprof; i++) {
		if (!known_role(&h->known[i], plan[i]))
			continue;
		const ad_cprof *c = &cp->prof[i];
		char *key = area + off;
		uint32_t len = 0;
		for (uint32_t j = 0; j < c->nops; j++, nv++) {
			if (j > 0)
				key[len++] = 0;
			len += put(key + len, &vals[nv]);
		}
		count_key(c, &h->known[i], key, len);
		off += len;
		cp->xcounted++;
	}
	publish(h, cp, ev);
	cp->xparsed++;
	return 1;
}
