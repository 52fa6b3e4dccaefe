package interp

import "github.com/watt-wasm/watt/ir"

// Compiling references. A reference-typed operand occupies a slot like any
// value, but its referent lives in thread.refs at that slot (the word in
// the value stack is unused): moves of reference values use the ops that
// copy refs, chosen from the static types the compiler tracks, so code
// without references compiles exactly as before.

func init() {
	for op, name := range map[uint16]string{
		opCopyRef: "copy.ref", opNullRef: "null.ref", opMoveRefs: "move.refs", opMoveRefsOnly: "move.refs_only",
		opReturnRefs: "return.refs", opSelectRef: "select.ref", opGlobalGetRef: "global.get.ref",
		opGlobalSetRef: "global.set.ref", opRefNonNull: "ref.non_null", opRefAsNonNull: "ref.as_non_null",
		opRefTest: "ref.test", opRefCast: "ref.cast", opCallRef: "call_ref", opReturnCallRef: "return_call_ref",
		opThrow: "throw", opThrowRef: "throw_ref", opStructGetW: "struct.get.w", opStructGetV: "struct.get.v128",
		opStructGetR: "struct.get.ref", opStructSetW: "struct.set.w", opStructSetV: "struct.set.v128",
		opStructSetR: "struct.set.ref", opRefIsNull: "ref.is_null", opArrayGet: "array.get", opArraySet: "array.set",
		opArrayLen: "array.len", opStructNew: "struct.new", opStructNewDef: "struct.new_default", opArrayNew: "array.new",
	} {
		pseudoNames[op] = name
	}
}

// copyOp is the op that copies a value of type t between slots.
func copyOp(t ir.ValType) uint16 {
	switch {
	case t == ir.V128:
		return opCopy2
	case t.IsRef():
		return opCopyRef
	}
	return opCopy
}

// constInstr writes constant v of type t to slot a (a constant reference
// is null).
func constInstr(t ir.ValType, a uint32, v uint64) instr {
	if t.IsRef() {
		return instr{op: opNullRef, a: a}
	}
	return instr{op: opConst, a: a, imm: v}
}

func hasRef(ts []ir.ValType) bool {
	for _, t := range ts {
		if t.IsRef() {
			return true
		}
	}
	return false
}

// moveOp is the op that moves branch values of types ts.
func moveOp(ts []ir.ValType) uint16 {
	if hasRef(ts) {
		return opMoveRefs
	}
	return opMove
}

// returnOp is the function's return op.
func (c *compiler) returnOp() uint16 {
	if hasRef(c.fc.typ.Results) {
		return opReturnRefs
	}
	return opReturn
}

// tailCallRefs moves the reference arguments of a tail call to the frame
// base (the tail call itself moves the words).
func (c *compiler) tailCallRefs(ft ir.FuncType, base uint32) {
	if n := slots(ft.Params); hasRef(ft.Params) && base != 0 {
		c.emit(instr{op: opMoveRefsOnly, a: 0, b: base, c: n})
	}
}

// retype pushes operand o back with type t: the value is the same, only
// what validation knows of it changed (ref.as_non_null, ref.cast, the
// extern/any conversions, which keep the referent).
func (c *compiler) retype(o operand, t ir.ValType) {
	o.typ = t
	c.pushOperand(o)
}

// castTarget records a cast target and returns its index in fc.casts.
func (c *compiler) castTarget(t ir.ValType) uint64 {
	c.fc.casts = append(c.fc.casts, castInfo{heap: t.Heap(), nullable: t.Nullable()})
	return uint64(len(c.fc.casts) - 1)
}

// label returns the ctrl that label depth names.
func (c *compiler) label(depth uint32) *ctrl { return c.ctrls[len(c.ctrls)-1-int(depth)] }

// branchIf compiles a conditional branch to label depth on the i32 in
// slot cond, the condition operand having been pushed last.
func (c *compiler) branchIf(depth uint32) {
	c.brIf(&ir.Instr{Op: ir.OpBrIf, Index: depth, Pos: c.pos})
}

