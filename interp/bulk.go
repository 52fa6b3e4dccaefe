package interp

import "github.com/watt-wasm/watt/ir"

// bulk executes the bulk memory and table instructions (spec 2.0: bounds
// are checked before anything is written) and table.get/set.
func (t *thread) bulk(in *instr, l []uint64, fp int, inst *Instance) {
	switch ir.Op(in.op) {
	case ir.OpMemoryInit:
		d, s, n := uint64(uint32(l[in.b])), uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2]))
		data := inst.datas[in.imm].get()
		mem := inst.memBytes()
		if s+n > uint64(len(data)) || d+n > uint64(len(mem)) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		memWrite(mem, d, data[s:s+n])
	case ir.OpDataDrop:
		inst.datas[in.imm].dropped.Store(true)
	case ir.OpMemoryCopy:
		d, s, n := uint64(uint32(l[in.b])), uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2]))
		mem := inst.memBytes()
		if s+n > uint64(len(mem)) || d+n > uint64(len(mem)) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		memCopy(mem, d, s, n)
	case ir.OpMemoryFill:
		d, v, n := uint64(uint32(l[in.b])), byte(l[in.b+1]), uint64(uint32(l[in.b+2]))
		mem := inst.memBytes()
		if d+n > uint64(len(mem)) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		memFill(mem, d, n, v)
	case ir.OpTableInit:
		d, s, n := uint64(uint32(l[in.b])), uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2]))
		refs := inst.elems[in.imm].get()
		tab := inst.tables[in.c].load()
		if s+n > uint64(len(refs)) || d+n > uint64(len(tab)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		copyRefs(tab[d:d+n], refs[s:s+n])
	case ir.OpElemDrop:
		inst.elems[in.imm].dropped.Store(true)
	case ir.OpTableCopy:
		d, s, n := uint64(uint32(l[in.b])), uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2]))
		dt, st := inst.tables[in.imm].load(), inst.tables[in.c].load()
		if s+n > uint64(len(st)) || d+n > uint64(len(dt)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		copyRefs(dt[d:d+n], st[s:s+n])
	case ir.OpTableGrow:
		l[in.a] = uint64(uint32(inst.tables[in.imm].grow(uint32(l[in.c]), t.refs[fp+int(in.b)])))
	case ir.OpTableSize:
		l[in.a] = uint64(len(inst.tables[in.imm].load()))
	case ir.OpTableFill:
		i, v, n := uint64(uint32(l[in.b])), t.refs[fp+int(in.b+1)], uint64(uint32(l[in.b+2]))
		tab := inst.tables[in.imm].load()
		if i+n > uint64(len(tab)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		fillRefs(tab[i:i+n], v)
	case ir.OpTableGet:
		tab := inst.tables[in.imm].load()
		i := uint64(uint32(l[in.b]))
		if i >= uint64(len(tab)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		t.refs[fp+int(in.a)] = loadRef(&tab[i])
	case ir.OpTableSet:
		tab := inst.tables[in.imm].load()
		i := uint64(uint32(l[in.b]))
		if i >= uint64(len(tab)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		storeRef(&tab[i], t.refs[fp+int(in.c)])
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+ir.Op(in.op).String()))
	}
}
