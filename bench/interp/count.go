package main

import "github.com/watt-wasm/watt/ir"

// instrument returns a copy of m that counts every wasm instruction it
// executes in a new mutable i64 global, exported as "__instr_count". Each
// straight-line run of instructions gets one `global.get; i64.const k;
// i64.add; global.set` in front of it, where k is the run's length. A run
// ends after any instruction that may not fall through to the next one
// (branches, return, unreachable, br_if whose branch may be taken) and
// around nested blocks, whose bodies are instrumented in turn. The count
// gives "ns per wasm instruction" for every engine: the programs are
// deterministic, so all engines execute the same instructions.
func instrument(m *ir.Module) *ir.Module {
	out := *m
	g := uint32(m.NumImported(ir.ExternGlobal) + len(m.Globals))
	out.Globals = append(append([]ir.Global(nil), m.Globals...), ir.Global{
		Type: ir.GlobalType{Type: ir.I64, Mutable: true},
		Init: []ir.Instr{{Op: ir.OpI64Const}},
	})
	out.Exports = append(append([]ir.Export(nil), m.Exports...), ir.Export{Name: "__instr_count", Kind: ir.ExternGlobal, Index: g})
	out.Funcs = make([]ir.Func, len(m.Funcs))
	for i, f := range m.Funcs {
		f.Body = countBody(f.Body, g)
		out.Funcs[i] = f
	}
	return &out
}

func countBody(body []ir.Instr, g uint32) []ir.Instr {
	out := make([]ir.Instr, 0, len(body)+8)
	start := 0
	flush := func(end int) {
		if end > start {
			out = append(out,
				ir.Instr{Op: ir.OpGlobalGet, Index: g},
				ir.Instr{Op: ir.OpI64Const, Value: uint64(end - start)},
				ir.Instr{Op: ir.OpI64Add},
				ir.Instr{Op: ir.OpGlobalSet, Index: g})
			out = append(out, body[start:end]...)
		}
		start = end
	}
	for i := range body {
		switch body[i].Op {
		case ir.OpBlock, ir.OpLoop, ir.OpIf:
			flush(i + 1) // the block instruction itself counts once
			in := &out[len(out)-1]
			in.Body = countBody(in.Body, g)
			in.SetElseBody(countBody(in.ElseBody(), g))
		case ir.OpBr, ir.OpBrIf, ir.OpBrTable, ir.OpReturn, ir.OpUnreachable:
			flush(i + 1)
		}
	}
	flush(len(body))
	return out
}
