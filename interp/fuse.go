package interp

import "github.com/watt-wasm/watt/ir"

// Superinstructions. Each instruction the loop runs costs its dispatch
// (about seven machine instructions: the op load, the jump table, the
// instruction pointer's step and the jump back) besides its work, so the
// compiler fuses the pairs that the workloads in bench/interp run most
// (BENCHMARKS.md, "What to optimise"), where the first instruction's
// result feeds the second:
//
//   - an i32 addition computing a load's or store's address: the access
//     adds itself (every load and store adds an i32 immediate, zero
//     unless fused; opLoadAdd and opStoreAdd add a slot);
//   - an i32 addition into a value that a compare-and-branch then tests,
//     as loop counters do (opAddIBr, opAddIBrI, opAddBr);
//   - a multiplication feeding an addition, a shift feeding a mask or an
//     xor (opI32MulAdd and after: dot products, bit fields, hashes), a
//     load feeding a floating-point multiplication;
//   - two copies in a row, and a call's last argument's copy and the call
//     (copies move arguments and loop-carried values).
//
// Copies fuse whatever they move: the pair runs them in order.
//
// Fusing removes the first instruction from the code, so it is allowed
// only when nothing branches to the second one (compiler.canFuse) and, for
// a temporary the second consumes, when the first instruction computed it
// (compiler.producer): the compiler's operand stack guarantees that no
// other instruction reads a temporary.

// producer returns the last instruction emitted when it computed operand
// o, a temporary that only the instruction being compiled reads, and
// nothing branches between them; nil otherwise.
func (c *compiler) producer(o *operand) *instr {
	if o.kind != kindSlot || !c.canFuse() || c.lastRet != c.pc()-1 {
		return nil
	}
	if last := &c.fc.code[c.pc()-1]; last.a == o.pos {
		return last
	}
	return nil
}

// dropLast removes the last instruction emitted, which is being fused
// into the next.
func (c *compiler) dropLast() {
	n := c.pc() - 1
	c.fc.code = c.fc.code[:n]
	c.fc.pos = c.fc.pos[:n]
	c.lastRet = -1
}

// isLoad and isStore report whether op is one of the table's plain loads
// and stores (of memory 0 with 32-bit addresses once compiled, the loop's
// inline ones).
func isLoad(op uint16) bool  { return op >= uint16(ir.OpI32Load) && op <= uint16(ir.OpI64Load32U) }
func isStore(op uint16) bool { return op >= uint16(ir.OpI32Store) && op <= uint16(ir.OpI64Store32) }

// fuseAddress folds the i32 addition that computed a load's or store's
// address (operand addr) into the access out, before it is emitted.
func (c *compiler) fuseAddress(out *instr, addr *operand) {
	p := c.producer(addr)
	if p == nil {
		return
	}
	switch {
	case p.op == opI32AddI && isLoad(out.op):
		out.b, out.c = p.b, uint32(p.imm)
	case p.op == opI32AddI:
		out.b, out.a = p.b, uint32(p.imm)
	case p.op == uint16(ir.OpI32Add) && isLoad(out.op):
		out.op = opLoadAdd + out.op - uint16(ir.OpI32Load)
		out.b, out.c = p.b, p.c
	case p.op == uint16(ir.OpI32Add):
		out.op = opStoreAdd + out.op - uint16(ir.OpI32Store)
		out.b, out.a = p.b, p.c
	default:
		return
	}
	c.dropLast()
}

