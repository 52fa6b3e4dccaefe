package validate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// Hand-built modules for the WebAssembly 3.0 rules: types and subtyping,
// typed function references, non-defaultable locals, GC, exceptions,
// table64 and constant expressions.

var w3 = ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true).With(ir.FeatureThreads, true)

func fnDef(params []ir.ValType, results ...ir.ValType) ir.TypeDef {
	return ir.FuncTypeDef(ir.FuncType{Params: params, Results: results})
}

func structDef(fields ...ir.FieldType) ir.TypeDef {
	return ir.TypeDef{Kind: ir.CompStruct, Fields: fields}
}

func arrayDef(f ir.FieldType) ir.TypeDef {
	return ir.TypeDef{Kind: ir.CompArray, Fields: []ir.FieldType{f}}
}

func fld(t ir.ValType) ir.FieldType { return ir.FieldType{Type: t} }

func mut(t ir.ValType) ir.FieldType { return ir.FieldType{Type: t, Mutable: true} }

// open declares d as a non-final sub type of supers.
func open(d ir.TypeDef, supers ...uint32) ir.TypeDef {
	d.Open, d.Supers = true, supers
	return d
}

// final declares d as a final sub type of supers.
func final(d ir.TypeDef, supers ...uint32) ir.TypeDef {
	d.Supers = supers
	return d
}

func rref(idx uint32) ir.ValType { return ir.Ref(false, ir.HeapIndex(idx)) }

func nref(idx uint32) ir.ValType { return ir.Ref(true, ir.HeapIndex(idx)) }

var (
	anyref, eqref, structref, arrayref, i31ref = ir.AnyRef, ir.EqRef, ir.StructRef, ir.ArrayRef, ir.I31Ref
	exnref, nullref                            = ir.ExnRef, ir.NullRef
	i8                                         = ir.I8
)

// gcMod is a module with the given types (an explicit rec group over all
// of them when rec) and one function of type fnType with locals and body.
func gcMod(types []ir.TypeDef, fnType uint32, locals []ir.LocalRun, ins ...ir.Instr) *ir.Module {
	return &ir.Module{Types: types, Funcs: []ir.Func{{Type: fnType, Locals: locals, Body: ins}}}
}

func recAll(m *ir.Module) { m.Rec = []ir.RecGroup{{Start: 0, Count: uint32(len(m.Types))}} }

func refCast(t ir.ValType) ir.Instr {
	in := ir.Instr{Op: ir.OpRefCast}
	if t.Nullable() {
		in.Op = ir.OpRefCastNull
	}
	in.SetRefType(t)
	return in
}

func refTest(t ir.ValType) ir.Instr {
	in := refCast(t)
	in.Op = ir.OpRefTest
	if t.Nullable() {
		in.Op = ir.OpRefTestNull
	}
	return in
}

func brOnCast(fail bool, label uint32, from, to ir.ValType) ir.Instr {
	in := ir.Instr{Op: ir.OpBrOnCast, Index: label}
	if fail {
		in.Op = ir.OpBrOnCastFail
	}
	in.SetCastTypes(from, to)
	return in
}

func refNullH(h ir.HeapType) ir.Instr {
	in := ir.Instr{Op: ir.OpRefNull}
	in.SetHeapType(h)
	return in
}

func tryTable(bt ir.BlockType, catches []ir.CatchClause, body ...ir.Instr) ir.Instr {
	in := ir.Instr{Op: ir.OpTryTable, Block: bt, Body: body}
	in.SetCatches(catches)
	return in
}

func try(bt ir.BlockType, body []ir.Instr, handlers ...ir.Handler) ir.Instr {
	in := ir.Instr{Op: ir.OpTry, Block: bt, Body: body}
	in.SetHandlers(handlers)
	return in
}

func locals(ts ...ir.ValType) []ir.LocalRun {
	var f ir.Func
	for _, t := range ts {
		f.AddLocals(1, t)
	}
	return f.Locals
}

func withTag(typeIdx uint32) func(*ir.Module) {
	return func(m *ir.Module) { m.Tags = append(m.Tags, ir.Tag{Type: typeIdx}) }
}

func withTable64(elem ir.ValType) func(*ir.Module) {
	return func(m *ir.Module) {
		m.Tables = append(m.Tables, ir.Table{Type: ir.TableType{Elem: elem, Limits: ir.Limits{Min: 1, Is64: true}}})
	}
}

type w3Case struct {
	name string
	m    *ir.Module
	want string // "" for valid, else the first error's prefix
}

