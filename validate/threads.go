package validate

import "github.com/watt-wasm/watt/ir"

// The threads proposal's validation rules, in one place:
//
//   - A shared memory must have a maximum ("shared memory must have
//     maximum"), and shared memories need --enable-threads.
//   - An atomic access's alignment must equal its natural alignment exactly
//     ("atomic alignment must be natural"); a non-atomic access's must not
//     exceed it ("alignment must not be larger than natural").
//   - Atomic instructions need a memory ("unknown memory 0"), like every
//     memory instruction.
//   - The signatures of wait, notify, cmpxchg and the other atomics are
//     fixed and come from the opcode table (ir.OpInfo.Params/Results), like
//     every non-special instruction: nothing here repeats them.
//   - memory.atomic.wait on an unshared memory is valid: it traps at run
//     time ("expected shared memory"), so the validator does not look at
//     the memory's Shared flag for instructions. Likewise a shared/unshared
//     mismatch between an import and its definition is a link error
//     ("incompatible import type"), not a validation error.

// checkMemoryType validates a memory's limits and the threads rules on it,
// in the reference interpreter's order.
func (mc *moduleChecker) checkMemoryType(mt *ir.MemoryType, pos ir.Pos) {
	if mt.Is64 {
		if !mc.features.Has(ir.FeatureMemory64) {
			mc.errorf(pos, "64-bit memories require %s", ir.FeatureMemory64.Flag())
			return
		}
		if !mc.checkLimits(mt.Limits, 1<<48, "memory size must be at most 2^48 pages (256TiB)", pos) {
			return
		}
	} else if !mc.checkLimits(mt.Limits, ir.MaxPages, "memory size must be at most 65536 pages (4GiB)", pos) {
		return
	}
	if mt.Shared {
		if !mt.HasMax {
			mc.errorf(pos, "shared memory must have maximum")
			return
		}
		if !mc.features.Has(ir.FeatureThreads) {
			mc.errorf(pos, "shared memories require %s", ir.FeatureThreads.Flag())
		}
	}
}

// checkMemArg validates a load, store or atomic's memory index, alignment
// (against the op's natural size from the opcode table) and offset.
func (c *funcChecker) checkMemArg(in *ir.Instr, info *ir.OpInfo) bool {
	if !c.checkMemory(in.Mem.Memory, in) {
		return false
	}
	natural := in.Op.NaturalAlign()
	if in.Op.IsAtomic() {
		if in.Mem.Align != natural {
			c.failf(in, "atomic alignment must be natural: %s has alignment %s, natural is %d", info.Name, alignBytes(in.Mem.Align), info.Size)
			return false
		}
	} else if in.Mem.Align > natural {
		c.failf(in, "alignment must not be larger than natural: %s has alignment %s, natural is %d", info.Name, alignBytes(in.Mem.Align), info.Size)
		return false
	}
	// The offset after the alignment, as the reference interpreter's
	// check_memop has it.
	if in.Mem.Offset > 0xffffffff && !c.mc.memories[in.Mem.Memory].Is64 {
		c.failf(in, "offset out of range: %d does not fit a 32-bit memory's address space", in.Mem.Offset)
		return false
	}
	return true
}

// alignBytes formats log2 alignment a as its byte count, as the text
// format writes it (align=8).
func alignBytes(a uint32) string {
	if a >= 64 {
		return "2**" + itoa(uint64(a))
	}
	return itoa(uint64(1) << a)
}
