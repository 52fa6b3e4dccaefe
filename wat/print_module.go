package wat

import "github.com/watt-wasm/watt/ir"

// module writes the module's fields in the order wabt's binary reader
// creates them: the binary format's section order.
func (p *printer) module() {
	m := p.m
	p.buildInlineExports()
	p.open("module", printSpace)
	if p.names.module != "" {
		p.puts(p.names.module, printNewline)
	} else {
		p.newline(false)
	}
	if p.opts.Layout != nil {
		p.layoutModule(p.opts.Layout)
		p.close(printNewline)
		p.writeNext()
		return
	}
	p.typeSection()
	var counts [5]uint32 // imports seen so far, by kind
	for i := range m.Imports {
		imp := &m.Imports[i]
		if imp.Kind > ir.ExternTag {
			p.fail(imp.Pos, ir.Malformed, "malformed import kind")
			continue
		}
		p.importField(imp, counts[imp.Kind])
		counts[imp.Kind]++
	}
	for i := range m.Funcs {
		p.funcField(&m.Funcs[i], counts[ir.ExternFunc]+uint32(i))
	}
	for i := range m.Tables {
		p.tableField(&m.Tables[i], counts[ir.ExternTable]+uint32(i))
	}
	for i := range m.Memories {
		p.memory(&m.Memories[i].Type, counts[ir.ExternMemory]+uint32(i))
	}
	for i := range m.Tags {
		p.tag(m.Tags[i].Type, counts[ir.ExternTag]+uint32(i))
		p.close(printNewline)
	}
	for i := range m.Globals {
		g := &m.Globals[i]
		p.beginGlobal(&g.Type, counts[ir.ExternGlobal]+uint32(i))
		p.initExpr(g.Init)
		p.close(printNewline)
	}
	for i := range m.Exports {
		p.export(i)
	}
	elemsNamed, datasNamed := p.namedSegments()
	if m.Start != nil {
		p.rawIndices = elemsNamed < len(m.Elems) || datasNamed < len(m.Datas)
		p.open("start", printSpace)
		p.ref(&p.names.funcs, m.Start.Func, printNone)
		p.close(printNewline)
	}
	for i := range m.Elems {
		p.elem(&m.Elems[i], uint32(i), i >= elemsNamed)
	}
	for i := range m.Datas {
		p.rawIndices = i >= datasNamed
		p.data(&m.Datas[i], uint32(i))
	}
	p.rawIndices = false
	if p.opts.Annotations {
		p.customs()
	}
	p.close(printNewline)
	p.writeNext()
}

func (p *printer) importField(imp *ir.Import, index uint32) {
	if !p.opts.InlineImports {
		p.open("import", printSpace)
		p.quotedString(imp.Module, printSpace)
		p.quotedString(imp.Name, printSpace)
	}
	switch imp.Kind {
	case ir.ExternFunc:
		p.beginFunc(index, imp.Func, true)
		p.close(printSpace)
	case ir.ExternTable:
		p.table(&imp.Table, index)
	case ir.ExternMemory:
		p.memory(&imp.Memory, index)
	case ir.ExternGlobal:
		p.beginGlobal(&imp.Global, index)
		p.close(printSpace)
	case ir.ExternTag:
		p.tag(imp.Tag, index)
		p.close(printSpace)
	}
	if p.opts.InlineImports {
		p.newline(false)
	} else {
		p.close(printNewline)
	}
}

// beginFunc writes "(func name (export ...) (import ...) (type N)", plus
// the signature for an inline import (the only place an import may spell
// it out).
func (p *printer) beginFunc(index, typeIndex uint32, imported bool) {
	p.open("func", printSpace)
	p.entity(&p.names.funcs, index)
	p.inlineExports(ir.ExternFunc, index)
	p.inlineImport(ir.ExternFunc, index)
	if l := p.opts.Layout; l != nil && !l.ExplicitType[index] {
		// As the text wrote it: the signature, without (type N).
		if imported {
			p.funcSig(p.funcType(typeIndex))
		}
		return
	}
	p.open("type", printSpace)
	p.ref(&p.names.types, typeIndex, printNone)
	p.close(printSpace)
	if imported && p.opts.InlineImports {
		p.funcSig(p.funcType(typeIndex))
	}
}

func (p *printer) beginGlobal(gt *ir.GlobalType, index uint32) {
	p.open("global", printSpace)
	p.entity(&p.names.globals, index)
	p.inlineExports(ir.ExternGlobal, index)
	p.inlineImport(ir.ExternGlobal, index)
	if gt.Mutable {
		p.open("mut", printSpace)
		p.valType(gt.Type, printSpace)
		p.close(printSpace)
	} else {
		p.valType(gt.Type, printSpace)
	}
}