// refInstr compiles the reference, GC and exception instructions that
// instr does not; it reports whether it handled in and whether the next
// instruction is reachable.
func (c *compiler) refInstr(in *ir.Instr) (handled, reachable bool) {
	switch in.Op {
	case ir.OpRefAsNonNull:
		v := c.pop()
		c.emit(instr{op: opRefAsNonNull, b: c.src(&v)})
		c.retype(v, v.typ.AsNonNull())
	case ir.OpAnyConvertExtern:
		v := c.pop()
		c.retype(v, ir.Ref(v.typ.Nullable(), ir.HeapAny))
	case ir.OpExternConvertAny:
		v := c.pop()
		c.retype(v, ir.Ref(v.typ.Nullable(), ir.HeapExtern))
	case ir.OpRefTest, ir.OpRefTestNull:
		v := c.pop()
		c.emitResult(instr{op: opRefTest, b: c.src(&v), imm: c.castTarget(in.RefType())}, ir.I32)
	case ir.OpRefCast, ir.OpRefCastNull:
		v := c.pop()
		t := in.RefType()
		c.emit(instr{op: opRefCast, b: c.src(&v), imm: c.castTarget(t)})
		c.retype(v, t)
	case ir.OpBrOnNull:
		// Branch without the reference when it is null; go on with it,
		// non-null, otherwise. The condition goes to the reference's slot
		// in the value stack, which a reference does not use.
		v := c.pop()
		s := c.src(&v)
		c.emitResult(instr{op: opRefIsNull, b: s}, ir.I32)
		c.branchIf(in.Index)
		c.retype(v, v.typ.AsNonNull())
	case ir.OpBrOnNonNull:
		// Branch with the reference when it is not null; drop it otherwise.
		s := c.src(&c.stack[len(c.stack)-1])
		c.emitResult(instr{op: opRefNonNull, b: s}, ir.I32)
		c.branchIf(in.Index)
		c.pop()
	case ir.OpBrOnCast, ir.OpBrOnCastFail:
		// Branch with the reference when the cast succeeds (br_on_cast) or
		// fails (br_on_cast_fail); go on with it otherwise.
		from, to := in.CastTypes()
		s := c.src(&c.stack[len(c.stack)-1])
		neg := uint16(0)
		if in.Op == ir.OpBrOnCastFail {
			neg = 1
		}
		c.emitResult(instr{op: opRefTest, b: s, imm: c.castTarget(to), x: neg}, ir.I32)
		c.branchIf(in.Index)
		v := c.pop()
		if in.Op == ir.OpBrOnCast {
			// Fallthrough: the cast failed, so null is left only if the
			// target excluded it.
			nullable := from.Nullable() && !to.Nullable()
			c.retype(v, ir.Ref(nullable, from.Heap()))
		} else {
			c.retype(v, to)
		}
	case ir.OpRefEq:
		y := c.pop()
		x := c.pop()
		c.emitResult(instr{op: uint16(in.Op), b: c.src(&x), c: c.src(&y)}, ir.I32)
	case ir.OpCallRef:
		ft := c.env.m.Types[in.Index].FuncType
		fn := c.pop()
		s := c.src(&fn)
		base := c.callArgs(ft)
		c.emit(instr{op: opCallRef, b: base, c: s})
		c.callResults(ft)
	case ir.OpReturnCallRef:
		ft := c.env.m.Types[in.Index].FuncType
		fn := c.pop()
		// The function reference must survive the arguments' move to the
		// frame base: keep it in its own slot, above the arguments.
		c.materialize(&fn)
		base := c.callArgs(ft)
		c.tailCallRefs(ft, base)
		c.emit(instr{op: opReturnCallRef, a: slots(ft.Params), b: base, c: fn.pos})
		return true, false
	case ir.OpThrow, ir.OpThrowRef, ir.OpRethrow:
		c.throw(in)
		return true, false
	case ir.OpRefI31, ir.OpI31GetS, ir.OpI31GetU, ir.OpArrayLen:
		v := c.pop()
		t, op := ir.I32, uint16(in.Op)
		switch in.Op {
		case ir.OpRefI31:
			t = ir.Ref(false, ir.HeapI31)
		case ir.OpArrayLen:
			op = opArrayLen
		}
		c.emitResult(instr{op: op, b: c.src(&v)}, t)
	default:
		if in.Op >= ir.OpStructNew && in.Op <= ir.OpArrayInitElem {
			c.gcInstr(in)
			return true, true
		}
		return false, false
	}
	return true, true
}

