/*
 * abi.h: this project's own C declarations of the Falco plugin ABI.
 *
 * Written from the documented layout facts (member order, C types, sizes
 * and offsets on LP64) of plugin API 3.0 to 3.12. Names are ours; only the
 * layouts must agree with the host. abi_test.go checks every size and
 * offset used by the plugin or the test host against the documented values.
 *
 * Members that only exist in a newer API generation are marked with the
 * version that appended them. A plugin that declares required API 3.2.0 may
 * read such a member only after it has proven the host is new enough (see
 * internal/abi/host.go for the detection rule).
 */
#ifndef ANOMALYDETECTION_ABI_H
#define ANOMALYDETECTION_ABI_H

#include <stdint.h>

/* Return codes (a C enum: 4 bytes, signed because of the -1). */
typedef int32_t abi_rc;
#define ABI_SUCCESS 0
#define ABI_FAILURE 1
#define ABI_TIMEOUT (-1)
#define ABI_EOF 2
#define ABI_NOT_SUPPORTED 3

typedef uint32_t abi_bool;

/* Init schema kinds. */
typedef uint32_t abi_schema_kind;
#define ABI_SCHEMA_NONE 0
#define ABI_SCHEMA_JSON 1

/* Extracted field types (the "type" in the fields JSON). */
#define ABI_FIELD_UINT64 8
#define ABI_FIELD_STRING 9
#define ABI_FIELD_RELTIME 20
#define ABI_FIELD_ABSTIME 21
#define ABI_FIELD_BOOL 25
#define ABI_FIELD_IPADDR 40
#define ABI_FIELD_IPNET 41

/* State (table key and field) types. */
typedef uint32_t abi_state_type;
#define ABI_ST_INT8 1
#define ABI_ST_INT16 2
#define ABI_ST_INT32 3
#define ABI_ST_INT64 4
#define ABI_ST_UINT8 5
#define ABI_ST_UINT16 6
#define ABI_ST_UINT32 7
#define ABI_ST_UINT64 8
#define ABI_ST_STRING 9
#define ABI_ST_TABLE 10 /* API 3.5 */
#define ABI_ST_BOOL 25

/* Log severities (API 3.3). */
typedef uint32_t abi_log_sev;
#define ABI_LOG_FATAL 1
#define ABI_LOG_CRITICAL 2
#define ABI_LOG_ERROR 3
#define ABI_LOG_WARNING 4
#define ABI_LOG_NOTICE 5
#define ABI_LOG_INFO 6
#define ABI_LOG_DEBUG 7
#define ABI_LOG_TRACE 8

/* Opaque host and plugin objects. */
typedef void abi_owner;
typedef void abi_table;
typedef void abi_entry;
typedef void abi_field;

/*
 * The event header: packed, 26 bytes. nparams sits at offset 22, which cgo
 * cannot express, so Go code reads the header bytes directly.
 */
#pragma pack(push, 1)
typedef struct abi_event {
	uint64_t ts;      /* +0 */
	uint64_t tid;     /* +8 */
	uint32_t len;     /* +16 whole event, header included */
	uint16_t type;    /* +20 */
	uint32_t nparams; /* +22 */
} abi_event;
#pragma pack(pop)

typedef struct abi_event_input {
	const abi_event *evt; /* +0 valid during the call only */
	uint64_t evtnum;      /* +8 */
	const char *evtsrc;   /* +16 */
} abi_event_input;

typedef struct abi_byte_buffer {
	uint32_t len;    /* +0 */
	const void *ptr; /* +8 */
} abi_byte_buffer;

typedef struct abi_extract_field {
	union {
		const char **str;
		uint64_t *u64;
		uint32_t *u32;
		abi_bool *boolean;
		abi_byte_buffer *buf;
	} res;                /* +0 out: array of res_len values */
	uint64_t res_len;     /* +8 out */
	uint32_t field_id;    /* +16 */
	const char *field;    /* +24 */
	const char *arg_key;  /* +32 */
	uint64_t arg_index;   /* +40 */
	abi_bool arg_present; /* +48 */
	uint32_t ftype;       /* +52 */
	abi_bool flist;       /* +56 */
} abi_extract_field;

typedef union abi_state_data {
	int8_t s8;
	int16_t s16;
	int32_t s32;
	int64_t s64;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const char *str;
	abi_bool b;
	abi_table *table; /* API 3.5 */
} abi_state_data;

typedef struct abi_table_info {
	const char *name;        /* +0 */
	abi_state_type key_type; /* +8 */
} abi_table_info;

typedef struct abi_field_info {
	const char *name;          /* +0 */
	abi_state_type field_type; /* +8 */
	abi_bool read_only;        /* +12 */
} abi_field_info;

/* Table vtables. Every function takes the table accessor, not the owner. */
typedef struct abi_fields_vt {
	const abi_field_info *(*list_fields)(abi_table *t, uint32_t *n);
	abi_field *(*get_field)(abi_table *t, const char *name, abi_state_type type);
	abi_field *(*add_field)(abi_table *t, const char *name, abi_state_type type);
} abi_fields_vt;

