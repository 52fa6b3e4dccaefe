package interp

import "github.com/watt-wasm/watt/ir"

// Multiple memories and 64-bit memories: compilation.
//
// The interpreter loop keeps memory 0's contents in a local and runs plain
// loads and stores on it inline (exec.go); atomics and v128 accesses on it
// leave the loop through their helpers, as before. Only memory 0 of a 32-bit
// address type takes those paths, so 2.0 code compiles and runs exactly as
// it did. Every other memory access — any memory index but 0, or a 64-bit
// memory — compiles to opMemory: x is the table op, a, b and c its operand
// slots as the table op has them, imm an entry of the function's memargs
// (memory index, offset, lane). memory64.go executes it. The bulk
// instructions (memory.init, memory.copy, memory.fill) always take the slow
// path; they carry their memory indices in imm and c.

// memArg is the immediate of an opMemory instruction.
type memArg struct {
	offset uint64
	mem    uint32
	lane   uint8
	kind   uint8 // memPlain, ...
	size   uint8 // bytes accessed
}

// Kinds of opMemory instructions.
const (
	memPlain  = iota // scalar load or store
	memVector        // v128 load or store
	memAtomic        // atomic access, wait or notify
	memSize          // memory.size
	memGrow          // memory.grow
)

// fastMemory reports whether accesses to memory i compile to the loop's
// inline memory-0 code.
func (e *moduleEnv) fastMemory(i uint32) bool { return i == 0 && len(e.mems) > 0 && !e.mems[0].Is64 }

// memoryImm fills in the immediates of a memory instruction (memarg,
// memory index or indices) and lowers it to opMemory when it does not
// address memory 0 with 32-bit addresses.
func (c *compiler) memoryImm(out *instr, in *ir.Instr, info *ir.OpInfo) {
	switch info.Imm {
	case ir.ImmMemArg, ir.ImmMemArgLane:
		out.imm = in.Mem.Offset
		if info.Imm == ir.ImmMemArgLane {
			out.x = uint16(in.Lane)
		}
		if !c.env.fastMemory(in.Mem.Memory) {
			c.lowerMemory(out, in.Op, memArg{offset: in.Mem.Offset, mem: in.Mem.Memory, lane: in.Lane})
		}
	case ir.ImmMemory:
		out.imm = uint64(in.Index)
		if (in.Op == ir.OpMemorySize || in.Op == ir.OpMemoryGrow) && !c.env.fastMemory(in.Index) {
			c.lowerMemory(out, in.Op, memArg{mem: in.Index})
		}
	case ir.ImmMemoryPair, ir.ImmMemoryInit:
		// memory.copy: destination and source memory; memory.init: data
		// segment and memory. Both have three operands from b, so c is free.
		out.imm = uint64(in.Index)
		out.c = in.Index2
	}
}

// lowerMemory turns out into opMemory with immediate ma.
func (c *compiler) lowerMemory(out *instr, op ir.Op, ma memArg) {
	info := op.Info()
	ma.size = info.Size
	switch {
	case op == ir.OpMemorySize:
		ma.kind = memSize
	case op == ir.OpMemoryGrow:
		ma.kind = memGrow
	case op.IsAtomic():
		ma.kind = memAtomic
	case info.Feature == ir.FeatureSIMD:
		ma.kind = memVector
	}
	out.x = uint16(op)
	out.op = opMemory
	out.imm = uint64(len(c.fc.memargs))
	c.fc.memargs = append(c.fc.memargs, ma)
}

// addrResult is the result type of in: the table gives memory.size,
// memory.grow and table.size i32 results, which are i64 on 64-bit memories
// and tables.
func (c *compiler) addrResult(in *ir.Instr, t ir.ValType) ir.ValType {
	switch in.Op {
	case ir.OpMemorySize, ir.OpMemoryGrow:
		return c.env.mems[in.Index].AddrType()
	case ir.OpTableSize:
		return c.env.tables[in.Index].AddrType()
	}
	return t
}

func init() {
	pseudoNames[opMemory] = "memory" // x: the table op
	pseudoNames[opClampIndex] = "clamp_index"
}
