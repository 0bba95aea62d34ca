// Command nullgo is the null plugin (../nullplugin.c) built as a Go
// c-shared library whose plugin_parse_event calls into Go and returns.
// BenchmarkHostOnly/go measures with it what entering a Go plugin's
// runtime costs per parsed event, before the plugin does any work.
package main

import "C"

//export null_go_parse
func null_go_parse() C.int { return 0 }

func main() {}
