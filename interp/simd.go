package interp

import (
	"math"
	"math/bits"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// SIMD. A v128 occupies two slots (low and high 64 bits, little endian).
// Lane-wise arithmetic is looked up by the op's text name from the opcode
// table — shape prefix ("i16x8") plus operation ("add_sat_s") — so there is
// no second opcode list here, only the operations' meanings.

type vec [2]uint64

func maskW(w uint) uint64 {
	if w == 64 {
		return math.MaxUint64
	}
	return 1<<w - 1
}

// sx sign-extends the low w bits of a.
func sx(a uint64, w uint) int64 { return int64(a<<(64-w)) >> (64 - w) }

func (v *vec) lane(i int, w uint) uint64 {
	bit := uint(i) * w
	return v[bit/64] >> (bit % 64) & maskW(w)
}

func (v *vec) set(i int, w uint, x uint64) {
	bit := uint(i) * w
	m := maskW(w) << (bit % 64)
	v[bit/64] = v[bit/64]&^m | x<<(bit%64)&m
}

func getVec(l []uint64, s uint32) vec    { return vec{l[s], l[s+1]} }
func putVec(l []uint64, s uint32, v vec) { l[s], l[s+1] = v[0], v[1] }

// simdShape is a lane interpretation: width in bits and lane count.
type simdShape struct {
	w     uint
	n     int
	float bool
}

var simdShapes = map[string]simdShape{
	"i8x16": {8, 16, false}, "i16x8": {16, 8, false}, "i32x4": {32, 4, false}, "i64x2": {64, 2, false},
	"f32x4": {32, 4, true}, "f64x2": {64, 2, true},
}

func satS(x int64, w uint) uint64 {
	lo, hi := -int64(1)<<(w-1), int64(1)<<(w-1)-1
	return uint64(min(max(x, lo), hi)) & maskW(w)
}

func satU(x int64, w uint) uint64 {
	return uint64(min(max(x, 0), int64(maskW(w))))
}

func allOnes(b bool, w uint) uint64 {
	if b {
		return maskW(w)
	}
	return 0
}

// Lane-wise integer operations by name.
var intBinary = map[string]func(a, b uint64, w uint) uint64{
	"add": func(a, b uint64, w uint) uint64 { return a + b },
	"sub": func(a, b uint64, w uint) uint64 { return a - b },
	"mul": func(a, b uint64, w uint) uint64 { return a * b },
	"eq":  func(a, b uint64, w uint) uint64 { return allOnes(a == b, w) },
	"ne":  func(a, b uint64, w uint) uint64 { return allOnes(a != b, w) },
	"lt_s": func(a, b uint64, w uint) uint64 {
		return allOnes(sx(a, w) < sx(b, w), w)
	},
	"lt_u": func(a, b uint64, w uint) uint64 { return allOnes(a < b, w) },
	"gt_s": func(a, b uint64, w uint) uint64 {
		return allOnes(sx(a, w) > sx(b, w), w)
	},
	"gt_u": func(a, b uint64, w uint) uint64 { return allOnes(a > b, w) },
	"le_s": func(a, b uint64, w uint) uint64 {
		return allOnes(sx(a, w) <= sx(b, w), w)
	},
	"le_u": func(a, b uint64, w uint) uint64 { return allOnes(a <= b, w) },
	"ge_s": func(a, b uint64, w uint) uint64 {
		return allOnes(sx(a, w) >= sx(b, w), w)
	},
	"ge_u": func(a, b uint64, w uint) uint64 { return allOnes(a >= b, w) },
	"min_s": func(a, b uint64, w uint) uint64 {
		if sx(a, w) < sx(b, w) {
			return a
		}
		return b
	},
	"min_u": func(a, b uint64, w uint) uint64 { return min(a, b) },
	"max_s": func(a, b uint64, w uint) uint64 {
		if sx(a, w) > sx(b, w) {
			return a
		}
		return b
	},
	"max_u":     func(a, b uint64, w uint) uint64 { return max(a, b) },
	"avgr_u":    func(a, b uint64, w uint) uint64 { return (a + b + 1) >> 1 },
	"add_sat_s": func(a, b uint64, w uint) uint64 { return satS(sx(a, w)+sx(b, w), w) },
	"add_sat_u": func(a, b uint64, w uint) uint64 { return satU(int64(a+b), w) },
	"sub_sat_s": func(a, b uint64, w uint) uint64 { return satS(sx(a, w)-sx(b, w), w) },
	"sub_sat_u": func(a, b uint64, w uint) uint64 { return satU(int64(a)-int64(b), w) },
	"q15mulr_sat_s": func(a, b uint64, w uint) uint64 {
		return satS((sx(a, w)*sx(b, w)+0x4000)>>15, w)
	},
}

var intUnary = map[string]func(a uint64, w uint) uint64{
	"abs": func(a uint64, w uint) uint64 {
		if sx(a, w) < 0 {
			return -a
		}
		return a
	},
	"neg":    func(a uint64, w uint) uint64 { return -a },
	"popcnt": func(a uint64, w uint) uint64 { return uint64(bits.OnesCount64(a)) },
}

var intShift = map[string]func(a uint64, s uint, w uint) uint64{
	"shl":   func(a uint64, s, w uint) uint64 { return a << (s % w) },
	"shr_s": func(a uint64, s, w uint) uint64 { return uint64(sx(a, w) >> (s % w)) },
	"shr_u": func(a uint64, s, w uint) uint64 { return a >> (s % w) },
}

// Float lane operations on raw bits, by name; w selects f32 or f64.
func fbin(f32op func(a, b float32) float32, f64op func(a, b float64) float64) func(a, b uint64, w uint) uint64 {
	return func(a, b uint64, w uint) uint64 {
		if w == 32 {
			return b32(f32op(f32(a), f32(b)))
		}
		return b64(f64op(f64(a), f64(b)))
	}
}

func fcmp(c32 func(a, b float32) bool, c64 func(a, b float64) bool) func(a, b uint64, w uint) uint64 {
	return func(a, b uint64, w uint) uint64 {
		if w == 32 {
			return allOnes(c32(f32(a), f32(b)), w)
		}
		return allOnes(c64(f64(a), f64(b)), w)
	}
}

var floatBinary = map[string]func(a, b uint64, w uint) uint64{
	"add": fbin(func(a, b float32) float32 { return a + b }, func(a, b float64) float64 { return a + b }),
	"sub": fbin(func(a, b float32) float32 { return a - b }, func(a, b float64) float64 { return a - b }),
	"mul": fbin(func(a, b float32) float32 { return a * b }, func(a, b float64) float64 { return a * b }),
	"div": fbin(func(a, b float32) float32 { return a / b }, func(a, b float64) float64 { return a / b }),
	"eq":  fcmp(func(a, b float32) bool { return a == b }, func(a, b float64) bool { return a == b }),
	"ne":  fcmp(func(a, b float32) bool { return a != b }, func(a, b float64) bool { return a != b }),
	"lt":  fcmp(func(a, b float32) bool { return a < b }, func(a, b float64) bool { return a < b }),
	"gt":  fcmp(func(a, b float32) bool { return a > b }, func(a, b float64) bool { return a > b }),
	"le":  fcmp(func(a, b float32) bool { return a <= b }, func(a, b float64) bool { return a <= b }),
	"ge":  fcmp(func(a, b float32) bool { return a >= b }, func(a, b float64) bool { return a >= b }),
	"min": func(a, b uint64, w uint) uint64 {
		if w == 32 {
			return fmin32(a, b)
		}
		return fmin64(a, b)
	},
	"max": func(a, b uint64, w uint) uint64 {
		if w == 32 {
			return fmax32(a, b)
		}
		return fmax64(a, b)
	},
	// pmin/pmax are defined by a plain comparison: b < a ? b : a.
	"pmin": func(a, b uint64, w uint) uint64 {
		if (w == 32 && f32(b) < f32(a)) || (w == 64 && f64(b) < f64(a)) {
			return b
		}
		return a
	},
	"pmax": func(a, b uint64, w uint) uint64 {
		if (w == 32 && f32(a) < f32(b)) || (w == 64 && f64(a) < f64(b)) {
			return b
		}
		return a
	},
}

func fround(f func(float64) float64) func(a uint64, w uint) uint64 {
	return func(a uint64, w uint) uint64 {
		if w == 32 {
			return round32(a, f)
		}
		return round64(a, f)
	}
}

var floatUnary = map[string]func(a uint64, w uint) uint64{
	"abs": func(a uint64, w uint) uint64 { return a &^ (1 << (w - 1)) },
	"neg": func(a uint64, w uint) uint64 { return a ^ (1 << (w - 1)) },
	"sqrt": func(a uint64, w uint) uint64 {
		if w == 32 {
			return sqrt32(a)
		}
		return sqrt64(a)
	},
	"ceil":    fround(math.Ceil),
	"floor":   fround(math.Floor),
	"trunc":   fround(math.Trunc),
	"nearest": fround(math.RoundToEven),
}

// simdKind classifies an op for the lane-wise fast paths.
type simdKind uint8

const (
	simdOther simdKind = iota
	simdBinary
	simdUnary
	simdShift
)

type simdEntry struct {
	kind  simdKind
	shape simdShape
	bin   func(a, b uint64, w uint) uint64
	un    func(a uint64, w uint) uint64
	shift func(a uint64, s, w uint) uint64
}

var simdTable [ir.NumOps]simdEntry

func init() {
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		if info.Feature != ir.FeatureSIMD || info.Imm != ir.ImmNone {
			continue
		}
		prefix, name, ok := strings.Cut(info.Name, ".")
		sh, known := simdShapes[prefix]
		if !ok || !known {
			continue
		}
		e := &simdTable[op]
		e.shape = sh
		switch {
		case sh.float && floatBinary[name] != nil && len(info.Params) == 2:
			e.kind, e.bin = simdBinary, floatBinary[name]
		case sh.float && floatUnary[name] != nil:
			e.kind, e.un = simdUnary, floatUnary[name]
		case !sh.float && intBinary[name] != nil && len(info.Params) == 2 && info.Params[1] == ir.V128:
			e.kind, e.bin = simdBinary, intBinary[name]
		case !sh.float && intUnary[name] != nil:
			e.kind, e.un = simdUnary, intUnary[name]
		case !sh.float && intShift[name] != nil:
			e.kind, e.shift = simdShift, intShift[name]
		}
	}
}