// fuseALU fuses a binary instruction out (operands args, b and c or
// b and an immediate already filled in) with the instruction that computed
// one of its operands, for the pairs of opI32MulAdd and after.
func (c *compiler) fuseALU(out *instr, args []operand) {
	for i := range args {
		p := c.producer(&args[i])
		if p == nil {
			continue
		}
		other := out.c // the operand that is not p's result
		if i == 1 {
			other = out.b
		}
		var f instr
		switch {
		case out.op == uint16(ir.OpI32Add) && p.op == uint16(ir.OpI32Mul):
			f = instr{op: opI32MulAdd, b: p.b, c: p.c, imm: uint64(other)}
		case out.op == uint16(ir.OpI64Add) && p.op == uint16(ir.OpI64Mul):
			f = instr{op: opI64MulAdd, b: p.b, c: p.c, imm: uint64(other)}
		case out.op == opI32AndI && p.op == opI32ShrUI:
			f = instr{op: opI32ShrUAnd, b: p.b, c: uint32(p.imm & 31), imm: uint64(uint32(out.imm))}
		case out.op == uint16(ir.OpI32Xor) && p.op == opI32ShlI:
			f = instr{op: opI32ShlXor, b: p.b, c: other, imm: p.imm & 31}
		case out.op == uint16(ir.OpI32Xor) && p.op == opI32ShrUI:
			f = instr{op: opI32ShrUXor, b: p.b, c: other, imm: p.imm & 31}
		case out.op == uint16(ir.OpI64Xor) && p.op == opI64ShlI:
			f = instr{op: opI64ShlXor, b: p.b, c: other, imm: p.imm & 63}
		case out.op == uint16(ir.OpI64Xor) && p.op == opI64ShrUI:
			f = instr{op: opI64ShrUXor, b: p.b, c: other, imm: p.imm & 63}
		case out.op == opI32AddI && p.op == opI32ShlI:
			f = instr{op: opI32ShlAdd, b: p.b, c: uint32(p.imm & 31), imm: uint64(uint32(out.imm))}
		case out.op == opI32ShlI && p.op == opI32AndI:
			f = instr{op: opI32AndShl, b: p.b, c: uint32(out.imm & 31), imm: uint64(uint32(p.imm))}
		case out.op == opI32AddI && p.op == opI32AndShl:
			f = instr{op: opI32AndShlAdd, b: p.b, c: p.c, imm: p.imm | out.imm<<32}
		case out.op == uint16(ir.OpF64Add) && p.op == uint16(ir.OpF64Mul):
			f = instr{op: opF64MulAdd, b: p.b, c: p.c, imm: uint64(other)}
		case out.op == uint16(ir.OpF64Mul) && p.op == uint16(ir.OpF64Load) && p.imm <= 0xffffffff:
			f = instr{op: opF64MulLoad, b: p.b, c: other, imm: uint64(p.c) | p.imm<<32}
		default:
			continue
		}
		c.dropLast()
		*out = f
		return
	}
}

// emitCall emits a call, fused with a copy just before it (of its last
// argument, as callArgs leaves it).
func (c *compiler) emitCall(in instr) {
	if c.canFuse() {
		if last := &c.fc.code[c.pc()-1]; last.op == opCopy {
			in.op, in.a, in.c = opCallMove, last.a, last.b
			c.dropLast()
		}
	}
	c.emit(in)
}

// swapCmp maps a comparison index to the comparison with its operands
// swapped (lt↔gt, le↔ge).
var swapCmp = [10]uint16{0, 1, 4, 5, 2, 3, 8, 9, 6, 7}

// emitBranch emits branch in (its target set later by the caller) and
// returns its pc. An i32 compare-and-branch testing the result of the
// instruction just before, an i32 addition, becomes one instruction.
func (c *compiler) emitBranch(in instr) int {
	reg := in.op >= opBrI32 && in.op < opBrI32+10
	imm := in.op >= opBrI32I && in.op < opBrI32I+10
	if (reg || imm) && c.canFuse() {
		p := &c.fc.code[c.pc()-1]
		if (p.op == opI32AddI || p.op == uint16(ir.OpI32Add)) && (in.b == p.a || reg && in.c == p.a) {
			k := in.op - opBrI32
			if imm {
				k = in.op - opBrI32I
			}
			if in.b != p.a {
				in.b, in.c, k = in.c, in.b, swapCmp[k]
			}
			f := instr{a: p.a, b: p.b, c: in.c}
			switch {
			case p.op == opI32AddI && reg:
				f.op, f.imm = opAddIBr+k, uint64(uint32(p.imm))
			case p.op == opI32AddI:
				f.op, f.imm = opAddIBrI+k, uint64(uint32(p.imm))
			case reg:
				f.op, f.imm = opAddBr+k, uint64(p.c)
			}
			if f.op != 0 {
				setTarget(&f, target(&in))
				c.dropLast()
				return c.emit(f)
			}
		}
	}
	return c.emit(in)
}

