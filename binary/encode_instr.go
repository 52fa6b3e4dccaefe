package binary

import "github.com/watt-wasm/watt/ir"

// Structural opcodes, read once from the opcode table.
var (
	encodeOpElse = byte(ir.OpElse.Info().Code)
	encodeOpEnd  = byte(ir.OpEnd.Info().Code)
)

// memArgFlagMemory is set in a memarg's alignment field when a memory index
// follows (multi-memory); alignments must stay below it.
const memArgFlagMemory = 1 << 6

// writeExpr writes a constant expression (global initialiser, segment
// offset, element) and its end.
func (e *moduleEncoder) writeExpr(body []ir.Instr) {
	e.writeInstrs(body)
	e.buf = append(e.buf, encodeOpEnd)
}

// writeInstrs writes an instruction sequence. Open blocks are kept on an
// explicit stack, not the goroutine's, so nesting depth is limited only
// by memory.
func (e *moduleEncoder) writeInstrs(body []ir.Instr) {
	// After an error the output is dropped, and so may be the blocks
	// left open.
	base := len(e.blocks)
	for {
		for len(body) > 0 {
			if e.err != nil {
				return
			}
			in := &body[0]
			body = body[1:]
			if e.writeInstr(in) {
				// A block, loop or if: its header is written.
				e.blocks = append(grown(e.blocks), encodeBlock{in: in, rest: body})
				body = in.Body
			}
		}
		n := len(e.blocks)
		if n == base || e.err != nil {
			return
		}
		b := &e.blocks[n-1]
		// wabt omits an empty else arm.
		if els := b.in.ElseBody(); !b.inElse && len(els) > 0 {
			if b.in.Op != ir.OpIf {
				e.fail(b.in.Pos, "%s has an else arm", b.in.Op)
				return
			}
			e.buf = append(e.buf, encodeOpElse)
			b.inElse = true
			body = els
			continue
		}
		e.buf = append(e.buf, encodeOpEnd)
		body = b.rest
		e.blocks[n-1] = encodeBlock{}
		e.blocks = e.blocks[:n-1]
	}
}

// encodeBlock is a block, loop or if whose body is being written.
type encodeBlock struct {
	in     *ir.Instr
	rest   []ir.Instr // the instructions after it
	inElse bool
}

// writeOpcode writes op's prefix and code as the opcode table gives them.
func (e *moduleEncoder) writeOpcode(info *ir.OpInfo) {
	if info.Prefix == 0 {
		e.buf = append(e.buf, byte(info.Code))
		return
	}
	e.buf = append(e.buf, info.Prefix)
	e.buf = appendULEB128(e.buf, uint64(info.Code))
}

