package wat

import (
	"github.com/watt-wasm/watt/ir"
)

// lookupOp resolves the instruction keyword at the current token, checking
// that its feature is enabled.
func (p *parser) lookupOp() ir.Op {
	if p.tok.kind != scanKeyword {
		p.unexpected("an instruction")
	}
	e := parseLookupOpEntry(p.text())
	if e == nil || e.alias && !p.features.Has(ir.FeatureLegacyNames) || parseNotInstr[e.op] {
		if parseIsSyntaxKeyword(p.text()) {
			// A keyword the spec's lexer knows, in the wrong place.
			p.fail("unexpected token " + p.tokenSnippet() + ", expected an instruction")
		}
		p.fail("unknown operator " + p.tokenSnippet())
	}
	op := e.op
	if f := op.Info().Feature; !p.features.Has(f) && !(op == ir.OpRefFunc && p.elemItems) {
		p.fail(p.tokenSnippet() + ": instruction requires " + f.Flag())
	}
	return op
}

// parseNotInstr marks the table's rows that are structure of block
// instructions (else, end, and the legacy try's catch, catch_all and
// delegate), never instructions on their own.
var parseNotInstr = func() (t [ir.NumOps]bool) {
	for _, op := range []ir.Op{ir.OpElse, ir.OpEnd, ir.OpCatch, ir.OpCatchAll, ir.OpDelegate} {
		t[op] = true
	}
	return
}()

// parseEndsSeq reports whether keyword b ends an instruction sequence:
// end and else, and a legacy try's catch, catch_all and delegate.
func parseEndsSeq(b []byte) bool {
	if c := b[0]; c != 'e' && c != 'c' && c != 'd' {
		return false // most instructions: one test
	}
	switch scanTransient(b) {
	case "end", "else", "catch", "catch_all", "delegate":
		return true
	}
	return false
}

// pushLabel reads an optional block label and pushes it.
func (p *parser) pushLabel() parseLabel {
	l := parseLabel{}
	if p.tok.kind == scanID {
		l.name = p.idKey(p.tok)
		p.next()
	}
	p.pushLabelEntry(l)
	return l
}

// pushLabelEntry pushes l, shadowing an outer label of the same name. A
// map from name to innermost stack index keeps label lookups O(1) however
// deep the nesting.
func (p *parser) pushLabelEntry(l parseLabel) {
	st := p.mod
	l.prev = -1
	if name := l.name; name != "" {
		if i, ok := st.labelTop[name]; ok {
			l.prev = i
		}
		if st.labelTop == nil {
			st.labelTop = map[string]int{}
		}
		st.labelTop[name] = len(st.labels)
	}
	st.labels = append(grown(st.labels), l)
}

// popLabel pops the innermost label and returns it.
func (p *parser) popLabel() parseLabel {
	st := p.mod
	l := st.labels[len(st.labels)-1]
	st.labels = st.labels[:len(st.labels)-1]
	if name := l.name; name != "" {
		if l.prev >= 0 {
			st.labelTop[name] = l.prev
		} else {
			delete(st.labelTop, name)
		}
	}
	return l
}

// resetLabels empties the label stack (a new function or expression).
func (p *parser) resetLabels() {
	p.mod.labels = p.mod.labels[:0]
	clear(p.mod.labelTop)
}

// checkEndLabel consumes the optional $id after end/else, which must repeat
// the block's label.
func (p *parser) checkEndLabel(l parseLabel) {
	if p.tok.kind != scanID {
		return
	}
	if l.name == "" || p.idKey(p.tok) != l.name {
		p.fail("mismatching label " + p.tokenSnippet())
	}
	p.next()
}

// parseBlockType reads a block's type use.
func (p *parser) parseBlockType(in *ir.Instr) {
	idx, ft, indexed := p.parseTypeUse(false, true)
	switch {
	case indexed:
		in.Block = ir.BlockOfIndex(idx)
	case len(ft.Results) == 1:
		in.Block = ir.BlockOf(ft.Results[0])
	}
}

