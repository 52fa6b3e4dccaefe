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

	// annots are the annotations with a meaning (@custom, @name,
	// @metadata.code.*) not yet taken by the construct they belong to;
	// annotsAt is the offset of the token they precede. Ones still there
	// when new ones come, or at the end of the module, are misplaced.
	// With annotsOff (the collecting pass), they are not looked at.
	annots     []parseAnnot
	annotsAt   int
	annotsOff  bool
	aheadAnnot bool // annotations were skipped before the lookahead token
	inFunc     bool // parsing a function body (code metadata is allowed)

	// instrs is the scratch stack instruction lists are built on; finished
	// lists are copied out into arena-allocated exact-size slices.
	instrs []ir.Instr
	arena  []ir.Instr
	frames []instrFrame // open blocks and folded instructions (parse_nest.go)

	elemItems bool // parsing element segment items: ref.func needs no feature

	// strBuf is scratch space for decoding strings; bytes is an arena
	// the bytes of data segments are copied into, exactly sized.
	strBuf []byte
	bytes  []byte
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

// isKnownKeyword reports whether b is a keyword of the text format:
// syntax, an instruction, a type.
func (p *parser) isKnownKeyword(b []byte) bool {
	if parseIsSyntaxKeyword(b) {
		return true
	}
	if e := parseLookupOpEntry(b); e != nil && (!e.alias || p.features.Has(ir.FeatureLegacyNames)) {
		return true
	}
	if _, ok := parseValTypeName(b); ok {
		return true
	}
	_, ok := parseHeapTypeNames[scanTransient(b)]
	return ok
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
	prev := p.tok.end
	if p.hasAhead {
		p.tok, p.hasAhead = p.ahead, false
		if p.aheadAnnot {
			p.aheadAnnot = false
			p.readAnnots(prev)
		}
		return
	}
	p.tok = p.sc.scan()
	if p.tok.kind >= scanError {
		p.tok = p.rareToken(p.tok, prev)
	}
}

// rareToken handles what scan returns rarely: an error, or an annotation,
// which is skipped (with those that follow) and looked into; it returns
// the token after the annotations. prev is where the gap before it starts.
func (p *parser) rareToken(t scanToken, prev int) scanToken {
	if t.kind == scanAnnot {
		t = p.sc.skipAnnotations(t)
	}
	if t.kind == scanError {
		p.failAt(p.sc.errOff, p.sc.errMsg)
	}
	if p.sc.annot {
		p.sc.annot = false
		p.tok = t
		p.readAnnots(prev)
	}
	return t
}

// peek returns the token after the current one.
func (p *parser) peek() scanToken {
	if !p.hasAhead {
		p.ahead, p.hasAhead = p.sc.next(), true
		if p.ahead.kind == scanError {
			p.failAt(p.sc.errOff, p.sc.errMsg)
		}
		// The annotations before it are looked into when it becomes
		// the current token.
		p.aheadAnnot, p.sc.annot = p.sc.annot, false
	}
	return p.ahead
}

// resetTo restarts scanning at byte offset off.
func (p *parser) resetTo(off int) {
	if len(p.annots) > 0 {
		p.misplacedAnnot() // nothing took them before the jump
	}
	p.sc.off = off
	p.hasAhead, p.aheadAnnot, p.sc.annot = false, false, false
	p.tok.end = off // annotations before the next token are looked for from off on
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
	name = p.idKey(t)
	if p.data[t.start+1] != '"' {
		name = string(p.data[t.start+1 : t.end]) // a copy: names outlive parsing
	}
	p.next()
	return name, t.start, true
}

// idKey is the name of $id token t without the '$': for a plain id a view
// of the source (no allocation; copy it to keep it), for a quoted one
// ($"…", rare) the decoded string. $"abc" and $abc are the same name.
func (p *parser) idKey(t scanToken) string {
	b := p.data[t.start+1 : t.end]
	if b[0] == '"' {
		return parseQuotedKey(b)
	}
	return scanTransient(b)
}

// parseQuotedKey decodes the string of a quoted $id (kept out of idKey,
// which stays small enough to be inlined on the hot path).
func parseQuotedKey(b []byte) string { return string(literalString(nil, b)) }

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

// parseValType reads a value type: a keyword (i32, funcref, anyref, …) or
// (ref null? heaptype).
func (p *parser) parseValType() ir.ValType {
	if p.tok.kind == scanKeyword {
		if t, ok := parseValTypeName(p.text()); ok {
			if t == ir.V128 && !p.features.Has(ir.FeatureSIMD) {
				p.fail("v128 type requires " + ir.FeatureSIMD.Flag())
			}
			if t.IsRef() {
				p.checkHeapFeature(t.Heap(), t.String()+" type")
				p.requireRefValType()
			}
			p.next()
			return t
		}
	}
	if p.tok.kind == scanLParen {
		start := p.tok.start
		if t, ok := p.parseRefTypeForm(); ok {
			if !p.features.Has(ir.FeatureReferenceTypes) {
				p.failAt(start, t.String()+" type requires "+ir.FeatureReferenceTypes.Flag())
			}
			return t
		}
	}
	if p.tok.kind == scanKeyword && !p.isKnownKeyword(p.text()) {
		// The spec's lexer has no token for a word it does not know, such
		// as the obsolete anyfunc.
		p.fail("unknown operator " + p.tokenSnippet())
	}
	p.unexpected("a value type")
	return 0
}