// simd executes one SIMD instruction.
func (t *thread) simd(in *instr, l []uint64, inst *Instance, fc *funcCode) {
	op := ir.Op(in.op)
	e := &simdTable[op]
	switch e.kind {
	case simdBinary:
		x, y := getVec(l, in.b), getVec(l, in.c)
		var r vec
		for i := 0; i < e.shape.n; i++ {
			r.set(i, e.shape.w, e.bin(x.lane(i, e.shape.w), y.lane(i, e.shape.w), e.shape.w))
		}
		putVec(l, in.a, r)
		return
	case simdUnary:
		x := getVec(l, in.b)
		var r vec
		for i := 0; i < e.shape.n; i++ {
			r.set(i, e.shape.w, e.un(x.lane(i, e.shape.w), e.shape.w))
		}
		putVec(l, in.a, r)
		return
	case simdShift:
		x, s := getVec(l, in.b), uint(uint32(l[in.c]))
		var r vec
		for i := 0; i < e.shape.n; i++ {
			r.set(i, e.shape.w, e.shift(x.lane(i, e.shape.w), s, e.shape.w))
		}
		putVec(l, in.a, r)
		return
	}
	if op.Info().Imm == ir.ImmMemArg || op.Info().Imm == ir.ImmMemArgLane {
		t.simdMemory(in, l, inst)
		return
	}
	t.simdOther(op, in, l, fc)
}

