package binary

import (
	"math"

	"github.com/watt-wasm/watt/ir"
)

const (
	encodeBlockTypeNone = 0x40 // empty block type
	encodeSizeReserve   = 5    // bytes reserved for a u32 size, fixed up later
)

// moduleEncoder writes one module into a single growing buffer. Sizes of
// sections and function bodies are reserved as 5 bytes and fixed up to their
// shortest LEB128 once the contents are written.
type moduleEncoder struct {
	buf  []byte
	m    *ir.Module
	opts EncodeOptions
	err  *ir.Error // first error; output is discarded once set

	// usesDataCount records that a memory.init or data.drop was written:
	// only then does wabt keep the data count section.
	usesDataCount bool
	// typedFuncRefs: function-index element segments have type (ref func)
	// (EncodeOptions.Features).
	typedFuncRefs bool

	// Code metadata (encode_meta.go): the function being written, where
	// its body (locals) starts in buf (-1 outside function bodies), and
	// the items found so far; codeStart is where the code section begins.
	funcIndex uint32
	bodyStart int
	codeStart int
	meta      []codeMetaItem
	// metaNames are the code metadata section names the instructions
	// carry, when a custom section of such a name has to be left out.
	metaNames map[string]bool

	blocks []encodeBlock // open blocks (writeInstrs)

	// A code section written in parallel (encode_code.go): its function
	// entries stay in the chunks they were written into, parts holds the
	// output before buf, and keepParts returns them as they are
	// (EncodeBuffers) rather than joined.
	chunks    []encodeChunk
	parts     [][]byte
	keepParts bool
}

// fail records the first error.
func (e *moduleEncoder) fail(pos ir.Pos, format string, args ...any) {
	if e.err == nil {
		e.err = ir.Errorf(e.opts.Source, pos, ir.Malformed, "binary: "+format, args...)
	}
}

func (e *moduleEncoder) encodeModule() {
	m := e.m
	e.buf = make([]byte, 0, encodeEstimateSize(m))
	e.buf = append(append(e.buf, Magic...), 0x01, 0x00, 0x00, 0x00)
	for i := range m.Customs {
		if c := &m.Customs[i]; c.After > maxSectionID {
			e.fail(c.Pos, "custom section %q placed after unknown section id %d", c.Name, c.After)
			return
		}
	}
	e.metaNames = codeMetaNames(m)
	e.writeCustomsAfter(0)
	dataCountStart, dataCountEnd := -1, -1
	for _, id := range sectionOrder {
		switch id {
		case sectionType:
			e.writeTypeSection()
		case sectionImport:
			e.writeImportSection()
		case sectionFunction:
			e.writeFunctionSection()
		case sectionTable:
			e.writeTableSection()
		case sectionMemory:
			e.writeMemorySection()
		case sectionTag:
			e.writeTagSection()
		case sectionGlobal:
			e.writeGlobalSection()
		case sectionExport:
			e.writeExportSection()
		case sectionStart:
			e.writeStartSection()
		case sectionElem:
			e.writeElemSection()
		case sectionDataCount:
			if len(m.Datas) > 0 {
				dataCountStart = len(e.buf)
				start := e.beginSection(sectionDataCount)
				e.buf = appendULEB128(e.buf, uint64(len(m.Datas)))
				e.endSized(start, ir.NoPos)
				dataCountEnd = len(e.buf)
			}
		case sectionCode:
			e.writeCodeSection()
			e.insertCodeMetadata() // before the code section, after the data count
			// wabt keeps the data count section only when an instruction
			// needs it; drop the one written above otherwise.
			if dataCountStart >= 0 && !e.usesDataCount {
				e.buf = append(e.buf[:dataCountStart], e.buf[dataCountEnd:]...)
			}
			e.detachCode()
		case sectionData:
			e.writeDataSection()
		}
		if e.err != nil {
			return
		}
		e.writeCustomsAfter(id)
	}
	if e.opts.DebugNames {
		e.writeNameSection()
	}
	if len(e.parts) > 0 && !e.keepParts {
		e.buf = e.joinParts()
	}
}

