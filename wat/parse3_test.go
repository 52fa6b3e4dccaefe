package wat

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/watt-wasm/watt/ir"
)

// parse3Features are the WebAssembly 3.0 features with legacy exceptions,
// as the core suite is written.
var parse3Features = ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true).With(ir.FeatureLegacyNames, false)

func parse3(t *testing.T, src string) *ir.Module {
	t.Helper()
	m, err := ParseModule(ir.NewSource("test.wat", []byte(src), false), parse3Features)
	if err != nil {
		t.Fatalf("ParseModule(%q): %v", src, err)
	}
	return m
}

func ref(null bool, h ir.HeapType) ir.ValType { return ir.Ref(null, h) }

// TestParse3Types checks type definitions, recursion groups, field names,
// forward references and the implicit type rule of WebAssembly 3.0.
func TestParse3Types(t *testing.T) {
	m := parse3(t, `
	  (type $a (struct (field $x (mut i32)) (field i64 f32) (field $r (ref null $b))))
	  (rec
	    (type $b (sub (array (mut i8))))
	    (type $c (sub final $b (array (mut i8)))))
	  (type $f (func (param i32)))
	  (rec (type $g (func)) (type $h (func (param f32))))
	  (type $o (sub (func (param i64))))
	  (func (param i32))
	  (func (param f32))
	  (func (param i64))
	  (func (result (ref $a)) (unreachable))`)
	want := []ir.TypeDef{
		{Kind: ir.CompStruct, Fields: []ir.FieldType{{Type: ir.I32, Mutable: true}, {Type: ir.I64}, {Type: ir.F32}, {Type: ref(true, ir.HeapIndex(1))}}},
		{Kind: ir.CompArray, Fields: []ir.FieldType{{Type: ir.I8, Mutable: true}}, Open: true},
		{Kind: ir.CompArray, Fields: []ir.FieldType{{Type: ir.I8, Mutable: true}}, Supers: []uint32{1}},
		ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{ir.I32}}),
		ir.FuncTypeDef(ir.FuncType{}),
		ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{ir.F32}}),
		{Kind: ir.CompFunc, FuncType: ir.FuncType{Params: []ir.ValType{ir.I64}}, Open: true},
		// Implicit types: (param f32) is in a group of two, (param i64)
		// is not final: neither is reused.
		ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{ir.F32}}),
		ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{ir.I64}}),
		ir.FuncTypeDef(ir.FuncType{Results: []ir.ValType{ref(false, ir.HeapIndex(0))}}),
	}
	if diff := cmp.Diff(want, m.Types, parseIgnorePos, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	if got := []uint32{m.Funcs[0].Type, m.Funcs[1].Type, m.Funcs[2].Type, m.Funcs[3].Type}; !cmp.Equal(got, []uint32{3, 7, 8, 9}) {
		t.Errorf("function types %v, want [3 7 8 9]", got)
	}
	if diff := cmp.Diff([]ir.RecGroup{{Start: 1, Count: 2}, {Start: 4, Count: 2}}, m.Rec, parseIgnorePos); diff != "" {
		t.Errorf("rec groups (-want +got):\n%s", diff)
	}
	wantFields := map[uint32]ir.NameMap{0: {0: "x", 3: "r"}}
	if diff := cmp.Diff(wantFields, m.Names.Fields); diff != "" {
		t.Errorf("field names (-want +got):\n%s", diff)
	}
	if m.Names.Types[2] != "c" || m.Names.Types[5] != "h" {
		t.Errorf("type names %v", m.Names.Types)
	}
}

