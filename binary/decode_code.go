package binary

import (
	"math"

	"github.com/watt-wasm/watt/ir"
)

// decodeFrame is a block, loop, if, try_table or try whose end has not been
// read yet.
type decodeFrame struct {
	instr  ir.Instr // Body/Else are filled in when the arm ends
	start  int      // index in decoder.scratch where the current arm begins
	inElse bool
	// A legacy try's handlers so far; the last one is the arm being read
	// when inHandler is set.
	handlers  []ir.Handler
	inHandler bool
}

// closeArm stores the instructions read since the current arm began into
// that arm (then, else, or a legacy try's handler).
func (d *decoder) closeArm(f *decodeFrame) {
	switch {
	case f.inHandler:
		f.handlers[len(f.handlers)-1].Body = d.takeScratch(f.start)
	case f.inElse:
		f.instr.SetElseBody(d.takeScratch(f.start))
	default:
		f.instr.Body = d.takeScratch(f.start)
	}
}

// popFrame closes the innermost block and appends it to its parent's arm.
func (d *decoder) popFrame() {
	f := &d.frames[len(d.frames)-1]
	d.closeArm(f)
	if len(f.handlers) > 0 {
		f.instr.SetHandlers(f.handlers)
	}
	in := f.instr
	d.frames = d.frames[:len(d.frames)-1]
	d.scratch = append(d.scratch, in)
}

// readCode reads code section entry i (locals and body) into f.
func (d *decoder) readCode(f *ir.Func, i int) {
	f.Pos = ir.PosAt(d.pos)
	size := d.readLength()
	start := d.pos

	localsOff := d.pos
	runs := d.readLength()
	var total uint64
	for range runs {
		n := d.readU32()
		t := d.readValType()
		total += uint64(n)
		f.AddLocals(n, t) // merges adjacent runs of one type, drops empty ones
	}
	if total > math.MaxUint32 {
		d.fail(localsOff, "too many locals: %d", total)
	}

	if i < len(d.bodies) && d.bodies[i].expr == d.pos && d.bodies[i].end == start+size {
		f.Body = d.readScannedBody(&d.bodies[i])
	} else {
		f.Body = d.readBody(start+size, true)
	}
	if d.pos != start+size {
		d.fail(start, "section size mismatch: function body declares %d bytes, its code takes %d", size, d.pos-start)
	}
}

// readScannedBody reads a body that prescanCode has scanned, taking the
// result of decodeBodiesParallel when there is one.
func (d *decoder) readScannedBody(b *bodyScan) []ir.Instr {
	store := b.store
	b.store = nil
	switch {
	case b.done: // decoded in parallel (decode_fast.go)
		if b.err != nil {
			panic(decodeBailout{b.err})
		}
		body := b.body
		b.body = nil
		d.pos = b.end
		if b.dataUse.IsValid() {
			d.noteDataUse(b.dataUse)
		}
		return body
	case !b.tried:
		pos, firstDataUse := d.pos, d.firstDataUse
		if body, ok := d.readBodyFast(store, d.counts[b.counts:], b.top, b.end, true); ok {
			return body
		}
		d.pos, d.firstDataUse = pos, firstDataUse
	}
	return d.readExpr()
}

// readBody reads a function body that should end at end (exact), or a
// constant expression (!exact, end is the end of the input): through the
// fast path (decode_fast.go) when the body's instructions end there, else
// through readExpr.
func (d *decoder) readBody(end int, exact bool) []ir.Instr {
	if end <= len(d.data) && fastBodies {
		k := len(d.counts)
		top, total, ok := d.scanBody(d.pos, end, exact)
		if ok && total > 0 {
			pos, firstDataUse := d.pos, d.firstDataUse
			if body, ok := d.readBodyFast(d.allocInstrs(total), d.counts[k:], top, end, exact); ok {
				d.counts = d.counts[:k]
				return body
			}
			d.pos, d.firstDataUse = pos, firstDataUse
		}
		d.counts = d.counts[:k]
	}
	return d.readExpr()
}

// Structural opcodes: the arms of a legacy try, which are no instructions
// of their own.
var (
	opCatch    = byte(ir.OpCatch.Info().Code)
	opCatchAll = byte(ir.OpCatchAll.Info().Code)
	opDelegate = byte(ir.OpDelegate.Info().Code)
)

// isBlockImm reports whether imm is the shape of an instruction with a
// body (block, loop, if, try_table, try).
func isBlockImm(imm ir.Imm) bool {
	return imm == ir.ImmBlock || imm == ir.ImmTryTable || imm == ir.ImmTry
}

