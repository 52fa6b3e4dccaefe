// Command wasm-litmus runs memory-model litmus tests on watt's interpreter
// and prints outcome histograms with SC / racy / forbidden verdicts. See
// internal/cli and the litmus package.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() { os.Exit(cli.WasmLitmus(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
