package validate_test

import (
	"errors"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

var (
	i32, i64, f32, v128  = ir.I32, ir.I64, ir.F32, ir.V128
	funcref, externref   = ir.FuncRef, ir.ExternRef
	threads              = ir.Wasm2Features().With(ir.FeatureThreads, true)
	void                 = ir.FuncType{}
	toI32                = sig(nil, i32)
	withMem              = withMemory(1, noMax, false)
	withSharedMem        = withMemory(1, 2, true)
	withFuncTable        = withTable(funcref, 1)
	declareFunc0         = withElem(ir.Elem{Mode: ir.SegmentDeclarative, Type: funcref, Init: [][]ir.Instr{{op("ref.func", 0)}}})
	immutableImportedI32 = withImport(ir.Import{Module: "m", Name: "g", Kind: ir.ExternGlobal, Global: ir.GlobalType{Type: i32}})
)

type validCase struct {
	name string
	m    *ir.Module
}

func validCases() []validCase {
	return []validCase{
		{"empty module", &ir.Module{}},
		{"i32.add", fn(toI32, i32c(1), i32c(2), op("i32.add"))},
		{"params and locals", with(fn(sig(ts(i32, i64), i64), op("local.get", 1), op("local.set", 2), op("local.get", 2)),
			func(m *ir.Module) { m.Funcs[0].Locals = []ir.LocalRun{{Count: 1, Type: i64}} })},
		{"block result", fn(toI32, block(bv(i32), i32c(1)))},
		{"multi-value block with params", with(fn(toI32, i32c(1), i32c(2), block(bi(1), op("i32.add")), op("i32.eqz")),
			withType(sig(ts(i32, i32), i32)))},
		{"loop params and branch back", with(fn(void, i32c(1), loop(bi(1), i32c(0), op("br_if", 0)), op("drop")),
			withType(sig(ts(i32), i32)))},
		{"if else", fn(toI32, i32c(0), ifElse(bv(i32), body(i32c(1)), body(i32c(2))))},
		{"if without else, params equal results", with(fn(toI32, i32c(7), i32c(0), ifElse(bi(1), body(op("drop"), i32c(1)), nil)),
			withType(sig(ts(i32), i32)))},
		{"br carries block result", fn(toI32, block(bv(i32), i32c(1), op("br", 0)))},
		{"br_table consistent", fn(toI32, block(bv(i32), block(bv(i32), i32c(1), i32c(0), brTable(1, 0, 1))))},
		{"return", fn(toI32, i32c(1), op("return"))},
		{"unreachable makes the stack polymorphic", fn(toI32, op("unreachable"), op("i32.add"))},
		{"polymorphic select", fn(toI32, op("unreachable"), op("select"))},
		{"polymorphic br_table with different label types", fn(void,
			block(bv(i32), block(bv(f32), op("unreachable"), brTable(0, 1)), op("drop"), i32c(0)), op("drop"))},
		{"br_if refines unknown operands", fn(toI32, block(bv(i32), op("unreachable"), i32c(0), op("br_if", 0)))},
		{"call", with(fn(toI32, i32c(1), op("call", 1)), withType(sig(ts(i32), i32)),
			withFunc(ir.Func{Type: 1, Body: body(op("local.get", 0))}))},
		{"call_indirect", with(fn(void, i32c(0), op("call_indirect", 0, 0)), withFuncTable)},
		{"imported function", with(fn(void, op("call", 0)), withImport(ir.Import{Kind: ir.ExternFunc, Func: 0}))},
		{"global set and get", with(fn(toI32, i32c(1), op("global.set", 0), op("global.get", 0)), withGlobal(i32, true, i32c(0)))},
		{"imported immutable global in initialiser", with(fn(void), immutableImportedI32, withGlobal(i32, false, op("global.get", 0)))},
		{"ref.func declared by an elem segment", with(fn(sig(nil, funcref), op("ref.func", 0)), declareFunc0)},
		{"ref.func declared by an export", with(fn(sig(nil, funcref), op("ref.func", 0)), withExport("f", ir.ExternFunc, 0))},
		{"ref.func in a global initialiser", with(fn(void), withGlobal(funcref, false, op("ref.func", 0)))},
		{"typed select of references", fn(sig(nil, externref), refNull(externref), refNull(externref), i32c(1), selectT(externref))},
		{"ref.is_null", fn(toI32, refNull(funcref), op("ref.is_null"))},
		{"table ops", with(fn(void, i32c(0), op("table.get", 0), op("drop"), i32c(0), refNull(funcref), op("table.set", 0),
			refNull(funcref), i32c(1), op("table.grow", 0), op("drop"), i32c(0), refNull(funcref), i32c(1), op("table.fill", 0),
			op("table.size", 0), op("drop")), withFuncTable)},
		{"table.copy and table.init", with(fn(void, i32c(0), i32c(0), i32c(0), op("table.copy", 0, 1), i32c(0), i32c(0), i32c(0),
			op("table.init", 0, 1), op("elem.drop", 0)), withFuncTable, withFuncTable,
			withElem(ir.Elem{Mode: ir.SegmentPassive, Type: funcref}))},
		{"memory ops", with(fn(void, i32c(0), mem("i64.load"), op("drop"), i32c(0), i64c(0), memAlign("i64.store", 0),
			op("memory.size"), op("memory.grow"), op("drop"), i32c(0), i32c(0), i32c(0), op("memory.init", 0, 0), op("data.drop", 0)),
			withMem, withData(ir.Data{Mode: ir.SegmentPassive}))},
		{"active segments", with(fn(void), withMem, withFuncTable,
			withData(ir.Data{Offset: body(i32c(0)), Init: []byte("hi")}),
			withElem(ir.Elem{Offset: body(i32c(0)), Type: funcref, Init: [][]ir.Instr{{op("ref.func", 0)}, {refNull(funcref)}}}))},
		{"start function", with(fn(void), func(m *ir.Module) { m.Start = &ir.Start{Func: 0} })},
		{"exports of every kind", with(fn(void), withMem, withFuncTable, withGlobal(i32, false, i32c(0)),
			withExport("f", ir.ExternFunc, 0), withExport("t", ir.ExternTable, 0), withExport("m", ir.ExternMemory, 0),
			withExport("g", ir.ExternGlobal, 0))},
		{"simd lanes", fn(sig(nil, v128), v128c(), lane("i8x16.extract_lane_u", 15), op("drop"),
			v128c(), v128c(), ir.Instr{Op: ir.OpI8x16Shuffle, Value: 0x1f1f1f1f1f1f1f1f, Ext: &ir.InstrExt{Value2: 0x0001020304050607}})},
	}
}

// threadsValidCases hold with --enable-threads.
func threadsValidCases() []validCase {
	return []validCase{
		{"atomics with natural alignment", with(fn(toI32, i32c(0), mem("i64.atomic.load"), op("drop"),
			i32c(0), i64c(0), i64c(1), mem("i64.atomic.rmw.cmpxchg"), op("drop"),
			i32c(0), i32c(1), mem("i32.atomic.rmw8.add_u"), op("drop"),
			i32c(0), i32c(1), mem("memory.atomic.notify")), withSharedMem)},
		{"wait on an unshared memory is valid (traps at run time)", with(fn(toI32, i32c(0), i32c(0), i64c(-1),
			mem("memory.atomic.wait32")), withMem)},
		{"wait64", with(fn(toI32, i32c(0), i64c(0), i64c(-1), mem("memory.atomic.wait64")), withSharedMem)},
		{"atomic.fence needs no memory", fn(void, op("atomic.fence"))},
		{"shared memory with maximum", with(&ir.Module{}, withSharedMem)},
		{"imported shared memory", with(&ir.Module{}, withImport(ir.Import{Kind: ir.ExternMemory,
			Memory: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}, Shared: true}}))},
	}
}

