package wat

import (
	"github.com/watt-wasm/watt/ir"
)

// parseModuleFields parses module fields from the current token up to the
// ')' or end of input that ends them (not consumed). It runs the collecting
// pass first, then rewinds and parses for real.
func (p *parser) parseModuleFields(name string) *ir.Module {
	outer := p.mod
	defer func() { p.mod = outer }()
	if m := p.parseModuleFieldsParallel(name); m != nil {
		return m
	}
	return p.parseModuleFieldsOnce(name, false)
}

// parseModuleFieldsOnce parses the module fields; with parallel, function
// bodies and data segments are deferred to parallel workers when that
// pays (parse_parallel.go).
func (p *parser) parseModuleFieldsOnce(name string, parallel bool) *ir.Module {
	p.mod = newModuleState()
	m := p.mod.m
	m.Name = name

	// Annotations before the first field belong to the main pass; the
	// collecting pass does not look at annotations.
	lead, leadAt := append([]parseAnnot(nil), p.annots...), p.annotsAt
	p.annots = p.annots[:0]
	start := p.tok.start
	p.annotsOff = true
	p.sc.sawAnnot = false
	p.resolveCollect()
	p.annotsOff = false
	p.mod.presize()
	p.mod.count = [numSpaces]uint32{}
	p.parseTypeFields()
	p.resetTo(start)
	p.annots, p.annotsAt = append(p.annots[:0], lead...), leadAt
	if name, ok := p.takeName("module"); ok {
		m.Name = name
	}
	deferring := parallel && p.shouldDefer(start, len(lead) > 0)

	for field := 0; p.tok.kind == scanLParen; field++ {
		p.takeCustoms()
		open := p.tok.start
		p.next()
		if p.tok.kind != scanKeyword {
			p.unexpected("a module field")
		}
		kwStart := p.tok.start
		kw := scanTransient(p.text())
		p.next()
		deferField := -1 // field's number when its body may be deferred
		if deferring && field < len(p.mod.spans) && int(p.mod.spans[field].open) == open {
			deferField = field
		}
		switch kw {
		case "type", "rec":
			p.skipForm(open) // parsed by parseTypeFields
		case "tag":
			p.parseTagField()
		case "func":
			p.parseFuncField(deferField)
		case "table":
			p.parseTableField(kwStart)
		case "memory":
			p.parseMemoryField(kwStart)
		case "global":
			p.parseGlobalField()
		case "import":
			p.parseImportField()
		case "export":
			p.parseExportField()
		case "start":
			p.parseStartField(open)
		case "elem":
			p.parseElemField(open)
		case "data":
			p.parseDataField(open, deferField)
		default:
			p.failAt(kwStart, "unknown operator "+string(p.data[kwStart:p.tokEndAt(kwStart)])+", expected a module field")
		}
	}
	p.takeCustoms()
	if p.tok.kind != scanRParen && p.tok.kind != scanEOF {
		p.unexpected("a module field")
	}
	if len(p.annots) > 0 {
		p.misplacedAnnot()
	}
	p.mod.sortCustoms()
	if len(p.mod.jobs) > 0 {
		p.runJobs()
	}
	p.mod.trimEmpty()
	return m
}

// tokEndAt returns the end of the token starting at off (for messages).
func (p *parser) tokEndAt(off int) int {
	s := scanner{src: p.data, off: off}
	t := s.next()
	if t.kind == scanError {
		return off
	}
	return t.end
}

// parseInlineExports reads (export "name")* for the entity idx of kind.
func (p *parser) parseInlineExports(kind ir.ExternKind, idx uint32) {
	for p.isOpen("export") {
		pos := ir.PosAt(p.tok.start)
		p.next()
		p.next()
		name := p.parseName()
		p.expectRParen()
		p.mod.m.Exports = append(p.mod.m.Exports, ir.Export{Name: name, Kind: kind, Index: idx, Pos: pos})
	}
}

// parseInlineImport reads an optional (import "m" "n") and checks that no
// definition came before it.
func (p *parser) parseInlineImport() (mod, name string, ok bool) {
	if !p.isOpen("import") {
		return "", "", false
	}
	p.checkImportOrder()
	p.next()
	p.next()
	mod = p.parseName()
	name = p.parseName()
	p.expectRParen()
	return mod, name, true
}

