// Package ir is watt's module representation: value and entity types, the
// instruction tree, source positions, errors, feature flags and the single
// opcode table every other package reads.
package ir

import "strings"

// ValType is a value type, numbered by its binary encoding.
type ValType byte

const (
	I32       ValType = 0x7f
	I64       ValType = 0x7e
	F32       ValType = 0x7d
	F64       ValType = 0x7c
	V128      ValType = 0x7b
	FuncRef   ValType = 0x70
	ExternRef ValType = 0x6f
)

// String returns the text-format name ("i32", "funcref", ...).
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
	case FuncRef:
		return "funcref"
	case ExternRef:
		return "externref"
	}
	return "<invalid type>"
}

// IsRef reports whether t is a reference type.
func (t ValType) IsRef() bool { return t == FuncRef || t == ExternRef }

// IsValid reports whether t is one of the known value types.
func (t ValType) IsValid() bool {
	switch t {
	case I32, I64, F32, F64, V128, FuncRef, ExternRef:
		return true
	}
	return false
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

// Equal reports whether two signatures are identical.
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

// Limits bound the size of a memory (in 64 KiB pages) or a table (in
// elements).
type Limits struct {
	Min    uint64
	Max    uint64
	HasMax bool
}

// MemoryType is a memory's limits plus the threads proposal's shared flag.
// A shared memory must have a maximum (checked by the validator).
type MemoryType struct {
	Limits
	Shared bool
	Is64   bool // memory64: addresses are i64
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
	}
	return "<invalid extern kind>"
}

// Page size of linear memory in bytes.
const PageSize = 65536

// MaxPages is the largest page count a 32-bit memory can have.
const MaxPages = 65536
