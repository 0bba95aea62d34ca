/*
 * bridge.h: the C side of the plugin's table access. Go cannot call C
 * function pointers, and every Go-to-C call costs tens of nanoseconds, so
 * the table reads one entry needs are done here in a single call.
 */
#ifndef ANOMALYDETECTION_BRIDGE_H
#define ANOMALYDETECTION_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* Thread members, grouped by the C type they are returned as. */
enum {
	AD_I64_TID,
	AD_I64_PID,
	AD_I64_PTID,
	AD_I64_SID,
	AD_I64_VTID,
	AD_I64_VPID,
	AD_I64_VPGID,
	AD_I64_PGID,
	AD_NI64
};
enum {
	AD_U32_TTY,
	AD_U32_FLAGS,
	AD_U32_UID,
	AD_U32_GID,
	AD_U32_LOGINUID,
	AD_NU32
};
enum { AD_U64_EXE_INO, AD_U64_EXE_INO_CTIME, AD_U64_EXE_INO_MTIME, AD_NU64 };
enum { AD_B_EXE_WRITABLE, AD_B_EXE_UPPER, AD_B_EXE_MEMFD, AD_NB };
enum {
	AD_S_COMM,
	AD_S_EXE,
	AD_S_EXEPATH,
	AD_S_CWD,
	AD_S_CONTAINER_ID,
	AD_NS
};

/* Member index space used for the "failed" bit mask of a read. */
#define AD_M_I64(i) (i)
#define AD_M_U32(i) (AD_NI64 + (i))
#define AD_M_U64(i) (AD_NI64 + AD_NU32 + (i))
#define AD_M_B(i) (AD_NI64 + AD_NU32 + AD_NU64 + (i))
#define AD_M_S(i) (AD_NI64 + AD_NU32 + AD_NU64 + AD_NB + (i))
#define AD_M_ARGS (AD_M_S(AD_NS))
#define AD_M_ENV (AD_M_ARGS + 1)

/* A mask bit that is no member: read the flags member only when the entry
 * is not its process's main thread by tid (tid != pid). The flags of a
 * main thread matter only to the main-thread test, which its tid already
 * answers, so entries read for walks skip the read. */
#define AD_M_FLAGS_IF_THREAD 62

/* fd entry members. */
enum {
	AD_FD_TYPE,       /* uint8 (uint32 in libs 0.17) */
	AD_FD_FLAGS,      /* uint32 */
	AD_FD_DEV,        /* uint32 */
	AD_FD_INO,        /* uint64 */
	AD_FD_NAME,       /* string */
	AD_FD_NAME_RAW,   /* string */
	AD_FD_V4_SIP,     /* uint32 socket_ipv4_src_ip */
	AD_FD_V4_DIP,     /* uint32 socket_ipv4_dest_dip */
	AD_FD_V4_SPORT,   /* uint16 */
	AD_FD_V4_DPORT,   /* uint16 */
	AD_FD_V4_L4,      /* uint8 */
	AD_FD_V4S_IP,     /* uint32 socket_ipv4_server_ip */
	AD_FD_V4S_PORT,   /* uint16 */
	AD_FD_V4S_L4,     /* uint8 */
	AD_FD_V6_SIP_LO,  /* uint64 */
	AD_FD_V6_SIP_HI,  /* uint64 */
	AD_FD_V6_DIP_LO,  /* uint64 */
	AD_FD_V6_DIP_HI,  /* uint64 */
	AD_FD_V6_SPORT,   /* uint16 */
	AD_FD_V6_DPORT,   /* uint16 */
	AD_FD_V6_L4,      /* uint8 */
	AD_FD_V6S_IP_LO,  /* uint64 */
	AD_FD_V6S_IP_HI,  /* uint64 */
	AD_FD_V6S_PORT,   /* uint16 */
	AD_FD_V6S_L4,     /* uint8 */
	AD_FD_UNIX_SRC,   /* uint64 */
	AD_FD_UNIX_DST,   /* uint64 */
	AD_NFD
};

