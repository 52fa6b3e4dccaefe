package interp

import (
	"fmt"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

var pseudoNames = map[uint16]string{
	opCopy: "copy", opCopy2: "copy2", opConst: "const", opConstV128: "const.v128", opMove: "move",
	opBr: "br", opBrIf: "br_if", opBrIfNot: "br_unless", opBrIf64: "br_if64", opBrIfNot64: "br_unless64",
	opBrTable: "br_table", opReturn: "return", opCall: "call", opCallIndirect: "call_indirect",
	opGlobalGet2: "global.get2", opGlobalSet2: "global.set2", opSelect2: "select2", opRefFunc: "ref.func",
	opReturnCall: "return_call", opReturnCallIndirect: "return_call_indirect",
	opI32AddI: "i32.add_imm", opI32SubI: "i32.sub_imm", opI32MulI: "i32.mul_imm", opI32AndI: "i32.and_imm",
	opI32OrI: "i32.or_imm", opI32XorI: "i32.xor_imm", opI32ShlI: "i32.shl_imm", opI32ShrSI: "i32.shr_s_imm",
	opI32ShrUI: "i32.shr_u_imm", opI64AddI: "i64.add_imm", opI64SubI: "i64.sub_imm", opI64MulI: "i64.mul_imm",
	opI64AndI: "i64.and_imm", opI64OrI: "i64.or_imm", opI64XorI: "i64.xor_imm", opI64ShlI: "i64.shl_imm",
	opI64ShrSI: "i64.shr_s_imm", opI64ShrUI: "i64.shr_u_imm",
}

var cmpNames = [10]string{"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"}

// opName names a compiled op: the table's name or the pseudo-op's.
func opName(op uint16) string {
	if op < uint16(ir.NumOps) {
		return ir.Op(op).String()
	}
	if n, ok := pseudoNames[op]; ok {
		return n
	}
	for _, g := range []struct {
		base uint16
		name string
	}{{opI32CmpI, "i32.%s_imm"}, {opI64CmpI, "i64.%s_imm"}, {opBrI32, "br_i32.%s"}, {opBrI32I, "br_i32.%s_imm"}, {opBrI64, "br_i64.%s"}, {opBrI64I, "br_i64.%s_imm"}} {
		if op >= g.base && op < g.base+10 {
			return fmt.Sprintf(g.name, cmpNames[op-g.base])
		}
	}
	fcmp := [6]string{"eq", "ne", "lt", "gt", "le", "ge"}
	if op >= opBrF32 && op < opBrF32+6 {
		return "br_f32." + fcmp[op-opBrF32]
	}
	if op >= opBrF64 && op < opBrF64+6 {
		return "br_f64." + fcmp[op-opBrF64]
	}
	return fmt.Sprintf("op%d", op)
}

// Disassemble returns the compiled code of the module's defined functions,
// one instruction a line: pc, op and operands (a destination, b and c
// sources, imm, x). Slots are frame-relative.
func (m *Module) Disassemble() string {
	var b strings.Builder
	for _, fc := range m.funcs {
		fmt.Fprintf(&b, "%s: params=%d locals=%d frame=%d results=%d", fc.name, fc.params, fc.locals, fc.frame, fc.results)
		if len(fc.consts) > 0 {
			fmt.Fprintf(&b, " consts=%v", fc.consts)
		}
		b.WriteByte('\n')
		// The last instruction is the sentinel compileFunc adds.
		for pc, in := range fc.code[:max(len(fc.code)-1, 0)] {
			imm := in.imm
			if isBranch(in.op) {
				imm = uint64(branchTarget(pc, &in)) // the target pc, not its offset
			} else if in.op == opCall || in.op == opCallMove || in.op == opCallIndirect {
				imm = uint64(uint32(imm)) // not the return point (finalize)
			}
			fmt.Fprintf(&b, "  %3d %-18s a=%d b=%d c=%d imm=%d", pc, opName(in.op), in.a, in.b, in.c, imm)
			if in.op == opMemory {
				ma := fc.memargs[in.imm]
				fmt.Fprintf(&b, " %s memory=%d offset=%d", ir.Op(in.x), ma.mem, ma.offset)
				if ma.lane != 0 {
					fmt.Fprintf(&b, " lane=%d", ma.lane)
				}
			} else if in.x != 0 {
				fmt.Fprintf(&b, " x=%d", in.x)
			}
			b.WriteByte('\n')
		}
		for i, bt := range fc.brTables {
			fmt.Fprintf(&b, "  table %d: src=%d n=%d targets=[", i, bt.src, bt.n)
			for j, tg := range bt.targets {
				if j > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "{%d %d %v}", tg.pc, tg.dst, tg.back)
			}
			b.WriteString("]\n")
		}
	}
	return b.String()
}
