// Command wast2json converts a spec script (.wast) to wabt's JSON format and
// binary modules, threads commands included, with wabt 1.0.32's flags and
// output. See internal/cli.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() {
	os.Exit(cli.Wast2JSON(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
