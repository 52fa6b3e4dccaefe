package wat

import (
	"slices"

	"github.com/watt-wasm/watt/ir"
)

// Instruction sequences are parsed without recursion: every block, loop,
// if, try_table, legacy try and folded instruction still open is a frame
// on parser.frames, so nesting depth costs heap, not goroutine stack, and
// is limited only by memory. The frames reproduce the structure (and so
// the errors) of a recursive-descent parser:
//
//	plain:   block label? bt instr* (else label? instr*)? end label?
//	         try_table label? bt catch* instr* end label?
//	         try label? bt instr* (catch x instr*)* (catch_all instr*)? end label?
//	         try label? bt instr* delegate l
//	folded:  (op imm* folded*)
//	         (block|loop label? bt instr*)
//	         (if label? bt folded* (then instr*) (else instr*)?)
//	         (try_table label? bt catch* instr*)
//	         (try label? bt (do instr*) (catch x instr*)* (catch_all instr*)?)
//	         (try label? bt (do instr*) (delegate l))
//
// The exception blocks' headers and arms are in parse_try.go.

// instrFrameKind says what an open frame is waiting for.
type instrFrameKind uint8

const (
	framePlain        instrFrameKind = iota // plain block, loop, if, try_table or try: instructions up to else, catch, delegate or end
	framePlainElse                          // the else arm of a plain if: instructions up to end
	framePlainCatch                         // a catch or catch_all arm of a plain try: instructions up to catch or end
	frameFoldedOp                           // (op imm* …: folded operands up to ')'
	frameFoldedBlock                        // (block …/(loop …/(try_table …: instructions up to ')'
	frameFoldedIfCond                       // (if …: folded condition operands up to (then
	frameFoldedThen                         // (then instructions up to ')'
	frameFoldedElse                         // (else instructions up to ')'
	frameFoldedDo                           // (try … (do instructions up to ')'
	frameFoldedCatch                        // (try … (catch … instructions up to ')'
)

// instrFrame is an instruction whose body or operands are being parsed.
type instrFrame struct {
	in       ir.Instr
	label    parseLabel   // its label (blocks)
	handlers []ir.Handler // a legacy try's arms so far (the last one's body is being parsed)
	mark     int          // where the current arm's instructions start in instrs
	open     int          // byte offset of a folded instruction's '('
	kind     instrFrameKind
}

// parseInstrSeq parses instructions (plain and folded) onto the scratch
// stack until a ')', the end of input, or a keyword that ends a block
// (end, else, and a legacy try's catch, catch_all and delegate); the
// terminator is not consumed.
func (p *parser) parseInstrSeq() {
	p.parseInstrs(len(p.frames), false)
}

// parseFoldedInstr parses one parenthesised instruction at '(': its folded
// operands are emitted first, then the instruction itself.
func (p *parser) parseFoldedInstr() {
	base := len(p.frames)
	p.beginFolded()
	p.parseInstrs(base, true)
}

// parseInstrs runs the frames above base: with single set until they are
// all closed (one folded instruction), otherwise until an instruction
// sequence at base ends.
func (p *parser) parseInstrs(base int, single bool) {
	for {
		n := len(p.frames)
		if n > base {
			switch f := &p.frames[n-1]; f.kind {
			case frameFoldedOp:
				if p.tok.kind == scanLParen {
					p.beginFolded()
					continue
				}
				if p.tok.kind != scanRParen {
					p.unexpected(")")
				}
				p.next()
				p.popFrame()
				continue
			case frameFoldedIfCond:
				// The condition runs before the if, outside its label's
				// scope.
				if p.tok.kind == scanLParen && !p.isOpen("then") {
					p.beginFolded()
					continue
				}
				p.pushLabelEntry(f.label)
				if !p.isOpen("then") {
					p.unexpected("(then")
				}
				p.next()
				p.next()
				f.kind, f.mark = frameFoldedThen, len(p.instrs)
				continue
			}
		} else if single {
			return
		}
		switch p.tok.kind {
		case scanLParen:
			p.beginFolded()
			continue
		case scanKeyword:
			if !parseEndsSeq(p.text()) {
				p.beginPlain()
				continue
			}
		case scanRParen, scanEOF:
		default:
			p.unexpected("an instruction")
		}
		// The instruction sequence of the innermost frame ends here.
		if n == base {
			return
		}
		p.endSeq(&p.frames[n-1])
	}
}

// beginPlain parses an unfolded instruction: a whole one, or the header
// of a block, loop or if, whose frame it pushes.
func (p *parser) beginPlain() {
	var meta []ir.CodeMeta
	if len(p.annots) > 0 {
		meta = p.takeMeta()
	}
	pos := p.tok.start
	op := p.lookupOp()
	p.next()
	in := ir.Instr{Op: op, Pos: ir.PosAt(pos)}
	if meta != nil {
		in.SetMeta(meta)
	}
	switch op.Info().Imm {
	case ir.ImmBlock:
	case ir.ImmTryTable, ir.ImmTry:
		label := p.tryHeader(&in)
		p.pushFrame(instrFrame{in: in, label: label, mark: len(p.instrs), kind: framePlain})
		return
	default:
		p.parseImmediates(&in)
		p.instrs = append(p.instrs, in)
		return
	}
	label := p.pushLabel()
	p.parseBlockType(&in)
	p.pushFrame(instrFrame{in: in, label: label, mark: len(p.instrs), kind: framePlain})
}

