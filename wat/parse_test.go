package wat

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/watt-wasm/watt/ir"
)

var parseThreadsOn = ir.Wasm2Features().With(ir.FeatureThreads, true)

// parseIgnorePos compares IR without positions.
var parseIgnorePos = cmpopts.IgnoreTypes(ir.Pos(0))

func parseMust(t *testing.T, src string) *ir.Module {
	t.Helper()
	m, err := ParseModule(ir.NewSource("test.wat", []byte(src), false), parseThreadsOn)
	if err != nil {
		t.Fatalf("ParseModule(%q): %v", src, err)
	}
	return m
}

// parseError returns the single *ir.Error of parsing src.
func parseMustFail(t *testing.T, src string, features ir.Features) *ir.Error {
	t.Helper()
	_, err := ParseModule(ir.NewSource("test.wat", []byte(src), false), features)
	if err == nil {
		t.Fatalf("ParseModule(%q) succeeded, want an error", src)
	}
	var e *ir.Error
	if !errors.As(err, &e) {
		t.Fatalf("ParseModule(%q): error %T is not an *ir.Error", src, err)
	}
	if e.Kind != ir.Malformed {
		t.Errorf("ParseModule(%q): kind %v, want malformed", src, e.Kind)
	}
	return e
}

func TestFoldedEqualsFlat(t *testing.T) {
	pairs := []struct{ folded, flat string }{
		{`(func (result i32) (i32.add (i32.const 1) (i32.const 2)))`,
			`(func (result i32) i32.const 1 i32.const 2 i32.add)`},
		{`(func (block $b (br_if $b (i32.const 1))))`,
			`(func block $b i32.const 1 br_if $b end)`},
		{`(func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3))))`,
			`(func (result i32) i32.const 1 if (result i32) i32.const 2 else i32.const 3 end)`},
		{`(func (loop $l (br $l)))`, `(func loop $l br $l end $l)`},
		{`(func (if $x (i32.const 0) (then (br $x))))`, `(func i32.const 0 if $x br $x end)`},
		{`(memory 1) (func (i32.store offset=4 (i32.const 0) (i32.load align=2 (i32.const 8))))`,
			`(memory 1) (func i32.const 0 i32.const 8 i32.load align=2 i32.store offset=4)`},
		{`(func (param i32) (drop (select (local.get 0) (i32.const 1) (i32.const 2))))`,
			`(func (param i32) local.get 0 i32.const 1 i32.const 2 select drop)`},
	}
	for _, p := range pairs {
		a, b := parseMust(t, p.folded), parseMust(t, p.flat)
		if diff := cmp.Diff(a, b, parseIgnorePos); diff != "" {
			t.Errorf("%s\nvs %s\n(-folded +flat):\n%s", p.folded, p.flat, diff)
		}
	}
}

