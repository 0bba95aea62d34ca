#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "handle.h"
#include "_cgo_export.h"

/*
 * plugin_extract_fields answers from the handle when the last Go call on
 * this instance already computed the value for this very event: libsinsp
 * asks for one field per call, and parse has rendered and counted the
 * event's profiles just before. Anything else goes to Go. This saves a
 * C-to-Go call per extraction, which costs more than the answer itself.
 */

/* profile_of resolves the field's argument like the Go side
 * (detector.Index): no argument is profile 0, a key is a profile name, an
 * index must be in range. It returns 0 when there is no such profile. */
static int profile_of(const ad_handle *h, const abi_extract_field *f,
		      uint32_t *p)
{
	if (!f->arg_present) {
		*p = 0;
		return h->nprof > 0;
	}
	if (f->arg_key != NULL && f->arg_key[0] != 0) {
		for (uint32_t i = 0; i < h->nprof; i++) {
			const char *n = h->known[i].name;
			if (n != NULL && strcmp(n, f->arg_key) == 0) {
				*p = i;
				return 1;
			}
		}
		return 0;
	}
	if (f->arg_index >= h->nprof)
		return 0;
	*p = (uint32_t)f->arg_index;
	return 1;
}

/* ad_reserve: see handle.h. */
int ad_reserve(char **buf, uint32_t *cap, uint64_t need)
{
	if (need <= *cap)
		return 1;
	if (need > UINT32_MAX / 2)
		return 0;
	uint32_t n = need < 256 ? 256 : 2 * (uint32_t)need;
	char *p = malloc(n);
	if (p == NULL)
		return 0;
	free(*buf);
	*buf = p;
	*cap = n;
	return 1;
}

/* copy_text copies a known profile key into the extraction's own buffer
 * (the result must outlive the next parse, which rewrites text_area), in
 * display form: the NUL bytes between values become spaces, as in
 * profile.Display. Values never hold a NUL. */
static int copy_text(ad_handle *h, const ad_known *k)
{
	if (!ad_reserve(&h->str_area, &h->str_cap, (uint64_t)k->text_len + 1))
		return 0;
	ad_nul_to_space(h->str_area, k->text, k->text_len);
	h->str_area[k->text_len] = 0;
	h->res_str = h->str_area;
	return 1;
}

/* fast_extract returns 1 when it answered the call. */
static int fast_extract(ad_handle *h, const abi_event_input *ev,
			const abi_extract_input *in)
{
	if (!h->valid || in->num_fields != 1 || in->fields == NULL ||
	    ev->evt == NULL || ev->evtnum != h->evtnum || ev->evt != h->evt ||
	    ev->evt->len != h->evlen)
		return 0;
	abi_extract_field *f = &in->fields[0];
	uint32_t p;
	switch (f->field_id) {
	case AD_FIELD_DURATION:
		h->res_u64 = h->duration;
		f->res.u64 = &h->res_u64;
		f->res_len = 1;
		break;
	case AD_FIELD_COUNT:
	case AD_FIELD_PROFILE: {
		if (!profile_of(h, f, &p) || h->known[p].what == AD_KNOWN_NONE) {
			f->res_len = 0; /* no such profile, or no value */
			break;
		}
		const ad_known *k = &h->known[p];
		if (f->field_id == AD_FIELD_COUNT) {
			if (k->what != AD_KNOWN_COUNT)
				return 0;
			h->res_u64 = k->count;
			f->res.u64 = &h->res_u64;
		} else {
			if (k->what == AD_KNOWN_NOTHING || !copy_text(h, k))
				return 0;
			f->res.str = &h->res_str;
		}
		f->res_len = 1;
		break;
	}
	default:
		return 0;
	}
	h->fast_hits++;
	return 1;
}

abi_rc plugin_extract_fields(void *s, const abi_event_input *ev,
			     const abi_extract_input *in)
{
	ad_handle *h = s;
	if (h != NULL && h->magic == AD_HANDLE_MAGIC && ev != NULL &&
	    in != NULL && fast_extract(h, ev, in))
		return ABI_SUCCESS;
	if (h != NULL && h->magic == AD_HANDLE_MAGIC)
		h->go_calls++;
	return ad_go_extract_fields(s, (abi_event_input *)ev,
				    (abi_extract_input *)in);
}