// parseLabelIndex reads a label: a depth or a $id on the label stack.
func (p *parser) parseLabelIndex() uint32 {
	switch p.tok.kind {
	case scanNumber:
		return p.parseU32()
	case scanID:
		if i, ok := p.mod.labelTop[p.idKey(p.tok)]; ok {
			p.next()
			return uint32(len(p.mod.labels) - 1 - i)
		}
		p.fail("unknown label " + p.tokenSnippet())
	}
	p.unexpected("a label")
	return 0
}

// parseLocalIndex reads a local: an index or a $id of the function.
func (p *parser) parseLocalIndex() uint32 {
	if p.tok.kind == scanID {
		idx, ok := p.mod.locals[p.idKey(p.tok)]
		if !ok {
			p.fail("unknown local " + p.tokenSnippet())
		}
		p.next()
		return idx
	}
	if p.tok.kind != scanNumber {
		p.unexpected("a local index")
	}
	return p.parseU32()
}

// parseImmediates reads the immediates of in.Op by its table shape.
func (p *parser) parseImmediates(in *ir.Instr) {
	info := in.Op.Info()
	switch info.Imm {
	case ir.ImmNone:
		if in.Op == ir.OpSelect && p.isOpen("result") {
			in.Op = ir.OpSelectTyped
			if !p.features.Has(ir.OpSelectTyped.Info().Feature) {
				p.fail("select: typed select requires " + ir.OpSelectTyped.Info().Feature.Flag())
			}
			var types []ir.ValType
			for p.isOpen("result") {
				p.next()
				p.next()
				for p.tok.kind != scanRParen {
					types = append(types, p.parseValType())
				}
				p.next()
			}
			in.SetSelectTypes(types)
		}
	case ir.ImmLabel:
		in.Index = p.parseLabelIndex()
	case ir.ImmBrTable:
		var labels []uint32
		for p.isIndex() {
			labels = append(labels, p.parseLabelIndex())
		}
		if len(labels) == 0 {
			p.unexpected("a label")
		}
		in.Index = labels[len(labels)-1]
		if len(labels) > 1 {
			in.SetBrLabels(labels[: len(labels)-1 : len(labels)-1])
		}
	case ir.ImmFunc:
		in.Index = p.parseIndex(spaceFunc)
	case ir.ImmCallIndirect:
		if p.isIndex() {
			in.Index2 = p.parseIndex(spaceTable)
		}
		in.Index, _, _ = p.parseTypeUse(false, false)
	case ir.ImmLocal:
		in.Index = p.parseLocalIndex()
	case ir.ImmGlobal:
		in.Index = p.parseIndex(spaceGlobal)
	case ir.ImmTable:
		if p.isIndex() {
			in.Index = p.parseIndex(spaceTable)
		}
	case ir.ImmMemory:
		if p.isIndex() {
			in.Index = p.parseIndex(spaceMemory)
		}
	case ir.ImmMemArg:
		p.parseMemArg(in, info)
	case ir.ImmMemArgLane:
		// memidx? memarg lane: a leading index is the memory only when
		// another number or a memarg keyword follows it.
		if p.features.Has(ir.FeatureMultiMemory) && (p.tok.kind == scanID || p.tok.kind == scanNumber && p.memArgFollows()) {
			in.Mem.Memory = p.parseIndex(spaceMemory)
		}
		p.parseMemArgFields(in, info)
		in.Lane = p.parseLane()
	case ir.ImmLane:
		in.Lane = p.parseLane()
	case ir.ImmShuffle:
		var b [16]byte
		for i := range b {
			b[i] = p.parseShuffleLane()
		}
		if p.tok.kind == scanNumber {
			p.fail("invalid lane length: i8x16.shuffle takes 16 lane indices")
		}
		in.SetV128Bytes(b)
	case ir.ImmTablePair:
		if p.isIndex() {
			in.Index = p.parseIndex(spaceTable)
			in.Index2 = p.parseIndex(spaceTable)
		}
	case ir.ImmMemoryPair:
		if p.isIndex() {
			in.Index = p.parseIndex(spaceMemory)
			in.Index2 = p.parseIndex(spaceMemory)
		}
	case ir.ImmTableInit:
		// table.init elemidx | table.init tableidx elemidx
		if p.twoIndices() {
			in.Index2 = p.parseIndex(spaceTable)
		}
		in.Index = p.parseIndex(spaceElem)
	case ir.ImmMemoryInit:
		if p.twoIndices() {
			in.Index2 = p.parseIndex(spaceMemory)
		}
		in.Index = p.parseIndex(spaceData)
	case ir.ImmData:
		in.Index = p.parseIndex(spaceData)
	case ir.ImmElem:
		in.Index = p.parseIndex(spaceElem)
	case ir.ImmI32:
		in.Value = p.parseIntConst(32)
	case ir.ImmI64:
		in.Value = p.parseIntConst(64)
	case ir.ImmF32:
		in.Value = p.parseFloatConst(32)
	case ir.ImmF64:
		in.Value = p.parseFloatConst(64)
	case ir.ImmV128:
		var hi uint64
		in.Value, hi, _ = p.parseV128Const()
		in.SetV128Hi(hi)
	case ir.ImmHeapType:
		in.SetHeapType(p.parseHeapType())
	case ir.ImmTag:
		in.Index = p.parseIndex(spaceTag)
	case ir.ImmType:
		in.Index = p.parseIndex(spaceType)
	case ir.ImmRefType:
		t := p.parseRefType()
		if t.Nullable() {
			in.Op = parseNullVariant(in.Op)
		}
		in.SetRefType(t)
	case ir.ImmStructField:
		in.Index = p.parseIndex(spaceType)
		in.Index2 = p.parseFieldIndex(in.Index)
	case ir.ImmArrayFixed:
		in.Index = p.parseIndex(spaceType)
		in.Index2 = p.parseU32()
	case ir.ImmArrayData:
		in.Index = p.parseIndex(spaceType)
		in.Index2 = p.parseIndex(spaceData)
	case ir.ImmArrayElem:
		in.Index = p.parseIndex(spaceType)
		in.Index2 = p.parseIndex(spaceElem)
	case ir.ImmTypePair:
		in.Index = p.parseIndex(spaceType)
		in.Index2 = p.parseIndex(spaceType)
	case ir.ImmBrOnCast:
		in.Index = p.parseLabelIndex()
		from := p.parseRefType()
		in.SetCastTypes(from, p.parseRefType())
	case ir.ImmSelect:
		// Only OpSelectTyped has this shape; it is reached through
		// "select" (ImmNone) above, never looked up directly.
	case ir.ImmFence:
	}
}