func TestParseInstrImmediates(t *testing.T) {
	m := parseMust(t, `(module
	  (memory 1 1 shared)
	  (table $t 2 funcref)
	  (func $f (param $p i32) (result i32)
	    (block $outer (result i32)
	      (block $inner
	        (br_table $inner $outer 0 (local.get $p)))
	      (i32.const -1))
	    (i64.atomic.rmw32.cmpxchg_u offset=8 (i32.const 0) (i64.const 1) (i64.const 2))
	    drop
	    (call_indirect $t (type 0) (i32.const 5) (i32.const 0))
	    drop
	    (v128.const i16x8 1 -1 2 3 4 5 6 0x7fff)
	    (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31)
	    drop
	    drop
	    (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))
	    (atomic.fence)
	  ))`)
	body := m.Funcs[0].Body
	outer := body[0]
	if outer.Op != ir.OpBlock || outer.Block != (ir.BlockOf(ir.I32)) {
		t.Fatalf("outer block = %+v", outer)
	}
	bt := outer.Body[0].Body[1]
	if bt.Op != ir.OpBrTable || !cmp.Equal(bt.BrLabels(), []uint32{0, 1}) || bt.Index != 0 {
		t.Errorf("br_table = labels %v default %d", bt.BrLabels(), bt.Index)
	}
	cx := parseFindOp(body, ir.OpI64AtomicRmw32CmpxchgU)
	if cx.Op != ir.OpI64AtomicRmw32CmpxchgU || cx.Mem != (ir.MemArg{Align: 2, Offset: 8}) {
		t.Errorf("cmpxchg = %v %+v", cx.Op, cx.Mem)
	}
	ci := parseFindOp(body, ir.OpCallIndirect)
	if ci.Op != ir.OpCallIndirect || ci.Index != 0 || ci.Index2 != 0 {
		t.Errorf("call_indirect = %+v", ci)
	}
	v := parseFindOp(body, ir.OpV128Const)
	if v.Op != ir.OpV128Const || v.V128Bytes() != [16]byte{1, 0, 0xff, 0xff, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 0xff, 0x7f} {
		t.Errorf("v128.const = %x", v.V128Bytes())
	}
	sh := parseFindOp(body, ir.OpI8x16Shuffle)
	if sh.Op != ir.OpI8x16Shuffle || sh.V128Bytes()[15] != 31 {
		t.Errorf("shuffle = %x", sh.V128Bytes())
	}
	w := parseFindOp(body, ir.OpMemoryAtomicWait32)
	if w.Op != ir.OpMemoryAtomicWait32 || w.Mem.Align != 2 || body[len(body)-1].Op != ir.OpAtomicFence {
		t.Errorf("wait/fence = %v %+v %v", w.Op, w.Mem, body[len(body)-1].Op)
	}
}

// findOp returns the first instruction of body (not nested) with op.
func parseFindOp(body []ir.Instr, op ir.Op) ir.Instr {
	for _, in := range body {
		if in.Op == op {
			return in
		}
	}
	return ir.Instr{}
}

func TestParseV128Shapes(t *testing.T) {
	tests := []struct {
		lanes string
		want  [16]byte
	}{
		{"i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 -1 255", [16]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xff, 0xff}},
		{"i32x4 1 0x80000000 -1 0", [16]byte{1, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff}},
		{"i64x2 -2 0x0102030405060708", [16]byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 8, 7, 6, 5, 4, 3, 2, 1}},
		{"f32x4 1 -0 inf nan", [16]byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x80, 0, 0, 0x80, 0x7f, 0, 0, 0xc0, 0x7f}},
		{"f64x2 1.5 -inf", [16]byte{0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0, 0, 0, 0, 0, 0, 0xf0, 0xff}},
	}
	for _, tt := range tests {
		m := parseMust(t, "(func (result v128) (v128.const "+tt.lanes+"))")
		if got := m.Funcs[0].Body[0].V128Bytes(); got != tt.want {
			t.Errorf("v128.const %s = %x, want %x", tt.lanes, got, tt.want)
		}
	}
	for _, bad := range []string{"i32x4 1 2 3", "i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "i32x2 1 2", "f32x4 1 2 3 x"} {
		parseMustFail(t, "(func (result v128) (v128.const "+bad+"))", parseThreadsOn)
	}
}

