package interp_test

import (
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// deepNesting is how deep TestDeepNesting nests blocks: far beyond what a
// compiler recursing on the Go stack per level survives (about 400,000).
const deepNesting = 1_000_000

// nest wraps inner in n levels, innermost first: level(i, body) returns
// level i's instructions, body among them. The IR is built directly: the
// text parser is not what is under test.
func nest(n int, inner []ir.Instr, level func(i int, body []ir.Instr) []ir.Instr) []ir.Instr {
	body := inner
	for i := 0; i < n; i++ {
		body = level(i, body)
	}
	return body
}

// deepModule is a module exporting "f" of type [i32] -> [i32] with body.
func deepModule(t *testing.T, body []ir.Instr) *interp.Instance {
	t.Helper()
	m := &ir.Module{
		Types:   ir.TypeDefs([]ir.FuncType{{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}}}),
		Funcs:   []ir.Func{{Type: 0, Body: body}},
		Exports: []ir.Export{{Name: "f", Kind: ir.ExternFunc, Index: 0}},
	}
	mod, err := interp.Compile(m, nil, allFeatures)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return inst
}

var i32Result = ir.BlockOf(ir.I32)

// TestDeepNesting compiles and runs functions whose blocks, loops and ifs
// nest a million levels deep: compilation must not recurse on the Go stack
// per level (a Go stack overflow is fatal, not a recoverable panic).
func TestDeepNesting(t *testing.T) {
	if testing.Short() || raceDetector {
		// Nothing here runs concurrently, and the race detector's slowdown
		// would make the million levels take minutes.
		t.Skip("builds a million-level IR; not in -short or -race runs")
	}
	t.Run("block", func(t *testing.T) {
		// Each level leaves a 1 on the operand stack below its block and
		// adds the block's result to it afterwards (so entering a block
		// must not look at the whole operand stack again: a million times
		// a million operands). The innermost block either branches to the
		// outermost with 7 or yields the parameter, 0.
		inner := []ir.Instr{
			{Op: ir.OpI32Const, Value: 7},
			{Op: ir.OpLocalGet, Index: 0},
			{Op: ir.OpBrIf, Index: deepNesting - 1},
			{Op: ir.OpDrop},
			{Op: ir.OpLocalGet, Index: 0},
		}
		inst := deepModule(t, nest(deepNesting, inner, func(_ int, body []ir.Instr) []ir.Instr {
			return []ir.Instr{
				{Op: ir.OpI32Const, Value: 1},
				{Op: ir.OpBlock, Block: i32Result, Body: body},
				{Op: ir.OpI32Add},
			}
		}))
		expect(t, inst, "f", args(i32(1)), i32(1+7))
		expect(t, inst, "f", args(i32(0)), i32(deepNesting))
	})
	t.Run("loop", func(t *testing.T) {
		// The innermost loop counts the parameter down, restarting the
		// outermost loop each time, then yields 7.
		inner := []ir.Instr{
			{Op: ir.OpLocalGet, Index: 0},
			{Op: ir.OpI32Const, Value: 1},
			{Op: ir.OpI32Sub},
			{Op: ir.OpLocalTee, Index: 0},
			{Op: ir.OpBrIf, Index: deepNesting - 1},
			{Op: ir.OpI32Const, Value: 7},
		}
		inst := deepModule(t, nest(deepNesting, inner, func(_ int, body []ir.Instr) []ir.Instr {
			return []ir.Instr{{Op: ir.OpLoop, Block: i32Result, Body: body}}
		}))
		expect(t, inst, "f", args(i32(3)), i32(7))
	})
	t.Run("if", func(t *testing.T) {
		// Level i tests the parameter: true goes deeper, false leaves i in
		// local 0 from its else arm. Every other level has no else arm, so
		// both kinds of if nest.
		inner := []ir.Instr{{Op: ir.OpI32Const, Value: 7}, {Op: ir.OpLocalSet, Index: 0}}
		body := nest(deepNesting, inner, func(i int, body []ir.Instr) []ir.Instr {
			in := ir.Instr{Op: ir.OpIf, Body: body}
			if i%2 == 1 {
				in.SetElseBody([]ir.Instr{{Op: ir.OpI32Const, Value: uint64(i)}, {Op: ir.OpLocalSet, Index: 0}})
			}
			return []ir.Instr{{Op: ir.OpLocalGet, Index: 0}, in}
		})
		inst := deepModule(t, append(body, ir.Instr{Op: ir.OpLocalGet, Index: 0}))
		expect(t, inst, "f", args(i32(1)), i32(7))
		expect(t, inst, "f", args(i32(0)), i32(deepNesting-1))
	})
}
