package interp

import (
	"math/bits"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// GC objects: structs and arrays are *Object values allocated with Go's
// allocator and collected by Go's garbage collector. A struct keeps its
// numeric fields in w (one word each, two for v128; packed i8/i16 fields
// hold their low bits) and its reference fields in r, in field order (see
// structLayout); small structs come in one allocation with their fields
// (newSmall). Arrays: see array.go. The slices are allocated once, at
// their final length: an object never changes shape, so racing accesses
// through shared globals and tables (wasm 3.0 objects are per-thread, but a
// global or table of an instance shared by threads can hand them over)
// touch single words (loadWord, loadRef), never a header.

func (t *thread) ref(fp int, slot uint32) *Object { return t.refs[fp+int(slot)] }

// gc executes the GC instructions that run's loop does not.
func (t *thread) gc(in *instr, fp int, inst *Instance) {
	l := t.stack[fp:]
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
	default:
		t.arrayOp(in, fp, inst)
	}
}

func newStruct(rt *rtType) *Object { return rt.alloc(rt) }

// allocStruct allocates a struct's fields apart from the object; small
// structs use the one allocation of newSmall instead.
func allocStruct(rt *rtType) *Object {
	o := &Object{rt: rt}
	if rt.nw > 0 {
		o.w = make([]uint64, rt.nw)
	}
	if rt.nr > 0 {
		o.r = make([]*Object, rt.nr)
	}
	return o
}

// small is an object with its fields in the same allocation: W is
// [nw]uint64, R is [nr]*Object. The object's slices point into the arrays,
// so the garbage collector keeps the whole allocation for as long as the
// object is referenced.
type small[W, R any] struct {
	o Object
	w W
	r R
}

func newSmall[W, R any](rt *rtType) *Object { return newInline[W, R](rt, rt.nw, rt.nr) }

// newInline allocates an object with nw words and nr references (at most
// the lengths of W and R) in one allocation.
func newInline[W, R any](rt *rtType, nw, nr int) *Object {
	p := new(small[W, R])
	p.o.rt = rt
	if nw > 0 {
		p.o.w = unsafe.Slice((*uint64)(unsafe.Pointer(&p.w)), nw)
	}
	if nr > 0 {
		p.o.r = unsafe.Slice((**Object)(unsafe.Pointer(&p.r)), nr)
	}
	return &p.o
}

// smallAllocs[nw][nr] allocates a struct of nw words and nr references in
// one allocation.
var smallAllocs = [5][3]func(*rtType) *Object{
	{newSmall[[0]uint64, [0]*Object], newSmall[[0]uint64, [1]*Object], newSmall[[0]uint64, [2]*Object]},
	{newSmall[[1]uint64, [0]*Object], newSmall[[1]uint64, [1]*Object], newSmall[[1]uint64, [2]*Object]},
	{newSmall[[2]uint64, [0]*Object], newSmall[[2]uint64, [1]*Object], newSmall[[2]uint64, [2]*Object]},
	{newSmall[[3]uint64, [0]*Object], newSmall[[3]uint64, [1]*Object], newSmall[[3]uint64, [2]*Object]},
	{newSmall[[4]uint64, [0]*Object], newSmall[[4]uint64, [1]*Object], newSmall[[4]uint64, [2]*Object]},
}

// Small arrays come in one allocation too: numeric ones of up to 16 words
// (128 bytes), reference ones of up to 8 elements. The functions round the
// size up to a class.
var (
	inlineWords = [...]func(*rtType, int, int) *Object{
		newInline[[1]uint64, [0]*Object], newInline[[2]uint64, [0]*Object],
		newInline[[4]uint64, [0]*Object], newInline[[8]uint64, [0]*Object],
		newInline[[16]uint64, [0]*Object],
	}
	inlineRefs = [...]func(*rtType, int, int) *Object{
		newInline[[0]uint64, [1]*Object], newInline[[0]uint64, [2]*Object],
		newInline[[0]uint64, [4]*Object], newInline[[0]uint64, [8]*Object],
	}
)

// sizeClass is the index of the smallest power of two at least n (n >= 1).
func sizeClass(n int) int { return bits.Len(uint(n - 1)) }

// structAlloc picks the allocator of a struct type's objects.
func structAlloc(nw, nr int) func(*rtType) *Object {
	if nw < len(smallAllocs) && nr < len(smallAllocs[0]) {
		return smallAllocs[nw][nr]
	}
	return allocStruct
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
		if !arrayFits(rt, uint32(len(vs))) {
			panic(newTrap(ir.Exhaustion, msgOutOfMemory))
		}
		o := allocArray(rt, uint32(len(vs)))
		for i, v := range vs {
			if rt.elem == elemRef {
				o.r[i] = v.Ref
			} else {
				setElemBits(o, uint64(i), v.Lo, v.Hi)
			}
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