func TestParseAbbreviations(t *testing.T) {
	m := parseMust(t, `(module $mod
	  (import "env" "g" (global $g (mut i32)))
	  (func $imp (import "env" "f") (param i32))
	  (func $f (export "f") (export "f2") (param $x i32) (result i32) (local.get $x))
	  (table $t (export "t") funcref (elem $f $imp))
	  (memory $m (export "m") (data "ab" "c"))
	  (global $h (export "h") i32 (global.get $g))
	  (start $f2)
	  (func $f2)
	)`)
	want := &ir.Module{
		Name:  "mod",
		Types: ir.TypeDefs([]ir.FuncType{{Params: []ir.ValType{ir.I32}}, {Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}}, {}}),
		Imports: []ir.Import{
			{Module: "env", Name: "g", Kind: ir.ExternGlobal, Global: ir.GlobalType{Type: ir.I32, Mutable: true}},
			{Module: "env", Name: "f", Kind: ir.ExternFunc, Func: 0},
		},
		Funcs: []ir.Func{
			{Type: 1, Body: []ir.Instr{{Op: ir.OpLocalGet}}},
			{Type: 2},
		},
		Tables:   []ir.Table{{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 2, Max: 2, HasMax: true}}}},
		Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}}}},
		Globals:  []ir.Global{{Type: ir.GlobalType{Type: ir.I32}, Init: []ir.Instr{{Op: ir.OpGlobalGet}}}},
		Exports: []ir.Export{
			{Name: "f", Kind: ir.ExternFunc, Index: 1},
			{Name: "f2", Kind: ir.ExternFunc, Index: 1},
			{Name: "t", Kind: ir.ExternTable},
			{Name: "m", Kind: ir.ExternMemory},
			{Name: "h", Kind: ir.ExternGlobal, Index: 1},
		},
		Start: &ir.Start{Func: 2},
		Elems: []ir.Elem{{Mode: ir.SegmentActive, Offset: []ir.Instr{{Op: ir.OpI32Const}}, Type: ir.FuncRef,
			Init: [][]ir.Instr{{{Op: ir.OpRefFunc, Index: 1}}, {{Op: ir.OpRefFunc, Index: 0}}}}},
		Datas: []ir.Data{{Mode: ir.SegmentActive, Offset: []ir.Instr{{Op: ir.OpI32Const}}, Init: []byte("abc")}},
		Names: ir.Names{
			Funcs:    ir.NameMap{0: "imp", 1: "f", 2: "f2"},
			Locals:   map[uint32]ir.NameMap{1: {0: "x"}},
			Tables:   ir.NameMap{0: "t"},
			Memories: ir.NameMap{0: "m"},
			Globals:  ir.NameMap{0: "g", 1: "h"},
		},
	}
	if diff := cmp.Diff(want, m, parseIgnorePos); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseSegments(t *testing.T) {
	m := parseMust(t, `(module
	  (table $t 10 funcref) (table $u 10 externref)
	  (memory $m 1)
	  (func $f)
	  (elem (i32.const 0) $f 0)
	  (elem $p func $f)
	  (elem $d declare func 0)
	  (elem (table $t) (offset (i32.const 1)) funcref (ref.func $f) (item ref.null func) (item (ref.func 0)))
	  (elem (table $u) (i32.const 2) externref (ref.null extern))
	  (elem 0 (i32.const 3) func $f)
	  (elem funcref (ref.null func))
	  (data (i32.const 8) "\01\02")
	  (data $pd "passive")
	  (data (memory $m) (offset i32.const 16) "x")
	  (data 0 (i32.const 32))
	)`)
	ref := func(i uint32) []ir.Instr { return []ir.Instr{{Op: ir.OpRefFunc, Index: i}} }
	nullf := []ir.Instr{{Op: ir.OpRefNull, Index: uint32(ir.HeapFunc)}}
	i32 := func(v uint64) []ir.Instr { return []ir.Instr{{Op: ir.OpI32Const, Value: v}} }
	wantElems := []ir.Elem{
		{Mode: ir.SegmentActive, Offset: i32(0), Type: ir.FuncRef, Init: [][]ir.Instr{ref(0), ref(0)}},
		{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}},
		{Mode: ir.SegmentDeclarative, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}},
		{Mode: ir.SegmentActive, Offset: i32(1), Type: ir.FuncRef, Init: [][]ir.Instr{ref(0), nullf, ref(0)}},
		{Mode: ir.SegmentActive, Table: 1, Offset: i32(2), Type: ir.ExternRef, Init: [][]ir.Instr{{{Op: ir.OpRefNull, Index: uint32(ir.HeapExtern)}}}},
		{Mode: ir.SegmentActive, Offset: i32(3), Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}},
		{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{nullf}},
	}
	if diff := cmp.Diff(wantElems, m.Elems, parseIgnorePos); diff != "" {
		t.Errorf("elems (-want +got):\n%s", diff)
	}
	wantDatas := []ir.Data{
		{Mode: ir.SegmentActive, Offset: i32(8), Init: []byte{1, 2}},
		{Mode: ir.SegmentPassive, Init: []byte("passive")},
		{Mode: ir.SegmentActive, Offset: i32(16), Init: []byte("x")},
		{Mode: ir.SegmentActive, Offset: i32(32)},
	}
	if diff := cmp.Diff(wantDatas, m.Datas, parseIgnorePos); diff != "" {
		t.Errorf("datas (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ir.NameMap{1: "p", 2: "d"}, m.Names.Elems); diff != "" {
		t.Errorf("elem names: %s", diff)
	}
}

