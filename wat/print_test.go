package wat_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// printOp looks an instruction up in the opcode table by its text name.
func printOp(t testing.TB, name string) ir.Op {
	t.Helper()
	op, ok := ir.LookupOp(name)
	if !ok {
		t.Fatalf("no instruction %q in the opcode table", name)
	}
	return op
}

func printString(t testing.TB, m *ir.Module, opts wat.PrintOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := wat.Print(&b, m, opts); err != nil {
		t.Fatalf("Print: %v", err)
	}
	return b.String()
}

func printCheck(t *testing.T, m *ir.Module, opts wat.PrintOptions, want string) {
	t.Helper()
	if got := printString(t, m, opts); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestPrintEmptyModule(t *testing.T) {
	printCheck(t, &ir.Module{}, wat.PrintOptions{}, "(module)\n")
	printCheck(t, &ir.Module{Name: "m"}, wat.PrintOptions{}, "(module $m)\n")
	printCheck(t, &ir.Module{Name: "m"}, wat.PrintOptions{NoDebugNames: true}, "(module)\n")
}

// printThreadsModule is a shared memory and atomics; the golden texts are
// wabt 1.0.32's wasm2wat --enable-threads (with and without --fold-exprs)
// of the same module.
func printThreadsModule(t *testing.T) *ir.Module {
	op := func(name string) ir.Op { return printOp(t, name) }
	get0 := ir.Instr{Op: op("local.get")}
	drop := ir.Instr{Op: op("drop")}
	i32 := func(v int32) ir.Instr { return ir.Instr{Op: op("i32.const"), Value: uint64(uint32(v))} }
	i64 := func(v int64) ir.Instr { return ir.Instr{Op: op("i64.const"), Value: uint64(v)} }
	mem := func(name string, align uint32, offset uint64) ir.Instr {
		return ir.Instr{Op: op(name), Mem: ir.MemArg{Align: align, Offset: offset}}
	}
	return &ir.Module{
		Types:    ir.TypeDefs([]ir.FuncType{{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}}}),
		Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}, Shared: true}}},
		Funcs: []ir.Func{{Locals: []ir.LocalRun{{Count: 1, Type: ir.I64}}, Body: []ir.Instr{
			get0, i32(1), mem("i32.atomic.rmw.add", 2, 8), drop,
			get0, i32(0), i64(-1), mem("memory.atomic.wait32", 2, 0), drop,
			get0, i64(5), i64(0), mem("memory.atomic.wait64", 3, 16), drop,
			get0, i32(2), mem("memory.atomic.notify", 2, 0), drop,
			{Op: op("atomic.fence")},
			get0, i32(1), i32(2), mem("i32.atomic.rmw8.cmpxchg_u", 0, 0), drop,
			get0, mem("i64.load16_s", 0, 2), drop,
			get0, mem("i32.atomic.load16_u", 1, 0),
		}}},
	}
}

func TestPrintThreads(t *testing.T) {
	printCheck(t, printThreadsModule(t), wat.PrintOptions{}, `(module
  (type (;0;) (func (param i32) (result i32)))
  (func (;0;) (type 0) (param i32) (result i32)
    (local i64)
    local.get 0
    i32.const 1
    i32.atomic.rmw.add offset=8
    drop
    local.get 0
    i32.const 0
    i64.const -1
    memory.atomic.wait32
    drop
    local.get 0
    i64.const 5
    i64.const 0
    memory.atomic.wait64 offset=16
    drop
    local.get 0
    i32.const 2
    memory.atomic.notify
    drop
    atomic.fence
    local.get 0
    i32.const 1
    i32.const 2
    i32.atomic.rmw8.cmpxchg_u
    drop
    local.get 0
    i64.load16_s offset=2 align=1
    drop
    local.get 0
    i32.atomic.load16_u)
  (memory (;0;) 1 2 shared))
`)
	printCheck(t, printThreadsModule(t), wat.PrintOptions{FoldExprs: true}, `(module
  (type (;0;) (func (param i32) (result i32)))
  (func (;0;) (type 0) (param i32) (result i32)
    (local i64)
    (drop
      (i32.atomic.rmw.add offset=8
        (local.get 0)
        (i32.const 1)))
    (drop
      (memory.atomic.wait32
        (local.get 0)
        (i32.const 0)
        (i64.const -1)))
    (drop
      (memory.atomic.wait64 offset=16
        (local.get 0)
        (i64.const 5)
        (i64.const 0)))
    (drop
      (memory.atomic.notify
        (local.get 0)
        (i32.const 2)))
    (atomic.fence)
    (drop
      (i32.atomic.rmw8.cmpxchg_u
        (local.get 0)
        (i32.const 1)
        (i32.const 2)))
    (drop
      (i64.load16_s offset=2 align=1
        (local.get 0)))
    (i32.atomic.load16_u
      (local.get 0)))
  (memory (;0;) 1 2 shared))
`)
}