// checkImportOrder rejects an import after a definition, as the spec does.
func (p *parser) checkImportOrder() {
	st := p.mod
	switch {
	case st.sawFunc:
		p.fail("import after function")
	case st.sawTable:
		p.fail("import after table")
	case st.sawMemory:
		p.fail("import after memory")
	case st.sawGlobal:
		p.fail("import after global")
	case st.sawTag:
		p.fail("import after tag")
	}
}

func (p *parser) setName(nm *ir.NameMap, idx uint32, name string) {
	if name == "" {
		return
	}
	if *nm == nil {
		*nm = ir.NameMap{}
	}
	(*nm)[idx] = name
}

// nextIndex returns the index of the next entity of space (main pass).
func (p *parser) nextIndex(space parseSpace) uint32 {
	i := p.mod.count[space]
	p.mod.count[space]++
	return i
}

// parseFuncField parses a function field after its keyword. With field >=
// 0 (the field's number), the body is deferred to a parallel worker and
// skipped.
func (p *parser) parseFuncField(field int) {
	st := p.mod
	m := st.m
	pos := ir.PosAt(p.tok.start)
	name, _, _ := p.optID()
	idx := p.nextIndex(spaceFunc)
	p.setName(&m.Names.Funcs, idx, name)
	p.nameAnnot(&m.Names.Funcs, idx)
	p.parseInlineExports(ir.ExternFunc, idx)
	if mod, field, ok := p.parseInlineImport(); ok {
		typeIdx, _, _ := p.parseTypeUse(true, false)
		p.importParamNames(idx)
		p.expectRParen()
		m.Imports = append(m.Imports, ir.Import{Module: mod, Name: field, Kind: ir.ExternFunc, Func: typeIdx, Pos: pos})
		return
	}
	st.sawFunc = true
	typeIdx, ft, _ := p.parseTypeUse(true, false)
	fn := ir.Func{Type: typeIdx, Pos: pos}

	// Locals: params first, then (local …) declarations.
	clear(st.locals)
	st.localNames = nil
	st.numLocals = uint32(len(ft.Params))
	for _, pn := range st.paramNames {
		p.defineLocal(pn.name, pn.index, pn.off)
	}
	for p.isOpen("local") {
		p.next()
		p.next()
		if p.tok.kind == scanID {
			name, off, _ := p.optID()
			p.defineLocal(name, st.numLocals, off)
			fn.AddLocals(1, p.parseValType())
			st.numLocals++
		} else {
			for p.tok.kind != scanRParen {
				fn.AddLocals(1, p.parseValType())
				st.numLocals++
			}
		}
		p.expectRParen()
	}
	if st.localNames != nil {
		if m.Names.Locals == nil {
			m.Names.Locals = map[uint32]ir.NameMap{}
		}
		m.Names.Locals[idx] = st.localNames
	}
	if field >= 0 {
		// The body is parsed by a worker, with this function's locals.
		job := parseJob{kind: jobFunc, field: int32(field), index: len(m.Funcs), start: p.tok.start}
		if len(st.locals) > 0 {
			job.locals, st.locals = st.locals, nil
		}
		st.jobs = append(st.jobs, job)
		m.Funcs = append(m.Funcs, fn)
		p.resetTo(int(st.spans[field].end))
		return
	}
	p.resetLabels()
	mark := len(p.instrs)
	p.inFunc = true
	p.parseInstrSeq()
	fn.Body = p.finishInstrs(mark)
	p.expectRParen()
	p.inFunc = false
	m.Funcs = append(m.Funcs, fn)
	// Constant expressions that follow must not see this function's locals.
	clear(st.locals)
}

// importParamNames records the named params of imported function idx:
// wabt writes them to the name section like those of defined functions.
func (p *parser) importParamNames(idx uint32) {
	st := p.mod
	if len(st.paramNames) == 0 {
		return
	}
	clear(st.locals)
	st.localNames = nil
	for _, pn := range st.paramNames {
		p.defineLocal(pn.name, pn.index, pn.off)
	}
	m := st.m
	if m.Names.Locals == nil {
		m.Names.Locals = map[uint32]ir.NameMap{}
	}
	m.Names.Locals[idx] = st.localNames
}