// encodeEstimateSize guesses the output size from the instruction counts
// of the top-level bodies, so that large modules rarely regrow the buffer.
func encodeEstimateSize(m *ir.Module) int {
	n := 64 + 16*len(m.Types) + 16*len(m.Imports)
	for i := range m.Funcs {
		n += 4 + 3*len(m.Funcs[i].Body)
	}
	for i := range m.Datas {
		n += 8 + len(m.Datas[i].Init)
	}
	for i := range m.Customs {
		n += 8 + len(m.Customs[i].Name) + len(m.Customs[i].Data)
	}
	return n
}

// encodeBodyRoom is the free capacity ensured before each function body:
// enough for most bodies, so appends inside one rarely reallocate.
const encodeBodyRoom = 64 << 10

// ensureRoom doubles the buffer's capacity until n more bytes fit. Doubling
// (rather than append's gentler growth for large slices) keeps the bytes
// copied by regrowth below the output size.
func (e *moduleEncoder) ensureRoom(n int) {
	if cap(e.buf)-len(e.buf) >= n {
		return
	}
	c := max(2*cap(e.buf), len(e.buf)+n)
	buf := make([]byte, len(e.buf), c)
	copy(buf, e.buf)
	e.buf = buf
}

// beginSection writes a section id and reserves its size.
func (e *moduleEncoder) beginSection(id byte) int {
	e.buf = append(e.buf, id)
	return e.beginSized()
}

// beginSized reserves room for a size and returns where the sized contents
// start.
func (e *moduleEncoder) beginSized() int {
	e.buf = append(e.buf, 0, 0, 0, 0, 0)
	return len(e.buf)
}

// endSized writes the size of the contents begun at start in the shortest
// LEB128 and moves the contents down over the unused reserved bytes.
func (e *moduleEncoder) endSized(start int, pos ir.Pos) {
	size := len(e.buf) - start
	if uint64(size) > math.MaxUint32 {
		e.fail(pos, "section or function body of %d bytes exceeds the 4 GiB limit", size)
		return
	}
	at := start - encodeSizeReserve
	n := putULEB128(e.buf[at:], uint64(size))
	if n < encodeSizeReserve {
		copy(e.buf[at+n:], e.buf[start:])
		e.buf = e.buf[:len(e.buf)-(encodeSizeReserve-n)]
	}
}

// writeCustomsAfter writes the custom sections that followed section id,
// except those the encoder writes itself: the name section with
// DebugNames, code metadata sections the instructions carry.
func (e *moduleEncoder) writeCustomsAfter(id byte) {
	for i := range e.m.Customs {
		c := &e.m.Customs[i]
		if c.After != id || (e.opts.DebugNames && c.Name == "name") || e.metaNames[c.Name] {
			continue
		}
		start := e.beginSection(sectionCustom)
		e.writeName(c.Name)
		e.buf = append(e.buf, c.Data...)
		e.endSized(start, c.Pos)
	}
}