// printNamedModule has imports, exports, debug names and nested blocks;
// the golden texts are wabt 1.0.32's for the same module (built with
// wat2wasm --debug-names) under each flag.
func printNamedModule(t *testing.T) *ir.Module {
	op := func(name string) ir.Op { return printOp(t, name) }
	i32 := func(v int32) ir.Instr { return ir.Instr{Op: op("i32.const"), Value: uint64(uint32(v))} }
	return &ir.Module{
		Name: "mod",
		Types: ir.TypeDefs([]ir.FuncType{
			{Params: []ir.ValType{ir.I32}},
			{Params: []ir.ValType{ir.I32, ir.I32}, Results: []ir.ValType{ir.I32}},
			{Params: []ir.ValType{ir.I64}},
		}),
		Imports: []ir.Import{
			{Module: "env", Name: "f", Kind: ir.ExternFunc, Func: 0},
			{Module: "env", Name: "g", Kind: ir.ExternGlobal, Global: ir.GlobalType{Type: ir.I32}},
		},
		Funcs: []ir.Func{
			{Type: 1, Locals: []ir.LocalRun{{Count: 1, Type: ir.I64}, {Count: 1, Type: ir.F32}}, Body: []ir.Instr{
				{Op: op("block"), Block: ir.BlockOf(ir.I32), Body: []ir.Instr{
					{Op: op("loop"), Body: []ir.Instr{
						{Op: op("local.get"), Index: 0},
						{Op: op("br_if"), Index: 0},
					}},
					{Op: op("local.get"), Index: 1},
					{Op: op("if"), Block: ir.BlockOf(ir.I32),
						Body: []ir.Instr{i32(1), {Op: op("br"), Index: 1}},
						Ext:  &ir.InstrExt{Else: []ir.Instr{{Op: op("block")}, i32(2)}}},
				}},
			}},
			{Type: 2},
		},
		Globals: []ir.Global{{Type: ir.GlobalType{Type: ir.I32, Mutable: true}, Init: []ir.Instr{i32(0)}}},
		Exports: []ir.Export{
			{Name: "main", Kind: ir.ExternFunc, Index: 1},
			{Name: "alias", Kind: ir.ExternFunc, Index: 1},
			{Name: "g", Kind: ir.ExternGlobal, Index: 0},
		},
		Names: ir.Names{
			Funcs:   ir.NameMap{0: "imp", 1: "main"},
			Locals:  map[uint32]ir.NameMap{1: {0: "x", 2: "y"}},
			Globals: ir.NameMap{1: "g"},
		},
	}
}

const printNamedBody = `    block (result i32)  ;; label = @1
      loop  ;; label = @2
        local.get $x
        br_if 0 (;@2;)
      end
      local.get 1
      if (result i32)  ;; label = @2
        i32.const 1
        br 1 (;@1;)
      else
        block  ;; label = @3
        end
        i32.const 2
      end
    end)
`

func TestPrintNames(t *testing.T) {
	printCheck(t, printNamedModule(t), wat.PrintOptions{}, `(module $mod
  (type (;0;) (func (param i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (param i64)))
  (import "env" "f" (func $imp (type 0)))
  (import "env" "g" (global (;0;) i32))
  (func $main (type 1) (param $x i32) (param i32) (result i32)
    (local $y i64) (local f32)
`+printNamedBody+`  (func (;2;) (type 2) (param i64))
  (global $g (mut i32) (i32.const 0))
  (export "main" (func $main))
  (export "alias" (func $main))
  (export "g" (global 0)))
`)
}

