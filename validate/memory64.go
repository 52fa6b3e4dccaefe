package validate

import "github.com/watt-wasm/watt/ir"

// The memory64 proposal: a memory declared i64 is indexed by i64 addresses.
// The opcode table lists every address operand as i32 (the common case);
// for instructions on a 64-bit memory this file substitutes the memory's
// address type, position by position as the proposal says: memarg and
// memory.init addresses, memory.size/grow's sizes, memory.fill's address and
// length, memory.copy's two addresses and a length of the narrower type.

// addrType is the address type of memory idx, which must exist.
func (mc *moduleChecker) addrType(idx uint32) ir.ValType {
	if mc.memories[idx].Is64 {
		return ir.I64
	}
	return ir.I32
}

// memory64Sig types a fixed-signature memory instruction whose memory is
// 64-bit. It reports false, doing nothing, when all its memories are 32-bit
// so that the table's signature applies unchanged. Immediates are already
// checked.
func (c *funcChecker) memory64Sig(in *ir.Instr, info *ir.OpInfo) bool {
	mc := c.mc
	var ps, rs [4]ir.ValType
	np, nr := copy(ps[:], info.Params), copy(rs[:], info.Results)
	is64 := false
	switch info.Imm {
	case ir.ImmMemArg, ir.ImmMemArgLane:
		ps[0] = mc.addrType(in.Mem.Memory)
	case ir.ImmMemoryInit:
		ps[0] = mc.addrType(in.Index2)
	case ir.ImmMemoryPair: // memory.copy dst src: [dst src n]
		d, s := mc.addrType(in.Index), mc.addrType(in.Index2)
		ps[0], ps[1], ps[2] = d, s, ir.I32
		if d == ir.I64 && s == ir.I64 {
			ps[2] = ir.I64
		}
		is64 = d == ir.I64 || s == ir.I64
	case ir.ImmMemory:
		at := mc.addrType(in.Index)
		switch in.Op {
		case ir.OpMemorySize:
			rs[0] = at
		case ir.OpMemoryGrow:
			ps[0], rs[0] = at, at
		case ir.OpMemoryFill: // [dst value n]
			ps[0], ps[2] = at, at
		}
	default:
		return false
	}
	is64 = is64 || ps[0] == ir.I64 || rs[0] == ir.I64
	if !is64 {
		return false
	}
	c.popTypes(ps[:np], in)
	c.pushTypes(rs[:nr])
	return true
}
