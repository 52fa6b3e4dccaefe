package wat

import "github.com/watt-wasm/watt/ir"

// typeSection writes the type definitions, explicit recursion groups as
// (rec …). wabt 1.0.32 knows function types only; the other forms are the
// spec's.
func (p *printer) typeSection() {
	m := p.m
	next := 0
	for _, g := range m.Rec {
		start, end := int(g.Start), int(g.Start)+int(g.Count)
		if start < next || end > len(m.Types) {
			p.fail(g.Pos, ir.Malformed, "recursion group out of range")
			continue
		}
		for ; next < start; next++ {
			p.typeEntry(uint32(next), printNewline)
		}
		p.open("rec", printSpace)
		for ; next < end; next++ {
			p.newline(false)
			p.typeEntry(uint32(next), printNone)
		}
		p.close(printNewline)
	}
	for ; next < len(m.Types); next++ {
		p.typeEntry(uint32(next), printNewline)
	}
}

// typeEntry writes (type name subtype).
func (p *printer) typeEntry(index uint32, next printNext) {
	td := &p.m.Types[index]
	p.open("type", printSpace)
	p.entity(&p.names.types, index)
	sub := td.Open || len(td.Supers) > 0
	if sub {
		p.open("sub", printSpace)
		if !td.Open {
			p.puts("final", printSpace)
		}
		for _, s := range td.Supers {
			p.ref(&p.names.types, s, printSpace)
		}
	}
	switch td.Kind {
	case ir.CompStruct:
		p.open("struct", printSpace)
		fields := p.names.fields[index]
		for i := range td.Fields {
			p.open("field", printSpace)
			if name := fields.get(uint32(i)); name != "" {
				p.puts(name, printSpace)
			}
			p.fieldType(td.Fields[i])
			p.close(printSpace)
		}
		p.close(printSpace)
	case ir.CompArray:
		p.open("array", printSpace)
		if len(td.Fields) == 1 {
			p.fieldType(td.Fields[0])
		}
		p.close(printSpace)
	default:
		p.open("func", printSpace)
		p.funcSig(&td.FuncType)
		p.close(printSpace)
	}
	if sub {
		p.close(printSpace)
	}
	p.close(next)
}

// fieldType writes a storage type, in (mut …) when mutable.
func (p *printer) fieldType(f ir.FieldType) {
	if f.Mutable {
		p.open("mut", printSpace)
		p.valType(f.Type, printNone)
		p.close(printSpace)
		return
	}
	p.valType(f.Type, printSpace)
}

// tag writes "(tag name (export …) (import …) (type N) (param …)" as
// wabt does, without the closing parenthesis.
func (p *printer) tag(typeIndex, index uint32) {
	p.open("tag", printSpace)
	p.entity(&p.names.tags, index)
	p.inlineExports(ir.ExternTag, index)
	p.inlineImport(ir.ExternTag, index)
	if l := p.opts.Layout; l == nil || l.ExplicitTagType[index] {
		// wat-desugar writes (type N) only where the text did.
		p.open("type", printSpace)
		p.ref(&p.names.types, typeIndex, printNone)
		p.close(printSpace)
	}
	p.funcSig(p.funcType(typeIndex))
}

// initExprSeq writes an expression as a sequence of folded instructions on
// one line: "(global.get 0) (i32.const 1) (i32.add)".
func (p *printer) initExprSeq(body []ir.Instr) {
	p.locals = nil
	for i := range body {
		in := &body[i]
		p.puts("(", printNone)
		if imm := in.Op.Info().Imm; imm == ir.ImmBlock || imm == ir.ImmTryTable || imm == ir.ImmTry {
			// Not constant; written flat, to be rejected by the validator.
			p.flat(body[i : i+1])
		} else {
			p.instr(in)
		}
		p.next = printNone
		p.puts(")", printSpace)
	}
}

// offsetExpr writes the offset of a segment: one folded instruction as
// wabt does, or (offset …) for several.
func (p *printer) offsetExpr(body []ir.Instr) {
	if len(body) != 1 {
		p.open("offset", printSpace)
		p.initExprSeq(body)
		p.close(printSpace)
		return
	}
	p.initExpr(body)
}

// customSectionNames names the known sections by id, for @custom's
// placement.
var customSectionNames = func() (t [14]string) {
	for _, s := range customSections {
		t[s.id] = s.name
	}
	return
}()

// customs writes the custom sections as @custom annotations; the
// placement names the known section each follows.
func (p *printer) customs() {
	for i := range p.m.Customs {
		c := &p.m.Customs[i]
		p.puts("(@custom", printSpace)
		p.quotedString(c.Name, printSpace)
		if int(c.After) < len(customSectionNames) && customSectionNames[c.After] != "" {
			p.puts("(after", printSpace)
			p.puts(customSectionNames[c.After], printNone)
			p.puts(")", printSpace)
		} else {
			p.puts("(before first)", printSpace)
		}
		p.quoted(c.Data, printNone)
		p.puts(")", printNewline)
	}
}
