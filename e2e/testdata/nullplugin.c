/*
 * nullplugin.c: a plugin that does nothing, with the same fields and
 * event types as anomalydetection. BenchmarkPlugin runs it through the same
 * host calls to measure what the host itself costs per event; the
 * difference is the plugin's own cost, its table reads included.
 * testdata/nullgo builds it into a Go library whose parse calls into Go
 * and returns: the least any Go plugin costs per parsed event.
 */
#include <stdint.h>
#include <string.h>

#include "../../internal/abi/abi.h"

static const char *fields =
	"[{\"name\":\"anomaly.count_min_sketch\",\"type\":\"uint64\",\"desc\":\"d\","
	"\"arg\":{\"isIndex\":true,\"isKey\":true}},"
	"{\"name\":\"anomaly.count_min_sketch.profile\",\"type\":\"string\",\"desc\":\"d\","
	"\"arg\":{\"isIndex\":true,\"isKey\":true}},"
	"{\"name\":\"anomaly.falco.duration_ns\",\"type\":\"uint64\",\"desc\":\"d\"}]";

static uint16_t types[] = {3, 293, 307, 327, 331};
static uint64_t u64 = 1;
static const char *str = "profile";
static int state = 1;

const char *plugin_get_required_api_version(void) { return "3.2.0"; }
const char *plugin_get_version(void) { return "0.0.1"; }
const char *plugin_get_name(void) { return "nullplugin"; }
const char *plugin_get_description(void) { return "does nothing"; }
const char *plugin_get_contact(void) { return "none"; }
const char *plugin_get_fields(void) { return fields; }
const char *plugin_get_extract_event_sources(void) { return "[\"syscall\"]"; }
const char *plugin_get_parse_event_sources(void) { return "[\"syscall\"]"; }
const char *plugin_get_last_error(void *s) { return ""; }
const char *plugin_get_required_event_schema_version(void *s) { return "4.0.0"; }

void *plugin_init(const abi_init_input *in, abi_rc *rc)
{
	*rc = ABI_SUCCESS;
	return &state;
}

void plugin_destroy(void *s) {}

uint16_t *plugin_get_extract_event_types(uint32_t *n, void *s)
{
	*n = sizeof(types) / sizeof(types[0]);
	return types;
}

uint16_t *plugin_get_parse_event_types(uint32_t *n, void *s)
{
	*n = sizeof(types) / sizeof(types[0]);
	return types;
}

#ifdef NULL_GO_PARSE
/* nullgo (a Go library) builds this file with parse calling into Go. */
extern abi_rc null_go_parse(void);
#endif

abi_rc plugin_parse_event(void *s, const abi_event_input *ev,
			  const abi_parse_input *in)
{
#ifdef NULL_GO_PARSE
	return null_go_parse();
#else
	return ABI_SUCCESS;
#endif
}

abi_rc plugin_extract_fields(void *s, const abi_event_input *ev,
			     const abi_extract_input *in)
{
	for (uint32_t i = 0; i < in->num_fields; i++) {
		abi_extract_field *f = &in->fields[i];
		if (f->ftype == ABI_FIELD_STRING)
			f->res.str = &str;
		else
			f->res.u64 = &u64;
		f->res_len = 1;
	}
	return ABI_SUCCESS;
}
