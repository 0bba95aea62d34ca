/* The null plugin, with parse calling into Go (see nullplugin.c). */
#define NULL_GO_PARSE
#include "../nullplugin.c"
