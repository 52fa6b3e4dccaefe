package wat_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// TestPrintRandomMatchesWasm2wat compares Print with wasm2wat --no-check on
// modules of random instruction sequences drawn from the whole opcode
// table: arbitrary stack shapes stress folding, random bits stress number
// formatting, random names stress naming. Indices stay in range (wabt stops
// applying names at the first one that is not); everything else is left
// unchecked. WATT_PRINT_SEED picks another seed.
func TestPrintRandomMatchesWasm2wat(t *testing.T) {
	if _, err := exec.LookPath("wasm2wat"); err != nil {
		t.Skip("wasm2wat not on PATH: install wabt 1.0.32 to run the differential test")
	}
	seed := uint64(1)
	if s := os.Getenv("WATT_PRINT_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	modules := 24
	if testing.Short() {
		modules = 6
	}
	dir := t.TempDir()
	variants := []struct {
		flags []string
		opts  wat.PrintOptions
	}{
		{nil, wat.PrintOptions{}},
		{[]string{"--fold-exprs"}, wat.PrintOptions{FoldExprs: true}},
		{[]string{"--fold-exprs", "--generate-names", "--inline-exports", "--inline-imports"},
			wat.PrintOptions{FoldExprs: true, GenerateNames: true, InlineExports: true, InlineImports: true}},
	}
	same := 0
	for k := range modules {
		g := &printGen{t: t, r: rand.New(rand.NewPCG(seed, uint64(k)))}
		m := g.module()
		data, err := binary.Encode(m, binary.EncodeOptions{DebugNames: true})
		if err != nil {
			t.Fatalf("module %d: Encode: %v", k, err)
		}
		path := filepath.Join(dir, fmt.Sprintf("r%d.wasm", k))
		if err := os.WriteFile(path, data, 0o666); err != nil {
			t.Fatal(err)
		}
		decoded, err := binary.Decode(ir.NewSource(path, data, true), ir.AllFeaturesOn())
		if err != nil {
			t.Fatalf("module %d: Decode: %v", k, err)
		}
		for _, v := range variants {
			want, err := exec.Command("wasm2wat", append([]string{"--enable-all", "--no-check", path}, v.flags...)...).CombinedOutput()
			if err != nil {
				t.Errorf("module %d (seed %d): wasm2wat %v: %v\n%s", k, seed, v.flags, err, want)
				continue
			}
			var got bytes.Buffer
			if err := wat.Print(&got, decoded, v.opts); err != nil {
				t.Errorf("module %d: Print: %v", k, err)
				continue
			}
			if d := printFirstDiff(fmt.Sprintf("module %d (seed %d) %v", k, seed, v.flags), got.Bytes(), want); d != "" {
				t.Error(d)
				continue
			}
			same++
		}
	}
	t.Logf("%d/%d random module printings identical to wasm2wat", same, modules*len(variants))
}

// printGen builds one random module.
type printGen struct {
	t      testing.TB
	r      *rand.Rand
	m      *ir.Module
	nFuncs uint32
	locals int // params and locals of the function being built
	labels int // enclosing labels, the function's included
	budget int // instructions left for the function
}

var printGenTypes = []ir.ValType{ir.I32, ir.I64, ir.F32, ir.F64, ir.V128, ir.FuncRef, ir.ExternRef}

func (g *printGen) valType() ir.ValType { return printGenTypes[g.r.IntN(len(printGenTypes))] }

func (g *printGen) types(max int) []ir.ValType {
	var ts []ir.ValType
	for range g.r.IntN(max + 1) {
		ts = append(ts, g.valType())
	}
	return ts
}

// name returns a random debug name, sometimes none, sometimes one that
// repeats or (unless local) needs sanitizing: wabt 1.0.32 does not
// sanitize declared local names, watt does.
func (g *printGen) name(local bool) string {
	switch g.r.IntN(6) {
	case 0, 1:
		return ""
	case 2:
		return "dup"
	case 3:
		if !local {
			return "with space"
		}
	}
	return "n" + strconv.Itoa(g.r.IntN(20))
}

func (g *printGen) names(n int, local bool) ir.NameMap {
	nm := ir.NameMap{}
	for i := range n {
		if s := g.name(local); s != "" {
			nm[uint32(i)] = s
		}
	}
	return nm
}

func (g *printGen) module() *ir.Module {
	m := &ir.Module{}
	g.m = m
	for range 4 + g.r.IntN(4) {
		m.Types = append(m.Types, ir.FuncTypeDef(ir.FuncType{Params: g.types(3), Results: g.types(3)}))
	}
	m.Imports = []ir.Import{
		{Module: "env", Name: "f", Kind: ir.ExternFunc, Func: 0},
		{Module: "env", Name: "g", Kind: ir.ExternGlobal, Global: ir.GlobalType{Type: ir.I32, Mutable: true}},
	}
	m.Tables = []ir.Table{{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 2}}}, {Type: ir.TableType{Elem: ir.ExternRef, Limits: ir.Limits{Min: 1, Max: 9, HasMax: true}}}}
	m.Memories = []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 4, HasMax: true}, Shared: true}}}
	m.Globals = []ir.Global{
		{Type: ir.GlobalType{Type: ir.F64}, Init: []ir.Instr{{Op: printOp(g.t, "f64.const"), Value: g.r.Uint64()}}},
		{Type: ir.GlobalType{Type: ir.I64, Mutable: true}, Init: []ir.Instr{{Op: printOp(g.t, "i64.const"), Value: g.r.Uint64()}}},
	}
	g.nFuncs = uint32(1 + 2 + g.r.IntN(3))
	refFunc := printOp(g.t, "ref.func")
	m.Elems = []ir.Elem{
		{Mode: ir.SegmentActive, Offset: []ir.Instr{{Op: printOp(g.t, "i32.const")}}, Type: ir.FuncRef,
			Init: [][]ir.Instr{{{Op: refFunc, Index: 1}}, {{Op: refFunc, Index: 0}}}},
		{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{{{Op: printOp(g.t, "ref.null"), Index: uint32(ir.HeapFunc)}}}},
		{Mode: ir.SegmentDeclarative, Type: ir.FuncRef, Init: [][]ir.Instr{{{Op: refFunc, Index: 2}}}},
	}
	m.Datas = []ir.Data{
		{Mode: ir.SegmentActive, Offset: []ir.Instr{{Op: printOp(g.t, "global.get"), Index: 0}}, Init: []byte{0, 1, 'a', '"', 0xff}},
		{Mode: ir.SegmentPassive, Init: []byte("passive")},
	}
	for range g.nFuncs - 1 {
		typ := uint32(g.r.IntN(len(m.Types)))
		ft := m.Types[typ]
		f := ir.Func{Type: typ}
		for range g.r.IntN(3) {
			f.AddLocals(uint32(1+g.r.IntN(3)), g.valType())
		}
		g.locals = len(ft.Params) + int(f.NumLocals())
		g.labels = 1
		g.budget = 40 + g.r.IntN(120)
		f.Body = g.body(0)
		m.Funcs = append(m.Funcs, f)
	}
	m.Exports = []ir.Export{
		{Name: "f1", Kind: ir.ExternFunc, Index: 1},
		{Name: "again", Kind: ir.ExternFunc, Index: 1},
		{Name: "imported", Kind: ir.ExternFunc, Index: 0},
		{Name: "mem", Kind: ir.ExternMemory, Index: 0},
		{Name: "tab", Kind: ir.ExternTable, Index: 1},
		{Name: "glob", Kind: ir.ExternGlobal, Index: 2},
	}
	m.Start = &ir.Start{Func: g.nFuncs - 1}
	if g.r.IntN(3) > 0 {
		m.Name = g.name(false)
		m.Names = ir.Names{
			Funcs: g.names(int(g.nFuncs), false), Types: g.names(len(m.Types), false), Tables: g.names(2, false),
			Globals: g.names(3, false), Elems: g.names(3, false), Datas: g.names(2, false),
			Locals: map[uint32]ir.NameMap{1: g.names(g.localCount(1), true), 2: g.names(g.localCount(2), true)},
		}
	}
	return m
}