func (p *printer) limits(l *ir.Limits, is64, shared bool) {
	if is64 {
		p.puts("i64", printSpace)
	}
	p.putUint(l.Min)
	if l.HasMax {
		p.putUint(l.Max)
	}
	if shared {
		p.puts("shared", printSpace)
	}
}

func (p *printer) table(tt *ir.TableType, index uint32) {
	p.beginTable(tt, index)
	p.close(printNewline)
}

func (p *printer) beginTable(tt *ir.TableType, index uint32) {
	p.open("table", printSpace)
	p.entity(&p.names.tables, index)
	p.inlineExports(ir.ExternTable, index)
	p.inlineImport(ir.ExternTable, index)
	p.limits(&tt.Limits, tt.Is64, false)
	p.valType(tt.Elem, printNone)
}

// tableField writes a defined table, with its initializer if it has one.
func (p *printer) tableField(t *ir.Table, index uint32) {
	p.beginTable(&t.Type, index)
	if len(t.Init) > 0 {
		p.next = printSpace
		p.initExpr(t.Init)
	}
	p.close(printNewline)
}

func (p *printer) memory(mt *ir.MemoryType, index uint32) {
	p.open("memory", printSpace)
	p.entity(&p.names.memories, index)
	p.inlineExports(ir.ExternMemory, index)
	p.inlineImport(ir.ExternMemory, index)
	p.limits(&mt.Limits, mt.Is64, mt.Shared)
	p.close(printNewline)
}

// initExpr writes a constant expression in parentheses on one line. An
// expression of several instructions (extended constant expressions) is
// written as a sequence of folded instructions, "(global.get 0)
// (i32.const 1) (i32.add)", which reads back where a single folded one
// stands (global and table initializers); wabt 1.0.32's "(global.get 0
// i32.const 1 i32.add)" does not.
func (p *printer) initExpr(body []ir.Instr) {
	if len(body) == 0 {
		return
	}
	if len(body) > 1 {
		p.initExprSeq(body)
		return
	}
	p.puts("(", printNone)
	// The label stack stays as the last function left it, as in wabt; only
	// an invalid constant expression could branch.
	p.locals = nil
	p.flat(body)
	p.next = printNone // no newline before the ")"
	p.puts(")", printSpace)
}

func (p *printer) space(kind ir.ExternKind) *printIndexSpace {
	switch kind {
	case ir.ExternTag:
		return &p.names.tags
	case ir.ExternTable:
		return &p.names.tables
	case ir.ExternMemory:
		return &p.names.memories
	case ir.ExternGlobal:
		return &p.names.globals
	}
	return &p.names.funcs
}

func (p *printer) export(i int) {
	e := &p.m.Exports[i]
	if e.Kind > ir.ExternTag {
		p.fail(e.Pos, ir.Malformed, "malformed export kind")
		return
	}
	if p.inlineExps != nil {
		if _, ok := p.inlineExps[printKey{e.Kind, e.Index}]; ok {
			return
		}
	}
	p.open("export", printSpace)
	p.quotedString(e.Name, printSpace)
	p.open(e.Kind.String(), printSpace)
	p.ref(p.space(e.Kind), e.Index, printSpace)
	p.close(printSpace)
	p.close(printNewline)
}

// buildInlineExports collects the exports written inside their entity. An
// exported import can only be written that way when the import is inline
// too: (import "m" "f" (func (export "e"))) is not valid text.
func (p *printer) buildInlineExports() {
	if !p.opts.InlineExports {
		return
	}
	p.inlineExps = make(map[printKey][]int)
	for i := range p.m.Exports {
		e := &p.m.Exports[i]
		if e.Kind > ir.ExternTag {
			continue
		}
		if !p.opts.InlineImports && int64(e.Index) < int64(p.names.imported[e.Kind]) {
			continue
		}
		if int64(e.Index) >= p.numEntities(e.Kind) {
			continue // nothing to write it in: a plain export field
		}
		k := printKey{e.Kind, e.Index}
		p.inlineExps[k] = append(p.inlineExps[k], i)
	}
}

// numEntities is the size of kind's index space.
func (p *printer) numEntities(kind ir.ExternKind) int64 {
	m := p.m
	n := int64(p.names.imported[kind])
	switch kind {
	case ir.ExternFunc:
		n += int64(len(m.Funcs))
	case ir.ExternTable:
		n += int64(len(m.Tables))
	case ir.ExternMemory:
		n += int64(len(m.Memories))
	case ir.ExternGlobal:
		n += int64(len(m.Globals))
	case ir.ExternTag:
		n += int64(len(m.Tags))
	}
	return n
}

