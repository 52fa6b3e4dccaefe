package wat_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// coverageModule is a module with one of everything an immediate can
// refer to, two of each where an index other than 0 matters: types (func,
// struct with named fields, array), a tag, tables, memories, a global,
// element and data segments, and a function with a local.
func coverageModule(body []ir.Instr) *ir.Module {
	return &ir.Module{
		Types: []ir.TypeDef{
			ir.FuncTypeDef(ir.FuncType{}),
			ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}}),
			{Kind: ir.CompStruct, Fields: []ir.FieldType{{Type: ir.I32, Mutable: true}, {Type: ir.I64}}},
			{Kind: ir.CompArray, Fields: []ir.FieldType{{Type: ir.I8, Mutable: true}}},
		},
		Funcs:    []ir.Func{{Type: 0, Locals: []ir.LocalRun{{Count: 1, Type: ir.I32}}, Body: body}},
		Tables:   []ir.Table{{Type: ir.TableType{Elem: ir.FuncRef}}, {Type: ir.TableType{Elem: ir.FuncRef}}},
		Memories: []ir.Memory{{}, {}},
		Globals:  []ir.Global{{Type: ir.GlobalType{Type: ir.I32}, Init: []ir.Instr{{Op: ir.OpI32Const}}}},
		Tags:     []ir.Tag{{Type: 0}},
		Elems: []ir.Elem{
			{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{}},
			{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{}},
		},
		Datas: []ir.Data{{Mode: ir.SegmentPassive, Init: []byte{}}, {Mode: ir.SegmentPassive, Init: []byte{}}},
		Names: ir.Names{Fields: map[uint32]ir.NameMap{2: {0: "x"}}},
	}
}

// coverageInstr returns an instruction of op with immediates chosen so that
// a default (zero) value would not hide a printer or parser that drops
// them; ok is false for the rows that are structure, not instructions.
func coverageInstr(op ir.Op) (ir.Instr, bool) {
	info := op.Info()
	in := ir.Instr{Op: op}
	nop := []ir.Instr{{Op: ir.OpNop}}
	switch op {
	case ir.OpElse, ir.OpEnd, ir.OpCatch, ir.OpCatchAll, ir.OpDelegate:
		return in, false
	}
	switch info.Imm {
	case ir.ImmBlock:
		in.Block = ir.BlockOf(ir.I32)
		in.Body = []ir.Instr{{Op: ir.OpI32Const, Value: 7}}
		if op == ir.OpIf {
			in.SetElseBody([]ir.Instr{{Op: ir.OpI32Const, Value: 8}})
		}
	case ir.ImmTryTable:
		in.Block = ir.BlockOfIndex(1)
		in.Body = nop
		in.SetCatches([]ir.CatchClause{{Kind: ir.Catch, Tag: 0, Label: 0}, {Kind: ir.CatchRef, Label: 0},
			{Kind: ir.CatchAll, Label: 0}, {Kind: ir.CatchAllRef, Label: 0}})
	case ir.ImmTry:
		in.Body = nop
		in.SetHandlers([]ir.Handler{{Tag: 0, Body: nop}, {All: true, Body: nop}})
	case ir.ImmLabel:
		in.Index = 0
	case ir.ImmBrTable:
		in.SetBrLabels([]uint32{0, 0})
	case ir.ImmFunc, ir.ImmLocal, ir.ImmGlobal, ir.ImmTag:
	case ir.ImmTable, ir.ImmMemory, ir.ImmData, ir.ImmElem:
		in.Index = 1
	case ir.ImmCallIndirect:
		in.Index, in.Index2 = 1, 1
	case ir.ImmMemArg, ir.ImmMemArgLane:
		in.Mem = ir.MemArg{Offset: 8, Align: op.NaturalAlign(), Memory: 1}
		if !op.IsAtomic() && in.Mem.Align > 0 {
			in.Mem.Align--
		}
		if info.Imm == ir.ImmMemArgLane {
			in.Lane = 1
		}
	case ir.ImmLane:
		in.Lane = 1
	case ir.ImmShuffle:
		var b [16]byte
		for i := range b {
			b[i] = byte(31 - i)
		}
		in.SetV128Bytes(b)
	case ir.ImmTablePair, ir.ImmMemoryPair, ir.ImmTableInit, ir.ImmMemoryInit:
		in.Index, in.Index2 = 1, 0
		if info.Imm == ir.ImmTableInit || info.Imm == ir.ImmMemoryInit {
			in.Index2 = 1
		}
	case ir.ImmI32:
		in.Value = 0xfffffffe
	case ir.ImmI64:
		in.Value = 1 << 63
	case ir.ImmF32:
		in.Value = uint64(math.Float32bits(-1.5))
	case ir.ImmF64:
		in.Value = math.Float64bits(0x1p-1000)
	case ir.ImmV128:
		in.Value = 0x0123456789abcdef
		in.SetV128Hi(0xfedcba9876543210)
	case ir.ImmSelect:
		in.SetSelectTypes([]ir.ValType{ir.Ref(true, ir.HeapIndex(2))})
	case ir.ImmHeapType:
		in.SetHeapType(ir.HeapIndex(3))
	case ir.ImmType:
		in.Index = 2
	case ir.ImmRefType:
		// The second of two rows of one name is the nullable target.
		null := op > 0 && (op-1).Info().Name == info.Name
		in.SetRefType(ir.Ref(null, ir.HeapIndex(2)))
	case ir.ImmStructField:
		in.Index, in.Index2 = 2, 1
	case ir.ImmArrayFixed, ir.ImmArrayData, ir.ImmArrayElem:
		in.Index, in.Index2 = 3, 1
	case ir.ImmTypePair:
		in.Index, in.Index2 = 3, 2
	case ir.ImmBrOnCast:
		in.SetCastTypes(ir.AnyRef, ir.Ref(false, ir.HeapIndex(2)))
	}
	return in, true
}