func (g *printGen) localCount(funcIndex int) int {
	if funcIndex < 1 || funcIndex-1 >= len(g.m.Funcs) {
		return 0
	}
	f := &g.m.Funcs[funcIndex-1]
	return len(g.m.Types[f.Type].Params) + int(f.NumLocals())
}

// printRandomOpFeatures are the features of the instructions the random
// modules use: those wabt 1.0.32's wasm2wat prints, the oracle here.
var printRandomOpFeatures = ir.Wasm2Features().With(ir.FeatureThreads, true).With(ir.FeatureTailCall, true)

// body generates a random instruction sequence at block depth depth.
func (g *printGen) body(depth int) []ir.Instr {
	var out []ir.Instr
	for g.budget > 0 && g.r.IntN(12) != 0 {
		g.budget--
		op := ir.Op(g.r.IntN(int(ir.NumOps)))
		if op == ir.OpElse || op == ir.OpEnd || !printRandomOpFeatures.Has(op.Info().Feature) {
			continue
		}
		out = append(out, g.instr(op, depth))
	}
	return out
}

func (g *printGen) instr(op ir.Op, depth int) ir.Instr {
	r := g.r
	in := ir.Instr{Op: op}
	switch info := op.Info(); info.Imm {
	case ir.ImmBlock:
		switch r.IntN(3) {
		case 1:
			in.Block = ir.BlockOf(g.valType())
		case 2:
			in.Block = ir.BlockOfIndex(uint32(r.IntN(len(g.m.Types))))
		}
		if depth < 4 {
			g.labels++
			in.Body = g.body(depth + 1)
			if op == ir.OpIf && r.IntN(2) == 0 {
				in.SetElseBody(g.body(depth + 1))
			}
			g.labels--
		}
	case ir.ImmLabel:
		in.Index = uint32(r.IntN(g.labels + 1)) // one past the end now and then
	case ir.ImmBrTable:
		var labels []uint32
		for range r.IntN(4) {
			labels = append(labels, uint32(r.IntN(g.labels)))
		}
		in.SetBrLabels(labels)
		in.Index = uint32(r.IntN(g.labels))
	case ir.ImmFunc:
		in.Index = uint32(r.IntN(int(g.nFuncs)))
	case ir.ImmCallIndirect:
		in.Index, in.Index2 = uint32(r.IntN(len(g.m.Types))), uint32(r.IntN(2))
		if op != ir.OpCallIndirect {
			in.Index2 = 0 // wabt 1.0.32 drops return_call_indirect's table
		}
	case ir.ImmLocal:
		if g.locals == 0 {
			return ir.Instr{Op: ir.OpNop}
		}
		in.Index = uint32(r.IntN(g.locals))
	case ir.ImmGlobal:
		in.Index = uint32(r.IntN(3))
	case ir.ImmTable:
		in.Index = uint32(r.IntN(2))
	case ir.ImmMemArg, ir.ImmMemArgLane:
		in.Mem = ir.MemArg{Align: uint32(r.IntN(int(op.NaturalAlign()) + 2)), Offset: uint64(r.Uint32() >> r.IntN(33))}
		in.Lane = byte(r.IntN(2))
	case ir.ImmLane:
		in.Lane = byte(r.IntN(2))
	case ir.ImmShuffle:
		var b [16]byte
		for i := range b {
			b[i] = byte(r.IntN(32))
		}
		in.SetV128Bytes(b)
	case ir.ImmTablePair:
		in.Index, in.Index2 = uint32(r.IntN(2)), uint32(r.IntN(2))
	case ir.ImmTableInit:
		in.Index, in.Index2 = uint32(r.IntN(3)), uint32(r.IntN(2))
	case ir.ImmMemoryInit, ir.ImmData:
		in.Index = uint32(r.IntN(2))
	case ir.ImmElem:
		in.Index = uint32(r.IntN(3))
	case ir.ImmI32, ir.ImmI64, ir.ImmF32, ir.ImmF64, ir.ImmV128:
		in.Value = g.bits()
		in.SetV128Hi(g.bits())
		if info.Imm == ir.ImmI32 || info.Imm == ir.ImmF32 {
			in.Value &= 0xffffffff
		}
	case ir.ImmSelect:
		in.SetSelectTypes([]ir.ValType{g.valType()})
	case ir.ImmHeapType:
		in.SetHeapType([]ir.HeapType{ir.HeapFunc, ir.HeapExtern}[r.IntN(2)])
	}
	return in
}

// bits returns random 64 bits, often shaped like special floats (zeros,
// infinities, NaNs with payloads, subnormals) in either width.
func (g *printGen) bits() uint64 {
	r := g.r
	sign32, sign64 := uint64(r.IntN(2))<<31, uint64(r.IntN(2))<<63
	switch r.IntN(8) {
	case 0:
		return sign32 | 0x7f800000 | uint64(r.Uint32()&0x7fffff)>>r.IntN(24) // f32 inf or NaN
	case 1:
		return sign64 | 0x7ff0000000000000 | (r.Uint64()&(1<<52-1))>>r.IntN(53)
	case 2:
		return sign32 | uint64(r.Uint32()&0x7fffff)>>r.IntN(24) // f32 subnormal or zero
	case 3:
		return sign64 | (r.Uint64()&(1<<52-1))>>r.IntN(53)
	case 4:
		return uint64(r.IntN(200)) - 100
	}
	return r.Uint64()
}
