// Command wasm-interp runs a WebAssembly module (binary or text) with
// wabt 1.0.32's flags; --wasi runs WASI commands, wasi-threads included.
// See internal/cli.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() { os.Exit(cli.WasmInterp(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
