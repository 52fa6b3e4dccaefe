// Command gen writes ir/op_gen.go; run it with `go generate ./ir`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/watt-wasm/watt/ir/internal/opgen"
)

func main() {
	out := flag.String("o", "op_gen.go", "output file")
	flag.Parse()
	src, err := opgen.Source()
	if err != nil {
		fmt.Fprintln(os.Stderr, "opgen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "opgen:", err)
		os.Exit(1)
	}
}