/* clone_result returns the first parameter of a clone exit (the new
 * thread's tid on the parent's side), or 0 when the event is too short. */
static int64_t clone_result(const abi_event *e)
{
	const uint8_t *p = (const uint8_t *)e;
	uint32_t hdr = sizeof(abi_event);
	if (e->nparams == 0 ||
	    (uint64_t)e->len < hdr + 2 * (uint64_t)e->nparams + 8)
		return 0;
	uint16_t l0;
	memcpy(&l0, p + hdr, 2);
	if (l0 != 8)
		return 0;
	int64_t res;
	memcpy(&res, p + hdr + 2 * e->nparams, 8);
	return res;
}

/* forget drops from the entry cache what a state event may change: its
 * thread's entry and the new thread's of a clone; on an exit also the
 * entries libsinsp reparents or removes with it; or everything. */
static void forget(ad_handle *h, const abi_event *e, uint8_t route)
{
	ad_ecache *c = h->ecache;
	if (c == NULL)
		return;
	if (route & AD_ROUTE_CLEAR) {
		ad_ecache_clear(c);
		return;
	}
	if (route & AD_ROUTE_EXIT) {
		ad_ecache_exit(c, (int64_t)e->tid);
		return;
	}
	ad_ecache_forget(c, (int64_t)e->tid);
	if (route & AD_ROUTE_CLONE) {
		int64_t child = clone_result(e);
		if (child > 0)
			ad_ecache_forget(c, child);
	}
}

/*
 * plugin_parse_event notes the events that may change the threads table
 * (a new epoch for the prefix cache) and hands to Go only the codes a
 * profile counts: the other subscribed codes are there for the notes
 * alone and cost no call into Go.
 */
abi_rc plugin_parse_event(void *s, const abi_event_input *ev,
			  const abi_parse_input *in)
{
	ad_handle *h = s;
	if (h != NULL && h->magic == AD_HANDLE_MAGIC && ev != NULL &&
	    ev->evt != NULL && h->route != NULL && ev->evt->type < h->nroute) {
		uint8_t r = h->route[ev->evt->type];
		if (r & AD_ROUTE_STATE) {
			h->epoch++;
			h->changed_evtnum = ev->evtnum;
			h->changed_valid = 1;
			forget(h, ev->evt, r);
		}
		if (!(r & AD_ROUTE_GO))
			return ABI_SUCCESS;
		h->early_valid = 0;
		if ((r & AD_ROUTE_EARLY) && h->early != NULL && in != NULL &&
		    in->table_reader_ext != NULL) {
			/* The walk, read here: the C exec path renders from
			 * it, or the Go side takes it (State.TakeEarly), which
			 * saves Go a call into C. */
			h->early_n = ad_early_prefetch(
				h->early, in->table_reader_ext,
				(int64_t)ev->evt->tid, ev->evt->ts);
			if (h->cparse != NULL &&
			    ad_cexec_event(h, ev, h->early_n))
				return ABI_SUCCESS; /* counted in C (cparse.c) */
			h->early_evtnum = ev->evtnum;
			h->early_valid = 1;
		} else if (h->cparse != NULL && ad_cparse_event(h, ev, in)) {
			return ABI_SUCCESS; /* counted in C (cparse.c) */
		}
		h->go_calls++;
	}
	return ad_go_parse_event(s, (abi_event_input *)ev,
				 (abi_parse_input *)in);
}

void ad_handle_free(ad_handle *h)
{
	free(h->route);
	h->route = NULL;
	h->nroute = 0;
	free(h->known);
	free(h->text_area);
	free(h->str_area);
	h->known = NULL;
	h->text_area = h->str_area = NULL;
	h->nprof = h->text_cap = h->str_cap = 0;
	h->valid = 0;
}