// readConstExpr reads a constant expression (an initialiser or offset).
// The usual one, a single instruction with a one-byte opcode and its end
// (i32.const 1024, global.get 0), is read directly; anything else, or
// anything unexpected, goes through readBody from the start.
func (d *decoder) readConstExpr() []ir.Instr {
	start := d.pos
	if start < len(d.data) && fastBodies {
		if op := d.fastOps()[d.data[start]]; op != noOp && !isBlockImm(opImm[op]) {
			d.pos++
			in := ir.Instr{Op: op, Pos: ir.PosAt(start)}
			if imm := opImm[op]; imm != ir.ImmNone {
				d.readImmediates(&in, imm)
			}
			if d.pos < len(d.data) && d.data[d.pos] == 0x0b {
				d.pos++
				body := d.allocInstrs(1)
				body[0] = in
				return body
			}
			d.pos = start
		}
	}
	return d.readBody(len(d.data), false)
}

// readExpr reads an instruction sequence and its closing end, rebuilding
// the nesting of block, loop and if. It uses an explicit stack, not
// recursion, so hostile nesting depth costs heap, not goroutine stack.
func (d *decoder) readExpr() []ir.Instr {
	base, baseFrames := len(d.scratch), len(d.frames)
	for {
		off := d.pos
		b := d.readByte()
		switch b {
		case 0x0b: // end
			if len(d.frames) == baseFrames {
				return d.takeScratch(base)
			}
			d.popFrame()
			continue
		case 0x05: // else
			if n := len(d.frames); n > baseFrames {
				if f := &d.frames[n-1]; f.instr.Op == ir.OpIf && !f.inElse {
					f.instr.Body = d.takeScratch(f.start)
					f.start, f.inElse = len(d.scratch), true
					continue
				}
			}
			// The spec's instruction sequence stops at else and then
			// expects the end of the enclosing block.
			d.fail(off, "END opcode expected, found else")
		case opCatch, opCatchAll, opDelegate: // arms of a legacy try
			op := d.readOpcode(off, b) // names the feature when it is off
			if n := len(d.frames); n > baseFrames && d.frames[n-1].instr.Op == ir.OpTry {
				if d.legacyTryArm(&d.frames[n-1], off, b, op) {
					d.popFrame()
				}
				continue
			}
			d.fail(off, "illegal opcode %02x: %s outside a try block", b, op)
		}

		op := d.readOpcode(off, b)
		imm := op.Info().Imm
		if isBlockImm(imm) {
			in := ir.Instr{Op: op, Pos: ir.PosAt(off), Block: d.readBlockType()}
			if imm == ir.ImmTryTable {
				in.SetCatches(d.readCatches())
			}
			d.frames = append(grown(d.frames), decodeFrame{instr: in, start: len(d.scratch)})
			continue
		}
		// Decode in place: an Instr is large, so avoid copying it.
		d.scratch = append(d.scratch, ir.Instr{Op: op, Pos: ir.PosAt(off)})
		if imm != ir.ImmNone {
			d.readImmediates(&d.scratch[len(d.scratch)-1], imm)
		}
	}
}

// legacyTryArm handles catch (0x07), catch_all (0x19) and delegate (0x18)
// at off inside the legacy try f; it reports whether the try is complete
// (delegate ends it).
func (d *decoder) legacyTryArm(f *decodeFrame, off int, b byte, op ir.Op) bool {
	if f.inHandler && f.handlers[len(f.handlers)-1].All {
		d.fail(off, "malformed legacy try: %s after catch_all", op)
	}
	if b == opDelegate {
		if f.inHandler {
			d.fail(off, "malformed legacy try: delegate after a handler")
		}
		f.instr.SetDelegate(d.readU32())
		return true // popFrame closes the try's body
	}
	d.closeArm(f)
	f.start = len(d.scratch)
	if b == opCatch {
		f.handlers = append(f.handlers, ir.Handler{Tag: d.readU32(), Pos: ir.PosAt(off)})
	} else {
		f.handlers = append(f.handlers, ir.Handler{All: true, Pos: ir.PosAt(off)})
	}
	f.inHandler = true
	return false
}

// readCatches reads try_table's catch clauses.
func (d *decoder) readCatches() []ir.CatchClause {
	n := d.readLength()
	if n == 0 {
		return nil
	}
	cs := make([]ir.CatchClause, n) // n <= remaining bytes
	for i := range cs {
		off := d.pos
		k := ir.CatchKind(d.readByte())
		if k > ir.CatchAllRef {
			d.fail(off, "malformed catch clause %#x", byte(k))
		}
		cs[i].Kind = k
		if k == ir.Catch || k == ir.CatchRef {
			cs[i].Tag = d.readU32()
		}
		cs[i].Label = d.readU32()
	}
	return cs
}

