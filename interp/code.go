package interp

import (
	"fmt"

	"github.com/watt-wasm/watt/ir"
)

// instr is one compiled instruction: 24 bytes, read by the loop in run
// (exec.go) through a pointer that steps from one to the next.
//
//	op   what to do: a table op (op < ir.NumOps, its ir.Op number) or a
//	     pseudo-op below (the loop's jump table is indexed by op)
//	x    a lane, a flag (flagNeg), a table index, a packed field's bits
//	a    destination slot
//	b    first source slot (for three or more operands: the first of the
//	     contiguous operand slots)
//	c    second source slot, or a 32-bit immediate
//	imm  a constant, memory offset, index or side-table index, or a branch
//	     target (see below)
//
// Slots index the executing function's frame, a window of the value stack
// ([]uint64; a v128 takes two slots, a reference one slot whose referent
// is in thread.refs):
//
//	[0, params)               parameters
//	[params, locals)          declared locals, zero on entry
//	[locals, locals+consts)   constant slots (funcCode.consts, see loopConsts)
//	[locals+consts, frame)    the operand stack, every position static
//
// A call's arguments are the caller's topmost operand slots, which become
// the callee's parameters: the callee's frame starts there (no copying).
// Results are left at the callee's slot 0, which is the caller's slot b.
//
// Operands are read in place: a local.get or a constant feeding an
// instruction is not an instruction of its own (the compiler's lazy
// operands); binary ops with a constant right operand have immediate forms
// (opI32AddI and after); a result that a local.set takes is computed
// straight into the local. Every load and store adds c (loads) or a
// (stores), an i32 immediate, to its address before the memarg offset:
// zero unless the addition computing the address was fused (fuse.go).
//
// Branches: while compiling, a branch target is a pc; finalize turns it
// into a byte offset from the branch itself, which the loop adds to its
// instruction pointer, so that branching needs no code base. Plain
// branches keep the target in imm; the fused add-and-branch families keep
// their addend in imm's low half and the target in its high half (see
// target, setTarget). br_table's targets are in a side table (brTable).
// Every function's code ends in a sentinel nothing reaches, so the
// instruction pointer never points past the code.
//
// The slots each inline instruction accesses are verified against the
// frame size when the code is finalized (checkSlots): the loop accesses
// them without bounds checks (see frameSlots).
type instr struct {
	op      uint16
	x       uint16
	a, b, c uint32
	imm     uint64
}

const (
	flagNeg = 2 // float compare-and-branch: branch when the compare is false
)

