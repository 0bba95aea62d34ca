// Command adreadme regenerates the field tables of README.md: the plugin's
// extraction fields from the built library's own plugin_get_fields (loaded
// through the in-repo host), and the profile fields from the profile
// package's descriptor table.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/falco-anomalydetection/anomalydetection/internal/host"
	"github.com/falco-anomalydetection/anomalydetection/internal/readme"
)

func main() {
	lib := flag.String("lib", "./libanomalydetection.so", "the built plugin library")
	file := flag.String("readme", "README.md", "the file to update in place")
	flag.Parse()
	if err := run(*lib, *file); err != nil {
		fmt.Fprintln(os.Stderr, "adreadme:", err)
		os.Exit(1)
	}
}

func run(lib, file string) error {
	p, err := host.Open(lib, host.Gen312)
	if err != nil {
		return err
	}
	fields := p.Info().Fields
	if err := p.Destroy(); err != nil {
		return err
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	text, err = readme.Update(text, fields)
	if err != nil {
		return err
	}
	return os.WriteFile(file, text, 0o644)
}
