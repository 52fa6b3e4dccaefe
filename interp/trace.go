package interp

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/watt-wasm/watt/ir"
)

// opTrace comes before every instruction of a traced function's code:
// funcTrace.step prints the instruction that follows. Untraced code never
// contains it, and the loop handles it with the rare instructions, so
// tracing costs the normal path nothing.
const opTrace = numOps

// funcTrace is a traced function's original code and where its lines go.
type funcTrace struct {
	w     io.Writer
	orig  []instr
	name  string
	v128s []uint64
}

// Trace returns a copy of m that writes one line per executed instruction
// to w, as wabt's wasm-interp --trace does:
//
//	#1. fac:4 | i32.sub 3, 1
//
// gives the call depth, the function, the pc of its compiled code (see
// Disassemble), the instruction and the values of its operands. The code is
// watt's compiled form, so a local.get or a constant feeding an operation
// is part of that operation, and a compare feeding br_if is one
// compare-and-branch. Each line is one Write call; lines of threads running
// at once interleave whole. Instances of the copy behave as m's.
func (m *Module) Trace(w io.Writer) *Module {
	t := &Module{IR: m.IR, Src: m.Src, funcs: make([]*funcCode, len(m.funcs)), layouts: m.layouts}
	for i, fc := range m.funcs {
		c := *fc
		// Instruction pc moves to 2pc+1, after its opTrace at 2pc; a
		// branch to pc goes to 2pc, so the target is traced too.
		c.code = make([]instr, 2*len(fc.code))
		c.pos = make([]ir.Pos, 2*len(fc.pos))
		for pc, in := range fc.code {
			c.code[2*pc] = instr{op: opTrace, imm: uint64(pc)}
			if isBranch(in.op) {
				setTarget(&in, int64(2*branchTarget(pc, &in))) // finalize makes it an offset again
			}
			c.code[2*pc+1] = in
		}
		for pc, p := range fc.pos {
			c.pos[2*pc], c.pos[2*pc+1] = p, p
		}
		c.brTables = make([]brTable, len(fc.brTables))
		for k, bt := range fc.brTables {
			bt.targets = append([]brTarget(nil), bt.targets...)
			for j := range bt.targets {
				bt.targets[j].pc *= 2
			}
			c.brTables[k] = bt
		}
		// Handlers cover instruction pcs and their opTraces; pads are
		// branch targets.
		c.handlers = make([]handler, len(fc.handlers))
		for k, h := range fc.handlers {
			h.start, h.end = 2*h.start, 2*h.end
			h.catches = append([]catch(nil), h.catches...)
			for j := range h.catches {
				h.catches[j].pad *= 2
			}
			c.handlers[k] = h
		}
		finalize(&c)
		c.trace = &funcTrace{w: w, orig: fc.code, name: fc.name, v128s: fc.v128s}
		t.funcs[i] = &c
	}
	return t
}

// step prints the instruction at pc of the original code.
func (ft *funcTrace) step(depth, pc int, l []uint64) {
	in := &ft.orig[pc]
	b := make([]byte, 0, 80)
	b = append(b, '#')
	b = strconv.AppendInt(b, int64(depth), 10)
	b = append(b, ". "...)
	b = append(b, ft.name...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(pc), 10)
	b = append(b, " | "...)
	b = append(b, opName(in.op)...)
	if in.op == opConstV128 {
		b = appendValue(append(b, ' '), ir.V128, ft.v128s[in.imm], ft.v128s[in.imm+1])
	} else {
		b = appendOperands(b, pc, in, l)
	}
	b = append(b, '\n')
	ft.w.Write(b)
}