// Interpreter-only pseudo-ops, numbered after the opcode table.
const (
	opCopy               = uint16(ir.NumOps) + iota // a ← b
	opCopy2                                         // a,a+1 ← b,b+1 (v128)
	opConst                                         // a ← imm
	opConstV128                                     // a,a+1 ← v128s[imm], v128s[imm+1]
	opMove                                          // a..a+c ← b..b+c (branch values)
	opBr                                            // pc ← imm
	opBrIf                                          // if i32 b ≠ 0: pc ← imm
	opBrIfNot                                       // if i32 b = 0: pc ← imm
	opBrIf64                                        // if i64 b ≠ 0: pc ← imm
	opBrIfNot64                                     // if i64 b = 0: pc ← imm
	opBrTable                                       // brTables[imm], index in b
	opReturn                                        // results b..b+c → frame base, pop frame
	opCall                                          // call funcs[imm], arguments from b
	opCallIndirect                                  // call tables[a][c] with type imm, arguments from b
	opGlobalGet2                                    // v128 global.get
	opGlobalSet2                                    // v128 global.set
	opSelect2                                       // v128 select
	opRefFunc                                       // a ← funcref of funcs[imm]
	opReturnCall                                    // tail call funcs[imm]: a argument slots from b
	opReturnCallIndirect                            // tail call through tables[imm.hi][c] with type imm.lo: a argument slots from b

	// Memories and 64-bit tables (multimem.go, memory64.go, table64.go).
	opMemory     // memory instruction x on any memory: memargs[imm] (memory index, offset, lane); operands as the table op's
	opClampIndex // a ← b if b < 2^32, else 2^32-1: an i64 table index for call_indirect's i32 index path

	// Binary ops with a constant right operand: a ← b op imm.
	opI32AddI
	opI32SubI
	opI32MulI
	opI32AndI
	opI32OrI
	opI32XorI
	opI32ShlI
	opI32ShrSI
	opI32ShrUI
	opI32CmpI // + cmp index (10 entries)
	_
	_
	_
	_
	_
	_
	_
	_
	_
	opI64AddI
	opI64SubI
	opI64MulI
	opI64AndI
	opI64OrI
	opI64XorI
	opI64ShlI
	opI64ShrSI
	opI64ShrUI
	opI64CmpI // + cmp index (10 entries)
	_
	_
	_
	_
	_
	_
	_
	_
	_

	// Compare-and-branch: if b cmp c: pc ← imm. Ten entries each, in the
	// table's order eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u.
	opBrI32 // registers
	_
	_
	_
	_
	_
	_
	_
	_
	_
	opBrI32I // b cmp int32(c)
	_
	_
	_
	_
	_
	_
	_
	_
	_
	opBrI64
	_
	_
	_
	_
	_
	_
	_
	_
	_
	opBrI64I // b cmp int64(int32(c))
	_
	_
	_
	_
	_
	_
	_
	_
	_

	// Float compare-and-branch: if (b cmp c) != negated: pc ← imm, in the
	// table's order eq ne lt gt le ge. NaN makes "not less" differ from
	// "greater or equal", so negation is a flag rather than another op.
	opBrF32
	_
	_
	_
	_
	_
	opBrF64
	_
	_
	_
	_
	_

	// References (see ref.go and the package documentation): their
	// referents live in thread.refs, slot for slot beside the value stack.
	opCopyRef       // refs: a ← b
	opNullRef       // refs: a ← null
	opMoveRefs      // a..a+c ← b..b+c, words and references (branch values)
	opMoveRefsOnly  // refs: a..a+c ← b..b+c (tail call arguments)
	opReturnRefs    // opReturn of results that include references
	opSelectRef     // refs: a ← i32 imm ? b : c
	opGlobalGetRef  // refs: a ← global imm
	opGlobalSetRef  // global imm ← refs b
	opRefNonNull    // a ← i32 (refs b ≠ null)
	opRefAsNonNull  // trap unless refs b ≠ null
	opRefTest       // a ← i32 (refs b passes casts[imm]); x = 1 negates
	opRefCast       // trap unless refs b passes casts[imm]
	opCallRef       // call the function refs c, arguments from b
	opReturnCallRef // tail call the function refs c: a argument slots from b
	opThrow         // throw tags[imm] with the payload at b
	opThrowRef      // throw the exception refs b
	opStructGetW    // a ← word field imm of struct refs b (x: bits of a packed field; sign-extend if c = 1)
	opStructGetV    // a,a+1 ← v128 field at words imm, imm+1 of struct refs b
	opStructGetR    // refs: a ← reference field imm of struct refs b
	opStructSetW    // word field imm of struct refs b ← c (x: bits of a packed field)
	opStructSetV    // v128 field at words imm, imm+1 of struct refs b ← c, c+1
	opStructSetR    // reference field imm of struct refs b ← refs c
	opRefIsNull     // a ← i32 (refs b = null)
	opArrayGet      // a ← element c of array refs b (x = 1: sign-extend a packed element)
	opArraySet      // element b of array refs a ← c
	opArrayLen      // a ← length of array refs b
	opStructNew     // refs: a ← new struct types[imm] of the fields from b
	opStructNewDef  // refs: a ← new struct types[imm], default fields
	opArrayNew      // refs: a ← new array types[imm] of b+1 elements b

	// Superinstructions: pairs of instructions the compiler fuses when the
	// first one's result feeds the second (see fuse.go).

	// Loads and stores whose address is a sum of two slots: the table's
	// loads and stores in their order (14 loads, 9 stores).
	opLoadAdd // + load: a ← load[uint32(b + c) + imm]
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	opStoreAdd // + store: store[uint32(b + a) + imm] ← c
	_
	_
	_
	_
	_
	_
	_
	_

	// An i32 addition into a, then a compare-and-branch on a (ten
	// entries each, in the table's order of compares): loop counters.
	// The addend is imm's low half, the branch target its high half.
	opAddIBr // + cmp: a ← b + imm.lo; if a cmp c: pc ← imm.hi
	_
	_
	_
	_
	_
	_
	_
	_
	_
	opAddIBrI // + cmp: a ← b + imm.lo; if a cmp int32(c): pc ← imm.hi
	_
	_
	_
	_
	_
	_
	_
	_
	_
	opAddBr // + cmp: a ← b + slot imm.lo; if a cmp c: pc ← imm.hi
	_
	_
	_
	_
	_
	_
	_
	_
	_

	// Arithmetic pairs: a multiply-add, a shift then a mask or an xor
	// (bit fields, xorshift, hashes).
	opI32MulAdd    // a ← b*c + slot imm
	opI64MulAdd    // a ← b*c + slot imm
	opI32ShrUAnd   // a ← (b >> c) & imm
	opI32ShlXor    // a ← (b << imm) ^ c
	opI32ShrUXor   // a ← (b >> imm) ^ c
	opI64ShlXor    // a ← (b << imm) ^ c
	opI64ShrUXor   // a ← (b >> imm) ^ c
	opI32ShlAdd    // a ← (b << c) + imm: scaled indices
	opI32AndShl    // a ← (b & imm) << c
	opI32AndShlAdd // a ← ((b & imm.lo) << c) + imm.hi

	// Floating-point pairs: a multiply whose operand is loaded (imm: the
	// load's addend in the low half, its offset in the high half), a
	// multiply feeding an addition (rounded in between, not fused).
	opF64MulLoad // a ← c * f64.load[uint32(b + imm.lo) + imm.hi]
	opF64MulAdd  // a ← b*c + slot imm

	// Moves: two copies in a row; a copy (of the last argument) and a call.
	opCopyCopy // a ← b, then c ← slot imm
	opCallMove // a ← c, then call funcs[imm], arguments from b

	// Rotations by a constant (immOps).
	opI32RotlI // a ← b rotl imm
	opI32RotrI
	opI64RotlI
	opI64RotrI

	numOps
)

