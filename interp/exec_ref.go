package interp

// refOp executes the reference instructions run's loop hands over (out of
// line, so that the loop's code for numeric instructions stays as it was).
func (t *thread) refOp(in *instr, pc, fp int, inst *Instance, fc *funcCode) {
	if in.op == opRefFunc {
		t.refs[fp+int(in.a)] = inst.funcs[in.imm].obj
		return
	}
	l := t.stack[fp:]
	switch in.op {
	case opRefIsNull:
		l[in.a] = b2u(t.refs[fp+int(in.b)] == nil)
	case opCopyRef:
		t.refs[fp+int(in.a)] = t.refs[fp+int(in.b)]
	case opNullRef:
		t.refs[fp+int(in.a)] = nil
	case opMoveRefs:
		copy(l[in.a:in.a+in.c], l[in.b:in.b+in.c])
		copy(t.refs[fp+int(in.a):fp+int(in.a+in.c)], t.refs[fp+int(in.b):fp+int(in.b+in.c)])
	case opMoveRefsOnly:
		copy(t.refs[fp+int(in.a):fp+int(in.a+in.c)], t.refs[fp+int(in.b):fp+int(in.b+in.c)])
	case opSelectRef:
		if uint32(l[in.imm]) != 0 {
			t.refs[fp+int(in.a)] = t.refs[fp+int(in.b)]
		} else {
			t.refs[fp+int(in.a)] = t.refs[fp+int(in.c)]
		}
	case opGlobalGetRef:
		t.refs[fp+int(in.a)] = loadRef(&inst.globals[in.imm].ref)
	case opGlobalSetRef:
		storeRef(&inst.globals[in.imm].ref, t.refs[fp+int(in.b)])
	case opRefNonNull:
		l[in.a] = b2u(t.refs[fp+int(in.b)] != nil)
	case opRefAsNonNull:
		if t.refs[fp+int(in.b)] == nil {
			panic(t.trapAt(pc, msgNullRef))
		}
	case opRefTest:
		l[in.a] = b2u(inst.cast(&fc.casts[in.imm], t.refs[fp+int(in.b)]) != (in.x != 0))
	case opRefCast:
		if !inst.cast(&fc.casts[in.imm], t.refs[fp+int(in.b)]) {
			panic(t.trapAt(pc, msgCastFailure))
		}
	case opStructGetW:
		o := t.refs[fp+int(in.b)]
		if o == nil {
			panic(t.trapAt(pc, msgNullStruct))
		}
		v := loadWord(&o.w[in.imm])
		if in.c != 0 { // get_s of a packed field
			v = uint64(uint32(int32(v<<(32-in.x)) >> (32 - in.x)))
		}
		l[in.a] = v
	case opStructGetR:
		o := t.refs[fp+int(in.b)]
		if o == nil {
			panic(t.trapAt(pc, msgNullStruct))
		}
		t.refs[fp+int(in.a)] = loadRef(&o.r[in.imm])
	case opStructSetW:
		o := t.refs[fp+int(in.b)]
		if o == nil {
			panic(t.trapAt(pc, msgNullStruct))
		}
		v := l[in.c]
		if in.x != 0 {
			v &= 1<<in.x - 1
		}
		storeWord(&o.w[in.imm], v)
	case opStructSetR:
		o := t.refs[fp+int(in.b)]
		if o == nil {
			panic(t.trapAt(pc, msgNullStruct))
		}
		storeRef(&o.r[in.imm], t.refs[fp+int(in.c)])
	case opArraySet:
		t.arraySet(in, pc, fp)
	case opStructNew:
		rt := inst.rtts[in.imm]
		o := newStruct(rt)
		for _, loc := range inst.module.layouts[in.imm].loc {
			t.setField(o, loc, fp+int(in.b+loc.src))
		}
		t.refs[fp+int(in.a)] = o
	case opStructNewDef:
		t.refs[fp+int(in.a)] = newStruct(inst.rtts[in.imm])
	case opArrayNew:
		t.pc = pc
		n := uint32(l[in.b+1])
		o := t.newArray(inst.rtts[in.imm], n)
		t.fillArray(o, 0, uint64(n), fp+int(in.b))
		t.refs[fp+int(in.a)] = o
	case opArrayGet:
		t.arrayGet(in, pc, fp)
	case opArrayLen:
		o := t.refs[fp+int(in.b)]
		if o == nil {
			panic(t.trapAt(pc, msgNullArray))
		}
		l[in.a] = o.x
	}
}

// funcRef returns the function in reference slot c, for call_ref.
func (t *thread) funcRef(pc, fp int, c uint32) *Function {
	o := t.refs[fp+int(c)]
	if o == nil {
		panic(t.trapAt(pc, msgNullFunc))
	}
	return o.rt.fn
}
