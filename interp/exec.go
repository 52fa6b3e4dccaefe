package interp

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/watt-wasm/watt/ir"
)

// run executes wasm function f with its arguments already in
// t.stack[fp:], leaving its results there. It is the interpreter's one
// loop: calls and returns switch frames in place, without Go recursion.
func (t *thread) run(f *Function, fp int) {
	fc := f.code
	inst := f.inst
	t.enter(fc, fp)
	t.fc = fc
	code := fc.code
	l := t.stack[fp:]
	mem := inst.memBytes()
	base := len(t.frames)
	pc := 0
	var (
		callee *Function
		newfp  int
		exn    *Object // exception being thrown
	)
	for {
		in := &code[pc]
		pc++
		switch in.op {
		case opCopy:
			l[in.a] = l[in.b]
		case opCopy2:
			l[in.a], l[in.a+1] = l[in.b], l[in.b+1]
		case opConst:
			l[in.a] = in.imm
		case opConstV128:
			l[in.a], l[in.a+1] = fc.v128s[in.imm], fc.v128s[in.imm+1]
		case opMove:
			copy(l[in.a:in.a+in.c], l[in.b:in.b+in.c])
		case opBr:
			pc = int(in.imm)
			goto jumped
		case opBrIf:
			if uint32(l[in.b]) != 0 {
				pc = int(in.imm)
				goto jumped
			}
		case opBrIfNot:
			if uint32(l[in.b]) == 0 {
				pc = int(in.imm)
				goto jumped
			}
		case opBrIf64:
			if l[in.b] != 0 {
				pc = int(in.imm)
				goto jumped
			}
		case opBrIfNot64:
			if l[in.b] == 0 {
				pc = int(in.imm)
				goto jumped
			}
		case opBrTable:
			bt := &fc.brTables[in.imm]
			i := uint64(uint32(l[in.b]))
			if last := uint64(len(bt.targets) - 1); i > last {
				i = last
			}
			tg := &bt.targets[i]
			if bt.n > 0 && tg.dst != bt.src {
				copy(l[tg.dst:tg.dst+bt.n], l[bt.src:bt.src+bt.n])
				if bt.refs {
					copy(t.refs[fp+int(tg.dst):fp+int(tg.dst+bt.n)], t.refs[fp+int(bt.src):fp+int(bt.src+bt.n)])
				}
			}
			pc = int(tg.pc)
			if tg.back {
				if t.ticks--; t.ticks < 0 {
					t.checkpoint(pc)
				}
			}
		case opBrF32 + 0:
			if (f32(l[in.b]) == f32(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF32 + 1:
			if (f32(l[in.b]) != f32(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF32 + 2:
			if (f32(l[in.b]) < f32(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF32 + 3:
			if (f32(l[in.b]) > f32(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF32 + 4:
			if (f32(l[in.b]) <= f32(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF32 + 5:
			if (f32(l[in.b]) >= f32(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF64 + 0:
			if (f64(l[in.b]) == f64(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF64 + 1:
			if (f64(l[in.b]) != f64(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF64 + 2:
			if (f64(l[in.b]) < f64(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF64 + 3:
			if (f64(l[in.b]) > f64(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF64 + 4:
			if (f64(l[in.b]) <= f64(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrF64 + 5:
			if (f64(l[in.b]) >= f64(l[in.c])) != (in.x&flagNeg != 0) {
				pc = int(in.imm)
				goto jumped
			}
		case opReturn:
			if in.c == 1 {
				l[0] = l[in.b]
			} else if in.c > 0 {
				copy(l[:in.c], l[in.b:in.b+in.c])
			}
			goto ret
		case opReturnCall:
			callee = inst.funcs[in.imm]
			goto tailcall
		case opReturnCallIndirect:
			callee = t.indirect(inst, pc, in.x, uint64(uint32(l[in.c])), in.imm)
			goto tailcall
		case opCall:
			callee = inst.funcs[in.imm]
			newfp = fp + int(in.b)
			goto call
		case opCallIndirect:
			callee = t.indirect(inst, pc, in.x, uint64(uint32(l[in.c])), in.imm)
			newfp = fp + int(in.b)
			goto call
		case uint16(ir.OpUnreachable):
			panic(t.trapAt(pc, msgUnreachable))
		case uint16(ir.OpSelect):
			if uint32(l[in.imm]) != 0 {
				l[in.a] = l[in.b]
			} else {
				l[in.a] = l[in.c]
			}
		case opSelect2:
			if uint32(l[in.imm]) != 0 {
				l[in.a], l[in.a+1] = l[in.b], l[in.b+1]
			} else {
				l[in.a], l[in.a+1] = l[in.c], l[in.c+1]
			}
		case uint16(ir.OpGlobalGet):
			l[in.a] = loadWord(&inst.globals[in.imm].lo)
		case uint16(ir.OpGlobalSet):
			storeWord(&inst.globals[in.imm].lo, l[in.b])
		case opGlobalGet2:
			g := inst.globals[in.imm]
			l[in.a], l[in.a+1] = loadWord(&g.lo), loadWord(&g.hi)
		case opGlobalSet2:
			g := inst.globals[in.imm]
			storeWord(&g.lo, l[in.b])
			storeWord(&g.hi, l[in.b+1])
		case opRefFunc, opCopyRef, opNullRef, opMoveRefs, opMoveRefsOnly, opSelectRef, opGlobalGetRef, opGlobalSetRef,
			opRefNonNull, opRefAsNonNull, opRefTest, opRefCast, opStructGetW, opStructGetR, opStructSetW, opStructSetR,
			opRefIsNull, opArrayGet, opArraySet, opArrayLen, opStructNew, opStructNewDef, opArrayNew:
			t.refOp(in, pc, fp, inst, fc)
		case opReturnRefs:
			copy(l[:in.c], l[in.b:in.b+in.c])
			copy(t.refs[fp:fp+int(in.c)], t.refs[fp+int(in.b):fp+int(in.b+in.c)])
			goto ret
		case opCallRef:
			callee = t.funcRef(pc, fp, in.c)
			newfp = fp + int(in.b)
			goto call
		case opReturnCallRef:
			callee = t.funcRef(pc, fp, in.c)
			goto tailcall
		case opThrow:
			exn = t.throwArgs(inst, in.imm, fp, in.b)
			goto throw
		case opThrowRef:
			exn = t.refs[fp+int(in.b)]
			if exn == nil {
				panic(t.trapAt(pc, msgNullExn))
			}
			goto throw
		case uint16(ir.OpMemorySize):
			l[in.a] = uint64(inst.mem.Pages())
		case uint16(ir.OpMemoryGrow):
			l[in.a] = uint64(uint32(inst.mem.Grow(uint32(l[in.b]))))
			mem = inst.memBytes()
		case uint16(ir.OpI32Const), uint16(ir.OpI64Const), uint16(ir.OpF32Const), uint16(ir.OpF64Const):
			l[in.a] = in.imm
		case uint16(ir.OpI32Load):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+4 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+4)
			}
			l[in.a] = uint64(ld32(mem, ea))
		case uint16(ir.OpI64Load):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+8 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+8)
			}
			l[in.a] = ld64(mem, ea)
		case uint16(ir.OpF32Load):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+4 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+4)
			}
			l[in.a] = uint64(ld32(mem, ea))
		case uint16(ir.OpF64Load):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+8 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+8)
			}
			l[in.a] = ld64(mem, ea)
		case uint16(ir.OpI32Load8S):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+1 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+1)
			}
			l[in.a] = uint64(uint32(int32(int8(ld8(mem, ea)))))
		case uint16(ir.OpI32Load8U):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+1 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+1)
			}
			l[in.a] = uint64(ld8(mem, ea))
		case uint16(ir.OpI32Load16S):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+2 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+2)
			}
			l[in.a] = uint64(uint32(int32(int16(ld16(mem, ea)))))
		case uint16(ir.OpI32Load16U):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+2 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+2)
			}
			l[in.a] = uint64(ld16(mem, ea))
		case uint16(ir.OpI64Load8S):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+1 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+1)
			}
			l[in.a] = uint64(int64(int8(ld8(mem, ea))))
		case uint16(ir.OpI64Load8U):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+1 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+1)
			}
			l[in.a] = uint64(ld8(mem, ea))
		case uint16(ir.OpI64Load16S):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+2 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+2)
			}
			l[in.a] = uint64(int64(int16(ld16(mem, ea))))
		case uint16(ir.OpI64Load16U):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+2 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+2)
			}
			l[in.a] = uint64(ld16(mem, ea))
		case uint16(ir.OpI64Load32S):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+4 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+4)
			}
			l[in.a] = uint64(int64(int32(ld32(mem, ea))))
		case uint16(ir.OpI64Load32U):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+4 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+4)
			}
			l[in.a] = uint64(ld32(mem, ea))
		case uint16(ir.OpI32Store):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+4 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+4)
			}
			st32(mem, ea, uint32(l[in.c]))
		case uint16(ir.OpI64Store):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+8 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+8)
			}
			st64(mem, ea, l[in.c])
		case uint16(ir.OpF32Store):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+4 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+4)
			}
			st32(mem, ea, uint32(l[in.c]))
		case uint16(ir.OpF64Store):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+8 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+8)
			}
			st64(mem, ea, l[in.c])
		case uint16(ir.OpI32Store8):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+1 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+1)
			}
			st8(mem, ea, byte(l[in.c]))
		case uint16(ir.OpI32Store16):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+2 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+2)
			}
			st16(mem, ea, uint16(l[in.c]))
		case uint16(ir.OpI64Store8):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+1 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+1)
			}
			st8(mem, ea, byte(l[in.c]))
		case uint16(ir.OpI64Store16):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+2 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+2)
			}
			st16(mem, ea, uint16(l[in.c]))
		case uint16(ir.OpI64Store32):
			ea := uint64(uint32(l[in.b])) + in.imm
			if ea+4 > uint64(len(mem)) {
				mem = t.memSlow(inst, pc, ea+4)
			}
			st32(mem, ea, uint32(l[in.c]))
		case uint16(ir.OpI32Eqz):
			l[in.a] = b2u(uint32(l[in.b]) == 0)
		case uint16(ir.OpI32Eq):
			l[in.a] = b2u(uint32(l[in.b]) == uint32(l[in.c]))
		case uint16(ir.OpI32Ne):
			l[in.a] = b2u(uint32(l[in.b]) != uint32(l[in.c]))
		case uint16(ir.OpI32LtS):
			l[in.a] = b2u(int32(l[in.b]) < int32(l[in.c]))
		case uint16(ir.OpI32LtU):
			l[in.a] = b2u(uint32(l[in.b]) < uint32(l[in.c]))
		case uint16(ir.OpI32GtS):
			l[in.a] = b2u(int32(l[in.b]) > int32(l[in.c]))
		case uint16(ir.OpI32GtU):
			l[in.a] = b2u(uint32(l[in.b]) > uint32(l[in.c]))
		case uint16(ir.OpI32LeS):
			l[in.a] = b2u(int32(l[in.b]) <= int32(l[in.c]))
		case uint16(ir.OpI32LeU):
			l[in.a] = b2u(uint32(l[in.b]) <= uint32(l[in.c]))
		case uint16(ir.OpI32GeS):
			l[in.a] = b2u(int32(l[in.b]) >= int32(l[in.c]))
		case uint16(ir.OpI32GeU):
			l[in.a] = b2u(uint32(l[in.b]) >= uint32(l[in.c]))
		case opI32CmpI + 0:
			l[in.a] = b2u(uint32(l[in.b]) == uint32(in.imm))
		case opI32CmpI + 1:
			l[in.a] = b2u(uint32(l[in.b]) != uint32(in.imm))
		case opI32CmpI + 2:
			l[in.a] = b2u(int32(l[in.b]) < int32(in.imm))
		case opI32CmpI + 3:
			l[in.a] = b2u(uint32(l[in.b]) < uint32(in.imm))
		case opI32CmpI + 4:
			l[in.a] = b2u(int32(l[in.b]) > int32(in.imm))
		case opI32CmpI + 5:
			l[in.a] = b2u(uint32(l[in.b]) > uint32(in.imm))
		case opI32CmpI + 6:
			l[in.a] = b2u(int32(l[in.b]) <= int32(in.imm))
		case opI32CmpI + 7:
			l[in.a] = b2u(uint32(l[in.b]) <= uint32(in.imm))
		case opI32CmpI + 8:
			l[in.a] = b2u(int32(l[in.b]) >= int32(in.imm))
		case opI32CmpI + 9:
			l[in.a] = b2u(uint32(l[in.b]) >= uint32(in.imm))
		case opBrI32 + 0:
			if uint32(l[in.b]) == uint32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 1:
			if uint32(l[in.b]) != uint32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 2:
			if int32(l[in.b]) < int32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 3:
			if uint32(l[in.b]) < uint32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 4:
			if int32(l[in.b]) > int32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 5:
			if uint32(l[in.b]) > uint32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 6:
			if int32(l[in.b]) <= int32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 7:
			if uint32(l[in.b]) <= uint32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 8:
			if int32(l[in.b]) >= int32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32 + 9:
			if uint32(l[in.b]) >= uint32(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 0:
			if uint32(l[in.b]) == uint32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 1:
			if uint32(l[in.b]) != uint32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 2:
			if int32(l[in.b]) < int32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 3:
			if uint32(l[in.b]) < uint32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 4:
			if int32(l[in.b]) > int32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 5:
			if uint32(l[in.b]) > uint32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 6:
			if int32(l[in.b]) <= int32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 7:
			if uint32(l[in.b]) <= uint32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 8:
			if int32(l[in.b]) >= int32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI32I + 9:
			if uint32(l[in.b]) >= uint32(int32(in.c)) {
				pc = int(in.imm)
				goto jumped
			}
		case uint16(ir.OpI64Eqz):
			l[in.a] = b2u(l[in.b] == 0)
		case uint16(ir.OpI64Eq):
			l[in.a] = b2u(uint64(l[in.b]) == uint64(l[in.c]))
		case uint16(ir.OpI64Ne):
			l[in.a] = b2u(uint64(l[in.b]) != uint64(l[in.c]))
		case uint16(ir.OpI64LtS):
			l[in.a] = b2u(int64(l[in.b]) < int64(l[in.c]))
		case uint16(ir.OpI64LtU):
			l[in.a] = b2u(uint64(l[in.b]) < uint64(l[in.c]))
		case uint16(ir.OpI64GtS):
			l[in.a] = b2u(int64(l[in.b]) > int64(l[in.c]))
		case uint16(ir.OpI64GtU):
			l[in.a] = b2u(uint64(l[in.b]) > uint64(l[in.c]))
		case uint16(ir.OpI64LeS):
			l[in.a] = b2u(int64(l[in.b]) <= int64(l[in.c]))
		case uint16(ir.OpI64LeU):
			l[in.a] = b2u(uint64(l[in.b]) <= uint64(l[in.c]))
		case uint16(ir.OpI64GeS):
			l[in.a] = b2u(int64(l[in.b]) >= int64(l[in.c]))
		case uint16(ir.OpI64GeU):
			l[in.a] = b2u(uint64(l[in.b]) >= uint64(l[in.c]))
		case opI64CmpI + 0:
			l[in.a] = b2u(uint64(l[in.b]) == uint64(in.imm))
		case opI64CmpI + 1:
			l[in.a] = b2u(uint64(l[in.b]) != uint64(in.imm))
		case opI64CmpI + 2:
			l[in.a] = b2u(int64(l[in.b]) < int64(in.imm))
		case opI64CmpI + 3:
			l[in.a] = b2u(uint64(l[in.b]) < uint64(in.imm))
		case opI64CmpI + 4:
			l[in.a] = b2u(int64(l[in.b]) > int64(in.imm))
		case opI64CmpI + 5:
			l[in.a] = b2u(uint64(l[in.b]) > uint64(in.imm))
		case opI64CmpI + 6:
			l[in.a] = b2u(int64(l[in.b]) <= int64(in.imm))
		case opI64CmpI + 7:
			l[in.a] = b2u(uint64(l[in.b]) <= uint64(in.imm))
		case opI64CmpI + 8:
			l[in.a] = b2u(int64(l[in.b]) >= int64(in.imm))
		case opI64CmpI + 9:
			l[in.a] = b2u(uint64(l[in.b]) >= uint64(in.imm))
		case opBrI64 + 0:
			if uint64(l[in.b]) == uint64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 1:
			if uint64(l[in.b]) != uint64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 2:
			if int64(l[in.b]) < int64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 3:
			if uint64(l[in.b]) < uint64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 4:
			if int64(l[in.b]) > int64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 5:
			if uint64(l[in.b]) > uint64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 6:
			if int64(l[in.b]) <= int64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 7:
			if uint64(l[in.b]) <= uint64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 8:
			if int64(l[in.b]) >= int64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64 + 9:
			if uint64(l[in.b]) >= uint64(l[in.c]) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 0:
			if uint64(l[in.b]) == uint64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 1:
			if uint64(l[in.b]) != uint64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 2:
			if int64(l[in.b]) < int64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 3:
			if uint64(l[in.b]) < uint64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 4:
			if int64(l[in.b]) > int64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 5:
			if uint64(l[in.b]) > uint64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 6:
			if int64(l[in.b]) <= int64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 7:
			if uint64(l[in.b]) <= uint64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 8:
			if int64(l[in.b]) >= int64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case opBrI64I + 9:
			if uint64(l[in.b]) >= uint64(int64(int32(in.c))) {
				pc = int(in.imm)
				goto jumped
			}
		case uint16(ir.OpF32Eq):
			l[in.a] = b2u(f32(l[in.b]) == f32(l[in.c]))
		case uint16(ir.OpF32Ne):
			l[in.a] = b2u(f32(l[in.b]) != f32(l[in.c]))
		case uint16(ir.OpF32Lt):
			l[in.a] = b2u(f32(l[in.b]) < f32(l[in.c]))
		case uint16(ir.OpF32Gt):
			l[in.a] = b2u(f32(l[in.b]) > f32(l[in.c]))
		case uint16(ir.OpF32Le):
			l[in.a] = b2u(f32(l[in.b]) <= f32(l[in.c]))
		case uint16(ir.OpF32Ge):
			l[in.a] = b2u(f32(l[in.b]) >= f32(l[in.c]))
		case uint16(ir.OpF64Eq):
			l[in.a] = b2u(f64(l[in.b]) == f64(l[in.c]))
		case uint16(ir.OpF64Ne):
			l[in.a] = b2u(f64(l[in.b]) != f64(l[in.c]))
		case uint16(ir.OpF64Lt):
			l[in.a] = b2u(f64(l[in.b]) < f64(l[in.c]))
		case uint16(ir.OpF64Gt):
			l[in.a] = b2u(f64(l[in.b]) > f64(l[in.c]))
		case uint16(ir.OpF64Le):
			l[in.a] = b2u(f64(l[in.b]) <= f64(l[in.c]))
		case uint16(ir.OpF64Ge):
			l[in.a] = b2u(f64(l[in.b]) >= f64(l[in.c]))
		case uint16(ir.OpI32Clz):
			l[in.a] = uint64(bits.LeadingZeros32(uint32(l[in.b])))
		case uint16(ir.OpI32Ctz):
			l[in.a] = uint64(bits.TrailingZeros32(uint32(l[in.b])))
		case uint16(ir.OpI32Popcnt):
			l[in.a] = uint64(bits.OnesCount32(uint32(l[in.b])))
		case uint16(ir.OpI32Add):
			l[in.a] = uint64(uint32(l[in.b]) + uint32(l[in.c]))
		case uint16(ir.OpI32Sub):
			l[in.a] = uint64(uint32(l[in.b]) - uint32(l[in.c]))
		case uint16(ir.OpI32Mul):
			l[in.a] = uint64(uint32(l[in.b]) * uint32(l[in.c]))
		case uint16(ir.OpI32DivS):
			x, y := int32(l[in.b]), int32(l[in.c])
			if y == 0 {
				panic(t.trapAt(pc, msgDivZero))
			}
			if x == math.MinInt32 && y == -1 {
				panic(t.trapAt(pc, msgIntOverflow))
			}
			l[in.a] = uint64(uint32(x / y))
		case uint16(ir.OpI32DivU):
			y := uint32(l[in.c])
			if y == 0 {
				panic(t.trapAt(pc, msgDivZero))
			}
			l[in.a] = uint64(uint32(l[in.b]) / y)
		case uint16(ir.OpI32RemS):
			y := int32(l[in.c])
			if y == 0 {
				panic(t.trapAt(pc, msgDivZero))
			}
			l[in.a] = uint64(uint32(int32(l[in.b]) % y))
		case uint16(ir.OpI32RemU):
			y := uint32(l[in.c])
			if y == 0 {
				panic(t.trapAt(pc, msgDivZero))
			}
			l[in.a] = uint64(uint32(l[in.b]) % y)
		case uint16(ir.OpI32And):
			l[in.a] = uint64(uint32(l[in.b]) & uint32(l[in.c]))
		case uint16(ir.OpI32Or):
			l[in.a] = uint64(uint32(l[in.b]) | uint32(l[in.c]))
		case uint16(ir.OpI32Xor):
			l[in.a] = uint64(uint32(l[in.b]) ^ uint32(l[in.c]))
		case uint16(ir.OpI32Shl):
			l[in.a] = uint64(uint32(l[in.b]) << (uint32(l[in.c]) & 31))
		case uint16(ir.OpI32ShrS):
			l[in.a] = uint64(uint32(int32(l[in.b]) >> (uint32(l[in.c]) & 31)))
		case uint16(ir.OpI32ShrU):
			l[in.a] = uint64(uint32(l[in.b]) >> (uint32(l[in.c]) & 31))
		case uint16(ir.OpI32Rotl):
			l[in.a] = uint64(bits.RotateLeft32(uint32(l[in.b]), int(uint32(l[in.c])&31)))
		case uint16(ir.OpI32Rotr):
			l[in.a] = uint64(bits.RotateLeft32(uint32(l[in.b]), -int(uint32(l[in.c])&31)))
		case opI32AddI:
			l[in.a] = uint64(uint32(l[in.b]) + uint32(in.imm))
		case opI32SubI:
			l[in.a] = uint64(uint32(l[in.b]) - uint32(in.imm))
		case opI32MulI:
			l[in.a] = uint64(uint32(l[in.b]) * uint32(in.imm))
		case opI32AndI:
			l[in.a] = uint64(uint32(l[in.b]) & uint32(in.imm))
		case opI32OrI:
			l[in.a] = uint64(uint32(l[in.b]) | uint32(in.imm))
		case opI32XorI:
			l[in.a] = uint64(uint32(l[in.b]) ^ uint32(in.imm))
		case opI32ShlI:
			l[in.a] = uint64(uint32(l[in.b]) << (in.imm & 31))
		case opI32ShrSI:
			l[in.a] = uint64(uint32(int32(l[in.b]) >> (in.imm & 31)))
		case opI32ShrUI:
			l[in.a] = uint64(uint32(l[in.b]) >> (in.imm & 31))
		case uint16(ir.OpI64Clz):
			l[in.a] = uint64(bits.LeadingZeros64(l[in.b]))
		case uint16(ir.OpI64Ctz):
			l[in.a] = uint64(bits.TrailingZeros64(l[in.b]))
		case uint16(ir.OpI64Popcnt):
			l[in.a] = uint64(bits.OnesCount64(l[in.b]))
		case uint16(ir.OpI64Add):
			l[in.a] = l[in.b] + l[in.c]
		case uint16(ir.OpI64Sub):
			l[in.a] = l[in.b] - l[in.c]
		case uint16(ir.OpI64Mul):
			l[in.a] = l[in.b] * l[in.c]
		case uint16(ir.OpI64DivS):
			x, y := int64(l[in.b]), int64(l[in.c])
			if y == 0 {
				panic(t.trapAt(pc, msgDivZero))
			}
			if x == math.MinInt64 && y == -1 {
				panic(t.trapAt(pc, msgIntOverflow))
			}
			l[in.a] = uint64(x / y)
		case uint16(ir.OpI64DivU):
			y := l[in.c]
			if y == 0 {
				panic(t.trapAt(pc, msgDivZero))
			}
			l[in.a] = l[in.b] / y
		case uint16(ir.OpI64RemS):
			y := int64(l[in.c])
			if y == 0 {
				panic(t.trapAt(pc, msgDivZero))
			}
			l[in.a] = uint64(int64(l[in.b]) % y)
		case uint16(ir.OpI64RemU):
			y := l[in.c]
			if y == 0 {
				panic(t.trapAt(pc, msgDivZero))
			}
			l[in.a] = l[in.b] % y
		case uint16(ir.OpI64And):
			l[in.a] = l[in.b] & l[in.c]
		case uint16(ir.OpI64Or):
			l[in.a] = l[in.b] | l[in.c]
		case uint16(ir.OpI64Xor):
			l[in.a] = l[in.b] ^ l[in.c]
		case uint16(ir.OpI64Shl):
			l[in.a] = l[in.b] << (l[in.c] & 63)
		case uint16(ir.OpI64ShrS):
			l[in.a] = uint64(int64(l[in.b]) >> (l[in.c] & 63))
		case uint16(ir.OpI64ShrU):
			l[in.a] = l[in.b] >> (l[in.c] & 63)
		case uint16(ir.OpI64Rotl):
			l[in.a] = bits.RotateLeft64(l[in.b], int(l[in.c]&63))
		case uint16(ir.OpI64Rotr):
			l[in.a] = bits.RotateLeft64(l[in.b], -int(l[in.c]&63))
		case opI64AddI:
			l[in.a] = l[in.b] + in.imm
		case opI64SubI:
			l[in.a] = l[in.b] - in.imm
		case opI64MulI:
			l[in.a] = l[in.b] * in.imm
		case opI64AndI:
			l[in.a] = l[in.b] & in.imm
		case opI64OrI:
			l[in.a] = l[in.b] | in.imm
		case opI64XorI:
			l[in.a] = l[in.b] ^ in.imm
		case opI64ShlI:
			l[in.a] = l[in.b] << (in.imm & 63)
		case opI64ShrSI:
			l[in.a] = uint64(int64(l[in.b]) >> (in.imm & 63))
		case opI64ShrUI:
			l[in.a] = l[in.b] >> (in.imm & 63)
		case uint16(ir.OpF32Abs):
			l[in.a] = l[in.b] & 0x7fffffff
		case uint16(ir.OpF32Neg):
			l[in.a] = (l[in.b] ^ 0x80000000) & 0xffffffff
		case uint16(ir.OpF32Ceil):
			l[in.a] = round32(l[in.b], math.Ceil)
		case uint16(ir.OpF32Floor):
			l[in.a] = round32(l[in.b], math.Floor)
		case uint16(ir.OpF32Trunc):
			l[in.a] = round32(l[in.b], math.Trunc)
		case uint16(ir.OpF32Nearest):
			l[in.a] = round32(l[in.b], math.RoundToEven)
		case uint16(ir.OpF32Sqrt):
			l[in.a] = sqrt32(l[in.b])
		case uint16(ir.OpF32Add):
			l[in.a] = b32(f32(l[in.b]) + f32(l[in.c]))
		case uint16(ir.OpF64Add):
			l[in.a] = b64(f64(l[in.b]) + f64(l[in.c]))
		case uint16(ir.OpF32Sub):
			l[in.a] = b32(f32(l[in.b]) - f32(l[in.c]))
		case uint16(ir.OpF64Sub):
			l[in.a] = b64(f64(l[in.b]) - f64(l[in.c]))
		case uint16(ir.OpF32Mul):
			l[in.a] = b32(f32(l[in.b]) * f32(l[in.c]))
		case uint16(ir.OpF64Mul):
			l[in.a] = b64(f64(l[in.b]) * f64(l[in.c]))
		case uint16(ir.OpF32Div):
			l[in.a] = b32(f32(l[in.b]) / f32(l[in.c]))
		case uint16(ir.OpF64Div):
			l[in.a] = b64(f64(l[in.b]) / f64(l[in.c]))
		case uint16(ir.OpF32Min):
			l[in.a] = fmin32(l[in.b], l[in.c])
		case uint16(ir.OpF32Max):
			l[in.a] = fmax32(l[in.b], l[in.c])
		case uint16(ir.OpF32Copysign):
			l[in.a] = l[in.b]&0x7fffffff | l[in.c]&0x80000000
		case uint16(ir.OpF64Abs):
			l[in.a] = l[in.b] &^ (1 << 63)
		case uint16(ir.OpF64Neg):
			l[in.a] = l[in.b] ^ (1 << 63)
		case uint16(ir.OpF64Ceil):
			l[in.a] = round64(l[in.b], math.Ceil)
		case uint16(ir.OpF64Floor):
			l[in.a] = round64(l[in.b], math.Floor)
		case uint16(ir.OpF64Trunc):
			l[in.a] = round64(l[in.b], math.Trunc)
		case uint16(ir.OpF64Nearest):
			l[in.a] = round64(l[in.b], math.RoundToEven)
		case uint16(ir.OpF64Sqrt):
			l[in.a] = sqrt64(l[in.b])
		case uint16(ir.OpF64Min):
			l[in.a] = fmin64(l[in.b], l[in.c])
		case uint16(ir.OpF64Max):
			l[in.a] = fmax64(l[in.b], l[in.c])
		case uint16(ir.OpF64Copysign):
			l[in.a] = l[in.b]&^(1<<63) | l[in.c]&(1<<63)
		case uint16(ir.OpI32WrapI64):
			l[in.a] = uint64(uint32(l[in.b]))
		case uint16(ir.OpI32TruncF32S):
			v, msg := truncS32(float64(f32(l[in.b])))
			if msg != "" {
				panic(t.trapAt(pc, msg))
			}
			l[in.a] = v
		case uint16(ir.OpI32TruncF32U):
			v, msg := truncU32(float64(f32(l[in.b])))
			if msg != "" {
				panic(t.trapAt(pc, msg))
			}
			l[in.a] = v
		case uint16(ir.OpI32TruncF64S):
			v, msg := truncS32(f64(l[in.b]))
			if msg != "" {
				panic(t.trapAt(pc, msg))
			}
			l[in.a] = v
		case uint16(ir.OpI32TruncF64U):
			v, msg := truncU32(f64(l[in.b]))
			if msg != "" {
				panic(t.trapAt(pc, msg))
			}
			l[in.a] = v
		case uint16(ir.OpI64TruncF32S):
			v, msg := truncS64(float64(f32(l[in.b])))
			if msg != "" {
				panic(t.trapAt(pc, msg))
			}
			l[in.a] = v
		case uint16(ir.OpI64TruncF32U):
			v, msg := truncU64(float64(f32(l[in.b])))
			if msg != "" {
				panic(t.trapAt(pc, msg))
			}
			l[in.a] = v
		case uint16(ir.OpI64TruncF64S):
			v, msg := truncS64(f64(l[in.b]))
			if msg != "" {
				panic(t.trapAt(pc, msg))
			}
			l[in.a] = v
		case uint16(ir.OpI64TruncF64U):
			v, msg := truncU64(f64(l[in.b]))
			if msg != "" {
				panic(t.trapAt(pc, msg))
			}
			l[in.a] = v
		case uint16(ir.OpI32TruncSatF32S):
			l[in.a] = satS32(float64(f32(l[in.b])))
		case uint16(ir.OpI32TruncSatF32U):
			l[in.a] = satU32(float64(f32(l[in.b])))
		case uint16(ir.OpI32TruncSatF64S):
			l[in.a] = satS32(f64(l[in.b]))
		case uint16(ir.OpI32TruncSatF64U):
			l[in.a] = satU32(f64(l[in.b]))
		case uint16(ir.OpI64TruncSatF32S):
			l[in.a] = satS64(float64(f32(l[in.b])))
		case uint16(ir.OpI64TruncSatF32U):
			l[in.a] = satU64(float64(f32(l[in.b])))
		case uint16(ir.OpI64TruncSatF64S):
			l[in.a] = satS64(f64(l[in.b]))
		case uint16(ir.OpI64TruncSatF64U):
			l[in.a] = satU64(f64(l[in.b]))
		case uint16(ir.OpI64ExtendI32S):
			l[in.a] = uint64(int64(int32(l[in.b])))
		case uint16(ir.OpI64ExtendI32U):
			l[in.a] = uint64(uint32(l[in.b]))
		case uint16(ir.OpF32ConvertI32S):
			l[in.a] = b32(float32(int32(l[in.b])))
		case uint16(ir.OpF32ConvertI32U):
			l[in.a] = b32(float32(uint32(l[in.b])))
		case uint16(ir.OpF32ConvertI64S):
			l[in.a] = b32(float32(int64(l[in.b])))
		case uint16(ir.OpF32ConvertI64U):
			l[in.a] = u64ToF32(l[in.b])
		case uint16(ir.OpF32DemoteF64):
			l[in.a] = demote(l[in.b])
		case uint16(ir.OpF64ConvertI32S):
			l[in.a] = b64(float64(int32(l[in.b])))
		case uint16(ir.OpF64ConvertI32U):
			l[in.a] = b64(float64(uint32(l[in.b])))
		case uint16(ir.OpF64ConvertI64S):
			l[in.a] = b64(float64(int64(l[in.b])))
		case uint16(ir.OpF64ConvertI64U):
			l[in.a] = u64ToF64(l[in.b])
		case uint16(ir.OpF64PromoteF32):
			l[in.a] = promote(l[in.b])
		case uint16(ir.OpI32ReinterpretF32), uint16(ir.OpF32ReinterpretI32), uint16(ir.OpI64ReinterpretF64), uint16(ir.OpF64ReinterpretI64):
			l[in.a] = l[in.b]
		case uint16(ir.OpI32Extend8S):
			l[in.a] = uint64(uint32(int32(int8(l[in.b]))))
		case uint16(ir.OpI32Extend16S):
			l[in.a] = uint64(uint32(int32(int16(l[in.b]))))
		case uint16(ir.OpI64Extend8S):
			l[in.a] = uint64(int64(int8(l[in.b])))
		case uint16(ir.OpI64Extend16S):
			l[in.a] = uint64(int64(int16(l[in.b])))
		case uint16(ir.OpI64Extend32S):
			l[in.a] = uint64(int64(int32(l[in.b])))
		default:
			t.pc = pc
			switch {
			case in.op >= uint16(ir.OpMemoryInit) && in.op <= uint16(ir.OpTableFill) || in.op == uint16(ir.OpTableGet) || in.op == uint16(ir.OpTableSet):
				t.bulk(in, l, fp, inst)
				mem = inst.memBytes()
			case in.op >= uint16(ir.OpMemoryAtomicNotify) && in.op <= uint16(ir.OpI64AtomicRmw32CmpxchgU):
				t.atomic(in, l, inst)
			case in.op >= uint16(ir.OpV128Load) && in.op <= uint16(ir.OpF64x2ConvertLowI32x4U):
				t.simd(in, l, inst, fc)
			case in.op == opMemory:
				// Any memory but a 32-bit memory 0 (multimem.go); never
				// that one, so mem stays valid.
				t.memory(in, l, inst, fc)
			case in.op >= uint16(ir.OpRefEq) && in.op <= uint16(ir.OpI31GetU) || in.op >= opStructGetV && in.op <= opStructSetV:
				t.gc(in, fp, inst)
			case in.op == opTrace:
				fc.trace.step(len(t.frames), int(in.imm), l)
			default:
				t.more(in, l, inst, fc) // 3.0: table64, relaxed SIMD
			}
		}
		continue

	ret:
		if len(t.frames) == base {
			return
		}
		{
			fr := &t.frames[len(t.frames)-1]
			fc, inst, pc, fp = fr.fc, fr.inst, fr.pc, fr.fp
			t.frames = t.frames[:len(t.frames)-1]
		}
		t.fc = fc
		code = fc.code
		l = t.stack[fp:]
		mem = inst.memBytes()
		continue

	tailcall:
		// The arguments replace this frame's: move them to its base, then
		// run the callee in place, so tail recursion needs no frames.
		copy(l[:in.a], l[in.b:in.b+in.a])
		if t.ticks--; t.ticks < 0 {
			t.checkpoint(pc)
		}
		if callee.host != nil {
			t.pc = pc
			if exn = t.callHost(callee, fp); exn != nil {
				// The tail call replaced this frame: the exception
				// comes out of its caller's call.
				if len(t.frames) == base {
					panic(&thrown{exn})
				}
				fr := &t.frames[len(t.frames)-1]
				fc, inst, pc, fp = fr.fc, fr.inst, fr.pc, fr.fp
				t.frames = t.frames[:len(t.frames)-1]
				goto throw
			}
			l = t.stack[fp:]
			goto ret
		}
		fc, pc = callee.code, 0
		if inst != callee.inst {
			inst = callee.inst
			mem = inst.memBytes()
		}
		if need := fp + int(fc.frame); need > len(t.stack) {
			t.growStack(need, fc)
		}
		if fc.entryWork {
			clear(t.stack[fp+int(fc.params) : fp+int(fc.locals)])
			if fc.usesRefs {
				t.enterRefs(fc, fp)
			}
		}
		t.fc = fc
		code = fc.code
		l = t.stack[fp:]
		continue

	jumped:
		if in.x&flagBack != 0 {
			if t.ticks--; t.ticks < 0 {
				t.checkpoint(pc)
			}
		}
		continue

	throw:
		// Unwind to the innermost handler that catches exn, in this run's
		// frames; beyond them the exception leaves run as a panic (see
		// invoke).
		for {
			if len(fc.handlers) > 0 {
				if npc, ok := t.catchIn(exn, fc, inst, pc, fp); ok {
					pc = npc
					break
				}
			}
			if len(t.frames) == base {
				panic(&thrown{exn})
			}
			fr := &t.frames[len(t.frames)-1]
			fc, inst, pc, fp = fr.fc, fr.inst, fr.pc, fr.fp
			t.frames = t.frames[:len(t.frames)-1]
		}
		exn = nil
		t.fc = fc
		code = fc.code
		l = t.stack[fp:]
		mem = inst.memBytes()
		continue

	call:
		if callee.host != nil {
			t.pc = pc
			if exn = t.callHost(callee, newfp); exn != nil {
				goto throw
			}
			l = t.stack[fp:]
			mem = inst.memBytes()
			continue
		}
		if len(t.frames) >= t.maxDepth {
			panic(newTrap(ir.Exhaustion, msgCallStackExhausted).at(fc, pc))
		}
		if t.ticks--; t.ticks < 0 {
			t.checkpoint(pc)
		}
		t.frames = append(t.frames, frame{fc: fc, inst: inst, pc: pc, fp: fp})
		fc, fp, pc = callee.code, newfp, 0
		if inst != callee.inst {
			inst = callee.inst
			mem = inst.memBytes()
		}
		// t.enter, inlined: the call path is hot.
		if need := fp + int(fc.frame); need > len(t.stack) {
			t.growStack(need, fc)
		}
		if fc.entryWork {
			clear(t.stack[fp+int(fc.params) : fp+int(fc.locals)])
			if fc.usesRefs {
				t.enterRefs(fc, fp)
			}
		}
		t.fc = fc
		code = fc.code
		l = t.stack[fp:]
	}
}

// indirect resolves call_indirect's callee: element i of table tab, which
// must hold a function whose type matches type index typ (canonical type
// inst.typeIDs[typ] or a subtype of it).
func (t *thread) indirect(inst *Instance, pc int, tab uint16, i uint64, typ uint64) *Function {
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