// invCmp maps a comparison index to its negation (eq↔ne, lt↔ge, gt↔le).
var invCmp = [10]uint16{1, 0, 8, 9, 6, 7, 4, 5, 2, 3}

// immOps maps a binary op to its constant-right-operand form.
var immOps = map[ir.Op]uint16{
	ir.OpI32Add: opI32AddI, ir.OpI32Sub: opI32SubI, ir.OpI32Mul: opI32MulI,
	ir.OpI32And: opI32AndI, ir.OpI32Or: opI32OrI, ir.OpI32Xor: opI32XorI,
	ir.OpI32Shl: opI32ShlI, ir.OpI32ShrS: opI32ShrSI, ir.OpI32ShrU: opI32ShrUI,
	ir.OpI64Add: opI64AddI, ir.OpI64Sub: opI64SubI, ir.OpI64Mul: opI64MulI,
	ir.OpI64And: opI64AndI, ir.OpI64Or: opI64OrI, ir.OpI64Xor: opI64XorI,
	ir.OpI64Shl: opI64ShlI, ir.OpI64ShrS: opI64ShrSI, ir.OpI64ShrU: opI64ShrUI,
	ir.OpI32Rotl: opI32RotlI, ir.OpI32Rotr: opI32RotrI, ir.OpI64Rotl: opI64RotlI, ir.OpI64Rotr: opI64RotrI,
}

func init() {
	for i := uint16(0); i < 10; i++ {
		immOps[ir.OpI32Eq+ir.Op(i)] = opI32CmpI + i
		immOps[ir.OpI64Eq+ir.Op(i)] = opI64CmpI + i
	}
}

// funcCode is one compiled function.
type funcCode struct {
	name      string
	typ       ir.FuncType
	code      []instr
	pos       []ir.Pos // pos[pc]: source position of code[pc], for traps
	params    uint32   // parameter slots
	locals    uint32   // parameter and local slots
	results   uint32   // result slots
	frame     uint32   // locals plus the deepest operand stack
	fastFrame uint32   // frame, or more than the value stack when the loop's call path cannot enter the function (it uses references)
	hugeFrame uint64   // locals' slots when they exceed the value stack (frame is then maxStackSlots+1)
	brTables  []brTable
	v128s     []uint64 // v128 constants and shuffle masks, two words each
	memargs   []memArg // immediates of opMemory
	consts    []uint64 // values of the constant slots, from slot locals on (see loopConsts)
	init      []uint64 // what entering writes from slot params on: zeros for the declared locals, then consts
	funcIndex uint32
	src       *ir.Source
	usesRefs  bool       // some operand, local or result is a reference (see thread.enterRefs)
	refLocals bool       // some declared local is a reference: entering clears them in thread.refs
	handlers  []handler  // exception handlers, innermost last among nested ones (see exn.go)
	casts     []castInfo // targets of ref.test, ref.cast, br_on_cast
	trace     *funcTrace // set in a Module.Trace copy, whose code has an opTrace before each instruction
}