func init() {
	// The fused loads and stores are numbered as the table's (fuseAddress).
	for op := ir.OpI32Load; op <= ir.OpI64Load32U; op++ {
		pseudoNames[opLoadAdd+uint16(op-ir.OpI32Load)] = op.String() + "_add"
	}
	for op := ir.OpI32Store; op <= ir.OpI64Store32; op++ {
		pseudoNames[opStoreAdd+uint16(op-ir.OpI32Store)] = op.String() + "_add"
	}
	pseudoNames[opI32MulAdd] = "i32.mul_add"
	pseudoNames[opI64MulAdd] = "i64.mul_add"
	pseudoNames[opI32ShrUAnd] = "i32.shr_u_and"
	pseudoNames[opI32ShlXor] = "i32.shl_xor"
	pseudoNames[opI32ShrUXor] = "i32.shr_u_xor"
	pseudoNames[opI64ShlXor] = "i64.shl_xor"
	pseudoNames[opI64ShrUXor] = "i64.shr_u_xor"
	pseudoNames[opI32ShlAdd] = "i32.shl_add_imm"
	pseudoNames[opI32AndShl] = "i32.and_shl_imm"
	pseudoNames[opI32AndShlAdd] = "i32.and_shl_add_imm"
	pseudoNames[opF64MulLoad] = "f64.mul_load"
	pseudoNames[opF64MulAdd] = "f64.mul_add"
	pseudoNames[opCopyCopy] = "copy_copy"
	pseudoNames[opCallMove] = "copy.call"
	pseudoNames[opI32RotlI] = "i32.rotl_imm"
	pseudoNames[opI32RotrI] = "i32.rotr_imm"
	pseudoNames[opI64RotlI] = "i64.rotl_imm"
	pseudoNames[opI64RotrI] = "i64.rotr_imm"
	for i, n := range cmpNames {
		pseudoNames[opAddIBr+uint16(i)] = "add_imm.br_" + n
		pseudoNames[opAddIBrI+uint16(i)] = "add_imm.br_" + n + "_imm"
		pseudoNames[opAddBr+uint16(i)] = "add.br_" + n
	}
}

// Constants in loops. An instruction reads a constant operand from its
// immediate when it has an immediate form (the binary ops of immOps,
// compares, loads' addends); any other constant operand needs a const
// instruction to write it to a slot before each use, every time round a
// loop. Instead the compiler gives the constants that loops use that way
// slots of their own, after the declared locals, which entering the
// function fills (funcCode.consts) and nothing else writes; instructions
// read them like locals.

// maxConstSlots bounds a function's constant slots (each costs a store
// per call).
const maxConstSlots = 32

// loopConsts returns the distinct numeric constants that loops in body
// use other than as an immediate (as far as the next instruction shows),
// and those used as a load's address.
func loopConsts(body []ir.Instr) []uint64 {
	type work struct {
		instrs []ir.Instr
		loop   bool
	}
	var out []uint64
	seen := map[uint64]bool{}
	stack := []work{{body, false}}
	for len(stack) > 0 && len(out) < maxConstSlots {
		w := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for i := range w.instrs {
			in := &w.instrs[i]
			switch in.Op {
			case ir.OpBlock, ir.OpIf, ir.OpTryTable, ir.OpTry:
				stack = append(stack, work{in.Body, w.loop}, work{in.ElseBody(), w.loop})
				for _, h := range in.Handlers() {
					stack = append(stack, work{h.Body, w.loop})
				}
			case ir.OpLoop:
				stack = append(stack, work{in.Body, true})
			case ir.OpI32Const, ir.OpF32Const, ir.OpI64Const, ir.OpF64Const:
				var next ir.Op = ir.OpNop
				if i+1 < len(w.instrs) {
					next = w.instrs[i+1].Op
				}
				// A constant address (clang's for static data: 0 plus
				// the data's address as the offset) gets a slot anywhere.
				if !(w.loop && !immediateUse(next) || isLoad(uint16(next))) {
					continue
				}
				v := in.Value
				if in.Op == ir.OpI32Const || in.Op == ir.OpF32Const {
					v = uint64(uint32(v))
				}
				if !seen[v] && len(out) < maxConstSlots {
					seen[v] = true
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// immediateUse reports whether a constant just before an instruction op
// needs no slot: op takes it as an immediate or stores it to a local
// directly.
func immediateUse(op ir.Op) bool {
	if _, ok := immOps[op]; ok {
		return true
	}
	switch op {
	case ir.OpLocalSet, ir.OpLocalTee, ir.OpDrop, ir.OpCall, ir.OpReturn, ir.OpBr, ir.OpEnd:
		return true
	}
	return false
}