func TestPrintFoldedBlocks(t *testing.T) {
	printCheck(t, printNamedModule(t), wat.PrintOptions{FoldExprs: true}, `(module $mod
  (type (;0;) (func (param i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (param i64)))
  (import "env" "f" (func $imp (type 0)))
  (import "env" "g" (global (;0;) i32))
  (func $main (type 1) (param $x i32) (param i32) (result i32)
    (local $y i64) (local f32)
    (block (result i32)  ;; label = @1
      (loop  ;; label = @2
        (br_if 0 (;@2;)
          (local.get $x)))
      (if (result i32)  ;; label = @2
        (local.get 1)
        (then
          (br 1 (;@1;)
            (i32.const 1)))
        (else
          (block  ;; label = @3
          )
          (i32.const 2)))))
  (func (;2;) (type 2) (param i64))
  (global $g (mut i32) (i32.const 0))
  (export "main" (func $main))
  (export "alias" (func $main))
  (export "g" (global 0)))
`)
}

func TestPrintGenerateNames(t *testing.T) {
	printCheck(t, printNamedModule(t), wat.PrintOptions{GenerateNames: true, NoDebugNames: true}, `(module
  (type $t0 (func (param i32)))
  (type $t1 (func (param i32 i32) (result i32)))
  (type $t2 (func (param i64)))
  (import "env" "f" (func $env.f (type $t0)))
  (import "env" "g" (global $env.g i32))
  (func $main (type $t1) (param $p0 i32) (param $p1 i32) (result i32)
    (local $l2 i64) (local $l3 f32)
    block $B0 (result i32)
      loop $L1
        local.get $p0
        br_if $L1
      end
      local.get $p1
      if $I2 (result i32)
        i32.const 1
        br $B0
      else
        block $B3
        end
        i32.const 2
      end
    end)
  (func $f2 (type $t2) (param $p0 i64))
  (global $g1 (mut i32) (i32.const 0))
  (export "main" (func $main))
  (export "alias" (func $main))
  (export "g" (global $env.g)))
`)
}

func TestPrintInline(t *testing.T) {
	printCheck(t, printNamedModule(t), wat.PrintOptions{InlineExports: true, InlineImports: true}, `(module $mod
  (type (;0;) (func (param i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (param i64)))
  (func $imp (import "env" "f") (type 0) (param i32))
  (global (;0;) (export "g") (import "env" "g") i32)
  (func $main (export "main") (export "alias") (type 1) (param $x i32) (param i32) (result i32)
    (local $y i64) (local f32)
`+printNamedBody+`  (func (;2;) (type 2) (param i64))
  (global $g (mut i32) (i32.const 0)))
`)
	// An exported import stays a separate export unless imports are inline
	// too: (import "env" "g" (global (export "g") i32)) is not valid text.
	printCheck(t, printNamedModule(t), wat.PrintOptions{InlineExports: true}, `(module $mod
  (type (;0;) (func (param i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (param i64)))
  (import "env" "f" (func $imp (type 0)))
  (import "env" "g" (global (;0;) i32))
  (func $main (export "main") (export "alias") (type 1) (param $x i32) (param i32) (result i32)
    (local $y i64) (local f32)
`+printNamedBody+`  (func (;2;) (type 2) (param i64))
  (global $g (mut i32) (i32.const 0))
  (export "g" (global 0)))
`)
}

