package interp

import "github.com/watt-wasm/watt/ir"

// Relaxed SIMD. Each instruction may give one of several results; watt
// always gives the same one, on every host (see the package documentation
// for the list). Most are an existing SIMD instruction, run as such.

// relaxedAs maps a relaxed instruction to the deterministic instruction it
// runs as; those not listed are computed below.
var relaxedAs = map[ir.Op]ir.Op{
	ir.OpI8x16RelaxedSwizzle:         ir.OpI8x16Swizzle,
	ir.OpI32x4RelaxedTruncF32x4S:     ir.OpI32x4TruncSatF32x4S,
	ir.OpI32x4RelaxedTruncF32x4U:     ir.OpI32x4TruncSatF32x4U,
	ir.OpI32x4RelaxedTruncF64x2SZero: ir.OpI32x4TruncSatF64x2SZero,
	ir.OpI32x4RelaxedTruncF64x2UZero: ir.OpI32x4TruncSatF64x2UZero,
	ir.OpI8x16RelaxedLaneselect:      ir.OpV128Bitselect,
	ir.OpI16x8RelaxedLaneselect:      ir.OpV128Bitselect,
	ir.OpI32x4RelaxedLaneselect:      ir.OpV128Bitselect,
	ir.OpI64x2RelaxedLaneselect:      ir.OpV128Bitselect,
	ir.OpF32x4RelaxedMin:             ir.OpF32x4Min,
	ir.OpF32x4RelaxedMax:             ir.OpF32x4Max,
	ir.OpF64x2RelaxedMin:             ir.OpF64x2Min,
	ir.OpF64x2RelaxedMax:             ir.OpF64x2Max,
	ir.OpI16x8RelaxedQ15mulrS:        ir.OpI16x8Q15mulrSatS,
}

// relaxedTable is relaxedAs indexed by op, for the interpreter loop.
var relaxedTable [ir.NumOps]uint16

func init() {
	for r, op := range relaxedAs {
		relaxedTable[r] = uint16(op)
	}
}

// relaxed executes a relaxed SIMD instruction. Operands are laid out as
// the opcode table's signature says: b and c for two, b, b+2, b+4 for
// three v128s.
func (t *thread) relaxed(in *instr, l []uint64) {
	op := ir.Op(in.op)
	if as := relaxedTable[op]; as != 0 {
		det := *in
		det.op = as
		t.simd(&det, l, nil, nil) // no memory, shuffle or constant: neither is needed
		return
	}
	var r vec
	switch op {
	case ir.OpF32x4RelaxedMadd, ir.OpF32x4RelaxedNmadd:
		x, y, z := getVec(l, in.b), getVec(l, in.b+2), getVec(l, in.b+4)
		for i := 0; i < 4; i++ {
			p := float32(f32(x.lane(i, 32)) * f32(y.lane(i, 32))) // the conversion rounds: never fused
			if op == ir.OpF32x4RelaxedNmadd {
				p = -p
			}
			r.set(i, 32, b32(p+f32(z.lane(i, 32))))
		}
	case ir.OpF64x2RelaxedMadd, ir.OpF64x2RelaxedNmadd:
		x, y, z := getVec(l, in.b), getVec(l, in.b+2), getVec(l, in.b+4)
		for i := range r {
			p := float64(f64(x[i]) * f64(y[i]))
			if op == ir.OpF64x2RelaxedNmadd {
				p = -p
			}
			r[i] = b64(p + f64(z[i]))
		}
	case ir.OpI16x8RelaxedDotI8x16I7x16S:
		x, y := getVec(l, in.b), getVec(l, in.c)
		for i := 0; i < 8; i++ {
			r.set(i, 16, uint64(dot8(x, y, 2*i, 2)))
		}
	case ir.OpI32x4RelaxedDotI8x16I7x16AddS:
		x, y, z := getVec(l, in.b), getVec(l, in.b+2), getVec(l, in.b+4)
		for i := 0; i < 4; i++ {
			r.set(i, 32, uint64(dot8(x, y, 4*i, 4)+sx(z.lane(i, 32), 32)))
		}
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+op.String()))
	}
	putVec(l, in.a, r)
}

// dot8 is the sum of the products of n signed byte lanes of x and y from
// lane i on (both signed: the relaxed dot products' choice when y's lanes
// exceed 7 bits).
func dot8(x, y vec, i, n int) int64 {
	s := int64(0)
	for j := i; j < i+n; j++ {
		s += sx(x.lane(j, 8), 8) * sx(y.lane(j, 8), 8)
	}
	return s
}