// parseNullVariant returns the row of op for a nullable target type
// (ref.test (ref null t) is another opcode than ref.test (ref t)): in the
// opcode table it is the next row, with the same name.
func parseNullVariant(op ir.Op) ir.Op {
	if next := op + 1; next < ir.NumOps && next.Info().Name == op.Info().Name && next.Info().Imm == op.Info().Imm {
		return next
	}
	return op
}

// twoIndices reports whether the current and the next token are indices.
func (p *parser) twoIndices() bool {
	if !p.isIndex() {
		return false
	}
	t := p.peek()
	return t.kind == scanNumber || t.kind == scanID
}

// memArgFollows reports whether the token after the current number is a
// number or a memarg keyword (so the current one is a memory index).
func (p *parser) memArgFollows() bool {
	t := p.peek()
	if t.kind == scanNumber {
		return true
	}
	if t.kind == scanKeyword {
		b := p.tokText(t)
		return len(b) > 7 && string(b[:7]) == "offset=" || len(b) > 6 && string(b[:6]) == "align="
	}
	return false
}

// parseMemArg reads memidx? offset=? align=?; the memory index needs
// multi-memory, as in wabt.
func (p *parser) parseMemArg(in *ir.Instr, info *ir.OpInfo) {
	if p.features.Has(ir.FeatureMultiMemory) && p.isIndex() {
		in.Mem.Memory = p.parseIndex(spaceMemory)
	}
	p.parseMemArgFields(in, info)
}

