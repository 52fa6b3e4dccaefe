package interp

import (
	"encoding/binary"

	"github.com/watt-wasm/watt/ir"
)

// GC objects: structs and arrays are *Object values allocated with Go's
// allocator and collected by Go's garbage collector. A struct keeps its
// numeric fields in w (one word each, two for v128; packed i8/i16 fields
// hold their low bits) and its reference fields in r, in field order (see
// structLayout); an array keeps its elements in w or r the same way. The
// slices are allocated once, at their final length: an object never
// changes shape, so racing accesses through shared globals and tables (wasm
// 3.0 objects are per-thread, but a global or table of an instance shared
// by threads can hand them over) touch single words (loadWord, loadRef),
// never a header.

// maxArrayWords bounds an array's storage (2^27 words, 1 GiB): an
// allocation beyond it fails with "out of memory" rather than take the
// process down.
const maxArrayWords = 1 << 27

func (t *thread) ref(fp int, slot uint32) *Object { return t.refs[fp+int(slot)] }

// gc executes the GC instructions that run's loop does not.
func (t *thread) gc(in *instr, fp int, inst *Instance) {
	l := t.stack[fp:]
	typ := uint32(in.imm)
	imm2 := uint32(in.imm >> 32)
	switch in.op {
	case uint16(ir.OpRefEq):
		x, y := t.ref(fp, in.b), t.ref(fp, in.c)
		l[in.a] = b2u(x == y || x != nil && y != nil && x.rt == rtI31 && y.rt == rtI31 && x.x == y.x)
	case uint16(ir.OpRefI31):
		t.refs[fp+int(in.a)] = newI31(uint32(l[in.b]))
	case uint16(ir.OpI31GetS), uint16(ir.OpI31GetU):
		o := t.ref(fp, in.b)
		if o == nil {
			panic(t.trapAt(t.pc, msgNullI31))
		}
		v := uint32(o.x)
		if in.op == uint16(ir.OpI31GetS) {
			v = uint32(int32(v<<1) >> 1)
		}
		l[in.a] = uint64(v)
	case uint16(ir.OpStructNew):
		rt := inst.rtts[typ]
		o := newStruct(rt)
		for _, loc := range inst.module.layouts[typ].loc {
			t.setField(o, loc, fp+int(in.b+loc.src))
		}
		t.refs[fp+int(in.a)] = o
	case uint16(ir.OpStructNewDefault):
		t.refs[fp+int(in.a)] = newStruct(inst.rtts[typ])
	case opStructGetV:
		o := t.ref(fp, in.b)
		if o == nil {
			panic(t.trapAt(t.pc, msgNullStruct))
		}
		l[in.a], l[in.a+1] = loadWord(&o.w[in.imm]), loadWord(&o.w[in.imm+1])
	case opStructSetV:
		o := t.ref(fp, in.b)
		if o == nil {
			panic(t.trapAt(t.pc, msgNullStruct))
		}
		storeWord(&o.w[in.imm], l[in.c])
		storeWord(&o.w[in.imm+1], l[in.c+1])
	case uint16(ir.OpArrayNew):
		rt := inst.rtts[typ]
		n := uint32(l[in.b+1])
		o := t.newArray(rt, n)
		t.fillArray(o, 0, n, fp+int(in.b))
		t.refs[fp+int(in.a)] = o
	case uint16(ir.OpArrayNewDefault):
		t.refs[fp+int(in.a)] = t.newArray(inst.rtts[typ], uint32(l[in.b]))
	case uint16(ir.OpArrayNewFixed):
		rt := inst.rtts[typ]
		o := t.newArray(rt, imm2)
		p := fp + int(in.b)
		for i := uint32(0); i < imm2; i++ {
			t.setElem(o, i, p)
			p += elemSlots(rt.elem)
		}
		t.refs[fp+int(in.a)] = o
	case uint16(ir.OpArrayNewData):
		rt := inst.rtts[typ]
		s, n := uint32(l[in.b]), uint32(l[in.b+1])
		data := inst.datas[imm2].get()
		size := uint64(elemBytes(rt.elem))
		if uint64(s)+uint64(n)*size > uint64(len(data)) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		o := t.newArray(rt, n)
		initFromData(o, 0, data[s:], n)
		t.refs[fp+int(in.a)] = o
	case uint16(ir.OpArrayNewElem):
		rt := inst.rtts[typ]
		s, n := uint32(l[in.b]), uint32(l[in.b+1])
		refs := inst.elems[imm2].get()
		if uint64(s)+uint64(n) > uint64(len(refs)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		o := t.newArray(rt, n)
		copyRefs(o.r, refs[s:s+n])
		t.refs[fp+int(in.a)] = o
	case uint16(ir.OpArraySet):
		o := t.array(fp, in.b)
		i := uint32(l[in.b+1])
		if uint64(i) >= uint64(o.Len()) {
			panic(t.trapAt(t.pc, msgArrayOOB))
		}
		t.setElem(o, i, fp+int(in.b+2))
	case uint16(ir.OpArrayFill):
		o := t.array(fp, in.b)
		d, n := uint32(l[in.b+1]), uint32(l[in.b+3])
		if uint64(d)+uint64(n) > uint64(o.Len()) {
			panic(t.trapAt(t.pc, msgArrayOOB))
		}
		t.fillArray(o, d, n, fp+int(in.b+2))
	case uint16(ir.OpArrayCopy):
		dst := t.array(fp, in.b)
		src := t.array(fp, in.b+2)
		d, s, n := uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+3])), uint64(uint32(l[in.b+4]))
		if d+n > uint64(dst.Len()) || s+n > uint64(src.Len()) {
			panic(t.trapAt(t.pc, msgArrayOOB))
		}
		if dst.rt.elem == elemRef {
			copyRefs(dst.r[d:d+n], src.r[s:s+n])
			break
		}
		k := uint64(elemSlots(dst.rt.elem))
		copyWords(dst.w[d*k:(d+n)*k], src.w[s*k:(s+n)*k])
	case uint16(ir.OpArrayInitData):
		o := t.array(fp, in.b)
		d, s, n := uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2])), uint64(uint32(l[in.b+3]))
		data := inst.datas[imm2].get()
		if d+n > uint64(o.Len()) {
			panic(t.trapAt(t.pc, msgArrayOOB))
		}
		if s+n*uint64(elemBytes(o.rt.elem)) > uint64(len(data)) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		initFromData(o, uint32(d), data[s:], uint32(n))
	case uint16(ir.OpArrayInitElem):
		o := t.array(fp, in.b)
		d, s, n := uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2])), uint64(uint32(l[in.b+3]))
		refs := inst.elems[imm2].get()
		if d+n > uint64(o.Len()) {
			panic(t.trapAt(t.pc, msgArrayOOB))
		}
		if s+n > uint64(len(refs)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		copyRefs(o.r[d:d+n], refs[s:s+n])
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+opName(in.op)))
	}
}

