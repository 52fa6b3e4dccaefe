package wat

import (
	"strconv"

	"github.com/watt-wasm/watt/ir"
)

// funcField writes a defined function: signature, locals, then the body,
// flat or folded.
func (p *printer) funcField(f *ir.Func, index uint32) {
	p.beginFunc(index, f.Type, false)
	var params, results []ir.ValType
	if ft := p.funcType(f.Type); ft != nil {
		params, results = ft.Params, ft.Results
	}
	p.locals = p.newPrintLocalNames(index, uint32(len(params)), uint64(len(params))+f.NumLocals())
	var st printBindings
	for i, t := range params {
		p.binding("param", &st, uint32(i), t)
	}
	p.endBindings(&st)
	p.types(results, "result")
	p.newline(false)
	st = printBindings{}
	i := uint32(len(params))
	for _, run := range f.Locals {
		for range run.Count {
			p.binding("local", &st, i, run.Type)
			i++
		}
	}
	p.endBindings(&st)
	p.newline(false)

	p.labels = append(p.labels[:0], printLabel{arity: len(results)})
	p.funcResults = len(results)
	p.labelCount = 0
	if p.opts.FoldExprs {
		p.foldBody(f.Body)
	} else {
		p.flat(f.Body)
	}
	p.close(printNewline)
	p.locals = nil
}

// printBindings tracks a run of (param ...) or (local ...) declarations:
// unnamed ones share one group, a named one gets a group of its own.
type printBindings struct {
	started, prevNamed bool
}

func (p *printer) binding(prefix string, st *printBindings, i uint32, t ir.ValType) {
	name := p.locals.name(i)
	named := name != ""
	if (named || st.prevNamed) && st.started {
		p.close(printSpace)
	}
	if named || st.prevNamed || !st.started {
		p.open(prefix, printSpace)
	}
	if named {
		// wabt 1.0.32 does not sanitize declared names (so a name with a
		// space breaks its output); watt does, as everywhere else.
		p.puts(name, printSpace)
	}
	p.valType(t, printSpace)
	st.prevNamed, st.started = named, true
}

func (p *printer) endBindings(st *printBindings) {
	if st.started {
		p.close(printSpace)
	}
}

// flat writes instructions one per line, blocks closed by "end". Open
// blocks are kept on an explicit stack, not the goroutine's, so nesting
// depth is limited only by memory.
func (p *printer) flat(body []ir.Instr) {
	base := len(p.flatFrames)
	for {
		for len(body) > 0 {
			in := &body[0]
			body = body[1:]
			if in.Ext != nil {
				p.meta(in)
			}
			switch in.Op.Info().Imm {
			case ir.ImmBlock, ir.ImmTryTable, ir.ImmTry:
			default:
				p.instr(in)
				continue
			}
			p.beginBlock(in) // try_table's catch clauses included
			p.flatFrames = append(grown(p.flatFrames), printFlatFrame{in: in, rest: body})
			body = in.Body
		}
		n := len(p.flatFrames)
		if n == base {
			return
		}
		f := &p.flatFrames[n-1]
		if els := f.in.ElseBody(); !f.inElse && f.in.Op == ir.OpIf && len(els) > 0 {
			p.indent -= 2
			p.puts(ir.OpElse.Info().Name, printSpace)
			p.indent += 2
			p.newline(true)
			f.inElse = true
			body = els
			continue
		}
		if f.in.Op == ir.OpTry {
			// A legacy try's catch and catch_all arms, then end or
			// delegate (whose label is outside the try's).
			if hs := f.in.Handlers(); f.arm < len(hs) {
				h := &hs[f.arm]
				f.arm++
				p.indent -= 2
				if h.All {
					p.puts("catch_all", printSpace)
				} else {
					p.puts("catch", printSpace)
					p.ref(&p.names.tags, h.Tag, printSpace)
				}
				p.indent += 2
				p.newline(true)
				body = h.Body
				continue
			}
			if l, ok := f.in.Delegate(); ok {
				p.indent -= 2
				p.popLabel()
				p.puts("delegate", printSpace)
				p.delegateLabel(f.in, l, printNewline)
				body = f.rest
				p.flatFrames[n-1] = printFlatFrame{}
				p.flatFrames = p.flatFrames[:n-1]
				continue
			}
		}
		p.endBlock()
		body = f.rest
		p.flatFrames[n-1] = printFlatFrame{}
		p.flatFrames = p.flatFrames[:n-1]
	}
}

// printFlatFrame is a block being written by flat.
type printFlatFrame struct {
	in     *ir.Instr
	rest   []ir.Instr // the instructions after it
	inElse bool
	arm    int // a legacy try's handlers started so far
}

