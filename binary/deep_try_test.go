package binary

import (
	"bytes"
	"runtime/debug"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// deepTryBody nests depth exception blocks around a br to the outermost
// label, cycling through a try_table with a catch clause, a legacy try
// nesting in its do body (with a catch_all arm), one nesting in its catch
// arm, and one ending in delegate.
func deepTryBody(depth int) []ir.Instr {
	body := []ir.Instr{{Op: ir.OpBr, Index: uint32(depth - 1)}}
	for i := depth - 1; i >= 0; i-- {
		var in ir.Instr
		switch i % 4 {
		case 0:
			in = ir.Instr{Op: ir.OpTryTable, Body: body}
			in.SetCatches([]ir.CatchClause{{Kind: ir.CatchAll, Label: 0}})
		case 1:
			in = ir.Instr{Op: ir.OpTry, Body: body}
			in.SetHandlers([]ir.Handler{{All: true}})
		case 2:
			in = ir.Instr{Op: ir.OpTry}
			in.SetHandlers([]ir.Handler{{Tag: 0, Body: body}})
		case 3:
			in = ir.Instr{Op: ir.OpTry, Body: body}
			in.SetDelegate(0)
		}
		body = []ir.Instr{in}
	}
	return body
}

// TestEncodeDeepTry encodes and decodes a million nested exception blocks
// of every kind under a 64 MB stack limit: the encoder and the decoder
// keep open blocks and their arms on the heap.
func TestEncodeDeepTry(t *testing.T) {
	const depth = 1_000_000
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	features := ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true)
	m := &ir.Module{
		Types: []ir.TypeDef{ir.FuncTypeDef(ir.FuncType{})},
		Tags:  []ir.Tag{{Type: 0}},
		Funcs: []ir.Func{{Body: deepTryBody(depth)}},
	}
	wasm := encodeTestMust(t, m, EncodeOptions{Features: features})
	// Per four levels: try_table 40 01 02 00 … 0b (6 bytes), try 40 … 19 0b
	// (4), try 40 07 00 … 0b (5), try 40 … 18 00 (4).
	if body := 19*depth/4 + 4; len(wasm) < body || len(wasm) > body+64 {
		t.Errorf("%d bytes, want %d for the body and a few for the rest", len(wasm), body)
	}
	back := decodeTestMust(t, wasm, features)
	body := back.Funcs[0].Body
	for i := range depth {
		if len(body) != 1 {
			t.Fatalf("level %d: %d instructions", i, len(body))
		}
		in := &body[0]
		hs := in.Handlers()
		_, delegates := in.Delegate()
		ok := false
		switch i % 4 {
		case 0:
			ok = in.Op == ir.OpTryTable && len(in.Catches()) == 1
			body = in.Body
		case 1:
			ok = in.Op == ir.OpTry && len(hs) == 1 && hs[0].All && !delegates
			body = in.Body
		case 2:
			ok = in.Op == ir.OpTry && len(in.Body) == 0 && len(hs) == 1 && !hs[0].All
			if ok {
				body = hs[0].Body
			}
		case 3:
			ok = in.Op == ir.OpTry && len(hs) == 0 && delegates
			body = in.Body
		}
		if !ok {
			t.Fatalf("level %d: decoded %s, handlers %v, delegate %v", i, in.Op, hs, delegates)
		}
	}
	if len(body) != 1 || body[0].Op != ir.OpBr || body[0].Index != depth-1 {
		t.Fatalf("innermost: %v", body)
	}
	if again := encodeTestMust(t, back, EncodeOptions{Features: features}); !bytes.Equal(again, wasm) {
		t.Errorf("the decoded module encodes differently")
	}
}