typedef struct abi_reader_vt {
	const char *(*get_name)(abi_table *t);
	uint64_t (*get_size)(abi_table *t);
	abi_entry *(*get_entry)(abi_table *t, const abi_state_data *key);
	abi_rc (*read_field)(abi_table *t, abi_entry *e, const abi_field *f,
			     abi_state_data *out);
} abi_reader_vt;

typedef abi_bool (*abi_iter_fn)(void *state, abi_entry *e);

typedef struct abi_reader_vt_ext {
	const char *(*get_name)(abi_table *t);
	uint64_t (*get_size)(abi_table *t);
	abi_entry *(*get_entry)(abi_table *t, const abi_state_data *key);
	abi_rc (*read_field)(abi_table *t, abi_entry *e, const abi_field *f,
			     abi_state_data *out);
	void (*release_entry)(abi_table *t, abi_entry *e);
	abi_bool (*iterate)(abi_table *t, abi_iter_fn fn, void *state);
} abi_reader_vt_ext;

typedef struct abi_writer_vt {
	abi_rc (*clear)(abi_table *t);
	abi_rc (*erase_entry)(abi_table *t, const abi_state_data *key);
	abi_entry *(*create_entry)(abi_table *t);
	void (*destroy_entry)(abi_table *t, abi_entry *e);
	abi_entry *(*add_entry)(abi_table *t, const abi_state_data *key,
				abi_entry *e);
	abi_rc (*write_field)(abi_table *t, abi_entry *e, const abi_field *f,
			      const abi_state_data *in);
} abi_writer_vt;

/* The _ext writer has the same six members. */
typedef abi_writer_vt abi_writer_vt_ext;

typedef struct abi_init_tables {
	abi_table_info *(*list_tables)(abi_owner *o, uint32_t *n);       /* +0 */
	abi_table *(*get_table)(abi_owner *o, const char *name,
				abi_state_type key_type);                 /* +8 */
	abi_rc (*add_table)(abi_owner *o, const void *in);                /* +16 */
	abi_fields_vt fields;                                             /* +24 */
	abi_fields_vt *fields_ext;                                        /* +48 API 3.1 */
	abi_reader_vt_ext *reader_ext;                                    /* +56 API 3.5 */
	abi_writer_vt_ext *writer_ext;                                    /* +64 API 3.5 */
} abi_init_tables;

typedef void (*abi_log_fn)(abi_owner *o, const char *component,
			   const char *msg, abi_log_sev sev);

typedef struct abi_init_input {
	const char *config;                          /* +0 */
	abi_owner *owner;                            /* +8 */
	const char *(*get_owner_last_error)(abi_owner *o); /* +16 */
	const abi_init_tables *tables;               /* +24 */
	abi_log_fn log_fn;                           /* +32 API 3.3 */
} abi_init_input;

typedef struct abi_value_offsets {
	uint32_t *start;
	uint32_t *length;
} abi_value_offsets;

typedef struct abi_extract_input {
	abi_owner *owner;                                  /* +0 */
	const char *(*get_owner_last_error)(abi_owner *o); /* +8 */
	uint32_t num_fields;                               /* +16 */
	abi_extract_field *fields;                         /* +24 */
	abi_reader_vt table_reader;                        /* +32 */
	abi_reader_vt_ext *table_reader_ext;               /* +64 API 3.1 */
	abi_value_offsets *value_offsets;                  /* +72 API 3.11 */
} abi_extract_input;

typedef struct abi_parse_input {
	abi_owner *owner;                                  /* +0 */
	const char *(*get_owner_last_error)(abi_owner *o); /* +8 */
	abi_reader_vt table_reader;                        /* +16 */
	abi_writer_vt table_writer;                        /* +48 */
	abi_reader_vt_ext *table_reader_ext;               /* +96 API 3.1 */
	abi_writer_vt_ext *table_writer_ext;               /* +104 API 3.1 */
} abi_parse_input;

/* Metrics (API 3.6). */
typedef uint32_t abi_metric_type;
#define ABI_METRIC_MONOTONIC 0
#define ABI_METRIC_NON_MONOTONIC 1

typedef uint32_t abi_metric_value_type;
#define ABI_METRIC_U32 0
#define ABI_METRIC_S32 1
#define ABI_METRIC_U64 2
#define ABI_METRIC_S64 3
#define ABI_METRIC_D 4
#define ABI_METRIC_F 5
#define ABI_METRIC_I 6

typedef union abi_metric_value {
	uint32_t u32;
	int32_t s32;
	uint64_t u64;
	int64_t s64;
	double d;
	float f;
	int i;
} abi_metric_value;

typedef struct abi_metric {
	const char *name;                 /* +0 */
	abi_metric_type type;             /* +8 */
	abi_metric_value value;           /* +16 */
	abi_metric_value_type value_type; /* +24 */
} abi_metric;

/* The longest last-error text a host expects. */
#define ABI_MAX_ERRLEN 1024

#endif