// beginBlock writes a block, loop or if header and enters its label.
func (p *printer) beginBlock(in *ir.Instr) {
	p.puts(in.Op.Info().Name, printSpace)
	label := p.labelName(in)
	if label != "" {
		p.puts(label, printSpace)
	}
	params, results, ok := p.blockSig(in)
	if !ok {
		// A type index out of range: keep it rather than lose it.
		p.open("type", printSpace)
		p.putUint(uint64(in.Block.Index))
		p.close(printSpace)
	}
	p.types(params, "param")
	p.types(results, "result")
	if in.Op == ir.OpTryTable {
		p.catchClauses(in)
	}
	if label == "" {
		p.writeNext()
		p.num = append(p.num[:0], " ;; label = @"...)
		p.num = strconv.AppendUint(p.num, uint64(len(p.labels)), 10)
		p.out = append(p.out, p.num...)
		p.next = printSpace
	}
	p.newline(true)
	arity := len(results)
	if in.Op == ir.OpLoop {
		arity = len(params) // a branch to a loop restarts it
	}
	p.labels = append(p.labels, printLabel{name: label, arity: arity})
	p.indent += 2
}

func (p *printer) endBlock() {
	p.indent -= 2
	p.popLabel()
	p.puts(ir.OpEnd.Info().Name, printNewline)
}

func (p *printer) popLabel() {
	if len(p.labels) > 0 {
		p.labels = p.labels[:len(p.labels)-1]
	}
}

// blockSig returns a block's parameter and result types; ok is false for
// a type index out of range.
func (p *printer) blockSig(in *ir.Instr) (params, results []ir.ValType, ok bool) {
	switch in.Block.Kind() {
	case ir.BlockValue:
		return nil, ir.OneType(in.Block.Value), true
	case ir.BlockIndex:
		if ft := p.funcType(in.Block.Index); ft != nil {
			return ft.Params, ft.Results, true
		}
		return nil, nil, false
	}
	return nil, nil, true
}

// labelName is the generated name of a block's label ($B0, $L1, $I2), ""
// without --generate-names. Labels are numbered in the order blocks start.
func (p *printer) labelName(in *ir.Instr) string {
	var n int
	if p.opts.GenerateNames {
		// Numbered in the order blocks start, named ones included.
		if p.labelNums != nil {
			n = p.labelNums[in]
		} else {
			n = p.labelCount
			p.labelCount++
		}
	}
	if name := p.layoutLabel(in); name != "" {
		return name
	}
	if !p.opts.GenerateNames {
		return ""
	}
	return printLabelPrefix(in.Op) + strconv.Itoa(n)
}

// layoutLabel is the label the source text gives a block ("$name"), ""
// without a Layout or a label.
func (p *printer) layoutLabel(in *ir.Instr) string {
	if l := p.opts.Layout; l != nil {
		if name, ok := l.Labels[in.Pos]; ok {
			return "$" + name
		}
	}
	return ""
}

func printLabelPrefix(op ir.Op) string {
	switch op {
	case ir.OpLoop:
		return "$L"
	case ir.OpIf:
		return "$I"
	case ir.OpTry, ir.OpTryTable:
		return "$T"
	}
	return "$B"
}

// branch writes the k-th label operand of in (depth). A named label is
// written by name, else the depth with a comment naming the block it
// targets: "1 (;@2;)".
func (p *printer) branch(in *ir.Instr, k int, depth uint32, next printNext) {
	n := len(p.labels)
	if p.branchNames != nil {
		// Folded output can write a block after the "if" whose condition
		// it computes; names were resolved in the original order.
		if names := p.branchNames[in]; k < len(names) && names[k] != "" {
			p.puts(names[k], next)
			return
		}
	} else if uint64(depth) < uint64(n) {
		if name := p.labels[n-1-int(depth)].name; name != "" {
			p.puts(name, next)
			return
		}
	}
	p.num = strconv.AppendUint(p.num[:0], uint64(depth), 10)
	if uint64(depth) < uint64(n) {
		p.num = append(p.num, " (;@"...)
		p.num = strconv.AppendUint(p.num, uint64(n-1-int(depth)), 10)
		p.num = append(p.num, ";)"...)
	} else {
		p.num = append(p.num, " (; INVALID ;)"...)
	}
	p.putBytes(p.num)
	p.next = next
}

func (p *printer) local(index uint32) {
	if name := p.locals.name(index); name != "" && !p.rawIndices {
		p.puts(name, printNewline)
		return
	}
	p.putUint(uint64(index))
	p.next = printNewline
}

