// Command wasm-strip removes the custom sections of a WebAssembly binary
// module, with wabt 1.0.32's flags and output. See internal/cli.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() {
	os.Exit(cli.WasmStrip(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
