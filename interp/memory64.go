package interp

import (
	"math/bits"

	"github.com/watt-wasm/watt/ir"
)

// opMemory: memory instructions on any memory, 32- or 64-bit (see
// multimem.go for what compiles to it).
//
// The effective address is the address operand plus the memarg's offset,
// computed in 64 bits with the carry kept: for a 64-bit memory both are
// up to 2^64-1, and a sum beyond 2^64 is out of bounds, never wrapped. The
// bounds check is written so that it cannot overflow either
// (ea+size > len would, for ea near 2^64). Atomics check alignment on the
// sum modulo 2^64 (its low bits are the true sum's), then sharedness, then
// bounds, as the threads proposal orders them.

// more executes the instructions the interpreter loop hands on after its
// own cases and the 2.0 helpers': opClampIndex and relaxed SIMD.
// (One call site keeps the loop's code for them small.)
func (t *thread) more(in *instr, l []uint64, inst *Instance, fc *funcCode) {
	switch {
	case in.op == opClampIndex:
		l[in.a] = clampIndex(l[in.b])
	case in.op >= uint16(ir.OpI8x16RelaxedSwizzle) && in.op <= uint16(ir.OpI32x4RelaxedDotI8x16I7x16AddS):
		t.relaxed(in, l)
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+ir.Op(in.op).String()))
	}
}

// memory executes opMemory.
func (t *thread) memory(in *instr, l []uint64, inst *Instance, fc *funcCode) {
	ma := &fc.memargs[in.imm]
	m := inst.mems[ma.mem]
	is64 := m.Is64()
	switch ma.kind {
	case memSize:
		l[in.a] = uint64(len(m.bytes())) / ir.PageSize
		return
	case memGrow:
		l[in.a] = addrValue(m.grow(addr(l[in.b], is64)), is64)
		return
	}
	ea, carry := bits.Add64(addr(l[in.b], is64), ma.offset, 0)
	if ma.kind == memAtomic {
		t.atomicAny(ir.Op(in.x), in, l, m, ea, carry != 0)
		return
	}
	mem := m.bytes()
	if carry != 0 || beyond(ea, uint64(ma.size), uint64(len(mem))) {
		panic(t.trapAt(t.pc, msgMemOOB))
	}
	if ma.kind == memVector {
		t.simdAccess(ir.Op(in.x), in, l, mem, ea, int(ma.lane))
		return
	}
	// A plain load or store, as the interpreter loop does them inline for
	// memory 0.
	switch ir.Op(in.x) {
	case ir.OpI32Load, ir.OpF32Load, ir.OpI64Load32U:
		l[in.a] = uint64(ld32(mem, ea))
	case ir.OpI64Load, ir.OpF64Load:
		l[in.a] = ld64(mem, ea)
	case ir.OpI32Load8S:
		l[in.a] = uint64(uint32(int32(int8(ld8(mem, ea)))))
	case ir.OpI32Load8U, ir.OpI64Load8U:
		l[in.a] = uint64(ld8(mem, ea))
	case ir.OpI32Load16S:
		l[in.a] = uint64(uint32(int32(int16(ld16(mem, ea)))))
	case ir.OpI32Load16U, ir.OpI64Load16U:
		l[in.a] = uint64(ld16(mem, ea))
	case ir.OpI64Load8S:
		l[in.a] = uint64(int64(int8(ld8(mem, ea))))
	case ir.OpI64Load16S:
		l[in.a] = uint64(int64(int16(ld16(mem, ea))))
	case ir.OpI64Load32S:
		l[in.a] = uint64(int64(int32(ld32(mem, ea))))
	case ir.OpI32Store, ir.OpF32Store, ir.OpI64Store32:
		st32(mem, ea, uint32(l[in.c]))
	case ir.OpI64Store, ir.OpF64Store:
		st64(mem, ea, l[in.c])
	case ir.OpI32Store8, ir.OpI64Store8:
		st8(mem, ea, byte(l[in.c]))
	case ir.OpI32Store16, ir.OpI64Store16:
		st16(mem, ea, uint16(l[in.c]))
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+ir.Op(in.x).String()))
	}
}