func (p *parser) defineLocal(name string, idx uint32, off int) {
	st := p.mod
	if st.locals == nil {
		st.locals = map[string]uint32{}
	}
	if _, dup := st.locals[name]; dup {
		p.failAt(off, "duplicate local $"+name)
	}
	st.locals[name] = idx
	if st.localNames == nil {
		st.localNames = ir.NameMap{}
	}
	st.localNames[idx] = name
}

// parseLimits reads min max?. With memory64 the numbers are 64-bit
// whatever the address type (the 3.0 text format; the validator checks
// the ranges); without, 32-bit ones, as in 2.0.
func (p *parser) parseLimits(is64 bool) ir.Limits {
	var l ir.Limits
	read := p.parseU32AsU64
	if is64 || p.features.Has(ir.FeatureMemory64) {
		read = p.parseU64
	}
	l.Min = read()
	if p.tok.kind == scanNumber {
		l.Max, l.HasMax = read(), true
	}
	l.Is64 = is64
	return l
}

func (p *parser) parseU32AsU64() uint64 { return uint64(p.parseU32()) }

// parseTableType reads (i32|i64)? limits reftype.
func (p *parser) parseTableType() ir.TableType {
	l := p.parseLimits(p.parseAddrType("table"))
	return ir.TableType{Limits: l, Elem: p.parseRefType()}
}

// parseAddrType reads an optional address type, i32 or i64, and reports
// whether it is i64 (what is "table" or "memory", for messages).
func (p *parser) parseAddrType(what string) bool {
	switch {
	case p.isKeyword("i64"):
		if !p.features.Has(ir.FeatureMemory64) {
			p.fail("i64 " + what + " requires " + ir.FeatureMemory64.Flag())
		}
		p.next()
		return true
	case p.isKeyword("i32"):
		p.next()
	}
	return false
}

// parseMemoryType reads (i32|i64)? limits shared?.
func (p *parser) parseMemoryType() ir.MemoryType {
	var mt ir.MemoryType
	mt.Limits = p.parseLimits(p.parseAddrType("memory"))
	if p.isKeyword("shared") {
		if !p.features.Has(ir.FeatureThreads) {
			p.fail("shared memory requires " + ir.FeatureThreads.Flag())
		}
		mt.Shared = true
		p.next()
	}
	return mt
}

// parseGlobalType reads t or (mut t).
func (p *parser) parseGlobalType() ir.GlobalType {
	if p.isOpen("mut") {
		p.next()
		p.next()
		t := p.parseValType()
		p.expectRParen()
		return ir.GlobalType{Type: t, Mutable: true}
	}
	return ir.GlobalType{Type: p.parseValType()}
}

// parseTableField reads a table field after its keyword, which starts at
// kw: errors about the table point there, as wabt's do.
func (p *parser) parseTableField(kw int) {
	st := p.mod
	m := st.m
	pos := ir.PosAt(kw)
	name, _, _ := p.optID()
	idx := p.nextIndex(spaceTable)
	p.setName(&m.Names.Tables, idx, name)
	p.nameAnnot(&m.Names.Tables, idx)
	p.parseInlineExports(ir.ExternTable, idx)
	if mod, field, ok := p.parseInlineImport(); ok {
		tt := p.parseTableType()
		p.expectRParen()
		m.Imports = append(m.Imports, ir.Import{Module: mod, Name: field, Kind: ir.ExternTable, Table: tt, Pos: pos})
		return
	}
	st.sawTable = true
	is64 := p.parseAddrType("table")
	if p.tok.kind == scanNumber {
		tt := ir.TableType{Limits: p.parseLimits(is64)}
		tt.Elem = p.parseRefType()
		t := ir.Table{Type: tt, Pos: pos}
		if p.tok.kind != scanRParen {
			// A table initializer: the value every element starts as.
			if !p.features.Has(ir.FeatureFunctionReferences) {
				p.fail("table initializer requires " + ir.FeatureFunctionReferences.Flag())
			}
			t.Init = p.parseExprUntilRParen()
		}
		p.expectRParen()
		m.Tables = append(m.Tables, t)
		return
	}
	// reftype (elem …): a table sized to fit an active segment at 0.
	elemType := p.parseRefType()
	if !p.isOpen("elem") {
		p.unexpected("(elem")
	}
	elemPos := ir.PosAt(p.tok.start)
	p.next()
	p.next()
	e := ir.Elem{Mode: ir.SegmentActive, Table: idx, Type: elemType, Pos: elemPos}
	off := ir.Instr{Op: ir.OpI32Const, Pos: elemPos}
	if is64 {
		off.Op = ir.OpI64Const
	}
	e.Offset = p.constExpr(off)
	if p.isIndex() || p.tok.kind == scanRParen {
		e.Init = p.parseFuncIndexItems()
	} else {
		e.Init = p.parseElemExprItems()
	}
	p.expectRParen()
	p.expectRParen()
	n := uint64(len(e.Init))
	m.Tables = append(m.Tables, ir.Table{Type: ir.TableType{Elem: elemType, Limits: ir.Limits{Min: n, Max: n, HasMax: true, Is64: is64}}, Pos: pos})
	p.nextIndex(spaceElem)
	m.Elems = append(m.Elems, e)
}