/* One accessor: the field handle and the state type it was obtained with. */
typedef struct ad_acc {
	abi_field *f;
	abi_state_type type;
} ad_acc;

/*
 * What to read from a threads entry. Built once at init; an accessor with
 * f == NULL is not read.
 */
typedef struct ad_thread_spec {
	abi_table *threads;
	ad_acc i64[AD_NI64];
	ad_acc u32[AD_NU32];
	ad_acc u64[AD_NU64];
	ad_acc b[AD_NB];
	ad_acc s[AD_NS];
	/* Sub-table fields (API 3.5+ hosts), and the list value accessors. */
	abi_field *args, *env, *fds;
	abi_field *args_value, *env_value;
	ad_acc fd[AD_NFD];
	/* The plugin's own encoded lists (hosts without sub-tables). */
	abi_field *args_enc, *env_enc;
} ad_thread_spec;

/* The result of reading one threads entry. Strings point into host memory
 * that stays valid until the current plugin call returns. */
typedef struct ad_thread_out {
	int64_t i64[AD_NI64];
	uint32_t u32[AD_NU32];
	uint64_t u64[AD_NU64];
	uint32_t b[AD_NB];
	const char *s[AD_NS];
	uint32_t slen[AD_NS];
	/* Lists, as offsets into the caller's list buffer (NUL-terminated
	 * items back to back), or encoded strings (args_enc, env_enc). */
	uint32_t args_off, args_len, env_off, env_len;
	const char *args_enc, *env_enc;
	/* Bit i set: member i (AD_M_* numbering) could not be read. */
	uint64_t failed;
} ad_thread_out;

typedef struct ad_fd_out {
	uint64_t v[AD_NFD]; /* numbers, widened */
	const char *name, *name_raw;
	uint32_t name_len, name_raw_len;
	uint64_t failed;
} ad_fd_out;

/* The growable byte buffer lists are collected into, owned by Go as C
 * memory. */
typedef struct ad_buf {
	char *data;
	uint32_t len, cap;
	/* Set when an item did not fit; the caller grows and retries. */
	uint32_t need;
} ad_buf;

/* ad_read_thread reads the members of entry tid whose AD_M_* bit is set
 * in mask (and that have an accessor); the others keep their value. */
int ad_read_thread(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		   int64_t tid, uint64_t mask, ad_thread_out *out);
int ad_read_lists(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		  int64_t tid, int want_args, int want_env, ad_thread_out *out,
		  ad_buf *lists);
int ad_read_fd(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
	       int64_t tid, int64_t fd, ad_fd_out *out);

/* The most entries one prefetch reads: the event thread, its main thread,
 * up to AD_PREFETCH_DEPTH ancestors with their main threads, and the two
 * leaders. */
#define AD_PREFETCH_DEPTH 16
#define AD_PREFETCH_MAX (2 + 2 * AD_PREFETCH_DEPTH + 2)

/*
 * The entry cache keeps, across plugin calls, the members a walk reads of
 * entries other than the event thread's (pid, ptid, flags and comm, the
 * AD_ECACHE_MEMBERS), so that the ancestors and leaders of a busy process
 * are not read again on each of its events. The plugin's parse entry
 * (plugin/fast.c) forgets what an event may have changed, before any
 * rendering of that event: ad_ecache_forget for the event's thread and
 * the thread a clone created, ad_ecache_exit for an exiting thread (whose
 * children and threads libsinsp reparents or removes), ad_ecache_clear
 * for events whose effect is not known. Entries also expire after
 * AD_ECACHE_TTL of event time, for the changes libsinsp makes without an
 * event (its /proc scans).
 */
#define AD_ECACHE_SLOTS 256
#define AD_ECACHE_COMM 48
#define AD_ECACHE_TTL 1000000000ull
#define AD_ECACHE_MEMBERS                                                     \
	((1ull << AD_M_I64(AD_I64_PID)) | (1ull << AD_M_I64(AD_I64_PTID)) |   \
	 (1ull << AD_M_U32(AD_U32_FLAGS)) | (1ull << AD_M_S(AD_S_COMM)) |     \
	 (1ull << AD_M_FLAGS_IF_THREAD))