// TestParse3Instrs checks the immediates of the new instructions.
func TestParse3Instrs(t *testing.T) {
	m := parse3(t, `
	  (type $s (struct (field $x i32) (field $y (mut i64))))
	  (type $arr (array (mut i32)))
	  (type $ft (func (param i32) (result i32)))
	  (memory 1) (memory $m 1)
	  (data $d "") (elem $e func)
	  (tag $t (param i32))
	  (func $f (param $p (ref null $s)) (result i32)
	    (drop (struct.get $s $y (local.get $p)))
	    (struct.set $s 1 (local.get $p) (i64.const 0))
	    (drop (ref.test (ref null $s) (local.get $p)))
	    (drop (ref.test (ref $s) (local.get $p)))
	    (drop (ref.cast (ref null 0) (local.get $p)))
	    (drop (array.new_fixed $arr 3 (i32.const 1) (i32.const 2) (i32.const 3)))
	    (drop (array.new_data $arr $d (i32.const 0) (i32.const 0)))
	    (drop (array.new_elem $arr $e (i32.const 0) (i32.const 0)))
	    (array.copy $arr $arr (ref.null $arr) (i32.const 0) (ref.null none) (i32.const 0) (i32.const 0))
	    (drop (block $l (result anyref) (br_on_cast $l anyref (ref i31) (ref.null any)) (drop) (ref.null any)))
	    (drop (call_ref $ft (i32.const 0) (ref.func $g)))
	    (drop (i32.load $m offset=4 (i32.const 0)))
	    (drop (select (result (ref null $s)) (local.get $p) (local.get $p) (i32.const 0)))
	    (throw $t (i32.const 1)))
	  (func $g (param i32) (result i32) (local.get 0))`)
	body := m.Funcs[0].Body
	find := func(op ir.Op, n int) *ir.Instr {
		var walk func([]ir.Instr) *ir.Instr
		walk = func(b []ir.Instr) *ir.Instr {
			for i := range b {
				if b[i].Op == op {
					if n == 0 {
						return &b[i]
					}
					n--
				}
				if in := walk(b[i].Body); in != nil {
					return in
				}
			}
			return nil
		}
		in := walk(body)
		if in == nil {
			t.Fatalf("no %s", op)
		}
		return in
	}
	check := func(what string, got, want any) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}
	check("struct.get", [2]uint32{find(ir.OpStructGet, 0).Index, find(ir.OpStructGet, 0).Index2}, [2]uint32{0, 1})
	check("struct.set", [2]uint32{find(ir.OpStructSet, 0).Index, find(ir.OpStructSet, 0).Index2}, [2]uint32{0, 1})
	check("ref.test null", find(ir.OpRefTestNull, 0).RefType(), ref(true, ir.HeapIndex(0)))
	check("ref.test", find(ir.OpRefTest, 0).RefType(), ref(false, ir.HeapIndex(0)))
	check("ref.cast null", find(ir.OpRefCastNull, 0).RefType(), ref(true, ir.HeapIndex(0)))
	check("array.new_fixed", [2]uint32{find(ir.OpArrayNewFixed, 0).Index, find(ir.OpArrayNewFixed, 0).Index2}, [2]uint32{1, 3})
	check("array.new_data", [2]uint32{find(ir.OpArrayNewData, 0).Index, find(ir.OpArrayNewData, 0).Index2}, [2]uint32{1, 0})
	check("array.new_elem", [2]uint32{find(ir.OpArrayNewElem, 0).Index, find(ir.OpArrayNewElem, 0).Index2}, [2]uint32{1, 0})
	check("array.copy", [2]uint32{find(ir.OpArrayCopy, 0).Index, find(ir.OpArrayCopy, 0).Index2}, [2]uint32{1, 1})
	check("ref.null $arr", find(ir.OpRefNull, 0).HeapType(), ir.HeapIndex(1))
	check("ref.null none", find(ir.OpRefNull, 1).HeapType(), ir.HeapNone)
	bc := find(ir.OpBrOnCast, 0)
	from, to := bc.CastTypes()
	check("br_on_cast", []any{bc.Index, from, to}, []any{uint32(0), ir.AnyRef, ref(false, ir.HeapI31)})
	check("call_ref", find(ir.OpCallRef, 0).Index, uint32(2))
	check("i32.load memarg", find(ir.OpI32Load, 0).Mem, ir.MemArg{Offset: 4, Align: 2, Memory: 1})
	check("select types", find(ir.OpSelectTyped, 0).SelectTypes(), []ir.ValType{ref(true, ir.HeapIndex(0))})
	check("throw", find(ir.OpThrow, 0).Index, uint32(0))
}