// array returns the array in slot s, trapping on null.
func (t *thread) array(fp int, s uint32) *Object {
	o := t.refs[fp+int(s)]
	if o == nil {
		panic(t.trapAt(t.pc, msgNullArray))
	}
	return o
}

// arrayGet executes array.get, array.get_s and array.get_u.
func (t *thread) arrayGet(in *instr, pc, fp int) {
	o := t.refs[fp+int(in.b)]
	if o == nil {
		panic(t.trapAt(pc, msgNullArray))
	}
	i := uint64(uint32(t.stack[fp+int(in.c)]))
	a := fp + int(in.a)
	switch o.rt.elem {
	case elemRef:
		if i >= uint64(len(o.r)) {
			panic(t.trapAt(pc, msgArrayOOB))
		}
		t.refs[a] = loadRef(&o.r[i])
	case elemV128:
		if 2*i+1 >= uint64(len(o.w)) {
			panic(t.trapAt(pc, msgArrayOOB))
		}
		t.stack[a], t.stack[a+1] = loadWord(&o.w[2*i]), loadWord(&o.w[2*i+1])
	default:
		if i >= uint64(len(o.w)) {
			panic(t.trapAt(pc, msgArrayOOB))
		}
		v := loadWord(&o.w[i])
		if in.op == uint16(ir.OpArrayGetS) {
			switch o.rt.elem {
			case elemI8:
				v = uint64(uint32(int32(int8(v))))
			case elemI16:
				v = uint64(uint32(int32(int16(v))))
			}
		}
		t.stack[a] = v
	}
}