func TestValid(t *testing.T) {
	run := func(cases []validCase, f ir.Features) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if err := validate.Module(tc.m, nil, f); err != nil {
					t.Errorf("unexpected error: %v", err)
				}
			})
		}
	}
	run(validCases(), ir.Wasm2Features())
	run(threadsValidCases(), threads)
}

type invalidCase struct {
	name string
	m    *ir.Module
	want string // the first error's message starts with this
}

func invalidCases() []invalidCase {
	return []invalidCase{
		// Typing.
		{"i32.add of i64", fn(toI32, i32c(1), i64c(2), op("i32.add")), "type mismatch: instruction requires [i32 i32] but stack has [i32 i64] in i32.add"},
		{"operand missing", fn(toI32, i32c(1), op("i32.add")), "type mismatch: instruction requires [i32 i32] but stack has [i32] in i32.add"},
		{"extra value at end", fn(toI32, i32c(1), i32c(2)), "type mismatch: block requires [i32] but stack has [i32 i32] at end of function"},
		{"missing result", fn(toI32), "type mismatch: instruction requires [i32] but stack has [] at end of function"},
		{"block result wrong", fn(toI32, block(bv(i32), i64c(1))), "type mismatch: instruction requires [i32] but stack has [i64] at end of block"},
		{"block cannot see outer operands", fn(toI32, i32c(1), block(bv(i32), op("i32.eqz"))), "type mismatch: instruction requires [i32] but stack has [] in i32.eqz"},
		{"unreachable then too many values", fn(toI32, op("unreachable"), i32c(1), i32c(2)), "type mismatch: block requires [i32] but stack has [i32 i32]"},
		{"unreachable then wrong type", fn(toI32, op("unreachable"), i64c(1)), "type mismatch"},
		{"if without else changes types", fn(toI32, i32c(0), ifElse(bv(i32), body(i32c(1)), nil)), "type mismatch: instruction requires [i32] but stack has [] in if without else"},
		{"else arm wrong", fn(toI32, i32c(0), ifElse(bv(i32), body(i32c(1)), body(i64c(1)))), "type mismatch: instruction requires [i32] but stack has [i64] at end of else"},
		{"if condition missing", fn(void, ifElse(noBT, nil, nil)), "type mismatch: instruction requires [i32] but stack has [] in if"},
		{"loop label takes params", with(fn(toI32, i32c(1), loop(bi(1), op("drop"), i64c(0), op("br", 0))), withType(sig(ts(i32), i32))), "type mismatch: instruction requires [i32] but stack has [i64] in br"},
		{"br value wrong", fn(toI32, block(bv(i32), i64c(1), op("br", 0))), "type mismatch: instruction requires [i32] but stack has [i64] in br"},
		{"br_table arity", fn(void, block(bv(i32), block(noBT, i32c(0), brTable(0, 1))), op("drop")), "type mismatch: instruction requires [i32] but stack has [] in br_table"},
		{"br_table label types", fn(void, block(bv(i32), block(bv(i64), i64c(0), i32c(0), brTable(0, 1)), op("drop")), op("drop")), "type mismatch: instruction requires [i32] but stack has [i64] in br_table"},
		{"return value wrong", fn(toI32, i64c(1), op("return")), "type mismatch: instruction requires [i32] but stack has [i64] in return"},
		{"call argument", with(fn(void, i64c(1), op("call", 0)), withType(sig(ts(i32)))), "type mismatch"},
		{"untyped select of references", fn(sig(nil, funcref), refNull(funcref), refNull(funcref), i32c(1), op("select")), "type mismatch"},
		{"untyped select of unknown and reference", fn(sig(nil, funcref), op("unreachable"), refNull(funcref), i32c(1), op("select")), "type mismatch"},
		{"select operand types differ", fn(toI32, i32c(1), i64c(1), i32c(1), op("select")), "type mismatch"},
		{"typed select arity", fn(toI32, i32c(1), i32c(1), i32c(1), selectT(i32, i32)), "invalid result arity"},
		{"typed select arity zero", fn(void, i32c(1), i32c(1), i32c(1), selectT()), "invalid result arity"},
		{"ref.is_null of i32", fn(toI32, i32c(1), op("ref.is_null")), "type mismatch"},
		{"table.set element type", with(fn(void, i32c(0), refNull(externref), op("table.set", 0)), withFuncTable), "type mismatch"},
		{"call_indirect on externref table", with(fn(void, i32c(0), op("call_indirect", 0, 0)), withTable(externref, 1)), "type mismatch"},
		{"table.copy element types", with(fn(void, i32c(0), i32c(0), i32c(0), op("table.copy", 0, 1)), withFuncTable, withTable(externref, 1)), "type mismatch"},
		{"table.init element types", with(fn(void, i32c(0), i32c(0), i32c(0), op("table.init", 0, 0)), withFuncTable,
			withElem(ir.Elem{Mode: ir.SegmentPassive, Type: externref})), "type mismatch"},
		{"global type", with(fn(void, i64c(0), op("global.set", 0)), withGlobal(i32, true, i32c(0))), "type mismatch: instruction requires [i32] but stack has [i64] in global.set"},

		// Indices.
		{"unknown local", fn(void, op("local.get", 0), op("drop")), "unknown local 0"},
		{"unknown local past declared", with(fn(sig(ts(i32)), op("local.get", 3), op("drop")),
			func(m *ir.Module) { m.Funcs[0].Locals = []ir.LocalRun{{Count: 2, Type: i64}} }), "unknown local 3"},
		{"unknown global", fn(void, op("global.get", 0), op("drop")), "unknown global 0"},
		{"unknown function", fn(void, op("call", 7)), "unknown function 7"},
		{"unknown table", fn(void, i32c(0), op("call_indirect", 0, 0)), "unknown table 0"},
		{"unknown type in call_indirect", with(fn(void, i32c(0), op("call_indirect", 3, 0)), withFuncTable), "unknown type 3"},
		{"unknown type of block", fn(void, block(bi(5))), "unknown type 5"},
		{"unknown type of function", &ir.Module{Funcs: []ir.Func{{Type: 2}}}, "unknown type 2"},
		{"unknown label", fn(void, block(noBT, op("br", 2))), "unknown label 2"},
		{"unknown memory for load", fn(void, i32c(0), mem("i32.load"), op("drop")), "unknown memory 0"},
		{"unknown memory for memory.size", fn(void, op("memory.size"), op("drop")), "unknown memory 0"},
		{"unknown memory 1", with(fn(void, i32c(0), ir.Instr{Op: ir.OpI32Load, Mem: ir.MemArg{Align: 2, Memory: 1}}, op("drop")), withMem), "unknown memory 1"},
		{"unknown data segment", with(fn(void, op("data.drop", 1)), withMem, withData(ir.Data{Mode: ir.SegmentPassive})), "unknown data segment 1"},
		{"unknown data segment in memory.init", with(fn(void, i32c(0), i32c(0), i32c(0), op("memory.init", 0, 0)), withMem), "unknown data segment 0"},
		{"memory.init checks memory first", fn(void, i32c(0), i32c(0), i32c(0), op("memory.init", 0, 0)), "unknown memory 0"},
		{"unknown elem segment", fn(void, op("elem.drop", 4)), "unknown elem segment 4"},
		{"unknown elem segment in table.init", with(fn(void, i32c(0), i32c(0), i32c(0), op("table.init", 0, 0)), withFuncTable), "unknown elem segment 0"},
		{"global is immutable", with(fn(void, i32c(0), op("global.set", 0)), withGlobal(i32, false, i32c(0))), "global is immutable"},
		{"undeclared function reference", fn(sig(nil, funcref), op("ref.func", 0)), "undeclared function reference"},
		{"ref.func unknown function", fn(sig(nil, funcref), op("ref.func", 3)), "unknown function 3"},

		// Memory accesses and SIMD lanes.
		{"alignment larger than natural", with(fn(void, i32c(0), memAlign("i32.load8_u", 1), op("drop")), withMem), "alignment must not be larger than natural"},
		{"simd alignment", with(fn(void, i32c(0), memAlign("v128.load", 5), op("drop")), withMem), "alignment must not be larger than natural"},
		{"invalid lane index", fn(void, v128c(), lane("i8x16.extract_lane_s", 16), op("drop")), "invalid lane index"},
		{"invalid lane index i64x2", fn(void, v128c(), i64c(0), lane("i64x2.replace_lane", 2), op("drop")), "invalid lane index"},
		{"invalid load lane index", with(fn(void, i32c(0), v128c(), lane("v128.load32_lane", 4), op("drop")), withMem), "invalid lane index"},
		{"invalid shuffle lane index", fn(void, v128c(), v128c(), ir.Instr{Op: ir.OpI8x16Shuffle, Ext: &ir.InstrExt{Value2: 32 << 56}}, op("drop")), "invalid lane index"},

		// Constant expressions.
		{"constant expression required", with(fn(void), withGlobal(i32, false, i32c(1), i32c(2), op("i32.add"))), "constant expression required"},
		{"nop is not constant", with(fn(void), withGlobal(i32, false, op("nop"), i32c(0))), "constant expression required"},
		{"mutable imported global is not constant", with(fn(void),
			withImport(ir.Import{Kind: ir.ExternGlobal, Global: ir.GlobalType{Type: i32, Mutable: true}}),
			withGlobal(i32, false, op("global.get", 0))), "constant expression required"},
		{"defined global is invisible to initialisers", with(fn(void), withGlobal(i32, false, i32c(0)),
			withGlobal(i32, false, op("global.get", 0))), "unknown global 0"},
		{"initialiser type", with(fn(void), withGlobal(i32, false, i64c(0))), "type mismatch: instruction requires [i32] but stack has [i64] in constant expression"},
		{"empty initialiser", with(fn(void), withGlobal(i32, false)), "type mismatch"},
		{"data offset type", with(fn(void), withMem, withData(ir.Data{Offset: body(i64c(0))})), "type mismatch"},
		{"data offset constant", with(fn(void), withMem, withData(ir.Data{Offset: body(i32c(0), i32c(0), op("i32.add"))})), "constant expression required"},
		{"elem offset constant", with(fn(void), withFuncTable, withElem(ir.Elem{Offset: body(op("nop")), Type: funcref})), "constant expression required"},
		{"elem init type", with(fn(void), withElem(ir.Elem{Mode: ir.SegmentPassive, Type: funcref, Init: [][]ir.Instr{{refNull(externref)}}})), "type mismatch"},
		{"elem type differs from table", with(fn(void), withFuncTable, withElem(ir.Elem{Offset: body(i32c(0)), Type: externref})), "type mismatch"},

		// Module fields.
		{"active data without memory", with(fn(void), withData(ir.Data{Offset: body(i32c(0))})), "unknown memory 0"},
		{"active elem without table", with(fn(void), withElem(ir.Elem{Offset: body(i32c(0)), Type: funcref})), "unknown table 0"},
		{"duplicate export name", with(fn(void), withMem, withExport("a", ir.ExternFunc, 0), withExport("a", ir.ExternMemory, 0)), "duplicate export name"},
		{"export of unknown function", with(fn(void), withExport("a", ir.ExternFunc, 1)), "unknown function 1"},
		{"export of unknown global", with(fn(void), withExport("a", ir.ExternGlobal, 0)), "unknown global 0"},
		{"start function type", with(fn(toI32, i32c(0)), func(m *ir.Module) { m.Start = &ir.Start{Func: 0} }), "start function"},
		{"unknown start function", with(fn(void), func(m *ir.Module) { m.Start = &ir.Start{Func: 1} }), "unknown function 1"},
		{"memory min over max", with(&ir.Module{}, withMemory(2, 1, false)), "size minimum must not be greater than maximum"},
		{"memory too large", with(&ir.Module{}, withMemory(65537, noMax, false)), "memory size must be at most 65536 pages (4GiB)"},
		{"memory maximum too large", with(&ir.Module{}, withMemory(0, 65537, false)), "memory size must be at most 65536 pages (4GiB)"},
		{"table min over max", with(&ir.Module{}, func(m *ir.Module) {
			m.Tables = []ir.Table{{Type: ir.TableType{Elem: funcref, Limits: ir.Limits{Min: 2, Max: 1, HasMax: true}}}}
		}), "size minimum must not be greater than maximum"},
		{"multiple memories", with(&ir.Module{}, withMem, withMem), "multiple memories"},
		{"imported memory and memory", with(&ir.Module{}, withImport(ir.Import{Kind: ir.ExternMemory}), withMem), "multiple memories"},
		{"import of unknown type", with(&ir.Module{}, withImport(ir.Import{Kind: ir.ExternFunc, Func: 0})), "unknown type 0"},

		// Features off.
		{"atomics need --enable-threads", with(fn(toI32, i32c(0), mem("i32.atomic.load")), withMem), "i32.atomic.load requires --enable-threads"},
		{"shared memory needs --enable-threads", with(&ir.Module{}, withSharedMem), "shared memories require --enable-threads"},
	}
}

