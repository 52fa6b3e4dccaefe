// Command wasm-objdump prints the sections, details, disassembly and raw
// contents of WebAssembly binary modules, with wabt 1.0.32's flags and
// output. See internal/cli and objdump.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() {
	os.Exit(cli.WasmObjdump(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