// parseTagField parses (tag $id? (export …)* (import …)? typeuse).
func (p *parser) parseTagField() {
	st := p.mod
	m := st.m
	pos := ir.PosAt(p.tok.start)
	if !p.features.Has(ir.FeatureExceptions) {
		p.fail("tag requires " + ir.FeatureExceptions.Flag())
	}
	name, _, _ := p.optID()
	idx := p.nextIndex(spaceTag)
	p.setName(&m.Names.Tags, idx, name)
	p.nameAnnot(&m.Names.Tags, idx)
	p.parseInlineExports(ir.ExternTag, idx)
	if mod, field, ok := p.parseInlineImport(); ok {
		typeIdx, _, _ := p.parseTypeUse(true, false)
		p.expectRParen()
		m.Imports = append(m.Imports, ir.Import{Module: mod, Name: field, Kind: ir.ExternTag, Tag: typeIdx, Pos: pos})
		return
	}
	st.sawTag = true
	typeIdx, _, _ := p.parseTypeUse(true, false)
	p.expectRParen()
	m.Tags = append(m.Tags, ir.Tag{Type: typeIdx, Pos: pos})
}

// parseMemoryField reads a memory field after its keyword, which starts at
// kw: errors about the memory (its limits, sharing) point there, as wabt's
// do.
func (p *parser) parseMemoryField(kw int) {
	st := p.mod
	m := st.m
	pos := ir.PosAt(kw)
	name, _, _ := p.optID()
	idx := p.nextIndex(spaceMemory)
	p.setName(&m.Names.Memories, idx, name)
	p.nameAnnot(&m.Names.Memories, idx)
	p.parseInlineExports(ir.ExternMemory, idx)
	if mod, field, ok := p.parseInlineImport(); ok {
		mt := p.parseMemoryType()
		p.expectRParen()
		m.Imports = append(m.Imports, ir.Import{Module: mod, Name: field, Kind: ir.ExternMemory, Memory: mt, Pos: pos})
		return
	}
	st.sawMemory = true
	is64 := false
	if p.isKeyword("i64") || p.isKeyword("i32") {
		if p.peek().kind == scanLParen {
			is64 = p.isKeyword("i64")
			if is64 && !p.features.Has(ir.FeatureMemory64) {
				p.fail("i64 memory requires " + ir.FeatureMemory64.Flag())
			}
			p.next()
		}
	}
	if !p.isOpen("data") {
		mt := p.parseMemoryType()
		p.expectRParen()
		m.Memories = append(m.Memories, ir.Memory{Type: mt, Pos: pos})
		return
	}
	// (data "…"*): a memory sized to fit an active segment at 0.
	dataPos := ir.PosAt(p.tok.start)
	p.next()
	p.next()
	var bytes []byte
	for p.tok.kind == scanString {
		bytes = literalString(bytes, p.text())
		p.next()
	}
	p.expectRParen()
	p.expectRParen()
	pages := (uint64(len(bytes)) + ir.PageSize - 1) / ir.PageSize
	m.Memories = append(m.Memories, ir.Memory{Type: ir.MemoryType{Limits: ir.Limits{Min: pages, Max: pages, HasMax: true, Is64: is64}}, Pos: pos})
	off := ir.Instr{Op: ir.OpI32Const, Pos: dataPos}
	if is64 {
		off.Op = ir.OpI64Const
	}
	p.nextIndex(spaceData)
	m.Datas = append(m.Datas, ir.Data{Mode: ir.SegmentActive, Memory: idx, Offset: p.constExpr(off), Init: bytes, Pos: dataPos})
}