// threadsInvalidCases fail with --enable-threads.
func threadsInvalidCases() []invalidCase {
	return []invalidCase{
		{"shared memory must have maximum", with(&ir.Module{}, withMemory(1, noMax, true)), "shared memory must have maximum"},
		{"imported shared memory must have maximum", with(&ir.Module{}, withImport(ir.Import{Kind: ir.ExternMemory,
			Memory: ir.MemoryType{Limits: ir.Limits{Min: 1}, Shared: true}})), "shared memory must have maximum"},
		{"atomic alignment smaller than natural", with(fn(toI32, i32c(0), memAlign("i32.atomic.load", 1)), withSharedMem), "atomic alignment must be natural"},
		{"atomic alignment larger than natural", with(fn(toI32, i32c(0), i32c(0), memAlign("i32.atomic.rmw8.add_u", 1)), withSharedMem), "atomic alignment must be natural"},
		{"wait alignment", with(fn(toI32, i32c(0), i64c(0), i64c(0), memAlign("memory.atomic.wait64", 2)), withSharedMem), "atomic alignment must be natural"},
		{"atomic without memory", fn(toI32, i32c(0), mem("i32.atomic.load")), "unknown memory 0"},
		{"notify without memory", fn(toI32, i32c(0), i32c(0), mem("memory.atomic.notify")), "unknown memory 0"},
		{"wait32 timeout is i64", with(fn(toI32, i32c(0), i32c(0), i32c(0), mem("memory.atomic.wait32")), withSharedMem), "type mismatch: instruction requires [i32 i32 i64] but stack has [i32 i32 i32] in memory.atomic.wait32"},
		{"wait64 expected value is i64", with(fn(toI32, i32c(0), i32c(0), i64c(0), mem("memory.atomic.wait64")), withSharedMem), "type mismatch: instruction requires [i32 i64 i64] but stack has [i32 i32 i64] in memory.atomic.wait64"},
		{"cmpxchg operand types", with(fn(sig(nil, i64), i32c(0), i64c(0), i32c(0), mem("i64.atomic.rmw.cmpxchg")), withSharedMem), "type mismatch: instruction requires [i32 i64 i64] but stack has [i32 i64 i32] in i64.atomic.rmw.cmpxchg"},
		{"atomic store result", with(fn(toI32, i32c(0), i32c(0), mem("i32.atomic.store")), withSharedMem), "type mismatch: instruction requires [i32] but stack has []"},
	}
}