func w3Cases() []w3Case {
	voidT := fnDef(nil)
	// Types used by many cases: 0 void; 1 (sub (struct i32)); 2 (sub 1
	// (struct i32 i64)); 3 (array (mut i8)); 4 (func (result i32)).
	base := []ir.TypeDef{voidT, open(structDef(fld(i32))), open(structDef(fld(i32), fld(i64)), 1), arrayDef(mut(i8)), fnDef(nil, i32)}
	withBase := func(extra ...ir.TypeDef) []ir.TypeDef {
		return append(append([]ir.TypeDef{}, base...), extra...)
	}
	anyToAny := fnDef(ts(anyref), anyref) // appended as type 5 where used
	return []w3Case{
		// Subtyping on the operand stack.
		{"struct subtype as anyref", gcMod(withBase(fnDef(nil, anyref)), 5, nil, i32c(1), i64c(2), op("struct.new", 2)), ""},
		{"subtype as supertype", gcMod(withBase(fnDef(nil, nref(1))), 5, nil, i32c(1), i64c(2), op("struct.new", 2)), ""},
		{"supertype is not subtype", gcMod(withBase(fnDef(nil, nref(2))), 5, nil, i32c(1), op("struct.new", 1)), "type mismatch"},
		{"nullable is not non-null", gcMod(withBase(fnDef(nil, rref(1))), 5, nil, refNull(nref(1))), "type mismatch"},
		{"none is below every struct", gcMod(withBase(fnDef(nil, nref(2))), 5, nil, refNullH(ir.HeapNone)), ""},
		{"nofunc is no struct", gcMod(withBase(fnDef(nil, nref(2))), 5, nil, refNullH(ir.HeapNoFunc)), "type mismatch"},
		{"func type is no anyref", gcMod(withBase(fnDef(nil, anyref)), 5, nil, refNull(nref(0))), "type mismatch"},
		{"i31 is eq", gcMod(withBase(fnDef(nil, eqref)), 5, nil, i32c(0), op("ref.i31")), ""},
		{"typed select of subtypes", gcMod(withBase(fnDef(nil, anyref)), 5, nil, i32c(1), op("ref.i31"), refNullH(ir.HeapNone), i32c(0), selectT(anyref)), ""},
		{"untyped select of references", gcMod(withBase(fnDef(nil, anyref)), 5, nil, refNull(anyref), refNull(anyref), i32c(0), op("select")), "type mismatch"},
		{"block result subtype", gcMod(withBase(fnDef(nil, anyref)), 5, nil, block(bv(eqref), refNullH(ir.HeapNone))), ""},
		{"block type with unknown concrete type", gcMod(withBase(), 0, nil, block(bv(nref(9)), op("unreachable")), op("drop")), "unknown type 9"},
		{"br_table to labels of different subtypes", gcMod(withBase(fnDef(nil, anyref)), 5, nil,
			block(bv(anyref), block(bv(eqref), i32c(0), op("ref.i31"), i32c(0), brTable(0, 1)))), ""},
		{"br_table operand not below every label", gcMod(withBase(fnDef(nil, anyref)), 5, nil,
			block(bv(anyref), block(bv(i31ref), refNull(eqref), i32c(0), brTable(0, 1)))), "type mismatch"},
		{"br_table arity differs in unreachable code", fn(void, block(noBT, block(bv(i32), op("unreachable"), brTable(0, 1)), op("drop"))), "type mismatch"},
		{"ref.eq", gcMod(withBase(fnDef(nil, i32)), 5, nil, refNull(eqref), i32c(0), op("ref.i31"), op("ref.eq")), ""},
		{"ref.eq of funcrefs", gcMod(withBase(fnDef(nil, i32)), 5, nil, refNull(funcref), refNull(funcref), op("ref.eq")), "type mismatch"},
		{"ref.is_null of i32", fn(toI32, i32c(0), op("ref.is_null")), "type mismatch: instruction requires reference type"},
		{"ref.as_non_null", gcMod(withBase(fnDef(nil, rref(1))), 5, nil, refNull(nref(1)), op("ref.as_non_null")), ""},
		{"ref.as_non_null in unreachable code is a reference", fn(toI32, op("unreachable"), op("ref.as_non_null"), op("i32.eqz")), "type mismatch"},
		{"ref.as_non_null of unknown then drop", fn(void, op("unreachable"), op("ref.as_non_null"), op("drop")), ""},

		// Typed function references.
		{"ref.func has the function's type", with(gcMod(withBase(fnDef(nil, rref(0))), 5, nil, op("ref.func", 1)),
			withFunc(ir.Func{Type: 0}), withExport("f", ir.ExternFunc, 1)), ""},
		{"ref.func of an equivalent type", with(gcMod(withBase(fnDef(nil, rref(0)), voidT), 5, nil, op("ref.func", 1)),
			withFunc(ir.Func{Type: 6}), withExport("f", ir.ExternFunc, 1)), ""},
		{"ref.func of another type", with(gcMod(withBase(fnDef(nil, rref(0))), 5, nil, op("ref.func", 1)),
			withFunc(ir.Func{Type: 4, Body: body(i32c(0))}), withExport("f", ir.ExternFunc, 1)), "type mismatch"},
		{"call_ref", gcMod(withBase(fnDef(ts(nref(4)), i32)), 5, nil, op("local.get", 0), op("call_ref", 4)), ""},
		{"call_ref of a non-function type", gcMod(withBase(fnDef(ts(nref(1)), i32)), 5, nil, op("local.get", 0), op("call_ref", 1)), "non-function type 1"},
		{"call_ref operand type", gcMod(withBase(fnDef(ts(nref(0)), i32)), 5, nil, op("local.get", 0), op("call_ref", 4)), "type mismatch"},
		{"return_call_ref result subtype", gcMod(withBase(fnDef(nil, eqref), fnDef(ts(nref(5)), anyref)), 6, nil, op("local.get", 0), op("return_call_ref", 5)), ""},
		{"return_call_ref result mismatch", gcMod(withBase(fnDef(ts(nref(4)), i64)), 5, nil, op("local.get", 0), op("return_call_ref", 4)),
			"type mismatch: current function requires result type [i64] but callee returns [i32]"},
		{"br_on_null", gcMod(withBase(fnDef(ts(nref(1)), i32)), 5, nil,
			block(bv(i32), i32c(7), op("local.get", 0), op("br_on_null", 0), op("drop"), op("drop"), i32c(1))), ""},
		{"br_on_null of i32", fn(void, block(noBT, i32c(0), op("br_on_null", 0), op("drop"))), "type mismatch: instruction requires reference type"},
		{"br_on_non_null", gcMod(withBase(fnDef(ts(nref(1)), rref(1))), 5, nil,
			block(bv(rref(1)), op("local.get", 0), op("br_on_non_null", 0), op("unreachable"))), ""},
		{"br_on_non_null needs a reference label", fn(void, block(noBT, refNull(funcref), op("br_on_non_null", 0))), "type mismatch"},
		{"call_indirect on a typed table", with(gcMod(withBase(), 0, nil, i32c(0), op("call_indirect", 0, 0)), withTable(nref(0), 1)), ""},
		{"call_indirect on an anyref table", with(gcMod(withBase(), 0, nil, i32c(0), op("call_indirect", 0, 0)), withTable(anyref, 1)), "type mismatch"},

		// Non-defaultable locals.
		{"set then get", gcMod(withBase(), 0, locals(rref(1)), i32c(0), op("struct.new", 1), op("local.set", 0), op("local.get", 0), op("drop")), ""},
		{"get before set", gcMod(withBase(), 0, locals(rref(1)), op("local.get", 0), op("drop")), "uninitialized local"},
		{"tee sets", gcMod(withBase(), 0, locals(rref(1)), i32c(0), op("struct.new", 1), op("local.tee", 0), op("drop"), op("local.get", 0), op("drop")), ""},
		{"set in a block is forgotten after it", gcMod(withBase(), 0, locals(rref(1)),
			block(noBT, i32c(0), op("struct.new", 1), op("local.set", 0)), op("local.get", 0), op("drop")), "uninitialized local"},
		{"set in then is unknown in else", gcMod(withBase(), 0, locals(rref(1)),
			i32c(0), ifElse(noBT, body(i32c(0), op("struct.new", 1), op("local.set", 0)), body(op("local.get", 0), op("drop")))), "uninitialized local"},
		{"set before a block is known inside", gcMod(withBase(), 0, locals(rref(1)),
			i32c(0), op("struct.new", 1), op("local.set", 0), block(noBT, op("local.get", 0), op("drop"))), ""},
		{"nullable locals need no set", gcMod(withBase(), 0, locals(nref(1)), op("local.get", 0), op("drop")), ""},
		{"non-null params are set", gcMod(withBase(fnDef(ts(rref(1)))), 5, locals(rref(1)), op("local.get", 0), op("drop")), ""},
		{"unknown local type", gcMod(withBase(), 0, locals(rref(99))), "unknown type 99"},

		// Structs and arrays.
		{"struct.new_default", gcMod(withBase(), 0, nil, op("struct.new_default", 2), op("drop")), ""},
		{"struct.new_default of a non-null field", gcMod(withBase(structDef(fld(rref(1)))), 0, nil, op("struct.new_default", 5), op("drop")), "field type is not defaultable"},
		{"struct.new operands", gcMod(withBase(), 0, nil, i64c(0), op("struct.new", 1), op("drop")), "type mismatch"},
		{"struct.new of an array type", gcMod(withBase(), 0, nil, op("struct.new", 3), op("drop")), "non-structure type 3"},
		{"struct.get", gcMod(withBase(fnDef(ts(nref(2)), i64)), 5, nil, op("local.get", 0), op("struct.get", 2, 1)), ""},
		{"struct.get of a subtype", gcMod(withBase(fnDef(ts(nref(2)), i32)), 5, nil, op("local.get", 0), op("struct.get", 1, 0)), ""},
		{"struct.get unknown field", gcMod(withBase(fnDef(ts(nref(2)), i32)), 5, nil, op("local.get", 0), op("struct.get", 2, 2)), "unknown field 2"},
		{"struct.get of a packed field", gcMod(withBase(structDef(fld(i8)), fnDef(ts(nref(5)), i32)), 6, nil, op("local.get", 0), op("struct.get", 5, 0)), "field is packed"},
		{"struct.get_s of a packed field", gcMod(withBase(structDef(fld(i8)), fnDef(ts(nref(5)), i32)), 6, nil, op("local.get", 0), op("struct.get_s", 5, 0)), ""},
		{"struct.get_u of an unpacked field", gcMod(withBase(fnDef(ts(nref(1)), i32)), 5, nil, op("local.get", 0), op("struct.get_u", 1, 0)), "field is unpacked"},
		{"struct.set of an immutable field", gcMod(withBase(fnDef(ts(nref(1)))), 5, nil, op("local.get", 0), i32c(0), op("struct.set", 1, 0)), "immutable field"},
		{"struct.set", gcMod(withBase(structDef(mut(i8)), fnDef(ts(nref(5)))), 6, nil, op("local.get", 0), i32c(0), op("struct.set", 5, 0)), ""},
		{"array ops", with(gcMod(withBase(fnDef(ts(nref(3)), i32)), 5, nil,
			op("local.get", 0), i32c(0), op("array.get_u", 3), op("drop"),
			op("local.get", 0), i32c(0), i32c(1), op("array.set", 3),
			op("local.get", 0), i32c(0), i32c(1), i32c(2), op("array.fill", 3),
			op("local.get", 0), i32c(0), op("local.get", 0), i32c(0), i32c(1), op("array.copy", 3, 3),
			op("local.get", 0), i32c(0), i32c(0), i32c(0), op("array.init_data", 3, 0),
			i32c(0), i32c(4), op("array.new_data", 3, 0), op("drop"),
			i32c(0), i32c(4), op("array.new", 3), op("drop"),
			i32c(4), op("array.new_default", 3), op("drop"),
			i32c(1), i32c(2), i32c(3), ir.Instr{Op: ir.OpArrayNewFixed, Index: 3, Index2: 3}, op("drop"),
			op("local.get", 0), op("array.len")), withData(ir.Data{Mode: ir.SegmentPassive})), ""},
		{"array.get of a packed array", gcMod(withBase(fnDef(ts(nref(3)), i32)), 5, nil, op("local.get", 0), i32c(0), op("array.get", 3)), "array is packed"},
		{"array.set of an immutable array", gcMod(withBase(arrayDef(fld(i32)), fnDef(ts(nref(5)))), 6, nil, op("local.get", 0), i32c(0), i32c(0), op("array.set", 5)), "immutable array"},
		{"array.copy between storage types", gcMod(withBase(arrayDef(mut(i32)), fnDef(ts(nref(5), nref(3)))), 6, nil,
			op("local.get", 0), i32c(0), op("local.get", 1), i32c(0), i32c(0), op("array.copy", 5, 3)), "array types do not match"},
		{"array.copy from a subtype", gcMod(withBase(arrayDef(mut(anyref)), arrayDef(fld(eqref)), fnDef(ts(nref(5), nref(6)))), 7, nil,
			op("local.get", 0), i32c(0), op("local.get", 1), i32c(0), i32c(0), op("array.copy", 5, 6)), ""},
		{"array.new_data of references", with(gcMod(withBase(arrayDef(fld(anyref))), 0, nil, i32c(0), i32c(0), op("array.new_data", 5, 0), op("drop")),
			withData(ir.Data{Mode: ir.SegmentPassive})), "array type is not numeric or vector"},
		{"array.new_data unknown segment", gcMod(withBase(), 0, nil, i32c(0), i32c(0), op("array.new_data", 3, 0), op("drop")), "unknown data segment 0"},
		{"array.new_elem", with(gcMod(withBase(arrayDef(fld(funcref))), 0, nil, i32c(0), i32c(0), op("array.new_elem", 5, 0), op("drop")),
			withElem(ir.Elem{Mode: ir.SegmentPassive, Type: ir.Ref(false, ir.HeapFunc)})), ""},
		{"array.new_elem of another type", with(gcMod(withBase(arrayDef(fld(anyref))), 0, nil, i32c(0), i32c(0), op("array.new_elem", 5, 0), op("drop")),
			withElem(ir.Elem{Mode: ir.SegmentPassive, Type: funcref})), "type mismatch"},
		{"array.new_default of non-null", gcMod(withBase(arrayDef(fld(rref(1)))), 0, nil, i32c(1), op("array.new_default", 5), op("drop")), "array type is not defaultable"},
		{"array.len of a struct", gcMod(withBase(fnDef(ts(nref(1)), i32)), 5, nil, op("local.get", 0), op("array.len")), "type mismatch"},
		{"array.new_fixed with too few operands", gcMod(withBase(), 0, nil, i32c(1), ir.Instr{Op: ir.OpArrayNewFixed, Index: 3, Index2: 2}, op("drop")), "type mismatch"},
		{"array.new_fixed of 2^32-1 in unreachable code", gcMod(withBase(), 0, nil, op("unreachable"), ir.Instr{Op: ir.OpArrayNewFixed, Index: 3, Index2: ^uint32(0)}, op("drop")), ""},
		{"i31", gcMod(withBase(fnDef(nil, i32)), 5, nil, i32c(5), op("ref.i31"), op("i31.get_s"), op("ref.i31"), op("i31.get_u")), ""},
		{"i31.get of anyref", gcMod(withBase(fnDef(nil, i32)), 5, nil, refNull(anyref), op("i31.get_s")), "type mismatch"},
		{"extern conversions keep nullability", gcMod(withBase(fnDef(ts(ir.Ref(false, ir.HeapExtern)), rref(0))), 5, nil,
			op("local.get", 0), op("any.convert_extern"), op("extern.convert_any"), op("any.convert_extern"), op("drop"), op("unreachable")), ""},
		{"any.convert_extern of nullable is nullable", gcMod(withBase(fnDef(nil, ir.Ref(false, ir.HeapAny))), 5, nil,
			refNull(externref), op("any.convert_extern")), "type mismatch"},

		// Casts.
		{"ref.test and ref.cast", gcMod(withBase(fnDef(ts(anyref), rref(2))), 5, nil,
			op("local.get", 0), refTest(rref(1)), op("drop"), op("local.get", 0), refCast(rref(2))), ""},
		{"ref.cast across hierarchies", gcMod(withBase(fnDef(ts(funcref), anyref)), 5, nil, op("local.get", 0), refCast(rref(1))), "type mismatch"},
		{"ref.cast nullable result", gcMod(withBase(fnDef(ts(anyref), rref(1))), 5, nil, op("local.get", 0), refCast(nref(1))), "type mismatch"},
		{"br_on_cast", gcMod(withBase(fnDef(ts(anyref), rref(2))), 5, nil,
			block(bv(rref(2)), op("local.get", 0), brOnCast(false, 0, anyref, rref(2)), op("drop"), op("unreachable"))), ""},
		{"br_on_cast leaves the rest", gcMod(withBase(fnDef(ts(anyref), anyref)), 5, nil,
			block(bv(eqref), op("local.get", 0), brOnCast(false, 0, anyref, nref(1)), ir.Instr{Op: ir.OpReturn})), ""},
		{"br_on_cast target not below source", gcMod(withBase(fnDef(ts(eqref), anyref)), 5, nil,
			block(bv(anyref), op("local.get", 0), brOnCast(false, 0, eqref, anyref))), "type mismatch"},
		{"br_on_cast label too narrow", gcMod(withBase(fnDef(ts(anyref), anyref)), 5, nil,
			block(bv(rref(2)), op("local.get", 0), brOnCast(false, 0, anyref, rref(1)), op("drop"), op("unreachable"))), "type mismatch"},
		{"br_on_cast_fail", gcMod(withBase(fnDef(ts(anyref), rref(1))), 5, nil,
			block(bv(anyref), op("local.get", 0), brOnCast(true, 0, anyref, rref(1)), ir.Instr{Op: ir.OpReturn}), op("drop"), op("unreachable")), ""},
		{"br_on_cast_fail non-null failure", gcMod(withBase(fnDef(ts(anyref), rref(1))), 5, nil,
			block(bv(ir.Ref(false, ir.HeapAny)), op("local.get", 0), brOnCast(true, 0, anyref, nref(1)), op("drop"), op("unreachable")), op("drop"), op("unreachable")), ""},

		// Type section.
		{"recursive group", with(gcMod([]ir.TypeDef{voidT, structDef(fld(nref(2))), structDef(fld(nref(1)))}, 0, nil), func(m *ir.Module) {
			m.Rec = []ir.RecGroup{{Start: 1, Count: 2}}
		}), ""},
		{"reference past the group", gcMod([]ir.TypeDef{voidT, structDef(fld(nref(2))), structDef(fld(nref(1)))}, 0, nil), "unknown type 2"},
		{"self reference", gcMod([]ir.TypeDef{voidT, structDef(fld(nref(1)))}, 0, nil), ""},
		{"sub type of a final type", gcMod([]ir.TypeDef{voidT, structDef(), open(structDef(), 1)}, 0, nil), "sub type 2 has final super type 1"},
		{"sub type does not match", gcMod([]ir.TypeDef{voidT, open(structDef(fld(i32))), open(structDef(fld(i64)), 1)}, 0, nil), "sub type 2 does not match super type 1"},
		{"sub struct narrower", gcMod([]ir.TypeDef{voidT, open(structDef(fld(i32), fld(i32))), open(structDef(fld(i32)), 1)}, 0, nil), "sub type"},
		{"sub func contravariant", gcMod([]ir.TypeDef{voidT, open(fnDef(ts(eqref), anyref)), open(fnDef(ts(anyref), eqref), 1)}, 0, nil), ""},
		{"sub func covariant params", gcMod([]ir.TypeDef{voidT, open(fnDef(ts(anyref))), open(fnDef(ts(eqref)), 1)}, 0, nil), "sub type"},
		{"mutable field invariant", gcMod([]ir.TypeDef{voidT, open(structDef(mut(anyref))), open(structDef(mut(eqref)), 1)}, 0, nil), "sub type"},
		{"immutable field covariant", gcMod([]ir.TypeDef{voidT, open(structDef(fld(anyref))), open(structDef(fld(eqref)), 1)}, 0, nil), ""},
		{"array of struct", gcMod([]ir.TypeDef{voidT, open(arrayDef(fld(i32))), open(structDef(), 1)}, 0, nil), "sub type"},
		{"final sub type", gcMod([]ir.TypeDef{voidT, open(structDef()), final(structDef(), 1), open(structDef(), 2)}, 0, nil), "sub type 3 has final super type 2"},
		{"forward super in a group", with(gcMod([]ir.TypeDef{voidT, open(structDef(), 2), open(structDef())}, 0, nil), func(m *ir.Module) {
			m.Rec = []ir.RecGroup{{Start: 1, Count: 2}}
		}), "forward use of type 2"},
		{"super past the group", gcMod([]ir.TypeDef{voidT, open(structDef(), 2), open(structDef())}, 0, nil), "unknown type 2"},
		{"super in the same group", with(gcMod([]ir.TypeDef{voidT, open(structDef(fld(nref(2)))), open(structDef(fld(nref(2)), fld(i32)), 1)}, 0, nil), func(m *ir.Module) {
			m.Rec = []ir.RecGroup{{Start: 1, Count: 2}}
		}), ""},
		{"two supertypes", gcMod([]ir.TypeDef{voidT, open(structDef()), open(structDef()), open(structDef(), 1, 2)}, 0, nil), "sub type 3 has 2 super types"},
		{"array with two element types", gcMod([]ir.TypeDef{voidT, {Kind: ir.CompArray, Fields: []ir.FieldType{fld(i32), fld(i32)}}}, 0, nil), "invalid array type"},
		// Iso-recursive equivalence: two groups of the same shape define
		// the same types; a group of another shape does not.
		{"equivalent groups", with(gcMod([]ir.TypeDef{structDef(fld(nref(1))), structDef(fld(nref(0))),
			structDef(fld(nref(3))), structDef(fld(nref(2))), fnDef(ts(nref(0)), nref(2))}, 4, nil, op("local.get", 0)), func(m *ir.Module) {
			m.Rec = []ir.RecGroup{{Start: 0, Count: 2}, {Start: 2, Count: 2}}
		}), ""},
		{"groups of different shape", with(gcMod([]ir.TypeDef{structDef(fld(nref(1))), structDef(fld(nref(0))),
			structDef(fld(nref(3))), structDef(fld(nref(2)), fld(i32)), fnDef(ts(nref(0)), nref(2))}, 4, nil, op("local.get", 0)), func(m *ir.Module) {
			m.Rec = []ir.RecGroup{{Start: 0, Count: 2}, {Start: 2, Count: 2}}
		}), "type mismatch"},
		{"groups in another order", with(gcMod([]ir.TypeDef{structDef(fld(nref(1))), structDef(fld(nref(0)), fld(i32)),
			structDef(fld(nref(3)), fld(i32)), structDef(fld(nref(2))), fnDef(ts(nref(0)), nref(3))}, 4, nil, op("local.get", 0)), func(m *ir.Module) {
			m.Rec = []ir.RecGroup{{Start: 0, Count: 2}, {Start: 2, Count: 2}}
		}), "type mismatch"},
		{"declared subtype across equivalent types", gcMod([]ir.TypeDef{open(structDef()), open(structDef()),
			open(structDef(fld(i32)), 1), fnDef(ts(nref(2)), nref(0))}, 3, nil, op("local.get", 0)), ""},

		// Exceptions.
		{"throw", with(gcMod([]ir.TypeDef{voidT, fnDef(ts(i32))}, 0, nil, i32c(1), op("throw", 0)), withTag(1)), ""},
		{"throw operands", with(gcMod([]ir.TypeDef{voidT, fnDef(ts(i32))}, 0, nil, i64c(1), op("throw", 0)), withTag(1)),
			"type mismatch: instruction requires [i32] but stack has [i64]"},
		{"unknown tag", fn(void, op("throw", 0)), "unknown tag 0"},
		{"tag with results", with(gcMod([]ir.TypeDef{voidT, fnDef(nil, i32)}, 0, nil), withTag(1)), "non-empty tag result type"},
		{"tag of a struct type", with(gcMod([]ir.TypeDef{voidT, structDef()}, 0, nil), withTag(1)), "non-function type 1"},
		{"throw_ref", fn(void, refNull(exnref), op("throw_ref")), ""},
		{"throw_ref of anyref", fn(void, refNull(anyref), op("throw_ref")), "type mismatch"},
		{"try_table catches", with(gcMod([]ir.TypeDef{voidT, fnDef(ts(i32)), fnDef(nil, i32), fnDef(nil, i32, exnref), fnDef(nil, exnref)}, 0, nil,
			block(bv(i32), tryTable(noBT, []ir.CatchClause{{Kind: ir.Catch, Tag: 0, Label: 0}}, i32c(1), op("throw", 0)), i32c(0)), op("drop"),
			block(bi(3), tryTable(noBT, []ir.CatchClause{{Kind: ir.CatchRef, Tag: 0, Label: 0}}), op("unreachable")), op("drop"), op("drop"),
			block(bi(4), tryTable(noBT, []ir.CatchClause{{Kind: ir.CatchAllRef, Label: 0}}), op("unreachable")), op("drop"),
			block(noBT, tryTable(bv(i32), []ir.CatchClause{{Kind: ir.CatchAll, Label: 1}}, i32c(0)), op("drop"))), withTag(1)), ""},
		{"try_table catch label type", with(gcMod([]ir.TypeDef{voidT, fnDef(ts(i32))}, 0, nil,
			block(bv(i64), tryTable(noBT, []ir.CatchClause{{Kind: ir.Catch, Tag: 0, Label: 0}}), i64c(0)), op("drop")), withTag(1)), "type mismatch"},
		{"try_table catch_ref needs exnref", with(gcMod([]ir.TypeDef{voidT, fnDef(ts(i32))}, 0, nil,
			block(bv(i32), tryTable(noBT, []ir.CatchClause{{Kind: ir.CatchRef, Tag: 0, Label: 0}}), i32c(0)), op("drop")), withTag(1)), "type mismatch"},
		{"try_table catch label is outside", fn(void, tryTable(noBT, []ir.CatchClause{{Kind: ir.CatchAll, Label: 1}})), "unknown label 1"},
		{"try_table unknown tag", fn(void, tryTable(noBT, []ir.CatchClause{{Kind: ir.Catch, Tag: 3, Label: 0}})), "unknown tag 3"},
		{"legacy try", with(gcMod([]ir.TypeDef{voidT, fnDef(ts(i32))}, 0, nil,
			try(bv(i32), body(i32c(1)), ir.Handler{Tag: 0, Body: body()}, ir.Handler{All: true, Body: body(i32c(2))}), op("drop"),
			try(noBT, body(), ir.Handler{Tag: 0, Body: body(op("drop"), op("rethrow", 0))})), withTag(1)), ""},
		{"legacy catch arm result", with(gcMod([]ir.TypeDef{voidT, fnDef(ts(i64))}, 0, nil,
			try(bv(i32), body(i32c(1)), ir.Handler{Tag: 0, Body: body()}), op("drop")), withTag(1)), "type mismatch: instruction requires [i32] but stack has [i64]"},
		{"legacy catch_all leaves a value", fn(void, try(noBT, body(), ir.Handler{All: true, Body: body(i32c(42))})), "type mismatch: block requires [] but stack has [i32]"},
		{"rethrow outside catch", fn(void, try(noBT, body(op("rethrow", 0)))), "invalid rethrow label"},
		{"rethrow from a block in catch", fn(void, try(noBT, body(), ir.Handler{All: true, Body: body(block(noBT, op("rethrow", 1)))})), ""},
		{"rethrow to a block", fn(void, try(noBT, body(), ir.Handler{All: true, Body: body(block(noBT, op("rethrow", 0)))})), "invalid rethrow label"},
		{"delegate to the function", fn(void, block(noBT, func() ir.Instr {
			in := try(noBT, body())
			in.SetDelegate(1)
			return in
		}())), ""},
		{"delegate too far", fn(void, block(noBT, func() ir.Instr {
			in := try(noBT, body())
			in.SetDelegate(2)
			return in
		}())), "unknown label 2"},

		// Tables.
		{"table64 ops", with(gcMod([]ir.TypeDef{voidT}, 0, nil,
			i64c(0), op("table.get", 0), op("drop"), i64c(0), refNull(funcref), op("table.set", 0),
			refNull(funcref), i64c(1), op("table.grow", 0), op("drop"), i64c(0), refNull(funcref), i64c(1), op("table.fill", 0),
			op("table.size", 0), op("drop"), i64c(0), op("call_indirect", 0, 0),
			i64c(0), i64c(0), i64c(0), op("table.copy", 0, 0),
			i64c(0), i32c(0), i32c(0), op("table.copy", 0, 1),
			i64c(0), i32c(0), i32c(0), op("table.init", 0, 0)),
			withTable64(funcref), withFuncTable, withElem(ir.Elem{Mode: ir.SegmentPassive, Type: funcref})), ""},
		{"table64 index is i64", with(fn(void, i32c(0), op("table.get", 0), op("drop")), withTable64(funcref)), "type mismatch"},
		{"table64 size is i64", with(fn(toI32, op("table.size", 0)), withTable64(funcref)), "type mismatch"},
		{"call_indirect on table64", with(fn(void, i32c(0), op("call_indirect", 0, 0)), withTable64(funcref)), "type mismatch"},
		{"table of non-null needs an initializer", with(gcMod([]ir.TypeDef{voidT}, 0, nil), withTable(rref(0), 1)), "type mismatch"},
		{"table initializer", with(gcMod([]ir.TypeDef{voidT}, 0, nil), func(m *ir.Module) {
			m.Tables = append(m.Tables, ir.Table{Type: ir.TableType{Elem: rref(0), Limits: ir.Limits{Min: 1}}, Init: body(op("ref.func", 0))})
		}), ""},
		{"table.copy from subtype", with(gcMod([]ir.TypeDef{voidT}, 0, nil, i32c(0), i32c(0), i32c(0), op("table.copy", 0, 1)),
			withFuncTable, withTable(nref(0), 1)), ""},
		{"table.copy to subtype", with(gcMod([]ir.TypeDef{voidT}, 0, nil, i32c(0), i32c(0), i32c(0), op("table.copy", 1, 0)),
			withFuncTable, withTable(nref(0), 1)), "type mismatch"},
		{"elem of a subtype", with(gcMod([]ir.TypeDef{voidT}, 0, nil), withFuncTable,
			withElem(ir.Elem{Offset: body(i32c(0)), Type: rref(0), Init: [][]ir.Instr{{op("ref.func", 0)}}})), ""},
		{"elem of a supertype", with(gcMod([]ir.TypeDef{voidT}, 0, nil), withTable(rref(0), 0),
			withElem(ir.Elem{Offset: body(i32c(0)), Type: funcref})), "type mismatch"},
		{"elem offset of table64", with(gcMod([]ir.TypeDef{voidT}, 0, nil), withTable64(funcref),
			withElem(ir.Elem{Offset: body(i64c(0)), Type: funcref})), ""},
		{"table64 limits", with(gcMod([]ir.TypeDef{voidT}, 0, nil), func(m *ir.Module) {
			m.Tables = append(m.Tables, ir.Table{Type: ir.TableType{Elem: funcref, Limits: ir.Limits{Min: 1 << 40, Is64: true}}})
		}), ""},
		{"table32 limits", with(gcMod([]ir.TypeDef{voidT}, 0, nil), func(m *ir.Module) {
			m.Tables = append(m.Tables, ir.Table{Type: ir.TableType{Elem: funcref, Limits: ir.Limits{Min: 1 << 32}}})
		}), "table size must be at most 2^32-1"},

		// Memories.
		{"memory64 limits", with(&ir.Module{}, func(m *ir.Module) {
			m.Memories = []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1<<48 + 1, Is64: true}}}}
		}), "memory size must be at most 2^48 pages"},
		{"shared memory64 needs a maximum", with(&ir.Module{}, func(m *ir.Module) {
			m.Memories = []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Is64: true}, Shared: true}}}
		}), "shared memory must have maximum"},
		{"wait and notify on memory64", with(fn(toI32, i64c(0), i32c(0), i64c(0), mem("memory.atomic.wait32"), op("drop"),
			i64c(0), i32c(1), mem("memory.atomic.notify")), func(m *ir.Module) {
			m.Memories = []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true, Is64: true}, Shared: true}}}
		}), ""},
		{"atomics on the second memory", with(fn(toI32, i32c(0), func() ir.Instr {
			in := mem("i32.atomic.load")
			in.Mem.Memory = 1
			return in
		}()), withMem, withSharedMem), ""},

		// Constant expressions.
		{"earlier global in an initialiser", with(fn(void), withGlobal(i32, false, i32c(0)), withGlobal(i32, false, op("global.get", 0))), ""},
		{"later global in an initialiser", with(fn(void), withGlobal(i32, false, op("global.get", 1)), withGlobal(i32, false, i32c(0))), "unknown global 1"},
		{"mutable global in an initialiser", with(fn(void), withGlobal(i32, true, i32c(0)), withGlobal(i32, false, op("global.get", 0))), "constant expression required"},
		{"defined global in a segment offset", with(fn(void), withGlobal(i32, false, i32c(0)), withMem, withData(ir.Data{Offset: body(op("global.get", 0))})), ""},
		{"defined global in a table initialiser", with(fn(void), withGlobal(funcref, false, refNull(funcref)), func(m *ir.Module) {
			m.Tables = append(m.Tables, ir.Table{Type: ir.TableType{Elem: funcref, Limits: ir.Limits{Min: 1}}, Init: body(op("global.get", 0))})
		}), "unknown global 0"},
		{"GC constants", with(gcMod(withBase(), 0, nil), withGlobal(nref(2), false, i32c(1), i64c(2), op("struct.new", 2)),
			withGlobal(anyref, false, op("struct.new_default", 1)),
			withGlobal(nref(3), false, i32c(1), i32c(2), ir.Instr{Op: ir.OpArrayNewFixed, Index: 3, Index2: 2}),
			withGlobal(nref(3), false, i32c(1), i32c(2), op("array.new", 3)),
			withGlobal(nref(3), false, i32c(2), op("array.new_default", 3)),
			withGlobal(i31ref, false, i32c(1), op("ref.i31")),
			withGlobal(externref, false, op("global.get", 5), op("extern.convert_any")),
			withGlobal(anyref, false, refNull(externref), op("any.convert_extern")),
			withGlobal(i64, false, i64c(1), i64c(2), op("i64.mul"), i64c(3), op("i64.sub"))), ""},
		{"array.get is not constant", with(gcMod(withBase(), 0, nil), withGlobal(i32, false, refNull(nref(3)), i32c(0), op("array.get_u", 3))), "constant expression required"},
		{"i32.div_u is not constant", with(fn(void), withGlobal(i32, false, i32c(4), i32c(2), op("i32.div_u"))), "constant expression required"},
		{"global of unknown type", with(fn(void), withGlobal(nref(7), false, refNull(nref(7)))), "unknown type 7"},

		// Code metadata.
		{"branch hint on br_if", fn(void, block(noBT, i32c(0), func() ir.Instr {
			in := op("br_if", 0)
			in.SetMeta([]ir.CodeMeta{{Name: "branch_hint", Data: []byte{1}}})
			return in
		}())), ""},
		{"branch hint on i32.eqz", fn(toI32, i32c(0), func() ir.Instr {
			in := op("i32.eqz")
			in.SetMeta([]ir.CodeMeta{{Name: "branch_hint", Data: []byte{1}}})
			return in
		}()), "@metadata.code.branch_hint annotation: invalid target"},
		{"other metadata anywhere", fn(toI32, i32c(0), func() ir.Instr {
			in := op("i32.eqz")
			in.SetMeta([]ir.CodeMeta{{Name: "other", Data: []byte{1}}})
			return in
		}()), ""},

		// Misplaced separators.
		{"catch in the tree", fn(void, op("catch", 0)), "misplaced catch"},
		{"anyToAny", gcMod(withBase(anyToAny), 5, nil, op("local.get", 0)), ""},
	}
}