// parseValTypeNames maps the value type keywords to their types; the
// reference abbreviations come from ir's names for them.
var parseValTypeNames = func() map[string]ir.ValType {
	m := map[string]ir.ValType{"i32": ir.I32, "i64": ir.I64, "f32": ir.F32, "f64": ir.F64, "v128": ir.V128}
	for _, t := range []ir.ValType{ir.FuncRef, ir.ExternRef, ir.AnyRef, ir.EqRef, ir.I31Ref, ir.StructRef,
		ir.ArrayRef, ir.ExnRef, ir.NullRef, ir.NullFuncRef, ir.NullExternRef, ir.NullExnRef} {
		m[t.String()] = t
	}
	return m
}()

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
	}
	t, ok := parseValTypeNames[scanTransient(b)]
	return t, ok
}

// checkHeapFeature rejects a reference to heap type h when its proposal is
// off: funcref and externref predate the features watt can switch off
// here; exn and noexn are exceptions', the rest GC's.
func (p *parser) checkHeapFeature(h ir.HeapType, what string) {
	var f ir.Feature
	switch h {
	case ir.HeapFunc, ir.HeapExtern:
		return
	case ir.HeapExn, ir.HeapNoExn:
		f = ir.FeatureExceptions
	default:
		if !h.IsAbstract() {
			f = ir.FeatureFunctionReferences
		} else {
			f = ir.FeatureGC
		}
	}
	if !p.features.Has(f) {
		p.fail(what + " requires " + f.Flag())
	}
}

// parseRefTypeForm reads (ref null? heaptype) at a '('. Only the nullable
// func and extern references (the reference-types proposal's spelling) are
// allowed without function references.
func (p *parser) parseRefTypeForm() (ir.ValType, bool) {
	if !p.isOpen("ref") {
		return 0, false
	}
	open := p.tok.start
	p.next()
	p.next()
	null := false
	if p.isKeyword("null") {
		null = true
		p.next()
	}
	h := p.parseHeapType()
	if (!null || !h.IsAbstract()) && !p.features.Has(ir.FeatureFunctionReferences) {
		p.failAt(open, "(ref …) type requires "+ir.FeatureFunctionReferences.Flag())
	}
	p.expectRParen()
	return ir.Ref(null, h), true
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

// parseRefType reads a reference type: the element type of a table or
// element segment, where funcref needs no feature (the MVP's).
func (p *parser) parseRefType() ir.ValType {
	if p.tok.kind == scanKeyword {
		if t, ok := parseValTypeNames[scanTransient(p.text())]; ok && t.IsRef() {
			p.checkHeapFeature(t.Heap(), t.String()+" type")
			if t != ir.FuncRef {
				p.requireRefValType()
			}
			p.next()
			return t
		}
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

// parseHeapTypeNames maps the abstract heap types' names to them (from
// ir's list, by binary code).
var parseHeapTypeNames = func() map[string]ir.HeapType {
	m := map[string]ir.HeapType{}
	for c := 0; c < 256; c++ {
		if h, ok := ir.AbstractHeap(byte(c)); ok {
			m[h.String()] = h
		}
	}
	return m
}()

// parseHeapType reads a heap type: an abstract one (func, any, …) or a
// type index. Outside a module (script values) only abstract heap types
// and numeric indices can be written.
func (p *parser) parseHeapType() ir.HeapType {
	switch p.tok.kind {
	case scanKeyword:
		if h, ok := parseHeapTypeNames[scanTransient(p.text())]; ok {
			p.checkHeapFeature(h, "heap type "+h.String())
			p.next()
			return h
		}
	case scanNumber, scanID:
		off := p.tok.start
		var idx uint32
		if p.mod == nil {
			if p.tok.kind == scanID {
				p.fail("unknown type " + p.tokenSnippet())
			}
			idx = p.parseU32()
		} else {
			idx = p.parseIndex(spaceType)
		}
		if idx > ir.MaxTypeIndex {
			p.failAt(off, "type index out of range")
		}
		if !p.features.Has(ir.FeatureFunctionReferences) {
			p.failAt(off, "a type index as heap type requires "+ir.FeatureFunctionReferences.Flag())
		}
		return ir.HeapIndex(idx)
	}
	p.unexpected("a heap type")
	return 0
}

// skipForm skips the rest of the form opened at byte offset open, whose
// '(' has been consumed, using the cheap byte-level skipper from the
// current token on, leaves the token after its ')' and returns the offset
// after the ')'.
func (p *parser) skipForm(open int) int {
	end, ok, annot := scanSkipFormAnnot(p.data, p.tok.start)
	if !ok {
		p.failAt(open, "unexpected end of input, unclosed (")
	}
	if annot {
		p.sc.sawAnnot = true
	}
	p.resetTo(end)
	return end
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

// copyBytes returns a copy of b (nil if empty) from the parser's byte
// arena: tens of thousands of small data segments take no more memory than
// their bytes.
func (p *parser) copyBytes(b []byte) []byte {
	n := len(b)
	if n == 0 {
		return nil
	}
	if n > len(p.bytes) {
		if n >= 16<<10 {
			return append([]byte(nil), b...)
		}
		p.bytes = make([]byte, 64<<10)
	}
	out := p.bytes[:n:n]
	p.bytes = p.bytes[n:]
	copy(out, b)
	return out
}
