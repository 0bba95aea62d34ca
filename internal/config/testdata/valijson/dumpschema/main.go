// Command dumpschema prints the plugin's init config schema, for run.sh.
package main

import (
	"fmt"

	"github.com/falco-anomalydetection/anomalydetection/internal/config"
)

func main() { fmt.Println(config.Schema()) }
