package interp

import (
	"fmt"
	"math"

	"github.com/watt-wasm/watt/ir"
)

// Value is one WebAssembly value: its type and its bits. Values compare
// bit-exactly with ==, which is what a test runner wants (NaN payloads
// included). Lo holds i32/f32 bits zero-extended, i64/f64 bits or the low
// half of a v128; Hi is the high half of a v128.
//
// References: Ref is the referent of a function, struct, array or
// exception reference (compared by identity, as ref.eq does); host values
// (ExternRef, HostRef) and i31 values (I31Ref) are carried unboxed in Lo
// and compare by value; NullRef has neither. A reference of a concrete
// type comes back from the interpreter typed by its abstract kind (struct,
// array or func): a type index means nothing outside its module. A
// reference handed to a function, global or table must be a value of its
// type (checked at run time) and of its store.
type Value struct {
	Type ir.ValType
	Lo   uint64
	Hi   uint64
	Ref  *Object
}

// I32 returns an i32 value.
func I32(v int32) Value { return Value{Type: ir.I32, Lo: uint64(uint32(v))} }

// I64 returns an i64 value.
func I64(v int64) Value { return Value{Type: ir.I64, Lo: uint64(v)} }

// F32 returns an f32 value.
func F32(v float32) Value { return Value{Type: ir.F32, Lo: uint64(math.Float32bits(v))} }

// F64 returns an f64 value.
func F64(v float64) Value { return Value{Type: ir.F64, Lo: math.Float64bits(v)} }

// F32Bits returns an f32 value with exactly the given bits.
func F32Bits(b uint32) Value { return Value{Type: ir.F32, Lo: uint64(b)} }

// F64Bits returns an f64 value with exactly the given bits.
func F64Bits(b uint64) Value { return Value{Type: ir.F64, Lo: b} }

// V128 returns a v128 value from its low and high 64-bit halves (little
// endian: byte 0 is the low byte of lo).
func V128(lo, hi uint64) Value { return Value{Type: ir.V128, Lo: lo, Hi: hi} }

// NullRef returns the null reference of type t (a nullable reference type).
func NullRef(t ir.ValType) Value { return Value{Type: t} }

// Zero returns the default value of type t.
func Zero(t ir.ValType) Value { return Value{Type: t} }

// Int32 returns the value as int32 (meaningful for i32).
func (v Value) Int32() int32 { return int32(uint32(v.Lo)) }

// Int64 returns the value as int64 (meaningful for i64).
func (v Value) Int64() int64 { return int64(v.Lo) }

// Float32 returns the value as float32 (meaningful for f32).
func (v Value) Float32() float32 { return math.Float32frombits(uint32(v.Lo)) }

// Float64 returns the value as float64 (meaningful for f64).
func (v Value) Float64() float64 { return math.Float64frombits(v.Lo) }

// IsNull reports whether a reference value is null.
func (v Value) IsNull() bool { return v.Type.IsRef() && v.Ref == nil && v.Hi == 0 }

// String formats the value as a spec script would write it.
func (v Value) String() string {
	switch v.Type {
	case ir.I32:
		return fmt.Sprintf("i32:%d", v.Int32())
	case ir.I64:
		return fmt.Sprintf("i64:%d", v.Int64())
	case ir.F32:
		return fmt.Sprintf("f32:%v(0x%08x)", v.Float32(), uint32(v.Lo))
	case ir.F64:
		return fmt.Sprintf("f64:%v(0x%016x)", v.Float64(), v.Lo)
	case ir.V128:
		return fmt.Sprintf("v128:0x%016x%016x", v.Hi, v.Lo)
	}
	if v.Type.IsRef() {
		return refString(v)
	}
	return fmt.Sprintf("<%v 0x%x>", v.Type, v.Lo)
}

// normalize clears bits a value of its type cannot have, so that slot
// contents always satisfy the interpreter's invariant (i32/f32 zero-extended).
func (v Value) normalize() Value {
	switch v.Type {
	case ir.I32, ir.F32:
		v.Lo = uint64(uint32(v.Lo))
		v.Hi = 0
	case ir.V128:
	default:
		if !v.Type.IsRef() {
			v.Hi = 0
		}
	}
	return v
}
