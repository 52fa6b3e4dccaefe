package binary

import "github.com/watt-wasm/watt/ir"

// Structural opcodes, read once from the opcode table.
var (
	encodeOpElse = byte(ir.OpElse.Info().Code)
	encodeOpEnd  = byte(ir.OpEnd.Info().Code)
)

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
		if b.in.Op == ir.OpTry {
			// A legacy try's catch and catch_all arms, then end or
			// delegate (which ends the try itself).
			if hs := b.in.Handlers(); b.arm < len(hs) {
				h := &hs[b.arm]
				b.arm++
				if h.All {
					e.writeOpcode(ir.OpCatchAll.Info())
				} else {
					e.writeOpcode(ir.OpCatch.Info())
					e.buf = appendULEB128(e.buf, uint64(h.Tag))
				}
				body = h.Body
				continue
			}
			if label, ok := b.in.Delegate(); ok {
				e.writeOpcode(ir.OpDelegate.Info())
				e.buf = appendULEB128(e.buf, uint64(label))
				body = b.rest
				e.blocks[n-1] = encodeBlock{}
				e.blocks = e.blocks[:n-1]
				continue
			}
		}
		e.buf = append(e.buf, encodeOpEnd)
		body = b.rest
		e.blocks[n-1] = encodeBlock{}
		e.blocks = e.blocks[:n-1]
	}
}

// encodeBlock is a block, loop, if, try_table or legacy try whose body
// is being written.
type encodeBlock struct {
	in     *ir.Instr
	rest   []ir.Instr // the instructions after it
	inElse bool
	arm    int // the legacy try's handlers written so far
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
// immediates its shape calls for. For a block, loop, if, try_table or
// legacy try it writes the header (opcode, block type, catch clauses) and
// reports true: writeInstrs writes the body and the arms.
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
	if in.Ext != nil && len(in.Ext.Meta) > 0 {
		e.noteMeta(in)
	}
	e.writeOpcode(info)
	b := e.buf
	switch info.Imm {
	case ir.ImmNone:
	case ir.ImmBlock:
		e.writeBlockType(in)
		return true
	case ir.ImmTry:
		e.writeBlockType(in)
		if _, ok := in.Delegate(); ok && len(in.Handlers()) > 0 {
			e.fail(in.Pos, "try has both handlers and a delegate")
			return
		}
		return true
	case ir.ImmTryTable:
		e.writeBlockType(in)
		cs := in.Catches()
		e.writeCount(len(cs))
		for _, c := range cs {
			if c.Kind > ir.CatchAllRef {
				e.fail(in.Pos, "invalid catch clause kind %d", c.Kind)
				return
			}
			e.buf = append(e.buf, byte(c.Kind))
			if c.Kind == ir.Catch || c.Kind == ir.CatchRef {
				e.buf = appendULEB128(e.buf, uint64(c.Tag))
			}
			e.buf = appendULEB128(e.buf, uint64(c.Label))
		}
		return true
	case ir.ImmLabel, ir.ImmFunc, ir.ImmLocal, ir.ImmGlobal, ir.ImmTable, ir.ImmMemory, ir.ImmElem,
		ir.ImmTag, ir.ImmType:
		b = appendULEB128(b, uint64(in.Index))
	case ir.ImmStructField, ir.ImmArrayFixed, ir.ImmArrayElem, ir.ImmTypePair:
		b = appendULEB128(b, uint64(in.Index))
		b = appendULEB128(b, uint64(in.Index2))
	case ir.ImmArrayData:
		e.usesDataCount = true
		b = appendULEB128(b, uint64(in.Index))
		b = appendULEB128(b, uint64(in.Index2))
	case ir.ImmRefType: // the opcode says whether the target is nullable
		e.buf = b
		if t := in.RefType(); t.IsRef() && t.Nullable() != (in.Op == ir.OpRefTestNull || in.Op == ir.OpRefCastNull) {
			// The two rows of ref.test and ref.cast differ in just that.
			e.fail(in.Pos, "%s: the row does not match the nullability of %s", in.Op, t)
			return
		}
		e.writeRefHeap(in.RefType(), in)
		return
	case ir.ImmBrOnCast:
		from, to := in.CastTypes()
		var flags byte
		if from.Nullable() {
			flags |= castFlagFromNull
		}
		if to.Nullable() {
			flags |= castFlagToNull
		}
		e.buf = appendULEB128(append(b, flags), uint64(in.Index))
		e.writeRefHeap(from, in)
		e.writeRefHeap(to, in)
		return
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
	case ir.ImmHeapType:
		if h := in.HeapType(); !ir.Ref(true, h).IsValid() {
			e.fail(in.Pos, "invalid value type: heap type %#x in %s", uint32(h), in.Op)
		} else {
			e.writeHeapType(h)
		}
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

// Flags of br_on_cast and br_on_cast_fail: which of the two reference types
// is nullable.
const (
	castFlagFromNull = 1
	castFlagToNull   = 2
)

// writeRefHeap writes the heap type of an instruction's reference type
// immediate, whose nullability the opcode or a flag byte carries.
func (e *moduleEncoder) writeRefHeap(t ir.ValType, in *ir.Instr) {
	if !t.IsValid() || !t.IsRef() {
		e.fail(in.Pos, "invalid value type %#x in %s", uint32(t), in.Op)
		return
	}
	e.writeHeapType(t.Heap())
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
	switch bt.Kind() {
	case ir.BlockEmpty:
		e.buf = append(e.buf, encodeBlockTypeNone)
	case ir.BlockValue:
		e.writeValType(bt.Value, in.Pos, "a block type")
	case ir.BlockIndex:
		if int(bt.Index) < len(e.m.Types) && e.m.Types[bt.Index].Kind == ir.CompFunc {
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
		e.fail(in.Pos, "invalid block type kind %d", bt.Kind())
	}
}
