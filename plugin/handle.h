#ifndef AD_HANDLE_H
#define AD_HANDLE_H

#include <stdint.h>
#include <string.h>

#include "abi.h"

/*
 * The state the host holds for an instance (ss_plugin_t*). It is C memory,
 * so that the C entry points (fast.c, cparse.c) can answer and count from
 * it without entering Go. Go allocates what it points to; both sides
 * write it, each during its own part of a call, and the host calls one
 * instance from one thread at a time, so they never touch it
 * concurrently.
 */
#define AD_HANDLE_MAGIC 0x616e6f6d616c7931ULL /* "anomaly1" */

/* The anomaly.* field ids: the order of plugin_get_fields. */
enum { AD_FIELD_COUNT = 0, AD_FIELD_PROFILE = 1, AD_FIELD_DURATION = 2 };

/* What the last call that parsed or rendered (in Go or in C) knew of one
 * profile on the handle's event. */
enum {
	AD_KNOWN_NOTHING = 0, /* ask Go */
	AD_KNOWN_NONE = 1,    /* no value */
	AD_KNOWN_KEY = 2,     /* the key is set; the count is not known */
	AD_KNOWN_COUNT = 3,   /* the key and the count are set */
};

typedef struct ad_known {
	uint32_t what;    /* AD_KNOWN_* */
	uint32_t text_len;
	uint64_t count;
	const char *text; /* the profile key (values separated by NUL
			   * bytes), text_len bytes in text_area */
	const char *name; /* the profile's name, NULL when it has none */
} ad_known;

/* One prefix cache slot, laid out as detector's prefixSlot (checked by
 * TestCLayouts). */
typedef struct ad_pslot {
	int64_t tid;
	uint64_t epoch;
	uint64_t ts;
	uint16_t n;
	uint8_t ok;
	char buf[480];
} ad_pslot;

/* One field as the C exec path renders it (cparse.c): a member of the
 * entry a selector picks. */
enum {
	AD_SEL_SELF = 1,     /* the event thread */
	AD_SEL_ANCESTOR = 2, /* ancestor depth, libsinsp's walk (0: main) */
	AD_SEL_SID = 3,      /* the session leader */
	AD_SEL_VPGID = 4,    /* the process-group leader */
};
enum {
	AD_VAL_COMM = 1,
	AD_VAL_EXE = 2,
	AD_VAL_EXEPATH = 3,
	AD_VAL_CONTAINER = 4, /* "host" for the empty id */
	AD_VAL_TTY = 5,       /* decimal */
	AD_VAL_ARGS = 6,      /* the exec event's args, joined by spaces */
	AD_VAL_CMDLINE = 7,   /* comm, then a space and the args if any */
	AD_VAL_EXELINE = 8,   /* exe, a space, the args */
	AD_VAL_UID = 9,       /* decimal; no value when the host lacks it */
	AD_VAL_GID = 10,      /* the same */
	AD_VAL_LOGINUID = 11, /* the same, and -1 for unset */
	AD_VAL_TID = 12,      /* the event's tid */
};
typedef struct ad_cop {
	uint8_t sel, val;
	uint16_t depth;
} ad_cop;

/* The most fields of a profile the C exec path renders. */
#define AD_COPS_MAX 32

/* A profile as the C counting path sees it (cparse.c). */
typedef struct ad_cprof {
	uint64_t *cells; /* rows x cols counters, row-major */
	uint32_t rows, cols;
	uint32_t plain;
	uint64_t hstart, hk[4]; /* the sketch's hash key */
	ad_pslot *slots;         /* its prefix cache (AD_PSLOTS) */
	const ad_cop *ops;       /* its fields for the exec path, or NULL */
	uint32_t nops;
} ad_cprof;

#define AD_PSLOTS 64

/* What the C counting path needs; see cparse.c. */
typedef struct ad_cparse {
	uint32_t nprof;
	uint32_t ncodes;
	ad_cprof *prof;
	/* Per code: 1 + the index of the parameter that holds the fd, or 0
	 * when the C path leaves the code to Go. */
	uint8_t *fdparam;
	/* Per code, nprof bytes: AD_CP_COUNT, AD_CP_NONE or 0 (ask Go). */
	uint8_t *plan;
	/* Per code: 1 + the index of the result parameter of the exec exits
	 * the exec path renders, or 0; execargs the same for the args. */
	uint8_t *execres, *execargs;
	const void *spec; /* the tables' ad_thread_spec */
	uint64_t ttl;     /* a kept prefix's life, in event time */
	/* Published by Go after each of its calls. */
	uint64_t first_ts;
	uint32_t first_valid;
	uint32_t has_timers;
	uint64_t next_reset; /* the earliest reset among the timers */
	uint32_t enabled;
	/* Running totals, merged by Go (detector.AddCounts): the file path's,
	 * then the exec path's. */
	uint64_t parsed, counted, crossings;
	uint64_t xparsed, xcounted;
} ad_cparse;

