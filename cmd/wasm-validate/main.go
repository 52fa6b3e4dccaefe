// Command wasm-validate checks a WebAssembly binary module, with wabt
// 1.0.32's flags. See internal/cli.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() {
	cli.TuneOneShot()
	os.Exit(cli.WasmValidate(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