func TestW3(t *testing.T) {
	for _, tc := range w3Cases() {
		t.Run(tc.name, func(t *testing.T) {
			for _, fast := range []bool{true, false} {
				restore := validate.SetFastChecks(fast)
				err := validate.Module(tc.m, nil, w3)
				restore()
				if tc.want == "" {
					if err != nil {
						t.Errorf("fast=%v: unexpected error: %v", fast, err)
					}
					continue
				}
				var list ir.ErrorList
				if !errors.As(err, &list) || len(list) == 0 {
					t.Fatalf("fast=%v: got %v, want an error starting with %q", fast, err, tc.want)
				}
				if !strings.HasPrefix(list[0].Msg, tc.want) || list[0].Kind != ir.Invalid {
					t.Errorf("fast=%v: got %v %q, want invalid %q", fast, list[0].Kind, list[0].Msg, tc.want)
				}
			}
		})
	}
}

// TestW3FeaturesOff: each construct of 3.0 names the flag it needs.
func TestW3FeaturesOff(t *testing.T) {
	f2 := ir.Wasm2Features()
	cases := []struct {
		name string
		m    *ir.Module
		f    ir.Features
		want string
	}{
		{"struct type", gcMod([]ir.TypeDef{fnDef(nil), structDef()}, 0, nil), f2, "struct types require --enable-gc"},
		{"sub type", gcMod([]ir.TypeDef{open(fnDef(nil))}, 0, nil), f2, "sub types require --enable-gc"},
		{"rec group", with(gcMod([]ir.TypeDef{fnDef(nil)}, 0, nil), recAll), f2, "rec requires --enable-gc"},
		{"concrete reference", gcMod([]ir.TypeDef{fnDef(ts(nref(0)))}, 0, nil), f2, "(ref null 0) requires --enable-function-references"},
		{"non-null reference", gcMod([]ir.TypeDef{fnDef(ts(ir.Ref(false, ir.HeapFunc)))}, 0, nil), f2, "(ref func) requires --enable-function-references"},
		{"anyref", gcMod([]ir.TypeDef{fnDef(ts(anyref))}, 0, nil), f2, "anyref requires --enable-gc"},
		{"exnref", gcMod([]ir.TypeDef{fnDef(ts(exnref))}, 0, nil), f2, "exnref requires --enable-exceptions"},
		{"tag", with(fn(void), withTag(0)), f2, "tags require --enable-exceptions"},
		{"try_table", fn(void, tryTable(noBT, nil)), f2, "try_table requires --enable-exceptions"},
		{"legacy try", fn(void, try(noBT, nil)), ir.DefaultFeatures(), "try requires --enable-legacy-exceptions"},
		{"ref.i31", fn(void, i32c(0), op("ref.i31"), op("drop")), f2, "ref.i31 requires --enable-gc"},
		{"call_ref", fn(void, op("call_ref", 0)), f2, "call_ref requires --enable-function-references"},
		{"table64", with(fn(void), withTable64(funcref)), f2, "64-bit tables require --enable-memory64"},
		{"GC constant", with(fn(void), withGlobal(i32, false, i32c(0), op("ref.i31"), op("drop"))), f2, "constant expression required"},
		{"relaxed simd", fn(void, v128c(), v128c(), op("i8x16.relaxed_swizzle"), op("drop")), f2, "i8x16.relaxed_swizzle requires --enable-relaxed-simd"},
		// 2.0 keeps its texts and visibility rules.
		{"2.0 global.set", with(fn(void, i32c(0), op("global.set", 0)), withGlobal(i32, false, i32c(0))), f2, "global is immutable"},
		{"2.0 defined global invisible", with(fn(void), withGlobal(i32, false, i32c(0)), withGlobal(i32, false, op("global.get", 0))), f2, "unknown global 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := validate.Module(tc.m, nil, tc.f)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %v, want prefix %q", err, tc.want)
			}
		})
	}
}

// TestManyFuncTypes: in a module with many function types, some
// equivalent, equivalent ones are interchangeable (which canonicalizes the
// whole type section).
func TestManyFuncTypes(t *testing.T) {
	const n = 5000
	m := &ir.Module{}
	for i := range n {
		ps := make([]ir.ValType, i%17)
		for k := range ps {
			ps[k] = i32
		}
		m.Types = append(m.Types, fnDef(ps, i32))
	}
	// Types 5 and 5+17k are equivalent.
	m.Types = append(m.Types, fnDef(ts(nref(5)), nref(5+17*200)))
	m.Funcs = append(m.Funcs, ir.Func{Type: n, Body: body(op("local.get", 0))})
	if err := validate.Module(m, nil, w3); err != nil {
		t.Fatal(err)
	}
	m.Types[n] = fnDef(ts(nref(5)), nref(6+17*200))
	if err := validate.Module(m, nil, w3); err == nil {
		t.Fatal("inequivalent types accepted")
	}
}
