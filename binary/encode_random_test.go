package binary

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// encodeRandomGen builds arbitrary, mostly nonsensical modules: any op
// (also past the table), any immediate values, any type bytes, modes and
// kinds out of range. The encoder must never panic on them.
type encodeRandomGen struct{ r *rand.Rand }

func (g *encodeRandomGen) valType() ir.ValType {
	switch g.r.IntN(10) {
	case 0:
		return ir.ValType(g.r.IntN(256))
	case 1:
		return ir.ValType(g.r.Uint32()) // mostly no valid reference type
	case 2:
		return ir.Ref(g.r.IntN(2) == 0, ir.HeapIndex(g.u32()%5))
	case 3:
		return ir.Ref(g.r.IntN(2) == 0, []ir.HeapType{ir.HeapAny, ir.HeapEq, ir.HeapI31, ir.HeapExn, ir.HeapNone, ir.HeapFunc}[g.r.IntN(6)])
	}
	return []ir.ValType{ir.I32, ir.I64, ir.F32, ir.F64, ir.V128, ir.FuncRef, ir.ExternRef, ir.I8}[g.r.IntN(8)]
}

func (g *encodeRandomGen) u32() uint32 {
	switch g.r.IntN(4) {
	case 0:
		return 0
	case 1:
		return uint32(g.r.IntN(200))
	}
	return g.r.Uint32()
}

func (g *encodeRandomGen) limits() ir.Limits {
	l := ir.Limits{Min: uint64(g.u32()), Max: uint64(g.u32()), HasMax: g.r.IntN(2) == 0}
	if g.r.IntN(10) == 0 {
		l.Min = g.r.Uint64()
	}
	return l
}

func (g *encodeRandomGen) limits64(is64 bool) ir.Limits {
	l := g.limits()
	l.Is64 = is64
	return l
}

func (g *encodeRandomGen) instrs(depth int) []ir.Instr {
	body := make([]ir.Instr, g.r.IntN(6))
	for i := range body {
		in := &body[i]
		in.Op = ir.Op(g.r.IntN(int(ir.NumOps) + 3))
		if g.r.IntN(20) != 0 && (in.Op == ir.OpElse || in.Op == ir.OpEnd) {
			in.Op = ir.OpNop
		}
		in.Index, in.Index2 = g.u32(), g.u32()
		in.Value = g.r.Uint64()
		in.SetV128Hi(g.r.Uint64())
		in.Lane = byte(g.r.IntN(256))
		if in.Op.Info().Imm == ir.ImmHeapType {
			in.SetHeapType(g.valType().Heap())
		}
		in.Mem = ir.MemArg{Align: uint32(g.r.IntN(70)), Offset: g.r.Uint64() >> g.r.IntN(64), Memory: g.u32() % 3}
		switch g.r.IntN(4) {
		case 0:
			in.Block = ir.BlockType{}
		case 1:
			in.Block = ir.BlockOf(g.valType())
		case 2:
			in.Block = ir.BlockOfIndex(g.u32() % 8)
		default: // not a valid block type
			in.Block = ir.BlockType{Value: ir.ValType(g.u32()), Index: g.u32()}
		}
		switch in.Op.Info().Imm {
		case ir.ImmRefType:
			in.SetRefType(g.valType())
		case ir.ImmBrOnCast:
			in.SetCastTypes(g.valType(), g.valType())
		case ir.ImmTryTable:
			in.SetCatches([]ir.CatchClause{{Kind: ir.CatchKind(g.r.IntN(5)), Tag: g.u32(), Label: g.u32()}})
		case ir.ImmTry:
			if g.r.IntN(2) == 0 {
				in.SetDelegate(g.u32())
			}
			if depth > 0 && g.r.IntN(2) == 0 {
				in.SetHandlers([]ir.Handler{{Tag: g.u32(), Body: g.instrs(depth - 1)}, {All: g.r.IntN(2) == 0}})
			}
		}
		if g.r.IntN(10) == 0 {
			in.SetMeta([]ir.CodeMeta{{Name: "branch_hint", Data: []byte{byte(g.r.IntN(2))}}})
		}
		var labels []uint32
		var types []ir.ValType
		for range g.r.IntN(3) {
			labels = append(labels, g.u32())
			types = append(types, g.valType())
		}
		in.SetBrLabels(labels)
		in.SetSelectTypes(types)
		if imm := in.Op.Info().Imm; depth > 0 && (imm == ir.ImmBlock || imm == ir.ImmTryTable || imm == ir.ImmTry) {
			in.Body = g.instrs(depth - 1)
			if g.r.IntN(2) == 0 {
				in.SetElseBody(g.instrs(depth - 1))
			}
		}
		in.Pos = ir.PosAt(g.r.IntN(1000))
	}
	return body
}

func (g *encodeRandomGen) memoryType() ir.MemoryType {
	return ir.MemoryType{Limits: g.limits64(g.r.IntN(2) == 0), Shared: g.r.IntN(2) == 0}
}

