package interp

import "github.com/watt-wasm/watt/ir"

// Constant expressions (extended-const): Instance.evalConst (link.go) runs
// them on an explicit value stack, one loop over the instructions, so
// however long an expression is, it costs no Go recursion.

// constArith is an extended-const arithmetic instruction (i32/i64 add,
// sub, mul) on its operands x and y.
func constArith(op ir.Op, x, y Value) Value {
	switch op {
	case ir.OpI32Add:
		return Value{Type: ir.I32, Lo: uint64(uint32(x.Lo) + uint32(y.Lo))}
	case ir.OpI32Sub:
		return Value{Type: ir.I32, Lo: uint64(uint32(x.Lo) - uint32(y.Lo))}
	case ir.OpI32Mul:
		return Value{Type: ir.I32, Lo: uint64(uint32(x.Lo) * uint32(y.Lo))}
	case ir.OpI64Add:
		return Value{Type: ir.I64, Lo: x.Lo + y.Lo}
	case ir.OpI64Sub:
		return Value{Type: ir.I64, Lo: x.Lo - y.Lo}
	}
	return Value{Type: ir.I64, Lo: x.Lo * y.Lo}
}
