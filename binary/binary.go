// Package binary decodes and encodes the WebAssembly binary format. The
// encoder is canonical: for a module from text it produces the same bytes as
// wabt 1.0.32's wat2wasm.
package binary

import "github.com/watt-wasm/watt/ir"

// EncodeOptions controls Encode.
type EncodeOptions struct {
	// DebugNames writes the "name" custom section (wat2wasm --debug-names).
	DebugNames bool
}

// Encode writes m in the binary format. It does not validate m, but reports
// an error for things the format cannot represent.
func Encode(m *ir.Module, opts EncodeOptions) ([]byte, error) {
	return nil, ir.Errorf(nil, ir.NoPos, ir.Malformed, "binary: encoder not implemented yet")
}
