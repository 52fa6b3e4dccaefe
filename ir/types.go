// Package ir is watt's module representation: value and entity types, the
// instruction tree, source positions, errors, feature flags and the single
// opcode table every other package reads.
package ir

import (
	"strconv"
	"strings"
)

// ValType is a value type. Number and vector types are their binary code
// (I32 is 0x7f); I8 and I16 are the packed storage types of struct and
// array fields. A reference type sets refBit, nullBit when nullable, and
// carries its heap type in the low bits, so every value type, concrete
// references included, is one comparable word: `t == ir.FuncRef` works,
// and two reference types are equal exactly when they are written alike
// (subtyping and type equivalence are the validator's business).
type ValType uint32

const (
	I32  ValType = 0x7f
	I64  ValType = 0x7e
	F32  ValType = 0x7d
	F64  ValType = 0x7c
	V128 ValType = 0x7b
	// Packed storage types: only as struct and array field types.
	I8  ValType = 0x78
	I16 ValType = 0x77

	refBit  ValType = 1 << 30
	nullBit ValType = 1 << 29
	heapMax ValType = nullBit - 1

	// The abbreviations of the text format: nullable abstract references.
	FuncRef       = refBit | nullBit | ValType(HeapFunc)
	ExternRef     = refBit | nullBit | ValType(HeapExtern)
	AnyRef        = refBit | nullBit | ValType(HeapAny)
	EqRef         = refBit | nullBit | ValType(HeapEq)
	I31Ref        = refBit | nullBit | ValType(HeapI31)
	StructRef     = refBit | nullBit | ValType(HeapStruct)
	ArrayRef      = refBit | nullBit | ValType(HeapArray)
	ExnRef        = refBit | nullBit | ValType(HeapExn)
	NullRef       = refBit | nullBit | ValType(HeapNone)
	NullFuncRef   = refBit | nullBit | ValType(HeapNoFunc)
	NullExternRef = refBit | nullBit | ValType(HeapNoExtern)
	NullExnRef    = refBit | nullBit | ValType(HeapNoExn)
)

// HeapType is the referent of a reference type: an abstract heap type
// (HeapFunc, HeapAny, ...) or a type index (a concrete type). Abstract ones
// set heapAbstract over their binary code; type indices are below
// MaxTypeIndex.
type HeapType uint32

const heapAbstract HeapType = 1 << 28

// MaxTypeIndex bounds the type indices a heap type can hold; the decoder
// and parser reject modules with more types as an implementation limit.
const MaxTypeIndex = uint32(heapAbstract) - 1

// Abstract heap types, numbered by their binary code.
const (
	HeapFunc     = heapAbstract | 0x70
	HeapExtern   = heapAbstract | 0x6f
	HeapAny      = heapAbstract | 0x6e
	HeapEq       = heapAbstract | 0x6d
	HeapI31      = heapAbstract | 0x6c
	HeapStruct   = heapAbstract | 0x6b
	HeapArray    = heapAbstract | 0x6a
	HeapExn      = heapAbstract | 0x69
	HeapNoExn    = heapAbstract | 0x74
	HeapNoFunc   = heapAbstract | 0x73
	HeapNoExtern = heapAbstract | 0x72
	HeapNone     = heapAbstract | 0x71
)

// HeapIndex returns the concrete heap type of type index idx.
func HeapIndex(idx uint32) HeapType { return HeapType(idx) }

// IsAbstract reports whether h is an abstract heap type.
func (h HeapType) IsAbstract() bool { return h&heapAbstract != 0 }

// Index is the type index of a concrete heap type.
func (h HeapType) Index() uint32 { return uint32(h) }

// Code is the binary code byte of an abstract heap type.
func (h HeapType) Code() byte { return byte(h) }

// AbstractHeap returns the abstract heap type with binary code c, and false
// if c names none.
func AbstractHeap(c byte) (HeapType, bool) {
	h := heapAbstract | HeapType(c)
	_, ok := heapNames[h]
	return h, ok
}