// brTable is a br_table's side table: the n value slots at src move to each
// target's dst. The last target is the default.
type brTable struct {
	src, n  uint32
	refs    bool // some moved value is a reference
	targets []brTarget
}

type brTarget struct {
	pc, dst uint32
	back    bool
	off     int32 // pc as a byte offset from the br_table (see finalize)
}

// isBranch reports whether op has a branch target: in imm, or in imm's
// high half (targetHigh); a pc while compiling, a byte offset from the
// branch once finalized.
func isBranch(op uint16) bool {
	switch op {
	case opBr, opBrIf, opBrIfNot, opBrIf64, opBrIfNot64:
		return true
	}
	return op >= opBrI32 && op < opBrI64I+10 || op >= opBrF32 && op < opBrF64+6 || targetHigh(op)
}

// targetHigh reports whether op keeps its branch target in imm's high half.
func targetHigh(op uint16) bool { return op >= opAddIBr && op < opAddBr+10 }

// target returns a branch's target field: a pc, or once finalized a byte
// offset.
func target(in *instr) int64 {
	if targetHigh(in.op) {
		return int64(int32(in.imm >> 32))
	}
	return int64(in.imm)
}

// setTarget sets a branch's target field.
func setTarget(in *instr, v int64) {
	if targetHigh(in.op) {
		in.imm = in.imm&0xffffffff | uint64(uint32(int32(v)))<<32
		return
	}
	in.imm = uint64(v)
}

// branchTarget returns the pc that the finalized branch at pc jumps to.
func branchTarget(pc int, in *instr) int { return pc + int(target(in))/int(instrSize) }

// finalize readies compiled code for the loop: branch targets become byte
// offsets from the branch (the loop adds them to its instruction pointer),
// calls get their return point, and every slot the loop accesses without
// bounds checks is verified to lie in the frame (see frameSlots); a
// violation is a compiler bug, reported as a compile error rather than
// risked at run time.
func finalize(fc *funcCode) {
	fc.fastFrame = fc.frame
	if fc.usesRefs {
		fc.fastFrame = maxStackSlots + 1
	}
	for pc := range fc.code {
		in := &fc.code[pc]
		if in.op == opCall || in.op == opCallMove || in.op == opCallIndirect {
			// The return point, for the call's frame: imm's high half.
			in.imm = uint64(uint32(in.imm)) | uint64((pc+1)*int(instrSize))<<32
		}
		if isBranch(in.op) {
			setTarget(in, (target(in)-int64(pc))*int64(instrSize))
		} else if in.op == opBrTable {
			bt := &fc.brTables[in.imm]
			for j := range bt.targets {
				bt.targets[j].off = int32((int(bt.targets[j].pc) - pc) * int(instrSize))
			}
		}
	}
	for pc := range fc.code {
		if err := checkSlots(fc, &fc.code[pc]); err != "" {
			panic(fmt.Sprintf("%s: pc %d: %s: %s", fc.name, pc, opName(fc.code[pc].op), err))
		}
	}
}