func (p *parser) parseMemArgFields(in *ir.Instr, info *ir.OpInfo) {
	in.Mem.Align = in.Op.NaturalAlign()
	if p.tok.kind != scanKeyword {
		return
	}
	if b := p.text(); len(b) > 7 && string(b[:7]) == "offset=" {
		bits := uint(32)
		if p.features.Has(ir.FeatureMemory64) {
			bits = 64
		}
		v, msg := literalUnsigned(b[7:], bits)
		if msg == "constant out of range" {
			p.fail("i32 constant out of range: offset")
		} else if msg != "" {
			p.fail("unknown operator " + p.tokenSnippet())
		}
		in.Mem.Offset = v
		p.next()
	}
	if p.tok.kind != scanKeyword {
		return
	}
	if b := p.text(); len(b) > 6 && string(b[:6]) == "align=" {
		v, msg := literalUnsigned(b[6:], 64)
		if msg == "constant out of range" {
			p.fail("i32 constant out of range: align")
		} else if msg != "" {
			p.fail("unknown operator " + p.tokenSnippet())
		}
		if v == 0 || v&(v-1) != 0 {
			p.fail("alignment must be a power of two")
		}
		var log uint32
		for v > 1 {
			v >>= 1
			log++
		}
		in.Mem.Align = log
		p.next()
	}
}

// parseLane reads the lane index of extract_lane, replace_lane and the
// lane loads and stores: a u8 written as a plain natural number.
func (p *parser) parseLane() byte {
	if p.tok.kind != scanNumber || p.text()[0] == '+' || p.text()[0] == '-' {
		p.unexpected("a lane index")
	}
	v, msg := literalUnsigned(p.text(), 8)
	switch msg {
	case "":
	case "constant out of range":
		p.badLane()
	default:
		p.unexpected("a lane index")
	}
	p.next()
	return byte(v)
}

// parseShuffleLane reads one of i8x16.shuffle's 16 lane indices; as in the
// spec interpreter, a missing one is "invalid lane length" and anything but
// a natural number below 256 is "malformed lane index".
func (p *parser) parseShuffleLane() byte {
	switch p.tok.kind {
	case scanNumber, scanKeyword:
	default:
		p.fail("invalid lane length: i8x16.shuffle takes 16 lane indices")
	}
	v, msg := literalUnsigned(p.text(), 8)
	if msg != "" {
		p.badLane()
	}
	p.next()
	return byte(v)
}

// badLane reports a lane index that is no u8: in the 3.0 spec
// interpreter's words, or, with the pre-3.0 text format
// (ir.FeatureLegacyNames), in the 2.0 interpreter's (their suites test
// each).
func (p *parser) badLane() {
	if p.features.Has(ir.FeatureLegacyNames) {
		p.fail("malformed lane index " + p.tokenSnippet())
	}
	p.fail("i8 constant out of range " + p.tokenSnippet())
}

// parseIntConst reads an i32 (bits 32) or i64 literal.
func (p *parser) parseIntConst(bits uint) uint64 {
	if p.tok.kind != scanNumber {
		if p.tok.kind == scanKeyword || p.tok.kind == scanReserved {
			p.constError("unexpected token")
		}
		p.unexpected("a number")
	}
	v, msg := literalInt(p.text(), bits)
	if msg != "" {
		p.constError(msg)
	}
	p.next()
	return v
}

// parseFloatConst reads an f32 (bits 32) or f64 literal.
func (p *parser) parseFloatConst(bits int) uint64 {
	if p.tok.kind != scanNumber && p.tok.kind != scanKeyword {
		if p.tok.kind == scanReserved {
			p.fail("unknown operator " + p.tokenSnippet())
		}
		p.unexpected("a number")
	}
	v, msg := literalFloat(p.text(), bits)
	if msg != "" {
		p.constError(msg)
	}
	p.next()
	return v
}

