// Command wat-desugar rewrites a text module in wabt's flat form, fields
// in the order of the text, with wabt 1.0.32's flags and output. See
// internal/cli.
package main

import (
	"os"

	"github.com/watt-wasm/watt/internal/cli"
)

func main() {
	os.Exit(cli.WatDesugar(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