// gcInstr compiles the struct and array instructions.
func (c *compiler) gcInstr(in *ir.Instr) {
	typ := in.Index
	def := &c.env.m.Types[typ]
	switch in.Op {
	case ir.OpStructNew:
		c.env.layout(typ) // struct.new reads it at run time
		args := c.popN(len(def.Fields))
		for i := range args {
			c.materialize(&args[i])
		}
		c.emitResult(instr{op: opStructNew, b: c.top, imm: uint64(typ)}, ir.Ref(false, ir.HeapIndex(typ)))
	case ir.OpStructNewDefault:
		c.emitResult(instr{op: opStructNewDef, imm: uint64(typ)}, ir.Ref(false, ir.HeapIndex(typ)))
	case ir.OpStructGet, ir.OpStructGetS, ir.OpStructGetU:
		v := c.pop()
		loc := c.env.layout(typ).loc[in.Index2]
		ft := def.Fields[in.Index2].Type
		out := instr{b: c.src(&v), imm: uint64(loc.idx)}
		switch loc.kind {
		case elemRef:
			out.op = opStructGetR
		case elemV128:
			out.op = opStructGetV
		default:
			out.op = opStructGetW
			if loc.kind == elemI8 {
				out.x = 8
			} else if loc.kind == elemI16 {
				out.x = 16
			}
			if in.Op == ir.OpStructGetS {
				out.c = 1
			}
		}
		c.emitResult(out, ft.Unpacked())
	case ir.OpStructSet:
		val := c.pop()
		ref := c.pop()
		loc := c.env.layout(typ).loc[in.Index2]
		out := instr{b: c.src(&ref), c: c.src(&val), imm: uint64(loc.idx)}
		switch loc.kind {
		case elemRef:
			out.op = opStructSetR
		case elemV128:
			out.op = opStructSetV
		default:
			out.op = opStructSetW
			if loc.kind == elemI8 {
				out.x = 8
			} else if loc.kind == elemI16 {
				out.x = 16
			}
		}
		c.emit(out)
	case ir.OpArrayGet, ir.OpArrayGetS, ir.OpArrayGetU:
		i := c.pop()
		ref := c.pop()
		out := instr{op: opArrayGet, b: c.src(&ref), c: c.src(&i)}
		if in.Op == ir.OpArrayGetS {
			out.x = 1
		}
		c.emitResult(out, def.Fields[0].Type.Unpacked())
	case ir.OpArraySet:
		val := c.pop()
		i := c.pop()
		ref := c.pop()
		c.emit(instr{op: opArraySet, a: c.src(&ref), b: c.src(&i), c: c.src(&val)})
	default:
		// The rest take their operands contiguous from b (as the bulk
		// instructions do) and their immediates in imm: the type index,
		// and in the high half a count or segment index.
		n := map[ir.Op]int{
			ir.OpArrayNew: 2, ir.OpArrayNewDefault: 1, ir.OpArrayNewFixed: int(in.Index2),
			ir.OpArrayNewData: 2, ir.OpArrayNewElem: 2, ir.OpArrayFill: 4,
			ir.OpArrayCopy: 5, ir.OpArrayInitData: 4, ir.OpArrayInitElem: 4,
		}[in.Op]
		args := c.popN(n)
		for i := range args {
			c.materialize(&args[i])
		}
		out := instr{op: uint16(in.Op), b: c.top, imm: uint64(typ) | uint64(in.Index2)<<32}
		if in.Op == ir.OpArrayNew {
			out.op = opArrayNew
		}
		switch in.Op {
		case ir.OpArrayNew, ir.OpArrayNewDefault, ir.OpArrayNewFixed, ir.OpArrayNewData, ir.OpArrayNewElem:
			c.emitResult(out, ir.Ref(false, ir.HeapIndex(typ)))
		default:
			c.emit(out)
		}
	}
}

// layout returns the field layout of struct type typ.
func (e *moduleEnv) layout(typ uint32) *layout {
	if e.layouts == nil {
		e.layouts = make([]*layout, len(e.m.Types))
	}
	l := e.layouts[typ]
	if l == nil {
		ll := structLayout(e.m.Types[typ].Fields)
		l = &ll
		e.layouts[typ] = l
	}
	return l
}