func TestInvalid(t *testing.T) {
	run := func(cases []invalidCase, f ir.Features) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				err := validate.Module(tc.m, nil, f)
				var list ir.ErrorList
				if !errors.As(err, &list) || len(list) == 0 {
					t.Fatalf("got %v, want an ir.ErrorList starting with %q", err, tc.want)
				}
				if list[0].Kind != ir.Invalid {
					t.Errorf("kind = %v, want invalid", list[0].Kind)
				}
				if !strings.HasPrefix(list[0].Msg, tc.want) {
					t.Errorf("message %q does not start with %q", list[0].Msg, tc.want)
				}
			})
		}
	}
	run(invalidCases(), ir.Wasm2Features())
	run(threadsInvalidCases(), threads)
}

// TestErrorsPerFunction checks that each function reports its first error
// only, at the failing instruction's position, and that later functions are
// still checked.
func TestErrorsPerFunction(t *testing.T) {
	bad := func(pos ir.Pos) []ir.Instr {
		add := op("i32.add")
		add.Pos = pos
		eqz := op("i32.eqz") // would be a second error in the same function
		eqz.Pos = pos + 100
		return body(i64c(0), i64c(0), add, eqz)
	}
	m := &ir.Module{
		Types: ir.TypeDefs([]ir.FuncType{void}),
		Funcs: []ir.Func{{Body: bad(10), Pos: 1}, {Body: body(), Pos: 2}, {Body: bad(30), Pos: 3}},
	}
	src := ir.NewSource("x.wasm", make([]byte, 200), true)
	err := validate.Module(m, src, ir.Wasm2Features())
	var list ir.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %v", err)
	}
	type got struct {
		Pos ir.Pos
		Msg string
	}
	var gots []got
	for _, e := range list {
		gots = append(gots, got{e.Pos, e.Msg})
	}
	want := []got{
		{10, "type mismatch: instruction requires [i32 i32] but stack has [i64 i64] in i32.add"},
		{30, "type mismatch: instruction requires [i32 i32] but stack has [i64 i64] in i32.add"},
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if s := list[0].Error(); s != "x.wasm:0x9: type mismatch: instruction requires [i32 i32] but stack has [i64 i64] in i32.add" {
		t.Errorf("formatted error = %q", s)
	}
}