func TestParseMemoryForms(t *testing.T) {
	tests := []struct {
		src  string
		want ir.MemoryType
	}{
		{"(memory 1)", ir.MemoryType{Limits: ir.Limits{Min: 1}}},
		{"(memory 1 2 shared)", ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}, Shared: true}},
		{"(memory i32 1)", ir.MemoryType{Limits: ir.Limits{Min: 1}}},
		{"(memory 0x10 65536)", ir.MemoryType{Limits: ir.Limits{Min: 16, Max: 65536, HasMax: true}}},
		{"(memory (data))", ir.MemoryType{Limits: ir.Limits{HasMax: true}}},
		{"(memory (data \"a\"))", ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	for _, tt := range tests {
		m := parseMust(t, tt.src)
		if diff := cmp.Diff(tt.want, m.Memories[0].Type); diff != "" {
			t.Errorf("%s: %s", tt.src, diff)
		}
	}
	on := parseThreadsOn.With(ir.FeatureMemory64, true)
	m, err := ParseModule(ir.NewSource("t.wat", []byte("(memory i64 1) (memory i64 (data \"x\"))"), false), on)
	if err != nil || !m.Memories[0].Type.Is64 || !m.Memories[1].Type.Is64 || m.Datas[0].Offset[0].Op != ir.OpI64Const {
		t.Errorf("memory i64: %v %+v", err, m)
	}
	parseMustFail(t, "(memory i64 1)", parseThreadsOn)
}

func TestParseLegacyNames(t *testing.T) {
	legacy := parseMust(t, `(memory 1 1 shared) (global $g (mut i32) (i32.const 0))
	  (func (param i32) (local i32)
	    get_local 0 set_local 1 get_local 1 tee_local 0 drop
	    get_global $g set_global $g
	    current_memory grow_memory drop
	    (drop (i32.atomic.wait (i32.const 0) (i32.const 0) (i64.const 0)))
	    (drop (i64.atomic.wait (i32.const 0) (i64.const 0) (i64.const 0)))
	    (drop (atomic.notify (i32.const 0) (i32.const 1))))`)
	modern := parseMust(t, `(memory 1 1 shared) (global $g (mut i32) (i32.const 0))
	  (func (param i32) (local i32)
	    local.get 0 local.set 1 local.get 1 local.tee 0 drop
	    global.get $g global.set $g
	    memory.size memory.grow drop
	    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0)))
	    (drop (memory.atomic.wait64 (i32.const 0) (i64.const 0) (i64.const 0)))
	    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))`)
	if diff := cmp.Diff(modern, legacy, parseIgnorePos); diff != "" {
		t.Errorf("(-modern +legacy):\n%s", diff)
	}
}

