package wat

import "github.com/watt-wasm/watt/ir"

// Exception blocks: try_table (Wasm 3.0) and the legacy try with catch,
// catch_all and delegate arms (legacy-exceptions).
//
// Label scopes follow the spec: a try_table's catch clauses name labels of
// the enclosing context (the try_table's own label is not yet bound when
// they are read); a legacy try's label is bound in its body and in its
// handlers (rethrow names it), and delegate's label is again one of the
// enclosing context.

// readLabel reads an optional block label without binding it.
func (p *parser) readLabel() parseLabel {
	l := parseLabel{}
	if p.tok.kind == scanID {
		l.name = p.idKey(p.tok)
		p.next()
	}
	return l
}

// parsePlainTry parses the rest of `try_table label? bt catch* instr* end`
// or `try label? bt instr* (catch x instr*)* (catch_all instr*)? end` /
// `try label? bt instr* delegate l` after the keyword.
func (p *parser) parsePlainTry(in *ir.Instr) {
	label := p.readLabel()
	p.parseBlockType(in)
	if in.Op == ir.OpTryTable {
		p.parseCatchClauses(in)
	}
	p.pushLabelEntry(label)
	mark := len(p.instrs)
	p.parseInstrSeq()
	in.Body = p.finishInstrs(mark)
	if in.Op == ir.OpTry {
		var handlers []ir.Handler
		for p.isKeyword("catch") || p.isKeyword("catch_all") {
			h := ir.Handler{Pos: ir.PosAt(p.tok.start), All: p.isKeyword("catch_all")}
			if len(handlers) > 0 && handlers[len(handlers)-1].All {
				p.fail("unexpected token " + p.tokenSnippet() + ", expected end")
			}
			p.next()
			if !h.All {
				h.Tag = p.parseIndex(spaceTag)
			}
			p.parseInstrSeq()
			h.Body = p.finishInstrs(mark)
			handlers = append(handlers, h)
		}
		in.SetHandlers(handlers)
		if len(handlers) == 0 && p.isKeyword("delegate") {
			p.next()
			p.popLabel()
			in.SetDelegate(p.parseLabelIndex())
			return
		}
	}
	p.expectKeyword("end")
	p.checkEndLabel(label)
	p.popLabel()
}

// parseFoldedTry parses the rest of `(try_table label? bt catch* instr*)`
// or `(try label? bt (do instr*) (catch x instr*)* (catch_all instr*)?)` /
// `(try label? bt (do instr*) (delegate l))` after the keyword; open is
// where its '(' is.
func (p *parser) parseFoldedTry(in *ir.Instr, open int) {
	label := p.readLabel()
	p.parseBlockType(in)
	if in.Op == ir.OpTryTable {
		p.parseCatchClauses(in)
		p.pushLabelEntry(label)
		mark := len(p.instrs)
		p.parseInstrSeq()
		in.Body = p.finishInstrs(mark)
		p.popLabel()
	} else {
		p.pushLabelEntry(label)
		mark := len(p.instrs)
		if !p.isOpen("do") {
			p.unexpected("(do")
		}
		p.next()
		p.next()
		p.parseInstrSeq()
		in.Body = p.finishInstrs(mark)
		p.expectRParen()
		var handlers []ir.Handler
		for p.isOpen("catch") || p.isOpen("catch_all") {
			p.next()
			h := ir.Handler{Pos: ir.PosAt(p.tok.start), All: p.isKeyword("catch_all")}
			if len(handlers) > 0 && handlers[len(handlers)-1].All {
				p.fail("unexpected token " + p.tokenSnippet() + ", expected )")
			}
			p.next()
			if !h.All {
				h.Tag = p.parseIndex(spaceTag)
			}
			p.parseInstrSeq()
			h.Body = p.finishInstrs(mark)
			p.expectRParen()
			handlers = append(handlers, h)
		}
		in.SetHandlers(handlers)
		p.popLabel()
		if len(handlers) == 0 && p.isOpen("delegate") {
			p.next()
			p.next()
			in.SetDelegate(p.parseLabelIndex())
			p.expectRParen()
		}
	}
	if p.tok.kind != scanRParen {
		if p.tok.kind == scanEOF {
			p.failAt(open, "unexpected end of input, unclosed (")
		}
		p.unexpected(")")
	}
	p.next()
}

// parseCatchClauses reads try_table's (catch x l), (catch_ref x l),
// (catch_all l) and (catch_all_ref l) clauses.
func (p *parser) parseCatchClauses(in *ir.Instr) {
	var cs []ir.CatchClause
	for p.tok.kind == scanLParen {
		t := p.peek()
		if t.kind != scanKeyword {
			break
		}
		var c ir.CatchClause
		switch scanTransient(p.tokText(t)) {
		case "catch":
			c.Kind = ir.Catch
		case "catch_ref":
			c.Kind = ir.CatchRef
		case "catch_all":
			c.Kind = ir.CatchAll
		case "catch_all_ref":
			c.Kind = ir.CatchAllRef
		default:
			in.SetCatches(cs)
			return
		}
		p.next()
		p.next()
		if c.Kind == ir.Catch || c.Kind == ir.CatchRef {
			c.Tag = p.parseIndex(spaceTag)
		}
		c.Label = p.parseLabelIndex()
		p.expectRParen()
		cs = append(cs, c)
	}
	in.SetCatches(cs)
}
