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

// tryHeader parses a plain try_table's or try's label, block type and
// (try_table) catch clauses after the keyword, and binds the label for the
// body, which parser.frames parses next.
func (p *parser) tryHeader(in *ir.Instr) parseLabel {
	label := p.readLabel()
	p.parseBlockType(in)
	if in.Op == ir.OpTryTable {
		p.parseCatchClauses(in)
	}
	p.pushLabelEntry(label)
	return label
}

// plainTryArms is reached at the end of a plain try's body or of one of
// its arms (at catch, catch_all, delegate or end, not consumed): it starts
// the next catch or catch_all arm, or ends the try with delegate or end.
func (p *parser) plainTryArms(f *instrFrame) {
	if p.isKeyword("catch") || p.isKeyword("catch_all") {
		if n := len(f.handlers); n > 0 && f.handlers[n-1].All {
			p.fail("unexpected token " + p.tokenSnippet() + ", expected end")
		}
		h := ir.Handler{Pos: ir.PosAt(p.tok.start), All: p.isKeyword("catch_all")}
		p.next()
		if !h.All {
			h.Tag = p.parseIndex(spaceTag)
		}
		f.handlers = append(f.handlers, h)
		f.kind, f.mark = framePlainCatch, len(p.instrs)
		return
	}
	f.in.SetHandlers(f.handlers)
	if f.kind == framePlain && p.isKeyword("delegate") { // only without handlers
		p.next()
		p.popLabel() // delegate's label is one of the enclosing context
		f.in.SetDelegate(p.parseLabelIndex())
		p.popFrame()
		return
	}
	p.endPlain(f)
}

// beginFoldedTry parses the header of `(try_table label? bt catch* instr*)`
// or `(try label? bt (do instr*) …)` after the keyword, up to the body,
// and pushes its frame; open is where its '(' is.
func (p *parser) beginFoldedTry(in ir.Instr, open int) {
	label := p.readLabel()
	p.parseBlockType(&in)
	if in.Op == ir.OpTryTable {
		p.parseCatchClauses(&in)
		p.pushLabelEntry(label)
		p.pushFrame(instrFrame{in: in, label: label, open: open, mark: len(p.instrs), kind: frameFoldedBlock})
		return
	}
	p.pushLabelEntry(label)
	if !p.isOpen("do") {
		p.unexpected("(do")
	}
	p.next()
	p.next()
	p.pushFrame(instrFrame{in: in, label: label, open: open, mark: len(p.instrs), kind: frameFoldedDo})
}

// foldedTryArms is reached after the ')' of a folded try's (do …) or of
// one of its arms: it starts the next (catch x …) or (catch_all …) arm, or
// reads an optional (delegate l) and the try's closing ')'.
func (p *parser) foldedTryArms(f *instrFrame) {
	if p.isOpen("catch") || p.isOpen("catch_all") {
		p.next()
		h := ir.Handler{Pos: ir.PosAt(p.tok.start), All: p.isKeyword("catch_all")}
		if n := len(f.handlers); n > 0 && f.handlers[n-1].All {
			p.fail("unexpected token " + p.tokenSnippet() + ", expected )")
		}
		p.next()
		if !h.All {
			h.Tag = p.parseIndex(spaceTag)
		}
		f.handlers = append(f.handlers, h)
		f.kind, f.mark = frameFoldedCatch, len(p.instrs)
		return
	}
	f.in.SetHandlers(f.handlers)
	p.popLabel()
	if f.kind == frameFoldedDo && p.isOpen("delegate") { // only without handlers
		p.next()
		p.next()
		f.in.SetDelegate(p.parseLabelIndex())
		p.expectRParen()
	}
	p.closeFolded(f)
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