func newStruct(rt *rtType) *Object {
	o := &Object{rt: rt}
	if rt.nw > 0 {
		o.w = make([]uint64, rt.nw)
	}
	if rt.nr > 0 {
		o.r = make([]*Object, rt.nr)
	}
	return o
}

// newArray allocates an array of n default elements.
func (t *thread) newArray(rt *rtType, n uint32) *Object {
	words := uint64(n) * uint64(elemSlots(rt.elem))
	if words > maxArrayWords {
		panic(newTrap(ir.Exhaustion, msgOutOfMemory).at(t.fc, t.pc))
	}
	return allocArray(rt, n)
}

func allocArray(rt *rtType, n uint32) *Object {
	o := &Object{rt: rt}
	if rt.elem == elemRef {
		o.r = make([]*Object, n)
	} else {
		o.w = make([]uint64, uint64(n)*uint64(elemSlots(rt.elem)))
	}
	return o
}

// elemSlots is the number of value slots (and words) an element takes.
func elemSlots(k elemKind) int {
	if k == elemV128 {
		return 2
	}
	return 1
}

// elemBytes is an element's size in a data segment.
func elemBytes(k elemKind) int {
	switch k {
	case elemI8:
		return 1
	case elemI16:
		return 2
	case elemW32:
		return 4
	case elemV128:
		return 16
	}
	return 8
}

// setField stores the value in slot p (of t.stack / t.refs) into field loc
// of struct o.
func (t *thread) setField(o *Object, loc fieldLoc, p int) {
	switch loc.kind {
	case elemRef:
		o.r[loc.idx] = t.refs[p]
	case elemV128:
		o.w[loc.idx], o.w[loc.idx+1] = t.stack[p], t.stack[p+1]
	case elemI8:
		o.w[loc.idx] = t.stack[p] & 0xff
	case elemI16:
		o.w[loc.idx] = t.stack[p] & 0xffff
	default:
		o.w[loc.idx] = t.stack[p]
	}
}

// setElem stores the value in slot p into element i of array o.
func (t *thread) setElem(o *Object, i uint32, p int) {
	switch o.rt.elem {
	case elemRef:
		storeRef(&o.r[i], t.refs[p])
	case elemV128:
		storeWord(&o.w[2*i], t.stack[p])
		storeWord(&o.w[2*i+1], t.stack[p+1])
	case elemI8:
		storeWord(&o.w[i], t.stack[p]&0xff)
	case elemI16:
		storeWord(&o.w[i], t.stack[p]&0xffff)
	default:
		storeWord(&o.w[i], t.stack[p])
	}
}

// fillArray sets elements d..d+n-1 of o to the value in slot p.
func (t *thread) fillArray(o *Object, d, n uint32, p int) {
	switch o.rt.elem {
	case elemRef:
		fillRefs(o.r[d:d+n], t.refs[p])
	case elemV128:
		lo, hi := t.stack[p], t.stack[p+1]
		for i := d; i < d+n; i++ {
			storeWord(&o.w[2*i], lo)
			storeWord(&o.w[2*i+1], hi)
		}
	default:
		v := t.stack[p]
		switch o.rt.elem {
		case elemI8:
			v &= 0xff
		case elemI16:
			v &= 0xffff
		}
		fillWords(o.w[d:d+n], v)
	}
}

