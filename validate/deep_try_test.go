package validate_test

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// TestDeepNestingTry validates a million nested exception blocks under a
// 64 MB stack limit, cycling through try_table with a catch clause, a
// legacy try nesting in its do body (with a catch_all arm), one nesting in
// its catch arm, and one ending in delegate; the innermost level branches
// to the outermost label.
func TestDeepNestingTry(t *testing.T) {
	const depth = 1_000_000
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	features := ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true)
	nest := func(innermost ir.Instr) []ir.Instr {
		b := body(innermost)
		for i := depth - 1; i >= 0; i-- {
			var in ir.Instr
			switch i % 4 {
			case 0:
				in = ir.Instr{Op: ir.OpTryTable, Body: b}
				in.SetCatches([]ir.CatchClause{{Kind: ir.CatchAll, Label: 0}})
			case 1:
				in = ir.Instr{Op: ir.OpTry, Body: b}
				in.SetHandlers([]ir.Handler{{All: true}})
			case 2:
				in = ir.Instr{Op: ir.OpTry}
				in.SetHandlers([]ir.Handler{{Tag: 0, Body: b}})
			case 3:
				in = ir.Instr{Op: ir.OpTry, Body: b}
				in.SetDelegate(0)
			}
			b = body(in)
		}
		return b
	}
	m := with(fn(void, nest(op("br", depth-1))...), withTag(0))
	if err := validate.Module(m, nil, features); err != nil {
		t.Fatal(err)
	}
	// A value left at the bottom is reported, not lost.
	m = with(fn(void, nest(i64c(1))...), withTag(0))
	if err := validate.Module(m, nil, features); err == nil || !strings.HasPrefix(err.Error(), "type mismatch") {
		t.Fatalf("got %v, want type mismatch", err)
	}
}
