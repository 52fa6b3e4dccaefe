package interp

import (
	"math"
	"math/bits"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// run executes wasm function f with its arguments already in
// t.stack[fp:], leaving its results there. It is the interpreter's one
// loop: calls and returns switch frames in place, without Go recursion.
//
// The loop is two loops (see the package documentation, "Speed"). The
// inner one executes instructions with the little state they need in
// local variables the compiler keeps in registers: ip, the next
// instruction; l, the frame's slots; mem, memory 0's contents; and t.
// Everything else lives in the thread (t.fp, t.depth, t.frames).
// Calls and returns within an instance switch frames inside the inner
// loop. Every other path that calls a function that returns (helpers for
// rare instructions, traps that turn out not to be, calls that grow the
// stack, host calls, memory.grow) first records where to go on (t.pc),
// then leaves for the outer loop, which reloads the inner loop's state:
// no value of the inner loop is live across a call, so the compiler need
// not save any of them on the way round the loop.
//
// Each case ends by moving ip on itself (ip = unsafe.Add(ip, instrSize);
// continue) rather than sharing one statement after the switch: the
// compiler then adds to ip in place and jumps straight back to the
// switch, where a shared tail cost a jump and register moves per
// instruction. Branch offsets count from the branch itself.
func (t *thread) run(f *Function, fp int) {
	base := t.depth
	t.fn, t.fp, t.pc = f, fp, 0
	t.enter(f.code, fp)
reload:
	for {
		fn := t.fn
		ip := unsafe.Pointer(&fn.code.code[t.pc])
		l := frameAt(t.stack, t.fp)
		var mem []byte
		if m := fn.inst.mem; m != nil {
			mem = *m.cur.Load()
		}
		for {
			in := (*instr)(ip)
			var callee *Function
			switch in.op {
			case opCopy:
				l.set(in.a, l.get(in.b))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opCopyCopy:
				l.set(in.a, l.get(in.b))
				l.set(in.c, l.get(uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opCopy2:
				l.set(in.a, l.get(in.b))
				l.set(in.a+1, l.get(in.b+1))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opConst:
				l.set(in.a, in.imm)
				ip = unsafe.Add(ip, instrSize)
				continue
			case opConstV128:
				fc := fn.code
				l.set(in.a, fc.v128s[in.imm])
				l.set(in.a+1, fc.v128s[in.imm+1])
				ip = unsafe.Add(ip, instrSize)
				continue
			case opMove:
				for i := uint32(0); i < in.c; i++ {
					l.set(in.a+i, l.get(in.b+i))
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBr:
				ip = unsafe.Add(ip, int64(in.imm))
				goto jumped
			case opBrIf:
				if uint32(l.get(in.b)) != 0 {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrIfNot:
				if uint32(l.get(in.b)) == 0 {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrIf64:
				if l.get(in.b) != 0 {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrIfNot64:
				if l.get(in.b) == 0 {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrTable:
				bt := &fn.code.brTables[in.imm]
				if bt.refs {
					t.brTableRefs(fn, ip)
					continue reload
				}
				i := uint64(uint32(l.get(in.b)))
				if last := uint64(len(bt.targets) - 1); i > last {
					i = last
				}
				tg := &bt.targets[i]
				if bt.n > 0 && tg.dst != bt.src {
					for i := uint32(0); i < bt.n; i++ {
						l.set(tg.dst+i, l.get(bt.src+i))
					}
				}
				ip = unsafe.Add(ip, int64(tg.off))
				if tg.off <= 0 {
					goto back
				}
				continue
			case opBrF32 + 0:
				if (f32(l.get(in.b)) == f32(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF32 + 1:
				if (f32(l.get(in.b)) != f32(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF32 + 2:
				if (f32(l.get(in.b)) < f32(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF32 + 3:
				if (f32(l.get(in.b)) > f32(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF32 + 4:
				if (f32(l.get(in.b)) <= f32(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF32 + 5:
				if (f32(l.get(in.b)) >= f32(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF64 + 0:
				if (f64(l.get(in.b)) == f64(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF64 + 1:
				if (f64(l.get(in.b)) != f64(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF64 + 2:
				if (f64(l.get(in.b)) < f64(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF64 + 3:
				if (f64(l.get(in.b)) > f64(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF64 + 4:
				if (f64(l.get(in.b)) <= f64(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrF64 + 5:
				if (f64(l.get(in.b)) >= f64(l.get(in.c))) != (in.x&flagNeg != 0) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opReturn:
				if in.c == 1 {
					l.set(0, l.get(in.b))
				} else {
					for i := uint32(0); i < in.c; i++ {
						l.set(i, l.get(in.b+i))
					}
				}
				d := t.depth
				if d == base {
					return
				}
				d--
				fr := &t.frames[d]
				if fr.fn == crossFrame {
					// Back to another instance: its memory.
					t.fn = fn
					t.popFrame()
					continue reload
				}
				t.depth = d
				fn = fn.inst.funcs[fr.fn]
				t.fp = fr.fp
				ip = unsafe.Add(unsafe.Pointer(unsafe.SliceData(fn.code.code)), fr.ip)
				l = frameAt(t.stack, fr.fp)
				continue
			case opCall:
				callee = fn.inst.funcs[uint32(in.imm)]
				goto call
			case opCallMove:
				l.set(in.a, l.get(in.c))
				callee = fn.inst.funcs[uint32(in.imm)]
				goto call
			case opCallIndirect:
				// The common case inline: an element of the caller's
				// type (canonical type ids are equal); t.callIndirect
				// does the rest, traps and subtypes.
				inst := fn.inst
				elems := inst.tables[in.a].load()
				if i := uint64(uint32(l.get(in.c))); i < uint64(len(elems)) {
					if o := loadRef(&elems[i]); o != nil {
						callee = o.rt.fn
						if callee.tid == inst.typeIDs[uint32(in.imm)] && callee.store == inst.store {
							goto call
						}
					}
				}
				t.callIndirect(fn, ip, base)
				continue reload
			case opReturnCall, opReturnCallIndirect, opReturnCallRef:
				if t.returnCall(fn, ip, base) {
					return
				}
				continue reload
			case opReturnRefs:
				if t.returnRefs(fn, ip, base) {
					return
				}
				continue reload
			case opCallRef:
				t.callRef(fn, ip, base)
				continue reload
			case opThrow, opThrowRef:
				t.throwOp(fn, ip, base)
				continue reload
			case uint16(ir.OpUnreachable):
				panic(t.trapIP(fn, ip, msgUnreachable))
			case uint16(ir.OpSelect):
				if uint32(l.get(uint32(in.imm))) != 0 {
					l.set(in.a, l.get(in.b))
				} else {
					l.set(in.a, l.get(in.c))
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opSelect2:
				if uint32(l.get(uint32(in.imm))) != 0 {
					l.set(in.a, l.get(in.b))
					l.set(in.a+1, l.get(in.b+1))
				} else {
					l.set(in.a, l.get(in.c))
					l.set(in.a+1, l.get(in.c+1))
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpGlobalGet):
				l.set(in.a, loadWord(&fn.inst.globals[in.imm].lo))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpGlobalSet):
				storeWord(&fn.inst.globals[in.imm].lo, l.get(in.b))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opGlobalGet2:
				g := fn.inst.globals[in.imm]
				l.set(in.a, loadWord(&g.lo))
				l.set(in.a+1, loadWord(&g.hi))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opGlobalSet2:
				g := fn.inst.globals[in.imm]
				storeWord(&g.lo, l.get(in.b))
				storeWord(&g.hi, l.get(in.b+1))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpMemorySize):
				l.set(in.a, uint64(fn.inst.mem.Pages()))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpMemoryGrow):
				t.memoryGrow(fn, ip)
				continue reload
			case uint16(ir.OpI32Const), uint16(ir.OpI64Const), uint16(ir.OpF32Const), uint16(ir.OpF64Const):
				l.set(in.a, in.imm)
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Load):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				l.set(in.a, uint64(ld32(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Load):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				l.set(in.a, ld64(mem, ea))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Load):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				l.set(in.a, uint64(ld32(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Load):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				l.set(in.a, ld64(mem, ea))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Load8S):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				l.set(in.a, uint64(uint32(int32(int8(ld8(mem, ea))))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Load8U):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				l.set(in.a, uint64(ld8(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Load16S):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				l.set(in.a, uint64(uint32(int32(int16(ld16(mem, ea))))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Load16U):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				l.set(in.a, uint64(ld16(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Load8S):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				l.set(in.a, uint64(int64(int8(ld8(mem, ea)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Load8U):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				l.set(in.a, uint64(ld8(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Load16S):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				l.set(in.a, uint64(int64(int16(ld16(mem, ea)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Load16U):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				l.set(in.a, uint64(ld16(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Load32S):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				l.set(in.a, uint64(int64(int32(ld32(mem, ea)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Load32U):
				ea := uint64(uint32(l.get(in.b))+in.c) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				l.set(in.a, uint64(ld32(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Store):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				st32(mem, ea, uint32(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Store):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				st64(mem, ea, l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Store):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				st32(mem, ea, uint32(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Store):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				st64(mem, ea, l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Store8):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				st8(mem, ea, byte(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Store16):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				st16(mem, ea, uint16(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Store8):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				st8(mem, ea, byte(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Store16):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				st16(mem, ea, uint16(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Store32):
				ea := uint64(uint32(l.get(in.b))+in.a) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				st32(mem, ea, uint32(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Eqz):
				l.set(in.a, b2u(uint32(l.get(in.b)) == 0))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Eq):
				l.set(in.a, b2u(uint32(l.get(in.b)) == uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Ne):
				l.set(in.a, b2u(uint32(l.get(in.b)) != uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32LtS):
				l.set(in.a, b2u(int32(l.get(in.b)) < int32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32LtU):
				l.set(in.a, b2u(uint32(l.get(in.b)) < uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32GtS):
				l.set(in.a, b2u(int32(l.get(in.b)) > int32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32GtU):
				l.set(in.a, b2u(uint32(l.get(in.b)) > uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32LeS):
				l.set(in.a, b2u(int32(l.get(in.b)) <= int32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32LeU):
				l.set(in.a, b2u(uint32(l.get(in.b)) <= uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32GeS):
				l.set(in.a, b2u(int32(l.get(in.b)) >= int32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32GeU):
				l.set(in.a, b2u(uint32(l.get(in.b)) >= uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 0:
				l.set(in.a, b2u(uint32(l.get(in.b)) == uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 1:
				l.set(in.a, b2u(uint32(l.get(in.b)) != uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 2:
				l.set(in.a, b2u(int32(l.get(in.b)) < int32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 3:
				l.set(in.a, b2u(uint32(l.get(in.b)) < uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 4:
				l.set(in.a, b2u(int32(l.get(in.b)) > int32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 5:
				l.set(in.a, b2u(uint32(l.get(in.b)) > uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 6:
				l.set(in.a, b2u(int32(l.get(in.b)) <= int32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 7:
				l.set(in.a, b2u(uint32(l.get(in.b)) <= uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 8:
				l.set(in.a, b2u(int32(l.get(in.b)) >= int32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32CmpI + 9:
				l.set(in.a, b2u(uint32(l.get(in.b)) >= uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 0:
				if uint32(l.get(in.b)) == uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 1:
				if uint32(l.get(in.b)) != uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 2:
				if int32(l.get(in.b)) < int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 3:
				if uint32(l.get(in.b)) < uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 4:
				if int32(l.get(in.b)) > int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 5:
				if uint32(l.get(in.b)) > uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 6:
				if int32(l.get(in.b)) <= int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 7:
				if uint32(l.get(in.b)) <= uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 8:
				if int32(l.get(in.b)) >= int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32 + 9:
				if uint32(l.get(in.b)) >= uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 0:
				if uint32(l.get(in.b)) == uint32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 1:
				if uint32(l.get(in.b)) != uint32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 2:
				if int32(l.get(in.b)) < int32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 3:
				if uint32(l.get(in.b)) < uint32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 4:
				if int32(l.get(in.b)) > int32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 5:
				if uint32(l.get(in.b)) > uint32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 6:
				if int32(l.get(in.b)) <= int32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 7:
				if uint32(l.get(in.b)) <= uint32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 8:
				if int32(l.get(in.b)) >= int32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI32I + 9:
				if uint32(l.get(in.b)) >= uint32(int32(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Eqz):
				l.set(in.a, b2u(l.get(in.b) == 0))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Eq):
				l.set(in.a, b2u(uint64(l.get(in.b)) == uint64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Ne):
				l.set(in.a, b2u(uint64(l.get(in.b)) != uint64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64LtS):
				l.set(in.a, b2u(int64(l.get(in.b)) < int64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64LtU):
				l.set(in.a, b2u(uint64(l.get(in.b)) < uint64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64GtS):
				l.set(in.a, b2u(int64(l.get(in.b)) > int64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64GtU):
				l.set(in.a, b2u(uint64(l.get(in.b)) > uint64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64LeS):
				l.set(in.a, b2u(int64(l.get(in.b)) <= int64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64LeU):
				l.set(in.a, b2u(uint64(l.get(in.b)) <= uint64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64GeS):
				l.set(in.a, b2u(int64(l.get(in.b)) >= int64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64GeU):
				l.set(in.a, b2u(uint64(l.get(in.b)) >= uint64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 0:
				l.set(in.a, b2u(uint64(l.get(in.b)) == uint64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 1:
				l.set(in.a, b2u(uint64(l.get(in.b)) != uint64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 2:
				l.set(in.a, b2u(int64(l.get(in.b)) < int64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 3:
				l.set(in.a, b2u(uint64(l.get(in.b)) < uint64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 4:
				l.set(in.a, b2u(int64(l.get(in.b)) > int64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 5:
				l.set(in.a, b2u(uint64(l.get(in.b)) > uint64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 6:
				l.set(in.a, b2u(int64(l.get(in.b)) <= int64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 7:
				l.set(in.a, b2u(uint64(l.get(in.b)) <= uint64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 8:
				l.set(in.a, b2u(int64(l.get(in.b)) >= int64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64CmpI + 9:
				l.set(in.a, b2u(uint64(l.get(in.b)) >= uint64(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 0:
				if uint64(l.get(in.b)) == uint64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 1:
				if uint64(l.get(in.b)) != uint64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 2:
				if int64(l.get(in.b)) < int64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 3:
				if uint64(l.get(in.b)) < uint64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 4:
				if int64(l.get(in.b)) > int64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 5:
				if uint64(l.get(in.b)) > uint64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 6:
				if int64(l.get(in.b)) <= int64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 7:
				if uint64(l.get(in.b)) <= uint64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 8:
				if int64(l.get(in.b)) >= int64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64 + 9:
				if uint64(l.get(in.b)) >= uint64(l.get(in.c)) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 0:
				if uint64(l.get(in.b)) == uint64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 1:
				if uint64(l.get(in.b)) != uint64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 2:
				if int64(l.get(in.b)) < int64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 3:
				if uint64(l.get(in.b)) < uint64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 4:
				if int64(l.get(in.b)) > int64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 5:
				if uint64(l.get(in.b)) > uint64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 6:
				if int64(l.get(in.b)) <= int64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 7:
				if uint64(l.get(in.b)) <= uint64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 8:
				if int64(l.get(in.b)) >= int64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opBrI64I + 9:
				if uint64(l.get(in.b)) >= uint64(int64(int32(in.c))) {
					ip = unsafe.Add(ip, int64(in.imm))
					goto jumped
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Eq):
				l.set(in.a, b2u(f32(l.get(in.b)) == f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Ne):
				l.set(in.a, b2u(f32(l.get(in.b)) != f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Lt):
				l.set(in.a, b2u(f32(l.get(in.b)) < f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Gt):
				l.set(in.a, b2u(f32(l.get(in.b)) > f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Le):
				l.set(in.a, b2u(f32(l.get(in.b)) <= f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Ge):
				l.set(in.a, b2u(f32(l.get(in.b)) >= f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Eq):
				l.set(in.a, b2u(f64(l.get(in.b)) == f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Ne):
				l.set(in.a, b2u(f64(l.get(in.b)) != f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Lt):
				l.set(in.a, b2u(f64(l.get(in.b)) < f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Gt):
				l.set(in.a, b2u(f64(l.get(in.b)) > f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Le):
				l.set(in.a, b2u(f64(l.get(in.b)) <= f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Ge):
				l.set(in.a, b2u(f64(l.get(in.b)) >= f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Clz):
				l.set(in.a, uint64(bits.LeadingZeros32(uint32(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Ctz):
				l.set(in.a, uint64(bits.TrailingZeros32(uint32(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Add):
				l.set(in.a, uint64(uint32(l.get(in.b))+uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Sub):
				l.set(in.a, uint64(uint32(l.get(in.b))-uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Mul):
				l.set(in.a, uint64(uint32(l.get(in.b))*uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32DivS):
				x, y := int32(l.get(in.b)), int32(l.get(in.c))
				if y == 0 {
					panic(t.trapIP(fn, ip, msgDivZero))
				}
				if x == math.MinInt32 && y == -1 {
					panic(t.trapIP(fn, ip, msgIntOverflow))
				}
				l.set(in.a, uint64(uint32(x/y)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32DivU):
				y := uint32(l.get(in.c))
				if y == 0 {
					panic(t.trapIP(fn, ip, msgDivZero))
				}
				l.set(in.a, uint64(uint32(l.get(in.b))/y))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32RemS):
				y := int32(l.get(in.c))
				if y == 0 {
					panic(t.trapIP(fn, ip, msgDivZero))
				}
				l.set(in.a, uint64(uint32(int32(l.get(in.b))%y)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32RemU):
				y := uint32(l.get(in.c))
				if y == 0 {
					panic(t.trapIP(fn, ip, msgDivZero))
				}
				l.set(in.a, uint64(uint32(l.get(in.b))%y))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32And):
				l.set(in.a, uint64(uint32(l.get(in.b))&uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Or):
				l.set(in.a, uint64(uint32(l.get(in.b))|uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Xor):
				l.set(in.a, uint64(uint32(l.get(in.b))^uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Shl):
				l.set(in.a, uint64(uint32(l.get(in.b))<<(uint32(l.get(in.c))&31)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32ShrS):
				l.set(in.a, uint64(uint32(int32(l.get(in.b))>>(uint32(l.get(in.c))&31))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32ShrU):
				l.set(in.a, uint64(uint32(l.get(in.b))>>(uint32(l.get(in.c))&31)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Rotl):
				l.set(in.a, uint64(bits.RotateLeft32(uint32(l.get(in.b)), int(uint32(l.get(in.c))&31))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Rotr):
				l.set(in.a, uint64(bits.RotateLeft32(uint32(l.get(in.b)), -int(uint32(l.get(in.c))&31))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32AddI:
				l.set(in.a, uint64(uint32(l.get(in.b))+uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32SubI:
				l.set(in.a, uint64(uint32(l.get(in.b))-uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32MulI:
				l.set(in.a, uint64(uint32(l.get(in.b))*uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32AndI:
				l.set(in.a, uint64(uint32(l.get(in.b))&uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32OrI:
				l.set(in.a, uint64(uint32(l.get(in.b))|uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32XorI:
				l.set(in.a, uint64(uint32(l.get(in.b))^uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32ShlI:
				l.set(in.a, uint64(uint32(l.get(in.b))<<(in.imm&31)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32ShrSI:
				l.set(in.a, uint64(uint32(int32(l.get(in.b))>>(in.imm&31))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32ShrUI:
				l.set(in.a, uint64(uint32(l.get(in.b))>>(in.imm&31)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Clz):
				l.set(in.a, uint64(bits.LeadingZeros64(l.get(in.b))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Ctz):
				l.set(in.a, uint64(bits.TrailingZeros64(l.get(in.b))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Add):
				l.set(in.a, l.get(in.b)+l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Sub):
				l.set(in.a, l.get(in.b)-l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Mul):
				l.set(in.a, l.get(in.b)*l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64DivS):
				x, y := int64(l.get(in.b)), int64(l.get(in.c))
				if y == 0 {
					panic(t.trapIP(fn, ip, msgDivZero))
				}
				if x == math.MinInt64 && y == -1 {
					panic(t.trapIP(fn, ip, msgIntOverflow))
				}
				l.set(in.a, uint64(x/y))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64DivU):
				y := l.get(in.c)
				if y == 0 {
					panic(t.trapIP(fn, ip, msgDivZero))
				}
				l.set(in.a, l.get(in.b)/y)
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64RemS):
				y := int64(l.get(in.c))
				if y == 0 {
					panic(t.trapIP(fn, ip, msgDivZero))
				}
				l.set(in.a, uint64(int64(l.get(in.b))%y))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64RemU):
				y := l.get(in.c)
				if y == 0 {
					panic(t.trapIP(fn, ip, msgDivZero))
				}
				l.set(in.a, l.get(in.b)%y)
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64And):
				l.set(in.a, l.get(in.b)&l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Or):
				l.set(in.a, l.get(in.b)|l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Xor):
				l.set(in.a, l.get(in.b)^l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Shl):
				l.set(in.a, l.get(in.b)<<(l.get(in.c)&63))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64ShrS):
				l.set(in.a, uint64(int64(l.get(in.b))>>(l.get(in.c)&63)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64ShrU):
				l.set(in.a, l.get(in.b)>>(l.get(in.c)&63))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Rotl):
				l.set(in.a, bits.RotateLeft64(l.get(in.b), int(l.get(in.c)&63)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Rotr):
				l.set(in.a, bits.RotateLeft64(l.get(in.b), -int(l.get(in.c)&63)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64AddI:
				l.set(in.a, l.get(in.b)+in.imm)
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64SubI:
				l.set(in.a, l.get(in.b)-in.imm)
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64MulI:
				l.set(in.a, l.get(in.b)*in.imm)
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64AndI:
				l.set(in.a, l.get(in.b)&in.imm)
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64OrI:
				l.set(in.a, l.get(in.b)|in.imm)
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64XorI:
				l.set(in.a, l.get(in.b)^in.imm)
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64ShlI:
				l.set(in.a, l.get(in.b)<<(in.imm&63))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64ShrSI:
				l.set(in.a, uint64(int64(l.get(in.b))>>(in.imm&63)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64ShrUI:
				l.set(in.a, l.get(in.b)>>(in.imm&63))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Abs):
				l.set(in.a, l.get(in.b)&0x7fffffff)
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Neg):
				l.set(in.a, (l.get(in.b)^0x80000000)&0xffffffff)
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Add):
				l.set(in.a, b32(f32(l.get(in.b))+f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Add):
				l.set(in.a, b64(f64(l.get(in.b))+f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Sub):
				l.set(in.a, b32(f32(l.get(in.b))-f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Sub):
				l.set(in.a, b64(f64(l.get(in.b))-f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Mul):
				l.set(in.a, b32(f32(l.get(in.b))*f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Mul):
				l.set(in.a, b64(f64(l.get(in.b))*f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Div):
				l.set(in.a, b32(f32(l.get(in.b))/f32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Div):
				l.set(in.a, b64(f64(l.get(in.b))/f64(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32Copysign):
				l.set(in.a, l.get(in.b)&0x7fffffff|l.get(in.c)&0x80000000)
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Abs):
				l.set(in.a, l.get(in.b)&^(1<<63))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Neg):
				l.set(in.a, l.get(in.b)^(1<<63))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64Copysign):
				l.set(in.a, l.get(in.b)&^(1<<63)|l.get(in.c)&(1<<63))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32WrapI64):
				l.set(in.a, uint64(uint32(l.get(in.b))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64ExtendI32S):
				l.set(in.a, uint64(int64(int32(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64ExtendI32U):
				l.set(in.a, uint64(uint32(l.get(in.b))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32ConvertI32S):
				l.set(in.a, b32(float32(int32(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32ConvertI32U):
				l.set(in.a, b32(float32(uint32(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32ConvertI64S):
				l.set(in.a, b32(float32(int64(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32ConvertI64U):
				l.set(in.a, u64ToF32(l.get(in.b)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF32DemoteF64):
				l.set(in.a, uint64(math.Float32bits(float32(math.Float64frombits(l.get(in.b))))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64ConvertI32S):
				l.set(in.a, b64(float64(int32(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64ConvertI32U):
				l.set(in.a, b64(float64(uint32(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64ConvertI64S):
				l.set(in.a, b64(float64(int64(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64ConvertI64U):
				l.set(in.a, u64ToF64(l.get(in.b)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpF64PromoteF32):
				l.set(in.a, math.Float64bits(float64(math.Float32frombits(uint32(l.get(in.b))))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32ReinterpretF32), uint16(ir.OpF32ReinterpretI32), uint16(ir.OpI64ReinterpretF64), uint16(ir.OpF64ReinterpretI64):
				l.set(in.a, l.get(in.b))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Extend8S):
				l.set(in.a, uint64(uint32(int32(int8(l.get(in.b))))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI32Extend16S):
				l.set(in.a, uint64(uint32(int32(int16(l.get(in.b))))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Extend8S):
				l.set(in.a, uint64(int64(int8(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Extend16S):
				l.set(in.a, uint64(int64(int16(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case uint16(ir.OpI64Extend32S):
				l.set(in.a, uint64(int64(int32(l.get(in.b)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 0: // I32Load
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				l.set(in.a, uint64(ld32(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 1: // I64Load
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				l.set(in.a, ld64(mem, ea))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 2: // F32Load
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				l.set(in.a, uint64(ld32(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 3: // F64Load
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				l.set(in.a, ld64(mem, ea))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 4: // I32Load8S
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				l.set(in.a, uint64(uint32(int32(int8(ld8(mem, ea))))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 5: // I32Load8U
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				l.set(in.a, uint64(ld8(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 6: // I32Load16S
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				l.set(in.a, uint64(uint32(int32(int16(ld16(mem, ea))))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 7: // I32Load16U
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				l.set(in.a, uint64(ld16(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 8: // I64Load8S
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				l.set(in.a, uint64(int64(int8(ld8(mem, ea)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 9: // I64Load8U
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				l.set(in.a, uint64(ld8(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 10: // I64Load16S
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				l.set(in.a, uint64(int64(int16(ld16(mem, ea)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 11: // I64Load16U
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				l.set(in.a, uint64(ld16(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 12: // I64Load32S
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				l.set(in.a, uint64(int64(int32(ld32(mem, ea)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opLoadAdd + 13: // I64Load32U
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.c))) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				l.set(in.a, uint64(ld32(mem, ea)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 0: // I32Store
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				st32(mem, ea, uint32(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 1: // I64Store
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				st64(mem, ea, l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 2: // F32Store
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				st32(mem, ea, uint32(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 3: // F64Store
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				st64(mem, ea, l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 4: // I32Store8
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				st8(mem, ea, byte(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 5: // I32Store16
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				st16(mem, ea, uint16(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 6: // I64Store8
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+1 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+1)
					continue reload
				}
				st8(mem, ea, byte(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 7: // I64Store16
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+2 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+2)
					continue reload
				}
				st16(mem, ea, uint16(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opStoreAdd + 8: // I64Store32
				ea := uint64(uint32(l.get(in.b))+uint32(l.get(in.a))) + in.imm
				if ea+4 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+4)
					continue reload
				}
				st32(mem, ea, uint32(l.get(in.c)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 0:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) == uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 1:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) != uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 2:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if int32(v) < int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 3:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) < uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 4:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if int32(v) > int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 5:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) > uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 6:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if int32(v) <= int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 7:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) <= uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 8:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if int32(v) >= int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBr + 9:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) >= uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 0:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) == uint32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 1:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) != uint32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 2:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if int32(v) < int32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 3:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) < uint32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 4:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if int32(v) > int32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 5:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) > uint32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 6:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if int32(v) <= int32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 7:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) <= uint32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 8:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if int32(v) >= int32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddIBrI + 9:
				v := uint32(l.get(in.b)) + uint32(in.imm)
				l.set(in.a, uint64(v))
				if uint32(v) >= uint32(in.c) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 0:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if uint32(v) == uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 1:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if uint32(v) != uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 2:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if int32(v) < int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 3:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if uint32(v) < uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 4:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if int32(v) > int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 5:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if uint32(v) > uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 6:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if int32(v) <= int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 7:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if uint32(v) <= uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 8:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if int32(v) >= int32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opAddBr + 9:
				v := uint32(l.get(in.b)) + uint32(l.get(uint32(in.imm)))
				l.set(in.a, uint64(v))
				if uint32(v) >= uint32(l.get(in.c)) {
					ip = unsafe.Add(ip, int32(in.imm>>32))
					if int32(in.imm>>32) > 0 {
						continue
					}
					goto back
				}
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32MulAdd:
				l.set(in.a, uint64(uint32(l.get(in.b))*uint32(l.get(in.c))+uint32(l.get(uint32(in.imm)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opF64MulAdd:
				l.set(in.a, b64(float64(f64(l.get(in.b))*f64(l.get(in.c)))+f64(l.get(uint32(in.imm)))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opF64MulLoad:
				ea := uint64(uint32(l.get(in.b))+uint32(in.imm)) + in.imm>>32
				if ea+8 > uint64(len(mem)) {
					t.memFault(fn, ip, ea+8)
					continue reload
				}
				l.set(in.a, b64(f64(l.get(in.c))*f64(ld64(mem, ea))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64MulAdd:
				l.set(in.a, l.get(in.b)*l.get(in.c)+l.get(uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32ShrUAnd:
				l.set(in.a, uint64(uint32(l.get(in.b))>>(in.c&31)&uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32ShlAdd:
				l.set(in.a, uint64(uint32(l.get(in.b))<<(in.c&31)+uint32(in.imm)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32AndShl:
				l.set(in.a, uint64((uint32(l.get(in.b))&uint32(in.imm))<<(in.c&31)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32AndShlAdd:
				l.set(in.a, uint64((uint32(l.get(in.b))&uint32(in.imm))<<(in.c&31)+uint32(in.imm>>32)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32ShlXor:
				l.set(in.a, uint64(uint32(l.get(in.b))<<(in.imm&31)^uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32ShrUXor:
				l.set(in.a, uint64(uint32(l.get(in.b))>>(in.imm&31)^uint32(l.get(in.c))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64ShlXor:
				l.set(in.a, l.get(in.b)<<(in.imm&63)^l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64ShrUXor:
				l.set(in.a, l.get(in.b)>>(in.imm&63)^l.get(in.c))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32RotlI:
				l.set(in.a, uint64(bits.RotateLeft32(uint32(l.get(in.b)), int(in.imm&31))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI32RotrI:
				l.set(in.a, uint64(bits.RotateLeft32(uint32(l.get(in.b)), -int(in.imm&31))))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64RotlI:
				l.set(in.a, bits.RotateLeft64(l.get(in.b), int(in.imm&63)))
				ip = unsafe.Add(ip, instrSize)
				continue
			case opI64RotrI:
				l.set(in.a, bits.RotateLeft64(l.get(in.b), -int(in.imm&63)))
				ip = unsafe.Add(ip, instrSize)
				continue
			// Numeric instructions whose code is too large to inline here.
			case uint16(ir.OpI32Popcnt), uint16(ir.OpI64Popcnt), uint16(ir.OpF32Ceil),
				uint16(ir.OpF32Floor), uint16(ir.OpF32Trunc), uint16(ir.OpF32Nearest),
				uint16(ir.OpF32Sqrt), uint16(ir.OpF32Min), uint16(ir.OpF32Max), uint16(ir.OpF64Ceil),
				uint16(ir.OpF64Floor), uint16(ir.OpF64Trunc), uint16(ir.OpF64Nearest),
				uint16(ir.OpF64Sqrt), uint16(ir.OpF64Min), uint16(ir.OpF64Max), uint16(ir.OpI32TruncF32S),
				uint16(ir.OpI32TruncF32U), uint16(ir.OpI32TruncF64S), uint16(ir.OpI32TruncF64U),
				uint16(ir.OpI64TruncF32S), uint16(ir.OpI64TruncF32U), uint16(ir.OpI64TruncF64S),
				uint16(ir.OpI64TruncF64U), uint16(ir.OpI32TruncSatF32S), uint16(ir.OpI32TruncSatF32U),
				uint16(ir.OpI32TruncSatF64S), uint16(ir.OpI32TruncSatF64U), uint16(ir.OpI64TruncSatF32S),
				uint16(ir.OpI64TruncSatF32U), uint16(ir.OpI64TruncSatF64S), uint16(ir.OpI64TruncSatF64U):
				t.numeric(fn, ip)
				continue reload
			default:
				// Everything else (bulk memory and tables, atomics, SIMD,
				// other memories, references and GC, tracing) runs out
				// of line.
				t.rare(fn, ip)
				continue reload
			}

		jumped:
			// A taken branch: backward ones (and loops of one branch)
			// count for cancellation and fuel.
			if int64(in.imm) > 0 {
				continue
			}
		back:
			if t.ticks--; t.ticks < 0 {
				t.fn, t.pc = fn, pcOf(fn.code, ip) // on at the target
				t.checkpoint(t.pc)
				continue reload
			}
			continue

		call:
			// Enter callee, whose arguments are at slot in.b, in place
			// when it is a wasm function of this instance whose frame
			// fits, and the depth, the ticks and the frames allow;
			// t.callSlow does the rest.
			{
				fc := callee.code
				d := t.depth
				if callee.inst != fn.inst || t.ticks <= 0 || d >= len(t.frames) {
					goto callSlow
				}
				fp := t.fp
				newfp := fp + int(in.b)
				if newfp+int(fc.fastFrame) > len(t.stack) {
					goto callSlow
				}
				t.ticks--
				t.frames[d] = frame{fn: fn.code.funcIndex, ip: uint32(in.imm >> 32), fp: fp}
				t.depth = d + 1
				t.fp = newfp
				fn = callee
				l = l.at(in.b)
				for i, v := range fc.init {
					l.set(fc.params+uint32(i), v)
				}
				ip = unsafe.Pointer(unsafe.SliceData(fc.code))
				continue
			}
		callSlow:
			t.callFrom(fn, ip, callee, base)
			continue reload
		}
	}
}

// instrSize is the size of an instruction; branch offsets count bytes.
const instrSize = unsafe.Sizeof(instr{})

// pcOf returns the pc of the instruction at ip in fc's code.
func pcOf(fc *funcCode, ip unsafe.Pointer) int {
	return int((uintptr(ip) - uintptr(unsafe.Pointer(unsafe.SliceData(fc.code)))) / instrSize)
}

// trapIP returns the trap msg of fn's instruction at ip.
func (t *thread) trapIP(fn *Function, ip unsafe.Pointer, msg string) *Trap {
	t.fn = fn
	return t.trapAt(pcOf(fn.code, ip)+1, msg)
}

// leave records the executing function and the pc after ip, the executing
// instruction, in t, for a helper and the reload after it (see run), and
// returns the instruction. The loop's helpers call it rather than the
// loop, so that no value of the loop is live across a call.
func (t *thread) leave(fn *Function, ip unsafe.Pointer) *instr {
	t.fn, t.pc = fn, pcOf(fn.code, ip)+1
	return (*instr)(ip)
}