func (p *printer) inlineExports(kind ir.ExternKind, index uint32) {
	for _, i := range p.inlineExps[printKey{kind, index}] {
		p.open("export", printSpace)
		p.quotedString(p.m.Exports[i].Name, printNone)
		p.close(printSpace)
	}
}

func (p *printer) inlineImport(kind ir.ExternKind, index uint32) {
	if !p.opts.InlineImports {
		return
	}
	imps := p.names.importsByKind[kind]
	if uint64(index) >= uint64(len(imps)) {
		return
	}
	imp := &p.m.Imports[imps[index]]
	p.open("import", printSpace)
	p.quotedString(imp.Module, printSpace)
	p.quotedString(imp.Name, printSpace)
	p.close(printSpace)
}

// elem writes an element segment the way wabt chooses its form: a list of
// function indices when the type is funcref and every item is a ref.func,
// expressions otherwise; "(table N)" whenever the binary would need an
// explicit table index.
// namedSegments reproduces where wabt's ApplyNames gives up: it resolves
// each element segment's table, then each data segment's memory, and stops
// at the first that does not exist, which a passive segment in a module
// without tables (memories) already triggers: from there on element
// segments, data segments and the start function keep their indices.
func (p *printer) namedSegments() (elems, datas int) {
	m := p.m
	tables := p.names.imported[ir.ExternTable] + len(m.Tables)
	memories := p.names.imported[ir.ExternMemory] + len(m.Memories)
	for i := range m.Elems {
		e := &m.Elems[i]
		if table := printSegmentIndex(e.Mode, e.Table); int64(table) >= int64(tables) {
			return i, 0
		}
	}
	for i := range m.Datas {
		d := &m.Datas[i]
		if memory := printSegmentIndex(d.Mode, d.Memory); int64(memory) >= int64(memories) {
			return len(m.Elems), i
		}
	}
	return len(m.Elems), len(m.Datas)
}

// printSegmentIndex is the table or memory index wabt's binary reader
// records for a segment: 0 unless the segment is active.
func printSegmentIndex(mode ir.SegmentMode, index uint32) uint32 {
	if mode != ir.SegmentActive {
		return 0
	}
	return index
}

func (p *printer) elem(e *ir.Elem, index uint32, raw bool) {
	p.rawIndices = raw
	p.open("elem", printSpace)
	p.entity(&p.names.elems, index)
	// A list of function indices is (ref func) in WebAssembly 3.0 and
	// funcref before it; either is written so, when every item is a
	// single ref.func and the list reads back with the same type.
	funcList := e.Type == ir.Ref(false, ir.HeapFunc) && p.opts.Features.Has(ir.FeatureFunctionReferences) ||
		e.Type == ir.FuncRef && !p.opts.Features.Has(ir.FeatureFunctionReferences)
	for _, item := range e.Init {
		if len(item) != 1 || item[0].Op != ir.OpRefFunc {
			funcList = false
			break
		}
	}
	switch e.Mode {
	case ir.SegmentActive:
		if e.Table != 0 || !funcList && e.Type != ir.FuncRef {
			p.open("table", printSpace)
			p.ref(&p.names.tables, e.Table, printSpace)
			p.close(printSpace)
		}
		p.offsetExpr(e.Offset)
	case ir.SegmentDeclarative:
		p.puts("declare", printSpace)
	}
	if funcList {
		p.puts("func", printSpace)
		for _, item := range e.Init {
			p.ref(&p.names.funcs, item[0].Index, printSpace)
		}
	} else {
		p.valType(e.Type, printSpace)
		for _, item := range e.Init {
			// wabt applies names to an item only when it starts with
			// ref.func; anything else keeps its indices (in text read by
			// wat-desugar: as the text wrote them).
			p.rawIndices = raw || len(item) > 0 && item[0].Op != ir.OpRefFunc &&
				(p.opts.Layout == nil || !p.opts.Layout.ByName[item[0].Pos])
			if len(item) > 1 {
				p.open("item", printSpace)
				p.initExprSeq(item)
				p.close(printSpace)
				continue
			}
			p.initExpr(item)
		}
	}
	p.rawIndices = false
	p.close(printNewline)
}

func (p *printer) data(d *ir.Data, index uint32) {
	p.open("data", printSpace)
	p.entity(&p.names.datas, index)
	if d.Mode != ir.SegmentPassive {
		if d.Memory != 0 {
			// wabt 1.0.32 writes a bare index here, which is not valid
			// text; the spec's (memory N) is.
			p.open("memory", printSpace)
			p.ref(&p.names.memories, d.Memory, printNone)
			p.close(printSpace)
		}
		p.offsetExpr(d.Offset)
	}
	p.quoted(d.Init, printSpace)
	p.close(printNewline)
}