func (p *parser) constError(msg string) {
	if msg == "unexpected token" {
		if parseIsSyntaxKeyword(p.text()) {
			p.fail("unexpected token " + p.tokenSnippet() + ", expected a number")
		}
		// The spec's lexer does not know such a token at all.
		p.fail("unknown operator " + p.tokenSnippet())
	}
	p.fail(msg + " " + p.tokenSnippet())
}

// parseV128Shape reads a lane shape keyword.
func (p *parser) parseV128Shape() V128Shape {
	if p.tok.kind == scanKeyword {
		for s := ShapeI8x16; s <= ShapeF64x2; s++ {
			if scanTransient(p.text()) == s.String() {
				p.next()
				return s
			}
		}
	}
	p.unexpected("a lane shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)")
	return 0
}

// parseV128Const reads `shape lane*` and returns the 16 bytes as two
// little-endian halves.
func (p *parser) parseV128Const() (lo, hi uint64, shape V128Shape) {
	shape = p.parseV128Shape()
	n, bits := shape.Lanes(), shape.LaneBits()
	p.checkLaneCount(shape)
	var b [16]byte
	for i := 0; i < n; i++ {
		var v uint64
		if shape.IsFloat() {
			v = p.parseFloatConst(int(bits))
		} else {
			v = p.parseIntConst(bits)
		}
		for k := uint(0); k < bits/8; k++ {
			b[i*int(bits/8)+int(k)] = byte(v >> (8 * k))
		}
	}
	for i := 0; i < 8; i++ {
		lo |= uint64(b[i]) << (8 * i)
		hi |= uint64(b[8+i]) << (8 * i)
	}
	return lo, hi, shape
}

// checkLaneCount requires exactly shape.Lanes() literal tokens before the
// next parenthesis; like the spec interpreter it counts before it parses
// the lanes, so a wrong count wins over a bad lane.
func (p *parser) checkLaneCount(shape V128Shape) {
	s := scanner{src: p.data, off: p.tok.end} // independent of any lookahead
	count := 0
	for t := p.tok; parseIsLaneLiteral(t, p.data); t = s.next() {
		count++
		if count > 16 {
			break
		}
	}
	if count != shape.Lanes() {
		p.fail("wrong number of lane literals: " + shape.String() + " takes " + parseItoa(uint64(shape.Lanes())))
	}
}

// parseIsSyntaxKeyword reports whether b is a keyword of the text format
// that is not an instruction (the spec's parser says "unexpected token"
// for those, "unknown operator" for words it does not know at all).
func parseIsSyntaxKeyword(b []byte) bool {
	switch scanTransient(b) {
	case "module", "type", "func", "param", "result", "local", "global", "table", "memory",
		"elem", "data", "import", "export", "start", "offset", "item", "declare", "mut",
		"then", "else", "end", "funcref", "externref", "extern", "ref", "null",
		"i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
		"shared", "binary", "quote", "register", "invoke", "get", "either",
		"nan:canonical", "nan:arithmetic", "inf", "nan",
		"tag", "rec", "sub", "final", "struct", "array", "field", "i8", "i16",
		"catch", "catch_ref", "catch_all", "catch_all_ref", "do", "delegate",
		"definition", "instance", "script", "input", "output", "thread", "wait":
		return true
	}
	b0 := scanTransient(b)
	return len(b0) > 7 && b0[:7] == "offset=" || len(b0) > 6 && b0[:6] == "align=" ||
		len(b0) > 7 && b0[:7] == "assert_"
}

// parseIsLaneLiteral reports whether t can be a v128 lane: a number, a
// float keyword (inf, nan, nan:…) or a malformed numeric token; not the
// next instruction's keyword.
func parseIsLaneLiteral(t scanToken, data []byte) bool {
	switch t.kind {
	case scanNumber, scanReserved:
		return true
	case scanKeyword:
		b := data[t.start:t.end]
		return len(b) >= 3 && (string(b[:3]) == "nan" || string(b[:3]) == "inf")
	}
	return false
}