func (e *moduleEncoder) writeName(s string) {
	e.buf = appendULEB128(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *moduleEncoder) writeCount(n int) {
	e.buf = appendULEB128(e.buf, uint64(n))
}

func (e *moduleEncoder) writeImportSection() {
	if len(e.m.Imports) == 0 {
		return
	}
	start := e.beginSection(sectionImport)
	e.writeCount(len(e.m.Imports))
	for i := range e.m.Imports {
		im := &e.m.Imports[i]
		e.writeName(im.Module)
		e.writeName(im.Name)
		e.buf = append(e.buf, byte(im.Kind))
		switch im.Kind {
		case ir.ExternFunc:
			e.buf = appendULEB128(e.buf, uint64(im.Func))
		case ir.ExternTable:
			e.writeTableType(im.Table, im.Pos)
		case ir.ExternMemory:
			e.writeMemoryType(im.Memory, im.Pos)
		case ir.ExternGlobal:
			e.writeGlobalType(im.Global, im.Pos)
		case ir.ExternTag:
			e.buf = append(e.buf, 0) // attribute: exception
			e.buf = appendULEB128(e.buf, uint64(im.Tag))
		default:
			e.fail(im.Pos, "invalid import kind %d", im.Kind)
		}
	}
	e.endSized(start, ir.NoPos)
}

func (e *moduleEncoder) writeFunctionSection() {
	if len(e.m.Funcs) == 0 {
		return
	}
	start := e.beginSection(sectionFunction)
	e.writeCount(len(e.m.Funcs))
	for i := range e.m.Funcs {
		e.buf = appendULEB128(e.buf, uint64(e.m.Funcs[i].Type))
	}
	e.endSized(start, ir.NoPos)
}

func (e *moduleEncoder) writeTableSection() {
	if len(e.m.Tables) == 0 {
		return
	}
	start := e.beginSection(sectionTable)
	e.writeCount(len(e.m.Tables))
	for i := range e.m.Tables {
		t := &e.m.Tables[i]
		if t.Init != nil {
			// An initializer is written whenever the IR has one, even
			// ref.null of the element type, as wasm-tools does, so that
			// decoding gives the IR back.
			e.buf = append(e.buf, tableInitForm, 0)
			e.writeTableType(t.Type, t.Pos)
			e.writeExpr(t.Init)
			continue
		}
		e.writeTableType(t.Type, t.Pos)
	}
	e.endSized(start, ir.NoPos)
}

func (e *moduleEncoder) writeMemorySection() {
	if len(e.m.Memories) == 0 {
		return
	}
	start := e.beginSection(sectionMemory)
	e.writeCount(len(e.m.Memories))
	for i := range e.m.Memories {
		e.writeMemoryType(e.m.Memories[i].Type, e.m.Memories[i].Pos)
	}
	e.endSized(start, ir.NoPos)
}

func (e *moduleEncoder) writeTagSection() {
	if len(e.m.Tags) == 0 {
		return
	}
	start := e.beginSection(sectionTag)
	e.writeCount(len(e.m.Tags))
	for i := range e.m.Tags {
		e.buf = append(e.buf, 0) // attribute: exception
		e.buf = appendULEB128(e.buf, uint64(e.m.Tags[i].Type))
	}
	e.endSized(start, ir.NoPos)
}

func (e *moduleEncoder) writeGlobalSection() {
	if len(e.m.Globals) == 0 {
		return
	}
	start := e.beginSection(sectionGlobal)
	e.writeCount(len(e.m.Globals))
	for i := range e.m.Globals {
		g := &e.m.Globals[i]
		e.writeGlobalType(g.Type, g.Pos)
		e.writeExpr(g.Init)
	}
	e.endSized(start, ir.NoPos)
}

func (e *moduleEncoder) writeExportSection() {
	if len(e.m.Exports) == 0 {
		return
	}
	start := e.beginSection(sectionExport)
	e.writeCount(len(e.m.Exports))
	for i := range e.m.Exports {
		ex := &e.m.Exports[i]
		if ex.Kind > ir.ExternTag {
			e.fail(ex.Pos, "invalid export kind %d", ex.Kind)
			return
		}
		e.writeName(ex.Name)
		e.buf = append(e.buf, byte(ex.Kind))
		e.buf = appendULEB128(e.buf, uint64(ex.Index))
	}
	e.endSized(start, ir.NoPos)
}

func (e *moduleEncoder) writeStartSection() {
	if e.m.Start == nil {
		return
	}
	start := e.beginSection(sectionStart)
	e.buf = appendULEB128(e.buf, uint64(e.m.Start.Func))
	e.endSized(start, ir.NoPos)
}

func (e *moduleEncoder) writeElemSection() {
	if len(e.m.Elems) == 0 {
		return
	}
	start := e.beginSection(sectionElem)
	e.writeCount(len(e.m.Elems))
	for i := range e.m.Elems {
		e.writeElem(&e.m.Elems[i])
		if e.err != nil {
			return
		}
	}
	e.endSized(start, ir.NoPos)
}

// writeElem picks the segment's form as the spec and wabt do: function
// indices when every element is a single ref.func and the segment's type
// is the one that form has ((ref func) with typed function references,
// funcref before; see EncodeOptions.Features), expressions otherwise. An
// active segment names its table (flags 2 and 6) unless it is table 0 and
// the type is the one the short form implies (flags 0: function indices, 4:
// funcref expressions).
func (e *moduleEncoder) writeElem(el *ir.Elem) {
	if !el.Type.IsRef() || !el.Type.IsValid() {
		e.fail(el.Pos, "element segment type %s (%#x) is not a reference type", el.Type, uint32(el.Type))
		return
	}
	funcIndices := el.Type == ir.Ref(false, ir.HeapFunc) || (el.Type == ir.FuncRef && !e.typedFuncRefs)
	for _, init := range el.Init {
		if len(init) != 1 || init[0].Op != ir.OpRefFunc {
			funcIndices = false
			break
		}
	}
	var flags byte
	switch el.Mode {
	case ir.SegmentActive:
		if el.Table != 0 || (!funcIndices && el.Type != ir.FuncRef) {
			flags |= elemFlagExplicitTable
		}
	case ir.SegmentPassive:
		flags |= elemFlagPassive
	case ir.SegmentDeclarative:
		flags |= elemFlagPassive | elemFlagExplicitTable
	default:
		e.fail(el.Pos, "invalid element segment mode %d", el.Mode)
		return
	}
	if !funcIndices {
		flags |= elemFlagExprs
	}
	e.buf = append(e.buf, flags)
	if el.Mode == ir.SegmentActive {
		if flags&elemFlagExplicitTable != 0 {
			e.buf = appendULEB128(e.buf, uint64(el.Table))
		}
		e.writeExpr(el.Offset)
	}
	if flags&(elemFlagPassive|elemFlagExplicitTable) != 0 {
		if funcIndices {
			e.buf = append(e.buf, elemKindFunc)
		} else {
			e.writeRefType(el.Type, el.Pos, "an element segment")
		}
	}
	e.writeCount(len(el.Init))
	for _, init := range el.Init {
		if funcIndices {
			e.buf = appendULEB128(e.buf, uint64(init[0].Index))
		} else {
			e.writeExpr(init)
		}
	}
}

func (e *moduleEncoder) writeCodeSection() {
	if len(e.m.Funcs) == 0 {
		return
	}
	if e.writeCodeParallel() {
		return
	}
	start := e.beginSection(sectionCode)
	e.codeStart = start - encodeSizeReserve - 1
	e.writeCount(len(e.m.Funcs))
	imported := e.m.NumImported(ir.ExternFunc)
	for i := range e.m.Funcs {
		if e.writeFuncEntry(&e.m.Funcs[i], uint32(imported+i)); e.err != nil {
			return
		}
	}
	e.endSized(start, ir.NoPos)
}

// writeLocals writes the local declarations as runs. Runs are normalised
// again here (zero counts skipped, neighbours of one type merged) because
// wabt writes exactly one run per maximal group of equal types.
func (e *moduleEncoder) writeLocals(f *ir.Func) {
	runs := 0
	forEachLocalRun(f.Locals, func(uint32, ir.ValType) { runs++ })
	e.writeCount(runs)
	forEachLocalRun(f.Locals, func(n uint32, t ir.ValType) {
		e.buf = appendULEB128(e.buf, uint64(n))
		e.writeValType(t, f.Pos, "local declarations")
	})
}

// forEachLocalRun calls fn for each maximal run of one type (split only
// where a count would overflow 32 bits).
func forEachLocalRun(runs []ir.LocalRun, fn func(n uint32, t ir.ValType)) {
	var cur ir.LocalRun
	for _, r := range runs {
		if r.Count == 0 {
			continue
		}
		if cur.Count > 0 && r.Type == cur.Type && uint64(cur.Count)+uint64(r.Count) <= math.MaxUint32 {
			cur.Count += r.Count
			continue
		}
		if cur.Count > 0 {
			fn(cur.Count, cur.Type)
		}
		cur = r
	}
	if cur.Count > 0 {
		fn(cur.Count, cur.Type)
	}
}

func (e *moduleEncoder) writeDataSection() {
	if len(e.m.Datas) == 0 {
		return
	}
	start := e.beginSection(sectionData)
	e.writeCount(len(e.m.Datas))
	for i := range e.m.Datas {
		d := &e.m.Datas[i]
		switch d.Mode {
		case ir.SegmentActive:
			if d.Memory != 0 {
				e.buf = append(e.buf, dataFlagExplicitMemory)
				e.buf = appendULEB128(e.buf, uint64(d.Memory))
			} else {
				e.buf = append(e.buf, 0)
			}
			e.writeExpr(d.Offset)
		case ir.SegmentPassive:
			e.buf = append(e.buf, dataFlagPassive)
		default:
			e.fail(d.Pos, "invalid data segment mode %d", d.Mode)
			return
		}
		e.writeCount(len(d.Init))
		e.buf = append(e.buf, d.Init...)
	}
	e.endSized(start, ir.NoPos)
}
