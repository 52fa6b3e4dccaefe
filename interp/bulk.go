package interp

import "github.com/watt-wasm/watt/ir"

// bulk executes the bulk memory and table instructions (spec 2.0: bounds
// are checked before anything is written) and table.get/set.
func (t *thread) bulk(in *instr, l []uint64, fp int, inst *Instance) {
	switch ir.Op(in.op) {
	case ir.OpMemoryInit:
		m := inst.mems[in.c]
		d, s, n := addr(l[in.b], m.Is64()), uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2]))
		data := inst.datas[in.imm].get()
		mem := m.bytes()
		if beyond(s, n, uint64(len(data))) || beyond(d, n, uint64(len(mem))) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		memWrite(mem, d, data[s:s+n])
	case ir.OpDataDrop:
		inst.datas[in.imm].dropped.Store(true)
	case ir.OpMemoryCopy:
		// The length is i64 only when both memories are 64-bit.
		dm, sm := inst.mems[in.imm], inst.mems[in.c]
		d, s, n := addr(l[in.b], dm.Is64()), addr(l[in.b+1], sm.Is64()), addr(l[in.b+2], dm.Is64() && sm.Is64())
		dst, src := dm.bytes(), sm.bytes()
		if beyond(s, n, uint64(len(src))) || beyond(d, n, uint64(len(dst))) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		if dm == sm {
			memCopy(dst, d, s, n)
		} else {
			memCopyBetween(dst, d, src, s, n)
		}
	case ir.OpMemoryFill:
		m := inst.mems[in.imm]
		d, v, n := addr(l[in.b], m.Is64()), byte(l[in.b+1]), addr(l[in.b+2], m.Is64())
		mem := m.bytes()
		if beyond(d, n, uint64(len(mem))) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		memFill(mem, d, n, v)
	case ir.OpTableInit:
		d, s, n := addr(l[in.b], inst.tables[in.c].is64()), uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2]))
		refs := inst.elems[in.imm].get()
		tab := inst.tables[in.c].load()
		if beyond(s, n, uint64(len(refs))) || beyond(d, n, uint64(len(tab))) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		copyRefs(tab[d:d+n], refs[s:s+n])
	case ir.OpElemDrop:
		inst.elems[in.imm].dropped.Store(true)
	case ir.OpTableCopy:
		d64, s64 := inst.tables[in.imm].is64(), inst.tables[in.c].is64()
		d, s, n := addr(l[in.b], d64), addr(l[in.b+1], s64), addr(l[in.b+2], d64 && s64)
		dt, st := inst.tables[in.imm].load(), inst.tables[in.c].load()
		if beyond(s, n, uint64(len(st))) || beyond(d, n, uint64(len(dt))) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		copyRefs(dt[d:d+n], st[s:s+n])
	case ir.OpTableGrow:
		tab := inst.tables[in.imm]
		l[in.a] = addrValue(tab.grow(addr(l[in.c], tab.is64()), t.refs[fp+int(in.b)]), tab.is64())
	case ir.OpTableSize:
		l[in.a] = uint64(len(inst.tables[in.imm].load()))
	case ir.OpTableFill:
		is64 := inst.tables[in.imm].is64()
		i, v, n := addr(l[in.b], is64), t.refs[fp+int(in.b+1)], addr(l[in.b+2], is64)
		tab := inst.tables[in.imm].load()
		if beyond(i, n, uint64(len(tab))) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		fillRefs(tab[i:i+n], v)
	case ir.OpTableGet:
		tab := inst.tables[in.imm].load()
		i := addr(l[in.b], inst.tables[in.imm].is64())
		if i >= uint64(len(tab)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		t.refs[fp+int(in.a)] = loadRef(&tab[i])
	case ir.OpTableSet:
		tab := inst.tables[in.imm].load()
		i := addr(l[in.b], inst.tables[in.imm].is64())
		if i >= uint64(len(tab)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		storeRef(&tab[i], t.refs[fp+int(in.c)])
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+ir.Op(in.op).String()))
	}
}

// beyond reports whether n bytes or elements from off exceed length: the
// bounds check of bulk operations, free of overflow for 64-bit operands.
func beyond(off, n, length uint64) bool { return n > length || off > length-n }