// constExpr allocates a one-instruction expression.
func (p *parser) constExpr(in ir.Instr) []ir.Instr {
	mark := len(p.instrs)
	p.instrs = append(p.instrs, in)
	return p.finishInstrs(mark)
}

func (p *parser) parseGlobalField() {
	st := p.mod
	m := st.m
	pos := ir.PosAt(p.tok.start)
	name, _, _ := p.optID()
	idx := p.nextIndex(spaceGlobal)
	p.setName(&m.Names.Globals, idx, name)
	p.nameAnnot(&m.Names.Globals, idx)
	p.parseInlineExports(ir.ExternGlobal, idx)
	if mod, field, ok := p.parseInlineImport(); ok {
		gt := p.parseGlobalType()
		p.expectRParen()
		m.Imports = append(m.Imports, ir.Import{Module: mod, Name: field, Kind: ir.ExternGlobal, Global: gt, Pos: pos})
		return
	}
	st.sawGlobal = true
	gt := p.parseGlobalType()
	init := p.parseExprUntilRParen()
	p.expectRParen()
	m.Globals = append(m.Globals, ir.Global{Type: gt, Init: init, Pos: pos})
}

// parseExprUntilRParen parses an instruction sequence (a constant
// expression) outside any function.
func (p *parser) parseExprUntilRParen() []ir.Instr {
	st := p.mod
	p.resetLabels()
	clear(st.locals)
	mark := len(p.instrs)
	p.parseInstrSeq()
	return p.finishInstrs(mark)
}

func (p *parser) parseImportField() {
	st := p.mod
	m := st.m
	pos := ir.PosAt(p.tok.start)
	p.checkImportOrder()
	mod := p.parseName()
	field := p.parseName()
	p.expectLParen()
	imp := ir.Import{Module: mod, Name: field, Pos: pos}
	kwOff := p.tok.start
	switch {
	case p.isKeyword("func"):
		p.next()
		name, _, _ := p.optID()
		idx := p.nextIndex(spaceFunc)
		p.setName(&m.Names.Funcs, idx, name)
		p.nameAnnot(&m.Names.Funcs, idx)
		imp.Kind = ir.ExternFunc
		imp.Func, _, _ = p.parseTypeUse(true, false)
		p.importParamNames(idx)
	case p.isKeyword("table"):
		p.next()
		name, _, _ := p.optID()
		idx := p.nextIndex(spaceTable)
		p.setName(&m.Names.Tables, idx, name)
		p.nameAnnot(&m.Names.Tables, idx)
		imp.Kind = ir.ExternTable
		imp.Table = p.parseTableType()
	case p.isKeyword("memory"):
		p.next()
		name, _, _ := p.optID()
		idx := p.nextIndex(spaceMemory)
		p.setName(&m.Names.Memories, idx, name)
		p.nameAnnot(&m.Names.Memories, idx)
		imp.Kind = ir.ExternMemory
		imp.Memory = p.parseMemoryType()
	case p.isKeyword("global"):
		p.next()
		name, _, _ := p.optID()
		idx := p.nextIndex(spaceGlobal)
		p.setName(&m.Names.Globals, idx, name)
		p.nameAnnot(&m.Names.Globals, idx)
		imp.Kind = ir.ExternGlobal
		imp.Global = p.parseGlobalType()
	case p.isKeyword("tag"):
		if !p.features.Has(ir.FeatureExceptions) {
			p.fail("tag requires " + ir.FeatureExceptions.Flag())
		}
		p.next()
		name, _, _ := p.optID()
		idx := p.nextIndex(spaceTag)
		p.setName(&m.Names.Tags, idx, name)
		p.nameAnnot(&m.Names.Tags, idx)
		imp.Kind = ir.ExternTag
		imp.Tag, _, _ = p.parseTypeUse(true, false)
	default:
		p.failAt(kwOff, "unexpected token "+p.tokenSnippet()+", expected an import kind")
	}
	p.expectRParen()
	p.expectRParen()
	m.Imports = append(m.Imports, imp)
}

