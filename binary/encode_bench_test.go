package binary

import (
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// encodeBenchModule builds a module of n functions, each a loop of atomic
// read-modify-writes, compare-exchanges, waits and notifies over a shared
// memory, with calls between the functions.
func encodeBenchModule(n int) *ir.Module {
	m := &ir.Module{
		Types: ir.TypeDefs([]ir.FuncType{{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}}}),
		Memories: []ir.Memory{{Type: ir.MemoryType{
			Limits: ir.Limits{Min: 1, Max: 16, HasMax: true}, Shared: true}}},
		Funcs: make([]ir.Func, n),
	}
	addr := func(off uint64) ir.Instr { return ir.Instr{Op: ir.OpI32Const, Value: off * 8} }
	for f := range m.Funcs {
		var loop []ir.Instr
		for k := uint64(0); k < 16; k++ {
			loop = append(loop,
				addr(k), ir.Instr{Op: ir.OpLocalGet},
				ir.Instr{Op: ir.OpI32AtomicRmwAdd, Mem: ir.MemArg{Align: 2, Offset: k * 4}},
				ir.Instr{Op: ir.OpDrop},
				addr(k), ir.Instr{Op: ir.OpI64Const, Value: k}, ir.Instr{Op: ir.OpI64Const, Value: 1<<40 + k},
				ir.Instr{Op: ir.OpI64AtomicRmwCmpxchg, Mem: ir.MemArg{Align: 3, Offset: 1024}},
				ir.Instr{Op: ir.OpDrop},
				addr(k), ir.Instr{Op: ir.OpI32Const, Value: 1},
				ir.Instr{Op: ir.OpMemoryAtomicNotify, Mem: ir.MemArg{Align: 2}},
				ir.Instr{Op: ir.OpLocalSet, Index: 1},
				ir.Instr{Op: ir.OpF64Const, Value: 0x400921fb54442d18}, ir.Instr{Op: ir.OpDrop},
				ir.Instr{Op: ir.OpAtomicFence},
			)
		}
		loop = append(loop,
			ir.Instr{Op: ir.OpLocalGet, Index: 1},
			ir.Instr{Op: ir.OpCall, Index: uint32((f + 1) % n)},
			ir.Instr{Op: ir.OpBrIf, Index: 0},
		)
		m.Funcs[f] = ir.Func{
			Locals: []ir.LocalRun{{Count: 2, Type: ir.I32}, {Count: 1, Type: ir.I64}},
			Body: []ir.Instr{
				{Op: ir.OpLoop, Body: loop},
				{Op: ir.OpBlock, Block: ir.BlockOf(ir.I32), Body: []ir.Instr{
					addr(0), {Op: ir.OpI32AtomicLoad, Mem: ir.MemArg{Align: 2}},
				}},
			},
		}
	}
	return m
}

func BenchmarkEncode(b *testing.B) {
	m := encodeBenchModule(5000)
	out, err := Encode(m, EncodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Encode(m, EncodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