// initFromData sets n elements of numeric array o from d on to the
// little-endian values at the start of data (bounds already checked).
func initFromData(o *Object, d uint32, data []byte, n uint32) {
	size := elemBytes(o.rt.elem)
	for i := uint32(0); i < n; i++ {
		b := data[int(i)*size:]
		switch o.rt.elem {
		case elemI8:
			storeWord(&o.w[d+i], uint64(b[0]))
		case elemI16:
			storeWord(&o.w[d+i], uint64(binary.LittleEndian.Uint16(b)))
		case elemV128:
			storeWord(&o.w[2*(d+i)], binary.LittleEndian.Uint64(b))
			storeWord(&o.w[2*(d+i)+1], binary.LittleEndian.Uint64(b[8:]))
		case elemW32:
			storeWord(&o.w[d+i], uint64(binary.LittleEndian.Uint32(b)))
		default:
			storeWord(&o.w[d+i], binary.LittleEndian.Uint64(b))
		}
	}
}

// evalGCConst evaluates the GC instructions of constant expressions
// (reference forms: Ref is the referent whatever its kind); it reports
// false for any other instruction.
func (inst *Instance) evalGCConst(in *ir.Instr, stack *[]Value) bool {
	pop := func(n int) []Value {
		s := *stack
		vs := append([]Value(nil), s[len(s)-n:]...)
		*stack = s[:len(s)-n]
		return vs
	}
	push := func(v Value) { *stack = append(*stack, v) }
	switch in.Op {
	case ir.OpRefI31:
		v := pop(1)[0]
		push(Value{Type: ir.Ref(false, ir.HeapI31), Ref: newI31(uint32(v.Lo))})
	case ir.OpAnyConvertExtern:
		v := pop(1)[0]
		push(Value{Type: ir.Ref(v.Type.Nullable(), ir.HeapAny), Ref: v.Ref})
	case ir.OpExternConvertAny:
		v := pop(1)[0]
		push(Value{Type: ir.Ref(v.Type.Nullable(), ir.HeapExtern), Ref: v.Ref})
	case ir.OpStructNew, ir.OpStructNewDefault:
		rt := inst.rtts[in.Index]
		o := newStruct(rt)
		if in.Op == ir.OpStructNew {
			fields := inst.module.IR.Types[in.Index].Fields
			args := pop(len(fields))
			for i, loc := range structLayout(fields).loc {
				setFieldValue(o, loc, args[i])
			}
		}
		push(Value{Type: ir.Ref(false, ir.HeapIndex(in.Index)), Ref: o})
	case ir.OpArrayNew, ir.OpArrayNewDefault, ir.OpArrayNewFixed:
		rt := inst.rtts[in.Index]
		var vs []Value
		switch in.Op {
		case ir.OpArrayNew:
			args := pop(2)
			vs = make([]Value, uint32(args[1].Lo))
			for i := range vs {
				vs[i] = args[0]
			}
		case ir.OpArrayNewDefault:
			vs = make([]Value, uint32(pop(1)[0].Lo))
		default:
			vs = pop(int(in.Index2))
		}
		if uint64(len(vs))*uint64(elemSlots(rt.elem)) > maxArrayWords {
			panic(newTrap(ir.Exhaustion, msgOutOfMemory))
		}
		o := allocArray(rt, uint32(len(vs)))
		for i, v := range vs {
			loc := fieldLoc{kind: rt.elem, idx: uint32(i)}
			if rt.elem == elemV128 {
				loc.idx *= 2
			}
			setFieldValue(o, loc, v)
		}
		push(Value{Type: ir.Ref(false, ir.HeapIndex(in.Index)), Ref: o})
	default:
		return false
	}
	return true
}

// setFieldValue stores v (in evalConst's form) into field loc of o.
func setFieldValue(o *Object, loc fieldLoc, v Value) {
	switch loc.kind {
	case elemRef:
		o.r[loc.idx] = v.Ref
	case elemV128:
		o.w[loc.idx], o.w[loc.idx+1] = v.Lo, v.Hi
	case elemI8:
		o.w[loc.idx] = v.Lo & 0xff
	case elemI16:
		o.w[loc.idx] = v.Lo & 0xffff
	default:
		o.w[loc.idx] = v.Lo
	}
}