// TestParse3Exceptions checks try_table's catch clauses and the legacy
// try's arms, with the spec's label scopes.
func TestParse3Exceptions(t *testing.T) {
	folded := parse3(t, `(tag $e) (tag $e2 (param i32))
	  (func (result i32)
	    (block $out (result i32)
	      (try_table $tt (result i32) (catch $e2 $out) (catch_all_ref 1)
	        (br $tt (i32.const 1))))
	    (block $b (try $t (do (nop)) (catch $e (rethrow $t)) (catch_all (br $b))))
	    (block $b2 (try (do (nop)) (delegate $b2))))`)
	flat := parse3(t, `(tag $e) (tag $e2 (param i32))
	  (func (result i32)
	    block $out (result i32)
	      try_table $tt (result i32) (catch $e2 $out) (catch_all_ref 1)
	        i32.const 1
	        br $tt
	      end
	    end
	    block $b try $t nop catch $e rethrow $t catch_all br $b end end
	    block $b2 try nop delegate $b2 end)`)
	if diff := cmp.Diff(folded.Funcs, flat.Funcs, parseIgnorePos); diff != "" {
		t.Errorf("folded and flat differ (-folded +flat):\n%s", diff)
	}
	body := folded.Funcs[0].Body
	tt := body[0].Body[0]
	if diff := cmp.Diff([]ir.CatchClause{{Kind: ir.Catch, Tag: 1, Label: 0}, {Kind: ir.CatchAllRef, Label: 1}}, tt.Catches()); diff != "" {
		t.Errorf("catches (-want +got):\n%s", diff)
	}
	if tt.Body[1].Op != ir.OpBr || tt.Body[1].Index != 0 {
		t.Errorf("br $tt = %v %d, want depth 0", tt.Body[1].Op, tt.Body[1].Index)
	}
	try := body[1].Body[0]
	hs := try.Handlers()
	if len(hs) != 2 || hs[0].All || hs[0].Tag != 0 || !hs[1].All ||
		hs[0].Body[0].Op != ir.OpRethrow || hs[0].Body[0].Index != 0 || hs[1].Body[0].Index != 1 {
		t.Errorf("handlers %+v", hs)
	}
	if l, ok := body[2].Body[0].Delegate(); !ok || l != 0 {
		t.Errorf("delegate %d %v, want 0 true", l, ok)
	}
}