func TestParseFeatureGating(t *testing.T) {
	noThreads := ir.Wasm2Features()
	tests := []struct{ src, msg string }{
		{"(memory 1 1 shared)", "shared memory requires --enable-threads"},
		{"(import \"a\" \"b\" (memory 1 1 shared))", "shared memory requires --enable-threads"},
		{"(memory 1) (func (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0))))",
			"memory.atomic.wait32: instruction requires --enable-threads"},
		{"(memory 1) (func (drop (i32.atomic.wait (i32.const 0) (i32.const 0) (i64.const 0))))",
			"i32.atomic.wait: instruction requires --enable-threads"},
		{"(func atomic.fence)", "atomic.fence: instruction requires --enable-threads"},
		{"(func (return_call 0))", "return_call: instruction requires --enable-tail-call"},
	}
	for _, tt := range tests {
		e := parseMustFail(t, tt.src, noThreads)
		if !strings.HasPrefix(e.Msg, tt.msg) {
			t.Errorf("%s: %q, want prefix %q", tt.src, e.Msg, tt.msg)
		}
	}
	noSIMD := ir.Wasm2Features().With(ir.FeatureSIMD, false)
	if e := parseMustFail(t, "(func (param v128))", noSIMD); !strings.Contains(e.Msg, "--enable-simd") {
		t.Errorf("v128 without simd: %q", e.Msg)
	}
	if e := parseMustFail(t, "(func (drop (i32x4.splat (i32.const 0))))", noSIMD); !strings.Contains(e.Msg, "--enable-simd") {
		t.Errorf("simd instruction without simd: %q", e.Msg)
	}
}

func TestParseNames(t *testing.T) {
	m := parseMust(t, `(module $M
	  (type $sig (func (param i32)))
	  (import "a" "f" (func $imported (type $sig)))
	  (import "a" "p" (func $withParams (param $q i32) (param i32) (param $r i64)))
	  (func $first (param $a i32) (param i64) (param $c f32) (local $l i32) (local f64 f64) (local $z i64))
	  (func (type $sig))
	  (table $tab 1 funcref) (memory $mem 1) (global $glob i32 (i32.const 0))
	  (elem $e func) (data $d ""))`)
	want := ir.Names{
		Funcs:    ir.NameMap{0: "imported", 1: "withParams", 2: "first"},
		Locals:   map[uint32]ir.NameMap{1: {0: "q", 2: "r"}, 2: {0: "a", 2: "c", 3: "l", 6: "z"}},
		Types:    ir.NameMap{0: "sig"},
		Tables:   ir.NameMap{0: "tab"},
		Memories: ir.NameMap{0: "mem"},
		Globals:  ir.NameMap{0: "glob"},
		Elems:    ir.NameMap{0: "e"},
		Datas:    ir.NameMap{0: "d"},
	}
	if m.Name != "M" {
		t.Errorf("module name %q", m.Name)
	}
	if diff := cmp.Diff(want, m.Names); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := m.Funcs[0].Locals; !cmp.Equal(got, []ir.LocalRun{{Count: 1, Type: ir.I32}, {Count: 2, Type: ir.F64}, {Count: 1, Type: ir.I64}}) {
		t.Errorf("locals %v", got)
	}
}