enum { AD_CP_COUNT = 1, AD_CP_NONE = 2 };

typedef struct ad_handle {
	uint64_t slot;  /* instance slot + 1; 0 once destroyed */
	uint64_t magic; /* AD_HANDLE_MAGIC while the instance lives */

	/* The event the answers below belong to; valid is 0 while Go works
	 * on an event, or when nothing is published. */
	uint32_t valid;
	uint32_t evlen;
	uint64_t evtnum;
	const abi_event *evt;
	uint64_t duration;

	uint32_t nprof;
	ad_known *known; /* nprof entries */
	char *text_area; /* the known keys, written by Go */
	uint32_t text_cap;

	/* The fast path's results: valid until the next extraction. */
	uint64_t res_u64;
	const char *res_str;
	char *str_area;
	uint32_t str_cap;

	/* Fast-path answers so far, and calls the C entry points made into
	 * Go (tests and benchmarks read them). */
	uint64_t fast_hits;
	uint64_t go_calls;

	/* Parse routing, per event code below nroute (AD_ROUTE_* bits);
	 * codes at or above nroute go to Go. */
	uint8_t *route;
	uint32_t nroute;
	/* Events that may change the threads table (AD_ROUTE_STATE) parsed
	 * so far, and the number of the last one: the detector's prefix
	 * cache is valid within one epoch. */
	uint32_t changed_valid;
	uint64_t epoch;
	uint64_t changed_evtnum;
	/* The State's entry cache (bridge.h's ad_ecache), or NULL. */
	void *ecache;
	/* The State's early prefetch (bridge.h's ad_early), or NULL; the
	 * last one ran for event early_evtnum and read early_n entries. */
	void *early;
	uint32_t early_valid;
	int32_t early_n;
	uint64_t early_evtnum;
	/* The C counting path's description, or NULL. */
	ad_cparse *cparse;
} ad_handle;

enum {
	AD_ROUTE_GO = 1,    /* parse in Go: a profile counts this code */
	AD_ROUTE_STATE = 2, /* the code may change the threads table */
	AD_ROUTE_CLONE = 4, /* a clone exit: its result is the new thread */
	AD_ROUTE_CLEAR = 8, /* an event whose effect on entries is unknown */
	AD_ROUTE_EXIT = 16, /* a thread exits (procexit) */
	AD_ROUTE_EARLY = 32, /* prefetch in C before calling into Go */
};

/* ad_nul_to_space copies n bytes from src to dst with every NUL made a
 * space (a profile key's display form), eight bytes at a time and without
 * a branch per byte: t gets 0x80 in exactly the zero bytes of w (no carry
 * crosses a byte), and 0x80 >> 2 is a space. */
static inline void ad_nul_to_space(char *dst, const char *src, uint32_t n)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
	uint32_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w, t;
		memcpy(&w, src + i, 8);
		t = ~(((w & low7) + low7) | w | low7);
		w |= t >> 2;
		memcpy(dst + i, &w, 8);
	}
	for (; i < n; i++)
		dst[i] = src[i] == 0 ? ' ' : src[i];
}

/* ad_reserve makes *buf (malloc'd, *cap bytes) hold at least need bytes,
 * dropping its content when it grows. It returns 0 when it cannot. */
int ad_reserve(char **buf, uint32_t *cap, uint64_t need);

/* ad_cparse_event counts a parsed event in C when it can (cparse.c). */
int ad_cparse_event(ad_handle *h, const abi_event_input *ev,
		    const abi_parse_input *in);

/* ad_cexec_event counts an exec exit in C from the early prefetch's n
 * entries when it can (cparse.c). */
int ad_cexec_event(ad_handle *h, const abi_event_input *ev, int n);

/* ad_handle_free frees what the fast path allocated in h. */
void ad_handle_free(ad_handle *h);

#endif
