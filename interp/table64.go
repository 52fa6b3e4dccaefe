package interp

import "github.com/watt-wasm/watt/ir"

// 64-bit tables (table64): their indices, sizes and segment offsets are
// i64. Only index arithmetic differs from 32-bit tables: a table never
// holds more than MaxTableSize elements, so an index is in bounds exactly
// when it is below the table's length, whatever its width.

// tableIndexSlot returns the slot call_indirect (or return_call_indirect)
// reads its index operand from. The call path truncates the index to 32
// bits, as i32 tables need; for a 64-bit table the compiler first clamps
// the i64 index into idx's own slot (free: it was just popped, and the
// arguments below it are all that callArgs writes), so that an index of
// 2^32 or more still misses the table and traps "undefined element".
func (c *compiler) tableIndexSlot(table uint32, idx *operand) uint32 {
	s := c.src(idx)
	if !c.env.tables[table].Is64 {
		return s
	}
	c.emit(instr{op: opClampIndex, a: idx.pos, b: s})
	return idx.pos
}

// clampIndex is opClampIndex: an index the 32-bit call path reads whole.
func clampIndex(v uint64) uint64 { return min(v, 1<<32-1) }

// addr reads an address or index operand of type i32, or i64 when is64.
// (Slots hold i32 values zero-extended already; the mask keeps the reading
// independent of that.)
func addr(v uint64, is64 bool) uint64 {
	if is64 {
		return v
	}
	return uint64(uint32(v))
}

// addrValue is the slot value of a size or index result of an address
// type: -1 (failure of a grow) is all ones of the type's width.
func addrValue(v int64, is64 bool) uint64 {
	if is64 {
		return uint64(v)
	}
	return uint64(uint32(v))
}

// is64 reports whether the table has 64-bit indices.
func (t *Table) is64() bool { return t.typ.Is64 }

// segmentOffset evaluates an active segment's offset expression for a
// memory or table of the given address type.
func (inst *Instance) segmentOffset(expr []ir.Instr, is64 bool) uint64 {
	if is64 {
		return inst.evalConst(expr, ir.I64).Lo
	}
	return uint64(uint32(inst.evalConst(expr, ir.I32).Lo))
}