// TestDeepNesting validates a million nested blocks, loops and ifs under
// a 64 MB stack limit: the checker walks the tree with an explicit stack,
// so depth costs heap, not goroutine stack (issue 10).
func TestDeepNesting(t *testing.T) {
	const depth = 1_000_000
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	nest := func(innermost ir.Instr, wrap func([]ir.Instr) []ir.Instr) []ir.Instr {
		inner := body(innermost)
		for range depth {
			inner = wrap(inner)
		}
		return inner
	}
	kinds := map[string]func([]ir.Instr) []ir.Instr{
		"block": func(b []ir.Instr) []ir.Instr { return body(block(bv(i32), b...)) },
		"loop":  func(b []ir.Instr) []ir.Instr { return body(ir.Instr{Op: ir.OpLoop, Block: bv(i32), Body: b}) },
		"if": func(b []ir.Instr) []ir.Instr {
			in := ir.Instr{Op: ir.OpIf, Block: bv(i32), Body: b}
			in.SetElseBody(body(i32c(2)))
			return body(i32c(1), in)
		},
	}
	for name, wrap := range kinds {
		if err := validate.Module(fn(toI32, nest(i32c(1), wrap)...), nil, ir.DefaultFeatures()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// The same depth with a mismatch at the bottom is reported, not lost.
	err := validate.Module(fn(toI32, nest(i64c(1), kinds["block"])...), nil, ir.DefaultFeatures())
	if err == nil || !strings.HasPrefix(err.Error(), "type mismatch") {
		t.Fatalf("got %v, want type mismatch", err)
	}
}

// TestEveryOpHandled walks the opcode table: every op, with zero
// immediates, in polymorphic code, against a module with one of everything,
// must be typed by the validator (no "unexpected" fallback, no panic).
func TestEveryOpHandled(t *testing.T) {
	for o := ir.Op(0); o < ir.NumOps; o++ {
		if o == ir.OpElse || o == ir.OpEnd || o == ir.OpCatch || o == ir.OpCatchAll || o == ir.OpDelegate {
			continue // separators, not instructions of the tree IR (checked below)
		}
		in := ir.Instr{Op: o}
		if o == ir.OpSelectTyped {
			in.SetSelectTypes(ts(i32))
		}
		if o == ir.OpRefNull {
			in.SetHeapType(ir.HeapFunc)
		}
		if o.IsAtomic() {
			in.Mem.Align = o.NaturalAlign()
		}
		m := with(fn(void, op("unreachable"), in), withSharedMem, withFuncTable, declareFunc0,
			withGlobal(i32, true, i32c(0)), withData(ir.Data{Mode: ir.SegmentPassive}))
		err := validate.Module(m, nil, ir.AllFeaturesOn())
		if err != nil && strings.Contains(err.Error(), "unexpected") {
			t.Errorf("%s: %v", o, err)
		}
	}
	// Else and end outside the tree are an error, not a panic.
	for _, o := range []ir.Op{ir.OpElse, ir.OpEnd, ir.OpCatch, ir.OpCatchAll, ir.OpDelegate, ir.NumOps + 5} {
		if err := validate.Module(fn(void, ir.Instr{Op: o}), nil, ir.AllFeaturesOn()); err == nil {
			t.Errorf("%v accepted", o)
		}
	}
}

// TestGarbageDoesNotPanic feeds indices and types that no decoder would
// produce.
func TestGarbageDoesNotPanic(t *testing.T) {
	huge := ^uint32(0)
	mods := []*ir.Module{
		fn(void, ir.Instr{Op: ir.OpBlock, Block: ir.BlockType{Value: 9}}),
		fn(void, ir.Instr{Op: ir.OpBlock, Block: bv(0x12)}),
		fn(void, selectT(0x12)),
		fn(void, refNull(i32)),
		fn(void, op("local.get", huge)),
		fn(void, op("br", huge)),
		fn(void, brTable(0, huge)),
		fn(void, i32c(0), op("call_indirect", huge, huge)),
		with(fn(void, i32c(0), op("call_indirect", huge, 0)), withFuncTable),
		fn(void, op("memory.size", huge)),
		fn(void, op("table.size", huge)),
		with(fn(void), withGlobal(0x12, false, i32c(0))),
		with(fn(void), withExport("x", 9, 0)),
		with(fn(void), withImport(ir.Import{Kind: 9})),
		with(fn(void), withElem(ir.Elem{Type: i32})),
		with(fn(void), withElem(ir.Elem{Mode: 7, Type: funcref})),
		with(fn(void), withData(ir.Data{Mode: 7})),
		with(fn(void), func(m *ir.Module) { m.Funcs[0].Locals = []ir.LocalRun{{Count: 1, Type: 0x12}} }),
		{Types: ir.TypeDefs([]ir.FuncType{{Params: ts(0x12)}})},
		{Funcs: []ir.Func{{Type: huge}}},
		{Imports: []ir.Import{{Kind: ir.ExternFunc, Func: 3}}, Funcs: []ir.Func{{Type: 0}}},
	}
	for i, m := range mods {
		if err := validate.Module(m, nil, ir.AllFeaturesOn()); err == nil {
			t.Errorf("module %d accepted", i)
		}
	}
	if err := validate.Module(nil, nil, 0); err == nil {
		t.Error("nil module accepted")
	}
}

// TestHugeLocalCount exercises the lookup past the expanded locals.
func TestHugeLocalCount(t *testing.T) {
	m := with(fn(sig(nil, i64), op("local.get", 1<<20)), func(m *ir.Module) {
		m.Funcs[0].Locals = []ir.LocalRun{{Count: 1 << 19, Type: i32}, {Count: 1 << 20, Type: i64}}
	})
	if err := validate.Module(m, nil, ir.Wasm2Features()); err != nil {
		t.Fatal(err)
	}
	m.Funcs[0].Body[0].Index = 3 << 19
	if err := validate.Module(m, nil, ir.Wasm2Features()); err == nil || !strings.HasPrefix(err.Error(), "unknown local") {
		t.Fatalf("got %v, want unknown local", err)
	}
}

// TestFeaturesOff checks that proposals switched off are refused with the
// flag that turns them on.
func TestFeaturesOff(t *testing.T) {
	mvp := ir.Features(0)
	cases := []struct {
		name string
		m    *ir.Module
		f    ir.Features
		want string
	}{
		{"simd op", fn(void, v128c(), op("drop")), mvp, "v128.const requires --enable-simd"},
		{"v128 in a signature", fn(sig(nil, v128), op("unreachable")), mvp, "v128 requires --enable-simd"},
		{"multiple results", fn(sig(nil, i32, i32), i32c(0), i32c(0)), mvp, "invalid result arity: multiple results require --enable-multi-value"},
		{"block params", with(fn(void, i32c(0), block(bi(1), op("drop"))), withType(sig(ts(i32)))), mvp, "block params require --enable-multi-value"},
		{"typed select", fn(toI32, i32c(0), i32c(0), i32c(0), selectT(i32)), mvp, "select requires --enable-reference-types"},
		{"tail call", fn(void, op("return_call", 0)), ir.Wasm2Features(), "return_call requires --enable-tail-call"},
		{"mutable global import", with(&ir.Module{}, withImport(ir.Import{Kind: ir.ExternGlobal, Global: ir.GlobalType{Type: i32, Mutable: true}})),
			mvp, "mutable globals cannot be imported without --enable-mutable-globals"},
		{"mutable global export", with(&ir.Module{}, withGlobal(i32, true, i32c(0)), withExport("g", ir.ExternGlobal, 0)),
			mvp, "mutable globals cannot be exported without --enable-mutable-globals"},
		{"multiple tables", with(&ir.Module{}, withFuncTable, withFuncTable), mvp, "multiple tables are not allowed without --enable-reference-types"},
		{"extended const", with(&ir.Module{}, withGlobal(i32, false, i32c(1), i32c(2), op("i32.add"))), ir.Wasm2Features(), "constant expression required"},
		{"memory64", with(&ir.Module{}, func(m *ir.Module) { m.Memories = []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Is64: true}}}} }), ir.Wasm2Features(), "64-bit memories require --enable-memory64"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := validate.Module(tc.m, nil, tc.f)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %v, want prefix %q", err, tc.want)
			}
		})
	}
	// With the feature on, the same constructs are fine.
	ext := with(&ir.Module{}, withGlobal(i32, false, i32c(1), i32c(2), op("i32.add")))
	if err := validate.Module(ext, nil, ir.Wasm2Features().With(ir.FeatureExtendedConst, true)); err != nil {
		t.Errorf("extended const: %v", err)
	}
	tail := fn(void, op("return_call", 0))
	if err := validate.Module(tail, nil, ir.Wasm2Features().With(ir.FeatureTailCall, true)); err != nil {
		t.Errorf("tail call: %v", err)
	}
	badTail := with(fn(void, op("return_call", 1)), withType(toI32), withFunc(ir.Func{Type: 1, Body: body(i32c(0))}))
	if err := validate.Module(badTail, nil, ir.Wasm2Features().With(ir.FeatureTailCall, true)); err == nil ||
		!strings.HasPrefix(err.Error(), "type mismatch: current function requires result type [] but callee returns [i32]") {
		t.Errorf("tail call of a different result type: %v", err)
	}
}