// writeInstr writes one instruction: the opcode from the table, then the
// immediates its shape calls for. For a block, loop or if it writes the
// header (opcode and block type) and reports true: writeInstrs writes
// the body.
func (e *moduleEncoder) writeInstr(in *ir.Instr) (block bool) {
	if in.Op >= ir.NumOps {
		e.fail(in.Pos, "invalid instruction (opcode table index %d)", in.Op)
		return
	}
	if in.Op == ir.OpElse || in.Op == ir.OpEnd {
		// The tree carries bodies; these bytes are written by the block.
		e.fail(in.Pos, "%s cannot appear as an instruction in the IR tree", in.Op)
		return
	}
	info := in.Op.Info()
	if info.Imm == ir.ImmSelect && len(in.SelectTypes()) == 0 {
		// Text `select (result)`: wat2wasm writes a plain select (0x1b),
		// not 0x1c 0x00. The IR keeps the typed op, so the validator can
		// still report "invalid result arity".
		info = ir.OpSelect.Info()
	}
	e.writeOpcode(info)
	b := e.buf
	switch info.Imm {
	case ir.ImmNone:
	case ir.ImmBlock:
		e.writeBlockType(in)
		return true
	case ir.ImmLabel, ir.ImmFunc, ir.ImmLocal, ir.ImmGlobal, ir.ImmTable, ir.ImmMemory, ir.ImmElem:
		b = appendULEB128(b, uint64(in.Index))
	case ir.ImmData:
		e.usesDataCount = true
		b = appendULEB128(b, uint64(in.Index))
	case ir.ImmMemoryInit:
		e.usesDataCount = true
		b = appendULEB128(b, uint64(in.Index))
		b = appendULEB128(b, uint64(in.Index2))
	case ir.ImmCallIndirect, ir.ImmTablePair, ir.ImmMemoryPair, ir.ImmTableInit:
		b = appendULEB128(b, uint64(in.Index))
		b = appendULEB128(b, uint64(in.Index2))
	case ir.ImmBrTable:
		labels := in.BrLabels()
		b = appendULEB128(b, uint64(len(labels)))
		for _, l := range labels {
			b = appendULEB128(b, uint64(l))
		}
		b = appendULEB128(b, uint64(in.Index))
	case ir.ImmMemArg, ir.ImmMemArgLane:
		if in.Mem.Align >= memArgFlagMemory {
			e.fail(in.Pos, "%s: alignment 2**%d cannot be encoded", info.Name, in.Mem.Align)
			return
		}
		if in.Mem.Memory != 0 {
			b = append(b, byte(in.Mem.Align)|memArgFlagMemory)
			b = appendULEB128(b, uint64(in.Mem.Memory))
		} else {
			b = append(b, byte(in.Mem.Align))
		}
		b = appendULEB128(b, in.Mem.Offset)
		if info.Imm == ir.ImmMemArgLane {
			b = append(b, in.Lane)
		}
	case ir.ImmLane:
		b = append(b, in.Lane)
	case ir.ImmI32:
		b = appendSLEB128(b, int64(int32(uint32(in.Value))))
	case ir.ImmI64:
		b = appendSLEB128(b, int64(in.Value))
	case ir.ImmF32:
		v := uint32(in.Value)
		b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	case ir.ImmF64:
		b = appendLE64(b, in.Value)
	case ir.ImmV128, ir.ImmShuffle:
		b = appendLE64(b, in.Value)
		b = appendLE64(b, in.V128Hi())
	case ir.ImmSelect:
		e.writeValTypes(in.SelectTypes(), in.Pos, "select's result types")
		return
	case ir.ImmRefType:
		e.writeRefType(in.Ref, in.Pos, in.Op.String())
		return
	case ir.ImmFence:
		b = append(b, 0) // reserved memory-ordering byte
	default:
		e.fail(in.Pos, "%s: unknown immediate shape %d", info.Name, info.Imm)
		return
	}
	e.buf = b
	return false
}

func appendLE64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24),
		byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

// writeBlockType writes the short forms (0x40 or a value type) whenever the
// signature allows, even when it was named by a type index, as wabt does;
// otherwise the type index as a signed 33-bit LEB128.
func (e *moduleEncoder) writeBlockType(in *ir.Instr) {
	bt := in.Block
	switch bt.Kind {
	case ir.BlockEmpty:
		e.buf = append(e.buf, encodeBlockTypeNone)
	case ir.BlockValue:
		e.writeValType(bt.Value, in.Pos, "a block type")
	case ir.BlockIndex:
		if int(bt.Index) < len(e.m.Types) {
			ft := &e.m.Types[bt.Index]
			if len(ft.Params) == 0 && len(ft.Results) == 0 {
				e.buf = append(e.buf, encodeBlockTypeNone)
				return
			}
			if len(ft.Params) == 0 && len(ft.Results) == 1 {
				e.writeValType(ft.Results[0], in.Pos, "a block type")
				return
			}
		}
		e.buf = appendSLEB128(e.buf, int64(bt.Index))
	default:
		e.fail(in.Pos, "invalid block type kind %d", bt.Kind)
	}
}