func (g *encodeRandomGen) module() *ir.Module {
	m := &ir.Module{Name: "m"}
	for range g.r.IntN(4) {
		td := ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{g.valType()}, Results: []ir.ValType{g.valType()}})
		switch g.r.IntN(5) {
		case 0:
			td.Kind = ir.CompStruct
			td.Fields = []ir.FieldType{{Type: g.valType(), Mutable: true}, {Type: ir.I16}}
		case 1:
			td.Kind = ir.CompArray
			td.Fields = make([]ir.FieldType, g.r.IntN(3))
		case 2:
			td.Kind = ir.CompKind(g.r.IntN(5))
		}
		td.Open = g.r.IntN(3) == 0
		if g.r.IntN(3) == 0 {
			td.Supers = []uint32{g.u32()}
		}
		m.Types = append(m.Types, td)
	}
	for range g.r.IntN(3) {
		m.Rec = append(m.Rec, ir.RecGroup{Start: g.u32() % 5, Count: g.u32() % 3})
	}
	for range g.r.IntN(3) {
		m.Imports = append(m.Imports, ir.Import{Module: "a", Name: "b", Kind: ir.ExternKind(g.r.IntN(6)), Func: g.u32(), Tag: g.u32(),
			Table:  ir.TableType{Elem: g.valType(), Limits: g.limits()},
			Memory: g.memoryType(),
			Global: ir.GlobalType{Type: g.valType(), Mutable: g.r.IntN(2) == 0}})
	}
	for range g.r.IntN(4) {
		m.Funcs = append(m.Funcs, ir.Func{Type: g.u32() % 5, Body: g.instrs(3),
			Locals: []ir.LocalRun{{Count: g.u32(), Type: g.valType()}, {Count: g.u32(), Type: g.valType()}}})
	}
	for range g.r.IntN(2) {
		tab := ir.Table{Type: ir.TableType{Elem: g.valType(), Limits: g.limits64(g.r.IntN(2) == 0)}}
		if g.r.IntN(2) == 0 {
			tab.Init = g.instrs(1)
		}
		m.Tables = append(m.Tables, tab)
		m.Tags = append(m.Tags, ir.Tag{Type: g.u32()})
		m.Memories = append(m.Memories, ir.Memory{Type: g.memoryType()})
		m.Globals = append(m.Globals, ir.Global{Type: ir.GlobalType{Type: g.valType()}, Init: g.instrs(1)})
		m.Exports = append(m.Exports, ir.Export{Name: "e", Kind: ir.ExternKind(g.r.IntN(6)), Index: g.u32()})
		el := ir.Elem{Mode: ir.SegmentMode(g.r.IntN(4)), Table: g.u32() % 3, Offset: g.instrs(1), Type: g.valType()}
		for range g.r.IntN(3) {
			el.Init = append(el.Init, g.instrs(1))
		}
		m.Elems = append(m.Elems, el)
		m.Datas = append(m.Datas, ir.Data{Mode: ir.SegmentMode(g.r.IntN(3)), Memory: g.u32() % 3, Offset: g.instrs(1), Init: []byte("d")})
		m.Customs = append(m.Customs, ir.Custom{Name: "c", Data: []byte{1}, After: byte(g.r.IntN(15))})
		if g.r.IntN(4) == 0 {
			m.Customs = append(m.Customs, ir.Custom{Name: "metadata.code.branch_hint", After: byte(g.r.IntN(14))})
		}
	}
	if g.r.IntN(2) == 0 {
		m.Start = &ir.Start{Func: g.u32()}
	}
	m.Names.Funcs = ir.NameMap{g.u32(): "f", 0: ""}
	m.Names.Locals = map[uint32]ir.NameMap{g.u32(): {g.u32(): "l"}}
	m.Names.Globals = ir.NameMap{g.u32(): "g"}
	m.Names.Tags = ir.NameMap{g.u32(): "t"}
	m.Names.Fields = map[uint32]ir.NameMap{g.u32(): {g.u32(): "f"}, 0: {}}
	return m
}

// TestEncodeRandomModulesNeverPanic encodes thousands of arbitrary modules:
// each gives either an ir.ErrorList and no bytes, or a well-framed module, the
// same every time.
func TestEncodeRandomModulesNeverPanic(t *testing.T) {
	g := &encodeRandomGen{r: rand.New(rand.NewPCG(1, 2))}
	var ok, failed int
	for i := 0; i < 2000; i++ {
		m := g.module()
		for _, names := range []bool{false, true} {
			b, err := Encode(m, EncodeOptions{DebugNames: names})
			if err != nil {
				failed++
				if b != nil {
					t.Fatalf("module %d: error %v with %d bytes of output", i, err, len(b))
				}
				if list, isIR := err.(ir.ErrorList); !isIR || len(list) == 0 {
					t.Fatalf("module %d: error %#v is not an ir.ErrorList", i, err)
				}
				continue
			}
			ok++
			ids, _ := encodeTestSections(t, b)
			if names && (len(ids) == 0 || ids[len(ids)-1] != sectionCustom) {
				t.Fatalf("module %d: no trailing name section: sections %v", i, ids)
			}
			if again, _ := Encode(m, EncodeOptions{DebugNames: names}); !bytes.Equal(again, b) {
				t.Fatalf("module %d: two encodings differ", i)
			}
		}
	}
	if ok == 0 || failed == 0 {
		t.Errorf("generator too narrow: %d encoded, %d rejected", ok, failed)
	}
	t.Logf("%d encodings, %d rejected", ok, failed)
}