// TestEndErrorPosition: a block whose stack does not match its results is
// reported at the block; a function's at the function.
func TestEndErrorPosition(t *testing.T) {
	blk := block(bv(i32))
	blk.Pos = 42
	m := fn(void, blk, op("drop"))
	m.Funcs[0].Pos = 7
	m2 := fn(toI32)
	m2.Funcs[0].Pos = 7
	for _, tc := range []struct {
		m    *ir.Module
		want ir.Pos
	}{{m, 42}, {m2, 7}} {
		var list ir.ErrorList
		if err := validate.Module(tc.m, nil, ir.Wasm2Features()); !errors.As(err, &list) {
			t.Fatalf("got %v", err)
		}
		if list[0].Pos != tc.want {
			t.Errorf("%q at %d, want %d", list[0].Msg, list[0].Pos, tc.want)
		}
	}
}

// TestMemory64 checks the address types of 64-bit memories.
func TestMemory64(t *testing.T) {
	f := ir.Wasm2Features().With(ir.FeatureMemory64, true).With(ir.FeatureMultiMemory, true)
	mem64 := func(m *ir.Module) {
		m.Memories = append(m.Memories, ir.Memory{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Is64: true}}})
	}
	on := func(name string, memIdx uint32) ir.Instr {
		in := mem(name)
		in.Mem.Memory = memIdx
		return in
	}
	valid := []*ir.Module{
		with(fn(sig(nil, i64), i64c(0), mem("i64.load")), mem64),
		with(fn(void, i64c(0), i32c(1), mem("i32.store8")), mem64),
		with(fn(sig(nil, i64), op("memory.size")), mem64),
		with(fn(sig(nil, i64), i64c(1), op("memory.grow")), mem64),
		with(fn(void, i64c(0), i32c(0), i64c(1), op("memory.fill")), mem64),
		with(fn(void, i64c(0), i64c(0), i64c(1), op("memory.copy", 0, 0)), mem64),
		// 64-bit destination, 32-bit source: the length is i32.
		with(fn(void, i64c(0), i32c(0), i32c(1), op("memory.copy", 0, 1)), mem64, withMem),
		with(fn(void, i32c(0), i64c(0), i32c(1), op("memory.copy", 1, 0)), mem64, withMem),
		with(fn(void, i64c(0), i32c(0), i32c(1), op("memory.init", 0, 0)), mem64, withData(ir.Data{Mode: ir.SegmentPassive})),
		with(fn(sig(nil, i32), i32c(0), on("i32.load", 1)), mem64, withMem),
		with(fn(void), mem64, withData(ir.Data{Offset: body(i64c(0))})),
	}
	for i, m := range valid {
		if err := validate.Module(m, nil, f); err != nil {
			t.Errorf("valid %d: %v", i, err)
		}
	}
	invalid := []*ir.Module{
		with(fn(sig(nil, i64), i32c(0), mem("i64.load")), mem64),
		with(fn(sig(nil, i32), op("memory.size")), mem64),
		with(fn(void, i64c(0), i64c(0), i64c(1), op("memory.copy", 0, 1)), mem64, withMem),
		with(fn(sig(nil, i32), i64c(0), on("i32.load", 1)), mem64, withMem),
		with(fn(void), mem64, withData(ir.Data{Offset: body(i32c(0))})),
	}
	for i, m := range invalid {
		if err := validate.Module(m, nil, f); err == nil || !strings.HasPrefix(err.Error(), "type mismatch") {
			t.Errorf("invalid %d: got %v, want type mismatch", i, err)
		}
	}
	big := with(&ir.Module{}, func(m *ir.Module) {
		m.Memories = []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1<<48 + 1, Is64: true}}}}
	})
	if err := validate.Module(big, nil, f); err == nil || !strings.HasPrefix(err.Error(), "memory size must be at most") {
		t.Errorf("2^48+1 pages: %v", err)
	}
	far := memAlign("i32.load", 2)
	far.Mem.Offset = 1 << 32
	if err := validate.Module(with(fn(void, i32c(0), far, op("drop")), withMem), nil, f); err == nil || !strings.HasPrefix(err.Error(), "offset out of range") {
		t.Errorf("offset 2^32 on a 32-bit memory: %v", err)
	}
	far.Mem.Offset = 1 << 40
	if err := validate.Module(with(fn(void, i64c(0), far, op("drop")), mem64), nil, f); err != nil {
		t.Errorf("offset 2^40 on a 64-bit memory: %v", err)
	}
}
