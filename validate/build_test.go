package validate_test

import (
	"fmt"

	"github.com/watt-wasm/watt/ir"
)

// Helpers to build ir.Modules by hand, with instructions named as in the
// text format so tests read like WAT.

func lookup(name string) ir.Op {
	o, ok := ir.LookupOp(name)
	if !ok {
		panic(fmt.Sprintf("no op %q", name))
	}
	return o
}

// op is an instruction whose immediates are indices: Index, then Index2.
func op(name string, idx ...uint32) ir.Instr {
	in := ir.Instr{Op: lookup(name)}
	if len(idx) > 0 {
		in.Index = idx[0]
	}
	if len(idx) > 1 {
		in.Index2 = idx[1]
	}
	return in
}

func i32c(v int32) ir.Instr {
	return ir.Instr{Op: ir.OpI32Const, Value: uint64(uint32(v))}
}

func i64c(v int64) ir.Instr { return ir.Instr{Op: ir.OpI64Const, Value: uint64(v)} }

func f32c() ir.Instr { return ir.Instr{Op: ir.OpF32Const} }

func v128c() ir.Instr { return ir.Instr{Op: ir.OpV128Const} }

// mem is a memory access with its natural alignment on memory 0.
func mem(name string) ir.Instr {
	in := ir.Instr{Op: lookup(name)}
	in.Mem.Align = in.Op.NaturalAlign()
	return in
}

// memAlign is a memory access with alignment 2**align.
func memAlign(name string, align uint32) ir.Instr {
	in := mem(name)
	in.Mem.Align = align
	return in
}

func lane(name string, l byte) ir.Instr {
	in := mem(name)
	in.Lane = l
	return in
}

func refNull(t ir.ValType) ir.Instr { return ir.Instr{Op: ir.OpRefNull, Index: uint32(t.Heap())} }

func selectT(ts ...ir.ValType) ir.Instr {
	in := ir.Instr{Op: ir.OpSelectTyped}
	in.SetSelectTypes(ts)
	return in
}

func brTable(def uint32, labels ...uint32) ir.Instr {
	in := ir.Instr{Op: ir.OpBrTable, Index: def}
	in.SetBrLabels(labels)
	return in
}

var (
	noBT = ir.BlockType{}
)

func bv(t ir.ValType) ir.BlockType { return ir.BlockOf(t) }

func bi(idx uint32) ir.BlockType { return ir.BlockOfIndex(idx) }

func block(bt ir.BlockType, body ...ir.Instr) ir.Instr {
	return ir.Instr{Op: ir.OpBlock, Block: bt, Body: body}
}

func loop(bt ir.BlockType, body ...ir.Instr) ir.Instr {
	return ir.Instr{Op: ir.OpLoop, Block: bt, Body: body}
}

func ifElse(bt ir.BlockType, then, els []ir.Instr) ir.Instr {
	in := ir.Instr{Op: ir.OpIf, Block: bt, Body: then}
	in.SetElseBody(els)
	return in
}

func body(ins ...ir.Instr) []ir.Instr { return ins }

func sig(params []ir.ValType, results ...ir.ValType) ir.FuncType {
	return ir.FuncType{Params: params, Results: results}
}

func ts(t ...ir.ValType) []ir.ValType { return t }

// fn is a module with one function of type ft (type 0) and the given body.
func fn(ft ir.FuncType, ins ...ir.Instr) *ir.Module {
	return &ir.Module{Types: ir.TypeDefs([]ir.FuncType{ft}), Funcs: []ir.Func{{Type: 0, Body: ins}}}
}

// with applies edits to a module, for the fields a case needs beyond fn.
func with(m *ir.Module, edits ...func(*ir.Module)) *ir.Module {
	for _, e := range edits {
		e(m)
	}
	return m
}

func withMemory(min, max uint64, shared bool) func(*ir.Module) {
	return func(m *ir.Module) {
		m.Memories = append(m.Memories, ir.Memory{Type: ir.MemoryType{
			Limits: ir.Limits{Min: min, Max: max, HasMax: max != noMax}, Shared: shared,
		}})
	}
}

const noMax = ^uint64(0)

func withTable(elem ir.ValType, min uint64) func(*ir.Module) {
	return func(m *ir.Module) {
		m.Tables = append(m.Tables, ir.Table{Type: ir.TableType{Elem: elem, Limits: ir.Limits{Min: min}}})
	}
}

func withGlobal(t ir.ValType, mutable bool, init ...ir.Instr) func(*ir.Module) {
	return func(m *ir.Module) {
		m.Globals = append(m.Globals, ir.Global{Type: ir.GlobalType{Type: t, Mutable: mutable}, Init: init})
	}
}

func withImport(im ir.Import) func(*ir.Module) {
	return func(m *ir.Module) { m.Imports = append(m.Imports, im) }
}

func withExport(name string, k ir.ExternKind, idx uint32) func(*ir.Module) {
	return func(m *ir.Module) { m.Exports = append(m.Exports, ir.Export{Name: name, Kind: k, Index: idx}) }
}

func withType(ft ir.FuncType) func(*ir.Module) {
	return func(m *ir.Module) { m.Types = append(m.Types, ir.FuncTypeDef(ft)) }
}

func withElem(e ir.Elem) func(*ir.Module) {
	return func(m *ir.Module) { m.Elems = append(m.Elems, e) }
}

func withData(d ir.Data) func(*ir.Module) {
	return func(m *ir.Module) { m.Datas = append(m.Datas, d) }
}

func withFunc(f ir.Func) func(*ir.Module) {
	return func(m *ir.Module) { m.Funcs = append(m.Funcs, f) }
}