// TestEveryOpRoundTrip writes each instruction of the opcode table, with
// immediates, flat and folded, with and without generated names, and reads
// the text back: the instruction must come back as it was. No op may be
// missing from the printer or the parser.
func TestEveryOpRoundTrip(t *testing.T) {
	variants := []wat.PrintOptions{
		{Features: testsuite.CoreFeatures},
		{Features: testsuite.CoreFeatures, FoldExprs: true},
		{Features: testsuite.CoreFeatures, FoldExprs: true, GenerateNames: true},
		{Features: testsuite.CoreFeatures, GenerateNames: true},
	}
	extra := []ir.Instr{}
	// A legacy try that delegates, a plain select and a block with a
	// branch hint, beside the table's rows.
	del := ir.Instr{Op: ir.OpTry, Body: []ir.Instr{{Op: ir.OpNop}}}
	del.SetDelegate(0)
	hinted := ir.Instr{Op: ir.OpBrIf}
	hinted.SetMeta([]ir.CodeMeta{{Name: "branch_hint", Data: []byte{1}}})
	extra = append(extra, del, hinted)
	var instrs []ir.Instr
	for op := ir.Op(0); op < ir.NumOps; op++ {
		if in, ok := coverageInstr(op); ok {
			instrs = append(instrs, in)
		}
	}
	instrs = append(instrs, extra...)
	for _, in := range instrs {
		// Inside a block, so that label 1 exists for catch clauses.
		body := []ir.Instr{in}
		m := coverageModule(body)
		for _, opts := range variants {
			var buf bytes.Buffer
			if err := wat.Print(&buf, m, opts); err != nil {
				t.Errorf("%s %+v: Print: %v", in.Op, opts, err)
				continue
			}
			back, err := wat.ParseModule(ir.NewSource("op.wat", buf.Bytes(), false), testsuite.CoreFeatures)
			if err != nil {
				t.Errorf("%s (fold %v, names %v): %v\n%s", in.Op, opts.FoldExprs, opts.GenerateNames, err, buf.String())
				continue
			}
			if diff := cmp.Diff(body, back.Funcs[0].Body, cmpopts.IgnoreTypes(ir.Pos(0)), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s (fold %v, names %v): (-want +got)\n%s\n%s", in.Op, opts.FoldExprs, opts.GenerateNames, diff, buf.String())
			}
		}
	}
}
