package validate

import "github.com/watt-wasm/watt/ir"

// The fast path of the instruction loop (funcChecker.run): MVP instructions
// with a fixed signature and nothing to check in their immediates but,
// for loads and stores, the memory argument. When their operands are on
// the stack with exactly the types wanted they are typed here from a
// compact table; anything else (a mismatch, unknown operands, a bad
// memory argument) goes to funcChecker.instr, which reports it.

// fastChecks turns the fast path on; tests turn it off to compare.
var fastChecks = true

type opKind uint8

const (
	kindOther    opKind = iota // funcChecker.instr
	kindPlain                  // fixed signature, immediates need no check
	kindMem                    // as kindPlain after checkMemArg's checks
	kindLocalGet               // not for functions with non-defaultable locals (trackInit)
	kindLocalSet
	kindLocalTee
	kindGlobalGet
	kindGlobalSet
)

// plainSig is the signature of a kindPlain or kindMem op.
type plainSig struct {
	np, nr  uint8
	params  [3]ir.ValType
	result  ir.ValType
	natural uint8 // log2 of the natural alignment, for kindMem
}

var (
	opKinds [ir.NumOps + 1]opKind // indexed by any Op up to NumOps (kindOther)
	opSigs  [ir.NumOps]plainSig
)

func init() {
	opKinds[ir.OpLocalGet] = kindLocalGet
	opKinds[ir.OpLocalSet] = kindLocalSet
	opKinds[ir.OpLocalTee] = kindLocalTee
	opKinds[ir.OpGlobalGet] = kindGlobalGet
	opKinds[ir.OpGlobalSet] = kindGlobalSet
	for op := range ir.NumOps {
		info := op.Info()
		if info.Special || info.Feature != ir.FeatureMVP || len(info.Params) > 3 || len(info.Results) > 1 {
			continue
		}
		switch info.Imm {
		case ir.ImmNone, ir.ImmI32, ir.ImmI64, ir.ImmF32, ir.ImmF64:
			opKinds[op] = kindPlain
		case ir.ImmMemArg:
			if op.IsAtomic() {
				continue
			}
			opKinds[op] = kindMem
		default:
			continue
		}
		s := &opSigs[op]
		s.np = uint8(copy(s.params[:], info.Params))
		if len(info.Results) == 1 {
			s.nr, s.result = 1, info.Results[0]
		}
		s.natural = uint8(op.NaturalAlign())
	}
}

// fast types in, a kindPlain or kindMem instruction, when that is simple;
// it reports false, having changed nothing, when instr must do it.
func (c *funcChecker) fast(in *ir.Instr, kind opKind) bool {
	switch kind {
	case kindLocalGet:
		if uint64(in.Index) >= uint64(len(c.fastLocals)) {
			return false
		}
		t := c.fastLocals[in.Index]
		if t == unsetLocal {
			return false // "uninitialized local"
		}
		c.vals = append(c.vals, t)
		return true
	case kindLocalSet, kindLocalTee:
		n := len(c.vals)
		if uint64(in.Index) >= uint64(len(c.fastLocals)) || n <= c.ctrl[len(c.ctrl)-1].height || c.vals[n-1] != c.fastLocals[in.Index] {
			return false
		}
		if kind == kindLocalSet {
			c.vals = c.vals[:n-1]
		}
		return true
	case kindGlobalGet:
		if c.isConst || uint64(in.Index) >= uint64(len(c.mc.globals)) {
			return false
		}
		c.vals = append(c.vals, c.mc.globals[in.Index].Type)
		return true
	case kindGlobalSet:
		n := len(c.vals)
		if c.isConst || uint64(in.Index) >= uint64(len(c.mc.globals)) || n <= c.ctrl[len(c.ctrl)-1].height {
			return false
		}
		if g := c.mc.globals[in.Index]; !g.Mutable || c.vals[n-1] != g.Type {
			return false
		}
		c.vals = c.vals[:n-1]
		return true
	}
	s := &opSigs[in.Op]
	if kind == kindMem {
		mc := c.mc
		if mc.hasMemory64 || uint64(in.Mem.Memory) >= uint64(len(mc.memories)) ||
			in.Mem.Offset > 0xffffffff || in.Mem.Align > uint32(s.natural) {
			return false
		}
	}
	k := len(c.vals) - int(s.np)
	if k < c.ctrl[len(c.ctrl)-1].height {
		return false
	}
	top := c.vals[k:]
	for i := range top {
		if top[i] != s.params[i] {
			return false
		}
	}
	c.vals = c.vals[:k]
	if s.nr != 0 {
		c.vals = append(c.vals, s.result)
	}
	return true
}
