package validate

import "github.com/watt-wasm/watt/ir"

// The GC instructions: structs, arrays, i31, casts and the extern/any
// conversions. Texts are the reference interpreter's.

// gc types a GC instruction; it reports false for any other op.
func (c *funcChecker) gc(in *ir.Instr) bool {
	mc := c.mc
	switch in.Op {
	case ir.OpStructNew, ir.OpStructNewDefault:
		d := c.structType(in.Index, in)
		if d == nil {
			return true
		}
		if in.Op == ir.OpStructNewDefault {
			for i, f := range d.Fields {
				if !f.Type.Defaultable() {
					c.failf(in, "field type is not defaultable: field %d of type %d has type %s", i, in.Index, f.Type)
					return true
				}
			}
		} else {
			c.scratch = c.scratch[:0]
			for _, f := range d.Fields {
				c.scratch = append(c.scratch, f.Type.Unpacked())
			}
			c.popTypes(c.scratch, in)
		}
		c.push(ir.Ref(false, ir.HeapIndex(in.Index)))

	case ir.OpStructGet, ir.OpStructGetS, ir.OpStructGetU:
		f, ok := c.field(in)
		if !ok {
			return true
		}
		if packed := in.Op != ir.OpStructGet; packed != f.Type.IsPacked() {
			if packed {
				c.failf(in, "field is unpacked: %s of field %d of type %d", in.Op, in.Index2, in.Index)
			} else {
				c.failf(in, "field is packed: struct.get of field %d of type %d needs _s or _u", in.Index2, in.Index)
			}
			return true
		}
		c.pop(ir.Ref(true, ir.HeapIndex(in.Index)), in)
		c.push(f.Type.Unpacked())

	case ir.OpStructSet:
		f, ok := c.field(in)
		if !ok {
			return true
		}
		if !f.Mutable {
			c.failf(in, "immutable field %d of type %d in struct.set", in.Index2, in.Index)
			return true
		}
		c.pop(f.Type.Unpacked(), in)
		c.pop(ir.Ref(true, ir.HeapIndex(in.Index)), in)

	case ir.OpArrayNew, ir.OpArrayNewDefault:
		f, ok := c.arrayType(in.Index, in)
		if !ok {
			return true
		}
		c.pop(ir.I32, in)
		if in.Op == ir.OpArrayNewDefault {
			if !f.Type.Defaultable() {
				c.failf(in, "array type is not defaultable: type %d has elements of type %s", in.Index, f.Type)
				return true
			}
		} else {
			c.pop(f.Type.Unpacked(), in)
		}
		c.push(ir.Ref(false, ir.HeapIndex(in.Index)))

	case ir.OpArrayNewFixed:
		f, ok := c.arrayType(in.Index, in)
		if !ok {
			return true
		}
		// One pop per element, but never more than the frame has: the
		// count is a u32 and unreachable code has no operands to pop.
		t := f.Type.Unpacked()
		n := uint64(in.Index2)
		avail := uint64(len(c.vals) - c.ctrl[len(c.ctrl)-1].height)
		for ; n > 0 && avail > 0 && c.err == nil; n, avail = n-1, avail-1 {
			c.pop(t, in)
		}
		if n > 0 && c.err == nil {
			c.pop(t, in) // reports the missing operand unless unreachable
		}
		c.push(ir.Ref(false, ir.HeapIndex(in.Index)))

	case ir.OpArrayNewData, ir.OpArrayInitData:
		f, ok := c.arrayType(in.Index, in)
		if !ok || in.Op == ir.OpArrayInitData && !c.mutableArray(f, in) || !c.checkData(in.Index2, in) {
			return true
		}
		if t := f.Type.Unpacked(); !t.IsNum() && t != ir.V128 {
			c.failf(in, "array type is not numeric or vector: type %d has elements of type %s", in.Index, f.Type)
			return true
		}
		c.arrayFromSegment(in)

	case ir.OpArrayNewElem, ir.OpArrayInitElem:
		f, ok := c.arrayType(in.Index, in)
		if !ok || in.Op == ir.OpArrayInitElem && !c.mutableArray(f, in) || !c.checkElem(in.Index2, in) {
			return true
		}
		if et := mc.m.Elems[in.Index2].Type; !mc.matchStorage(et, f.Type) {
			c.failf(in, "type mismatch: element segment's type %s does not match array's field type %s", et, f.Type)
			return true
		}
		c.arrayFromSegment(in)

	case ir.OpArrayGet, ir.OpArrayGetS, ir.OpArrayGetU:
		f, ok := c.arrayType(in.Index, in)
		if !ok {
			return true
		}
		if packed := in.Op != ir.OpArrayGet; packed != f.Type.IsPacked() {
			if packed {
				c.failf(in, "array is unpacked: %s of type %d", in.Op, in.Index)
			} else {
				c.failf(in, "array is packed: array.get of type %d needs _s or _u", in.Index)
			}
			return true
		}
		c.pop(ir.I32, in)
		c.pop(ir.Ref(true, ir.HeapIndex(in.Index)), in)
		c.push(f.Type.Unpacked())

	case ir.OpArraySet:
		f, ok := c.arrayType(in.Index, in)
		if !ok || !c.mutableArray(f, in) {
			return true
		}
		c.pop(f.Type.Unpacked(), in)
		c.pop(ir.I32, in)
		c.pop(ir.Ref(true, ir.HeapIndex(in.Index)), in)

	case ir.OpArrayLen:
		c.pop(ir.ArrayRef, in)
		c.push(ir.I32)

	case ir.OpArrayFill:
		f, ok := c.arrayType(in.Index, in)
		if !ok || !c.mutableArray(f, in) {
			return true
		}
		c.pop(ir.I32, in)
		c.pop(f.Type.Unpacked(), in)
		c.pop(ir.I32, in)
		c.pop(ir.Ref(true, ir.HeapIndex(in.Index)), in)

	case ir.OpArrayCopy:
		dst, ok := c.arrayType(in.Index, in)
		if !ok {
			return true
		}
		src, ok := c.arrayType(in.Index2, in)
		if !ok || !c.mutableArray(dst, in) {
			return true
		}
		if !mc.matchStorage(src.Type, dst.Type) {
			c.failf(in, "array types do not match: array.copy from elements of type %s to elements of type %s", src.Type, dst.Type)
			return true
		}
		c.pop(ir.I32, in)
		c.pop(ir.I32, in)
		c.pop(ir.Ref(true, ir.HeapIndex(in.Index2)), in)
		c.pop(ir.I32, in)
		c.pop(ir.Ref(true, ir.HeapIndex(in.Index)), in)

	case ir.OpRefTest, ir.OpRefTestNull, ir.OpRefCast, ir.OpRefCastNull:
		rt := in.RefType()
		if !rt.IsRef() {
			c.failf(in, "invalid reference type %s in %s", rt, in.Op)
			return true
		}
		if !c.checkValTypeIn(rt, in) {
			return true
		}
		c.pop(ir.Ref(true, mc.topHeap(rt.Heap())), in)
		if in.Op == ir.OpRefTest || in.Op == ir.OpRefTestNull {
			c.push(ir.I32)
		} else {
			c.push(rt)
		}

	case ir.OpBrOnCast, ir.OpBrOnCastFail:
		c.brOnCast(in)

	case ir.OpAnyConvertExtern, ir.OpExternConvertAny:
		from, to := ir.HeapExtern, ir.HeapAny
		if in.Op == ir.OpExternConvertAny {
			from, to = to, from
		}
		rt, ok := c.peekRef(0, in)
		if !ok {
			return true
		}
		c.pop(ir.Ref(rt.Nullable(), from), in)
		c.push(ir.Ref(rt.Nullable(), to))

	case ir.OpRefI31:
		c.pop(ir.I32, in)
		c.push(ir.Ref(false, ir.HeapI31))

	case ir.OpI31GetS, ir.OpI31GetU:
		c.pop(ir.I31Ref, in)
		c.push(ir.I32)

	default:
		return false
	}
	return true
}