// TestImplicitTypes checks wabt's order: explicit types keep their indices,
// inline signatures reuse the first identical type, else are appended in
// order of appearance (functions, imports, call_indirect, block types).
func TestImplicitTypes(t *testing.T) {
	m := parseMust(t, `(module
	  (import "m" "f" (func (param f32)))
	  (func $a (param i32) (result i32) (local.get 0))
	  (type $t (func (param i32) (result i32)))
	  (func $b (result i64)
	    (block (param) (result i32 i32) (i32.const 1) (i32.const 2)) drop drop
	    (block (result i64) (i64.const 0)))
	  (func $c (call_indirect (param f32) (i32.const 0) (i32.const 0)) (call_indirect (i32.const 0)))
	  (table 1 funcref)
	  (func $d (type $t) (param i32) (result i32) (local.get 0))
	  (type $u (func)))`)
	want := []ir.FuncType{
		{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}}, // $t
		{},                                      // $u
		{Params: []ir.ValType{ir.F32}},          // import
		{Results: []ir.ValType{ir.I64}},         // $b
		{Results: []ir.ValType{ir.I32, ir.I32}}, // $b's first block
	}
	if diff := cmp.Diff(ir.TypeDefs(want), m.Types, parseIgnorePos); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	types := []uint32{m.Funcs[0].Type, m.Imports[0].Func, m.Funcs[1].Type, m.Funcs[2].Type, m.Funcs[3].Type}
	if !cmp.Equal(types, []uint32{0, 2, 3, 1, 0}) {
		t.Errorf("type indices %v", types)
	}
	b := m.Funcs[1].Body
	if b[0].Block != (ir.BlockOfIndex(4)) || b[3].Block != (ir.BlockOf(ir.I64)) {
		t.Errorf("block types %+v %+v", b[0].Block, b[3].Block)
	}
	c := m.Funcs[2].Body
	if c[2].Index != 2 || c[4].Index != 1 {
		t.Errorf("call_indirect types %d %d", c[2].Index, c[4].Index)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src  string
		msg  string
		line int
		col  int
	}{
		{"(func (i32.add))(func (foo))", "unknown operator foo", 1, 24},
		{"(func\n  (br $nope))", "unknown label $nope", 2, 7},
		{"(func (call $g))", "unknown function $g", 1, 13},
		{"(func (local.get $x))", "unknown local $x", 1, 18},
		{"(func (type $t))", "unknown type $t", 1, 13},
		{"(func (i32.const 0x1_0000_0000))", "constant out of range", 1, 18},
		{"(func (i32.const 0xg))", "unknown operator", 1, 18},
		{"(func (f32.const 1e40))", "constant out of range", 1, 18},
		{"(func block $a end $b)", "mismatching label", 1, 20},
		{"(func $f) (func $f)", "duplicate func $f", 1, 17},
		{"(func (param $x i32) (local $x i32))", "duplicate local $x", 1, 29},
		{"(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))", "duplicate global $g", 1, 39},
		{"(memory 1) (func (drop (i32.load align=3 (i32.const 0))))", "alignment must be a power of two", 1, 34},
		{"(memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0))))", "i32 constant out of range", 1, 34},
		{"(memory 0x1_0000_0000)", "i32 constant out of range", 1, 9},
		{"(type $t (func)) (func (type $t) (param i32))", "inline function type", 1, 30},
		{"(func) (import \"a\" \"b\" (func))", "import after function", 1, 16},
		{"(func (i32.const 0)", "unexpected end of input", 1, 1},
		{"(func (block (nop)", "unexpected end of input", 1, 1},
		{"(module (func) junk)", "unexpected token junk", 1, 16},
		{"(func (nop)) )", "unexpected token )", 1, 14},
		{"(export \"\xff\" (func 0))", "malformed UTF-8 encoding", 1, 10},
		{"(export \"\\ff\" (func 0))", "malformed UTF-8 encoding", 1, 9},
		{"(func) (start 0) (start 0)", "multiple start sections", 1, 18},
		{"(frob)", "unknown operator frob", 1, 2},
		{"(func (data.drop $nothing))", "unknown data segment $nothing", 1, 18},
		{"(func (v128.const i32x4 0 0 0))", "wrong number of lane literals", 1, 25},
		{"(func (i8x16.extract_lane_s 256 (v128.const i32x4 0 0 0 0)) drop)", "malformed lane index", 1, 29},
		{"(func \"str)", "unexpected end of input in string", 1, 12},
		{"(func (; unclosed", "unclosed comment", 1, 7},
	}
	for _, tt := range tests {
		e := parseMustFail(t, tt.src, parseThreadsOn)
		p := e.Position()
		if !strings.HasPrefix(e.Msg, tt.msg) || p.Line != tt.line || p.Column != tt.col {
			t.Errorf("%q:\n got %d:%d %q\nwant %d:%d %q", tt.src, p.Line, p.Column, e.Msg, tt.line, tt.col, tt.msg)
		}
	}
}