// TestParse3Module checks tags, tables, element types, extended constant
// expressions, annotations and quoted names.
func TestParse3Module(t *testing.T) {
	m := parse3(t, `(module $m (@name "Modül")
	  (import "m" "t" (tag $it (param f32)))
	  (tag $e (@name "ε") (export "e") (param i32))
	  (type $ft (func))
	  (table $t i64 1 funcref)
	  (table 10 (ref null $ft) (ref.func $"f g"))
	  (table $u funcref (elem $"f g"))
	  (global $g i32 (i32.const 1))
	  (global i32 (i32.add (global.get $g) (i32.const 1)))
	  (elem declare func $"f g")
	  (elem (table $t) (i64.const 0) (ref null func) (ref.func $"f g"))
	  (export "t" (tag $it))
	  (@custom "c1" (before global) "a" "b")
	  (@custom "c0" "z")
	  (func $"f g" (type $ft) (@metadata.code.branch_hint "\01") (if (i32.const 0) (then)))
	  (func (call $"f\20g") i32.const 0 (@metadata.code.branch_hint "\00") br_if 0))`)
	if m.Name != "Modül" {
		t.Errorf("module name %q", m.Name)
	}
	// $ft is type 0; the tags' implicit types follow it.
	wantImports := []ir.Import{{Module: "m", Name: "t", Kind: ir.ExternTag, Tag: 1}}
	if diff := cmp.Diff(wantImports, m.Imports, parseIgnorePos); diff != "" {
		t.Errorf("imports (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]ir.Tag{{Type: 2}}, m.Tags, parseIgnorePos); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ir.NameMap{0: "it", 1: "ε"}, m.Names.Tags); diff != "" {
		t.Errorf("tag names (-want +got):\n%s", diff)
	}
	wantExports := []ir.Export{{Name: "e", Kind: ir.ExternTag, Index: 1}, {Name: "t", Kind: ir.ExternTag, Index: 0}}
	if diff := cmp.Diff(wantExports, m.Exports, parseIgnorePos); diff != "" {
		t.Errorf("exports (-want +got):\n%s", diff)
	}
	wantTables := []ir.Table{
		{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 1, Is64: true}}},
		{Type: ir.TableType{Elem: ref(true, ir.HeapIndex(0)), Limits: ir.Limits{Min: 10}}, Init: []ir.Instr{{Op: ir.OpRefFunc}}},
		{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	if diff := cmp.Diff(wantTables, m.Tables, parseIgnorePos); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	if init := m.Globals[1].Init; len(init) != 3 || init[0].Op != ir.OpGlobalGet || init[2].Op != ir.OpI32Add {
		t.Errorf("extended constant expression %v", init)
	}
	elemTypes := []ir.ValType{m.Elems[0].Type, m.Elems[1].Type, m.Elems[2].Type}
	if diff := cmp.Diff([]ir.ValType{ir.FuncRef, ref(false, ir.HeapFunc), ir.FuncRef}, elemTypes); diff != "" {
		t.Errorf("element types (-want +got):\n%s", diff)
	}
	if m.Elems[2].Table != 0 || m.Elems[2].Offset[0].Op != ir.OpI64Const {
		t.Errorf("elem (table $t) (i64.const 0): %+v", m.Elems[2])
	}
	wantCustoms := []ir.Custom{{Name: "c1", Data: []byte("ab"), After: 13}, {Name: "c0", Data: []byte("z"), After: 11}}
	if diff := cmp.Diff(wantCustoms, m.Customs, parseIgnorePos); diff != "" {
		t.Errorf("customs (-want +got):\n%s", diff)
	}
	hint := []ir.CodeMeta{{Name: "branch_hint", Data: []byte{1}}}
	if diff := cmp.Diff(hint, m.Funcs[0].Body[1].Meta()); diff != "" {
		t.Errorf("branch hint on if (-want +got):\n%s", diff)
	}
	if got := m.Funcs[1].Body[2].Meta(); len(got) != 1 || got[0].Data[0] != 0 || m.Funcs[1].Body[2].Op != ir.OpBrIf {
		t.Errorf("branch hint on br_if: %v", got)
	}
	if m.Funcs[1].Body[0].Index != 0 || m.Names.Funcs[0] != "f g" {
		t.Errorf("quoted name: call %d, names %v", m.Funcs[1].Body[0].Index, m.Names.Funcs)
	}
	// Without function references, a func list is funcref, as in 2.0.
	m2, err := ParseModule(ir.NewSource("t.wat", []byte("(func $f) (elem declare func $f)"), false), parseThreadsOn)
	if err != nil || m2.Elems[0].Type != ir.FuncRef {
		t.Errorf("2.0 func list: %v %v", err, m2)
	}
}

// TestParse3Errors checks the messages and positions of errors in the new
// constructs, feature gating included.
func TestParse3Errors(t *testing.T) {
	off := func(fs ...ir.Feature) ir.Features {
		f := parse3Features
		for _, x := range fs {
			f = f.With(x, false)
		}
		return f
	}
	tests := []struct {
		src       string
		features  ir.Features
		msg       string
		line, col int
	}{
		{"(@)", parse3Features, "empty annotation id", 1, 1},
		{"(func) (@x (y)", parse3Features, "unclosed annotation", 1, 8},
		{"(@x \x01)", parse3Features, "illegal character", 1, 5},
		{`(func $"")`, parse3Features, "empty identifier", 1, 7},
		{"(func $ (nop))", parse3Features, "empty identifier", 1, 7},
		{`(func $"\ff")`, parse3Features, "malformed UTF-8 encoding", 1, 7},
		{"(type (struct (field $a i32) (field $a i32)))", parse3Features, "duplicate field $a", 1, 37},
		{"(type $t (struct)) (func (struct.get $t $nope))", parse3Features, "unknown field $nope", 1, 41},
		{"(func (throw $e))", parse3Features, "unknown tag $e", 1, 14},
		{"(tag $e) (tag $e)", parse3Features, "duplicate tag $e", 1, 15},
		{"(func (block $b (try_table $t (catch_all $t))))", parse3Features, "unknown label $t", 1, 42},
		{"(func (try (do) (catch_all) (catch 0)))", parse3Features, "unexpected token catch", 1, 30},
		{"(func (br_on_cast 0 anyref))", parse3Features, "unexpected token )", 1, 27},
		{"(func get_local 0)", off(ir.FeatureLegacyNames), "unknown operator get_local", 1, 7},
		{"(global anyfunc (ref.null func))", parse3Features, "unknown operator anyfunc", 1, 9},
		{"(func (i8x16.extract_lane_s 256 (v128.const i32x4 0 0 0 0)) drop)", parse3Features, "i8 constant out of range", 1, 29},
		{`(@custom "x" (after nothing))`, parse3Features, "@custom annotation: malformed section kind", 1, 14},
		{`(@custom 4)`, parse3Features, "@custom annotation: missing section name", 1, 1},
		{`(func (@custom "x"))`, parse3Features, "misplaced @custom annotation", 1, 7},
		{`(@metadata.code.branch_hint "\01") (func)`, parse3Features, "@metadata.code.branch_hint annotation: not in a function", 1, 1},
		{`(func (@metadata.code.branch_hint "\01") (@metadata.code.branch_hint "\00") nop)`, parse3Features,
			"@metadata.code.branch_hint annotation: duplicate annotation", 1, 42},
		{`(func (@metadata.code.branch_hint "\05") nop)`, parse3Features, "@metadata.code.branch_hint annotation: invalid hint value", 1, 7},
		{`(global i32 (@metadata.code.branch_hint "\01") (i32.const 0))`, parse3Features, "@metadata.code.branch_hint annotation: not in a function", 1, 13},
		{`(func nop (@metadata.code.branch_hint "\01"))`, parse3Features, "@metadata.code.branch_hint annotation: misplaced annotation", 1, 11},
		{`(module (@name "a") (@name "b"))`, parse3Features, "@name annotation: multiple module names", 1, 21},
		{`(module (func) (@name "M"))`, parse3Features, "misplaced @name annotation", 1, 16},
		// Features that are off.
		{"(@a) (func)", off(ir.FeatureAnnotations), "annotation requires --enable-annotations", 1, 1},
		{"(tag (param i32))", off(ir.FeatureExceptions), "tag requires --enable-exceptions", 1, 6},
		{"(func (local exnref))", off(ir.FeatureExceptions), "exnref type requires --enable-exceptions", 1, 14},
		{"(type (struct))", off(ir.FeatureGC), "struct type requires --enable-gc", 1, 8},
		{"(rec)", off(ir.FeatureGC), "rec group requires --enable-gc", 1, 2},
		{"(func (local anyref))", off(ir.FeatureGC), "anyref type requires --enable-gc", 1, 14},
		{"(func (drop (ref.null i31)))", off(ir.FeatureGC), "heap type i31 requires --enable-gc", 1, 23},
		{"(func (local (ref func)))", off(ir.FeatureFunctionReferences), "(ref …) type requires --enable-function-references", 1, 14},
		{"(type $t (func)) (func (local (ref null $t)))", off(ir.FeatureFunctionReferences), "a type index as heap type requires --enable-function-references", 1, 41},
		{"(table 1 funcref (ref.null func))", off(ir.FeatureFunctionReferences), "table initializer requires --enable-function-references", 1, 18},
		{"(table i64 1 funcref)", off(ir.FeatureMemory64), "i64 table requires --enable-memory64", 1, 8},
		{"(func try end)", off(ir.FeatureLegacyExceptions), "try: instruction requires --enable-legacy-exceptions", 1, 7},
		{"(func (try_table))", off(ir.FeatureExceptions), "try_table: instruction requires --enable-exceptions", 1, 8},
		{"(func (struct.new 0))", off(ir.FeatureGC), "struct.new: instruction requires --enable-gc", 1, 8},
	}
	for _, tt := range tests {
		e := parseMustFail(t, tt.src, tt.features)
		p := e.Position()
		if !strings.HasPrefix(e.Msg, tt.msg) || p.Line != tt.line || p.Column != tt.col {
			t.Errorf("%q:\n got %d:%d %q\nwant %d:%d %q", tt.src, p.Line, p.Column, e.Msg, tt.line, tt.col, tt.msg)
		}
	}
}

// TestParse3ScriptRecovery: a module that fails to parse (in the
// collecting pass, or inside a function) does not change how the next one
// reads its annotations.
func TestParse3ScriptRecovery(t *testing.T) {
	src := `(assert_invalid (module (func $f) (func $f)) "duplicate")
(module (@custom "c" "d") (func (@metadata.code.branch_hint "\01") (if (i32.const 0) (then))))
(assert_invalid (module (func (i32.const 0x1_0000_0000_0000_0000))) "constant")
(@custom "ignored: between commands")
(assert_malformed_custom (module (@metadata.code.branch_hint "\01") (func)) "not in a function")`
	s, err := ParseScript(ir.NewSource("t.wast", []byte(src), false), parse3Features)
	if err != nil {
		t.Fatal(err)
	}
	m := s.Commands[1].(*ModuleCommand).Module
	if len(m.Customs) != 1 || len(m.Funcs[0].Body[1].Meta()) != 1 {
		t.Errorf("customs %v, body %v", m.Customs, m.Funcs[0].Body)
	}
	if e := s.Commands[3].(*AssertModule).Module.Err; e == nil || !strings.Contains(e.Error(), "not in a function") {
		t.Errorf("code metadata outside a function after a failed module: %v", e)
	}
}

// TestParse3Script checks the script forms of the 3.0 suite.
func TestParse3Script(t *testing.T) {
	src := `(module definition $M (func (export "f")))
(module instance $I $M)
(module instance $M)
(module instance)
(register "I" $I)
(assert_exception (invoke $I "f"))
(assert_malformed_custom (module quote "(@custom)") "@custom annotation")
(assert_invalid_custom (module (func)) "x")
(assert_return (invoke "f") (ref.null) (ref.null exn) (ref.null 3) (ref.struct) (ref.array) (ref.i31)
  (ref.eq) (ref.any) (ref) (ref.func) (ref.extern) (ref.exn) (ref.host 7) (ref.extern 8)
  (either (i32.const 1) (v128.const f32x4 1 nan:canonical 2 nan:arithmetic)))
(assert_trap (module instance $M) "trap")
(module $B binary "\00asm" "\01\00\00\00")`
	s, err := ParseScript(ir.NewSource("t.wast", []byte(src), false), parse3Features)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Commands
	if m := c[0].(*ModuleCommand); !m.Definition || m.Name != "M" || m.Module == nil {
		t.Errorf("module definition: %+v", m)
	}
	want := []*InstanceCommand{{Instance: "I", Module: "M"}, {Module: "M"}, {}}
	for i, w := range want {
		if diff := cmp.Diff(w, c[1+i], parseIgnorePos); diff != "" {
			t.Errorf("instance %d (-want +got):\n%s", i, diff)
		}
	}
	if a := c[5].(*AssertException); a.Action.Module != "I" || a.Action.Name != "f" {
		t.Errorf("assert_exception %+v", a)
	}
	if a := c[6].(*AssertModule); !a.Custom || a.Kind != ir.Malformed || a.Module.Kind != ModuleQuote {
		t.Errorf("assert_malformed_custom %+v", a)
	}
	if a := c[7].(*AssertModule); !a.Custom || a.Kind != ir.Invalid {
		t.Errorf("assert_invalid_custom %+v", a)
	}
	r := c[8].(*AssertReturn).Results
	type res struct {
		Kind ResultKind
		Type ir.ValType
		Null bool
		Lo   uint64
	}
	var got []res
	for _, x := range r[:14] {
		got = append(got, res{x.Kind, x.Value.Type, x.Value.Null, x.Value.Lo})
	}
	wantRes := []res{
		{ResultRefNull, 0, false, 0}, {ResultValue, ir.ExnRef, true, 0}, {ResultValue, ref(true, ir.HeapIndex(3)), true, 0},
		{ResultRefAny, ir.StructRef, false, 0}, {ResultRefAny, ir.ArrayRef, false, 0}, {ResultRefAny, ir.I31Ref, false, 0},
		{ResultRefAny, ir.EqRef, false, 0}, {ResultRefAny, ir.AnyRef, false, 0}, {ResultRefAny, ir.AnyRef, false, 0},
		{ResultRefAny, ir.FuncRef, false, 0}, {ResultRefAny, ir.ExternRef, false, 0}, {ResultRefAny, ir.ExnRef, false, 0},
		{ResultValue, ir.AnyRef, false, 7}, {ResultValue, ir.ExternRef, false, 8},
	}
	if diff := cmp.Diff(wantRes, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if e := r[14]; e.Kind != ResultEither || len(e.Either) != 2 || e.Either[1].NaN != [4]NaNPattern{0, NaNCanonical, 0, NaNArithmetic} {
		t.Errorf("either %+v", e)
	}
	if a := c[9].(*AssertTrap); a.Instance == nil || a.Instance.Module != "M" || a.Module != nil {
		t.Errorf("assert_trap instance %+v", a)
	}
	if m := c[10].(*ModuleCommand); m.Name != "B" || m.Kind != ModuleBinary || len(m.Binary) != 8 {
		t.Errorf("module binary %+v", m)
	}
}
