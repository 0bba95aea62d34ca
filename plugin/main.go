// Command plugin is the anomalydetection Falco plugin, built as a C shared
// library with -buildmode=c-shared. This package holds only the exported
// C entry points and their wiring; the logic lives in internal/.
package main

func main() {}