// TestPrintNameRules: duplicate debug names get ".1", ".2" as wabt's reader
// gives them; characters an identifier cannot hold become '_', before the
// duplicates are counted so that the output stays valid.
func TestPrintNameRules(t *testing.T) {
	m := &ir.Module{
		Types: ir.TypeDefs([]ir.FuncType{{}}),
		Funcs: []ir.Func{{}, {}, {}, {}},
		Names: ir.Names{Funcs: ir.NameMap{0: "a b", 1: "a b", 2: "a_b", 3: ""}},
	}
	printCheck(t, m, wat.PrintOptions{}, `(module
  (type (;0;) (func))
  (func $a_b (type 0))
  (func $a_b.1 (type 0))
  (func $a_b.2 (type 0))
  (func (;3;) (type 0)))
`)
	// A generated name steps around a debug name that looks generated.
	m.Names.Funcs = ir.NameMap{0: "f1"}
	m.Exports = []ir.Export{{Name: "", Kind: ir.ExternFunc, Index: 2}, {Name: "e x", Kind: ir.ExternFunc, Index: 3}}
	printCheck(t, m, wat.PrintOptions{GenerateNames: true}, `(module
  (type $t0 (func))
  (func $f1 (type $t0))
  (func $f1_1 (type $t0))
  (func $f2 (type $t0))
  (func $e_x (type $t0))
  (export "" (func $f2))
  (export "e x" (func $e_x)))
`)
}

func TestPrintConstants(t *testing.T) {
	for _, c := range []struct {
		op   string
		bits uint64
		want string
	}{
		{"i32.const", 0xffffffff, "i32.const -1"},
		{"i32.const", 0x80000000, "i32.const -2147483648"},
		{"i64.const", 1 << 63, "i64.const -9223372036854775808"},
		{"f32.const", 0x3f800000, "f32.const 0x1p+0 (;=1;)"},
		{"f32.const", 0xc1400000, "f32.const -0x1.8p+3 (;=-12;)"},
		{"f32.const", 0x00000000, "f32.const 0x0p+0 (;=0;)"},
		{"f32.const", 0x80000000, "f32.const -0x0p+0 (;=-0;)"},
		{"f32.const", 0x00000001, "f32.const 0x1.p-149 (;=1.4013e-45;)"},
		{"f32.const", 0x007f8000, "f32.const 0x1.fep-127 (;=1.1709e-38;)"},
		{"f32.const", 0x7f7fffff, "f32.const 0x1.fffffep+127 (;=3.40282e+38;)"},
		{"f32.const", 0x7f800000, "f32.const inf (;=inf;)"},
		{"f32.const", 0xff800000, "f32.const -inf (;=-inf;)"},
		{"f32.const", 0x7fc00000, "f32.const nan (;=nan;)"},
		{"f32.const", 0xffa00000, "f32.const -nan:0x200000 (;=-nan;)"},
		{"f64.const", 0x3fb999999999999a, "f64.const 0x1.999999999999ap-4 (;=0.1;)"},
		{"f64.const", 0x0000000000000001, "f64.const 0x1.p-1074 (;=4.94066e-324;)"},
		{"f64.const", 0x7e37e43c8800759c, "f64.const 0x1.7e43c8800759cp+996 (;=1e+300;)"},
		{"f64.const", 0x419d6f3454000000, "f64.const 0x1.d6f3454p+26 (;=1.23457e+08;)"},
		{"f64.const", 0x3f1a36e2eb1c432d, "f64.const 0x1.a36e2eb1c432dp-14 (;=0.0001;)"},
		{"f64.const", 0x7ff0000000000001, "f64.const nan:0x1 (;=nan;)"},
		{"f64.const", 0xfff8000000000000, "f64.const -nan (;=-nan;)"},
	} {
		m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Body: []ir.Instr{{Op: printOp(t, c.op), Value: c.bits}}}}}
		got := printString(t, m, wat.PrintOptions{})
		if !strings.Contains(got, "\n    "+c.want+"))\n") {
			t.Errorf("%s %#x: got\n%s\nwant %q", c.op, c.bits, got, c.want)
		}
	}
	v := ir.Instr{Op: printOp(t, "v128.const")}
	v.SetV128Bytes([16]byte{1, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x80})
	s := ir.Instr{Op: printOp(t, "i8x16.shuffle"), Value: 0x0706050403020100, Ext: &ir.InstrExt{Value2: 0x1f1e1d1c1b1a1918}}
	m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Body: []ir.Instr{v, s}}}}
	got := printString(t, m, wat.PrintOptions{})
	for _, want := range []string{
		"v128.const i32x4 0x00000001 0x00000002 0xffffffff 0x80000000\n",
		"i8x16.shuffle 0 1 2 3 4 5 6 7 24 25 26 27 28 29 30 31)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant it to contain %q", got, want)
		}
	}
}

