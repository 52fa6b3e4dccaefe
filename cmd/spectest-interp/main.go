// Command spectest-interp runs WebAssembly spec scripts (.wast, or wabt's
// wast2json .json), the threads proposal's (thread …)/(wait …) included.
// See internal/cli.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() { os.Exit(cli.SpectestInterp(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