// beginFolded parses the start of a folded instruction at '(': the whole
// of one without operands, else its keyword, immediates or block header,
// pushing its frame.
func (p *parser) beginFolded() {
	var meta []ir.CodeMeta
	if len(p.annots) > 0 {
		meta = p.takeMeta()
	}
	open := p.tok.start
	p.next()
	if len(p.annots) > 0 && meta == nil {
		meta = p.takeMeta() // also accepted just after the '('
	}
	pos := p.tok.start
	op := p.lookupOp()
	p.next()
	in := ir.Instr{Op: op, Pos: ir.PosAt(pos)}
	if meta != nil {
		in.SetMeta(meta)
	}
	switch imm := op.Info().Imm; {
	case imm == ir.ImmTryTable || imm == ir.ImmTry:
		p.beginFoldedTry(in, open)
		return
	case imm != ir.ImmBlock:
		p.parseImmediates(&in)
		if p.tok.kind == scanRParen { // no operands: the common case
			p.next()
			p.instrs = append(p.instrs, in)
			return
		}
		p.pushFrame(instrFrame{in: in, open: open, kind: frameFoldedOp})
		return
	}
	p.pushLabel()
	p.parseBlockType(&in)
	if op != ir.OpIf {
		p.pushFrame(instrFrame{in: in, open: open, mark: len(p.instrs), kind: frameFoldedBlock})
		return
	}
	// (if label bt cond* (then instr*) (else instr*)?): the label is
	// pushed again once the condition has been parsed.
	label := p.popLabel()
	p.pushFrame(instrFrame{in: in, label: label, open: open, kind: frameFoldedIfCond})
}

// endSeq is reached when the instruction sequence of frame f ends (at end,
// else, catch, catch_all, delegate, ')' or the end of input, not
// consumed).
func (p *parser) endSeq(f *instrFrame) {
	switch f.kind {
	case framePlain:
		f.in.Body = p.finishInstrs(f.mark)
		if f.in.Op == ir.OpIf && p.isKeyword("else") {
			p.next()
			p.checkEndLabel(f.label)
			f.kind = framePlainElse
			return
		}
		if f.in.Op == ir.OpTry {
			p.plainTryArms(f)
			return
		}
		p.endPlain(f)
	case framePlainCatch:
		f.handlers[len(f.handlers)-1].Body = p.finishInstrs(f.mark)
		p.plainTryArms(f)
	case framePlainElse:
		f.in.SetElseBody(p.finishInstrs(f.mark))
		p.endPlain(f)
	case frameFoldedBlock:
		f.in.Body = p.finishInstrs(f.mark)
		p.endFolded(f)
	case frameFoldedThen:
		f.in.Body = p.finishInstrs(f.mark)
		p.expectRParen()
		if p.isOpen("else") {
			p.next()
			p.next()
			f.kind = frameFoldedElse
			return
		}
		p.endFolded(f)
	case frameFoldedElse:
		f.in.SetElseBody(p.finishInstrs(f.mark))
		p.expectRParen()
		p.endFolded(f)
	case frameFoldedDo:
		f.in.Body = p.finishInstrs(f.mark)
		p.expectRParen()
		p.foldedTryArms(f)
	case frameFoldedCatch:
		f.handlers[len(f.handlers)-1].Body = p.finishInstrs(f.mark)
		p.expectRParen()
		p.foldedTryArms(f)
	}
}

// endPlain reads a plain block's end and its optional label.
func (p *parser) endPlain(f *instrFrame) {
	p.expectKeyword("end")
	p.checkEndLabel(f.label)
	p.popLabel()
	p.popFrame()
}

// endFolded reads a folded block's closing ')'.
func (p *parser) endFolded(f *instrFrame) {
	p.popLabel()
	p.closeFolded(f)
}

// closeFolded reads the closing ')' of folded instruction f, whose label
// is popped, and emits it.
func (p *parser) closeFolded(f *instrFrame) {
	if p.tok.kind != scanRParen {
		if p.tok.kind == scanEOF {
			p.failAt(f.open, "unexpected end of input, unclosed (")
		}
		p.unexpected(")")
	}
	p.next()
	p.popFrame()
}

// pushFrame pushes f.
func (p *parser) pushFrame(f instrFrame) {
	p.frames = append(grown(p.frames), f)
}

// grown returns s with room for at least one more element, doubling its
// capacity when it is full: append grows a large slice by a quarter, which
// copies the stack of a deep nest several times over.
func grown[S ~[]E, E any](s S) S {
	if len(s) == cap(s) {
		return slices.Grow(s, len(s)+1)
	}
	return s
}

// popFrame pops the innermost frame and emits its instruction.
func (p *parser) popFrame() {
	n := len(p.frames) - 1
	p.instrs = append(p.instrs, p.frames[n].in)
	p.frames[n] = instrFrame{} // drop its references to bodies
	p.frames = p.frames[:n]
}