func TestPrintSegments(t *testing.T) {
	op := func(name string) ir.Op { return printOp(t, name) }
	ref := func(f uint32) []ir.Instr { return []ir.Instr{{Op: op("ref.func"), Index: f}} }
	off := []ir.Instr{{Op: op("i32.const"), Value: 1}}
	m := &ir.Module{
		Types:    ir.TypeDefs([]ir.FuncType{{}}),
		Funcs:    []ir.Func{{}},
		Tables:   []ir.Table{{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 1}}}, {Type: ir.TableType{Elem: ir.ExternRef, Limits: ir.Limits{Min: 0, Max: 5, HasMax: true}}}},
		Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1}}}},
		Elems: []ir.Elem{
			{Mode: ir.SegmentActive, Offset: off, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0), ref(0)}},
			{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0), {{Op: op("ref.null"), Index: uint32(ir.HeapFunc)}}}},
			{Mode: ir.SegmentDeclarative, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}},
			{Mode: ir.SegmentActive, Table: 1, Offset: off, Type: ir.ExternRef, Init: [][]ir.Instr{{{Op: op("ref.null"), Index: uint32(ir.HeapExtern)}}}},
		},
		Datas: []ir.Data{
			{Mode: ir.SegmentActive, Offset: off, Init: []byte("a\x00\"\\\n\x7f\x80'~")},
			{Mode: ir.SegmentPassive, Init: []byte("p")},
		},
		Start: &ir.Start{Func: 0},
		Names: ir.Names{Funcs: ir.NameMap{0: "f"}, Elems: ir.NameMap{2: "e"}, Datas: ir.NameMap{1: "d"}},
	}
	printCheck(t, m, wat.PrintOptions{}, `(module
  (type (;0;) (func))
  (func $f (type 0))
  (table (;0;) 1 funcref)
  (table (;1;) 0 5 externref)
  (memory (;0;) 1)
  (start $f)
  (elem (;0;) (i32.const 1) func $f $f)
  (elem (;1;) funcref (ref.func $f) (ref.null func))
  (elem $e declare func $f)
  (elem (;3;) (table 1) (i32.const 1) externref (ref.null extern))
  (data (;0;) (i32.const 1) "a\00\22\5c\0a\7f\80'~")
  (data $d "p"))
`)
	// Without a table, wabt's name pass stops at the first element
	// segment: from there on segments and the start function keep indices.
	m.Tables = nil
	m.Elems = m.Elems[1:3]
	printCheck(t, m, wat.PrintOptions{}, `(module
  (type (;0;) (func))
  (func $f (type 0))
  (memory (;0;) 1)
  (start 0)
  (elem (;0;) funcref (ref.func 0) (ref.null func))
  (elem (;1;) declare func 0)
  (data (;0;) (i32.const 1) "a\00\22\5c\0a\7f\80'~")
  (data $d "p"))
`)
}

// TestPrintEveryOp writes each instruction of the opcode table, flat and
// folded: none may be missing or fail, and each line starts with the
// table's name for it.
func TestPrintEveryOp(t *testing.T) {
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		if op == ir.OpElse || op == ir.OpEnd {
			continue // structure, not instructions of the tree
		}
		in := ir.Instr{Op: op, Mem: ir.MemArg{Align: op.NaturalAlign()}, Index: uint32(ir.HeapFunc)}
		m := &ir.Module{
			Types:    ir.TypeDefs([]ir.FuncType{{}}),
			Funcs:    []ir.Func{{Body: []ir.Instr{in}}},
			Tables:   []ir.Table{{Type: ir.TableType{Elem: ir.FuncRef}}},
			Memories: []ir.Memory{{}},
			Globals:  []ir.Global{{Type: ir.GlobalType{Type: ir.I32}}},
			Elems:    []ir.Elem{{Mode: ir.SegmentPassive, Type: ir.FuncRef}},
			Datas:    []ir.Data{{Mode: ir.SegmentPassive}},
		}
		for _, fold := range []bool{false, true} {
			got := printString(t, m, wat.PrintOptions{FoldExprs: fold})
			_, body, _ := strings.Cut(got, "(func (;0;) (type 0)\n    ")
			body = strings.TrimPrefix(body, "(")
			if !strings.HasPrefix(body, info.Name) || len(body) > len(info.Name) && !strings.ContainsRune(" \n)", rune(body[len(info.Name)])) {
				t.Errorf("%s (fold %v): got\n%s", info.Name, fold, got)
			}
		}
	}
}