func (p *parser) parseExportField() {
	m := p.mod.m
	pos := ir.PosAt(p.tok.start)
	name := p.parseName()
	p.expectLParen()
	var ex ir.Export
	switch {
	case p.isKeyword("func"):
		p.next()
		ex = ir.Export{Kind: ir.ExternFunc, Index: p.parseIndex(spaceFunc)}
	case p.isKeyword("table"):
		p.next()
		ex = ir.Export{Kind: ir.ExternTable, Index: p.parseIndex(spaceTable)}
	case p.isKeyword("memory"):
		p.next()
		ex = ir.Export{Kind: ir.ExternMemory, Index: p.parseIndex(spaceMemory)}
	case p.isKeyword("global"):
		p.next()
		ex = ir.Export{Kind: ir.ExternGlobal, Index: p.parseIndex(spaceGlobal)}
	case p.isKeyword("tag"):
		p.next()
		ex = ir.Export{Kind: ir.ExternTag, Index: p.parseIndex(spaceTag)}
	default:
		p.unexpected("an export kind")
	}
	ex.Name, ex.Pos = name, pos
	p.expectRParen()
	p.expectRParen()
	m.Exports = append(m.Exports, ex)
}

func (p *parser) parseStartField(open int) {
	m := p.mod.m
	if m.Start != nil {
		p.failAt(open, "multiple start sections")
	}
	pos := ir.PosAt(open)
	idx := p.parseIndex(spaceFunc)
	p.expectRParen()
	m.Start = &ir.Start{Func: idx, Pos: pos}
}

// parseOffset reads (offset instr*) or a single folded instruction.
func (p *parser) parseOffset() []ir.Instr {
	if p.isOpen("offset") {
		p.next()
		p.next()
		e := p.parseExprUntilRParen()
		p.expectRParen()
		return e
	}
	if p.tok.kind != scanLParen {
		p.unexpected("an offset expression")
	}
	p.resetLabels()
	mark := len(p.instrs)
	p.parseFoldedInstr()
	return p.finishInstrs(mark)
}

// parseFuncIndexItems reads funcidx* as ref.func expressions.
func (p *parser) parseFuncIndexItems() [][]ir.Instr {
	var items [][]ir.Instr
	for p.isIndex() {
		pos := ir.PosAt(p.tok.start)
		idx := p.parseIndex(spaceFunc)
		items = append(items, p.constExpr(ir.Instr{Op: ir.OpRefFunc, Index: idx, Pos: pos}))
	}
	return items
}

// parseElemExprItems reads ((item instr*) | (instr))*. ref.func is allowed
// there without reference types, as in wabt: a list of them is an MVP
// segment's function indices.
func (p *parser) parseElemExprItems() [][]ir.Instr {
	p.elemItems = true
	defer func() { p.elemItems = false }()
	var items [][]ir.Instr
	for p.tok.kind == scanLParen {
		if p.isOpen("item") {
			p.next()
			p.next()
			items = append(items, p.parseExprUntilRParen())
			p.expectRParen()
			continue
		}
		p.resetLabels()
		mark := len(p.instrs)
		p.parseFoldedInstr()
		items = append(items, p.finishInstrs(mark))
	}
	return items
}

// parseElemList reads the element list after the mode: `func? funcidx*`
// or `reftype expr*`.
func (p *parser) parseElemList(e *ir.Elem, legacy bool) {
	switch {
	case p.isKeyword("func"):
		p.next()
		e.Type = p.elemFuncType()
		e.Init = p.parseFuncIndexItems()
	case legacy && (p.isIndex() || p.tok.kind == scanRParen):
		e.Type = p.elemFuncType()
		e.Init = p.parseFuncIndexItems()
	default:
		e.Type = p.parseRefType()
		e.Init = p.parseElemExprItems()
	}
}