typedef struct ad_ecache_slot {
	uint64_t gen;  /* the cache's gen when read */
	uint64_t ts;   /* event time when read */
	uint64_t call; /* the last prefetch that used the slot */
	uint64_t mask; /* the members read */
	uint64_t failed;
	uint32_t flags;
	uint32_t comm_len;
	char comm[AD_ECACHE_COMM];
} ad_ecache_slot;

/* The keys of a slot, apart from its data so that a scan is short. */
typedef struct ad_ecache_key {
	int64_t tid; /* 0: empty */
	int64_t pid, ptid;
} ad_ecache_key;

typedef struct ad_ecache {
	uint64_t gen;
	uint64_t call;
	ad_ecache_key keys[AD_ECACHE_SLOTS];
	ad_ecache_slot slots[AD_ECACHE_SLOTS];
} ad_ecache;

static inline uint32_t ad_ecache_index(int64_t tid)
{
	return (uint32_t)((uint64_t)tid % AD_ECACHE_SLOTS);
}

/* ad_ecache_forget drops tid's entry: the event changed it. */
static inline void ad_ecache_forget(ad_ecache *c, int64_t tid)
{
	if (c == NULL)
		return;
	ad_ecache_key *k = &c->keys[ad_ecache_index(tid)];
	if (k->tid == tid)
		k->tid = 0;
}

/* ad_ecache_exit drops tid's entry and those whose parent or process is
 * tid: libsinsp reparents (or removes) them when tid exits. */
static inline void ad_ecache_exit(ad_ecache *c, int64_t tid)
{
	if (c == NULL)
		return;
	for (int i = 0; i < AD_ECACHE_SLOTS; i++) {
		ad_ecache_key *k = &c->keys[i];
		if (k->tid == tid || k->ptid == tid || k->pid == tid)
			k->tid = 0;
	}
}

/* ad_ecache_clear drops every entry. */
static inline void ad_ecache_clear(ad_ecache *c)
{
	if (c != NULL)
		c->gen++;
}

typedef struct ad_prefetch_out {
	/* in: the event's fd, read with the event thread when want_fd */
	int64_t fd;
	int want_fd;
	/* in: the entry cache (may be NULL) and the event's time */
	ad_ecache *cache;
	uint64_t ts;
	/* out */
	int fd_found;
	ad_fd_out fdout;
	int n;
	int64_t tids[AD_PREFETCH_MAX];
	uint64_t masks[AD_PREFETCH_MAX];
	ad_thread_out outs[AD_PREFETCH_MAX];
} ad_prefetch_out;

/* ad_prefetch reads, in one call, the entries a plan will walk: the event
 * thread tid (members emask, and o->fd when o->want_fd, into o->fdout),
 * then with members omask its main thread,
 * depth ancestors as libsinsp walks them (the main thread of the parent
 * entry, each time), and when leaders is set the entries whose tid is the
 * event thread's sid and vpgid. Entries that do not exist end the walk
 * and are left out. It returns the number of entries read. */
int ad_prefetch(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		int64_t tid, int depth, int leaders, uint64_t emask,
		uint64_t omask, ad_prefetch_out *o);

static inline int ad_prefetch_u(uintptr_t r, uintptr_t sp, int64_t tid,
				int depth, int leaders, uint64_t emask,
				uint64_t omask, uintptr_t o)
{
	return ad_prefetch((const abi_reader_vt_ext *)r,
			   (const ad_thread_spec *)sp, tid, depth, leaders,
			   emask, omask, (ad_prefetch_out *)o);
}
/*
 * ad_early is a prefetch the plugin's C parse entry performs before it
 * calls into Go, for events on which the whole walk is read anyway (those
 * that change state: nothing of them is kept between events). The State
 * fills it at init; the Go side then takes the result (State.TakeEarly)
 * instead of crossing into C itself.
 */
