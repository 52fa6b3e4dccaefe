package wat

import (
	"unicode/utf8"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// parser is a recursive-descent parser over the token stream. Errors bail
// out with a panic of parseBailout, recovered at the API boundary: the first
// error is the one reported, as in the spec interpreter.
type parser struct {
	src      *ir.Source
	data     []byte
	sc       scanner
	tok      scanToken // current token
	ahead    scanToken // one token of lookahead, valid when hasAhead
	hasAhead bool
	features ir.Features

	mod *parseModuleState // the module being parsed, nil in script context

	// instrs is the scratch stack instruction lists are built on; finished
	// lists are copied out into arena-allocated exact-size slices.
	instrs []ir.Instr
	arena  []ir.Instr
	frames []instrFrame // open blocks and folded instructions (parse_nest.go)

	elemItems bool // parsing element segment items: ref.func needs no feature
}

// parseBailout is the panic value that carries a parse error up.
type parseBailout struct{ err *ir.Error }

// recoverError turns a bailout into the returned error list.
func (p *parser) recoverError(err *error) {
	if r := recover(); r != nil {
		b, ok := r.(parseBailout)
		if !ok {
			panic(r)
		}
		*err = ir.ErrorList{b.err}
	}
}

// failAt reports a Malformed error at byte offset off and bails out.
func (p *parser) failAt(off int, msg string) {
	panic(parseBailout{&ir.Error{Src: p.src, Pos: ir.PosAt(off), Kind: ir.Malformed, Msg: msg}})
}

// fail reports an error at the current token.
func (p *parser) fail(msg string) { p.failAt(p.tok.start, msg) }

// unexpected reports the spec's "unexpected token" with the token and what
// was expected.
func (p *parser) unexpected(want string) {
	switch p.tok.kind {
	case scanEOF:
		p.fail("unexpected end of input, expected " + want)
	case scanError:
		p.failAt(p.sc.errOff, p.sc.errMsg)
	case scanReserved:
		// The spec's lexer rejects reserved tokens such as data"a" itself.
		p.fail("unknown operator " + p.tokenSnippet())
	}
	p.fail("unexpected token " + p.tokenSnippet() + ", expected " + want)
}

func (p *parser) tokenSnippet() string {
	t := p.text()
	if len(t) > 40 {
		return string(t[:40]) + "…"
	}
	return string(t)
}

// next advances to the next token.
func (p *parser) next() {
	if p.hasAhead {
		p.tok, p.hasAhead = p.ahead, false
		return
	}
	p.tok = p.sc.next()
	if p.tok.kind == scanError {
		p.failAt(p.sc.errOff, p.sc.errMsg)
	}
}

// peek returns the token after the current one.
func (p *parser) peek() scanToken {
	if !p.hasAhead {
		p.ahead, p.hasAhead = p.sc.next(), true
		if p.ahead.kind == scanError {
			p.failAt(p.sc.errOff, p.sc.errMsg)
		}
	}
	return p.ahead
}

// resetTo restarts scanning at byte offset off.
func (p *parser) resetTo(off int) {
	p.sc.off = off
	p.hasAhead = false
	p.next()
}

// text is the current token's bytes.
func (p *parser) text() []byte { return p.data[p.tok.start:p.tok.end] }

func (p *parser) tokText(t scanToken) []byte { return p.data[t.start:t.end] }

// transient views source bytes as a string without copying, for map lookups
// and comparisons; the source is never modified while parsing.
func scanTransient(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// isKeyword reports whether the current token is the keyword kw.
func (p *parser) isKeyword(kw string) bool {
	return p.tok.kind == scanKeyword && scanTransient(p.text()) == kw
}

// isOpen reports whether the current token is '(' followed by keyword kw.
func (p *parser) isOpen(kw string) bool {
	if p.tok.kind != scanLParen {
		return false
	}
	t := p.peek()
	return t.kind == scanKeyword && scanTransient(p.tokText(t)) == kw
}

// openKeyword returns the keyword after a '(' (nil if there is none).
func (p *parser) openKeyword() []byte {
	if p.tok.kind != scanLParen {
		return nil
	}
	t := p.peek()
	if t.kind != scanKeyword {
		return nil
	}
	return p.tokText(t)
}

func (p *parser) expectLParen() {
	if p.tok.kind != scanLParen {
		p.unexpected("(")
	}
	p.next()
}

func (p *parser) expectRParen() {
	if p.tok.kind != scanRParen {
		p.unexpected(")")
	}
	p.next()
}

func (p *parser) expectKeyword(kw string) {
	if !p.isKeyword(kw) {
		p.unexpected(kw)
	}
	p.next()
}

// optID consumes an optional $id and returns it without the '$' ("" if
// absent).
func (p *parser) optID() (name string, start int, ok bool) {
	if p.tok.kind != scanID {
		return "", 0, false
	}
	t := p.tok
	p.next()
	return string(p.data[t.start+1 : t.end]), t.start, true
}

// parseString reads a string token into its bytes.
func (p *parser) parseString() []byte {
	if p.tok.kind != scanString {
		p.unexpected("a string")
	}
	b := literalString(nil, p.text())
	p.next()
	return b
}

// parseName reads a string that must be valid UTF-8 (import and export
// names).
func (p *parser) parseName() string {
	start := p.tok.start
	b := p.parseString()
	if !parseValidUTF8(b) {
		p.failAt(start, "malformed UTF-8 encoding")
	}
	return string(b)
}

// parseU32 reads an unsigned 32-bit number.
func (p *parser) parseU32() uint32 {
	if p.tok.kind != scanNumber {
		p.unexpected("a number")
	}
	v, msg := literalUnsigned(p.text(), 32)
	switch msg {
	case "":
	case "constant out of range":
		p.fail("i32 constant out of range " + p.tokenSnippet())
	default:
		// Not a number at all, e.g. "0$l": the spec's lexer does not know it.
		p.fail("unknown operator " + p.tokenSnippet())
	}
	p.next()
	return uint32(v)
}

// parseU64 reads an unsigned 64-bit number.
func (p *parser) parseU64() uint64 {
	if p.tok.kind != scanNumber {
		p.unexpected("a number")
	}
	v, msg := literalUnsigned(p.text(), 64)
	switch msg {
	case "":
	case "constant out of range":
		p.fail("i64 constant out of range " + p.tokenSnippet())
	default:
		// Not a number at all, e.g. "0$l": the spec's lexer does not know it.
		p.fail("unknown operator " + p.tokenSnippet())
	}
	p.next()
	return v
}

// parseValType reads a value type keyword.
func (p *parser) parseValType() ir.ValType {
	if p.tok.kind == scanKeyword {
		if t, ok := parseValTypeName(p.text()); ok {
			if t == ir.V128 && !p.features.Has(ir.FeatureSIMD) {
				p.fail("v128 type requires " + ir.FeatureSIMD.Flag())
			}
			if t.IsRef() {
				p.requireRefValType()
			}
			p.next()
			return t
		}
	}
	if p.tok.kind == scanLParen {
		// (ref null func) / (ref null extern): the GC spelling of reftypes.
		start := p.tok.start
		if t, ok := p.parseRefTypeForm(); ok {
			if !p.features.Has(ir.FeatureReferenceTypes) {
				p.failAt(start, t.String()+" type requires "+ir.FeatureReferenceTypes.Flag())
			}
			return t
		}
	}
	p.unexpected("a value type")
	return 0
}

func parseValTypeName(b []byte) (ir.ValType, bool) {
	switch scanTransient(b) {
	case "i32":
		return ir.I32, true
	case "i64":
		return ir.I64, true
	case "f32":
		return ir.F32, true
	case "f64":
		return ir.F64, true
	case "v128":
		return ir.V128, true
	case "funcref":
		return ir.FuncRef, true
	case "externref":
		return ir.ExternRef, true
	}
	return 0, false
}

// parseRefTypeForm reads (ref null func|extern) at a '('.
func (p *parser) parseRefTypeForm() (ir.ValType, bool) {
	if !p.isOpen("ref") {
		return 0, false
	}
	p.next()
	p.next()
	p.expectKeyword("null")
	t := p.parseHeapType()
	p.expectRParen()
	return t, true
}

// requireRefValType rejects the reference type at the current token as a
// value type (of a param, result, local or global) when reference types
// are off, as wabt does: only tables and element segments hold funcref
// in the MVP.
func (p *parser) requireRefValType() {
	if !p.features.Has(ir.FeatureReferenceTypes) {
		p.fail(p.tokenSnippet() + " type requires " + ir.FeatureReferenceTypes.Flag())
	}
}

// parseRefType reads funcref or externref: the element type of a table or
// element segment, where funcref needs no feature.
func (p *parser) parseRefType() ir.ValType {
	switch {
	case p.isKeyword("funcref"):
		p.next()
		return ir.FuncRef
	case p.isKeyword("externref"):
		p.requireRefValType()
		p.next()
		return ir.ExternRef
	}
	start := p.tok.start
	if t, ok := p.parseRefTypeForm(); ok {
		if t != ir.FuncRef && !p.features.Has(ir.FeatureReferenceTypes) {
			p.failAt(start, t.String()+" type requires "+ir.FeatureReferenceTypes.Flag())
		}
		return t
	}
	p.unexpected("a reference type")
	return 0
}

// parseHeapType reads func or extern (as in ref.null).
func (p *parser) parseHeapType() ir.ValType {
	switch {
	case p.isKeyword("func"):
		p.next()
		return ir.FuncRef
	case p.isKeyword("extern"):
		p.next()
		return ir.ExternRef
	}
	p.unexpected("func or extern")
	return 0
}

// skipForm skips the rest of the form opened at byte offset open, whose
// '(' has been consumed, using the cheap byte-level skipper from the
// current token on, and leaves the token after its ')'.
func (p *parser) skipForm(open int) {
	end, ok := scanSkipForm(p.data, p.tok.start)
	if !ok {
		p.failAt(open, "unexpected end of input, unclosed (")
	}
	p.resetTo(end)
}

// finishInstrs copies instrs[mark:] into an exact-size slice and pops them.
func (p *parser) finishInstrs(mark int) []ir.Instr {
	n := len(p.instrs) - mark
	if n == 0 {
		return nil
	}
	if n > len(p.arena) {
		size := 1024
		if n > size/4 {
			size = n
		}
		p.arena = make([]ir.Instr, size)
	}
	out := p.arena[:n:n]
	p.arena = p.arena[n:]
	copy(out, p.instrs[mark:])
	clear(p.instrs[mark:])
	p.instrs = p.instrs[:mark]
	return out
}

func parseValidUTF8(b []byte) bool { return utf8.Valid(b) }
