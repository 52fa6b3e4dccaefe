package interp

import (
	"math"
	"math/bits"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// Float helpers with WebAssembly's exact semantics. Arithmetic NaN results
// keep their input payload with the quiet bit set (the hardware's
// behaviour, which the spec allows); min and max order -0 below +0.

const (
	f32Quiet = 0x00400000
	f64Quiet = 0x0008000000000000
)

func f32(b uint64) float32 { return math.Float32frombits(uint32(b)) }
func f64(b uint64) float64 { return math.Float64frombits(b) }
func b32(f float32) uint64 { return uint64(math.Float32bits(f)) }
func b64(f float64) uint64 { return math.Float64bits(f) }

func isNaN32(b uint64) bool { return uint32(b)&0x7fffffff > 0x7f800000 }
func isNaN64(b uint64) bool { return b&0x7fffffffffffffff > 0x7ff0000000000000 }

func fmin32(x, y uint64) uint64 {
	if isNaN32(x) {
		return x | f32Quiet
	}
	if isNaN32(y) {
		return y | f32Quiet
	}
	a, b := f32(x), f32(y)
	if a == b { // ±0: -0 is smaller
		return x | y
	}
	if a < b {
		return x
	}
	return y
}

func fmax32(x, y uint64) uint64 {
	if isNaN32(x) {
		return x | f32Quiet
	}
	if isNaN32(y) {
		return y | f32Quiet
	}
	a, b := f32(x), f32(y)
	if a == b {
		return x & y
	}
	if a > b {
		return x
	}
	return y
}

func fmin64(x, y uint64) uint64 {
	if isNaN64(x) {
		return x | f64Quiet
	}
	if isNaN64(y) {
		return y | f64Quiet
	}
	a, b := f64(x), f64(y)
	if a == b {
		return x | y
	}
	if a < b {
		return x
	}
	return y
}

func fmax64(x, y uint64) uint64 {
	if isNaN64(x) {
		return x | f64Quiet
	}
	if isNaN64(y) {
		return y | f64Quiet
	}
	a, b := f64(x), f64(y)
	if a == b {
		return x & y
	}
	if a > b {
		return x
	}
	return y
}

// round32 applies a float64 rounding function to f32 bits; it is exact
// because every f32 is an f64 and integral results are representable.
func round32(x uint64, f func(float64) float64) uint64 {
	if isNaN32(x) {
		return x | f32Quiet
	}
	return b32(float32(f(float64(f32(x)))))
}

func round64(x uint64, f func(float64) float64) uint64 {
	if isNaN64(x) {
		return x | f64Quiet
	}
	return b64(f(f64(x)))
}

func sqrt32(x uint64) uint64 {
	if isNaN32(x) {
		return x | f32Quiet
	}
	// Correctly rounded: the f64 square root of an f32 rounds once more
	// to the same result (f64 has more than 2*24+2 bits).
	return b32(float32(math.Sqrt(float64(f32(x)))))
}

func sqrt64(x uint64) uint64 {
	if isNaN64(x) {
		return x | f64Quiet
	}
	return b64(math.Sqrt(f64(x)))
}

// Truncations: ok is false with the trap message to raise.

func truncS32(f float64) (uint64, string) {
	if f != f {
		return 0, msgInvalidConversion
	}
	if f <= -2147483649.0 || f >= 2147483648.0 {
		return 0, msgIntOverflow
	}
	return uint64(uint32(int32(f))), ""
}

func truncU32(f float64) (uint64, string) {
	if f != f {
		return 0, msgInvalidConversion
	}
	if f <= -1.0 || f >= 4294967296.0 {
		return 0, msgIntOverflow
	}
	return uint64(uint32(f)), ""
}

func truncS64(f float64) (uint64, string) {
	if f != f {
		return 0, msgInvalidConversion
	}
	if f < -9223372036854775808.0 || f >= 9223372036854775808.0 {
		return 0, msgIntOverflow
	}
	return uint64(int64(f)), ""
}

func truncU64(f float64) (uint64, string) {
	if f != f {
		return 0, msgInvalidConversion
	}
	if f <= -1.0 || f >= 18446744073709551616.0 {
		return 0, msgIntOverflow
	}
	return uint64(f), ""
}

func satS32(f float64) uint64 {
	switch {
	case f != f:
		return 0
	case f <= -2147483648.0:
		return 1 << 31
	case f >= 2147483647.0:
		return math.MaxInt32
	}
	return uint64(uint32(int32(f)))
}

func satU32(f float64) uint64 {
	switch {
	case f != f, f <= 0:
		return 0
	case f >= 4294967295.0:
		return math.MaxUint32
	}
	return uint64(uint32(f))
}

func satS64(f float64) uint64 {
	switch {
	case f != f:
		return 0
	case f <= -9223372036854775808.0:
		return 1 << 63
	case f >= 9223372036854775808.0:
		return math.MaxInt64
	}
	return uint64(int64(f))
}

func satU64(f float64) uint64 {
	switch {
	case f != f, f <= 0:
		return 0
	case f >= 18446744073709551616.0:
		return math.MaxUint64
	}
	return uint64(f)
}

// Unsigned 64-bit to float conversions: Go's conversions round correctly
// (round to nearest, ties to even), as the spec requires.
func u64ToF32(x uint64) uint64 { return b32(float32(x)) }
func u64ToF64(x uint64) uint64 { return b64(float64(x)) }

// promote and demote rely on the hardware conversion, which quiets NaNs and
// keeps their payload (canonical stays canonical).
func promote(x uint64) uint64 { return b64(float64(f32(x))) }
func demote(x uint64) uint64  { return b32(float32(f64(x))) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// numeric runs the numeric instructions the loop does not inline (see
// run): their code exceeds what the compiler inlines into the loop.
func (t *thread) numeric(fn *Function, ip unsafe.Pointer) {
	in := t.leave(fn, ip)
	l := t.stack[t.fp:]
	switch in.op {
	case uint16(ir.OpI32Popcnt):
		l[in.a] = uint64(bits.OnesCount32(uint32(l[in.b])))
	case uint16(ir.OpI64Popcnt):
		l[in.a] = uint64(bits.OnesCount64(l[in.b]))
	case uint16(ir.OpF32Ceil):
		l[in.a] = round32(l[in.b], math.Ceil)
	case uint16(ir.OpF32Floor):
		l[in.a] = round32(l[in.b], math.Floor)
	case uint16(ir.OpF32Trunc):
		l[in.a] = round32(l[in.b], math.Trunc)
	case uint16(ir.OpF32Nearest):
		l[in.a] = round32(l[in.b], math.RoundToEven)
	case uint16(ir.OpF32Sqrt):
		l[in.a] = sqrt32(l[in.b])
	case uint16(ir.OpF32Min):
		l[in.a] = fmin32(l[in.b], l[in.c])
	case uint16(ir.OpF32Max):
		l[in.a] = fmax32(l[in.b], l[in.c])
	case uint16(ir.OpF64Ceil):
		l[in.a] = round64(l[in.b], math.Ceil)
	case uint16(ir.OpF64Floor):
		l[in.a] = round64(l[in.b], math.Floor)
	case uint16(ir.OpF64Trunc):
		l[in.a] = round64(l[in.b], math.Trunc)
	case uint16(ir.OpF64Nearest):
		l[in.a] = round64(l[in.b], math.RoundToEven)
	case uint16(ir.OpF64Sqrt):
		l[in.a] = sqrt64(l[in.b])
	case uint16(ir.OpF64Min):
		l[in.a] = fmin64(l[in.b], l[in.c])
	case uint16(ir.OpF64Max):
		l[in.a] = fmax64(l[in.b], l[in.c])
	case uint16(ir.OpI32TruncF32S):
		v, msg := truncS32(float64(f32(l[in.b])))
		if msg != "" {
			panic(t.trapAt(t.pc, msg))
		}
		l[in.a] = v
	case uint16(ir.OpI32TruncF32U):
		v, msg := truncU32(float64(f32(l[in.b])))
		if msg != "" {
			panic(t.trapAt(t.pc, msg))
		}
		l[in.a] = v
	case uint16(ir.OpI32TruncF64S):
		v, msg := truncS32(f64(l[in.b]))
		if msg != "" {
			panic(t.trapAt(t.pc, msg))
		}
		l[in.a] = v
	case uint16(ir.OpI32TruncF64U):
		v, msg := truncU32(f64(l[in.b]))
		if msg != "" {
			panic(t.trapAt(t.pc, msg))
		}
		l[in.a] = v
	case uint16(ir.OpI64TruncF32S):
		v, msg := truncS64(float64(f32(l[in.b])))
		if msg != "" {
			panic(t.trapAt(t.pc, msg))
		}
		l[in.a] = v
	case uint16(ir.OpI64TruncF32U):
		v, msg := truncU64(float64(f32(l[in.b])))
		if msg != "" {
			panic(t.trapAt(t.pc, msg))
		}
		l[in.a] = v
	case uint16(ir.OpI64TruncF64S):
		v, msg := truncS64(f64(l[in.b]))
		if msg != "" {
			panic(t.trapAt(t.pc, msg))
		}
		l[in.a] = v
	case uint16(ir.OpI64TruncF64U):
		v, msg := truncU64(f64(l[in.b]))
		if msg != "" {
			panic(t.trapAt(t.pc, msg))
		}
		l[in.a] = v
	case uint16(ir.OpI32TruncSatF32S):
		l[in.a] = satS32(float64(f32(l[in.b])))
	case uint16(ir.OpI32TruncSatF32U):
		l[in.a] = satU32(float64(f32(l[in.b])))
	case uint16(ir.OpI32TruncSatF64S):
		l[in.a] = satS32(f64(l[in.b]))
	case uint16(ir.OpI32TruncSatF64U):
		l[in.a] = satU32(f64(l[in.b]))
	case uint16(ir.OpI64TruncSatF32S):
		l[in.a] = satS64(float64(f32(l[in.b])))
	case uint16(ir.OpI64TruncSatF32U):
		l[in.a] = satU64(float64(f32(l[in.b])))
	case uint16(ir.OpI64TruncSatF64S):
		l[in.a] = satS64(f64(l[in.b]))
	case uint16(ir.OpI64TruncSatF64U):
		l[in.a] = satU64(f64(l[in.b]))
	}
}