// appendOperands writes an instruction's operands: the values it reads for
// the opcode table's fixed-signature instructions (and their fused forms),
// its fields otherwise.
func appendOperands(b []byte, pc int, in *instr, l []uint64) []byte {
	if in.op < uint16(ir.NumOps) {
		info := ir.Op(in.op).Info()
		if !info.Special {
			switch in.op {
			case uint16(ir.OpI32Const), uint16(ir.OpI64Const), uint16(ir.OpF32Const), uint16(ir.OpF64Const):
				b = append(b, ' ')
				return appendValue(b, info.Results[0], in.imm, 0)
			}
			slot := in.b
			for i, p := range info.Params {
				if i == 0 {
					b = append(b, ' ')
				} else {
					b = append(b, ", "...)
				}
				switch {
				case len(info.Params) == 2 && i == 1:
					slot = in.c
				case i > 0:
					slot += uint32(info.Params[i-1].Slots())
				}
				hi := uint64(0)
				if p == ir.V128 {
					hi = l[slot+1]
				}
				b = appendValue(b, p, l[slot], hi)
			}
			if info.Imm == ir.ImmMemArg || info.Imm == ir.ImmMemArgLane {
				// A fused addition's addend (see fuse.go), then the offset.
				if k := in.c; isLoad(in.op) && k != 0 || isStore(in.op) && in.a != 0 {
					if isStore(in.op) {
						k = in.a
					}
					b = strconv.AppendUint(append(b, " +"...), uint64(k), 10)
				}
				b = append(b, " +"...)
				b = strconv.AppendUint(b, in.imm, 10)
			}
			return b
		}
	}
	two := func(t ir.ValType, x, y uint64) []byte {
		b = appendValue(append(b, ' '), t, x, 0)
		return appendValue(append(b, ", "...), t, y, 0)
	}
	target := func(b []byte) []byte {
		return strconv.AppendInt(append(b, " @"...), int64(branchTarget(pc, in)), 10)
	}
	switch {
	case in.op >= opI32AddI && in.op < opI32CmpI+10:
		return two(ir.I32, l[in.b], in.imm)
	case in.op >= opI64AddI && in.op < opI64CmpI+10:
		return two(ir.I64, l[in.b], in.imm)
	case in.op >= opBrI32 && in.op < opBrI32+10:
		return target(two(ir.I32, l[in.b], l[in.c]))
	case in.op >= opBrI32I && in.op < opBrI32I+10:
		return target(two(ir.I32, l[in.b], uint64(in.c)))
	case in.op >= opBrI64 && in.op < opBrI64+10:
		return target(two(ir.I64, l[in.b], l[in.c]))
	case in.op >= opBrI64I && in.op < opBrI64I+10:
		return target(two(ir.I64, l[in.b], uint64(int64(int32(in.c)))))
	case in.op >= opBrF32 && in.op < opBrF32+6:
		return target(two(ir.F32, l[in.b], l[in.c]))
	case in.op >= opBrF64 && in.op < opBrF64+6:
		return target(two(ir.F64, l[in.b], l[in.c]))
	case in.op >= opAddIBr && in.op < opAddIBr+10:
		b = two(ir.I32, l[in.b], uint64(uint32(in.imm)))
		return target(appendValue(append(b, ", "...), ir.I32, l[in.c], 0))
	case in.op >= opAddIBrI && in.op < opAddIBrI+10:
		b = two(ir.I32, l[in.b], uint64(uint32(in.imm)))
		return target(appendValue(append(b, ", "...), ir.I32, uint64(in.c), 0))
	case in.op >= opAddBr && in.op < opAddBr+10:
		b = two(ir.I32, l[in.b], l[uint32(in.imm)])
		return target(appendValue(append(b, ", "...), ir.I32, l[in.c], 0))
	case in.op >= opLoadAdd && in.op < opLoadAdd+14:
		return strconv.AppendUint(append(two(ir.I32, l[in.b], l[in.c]), " +"...), in.imm, 10)
	}
	switch in.op {
	case opBr:
		return target(b)
	case opBrIf, opBrIfNot:
		return target(appendValue(append(b, ' '), ir.I32, l[in.b], 0))
	case opBrIf64, opBrIfNot64:
		return target(appendValue(append(b, ' '), ir.I64, l[in.b], 0))
	case opBrTable:
		return appendValue(append(b, ' '), ir.I32, l[in.b], 0)
	case opConst:
		return strconv.AppendUint(append(b, ' '), in.imm, 10)
	case opCopy:
		return strconv.AppendUint(append(b, ' '), l[in.b], 10)
	case opCall, opReturnCall, opRefFunc:
		return strconv.AppendUint(append(b, " $"...), uint64(uint32(in.imm)), 10)
	case opCallIndirect, opReturnCallIndirect:
		return appendValue(append(b, ' '), ir.I32, l[in.c], 0)
	case opReturn:
		return b
	}
	return fmt.Appendf(b, " a=%d b=%d c=%d imm=%d", in.a, in.b, in.c, in.imm)
}

// appendValue writes a slot's value as wabt's trace does: integers
// unsigned, floats in shortest form, v128 as four 32-bit lanes.
func appendValue(b []byte, t ir.ValType, lo, hi uint64) []byte {
	switch t {
	case ir.I32:
		return strconv.AppendUint(b, uint64(uint32(lo)), 10)
	case ir.I64:
		return strconv.AppendUint(b, lo, 10)
	case ir.F32:
		return strconv.AppendFloat(b, float64(math.Float32frombits(uint32(lo))), 'g', -1, 32)
	case ir.F64:
		return strconv.AppendFloat(b, math.Float64frombits(lo), 'g', -1, 64)
	case ir.V128:
		return fmt.Appendf(b, "i32x4:0x%08x 0x%08x 0x%08x 0x%08x", uint32(lo), uint32(lo>>32), uint32(hi), uint32(hi>>32))
	}
	return strconv.AppendUint(b, lo, 10)
}