// arrayFromSegment types array.new_data/elem ([i32 i32] -> (ref x)) and
// array.init_data/elem ([(ref null x) i32 i32 i32] -> []).
func (c *funcChecker) arrayFromSegment(in *ir.Instr) {
	c.pop(ir.I32, in)
	c.pop(ir.I32, in)
	if in.Op == ir.OpArrayNewData || in.Op == ir.OpArrayNewElem {
		c.push(ir.Ref(false, ir.HeapIndex(in.Index)))
		return
	}
	c.pop(ir.I32, in)
	c.pop(ir.Ref(true, ir.HeapIndex(in.Index)), in)
}

// structType resolves a struct type index.
func (c *funcChecker) structType(idx uint32, in *ir.Instr) *ir.TypeDef {
	if uint64(idx) >= uint64(len(c.mc.m.Types)) {
		c.failf(in, "unknown type %d in %s", idx, in.Op)
		return nil
	}
	d := &c.mc.m.Types[idx]
	if d.Kind != ir.CompStruct {
		c.failf(in, "non-structure type %d in %s", idx, in.Op)
		return nil
	}
	return d
}

// field resolves struct.get/set's type and field indices.
func (c *funcChecker) field(in *ir.Instr) (ir.FieldType, bool) {
	d := c.structType(in.Index, in)
	if d == nil {
		return ir.FieldType{}, false
	}
	if uint64(in.Index2) >= uint64(len(d.Fields)) {
		c.failf(in, "unknown field %d of type %d in %s", in.Index2, in.Index, in.Op)
		return ir.FieldType{}, false
	}
	return d.Fields[in.Index2], true
}