typedef struct ad_early {
	const ad_thread_spec *spec;
	ad_prefetch_out *pf;
	ad_ecache *cache;
	int depth, leaders;
	uint64_t emask, omask;
} ad_early;

/* ad_early_prefetch runs e's prefetch of thread tid for an event of time
 * ts, with the call's reader r. It returns the number of entries read. */
static inline int ad_early_prefetch(const ad_early *e,
				    const abi_reader_vt_ext *r, int64_t tid,
				    uint64_t ts)
{
	e->pf->fd = 0;
	e->pf->want_fd = 0;
	e->pf->cache = e->cache;
	e->pf->ts = ts;
	return ad_prefetch(r, e->spec, tid, e->depth, e->leaders, e->emask,
			   e->omask, e->pf);
}

/* ad_read_fd_name reads the name of fd of thread tid (through its fd
 * table), and nothing else. It returns 0 when the thread, its table, the
 * fd or its name cannot be read. name points into host memory valid
 * during the current plugin call. */
int ad_read_fd_name(const abi_reader_vt_ext *r, const ad_thread_spec *sp,
		    int64_t tid, int64_t fd, const char **name, uint32_t *len);

/* ad_write_strings writes two string fields of entry tid in one access. */
int ad_write_strings(const abi_writer_vt_ext *w, const abi_reader_vt_ext *r,
		     abi_table *t, int64_t tid, abi_field *f1, const char *s1,
		     abi_field *f2, const char *s2);

/*
 * The same three calls with every pointer passed as an integer. They are
 * what the Go side calls on the event path: cgo's runtime pointer checks
 * (on by default) inspect every pointer argument of a C call, and these
 * pointers all address C memory, so the checks are pure overhead there.
 */
static inline int ad_read_thread_u(uintptr_t r, uintptr_t sp, int64_t tid,
				   uint64_t mask, uintptr_t out)
{
	return ad_read_thread((const abi_reader_vt_ext *)r,
			      (const ad_thread_spec *)sp, tid, mask,
			      (ad_thread_out *)out);
}

static inline int ad_read_lists_u(uintptr_t r, uintptr_t sp, int64_t tid,
				  int want_args, int want_env, uintptr_t out,
				  uintptr_t lists)
{
	return ad_read_lists((const abi_reader_vt_ext *)r,
			     (const ad_thread_spec *)sp, tid, want_args,
			     want_env, (ad_thread_out *)out, (ad_buf *)lists);
}

static inline int ad_read_fd_u(uintptr_t r, uintptr_t sp, int64_t tid,
			       int64_t fd, uintptr_t out)
{
	return ad_read_fd((const abi_reader_vt_ext *)r,
			  (const ad_thread_spec *)sp, tid, fd,
			  (ad_fd_out *)out);
}

/* Init-time trampolines. */
abi_table *ad_get_table(const abi_init_tables *in, abi_owner *o,
			const char *name, abi_state_type key);
const abi_field_info *ad_list_fields(const abi_init_tables *in, abi_table *t,
				     uint32_t *n);
abi_field *ad_get_field(const abi_init_tables *in, abi_table *t,
			const char *name, abi_state_type type);
abi_field *ad_add_field(const abi_init_tables *in, abi_table *t,
			const char *name, abi_state_type type);
abi_table *ad_sub_begin(const abi_init_tables *in, abi_table *t,
			abi_field *table_field, abi_entry **tmp);
void ad_sub_end(const abi_init_tables *in, abi_table *t, abi_entry *tmp);
const char *ad_owner_error(const abi_init_input *in);
void ad_log(abi_log_fn fn, abi_owner *o, const char *msg, abi_log_sev sev);

/* Layout facts for the size and offset tests. */
typedef struct ad_layout {
	const char *name;
	size_t value;
} ad_layout;
const ad_layout *ad_layouts(size_t *n);

#endif
