// Command wat2wasm converts a WebAssembly text module to the binary format,
// with wabt 1.0.32's flags and output. See internal/cli.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() {
	cli.TuneOneShot()
	os.Exit(cli.Wat2Wasm(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
