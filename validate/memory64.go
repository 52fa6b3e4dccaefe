package validate

import "github.com/watt-wasm/watt/ir"

// The memory64 proposal and table64: a memory or table declared i64 is
// indexed by i64 addresses. The opcode table lists every address operand as
// i32 (the common case); for instructions on a 64-bit memory or table this
// file substitutes the address type, position by position as the proposal
// says: memarg and memory.init addresses, memory.size/grow's sizes,
// memory.fill's address and length, memory.copy's two addresses and a
// length of the narrower type; table.size's result, table.init's
// destination, table.copy's like memory.copy's. The special table
// instructions (table.get/set/grow/fill, call_indirect) take the address
// type in instr.go.

// addrType is the address type of memory idx, which must exist.
func (mc *moduleChecker) addrType(idx uint32) ir.ValType {
	if mc.memories[idx].Is64 {
		return ir.I64
	}
	return ir.I32
}

// addrSig types a fixed-signature memory or table instruction whose memory
// or table is 64-bit. It reports false, doing nothing, when they are all
// 32-bit so that the table's signature applies unchanged. Immediates are
// already checked.
func (c *funcChecker) addrSig(in *ir.Instr, info *ir.OpInfo) bool {
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
		ps[0], ps[1], ps[2], is64 = copyAddrs(mc.addrType(in.Index), mc.addrType(in.Index2))
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
	case ir.ImmTable: // table.size
		if in.Op == ir.OpTableSize {
			rs[0] = mc.tables[in.Index].AddrType()
		}
	case ir.ImmTableInit: // table.init elem table: [dst src n], src and n index the segment
		ps[0] = mc.tables[in.Index2].AddrType()
	case ir.ImmTablePair: // table.copy dst src: [dst src n]
		ps[0], ps[1], ps[2], is64 = copyAddrs(mc.tables[in.Index].AddrType(), mc.tables[in.Index2].AddrType())
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

// copyAddrs are the operand types of memory.copy and table.copy between
// address types d and s: the length has the narrower one.
func copyAddrs(d, s ir.ValType) (dst, src, n ir.ValType, is64 bool) {
	n = ir.I32
	if d == ir.I64 && s == ir.I64 {
		n = ir.I64
	}
	return d, s, n, d == ir.I64 || s == ir.I64
}