func TestParseModuleForms(t *testing.T) {
	a := parseMust(t, "(module (func))")
	b := parseMust(t, "(func)")
	c := parseMust(t, ";; comment\n(module (; c ;) (func) ;; x\n)\n")
	if diff := cmp.Diff(a, b, parseIgnorePos); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(a, c, parseIgnorePos); diff != "" {
		t.Error(diff)
	}
	parseMust(t, "")
	parseMust(t, "(module)")
	parseMustFail(t, "(module) (module)", parseThreadsOn)
	parseMustFail(t, "(module binary \"\")", parseThreadsOn)
}

func TestLabelShadowing(t *testing.T) {
	m := parseMust(t, `(func
	  (block $a (block $b (block $a (br $a) (br $b)) (br $a)) (br $a))
	  (loop $a (if $a (i32.const 0) (then (br $a)) (else (br 1)))))`)
	outer := m.Funcs[0].Body[0]
	mid := outer.Body[0]
	inner := mid.Body[0]
	got := []uint32{inner.Body[0].Index, inner.Body[1].Index, mid.Body[1].Index, outer.Body[1].Index}
	if !cmp.Equal(got, []uint32{0, 1, 1, 0}) {
		t.Errorf("br depths %v, want [0 1 1 0]", got)
	}
	// The if's condition is outside its label, its branches inside.
	loop := m.Funcs[0].Body[1]
	iff := loop.Body[1]
	if iff.Op != ir.OpIf || iff.Body[0].Index != 0 || iff.ElseBody()[0].Index != 1 {
		t.Errorf("if = %+v", iff)
	}
	parseMustFail(t, "(func (block $a) (br $a))", parseThreadsOn)
}

// TestOpTableIndex checks the parser's op index against ir.LookupOp for
// every name and alias in the table.
func TestOpTableIndex(t *testing.T) {
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		for _, name := range append([]string{info.Name}, info.Aliases...) {
			want, _ := ir.LookupOp(name)
			if got, ok := parseLookupOp([]byte(name)); !ok || got != want {
				t.Errorf("%s: got %v %v, want %v", name, got, ok, want)
			}
		}
	}
	for _, bad := range []string{"", "i32.ad", "i32.addd", "get_locals", "module"} {
		if op, ok := parseLookupOp([]byte(bad)); ok {
			t.Errorf("%q found as %v", bad, op)
		}
	}
}

func TestV128ConstFlat(t *testing.T) {
	// In flat code the lanes end at the next instruction's keyword.
	m := parseMust(t, "(func (result v128) v128.const f32x4 1 inf nan -nan:0x1 v128.const i32x4 1 2 3 4 i32x4.add)")
	if body := m.Funcs[0].Body; len(body) != 3 || body[2].Op != ir.OpI32x4Add {
		t.Errorf("body %v", body)
	}
}

func TestMemArgMemoryIndex(t *testing.T) {
	src := "(memory 1) (memory $m 1) (func (drop (i32.load $m offset=4 (i32.const 0))) (drop (v128.load8_lane 1 offset=2 3 (i32.const 0) (v128.const i64x2 0 0))))"
	parseMustFail(t, src, parseThreadsOn)
	m, err := ParseModule(ir.NewSource("t.wat", []byte(src), false), parseThreadsOn.With(ir.FeatureMultiMemory, true))
	if err != nil {
		t.Fatal(err)
	}
	body := m.Funcs[0].Body
	if l := body[1]; l.Mem != (ir.MemArg{Align: 2, Offset: 4, Memory: 1}) {
		t.Errorf("i32.load memarg %+v", l.Mem)
	}
	if l := body[5]; l.Mem != (ir.MemArg{Offset: 2, Memory: 1}) || l.Lane != 3 {
		t.Errorf("v128.load8_lane memarg %+v lane %d", l.Mem, l.Lane)
	}
}