// takeScratch moves the instructions from scratch[start:] into an exactly
// sized slice (nil when empty) and pops them.
func (d *decoder) takeScratch(start int) []ir.Instr {
	n := len(d.scratch) - start
	if n == 0 {
		return nil
	}
	body := d.allocInstrs(n)
	copy(body, d.scratch[start:])
	d.scratch = d.scratch[:start]
	return body
}

// allocInstrs returns a slice of n instructions, carved from a shared
// chunk when small: one allocation for many short bodies saves most of
// the allocator's per-object cost. Each slice's capacity is its length, so
// appending to one never overwrites its neighbour.
func (d *decoder) allocInstrs(n int) []ir.Instr {
	const maxChunk = 4096
	if n > maxChunk/8 {
		return make([]ir.Instr, n)
	}
	k := len(d.arena)
	if k+n > cap(d.arena) {
		// Size chunks by the input left, so small modules stay small: an
		// instruction takes at least one byte.
		d.arena = make([]ir.Instr, 0, max(n, min(maxChunk, d.remaining()/2)))
		k = 0
	}
	d.arena = d.arena[:k+n]
	return d.arena[k : k+n : k+n]
}

// readOpcode reads the rest of the opcode that starts with byte b at off
// and looks it up in the opcode table.
func (d *decoder) readOpcode(off int, b byte) ir.Op {
	if ir.IsPrefix(b) {
		code := d.readU32()
		op, ok := ir.LookupCode(b, code)
		if !ok {
			d.fail(off, "illegal opcode %02x %x", b, code)
		}
		if f := op.Info().Feature; !d.features.Has(f) {
			d.fail(off, "illegal opcode %02x %x: %s requires %s", b, code, op, f.Flag())
		}
		return op
	}
	op, ok := ir.LookupCode(0, uint32(b))
	if !ok {
		d.fail(off, "illegal opcode %02x", b)
	}
	if f := op.Info().Feature; !d.features.Has(f) && !(op == ir.OpRefFunc && d.elemItems) {
		d.fail(off, "illegal opcode %02x: %s requires %s", b, op, f.Flag())
	}
	return op
}

// readBlockType reads a block signature: 0x40 (empty), a value type, or a
// type index as a positive s33.
func (d *decoder) readBlockType() ir.BlockType {
	if d.eof() {
		d.failEOF()
	}
	switch b := d.data[d.pos]; {
	case b == 0x40:
		d.pos++
		return ir.BlockType{}
	case b&0xc0 == 0x40: // a one-byte negative s33: a value type
		return ir.BlockOf(d.readValType())
	}
	off := d.pos
	x := d.readSigned(33)
	if x < 0 || x > math.MaxUint32 {
		d.fail(off, "malformed block type %d", x)
	}
	d.requireFeature(off, ir.FeatureMultiValue, "malformed block type", "a type index")
	return ir.BlockOfIndex(uint32(x))
}