// elemFuncType is the type of an element list of function indices: (ref
// func) in WebAssembly 3.0, funcref before typed function references,
// which had no non-null types (as the binary decoder reads the same form).
func (p *parser) elemFuncType() ir.ValType {
	if p.features.Has(ir.FeatureFunctionReferences) {
		return ir.Ref(false, ir.HeapFunc)
	}
	return ir.FuncRef
}

func (p *parser) parseElemField(open int) {
	m := p.mod.m
	e := ir.Elem{Pos: ir.PosAt(open)}
	name, _, _ := p.optID()
	idx := p.nextIndex(spaceElem)
	p.setName(&m.Names.Elems, idx, name)
	p.nameAnnot(&m.Names.Elems, idx)
	switch {
	case p.isKeyword("declare"):
		// Declarative segments came with reference types, on top of
		// bulk memory's segment forms.
		p.requireFeatures("declarative element segments", ir.FeatureBulkMemory, ir.FeatureReferenceTypes)
		p.next()
		e.Mode = ir.SegmentDeclarative
		p.parseElemList(&e, false)
	case p.isOpen("table"):
		p.next()
		p.next()
		e.Table = p.parseIndex(spaceTable)
		p.expectRParen()
		e.Offset = p.parseOffset()
		p.parseElemList(&e, false)
	case p.isIndex() && p.peek().kind == scanLParen:
		// Legacy: a bare table index before the offset.
		e.Table = p.parseIndex(spaceTable)
		e.Offset = p.parseOffset()
		p.parseElemList(&e, true)
	case p.tok.kind == scanLParen && !p.isOpen("ref"):
		e.Offset = p.parseOffset()
		p.parseElemList(&e, true)
	default:
		p.requireFeatures("passive element segments", ir.FeatureBulkMemory)
		e.Mode = ir.SegmentPassive
		p.parseElemList(&e, false)
	}
	p.expectRParen()
	m.Elems = append(m.Elems, e)
}

// requireFeatures fails at the current token, naming what and the first
// flag of fs that is off.
func (p *parser) requireFeatures(what string, fs ...ir.Feature) {
	for _, f := range fs {
		if !p.features.Has(f) {
			p.fail(what + " require " + f.Flag())
		}
	}
}

// parseDataField parses a data segment after its keyword; with field >= 0
// (the field's number) all after its $id is deferred to a parallel worker
// and skipped.
func (p *parser) parseDataField(open, field int) {
	st := p.mod
	m := st.m
	d := ir.Data{Pos: ir.PosAt(open)}
	name, _, _ := p.optID()
	idx := p.nextIndex(spaceData)
	p.setName(&m.Names.Datas, idx, name)
	p.nameAnnot(&m.Names.Datas, idx)
	if field >= 0 {
		st.deferData(field, len(m.Datas), p.tok.start)
		m.Datas = append(m.Datas, d)
		p.resetTo(int(st.spans[field].end))
		return
	}
	p.parseDataRest(&d)
	p.expectRParen()
	m.Datas = append(m.Datas, d)
}

// parseDataRest parses a data segment after its $id up to its ')'.
func (p *parser) parseDataRest(d *ir.Data) {
	switch {
	case p.isOpen("memory"):
		p.next()
		p.next()
		d.Memory = p.parseIndex(spaceMemory)
		p.expectRParen()
		d.Offset = p.parseOffset()
	case p.isIndex():
		d.Memory = p.parseIndex(spaceMemory)
		d.Offset = p.parseOffset()
	case p.tok.kind == scanLParen:
		d.Offset = p.parseOffset()
	default:
		p.requireFeatures("passive data segments", ir.FeatureBulkMemory)
		d.Mode = ir.SegmentPassive
	}
	if p.tok.kind == scanString && p.tok.end-p.tok.start >= 16<<10 {
		// A huge literal is decoded into one allocation no larger
		// than its text.
		for p.tok.kind == scanString {
			d.Init = literalString(d.Init, p.text())
			p.next()
		}
		return
	}
	// Decoded into scratch space first (the text of a string is up to
	// four times its bytes, and a segment can be many strings), then
	// copied into the arena.
	buf := p.strBuf[:0]
	for p.tok.kind == scanString {
		buf = literalString(buf, p.text())
		p.next()
	}
	p.strBuf = buf
	d.Init = p.copyBytes(buf)
}
