package main

/*
#include <stdlib.h>
*/
import "C"

import "unsafe"

// Small C helpers the tests use (test files cannot use cgo).

func cmalloc(n int) *C.char            { return (*C.char)(C.calloc(1, C.size_t(n))) }
func cfree(p *C.char)                  { C.free(unsafe.Pointer(p)) }
func goString(p unsafe.Pointer) string { return C.GoString((*C.char)(p)) }
