package wat

import "github.com/watt-wasm/watt/ir"

// Type definitions: (type $t? subtype) and (rec (type …)*). The collecting
// pass defines every type name first and records where the fields are;
// parseTypeFields then parses them in order, so that type definitions can
// refer to any type by name (recursion groups refer forward), and the main
// pass skips them.

// parseTypeFields parses the type fields the collecting pass recorded.
func (p *parser) parseTypeFields() {
	for _, off := range p.mod.typeFields {
		p.resetTo(off)
		p.next() // (
		if p.isKeyword("rec") {
			p.parseRecField(off)
		} else {
			p.next() // type
			p.parseTypeDef(off)
		}
		// Annotations before the token after the field are the main
		// pass's; earlier ones nothing took are misplaced.
		if len(p.annots) > 0 {
			if p.annotsAt != p.tok.start {
				p.misplacedAnnot()
			}
			p.annots = p.annots[:0]
		}
	}
}

// parseRecField parses (rec (type …)*) after its '('.
func (p *parser) parseRecField(open int) {
	if !p.features.Has(ir.FeatureGC) {
		p.fail("rec group requires " + ir.FeatureGC.Flag())
	}
	p.next()
	m := p.mod.m
	g := ir.RecGroup{Start: uint32(len(m.Types)), Pos: ir.PosAt(open)}
	for p.isOpen("type") {
		off := p.tok.start
		p.next()
		p.next()
		p.parseTypeDef(off)
	}
	p.expectRParen()
	g.Count = uint32(len(m.Types)) - g.Start
	m.Rec = append(m.Rec, g)
}

// parseTypeDef parses the rest of (type $id? subtype) after the keyword.
func (p *parser) parseTypeDef(open int) {
	st := p.mod
	m := st.m
	idx := uint32(len(m.Types))
	name, _, _ := p.optID()
	if name != "" {
		p.setName(&m.Names.Types, idx, name)
	}
	p.nameAnnot(&m.Names.Types, idx)
	td := ir.TypeDef{Pos: ir.PosAt(open)}
	// Appended first, so that field names can be recorded under idx.
	m.Types = append(m.Types, td)
	if !p.isOpen("sub") {
		p.parseCompType(&td, idx)
	} else {
		if !p.features.Has(ir.FeatureGC) {
			p.fail("sub type requires " + ir.FeatureGC.Flag())
		}
		p.next()
		p.next()
		td.Open = true
		if p.isKeyword("final") {
			td.Open = false
			p.next()
		}
		for p.isIndex() {
			td.Supers = append(td.Supers, p.parseIndex(spaceType))
		}
		p.parseCompType(&td, idx)
		p.expectRParen()
	}
	p.expectRParen()
	m.Types[idx] = td
}

// parseCompType parses (func …), (struct …) or (array …).
func (p *parser) parseCompType(td *ir.TypeDef, idx uint32) {
	if p.tok.kind != scanLParen {
		p.unexpected("(func, (struct or (array")
	}
	p.next()
	kwOff := p.tok.start
	switch {
	case p.isKeyword("func"):
		p.next()
		td.Kind = ir.CompFunc
		p.parseFuncSig(&td.FuncType)
	case p.isKeyword("struct"):
		if !p.features.Has(ir.FeatureGC) {
			p.fail("struct type requires " + ir.FeatureGC.Flag())
		}
		p.next()
		td.Kind = ir.CompStruct
		td.Fields = []ir.FieldType{}
		for p.isOpen("field") {
			p.next()
			p.next()
			if p.tok.kind == scanID {
				name, off, _ := p.optID()
				p.defineField(idx, uint32(len(td.Fields)), name, off)
				td.Fields = append(td.Fields, p.parseFieldType())
			} else {
				for p.tok.kind != scanRParen {
					td.Fields = append(td.Fields, p.parseFieldType())
				}
			}
			p.expectRParen()
		}
	case p.isKeyword("array"):
		if !p.features.Has(ir.FeatureGC) {
			p.fail("array type requires " + ir.FeatureGC.Flag())
		}
		p.next()
		td.Kind = ir.CompArray
		td.Fields = []ir.FieldType{p.parseFieldType()}
	default:
		p.failAt(kwOff, "unexpected token "+p.tokenSnippet()+", expected func, struct or array")
	}
	p.expectRParen()
}

// parseFuncSig reads (param $x? t*)* (result t*)* of a function type
// definition; parameter names there name nothing.
func (p *parser) parseFuncSig(ft *ir.FuncType) {
	for p.isOpen("param") {
		p.next()
		p.next()
		if p.tok.kind == scanID {
			p.next()
			ft.Params = append(ft.Params, p.parseValType())
		} else {
			for p.tok.kind != scanRParen {
				ft.Params = append(ft.Params, p.parseValType())
			}
		}
		p.expectRParen()
	}
	for p.isOpen("result") {
		p.next()
		p.next()
		for p.tok.kind != scanRParen {
			ft.Results = append(ft.Results, p.parseValType())
		}
		p.expectRParen()
	}
}

// parseFieldType reads storagetype or (mut storagetype).
func (p *parser) parseFieldType() ir.FieldType {
	if p.isOpen("mut") {
		p.next()
		p.next()
		t := p.parseStorageType()
		p.expectRParen()
		return ir.FieldType{Type: t, Mutable: true}
	}
	return ir.FieldType{Type: p.parseStorageType()}
}

// parseStorageType reads a value type or a packed type (i8, i16).
func (p *parser) parseStorageType() ir.ValType {
	switch {
	case p.isKeyword("i8"):
		p.next()
		return ir.I8
	case p.isKeyword("i16"):
		p.next()
		return ir.I16
	}
	return p.parseValType()
}

// defineField names field fidx of type tidx.
func (p *parser) defineField(tidx, fidx uint32, name string, off int) {
	st := p.mod
	if st.fields == nil {
		st.fields = map[uint32]map[string]uint32{}
	}
	names := st.fields[tidx]
	if names == nil {
		names = map[string]uint32{}
		st.fields[tidx] = names
	}
	if _, dup := names[name]; dup {
		p.failAt(off, "duplicate field $"+name)
	}
	names[name] = fidx
	m := st.m
	if m.Names.Fields == nil {
		m.Names.Fields = map[uint32]ir.NameMap{}
	}
	if m.Names.Fields[tidx] == nil {
		m.Names.Fields[tidx] = ir.NameMap{}
	}
	m.Names.Fields[tidx][fidx] = name
}

// parseFieldIndex reads a field of type tidx: a number or a field name.
func (p *parser) parseFieldIndex(tidx uint32) uint32 {
	if p.tok.kind == scanID {
		idx, ok := p.mod.fields[tidx][p.idKey(p.tok)]
		if !ok {
			p.fail("unknown field " + p.tokenSnippet())
		}
		p.next()
		return idx
	}
	if p.tok.kind != scanNumber {
		p.unexpected("a field index")
	}
	return p.parseU32()
}