// TestPrintBadInput: indices out of range are written as they are, an
// opcode outside the table is an error with the instruction's position,
// nothing panics.
func TestPrintBadInput(t *testing.T) {
	op := func(name string) ir.Op { return printOp(t, name) }
	m := &ir.Module{
		Types:   ir.TypeDefs([]ir.FuncType{{}}),
		Imports: []ir.Import{{Module: "m", Name: "x", Kind: 9}},
		Funcs: []ir.Func{{Type: 7, Body: []ir.Instr{
			{Op: op("call"), Index: 99},
			{Op: op("local.get"), Index: 5},
			{Op: op("br"), Index: 3},
			{Op: op("block"), Block: ir.BlockOfIndex(42)},
			{Op: op("call_indirect"), Index: 8, Index2: 3},
			{Op: op("i32.load"), Mem: ir.MemArg{Align: 70}},
			{Op: ir.NumOps + 3, Pos: ir.PosAt(17)},
		}}},
		Exports: []ir.Export{{Name: "e", Kind: ir.ExternFunc, Index: 1000}},
		Names:   ir.Names{Funcs: ir.NameMap{1000: "far"}, Locals: map[uint32]ir.NameMap{0: {100: "l"}}},
	}
	for _, opts := range []wat.PrintOptions{{}, {FoldExprs: true, GenerateNames: true, InlineExports: true, InlineImports: true}} {
		var b bytes.Buffer
		err := wat.Print(&b, m, opts)
		var list ir.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("%+v: err = %v, want an ir.ErrorList", opts, err)
		}
		var sawOp bool
		for _, e := range list {
			if e.Pos == ir.PosAt(17) && strings.HasPrefix(e.Msg, "illegal opcode") {
				sawOp = true
			}
		}
		if !sawOp {
			t.Errorf("%+v: errors %v lack the illegal opcode at offset 17", opts, err)
		}
		out := b.String()
		for _, want := range []string{"call 99", "local.get 5", "(type 7)", "(type 42)", "call_indirect 3 (type 8)", "align=64"} {
			if !strings.Contains(out, want) {
				t.Errorf("%+v: output lacks %q:\n%s", opts, want, out)
			}
		}
		if !opts.FoldExprs && !strings.Contains(out, "br 3 (; INVALID ;)") {
			t.Errorf("output lacks the invalid branch:\n%s", out)
		}
	}
	if err := wat.Print(&bytes.Buffer{}, nil, wat.PrintOptions{}); err == nil {
		t.Error("Print(nil module) succeeded")
	}
}

type printFailingWriter struct{}

func (printFailingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestPrintWriteError(t *testing.T) {
	err := wat.Print(printFailingWriter{}, printThreadsModule(t), wat.PrintOptions{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the writer's error", err)
	}
}

// TestPrintLongData writes a data segment larger than the printer's buffer:
// every byte value, escaped exactly as wabt does, in order.
func TestPrintLongData(t *testing.T) {
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	m := &ir.Module{Datas: []ir.Data{{Mode: ir.SegmentPassive, Init: data}}}
	var want strings.Builder
	want.WriteString("(module\n  (data (;0;) \"")
	for _, c := range data {
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			want.WriteByte(c)
		} else {
			fmt.Fprintf(&want, "\\%02x", c)
		}
	}
	want.WriteString("\"))\n")
	// A caller's bufio.Writer is flushed.
	var b bytes.Buffer
	bw := bufio.NewWriterSize(&b, 16)
	if err := wat.Print(bw, m, wat.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != want.String() {
		t.Errorf("long data printed wrong: got %d bytes, want %d", len(got), want.Len())
	}
}