// simdMemory executes v128 loads and stores.
func (t *thread) simdMemory(in *instr, l []uint64, inst *Instance) {
	op := ir.Op(in.op)
	size := uint64(op.Info().Size)
	ea := uint64(uint32(l[in.b])) + in.imm
	mem := inst.memBytes()
	if ea+size > uint64(len(mem)) {
		panic(t.trapAt(t.pc, msgMemOOB))
	}
	t.simdAccess(op, in, l, mem, ea, int(in.x))
}

// simdAccess performs v128 memory access op at ea of mem, whose bounds the
// caller has checked; lane is the lane of the _lane forms.
func (t *thread) simdAccess(op ir.Op, in *instr, l []uint64, mem []byte, ea uint64, lane int) {
	size := uint64(op.Info().Size)
	var r vec
	switch op {
	case ir.OpV128Load:
		r = vec{ld64(mem, ea), ld64(mem, ea+8)}
	case ir.OpV128Load8x8S, ir.OpV128Load8x8U, ir.OpV128Load16x4S, ir.OpV128Load16x4U, ir.OpV128Load32x2S, ir.OpV128Load32x2U:
		// Eight bytes widened to twice the lane width.
		k := int(op - ir.OpV128Load8x8S)
		w := uint(8) << (k / 2)
		signed := k%2 == 0
		src := vec{ld64(mem, ea)}
		for i := 0; i < int(64/w); i++ {
			v := src.lane(i, w)
			if signed {
				v = uint64(sx(v, w))
			}
			r.set(i, 2*w, v)
		}
	case ir.OpV128Load8Splat, ir.OpV128Load16Splat, ir.OpV128Load32Splat, ir.OpV128Load64Splat:
		w := uint(size * 8)
		v := loadN(mem, ea, size)
		for i := 0; i < int(128/w); i++ {
			r.set(i, w, v)
		}
	case ir.OpV128Load32Zero, ir.OpV128Load64Zero:
		r[0] = loadN(mem, ea, size)
	case ir.OpV128Load8Lane, ir.OpV128Load16Lane, ir.OpV128Load32Lane, ir.OpV128Load64Lane:
		r = getVec(l, in.c)
		r.set(lane, uint(size*8), loadN(mem, ea, size))
	case ir.OpV128Store:
		v := getVec(l, in.c)
		st64(mem, ea, v[0])
		st64(mem, ea+8, v[1])
		return
	case ir.OpV128Store8Lane, ir.OpV128Store16Lane, ir.OpV128Store32Lane, ir.OpV128Store64Lane:
		v := getVec(l, in.c)
		storeN(mem, ea, size, v.lane(lane, uint(size*8)))
		return
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+op.String()))
	}
	putVec(l, in.a, r)
}

