package interp

import (
	"encoding/binary"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// Arrays. An array's length is in x. Reference elements are r; numeric
// elements are packed in w at their natural size (i8: 1 byte, i16: 2,
// i32 and f32: 4, i64 and f64: 8, v128: 16), little endian, and read and
// written through the accessors linear memory uses (ld8, st16, ...), which
// go atomic under the race detector: a byte array takes a byte per
// element, and racing accesses to different elements never touch each
// other's bytes.

// maxArrayBytes bounds an array's storage (1 GiB): an allocation beyond
// it fails with "out of memory" rather than take the process down.
const maxArrayBytes = 1 << 30

// elemSize is the size of a numeric element in bytes (of a reference, in
// slots: 1).
func elemSize(k elemKind) uint64 {
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

// slots is the number of value slots an element takes.
func (k elemKind) slots() uint64 {
	if k == elemV128 {
		return 2
	}
	return 1
}

// arrayFits reports whether an array of n elements of rt stays within
// maxArrayBytes.
func arrayFits(rt *rtType, n uint32) bool { return uint64(n)*elemSize(rt.elem) <= maxArrayBytes }

func allocArray(rt *rtType, n uint32) *Object {
	var o *Object
	if rt.elem == elemRef {
		if k := int(n); k > 0 && k <= 8 {
			o = inlineRefs[sizeClass(k)](rt, 0, k)
		} else {
			o = &Object{rt: rt, r: make([]*Object, n)}
		}
	} else {
		words := (uint64(n)*elemSize(rt.elem) + 7) / 8
		if k := int(words); k > 0 && k <= 16 {
			o = inlineWords[sizeClass(k)](rt, k, 0)
		} else {
			o = &Object{rt: rt, w: make([]uint64, words)}
		}
	}
	o.x = uint64(n)
	return o
}

// newArray allocates an array of n default elements.
func (t *thread) newArray(rt *rtType, n uint32) *Object {
	if !arrayFits(rt, n) {
		panic(newTrap(ir.Exhaustion, msgOutOfMemory).at(t.code(), t.pc))
	}
	return allocArray(rt, n)
}

// bytes is the storage of a numeric array as bytes.
func (o *Object) bytes() []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(o.w))), len(o.w)*8)
}

// elemBits returns element i of numeric array o (bounds checked by the
// caller): its bits zero-extended, hi for v128.
func elemBits(o *Object, i uint64) (lo, hi uint64) {
	switch o.rt.elem {
	case elemI8:
		return uint64(ld8(o.bytes(), i)), 0
	case elemI16:
		return uint64(ld16(o.bytes(), 2*i)), 0
	case elemW32:
		return uint64(ld32(o.bytes(), 4*i)), 0
	case elemV128:
		return loadWord(&o.w[2*i]), loadWord(&o.w[2*i+1])
	}
	return loadWord(&o.w[i]), 0
}

