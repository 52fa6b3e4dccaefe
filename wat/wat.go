// Package wat reads and writes the WebAssembly text format: modules (.wat)
// and spec scripts (.wast), including the threads proposal's (thread …) and
// (wait …) commands.
package wat

import "github.com/watt-wasm/watt/ir"

// ParseModule parses one text module: either a `(module …)` form or a
// sequence of module fields. Features off in features are rejected with a
// message naming the flag that enables them. Errors are an ir.ErrorList of
// Malformed errors positioned in src.
func ParseModule(src *ir.Source, features ir.Features) (*ir.Module, error) {
	return nil, ir.Errorf(src, ir.NoPos, ir.Malformed, "wat: parser not implemented yet")
}