func loadN(mem []byte, ea, size uint64) uint64 {
	switch size {
	case 1:
		return uint64(ld8(mem, ea))
	case 2:
		return uint64(ld16(mem, ea))
	case 4:
		return uint64(ld32(mem, ea))
	}
	return ld64(mem, ea)
}

func storeN(mem []byte, ea, size, v uint64) {
	switch size {
	case 1:
		st8(mem, ea, byte(v))
	case 2:
		st16(mem, ea, uint16(v))
	case 4:
		st32(mem, ea, uint32(v))
	default:
		st64(mem, ea, v)
	}
}

// shapeOf returns the lane shape named by op's prefix.
func shapeOf(op ir.Op) simdShape {
	prefix, _, _ := strings.Cut(op.Info().Name, ".")
	return simdShapes[prefix]
}

// simdOther executes the SIMD instructions that are not plain lane-wise
// maps: bitwise ops, lanes, shuffles, reductions, narrowing, widening and
// conversions.
func (t *thread) simdOther(op ir.Op, in *instr, l []uint64, fc *funcCode) {
	x := getVec(l, in.b)
	var r vec
	switch op {
	case ir.OpV128Not:
		r = vec{^x[0], ^x[1]}
	case ir.OpV128And, ir.OpV128Andnot, ir.OpV128Or, ir.OpV128Xor:
		y := getVec(l, in.c)
		for i := range r {
			switch op {
			case ir.OpV128And:
				r[i] = x[i] & y[i]
			case ir.OpV128Andnot:
				r[i] = x[i] &^ y[i]
			case ir.OpV128Or:
				r[i] = x[i] | y[i]
			default:
				r[i] = x[i] ^ y[i]
			}
		}
	case ir.OpV128Bitselect:
		y, m := getVec(l, in.b+2), getVec(l, in.b+4)
		for i := range r {
			r[i] = x[i]&m[i] | y[i]&^m[i]
		}
	case ir.OpV128AnyTrue:
		l[in.a] = b2u(x[0]|x[1] != 0)
		return
	case ir.OpI8x16AllTrue, ir.OpI16x8AllTrue, ir.OpI32x4AllTrue, ir.OpI64x2AllTrue:
		sh := shapeOf(op)
		all := true
		for i := 0; i < sh.n; i++ {
			all = all && x.lane(i, sh.w) != 0
		}
		l[in.a] = b2u(all)
		return
	case ir.OpI8x16Bitmask, ir.OpI16x8Bitmask, ir.OpI32x4Bitmask, ir.OpI64x2Bitmask:
		sh := shapeOf(op)
		m := uint64(0)
		for i := 0; i < sh.n; i++ {
			m |= x.lane(i, sh.w) >> (sh.w - 1) << i
		}
		l[in.a] = m
		return
	case ir.OpI8x16Splat, ir.OpI16x8Splat, ir.OpI32x4Splat, ir.OpI64x2Splat, ir.OpF32x4Splat, ir.OpF64x2Splat:
		sh := shapeOf(op)
		v := l[in.b] & maskW(sh.w)
		for i := 0; i < sh.n; i++ {
			r.set(i, sh.w, v)
		}
	case ir.OpI8x16ExtractLaneS, ir.OpI16x8ExtractLaneS:
		sh := shapeOf(op)
		l[in.a] = uint64(uint32(sx(x.lane(int(in.x), sh.w), sh.w)))
		return
	case ir.OpI8x16ExtractLaneU, ir.OpI16x8ExtractLaneU, ir.OpI32x4ExtractLane, ir.OpI64x2ExtractLane, ir.OpF32x4ExtractLane, ir.OpF64x2ExtractLane:
		sh := shapeOf(op)
		l[in.a] = x.lane(int(in.x), sh.w)
		return
	case ir.OpI8x16ReplaceLane, ir.OpI16x8ReplaceLane, ir.OpI32x4ReplaceLane, ir.OpI64x2ReplaceLane, ir.OpF32x4ReplaceLane, ir.OpF64x2ReplaceLane:
		sh := shapeOf(op)
		r = x
		r.set(int(in.x), sh.w, l[in.c]&maskW(sh.w))
	case ir.OpI8x16Shuffle:
		y := getVec(l, in.c)
		idx := vec{fc.v128s[in.imm], fc.v128s[in.imm+1]}
		for i := 0; i < 16; i++ {
			j := int(idx.lane(i, 8))
			if j < 16 {
				r.set(i, 8, x.lane(j, 8))
			} else {
				r.set(i, 8, y.lane(j-16, 8))
			}
		}
	case ir.OpI8x16Swizzle:
		y := getVec(l, in.c)
		for i := 0; i < 16; i++ {
			if j := y.lane(i, 8); j < 16 {
				r.set(i, 8, x.lane(int(j), 8))
			}
		}
	case ir.OpI8x16NarrowI16x8S, ir.OpI8x16NarrowI16x8U, ir.OpI16x8NarrowI32x4S, ir.OpI16x8NarrowI32x4U:
		sh := shapeOf(op) // result shape
		y := getVec(l, in.c)
		signed := strings.HasSuffix(op.Info().Name, "_s")
		half := sh.n / 2
		for i := 0; i < sh.n; i++ {
			src := x
			j := i
			if i >= half {
				src, j = y, i-half
			}
			v := sx(src.lane(j, 2*sh.w), 2*sh.w)
			if signed {
				r.set(i, sh.w, satS(v, sh.w))
			} else {
				r.set(i, sh.w, satU(v, sh.w))
			}
		}
	case ir.OpI16x8ExtendLowI8x16S, ir.OpI16x8ExtendHighI8x16S, ir.OpI16x8ExtendLowI8x16U, ir.OpI16x8ExtendHighI8x16U,
		ir.OpI32x4ExtendLowI16x8S, ir.OpI32x4ExtendHighI16x8S, ir.OpI32x4ExtendLowI16x8U, ir.OpI32x4ExtendHighI16x8U,
		ir.OpI64x2ExtendLowI32x4S, ir.OpI64x2ExtendHighI32x4S, ir.OpI64x2ExtendLowI32x4U, ir.OpI64x2ExtendHighI32x4U:
		sh := shapeOf(op)
		name := op.Info().Name
		first := 0
		if strings.Contains(name, "high") {
			first = sh.n
		}
		for i := 0; i < sh.n; i++ {
			r.set(i, sh.w, widen(x.lane(first+i, sh.w/2), sh.w/2, strings.HasSuffix(name, "_s")))
		}
	case ir.OpI16x8ExtmulLowI8x16S, ir.OpI16x8ExtmulHighI8x16S, ir.OpI16x8ExtmulLowI8x16U, ir.OpI16x8ExtmulHighI8x16U,
		ir.OpI32x4ExtmulLowI16x8S, ir.OpI32x4ExtmulHighI16x8S, ir.OpI32x4ExtmulLowI16x8U, ir.OpI32x4ExtmulHighI16x8U,
		ir.OpI64x2ExtmulLowI32x4S, ir.OpI64x2ExtmulHighI32x4S, ir.OpI64x2ExtmulLowI32x4U, ir.OpI64x2ExtmulHighI32x4U:
		sh := shapeOf(op)
		y := getVec(l, in.c)
		name := op.Info().Name
		signed := strings.HasSuffix(name, "_s")
		first := 0
		if strings.Contains(name, "high") {
			first = sh.n
		}
		for i := 0; i < sh.n; i++ {
			a := widen(x.lane(first+i, sh.w/2), sh.w/2, signed)
			b := widen(y.lane(first+i, sh.w/2), sh.w/2, signed)
			r.set(i, sh.w, a*b)
		}
	case ir.OpI16x8ExtaddPairwiseI8x16S, ir.OpI16x8ExtaddPairwiseI8x16U, ir.OpI32x4ExtaddPairwiseI16x8S, ir.OpI32x4ExtaddPairwiseI16x8U:
		sh := shapeOf(op)
		signed := strings.HasSuffix(op.Info().Name, "_s")
		for i := 0; i < sh.n; i++ {
			a := widen(x.lane(2*i, sh.w/2), sh.w/2, signed)
			b := widen(x.lane(2*i+1, sh.w/2), sh.w/2, signed)
			r.set(i, sh.w, a+b)
		}
	case ir.OpI32x4DotI16x8S:
		y := getVec(l, in.c)
		for i := 0; i < 4; i++ {
			s := sx(x.lane(2*i, 16), 16)*sx(y.lane(2*i, 16), 16) + sx(x.lane(2*i+1, 16), 16)*sx(y.lane(2*i+1, 16), 16)
			r.set(i, 32, uint64(s))
		}
	case ir.OpI32x4TruncSatF32x4S, ir.OpI32x4TruncSatF32x4U:
		for i := 0; i < 4; i++ {
			f := float64(f32(x.lane(i, 32)))
			if op == ir.OpI32x4TruncSatF32x4S {
				r.set(i, 32, satS32(f))
			} else {
				r.set(i, 32, satU32(f))
			}
		}
	case ir.OpI32x4TruncSatF64x2SZero, ir.OpI32x4TruncSatF64x2UZero:
		for i := 0; i < 2; i++ {
			f := f64(x.lane(i, 64))
			if op == ir.OpI32x4TruncSatF64x2SZero {
				r.set(i, 32, satS32(f))
			} else {
				r.set(i, 32, satU32(f))
			}
		}
	case ir.OpF32x4ConvertI32x4S, ir.OpF32x4ConvertI32x4U:
		for i := 0; i < 4; i++ {
			v := x.lane(i, 32)
			if op == ir.OpF32x4ConvertI32x4S {
				r.set(i, 32, b32(float32(int32(v))))
			} else {
				r.set(i, 32, b32(float32(uint32(v))))
			}
		}
	case ir.OpF64x2ConvertLowI32x4S, ir.OpF64x2ConvertLowI32x4U:
		for i := 0; i < 2; i++ {
			v := x.lane(i, 32)
			if op == ir.OpF64x2ConvertLowI32x4S {
				r.set(i, 64, b64(float64(int32(v))))
			} else {
				r.set(i, 64, b64(float64(uint32(v))))
			}
		}
	case ir.OpF32x4DemoteF64x2Zero:
		for i := 0; i < 2; i++ {
			r.set(i, 32, demote(x.lane(i, 64)))
		}
	case ir.OpF64x2PromoteLowF32x4:
		for i := 0; i < 2; i++ {
			r.set(i, 64, promote(x.lane(i, 32)))
		}
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+op.String()))
	}
	putVec(l, in.a, r)
}

// widen extends a w-bit lane to 64 bits.
func widen(v uint64, w uint, signed bool) uint64 {
	if signed {
		return uint64(sx(v, w))
	}
	return v
}