// setElemBits stores element i of numeric array o (bounds checked by the
// caller), truncated to the element's size.
func setElemBits(o *Object, i, lo, hi uint64) {
	switch o.rt.elem {
	case elemI8:
		st8(o.bytes(), i, byte(lo))
	case elemI16:
		st16(o.bytes(), 2*i, uint16(lo))
	case elemW32:
		st32(o.bytes(), 4*i, uint32(lo))
	case elemV128:
		storeWord(&o.w[2*i], lo)
		storeWord(&o.w[2*i+1], hi)
	default:
		storeWord(&o.w[i], lo)
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
	if i >= o.x {
		panic(t.trapAt(pc, msgArrayOOB))
	}
	a := fp + int(in.a)
	if o.rt.elem == elemRef {
		t.refs[a] = loadRef(&o.r[i])
		return
	}
	lo, hi := elemBits(o, i)
	if in.x != 0 { // get_s
		switch o.rt.elem {
		case elemI8:
			lo = uint64(uint32(int32(int8(lo))))
		case elemI16:
			lo = uint64(uint32(int32(int16(lo))))
		}
	}
	t.stack[a] = lo
	if o.rt.elem == elemV128 {
		t.stack[a+1] = hi
	}
}

// arraySet executes array.set: array in slot a, index b, value c.
func (t *thread) arraySet(in *instr, pc, fp int) {
	o := t.refs[fp+int(in.a)]
	if o == nil {
		panic(t.trapAt(pc, msgNullArray))
	}
	i := uint64(uint32(t.stack[fp+int(in.b)]))
	if i >= o.x {
		panic(t.trapAt(pc, msgArrayOOB))
	}
	switch o.rt.elem {
	case elemRef:
		storeRef(&o.r[i], t.refs[fp+int(in.c)])
	case elemW64:
		storeWord(&o.w[i], t.stack[fp+int(in.c)])
	case elemI8:
		st8(o.bytes(), i, byte(t.stack[fp+int(in.c)]))
	default:
		t.setElemSlot(o, i, fp+int(in.c))
	}
}

// setElemSlot stores the value in slot p into element i of numeric array
// o (bounds checked).
func (t *thread) setElemSlot(o *Object, i uint64, p int) {
	var hi uint64
	if o.rt.elem == elemV128 {
		hi = t.stack[p+1]
	}
	setElemBits(o, i, t.stack[p], hi)
}

// fillArray sets elements d..d+n-1 of o (bounds checked) to the value in
// slot p.
func (t *thread) fillArray(o *Object, d, n uint64, p int) {
	switch o.rt.elem {
	case elemRef:
		fillRefs(o.r[d:d+n], t.refs[p])
	case elemI8:
		memFill(o.bytes(), d, n, byte(t.stack[p]))
	case elemW64:
		fillWords(o.w[d:d+n], t.stack[p])
	default:
		for i := d; i < d+n; i++ {
			t.setElemSlot(o, i, p)
		}
	}
}

// initFromData sets n elements of numeric array o from d on (bounds
// checked) to the little-endian values at the start of data.
func initFromData(o *Object, d uint64, data []byte, n uint64) {
	size := elemSize(o.rt.elem)
	switch o.rt.elem {
	case elemI8, elemI16, elemW32:
		memWrite(o.bytes(), d*size, data[:n*size])
	default:
		for i := uint64(0); i < n*size/8; i++ {
			storeWord(&o.w[d*size/8+i], binary.LittleEndian.Uint64(data[8*i:]))
		}
	}
}

// arrayOp executes the array instructions other than get and set.
func (t *thread) arrayOp(in *instr, fp int, inst *Instance) {
	l := t.stack[fp:]
	typ := uint32(in.imm)
	imm2 := uint32(in.imm >> 32)
	switch in.op {
	case uint16(ir.OpArrayNewDefault):
		t.refs[fp+int(in.a)] = t.newArray(inst.rtts[typ], uint32(l[in.b]))
	case uint16(ir.OpArrayNewFixed):
		rt := inst.rtts[typ]
		o := t.newArray(rt, imm2)
		p := fp + int(in.b)
		for i := uint64(0); i < uint64(imm2); i++ {
			if rt.elem == elemRef {
				o.r[i] = t.refs[p]
				p++
				continue
			}
			t.setElemSlot(o, i, p)
			p += int(rt.elem.slots())
		}
		t.refs[fp+int(in.a)] = o
	case uint16(ir.OpArrayNewData):
		rt := inst.rtts[typ]
		s, n := uint64(uint32(l[in.b])), uint64(uint32(l[in.b+1]))
		data := inst.datas[imm2].get()
		if s+n*elemSize(rt.elem) > uint64(len(data)) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		o := t.newArray(rt, uint32(n))
		initFromData(o, 0, data[s:], n)
		t.refs[fp+int(in.a)] = o
	case uint16(ir.OpArrayNewElem):
		s, n := uint64(uint32(l[in.b])), uint64(uint32(l[in.b+1]))
		refs := inst.elems[imm2].get()
		if s+n > uint64(len(refs)) {
			panic(t.trapAt(t.pc, msgTableOOB))
		}
		o := t.newArray(inst.rtts[typ], uint32(n))
		copyRefs(o.r, refs[s:s+n])
		t.refs[fp+int(in.a)] = o
	case uint16(ir.OpArrayFill):
		o := t.array(fp, in.b)
		d, n := uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+3]))
		if d+n > o.x {
			panic(t.trapAt(t.pc, msgArrayOOB))
		}
		t.fillArray(o, d, n, fp+int(in.b+2))
	case uint16(ir.OpArrayCopy):
		dst := t.array(fp, in.b)
		src := t.array(fp, in.b+2)
		d, s, n := uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+3])), uint64(uint32(l[in.b+4]))
		if d+n > dst.x || s+n > src.x {
			panic(t.trapAt(t.pc, msgArrayOOB))
		}
		switch k := dst.rt.elem; k {
		case elemRef:
			copyRefs(dst.r[d:d+n], src.r[s:s+n])
		case elemI8, elemI16, elemW32:
			z := elemSize(k)
			if dst == src {
				memCopy(dst.bytes(), d*z, s*z, n*z)
			} else {
				copyBytes(dst.bytes()[d*z:(d+n)*z], src.bytes()[s*z:(s+n)*z])
			}
		default:
			z := elemSize(k) / 8
			copyWords(dst.w[d*z:(d+n)*z], src.w[s*z:(s+n)*z])
		}
	case uint16(ir.OpArrayInitData):
		o := t.array(fp, in.b)
		d, s, n := uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2])), uint64(uint32(l[in.b+3]))
		data := inst.datas[imm2].get()
		if d+n > o.x {
			panic(t.trapAt(t.pc, msgArrayOOB))
		}
		if s+n*elemSize(o.rt.elem) > uint64(len(data)) {
			panic(t.trapAt(t.pc, msgMemOOB))
		}
		initFromData(o, d, data[s:], n)
	case uint16(ir.OpArrayInitElem):
		o := t.array(fp, in.b)
		d, s, n := uint64(uint32(l[in.b+1])), uint64(uint32(l[in.b+2])), uint64(uint32(l[in.b+3]))
		refs := inst.elems[imm2].get()
		if d+n > o.x {
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