// memArg writes a memory instruction's memory index, offset and
// alignment; the alignment only when it is not the natural one.
func (p *printer) memArg(in *ir.Instr) {
	// wabt 1.0.32 writes the memory index for plain loads and stores only;
	// for the others a non-zero index would be lost, so watt writes it for
	// all (with multi-memory off it is always 0).
	p.memoryUnlessZero(in.Mem.Memory, printSpace)
	if in.Mem.Offset != 0 {
		p.num = append(p.num[:0], "offset="...)
		p.num = strconv.AppendUint(p.num, in.Mem.Offset, 10)
		p.putBytes(p.num)
	}
	if in.Mem.Align != in.Op.NaturalAlign() {
		if in.Mem.Align >= 64 {
			p.fail(in.Pos, ir.Malformed, "malformed memop flags: alignment 2**"+strconv.FormatUint(uint64(in.Mem.Align), 10)+" too large")
		}
		p.num = append(p.num[:0], "align="...)
		p.num = strconv.AppendUint(p.num, uint64(1)<<(in.Mem.Align&63), 10)
		p.putBytes(p.num)
	}
}

// instr writes one instruction other than block, loop and if, driven by
// the opcode table's immediate shape.
func (p *printer) instr(in *ir.Instr) {
	if in.Op >= ir.NumOps {
		p.fail(in.Pos, ir.Malformed, "illegal opcode: op "+strconv.Itoa(int(in.Op))+" is not in the opcode table")
		return
	}
	info := in.Op.Info()
	n := p.names
	switch info.Imm {
	case ir.ImmLabel:
		p.puts(info.Name, printSpace)
		p.branch(in, 0, in.Index, printNewline)
	case ir.ImmBrTable:
		p.puts(info.Name, printSpace)
		for k, l := range in.BrLabels() {
			p.branch(in, k, l, printSpace)
		}
		p.branch(in, len(in.BrLabels()), in.Index, printNewline)
	case ir.ImmFunc:
		p.puts(info.Name, printSpace)
		p.ref(&n.funcs, in.Index, printNewline)
	case ir.ImmCallIndirect:
		p.puts(info.Name, printSpace)
		if in.Op != ir.OpCallIndirect {
			// wabt 1.0.32 never writes return_call_indirect's table, which
			// loses a non-zero one; watt writes that one only.
			if in.Index2 != 0 {
				p.ref(&n.tables, in.Index2, printSpace)
			}
		} else {
			p.refUnlessZero(&n.tables, in.Index2, printSpace)
		}
		p.open("type", printSpace)
		p.ref(&n.types, in.Index, printNewline)
		p.close(printNewline)
	case ir.ImmLocal:
		p.puts(info.Name, printSpace)
		p.local(in.Index)
	case ir.ImmGlobal:
		p.puts(info.Name, printSpace)
		p.ref(&n.globals, in.Index, printNewline)
	case ir.ImmTable:
		p.puts(info.Name, printSpace)
		p.ref(&n.tables, in.Index, printNewline)
	case ir.ImmMemory:
		p.puts(info.Name, printSpace)
		p.memoryUnlessZero(in.Index, printSpace)
		p.newline(false)
	case ir.ImmMemArg:
		p.puts(info.Name, printSpace)
		p.memArg(in)
		p.newline(false)
	case ir.ImmMemArgLane:
		p.puts(info.Name, printSpace)
		p.memArg(in)
		p.putUint(uint64(in.Lane))
		p.newline(false)
	case ir.ImmLane:
		p.puts(info.Name, printSpace)
		p.putUint(uint64(in.Lane))
		p.newline(false)
	case ir.ImmShuffle:
		p.puts(info.Name, printSpace)
		for _, b := range in.V128Bytes() {
			p.putUint(uint64(b))
		}
		p.newline(false)
	case ir.ImmTablePair:
		p.puts(info.Name, printSpace)
		if p.spaceName(&n.tables, in.Index) != "" || p.spaceName(&n.tables, in.Index2) != "" ||
			in.Index != 0 || in.Index2 != 0 {
			p.ref(&n.tables, in.Index, printSpace)
			p.ref(&n.tables, in.Index2, printSpace)
		}
		p.newline(false)
	case ir.ImmMemoryPair:
		p.puts(info.Name, printSpace)
		if in.Index != 0 || in.Index2 != 0 {
			p.ref(&n.memories, in.Index, printSpace)
			p.ref(&n.memories, in.Index2, printSpace)
		}
		p.newline(false)
	case ir.ImmTableInit:
		p.puts(info.Name, printSpace)
		p.refUnlessZero(&n.tables, in.Index2, printSpace)
		p.ref(&n.elems, in.Index, printNewline)
	case ir.ImmMemoryInit:
		p.puts(info.Name, printSpace)
		p.memoryUnlessZero(in.Index2, printSpace)
		p.ref(&n.datas, in.Index, printSpace)
		p.newline(false)
	case ir.ImmData:
		p.puts(info.Name, printSpace)
		p.ref(&n.datas, in.Index, printNewline)
	case ir.ImmElem:
		p.puts(info.Name, printSpace)
		p.ref(&n.elems, in.Index, printNewline)
	case ir.ImmI32:
		p.puts(info.Name, printSpace)
		p.putInt(int64(int32(uint32(in.Value))))
		p.newline(false)
	case ir.ImmI64:
		p.puts(info.Name, printSpace)
		p.putInt(int64(in.Value))
		p.newline(false)
	case ir.ImmF32:
		p.puts(info.Name, printSpace)
		p.f32(uint32(in.Value))
		p.newline(false)
	case ir.ImmF64:
		p.puts(info.Name, printSpace)
		p.f64(in.Value)
		p.newline(false)
	case ir.ImmV128:
		p.puts(info.Name, printSpace)
		p.v128(in)
		p.newline(false)
	case ir.ImmSelect:
		p.puts(info.Name, printSpace)
		if len(in.SelectTypes()) == 0 {
			// Typed, with no type: invalid, but not the untyped select.
			p.puts("(result)", printSpace)
		}
		p.types(in.SelectTypes(), "result")
		p.newline(false)
	case ir.ImmHeapType:
		p.puts(info.Name, printSpace)
		p.heapType(in.HeapType(), printNewline)
	case ir.ImmTag:
		p.puts(info.Name, printSpace)
		p.ref(&n.tags, in.Index, printNewline)
	case ir.ImmType:
		p.puts(info.Name, printSpace)
		p.ref(&n.types, in.Index, printNewline)
	case ir.ImmRefType:
		p.puts(info.Name, printSpace)
		p.valType(in.RefType(), printNewline)
	case ir.ImmStructField:
		p.puts(info.Name, printSpace)
		p.ref(&n.types, in.Index, printSpace)
		if name := p.fieldName(in.Index, in.Index2); name != "" {
			p.puts(name, printNewline)
		} else {
			p.putUint(uint64(in.Index2))
			p.next = printNewline
		}
	case ir.ImmArrayFixed:
		p.puts(info.Name, printSpace)
		p.ref(&n.types, in.Index, printSpace)
		p.putUint(uint64(in.Index2))
		p.next = printNewline
	case ir.ImmArrayData:
		p.puts(info.Name, printSpace)
		p.ref(&n.types, in.Index, printSpace)
		p.ref(&n.datas, in.Index2, printNewline)
	case ir.ImmArrayElem:
		p.puts(info.Name, printSpace)
		p.ref(&n.types, in.Index, printSpace)
		p.ref(&n.elems, in.Index2, printNewline)
	case ir.ImmTypePair:
		p.puts(info.Name, printSpace)
		p.ref(&n.types, in.Index, printSpace)
		p.ref(&n.types, in.Index2, printNewline)
	case ir.ImmBrOnCast:
		p.puts(info.Name, printSpace)
		p.branch(in, 0, in.Index, printSpace)
		from, to := in.CastTypes()
		p.valType(from, printSpace)
		p.valType(to, printNewline)
	default: // ImmNone, ImmFence; ImmBlock and the try shapes only in malformed trees
		p.puts(info.Name, printNewline)
	}
}