// checkSlots checks that the slots the loop accesses for in (inline, with
// frameSlots) are below fc.frame.
func checkSlots(fc *funcCode, in *instr) string {
	n := uint64(fc.frame)
	check := func(field string, s, width uint64) string {
		if s+width > n {
			return fmt.Sprintf("slot %s=%d (width %d) beyond the frame of %d", field, s, width, n)
		}
		return ""
	}
	a, b, c := uint64(in.a), uint64(in.b), uint64(in.c)
	first := func(errs ...string) string {
		for _, e := range errs {
			if e != "" {
				return e
			}
		}
		return ""
	}
	op := in.op
	switch {
	case op == opCopy:
		return first(check("a", a, 1), check("b", b, 1))
	case op == opCopy2:
		return first(check("a", a, 2), check("b", b, 2))
	case op == opConst, op == uint16(ir.OpGlobalGet), op == uint16(ir.OpMemorySize):
		return check("a", a, 1)
	case op == opConstV128, op == opGlobalGet2:
		return check("a", a, 2)
	case op == opMove:
		return first(check("a", a, c), check("b", b, c))
	case op == opBrIf, op == opBrIfNot, op == opBrIf64, op == opBrIfNot64, op == uint16(ir.OpGlobalSet),
		op >= opBrI32I && op < opBrI32I+10, op >= opBrI64I && op < opBrI64I+10:
		return check("b", b, 1)
	case op == opGlobalSet2:
		return check("b", b, 2)
	case op >= opBrI32 && op < opBrI32+10, op >= opBrI64 && op < opBrI64+10, op >= opBrF32 && op < opBrF64+6:
		return first(check("b", b, 1), check("c", c, 1))
	case op == opBrTable:
		bt := &fc.brTables[in.imm]
		for _, tg := range bt.targets {
			if e := first(check("table dst", uint64(tg.dst), uint64(bt.n)), check("table src", uint64(bt.src), uint64(bt.n))); e != "" {
				return e
			}
		}
		return check("b", b, 1)
	case op == opReturn:
		return first(check("b", b, c), check("results", 0, c))
	case op == opCall:
		return check("b", b, 0)
	case op == opCallIndirect:
		return first(check("b", b, 0), check("c", c, 1))
	case op == uint16(ir.OpSelect):
		return first(check("a", a, 1), check("b", b, 1), check("c", c, 1), check("imm", in.imm, 1))
	case op == opSelect2:
		return first(check("a", a, 2), check("b", b, 2), check("c", c, 2), check("imm", in.imm, 1))
	case op >= opLoadAdd && op < opStoreAdd+9, op >= opAddIBr && op < opAddIBr+10:
		return first(check("a", a, 1), check("b", b, 1), check("c", c, 1))
	case op >= opAddIBrI && op < opAddIBrI+10:
		return first(check("a", a, 1), check("b", b, 1))
	case op >= opAddBr && op < opAddBr+10:
		return first(check("a", a, 1), check("b", b, 1), check("c", c, 1), check("imm", uint64(uint32(in.imm)), 1))
	case op == opF64MulLoad:
		return first(check("a", a, 1), check("b", b, 1), check("c", c, 1))
	case op == opCopyCopy:
		return first(check("a", a, 1), check("b", b, 1), check("c", c, 1), check("imm", in.imm, 1))
	case op == opCallMove:
		return first(check("a", a, 1), check("b", b, 0), check("c", c, 1))
	case op == opI32MulAdd, op == opI64MulAdd, op == opF64MulAdd:
		return first(check("a", a, 1), check("b", b, 1), check("c", c, 1), check("imm", in.imm, 1))
	case op >= opI32ShlXor && op <= opI64ShrUXor:
		return first(check("a", a, 1), check("b", b, 1), check("c", c, 1))
	case op == opI32ShrUAnd, op >= opI32ShlAdd && op <= opI32AndShlAdd, op >= opI32RotlI && op <= opI64RotrI,
		op >= opI32AddI && op < opI32CmpI+10, op >= opI64AddI && op < opI64CmpI+10:
		return first(check("a", a, 1), check("b", b, 1))
	case op < uint16(ir.NumOps):
		// Numeric instructions, loads and stores run inline: a is the
		// result, b and c the operands (the opcode table's signature).
		info := ir.Op(op).Info()
		if info.Special || info.Feature == ir.FeatureSIMD || op >= uint16(ir.OpMemoryInit) && op <= uint16(ir.OpTableFill) ||
			ir.Op(op).IsAtomic() || len(info.Params) > 2 || len(info.Results) > 1 {
			return "" // out of line, on checked slices
		}
		var e string
		if len(info.Results) == 1 {
			e = check("a", a, 1)
		}
		if len(info.Params) >= 1 {
			e = first(e, check("b", b, 1))
		}
		if len(info.Params) == 2 {
			e = first(e, check("c", c, 1))
		}
		return e
	case op == opBr, op == opRefFunc, op == opReturnCall, op == opReturnCallIndirect, op == opMemory,
		op == opClampIndex, op >= opCopyRef && op <= opArrayNew, op == opTrace:
		return "" // no slots, or out of line on checked slices
	}
	// An op the loop may run inline that this list does not know: adding a
	// superinstruction means saying here which slots it touches.
	return "op unknown to checkSlots"
}
