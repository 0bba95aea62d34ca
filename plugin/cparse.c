#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "handle.h"

/*
 * The C counting path: the commonest event a plugin sees is a thread's
 * next file or socket event. When every profile counted on it keeps all
 * its fields but a last fd.name in the prefix cache (kept by the Go side,
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

/* param_i64 reads parameter i of e as an int64 (8 bytes long). */
static int param_i64(const abi_event *e, uint32_t i, int64_t *v)
{
	const uint8_t *p = (const uint8_t *)e;
	uint64_t hdr = sizeof(abi_event), nparams = e->nparams;
	if (i >= nparams || e->len < hdr + 2 * nparams)
		return 0;
	uint64_t off = hdr + 2 * nparams;
	for (uint32_t j = 0; j < i; j++) {
		uint16_t l;
		memcpy(&l, p + hdr + 2 * j, 2);
		off += l;
	}
	uint16_t l;
	memcpy(&l, p + hdr + 2 * i, 2);
	if (l != 8 || off + 8 > e->len)
		return 0;
	memcpy(v, p + off, 8);
	return 1;
}

static int printable(const char *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
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
		ad_known *k = &h->known[i];
		if (plan[i] == AD_CP_NONE) {
			k->what = AD_KNOWN_NONE;
			continue;
		}
		if (plan[i] != AD_CP_COUNT) {
			k->what = AD_KNOWN_NOTHING;
			continue;
		}
		const ad_cprof *c = &cp->prof[i];
		const ad_pslot *s = &c->slots[(uint64_t)tid % AD_PSLOTS];
		char *key = area + off;
		memcpy(key, s->buf, s->n);
		key[s->n] = 0;
		memcpy(key + s->n + 1, name, nlen);
		uint32_t len = s->n + 1 + nlen;
		k->count = ad_cadd(c, ad_chash(c, (const uint8_t *)key, len));
		k->what = AD_KNOWN_COUNT;
		k->text = key;
		k->text_len = len;
		off += len;
		cp->counted++;
	}
	h->duration = e->ts >= cp->first_ts ? e->ts - cp->first_ts : 0;
	h->evt = e;
	h->evlen = e->len;
	h->evtnum = ev->evtnum;
	h->valid = 1;
	cp->parsed++;
	return 1;
}
