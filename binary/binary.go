// Package binary decodes and encodes the WebAssembly 3.0 binary format
// (with the threads proposal's shared memories and the legacy exception
// instructions). The encoder is canonical: for a module from text it
// produces the same bytes as wabt 1.0.32's wat2wasm for what wabt knows,
// and what the spec's encoder and wasm-tools write for the rest (shortest
// LEB128s, one-byte forms of nullable abstract reference types, explicit
// recursion groups kept even when of one type or none).
package binary

import "github.com/watt-wasm/watt/ir"

// EncodeOptions controls Encode.
type EncodeOptions struct {
	// DebugNames writes the "name" custom section (wat2wasm --debug-names).
	// A custom section named "name" in Module.Customs is then left out, so
	// the module never gets two of them.
	DebugNames bool
	// Source, when set, is the file m's positions point into, so that
	// errors print as file:line:col.
	Source *ir.Source
	// Features are the features the module is encoded for; the zero value
	// means ir.DefaultFeatures() (WebAssembly 3.0). They pick between the
	// forms of element segments, whose meaning typed function references
	// changed: the function-index form has type (ref func) with them, so
	// only (ref func) segments take it and funcref segments are written as
	// expressions (as the spec and wasm-tools write them); without them it
	// has type funcref, and funcref segments of ref.func elements take it
	// (as wabt 1.0.32 writes them). Either way decoding with the same
	// features gives the segment's type back.
	Features ir.Features
}

// Encode writes m in the binary format. It does not validate m, but reports
// an error for things the format cannot represent (unknown opcodes or value
// types, limits beyond 32 bits on a 32-bit memory, ...). On error it returns
// no bytes at all, never a partial module, and an ir.ErrorList holding the
// first problem found.
func Encode(m *ir.Module, opts EncodeOptions) ([]byte, error) {
	if m == nil {
		return nil, ir.ErrorList{ir.Errorf(opts.Source, ir.NoPos, ir.Malformed, "binary: cannot encode a nil module")}
	}
	features := opts.Features
	if features == 0 {
		features = ir.DefaultFeatures()
	}
	e := moduleEncoder{m: m, opts: opts, bodyStart: -1, typedFuncRefs: features.Has(ir.FeatureFunctionReferences)}
	e.encodeModule()
	if e.err != nil {
		return nil, ir.ErrorList{e.err}
	}
	return e.buf, nil
}
