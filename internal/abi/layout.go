package abi

/*
#include "bridge.h"
*/
import "C"

import "unsafe"

// Layouts returns the sizes and member offsets of the ABI structs as the C
// compiler lays out abi.h, keyed "sizeof(x)" or "x.member". Tests compare
// them with the documented values of each API generation.
func Layouts() map[string]uint64 {
	var n C.size_t
	p := C.ad_layouts(&n)
	out := make(map[string]uint64, int(n))
	for _, l := range unsafe.Slice(p, int(n)) {
		out[C.GoString(l.name)] = uint64(l.value)
	}
	return out
}