// fieldName is the printed name of field of type typ, "" if unnamed.
func (p *printer) fieldName(typ, field uint32) string {
	if p.rawIndices || p.names.fields == nil {
		return ""
	}
	s := p.names.fields[typ]
	return s.get(field)
}

// meta writes an instruction's code metadata annotations before it:
// (@metadata.code.branch_hint "\01").
func (p *printer) meta(in *ir.Instr) {
	for _, m := range in.Meta() {
		if id := metaPrefix + m.Name; printSanitize(id) == id && m.Name != "" {
			p.puts("(@"+id, printSpace)
		} else {
			p.puts("(@", printNone)
			p.quotedString(id, printSpace)
		}
		p.quoted(m.Data, printNone)
		p.puts(")", printSpace)
	}
}

// v128 writes a v128.const immediate as wabt does: four hex i32 lanes.
func (p *printer) v128(in *ir.Instr) {
	const hex = "0123456789abcdef"
	p.writeNext()
	b := append(p.num[:0], "i32x4"...)
	for lane := 0; lane < 4; lane++ {
		w := in.Value
		if lane >= 2 {
			w = in.V128Hi()
		}
		v := uint32(w >> (32 * (lane & 1)))
		b = append(b, " 0x"...)
		for s := 28; s >= 0; s -= 4 {
			b = append(b, hex[v>>s&0xf])
		}
	}
	p.num = b
	p.out = append(p.out, b...)
	p.next = printSpace
}