// readImmediates reads the immediates of shape imm into in.
func (d *decoder) readImmediates(in *ir.Instr, imm ir.Imm) {
	switch imm {
	case ir.ImmNone:
	case ir.ImmLabel, ir.ImmFunc, ir.ImmLocal, ir.ImmGlobal, ir.ImmTable, ir.ImmElem, ir.ImmTag, ir.ImmType:
		in.Index = d.readU32()
	case ir.ImmStructField, ir.ImmArrayFixed, ir.ImmArrayElem, ir.ImmTypePair:
		in.Index = d.readU32()
		in.Index2 = d.readU32()
	case ir.ImmArrayData:
		in.Index = d.readU32()
		in.Index2 = d.readU32()
		d.noteDataUse(in.Pos)
	case ir.ImmRefType:
		null := in.Op == ir.OpRefTestNull || in.Op == ir.OpRefCastNull
		in.SetRefType(ir.Ref(null, d.readHeapType()))
	case ir.ImmBrOnCast:
		off := d.pos
		flags := d.readByte()
		if flags&^(castFlagFromNull|castFlagToNull) != 0 {
			d.fail(off, "malformed br_on_cast flags %#x", flags)
		}
		in.Index = d.readU32()
		from := ir.Ref(flags&castFlagFromNull != 0, d.readHeapType())
		in.SetCastTypes(from, ir.Ref(flags&castFlagToNull != 0, d.readHeapType()))
	case ir.ImmData:
		in.Index = d.readU32()
		d.noteDataUse(in.Pos)
	case ir.ImmBrTable:
		if n := d.readLength(); n > 0 {
			labels := make([]uint32, n) // n <= remaining bytes
			for i := range labels {
				labels[i] = d.readU32()
			}
			in.SetBrLabels(labels)
		}
		in.Index = d.readU32()
	case ir.ImmCallIndirect:
		in.Index = d.readU32()
		in.Index2 = d.readTableIndex()
	case ir.ImmMemory:
		in.Index = d.readMemoryIndex()
	case ir.ImmMemArg:
		in.Mem = d.readMemArg()
	case ir.ImmMemArgLane:
		in.Mem = d.readMemArg()
		in.Lane = d.readByte()
	case ir.ImmLane:
		in.Lane = d.readByte()
	case ir.ImmShuffle, ir.ImmV128:
		in.Value = d.readFixed64()
		in.SetV128Hi(d.readFixed64())
	case ir.ImmTablePair, ir.ImmTableInit:
		in.Index = d.readU32()
		in.Index2 = d.readU32()
	case ir.ImmMemoryPair:
		in.Index = d.readMemoryIndex()
		in.Index2 = d.readMemoryIndex()
	case ir.ImmMemoryInit:
		in.Index = d.readU32()
		in.Index2 = d.readMemoryIndex()
		d.noteDataUse(in.Pos)
	case ir.ImmI32:
		in.Value = uint64(uint32(d.readS32()))
	case ir.ImmI64:
		in.Value = uint64(d.readSigned(64))
	case ir.ImmF32:
		in.Value = uint64(d.readFixed32())
	case ir.ImmF64:
		in.Value = d.readFixed64()
	case ir.ImmSelect:
		if n := d.readLength(); n > 0 {
			types := make([]ir.ValType, n) // n <= remaining bytes
			for i := range types {
				types[i] = d.readValType()
			}
			in.SetSelectTypes(types)
		}
	case ir.ImmHeapType:
		in.SetHeapType(d.readHeapType())
	case ir.ImmFence:
		d.readZeroByte()
	default:
		// Only reachable if the opcode table grows a shape this decoder
		// does not know; a test walks every op to keep this from happening.
		d.fail(in.Pos.Offset(), "illegal opcode: %s has an immediate the decoder does not know", in.Op)
	}
}

// readMemoryIndex reads a memory index: a reserved zero byte unless
// multi-memory is on.
func (d *decoder) readMemoryIndex() uint32 {
	if d.features.Has(ir.FeatureMultiMemory) {
		return d.readU32()
	}
	d.readZeroByte()
	return 0
}

// readTableIndex reads call_indirect's table index: a reserved zero byte
// before reference-types.
func (d *decoder) readTableIndex() uint32 {
	if d.features.Has(ir.FeatureReferenceTypes) {
		return d.readU32()
	}
	d.readZeroByte()
	return 0
}

// readMemArg reads alignment flags and offset. With multi-memory, as in
// WebAssembly 3.0, the flags are below 0x80, bit 6 says a memory index
// follows and the low six bits are the alignment (whose range the
// validator checks); before, the flags are the alignment, at most 32.
// Offsets are u64 with memory64.
func (d *decoder) readMemArg() ir.MemArg {
	var m ir.MemArg
	off := d.pos
	flags := d.readU32()
	if d.features.Has(ir.FeatureMultiMemory) {
		if flags >= 2*memArgFlagMemory {
			d.fail(off, "malformed memop flags %#x", flags)
		}
		if flags&memArgFlagMemory != 0 {
			flags &^= memArgFlagMemory
			m.Memory = d.readU32()
		}
	} else if flags > 32 {
		if flags < 2*memArgFlagMemory && flags&memArgFlagMemory != 0 {
			d.fail(off, "malformed memop flags %#x: a memory index requires %s", flags, ir.FeatureMultiMemory.Flag())
		}
		d.fail(off, "malformed memop flags %#x", flags)
	}
	m.Align = flags
	if d.features.Has(ir.FeatureMemory64) {
		m.Offset = d.readU64()
	} else {
		m.Offset = uint64(d.readU32())
	}
	return m
}

// noteDataUse remembers the first instruction that needs the data count
// section.
func (d *decoder) noteDataUse(pos ir.Pos) {
	if !d.firstDataUse.IsValid() {
		d.firstDataUse = pos
	}
}
