// Command wasm2wat converts a WebAssembly binary module to the text format,
// with wabt 1.0.32's flags and output. See internal/cli.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() {
	cli.TuneOneShot()
	os.Exit(cli.Wasm2Wat(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