// arrayType resolves an array type index to its element's field type.
func (c *funcChecker) arrayType(idx uint32, in *ir.Instr) (ir.FieldType, bool) {
	if uint64(idx) >= uint64(len(c.mc.m.Types)) {
		c.failf(in, "unknown type %d in %s", idx, in.Op)
		return ir.FieldType{}, false
	}
	d := &c.mc.m.Types[idx]
	if d.Kind != ir.CompArray || len(d.Fields) != 1 {
		c.failf(in, "non-array type %d in %s", idx, in.Op)
		return ir.FieldType{}, false
	}
	return d.Fields[0], true
}

func (c *funcChecker) mutableArray(f ir.FieldType, in *ir.Instr) bool {
	if !f.Mutable {
		c.failf(in, "immutable array %d in %s", in.Index, in.Op)
	}
	return f.Mutable
}

// diffRef is rt1 minus rt2: the type of what fails a cast from rt1 to rt2
// (non-null when the cast accepts null).
func diffRef(rt1, rt2 ir.ValType) ir.ValType {
	if rt2.Nullable() {
		return rt1.AsNonNull()
	}
	return rt1
}

// brOnCast types br_on_cast and br_on_cast_fail l rt1 rt2: rt2 must match
// rt1; the branch carries the cast's success (br_on_cast) or failure type,
// the fall-through the other one.
func (c *funcChecker) brOnCast(in *ir.Instr) {
	mc := c.mc
	rt1, rt2 := in.CastTypes()
	for _, rt := range []ir.ValType{rt1, rt2} {
		if !rt.IsRef() {
			c.failf(in, "invalid reference type %s in %s", rt, in.Op)
			return
		}
		if !c.checkValTypeIn(rt, in) {
			return
		}
	}
	if !mc.match(rt2, rt1) {
		c.failf(in, "type mismatch on cast: type %s does not match %s in %s", rt2, rt1, in.Op)
		return
	}
	l := c.label(in.Index, in)
	if l == nil {
		return
	}
	branch, fall := rt2, diffRef(rt1, rt2)
	if in.Op == ir.OpBrOnCastFail {
		branch, fall = fall, rt2
	}
	ts := l.labelTypes()
	if len(ts) == 0 || !mc.match(branch, ts[len(ts)-1]) {
		c.failf(in, "type mismatch: instruction requires type %s but label has %s in %s", branch, typeList(ts), in.Op)
		return
	}
	c.pop(rt1, in)
	c.popTypes(ts[:len(ts)-1], in)
	c.pushTypes(ts[:len(ts)-1])
	c.push(fall)
}
