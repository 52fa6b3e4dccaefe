package interp

import (
	"fmt"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// The loop's slow paths (see run): each is entered with t.pc the pc after
// the instruction being executed and t.fn, t.fp the executing frame, and
// leaves t.fn, t.fp and t.pc saying where the loop goes on, for its reload.

// frame is a caller's state while its callee runs, without pointers, so
// that pushing one needs no write barrier: the caller, as an index into the
// callee's instance's functions (the instance is the same on the loop's
// call path), or crossFrame when it is t.callers[depth]; the byte offset of
// the instruction after the call in its code; its frame base.
type frame struct {
	fn uint32
	ip uint32
	fp int
}

// crossFrame marks a frame whose caller is of another instance than its
// callee, or may be (see frame).
const crossFrame = ^uint32(0)

// pushFrame saves the executing frame, returning to pc; beyond the call
// depth limit that is "call stack exhausted".
func (t *thread) pushFrame(pc int) {
	if t.depth >= len(t.frames) {
		if t.depth >= t.maxDepth {
			panic(newTrap(ir.Exhaustion, msgCallStackExhausted).at(t.code(), t.pc))
		}
		fs := make([]frame, min(max(2*len(t.frames), 64), t.maxDepth))
		copy(fs, t.frames)
		t.frames = fs
	}
	if len(t.callers) < len(t.frames) {
		cs := make([]*Function, len(t.frames))
		copy(cs, t.callers)
		t.callers = cs
	}
	t.frames[t.depth] = frame{crossFrame, uint32(pc) * uint32(instrSize), t.fp}
	t.callers[t.depth] = t.fn
	t.depth++
}

// popFrame makes the caller's frame the executing one, t.pc just after
// its call.
func (t *thread) popFrame() {
	t.depth--
	fr := &t.frames[t.depth]
	if fr.fn == crossFrame {
		t.fn = t.callers[t.depth]
	} else {
		t.fn = t.fn.inst.funcs[fr.fn]
	}
	t.fp, t.pc = fr.fp, int(fr.ip/uint32(instrSize))
}

// callSlow calls callee with its arguments at slot b of the executing
// frame: a host function, a function of another instance, or any call the
// loop's path does not take (the stack must grow, the frames are full, a
// checkpoint is due, the callee uses references).
func (t *thread) callSlow(callee *Function, b uint32, base int) {
	newfp := t.fp + int(b)
	if callee.host != nil {
		if exn := t.callHost(callee, newfp); exn != nil {
			t.throw(exn, base)
		}
		return
	}
	if t.depth >= t.maxDepth {
		panic(newTrap(ir.Exhaustion, msgCallStackExhausted).at(t.code(), t.pc))
	}
	if t.ticks--; t.ticks < 0 {
		t.checkpoint(t.pc)
	}
	t.pushFrame(t.pc)
	t.fn, t.fp, t.pc = callee, newfp, 0
	t.enter(callee.code, newfp)
}

// callFrom runs the call instruction at ip of fn, to callee (see callSlow).
func (t *thread) callFrom(fn *Function, ip unsafe.Pointer, callee *Function, base int) {
	in := t.leave(fn, ip)
	t.callSlow(callee, in.b, base)
}

// callIndirect is call_indirect beyond the loop's common case: it traps
// or calls a function whose type is a subtype of the expected one.
func (t *thread) callIndirect(fn *Function, ip unsafe.Pointer, base int) {
	in := t.leave(fn, ip)
	l := t.stack[t.fp:]
	callee := t.indirect(t.fn.inst, t.pc, in.a, uint64(uint32(l[in.c])), uint64(uint32(in.imm)))
	t.callSlow(callee, in.b, base)
}

// callRef runs call_ref.
func (t *thread) callRef(fn *Function, ip unsafe.Pointer, base int) {
	in := t.leave(fn, ip)
	t.callSlow(t.funcRef(t.pc, t.fp, in.c), in.b, base)
}

// returnCall runs return_call, return_call_indirect and return_call_ref:
// the arguments replace the executing frame's, and the callee runs in
// place, so tail recursion needs no frames. It reports whether run
// returns (a host callee returned from run's own frame).
func (t *thread) returnCall(fn *Function, ip unsafe.Pointer, base int) bool {
	in := t.leave(fn, ip)
	l := t.stack[t.fp:]
	var callee *Function
	switch in.op {
	case opReturnCall:
		callee = t.fn.inst.funcs[in.imm]
	case opReturnCallIndirect:
		callee = t.indirect(t.fn.inst, t.pc, uint32(in.imm>>32), uint64(uint32(l[in.c])), uint64(uint32(in.imm)))
	default:
		callee = t.funcRef(t.pc, t.fp, in.c)
	}
	copy(l[:in.a], l[in.b:in.b+in.a])
	if t.ticks--; t.ticks < 0 {
		t.checkpoint(t.pc)
	}
	if callee.host != nil {
		if exn := t.callHost(callee, t.fp); exn != nil {
			// The tail call replaced this frame: the exception comes
			// out of its caller's call.
			if t.depth == base {
				panic(&thrown{exn})
			}
			t.popFrame()
			t.throw(exn, base)
			return false
		}
		if t.depth == base {
			return true
		}
		t.popFrame()
		return false
	}
	if callee.inst != t.fn.inst && t.depth > base {
		// The caller's frame names it by index in the instance of
		// the function it called: name it by pointer.
		d := t.depth - 1
		if fr := &t.frames[d]; fr.fn != crossFrame {
			if len(t.callers) < len(t.frames) {
				cs := make([]*Function, len(t.frames))
				copy(cs, t.callers)
				t.callers = cs
			}
			t.callers[d] = t.fn.inst.funcs[fr.fn]
			fr.fn = crossFrame
		}
	}
	t.fn, t.pc = callee, 0
	t.enter(callee.code, t.fp)
	return false
}

// returnRefs returns results that include references; it reports whether
// run returns.
func (t *thread) returnRefs(fn *Function, ip unsafe.Pointer, base int) bool {
	in := t.leave(fn, ip)
	fp := t.fp
	l := t.stack[fp:]
	copy(l[:in.c], l[in.b:in.b+in.c])
	copy(t.refs[fp:fp+int(in.c)], t.refs[fp+int(in.b):fp+int(in.b+in.c)])
	if t.depth == base {
		return true
	}
	t.popFrame()
	return false
}

// throwOp runs throw and throw_ref.
func (t *thread) throwOp(fn *Function, ip unsafe.Pointer, base int) {
	in := t.leave(fn, ip)
	var exn *Object
	if in.op == opThrow {
		exn = t.throwArgs(t.fn.inst, in.imm, t.fp, in.b)
	} else if exn = t.refs[t.fp+int(in.b)]; exn == nil {
		panic(t.trapAt(t.pc, msgNullExn))
	}
	t.throw(exn, base)
}

// throw unwinds to the innermost handler that catches exn, in this run's
// frames, from the executing one (where t.pc is after the throwing
// instruction); beyond them the exception leaves run as a panic (see
// invoke).
func (t *thread) throw(exn *Object, base int) {
	for {
		if fc := t.fn.code; len(fc.handlers) > 0 {
			if pc, ok := t.catchIn(exn, fc, t.fn.inst, t.pc, t.fp); ok {
				t.pc = pc
				return
			}
		}
		if t.depth == base {
			panic(&thrown{exn})
		}
		t.popFrame()
	}
}

// brTableRefs runs a br_table whose branch values include references.
func (t *thread) brTableRefs(fn *Function, ip unsafe.Pointer) {
	in := t.leave(fn, ip)
	fp := t.fp
	bt := &t.fn.code.brTables[in.imm]
	tg := &bt.targets[min(uint64(uint32(t.stack[fp+int(in.b)])), uint64(len(bt.targets)-1))]
	if bt.n > 0 && tg.dst != bt.src {
		copy(t.stack[fp+int(tg.dst):fp+int(tg.dst+bt.n)], t.stack[fp+int(bt.src):fp+int(bt.src+bt.n)])
		copy(t.refs[fp+int(tg.dst):fp+int(tg.dst+bt.n)], t.refs[fp+int(bt.src):fp+int(bt.src+bt.n)])
	}
	t.pc += int(tg.off/int32(instrSize)) - 1
	if tg.off <= 0 {
		if t.ticks--; t.ticks < 0 {
			t.checkpoint(t.pc)
		}
	}
}

// memoryGrow runs memory.grow on memory 0 (32-bit).
func (t *thread) memoryGrow(fn *Function, ip unsafe.Pointer) {
	in := t.leave(fn, ip)
	l := t.stack[t.fp:]
	l[in.a] = uint64(uint32(t.fn.inst.mem.Grow(uint32(l[in.b]))))
}

// memFault handles a failed bounds check against the loop's copy of
// memory 0 (ip is the access, end the end of the accessed bytes): a
// shared memory may have grown meanwhile, so look again; if it has, the
// access runs again with the memory as it is now.
func (t *thread) memFault(fn *Function, ip unsafe.Pointer, end uint64) {
	t.fn = fn
	pc := pcOf(fn.code, ip)
	if end > uint64(len(t.fn.inst.memBytes())) {
		panic(t.trapAt(pc+1, msgMemOOB))
	}
	t.pc = pc
}

// rare runs the instructions the loop hands over: bulk memory and table
// instructions, atomics, SIMD, other memories, references and GC,
// tracing. (One call site keeps the loop's code small.)
func (t *thread) rare(fn *Function, ip unsafe.Pointer) {
	in := t.leave(fn, ip)
	fp, inst, fc := t.fp, t.fn.inst, t.fn.code
	l := t.stack[fp:]
	switch {
	case in.op >= uint16(ir.OpMemoryInit) && in.op <= uint16(ir.OpTableFill) || in.op == uint16(ir.OpTableGet) || in.op == uint16(ir.OpTableSet):
		t.bulk(in, l, fp, inst)
	case in.op >= uint16(ir.OpMemoryAtomicNotify) && in.op <= uint16(ir.OpI64AtomicRmw32CmpxchgU):
		t.atomic(in, l, inst)
	case in.op >= uint16(ir.OpV128Load) && in.op <= uint16(ir.OpF64x2ConvertLowI32x4U):
		t.simd(in, l, inst, fc)
	case in.op == opMemory:
		t.memory(in, l, inst, fc)
	case in.op == opStructGetV || in.op == opStructSetV || in.op >= uint16(ir.OpRefEq) && in.op <= uint16(ir.OpI31GetU):
		t.gc(in, fp, inst)
	case in.op == opRefFunc || in.op >= opCopyRef && in.op <= opArrayNew:
		// (Not the control instructions among them, which the loop runs.)
		t.refOp(in, t.pc, fp, inst, fc)
	case in.op == opTrace:
		fc.trace.step(t.depth, int(in.imm), l)
	default:
		t.more(in, l, inst, fc) // 3.0: table64, relaxed SIMD
	}
}

// indirect resolves call_indirect's callee: element i of table tab, which
// must hold a function whose type matches type index typ (canonical type
// inst.typeIDs[typ] or a subtype of it).
func (t *thread) indirect(inst *Instance, pc int, tab uint32, i uint64, typ uint64) *Function {
	elems := inst.tables[tab].load()
	if i >= uint64(len(elems)) {
		panic(t.trapAt(pc, msgUndefinedElement))
	}
	o := loadRef(&elems[i])
	if o == nil {
		panic(t.trapAt(pc, fmt.Sprintf("%s %d", msgUninitializedElement, i)))
	}
	callee := o.rt.fn
	if want := inst.typeIDs[typ]; callee.tid != want || callee.store != inst.store {
		if callee.store != inst.store || !inst.store.types.IsSubtype(callee.tid, want) {
			panic(t.trapAt(pc, msgIndirectMismatch))
		}
	}
	return callee
}
