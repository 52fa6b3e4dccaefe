package wat

import "github.com/watt-wasm/watt/ir"

// Layout makes Print write a module the way its source text laid it out,
// as wabt's wat-desugar does, instead of in section order as wasm2wat
// does: fields in the order given (the types not listed follow at the
// end: those the text implied with inline signatures), a function's
// "(type N)" only where the text wrote one (and an imported function's
// signature where it did not), and the text's block labels. A Layout
// comes from the source, so the module's text-only details need not be
// in the IR.
type Layout struct {
	Fields       []LayoutField
	ExplicitType map[uint32]bool // function index → written with (type N)
	// ExplicitTagType is ExplicitType for tags: by tag index (imports
	// first), whether the text wrote (type N); the others are written
	// with their signature only.
	ExplicitTagType map[uint32]bool
	Labels          map[ir.Pos]string // block, loop or if (by position) → its label, without '$'
	// ByName holds the element segment items (by the position of their
	// first instruction) whose index the text wrote as a $name: wabt
	// writes the others' indices as they are.
	ByName map[ir.Pos]bool
}

// LayoutField is one module field: an index into the module's list of
// that kind (Imports, Funcs, Exports, ... Types, Tags, Rec; one Start). A
// LayoutRec writes the recursion group m.Rec[Index] with its types.
type LayoutField struct {
	Kind  LayoutKind
	Index uint32
}

// LayoutKind says which list a LayoutField indexes.
type LayoutKind uint8

const (
	LayoutType LayoutKind = iota
	LayoutImport
	LayoutFunc // a defined function: Funcs[Index]
	LayoutTable
	LayoutMemory
	LayoutGlobal
	LayoutExport
	LayoutStart
	LayoutElem
	LayoutData
	LayoutTag // a defined tag: Tags[Index]
	LayoutRec // an explicit recursion group: Rec[Index]
)

// layoutModule writes the module's fields in the layout's order.
func (p *printer) layoutModule(l *Layout) {
	m := p.m
	var counts [5]uint32
	importIndex := make([]uint32, len(m.Imports)) // index in its kind's space
	for i := range m.Imports {
		if k := m.Imports[i].Kind; k <= ir.ExternTag {
			importIndex[i] = counts[k]
			counts[k]++
		}
	}
	elemsNamed, datasNamed := p.namedSegments()
	typesWritten := make([]bool, len(m.Types))
	for _, f := range l.Fields {
		i := f.Index
		switch f.Kind {
		case LayoutType:
			if int(i) < len(m.Types) {
				p.typeEntry(i, printNewline)
				typesWritten[i] = true
			}
		case LayoutRec:
			if int(i) >= len(m.Rec) {
				continue
			}
			g := m.Rec[i]
			if uint64(g.Start)+uint64(g.Count) > uint64(len(m.Types)) {
				p.fail(g.Pos, ir.Malformed, "recursion group out of range")
				continue
			}
			p.open("rec", printSpace)
			for k := g.Start; k < g.Start+g.Count; k++ {
				p.newline(false)
				p.typeEntry(k, printNone)
				typesWritten[k] = true
			}
			p.close(printNewline)
		case LayoutImport:
			if imp := &m.Imports[i]; imp.Kind > ir.ExternTag {
				p.fail(imp.Pos, ir.Malformed, "malformed import kind")
			} else {
				p.importField(imp, importIndex[i])
			}
		case LayoutFunc:
			p.funcField(&m.Funcs[i], counts[ir.ExternFunc]+i)
		case LayoutTable:
			p.tableField(&m.Tables[i], counts[ir.ExternTable]+i)
		case LayoutMemory:
			p.memory(&m.Memories[i].Type, counts[ir.ExternMemory]+i)
		case LayoutGlobal:
			g := &m.Globals[i]
			p.beginGlobal(&g.Type, counts[ir.ExternGlobal]+i)
			p.initExpr(g.Init)
			p.close(printNewline)
		case LayoutExport:
			p.export(int(i))
		case LayoutStart:
			if m.Start != nil {
				p.rawIndices = elemsNamed < len(m.Elems) || datasNamed < len(m.Datas)
				p.open("start", printSpace)
				p.ref(&p.names.funcs, m.Start.Func, printNone)
				p.close(printNewline)
				p.rawIndices = false
			}
		case LayoutTag:
			p.tag(m.Tags[i].Type, counts[ir.ExternTag]+i)
			p.close(printNewline)
		case LayoutElem:
			p.elem(&m.Elems[i], i, int(i) >= elemsNamed)
		case LayoutData:
			p.rawIndices = int(i) >= datasNamed
			p.data(&m.Datas[i], i)
			p.rawIndices = false
		}
	}
	for i := range m.Types {
		if !typesWritten[i] {
			p.typeEntry(uint32(i), printNewline)
		}
	}
}