var heapNames = map[HeapType]string{
	HeapFunc: "func", HeapExtern: "extern", HeapAny: "any", HeapEq: "eq", HeapI31: "i31",
	HeapStruct: "struct", HeapArray: "array", HeapExn: "exn", HeapNoExn: "noexn",
	HeapNoFunc: "nofunc", HeapNoExtern: "noextern", HeapNone: "none",
}

// LookupHeapType finds an abstract heap type by its text name ("func").
func LookupHeapType(name string) (HeapType, bool) {
	for h, n := range heapNames {
		if n == name {
			return h, true
		}
	}
	return 0, false
}

// String is the text form: "func", or the type index as a number.
func (h HeapType) String() string {
	if h.IsAbstract() {
		if n, ok := heapNames[h]; ok {
			return n
		}
		return "<invalid heap type>"
	}
	return strconv.FormatUint(uint64(h), 10)
}

// Ref returns the reference type to h, nullable or not.
func Ref(nullable bool, h HeapType) ValType {
	t := refBit | ValType(h)
	if nullable {
		t |= nullBit
	}
	return t
}

// IsRef reports whether t is a reference type.
func (t ValType) IsRef() bool { return t&refBit != 0 }

// Nullable reports whether reference type t admits null.
func (t ValType) Nullable() bool { return t&nullBit != 0 }

// Heap is the heap type of reference type t.
func (t ValType) Heap() HeapType { return HeapType(t & heapMax) }

// AsNonNull returns reference type t without null; AsNullable with it.
func (t ValType) AsNonNull() ValType  { return t &^ nullBit }
func (t ValType) AsNullable() ValType { return t | nullBit }

// IsPacked reports whether t is a packed storage type (i8, i16).
func (t ValType) IsPacked() bool { return t == I8 || t == I16 }

// Unpacked is the value type a field of storage type t reads as.
func (t ValType) Unpacked() ValType {
	if t.IsPacked() {
		return I32
	}
	return t
}

// IsNum reports whether t is a number type (i32, i64, f32, f64).
func (t ValType) IsNum() bool { return t == I32 || t == I64 || t == F32 || t == F64 }

var refAbbrev = map[ValType]string{
	FuncRef: "funcref", ExternRef: "externref", AnyRef: "anyref", EqRef: "eqref", I31Ref: "i31ref",
	StructRef: "structref", ArrayRef: "arrayref", ExnRef: "exnref", NullRef: "nullref",
	NullFuncRef: "nullfuncref", NullExternRef: "nullexternref", NullExnRef: "nullexnref",
}

// String returns the text-format name: "i32", "funcref", "(ref null 3)".
func (t ValType) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	case V128:
		return "v128"
	case I8:
		return "i8"
	case I16:
		return "i16"
	}
	if !t.IsRef() {
		return "<invalid type>"
	}
	if s, ok := refAbbrev[t]; ok {
		return s
	}
	if t.Nullable() {
		return "(ref null " + t.Heap().String() + ")"
	}
	return "(ref " + t.Heap().String() + ")"
}

// IsValid reports whether t is a well-formed value type (packed storage
// types excluded); concrete type indices are not checked against a module.
func (t ValType) IsValid() bool {
	switch t {
	case I32, I64, F32, F64, V128:
		return true
	}
	if !t.IsRef() || t&^(refBit|nullBit|heapMax) != 0 {
		return false
	}
	h := t.Heap()
	if h.IsAbstract() {
		_, ok := heapNames[h]
		return ok
	}
	return true
}

// Slots is the number of 64-bit stack slots a value of type t occupies.
func (t ValType) Slots() int {
	if t == V128 {
		return 2
	}
	return 1
}

// FuncType is a function signature.
type FuncType struct {
	Params  []ValType
	Results []ValType
}

// Equal reports whether two signatures are written identically.
func (f FuncType) Equal(g FuncType) bool {
	return equalTypes(f.Params, g.Params) && equalTypes(f.Results, g.Results)
}

func equalTypes(a, b []ValType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// String formats the signature as "[i32 i32] -> [i64]", the spec's notation.
func (f FuncType) String() string {
	return typeList(f.Params) + " -> " + typeList(f.Results)
}

func typeList(ts []ValType) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.String())
	}
	b.WriteByte(']')
	return b.String()
}

// CompKind says which composite type a TypeDef defines.
type CompKind byte

const (
	CompFunc   CompKind = iota // func: FuncType
	CompStruct                 // struct: Fields
	CompArray                  // array: Fields[0] is the element
)

func (k CompKind) String() string {
	switch k {
	case CompFunc:
		return "func"
	case CompStruct:
		return "struct"
	case CompArray:
		return "array"
	}
	return "<invalid composite type>"
}

// FieldType is a struct field or array element: a value type or a packed
// storage type (I8, I16), and its mutability.
type FieldType struct {
	Type    ValType
	Mutable bool
}

// TypeDef is one entry of the type index space: a composite type with its
// subtyping declaration. The zero Open/Supers is the plain, final form a
// type without `sub` has, so a TypeDef{FuncType: ft} is an ordinary
// function type.
type TypeDef struct {
	Kind CompKind
	FuncType
	Fields []FieldType
	Open   bool     // declared `sub` without `final`: may have subtypes
	Supers []uint32 // declared supertypes (valid modules have at most one)
	Pos    Pos
}

// FuncTypeDef returns the TypeDef of a final function type with signature ft.
func FuncTypeDef(ft FuncType) TypeDef { return TypeDef{Kind: CompFunc, FuncType: ft} }

// RecGroup marks types Start..Start+Count-1 as one explicit recursion group
// (`rec` in text, 0x4e in binary). Types outside every listed group form
// groups of their own, as the spec abbreviates; a group may be empty.
type RecGroup struct {
	Start, Count uint32
	Pos          Pos
}

// Limits bound the size of a memory (in 64 KiB pages) or a table (in
// elements). Is64 is the address type: memory64 and table64 index with i64.
type Limits struct {
	Min    uint64
	Max    uint64
	HasMax bool
	Is64   bool
}

// AddrType is the value type of addresses (i32, or i64 when Is64).
func (l Limits) AddrType() ValType {
	if l.Is64 {
		return I64
	}
	return I32
}

// MemoryType is a memory's limits plus the threads proposal's shared flag.
// A shared memory must have a maximum (checked by the validator).
type MemoryType struct {
	Limits
	Shared bool
}

// TableType is a table's element type and limits.
type TableType struct {
	Elem ValType
	Limits
}

// GlobalType is a global's value type and mutability.
type GlobalType struct {
	Type    ValType
	Mutable bool
}

// ExternKind classifies imports and exports; values are the binary encoding.
type ExternKind byte

const (
	ExternFunc   ExternKind = 0
	ExternTable  ExternKind = 1
	ExternMemory ExternKind = 2
	ExternGlobal ExternKind = 3
	ExternTag    ExternKind = 4
)

func (k ExternKind) String() string {
	switch k {
	case ExternFunc:
		return "func"
	case ExternTable:
		return "table"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	case ExternTag:
		return "tag"
	}
	return "<invalid extern kind>"
}

// Page size of linear memory in bytes.
const PageSize = 65536

// MaxPages is the largest page count a 32-bit memory can have.
const MaxPages = 65536

// MaxPages64 is the largest page count a 64-bit memory can have (2^64 bytes).
const MaxPages64 = 1 << 48

// TypeDefs returns plain function type definitions for signatures fts.
func TypeDefs(fts []FuncType) []TypeDef {
	ds := make([]TypeDef, len(fts))
	for i, ft := range fts {
		ds[i] = FuncTypeDef(ft)
	}
	return ds
}

// oneNum backs OneType for number and vector types; oneRef for the
// abbreviated (nullable abstract) reference types, by heap type code.
var oneNum, oneRef = func() (n, r [256][1]ValType) {
	for i := range n {
		n[i][0] = ValType(i)
		r[i][0] = Ref(true, heapAbstract|HeapType(i))
	}
	return n, r
}()

// OneType returns the one-element list [t]; it allocates only for
// concrete and non-nullable reference types, so that block signatures of
// the common kinds cost nothing. The result must not be modified.
func OneType(t ValType) []ValType {
	switch {
	case t < 256:
		return oneNum[t][:]
	case t.IsRef() && t.Nullable() && t.Heap().IsAbstract():
		return oneRef[t.Heap().Code()][:]
	}
	return []ValType{t}
}
