package wat

import (
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// parseCommand parses one script command at '('. Nested (thread …)
// commands are kept on an explicit stack, not the goroutine's.
func (p *parser) parseCommand() Command {
	var threads []*ThreadCommand // open threads, outermost first
	for {
		if p.isOpen("thread") {
			threads = append(threads, p.parseThreadHead())
		} else {
			c := p.parseSimpleCommand()
			if len(threads) == 0 {
				return c
			}
			t := threads[len(threads)-1]
			t.Commands = append(t.Commands, c)
		}
		// Close the innermost threads whose commands have ended.
		for len(threads) > 0 && p.tok.kind != scanLParen {
			p.expectRParen()
			t := threads[len(threads)-1]
			threads = threads[:len(threads)-1]
			if len(threads) == 0 {
				return t
			}
			parent := threads[len(threads)-1]
			parent.Commands = append(parent.Commands, t)
		}
	}
}

// parseThreadHead parses the start of (thread $name (shared (module $M))*,
// up to its commands.
func (p *parser) parseThreadHead() *ThreadCommand {
	pos := ir.PosAt(p.tok.start)
	p.next()
	p.next()
	c := &ThreadCommand{Pos: pos}
	if p.tok.kind != scanID {
		p.unexpected("a thread $name")
	}
	c.Name, _, _ = p.optID()
	for p.isOpen("shared") {
		p.next()
		p.next()
		if !p.isOpen("module") {
			p.unexpected("(module")
		}
		p.next()
		p.next()
		if p.tok.kind != scanID {
			p.unexpected("a module $name")
		}
		name, _, _ := p.optID()
		c.Shared = append(c.Shared, name)
		p.expectRParen()
		p.expectRParen()
	}
	return c
}

// parseSimpleCommand parses one command other than thread at '('.
func (p *parser) parseSimpleCommand() Command {
	// Annotations between commands belong to no module: the spec
	// interpreter's handlers only see those inside a module's text.
	p.annots = p.annots[:0]
	if p.tok.kind != scanLParen {
		p.unexpected("a command")
	}
	open := p.tok.start
	pos := ir.PosAt(open)
	kw := p.openKeyword()
	if kw == nil {
		p.next()
		p.unexpected("a command")
	}
	switch scanTransient(kw) {
	case "module":
		m, inst := p.parseModuleOrInstance(false)
		if inst != nil {
			return inst
		}
		return m
	case "register":
		p.next()
		p.next()
		c := &RegisterCommand{Pos: pos, As: string(p.parseString())}
		c.Module, _, _ = p.optID()
		p.expectRParen()
		return c
	case "invoke", "get":
		return &ActionCommand{Pos: pos, Action: p.parseAction()}
	case "assert_return":
		p.next()
		p.next()
		c := &AssertReturn{Pos: pos, Action: p.parseAction()}
		for p.tok.kind == scanLParen {
			c.Results = append(c.Results, p.parseResult())
		}
		p.expectRParen()
		return c
	case "assert_trap":
		p.next()
		p.next()
		c := &AssertTrap{Pos: pos}
		if p.isOpen("module") {
			c.Module, c.Instance = p.parseModuleOrInstance(true)
		} else {
			a := p.parseAction()
			c.Action = &a
		}
		c.Message = string(p.parseString())
		p.expectRParen()
		return c
	case "assert_exhaustion":
		p.next()
		p.next()
		c := &AssertExhaustion{Pos: pos, Action: p.parseAction()}
		c.Message = string(p.parseString())
		p.expectRParen()
		return c
	case "assert_exception":
		p.next()
		p.next()
		c := &AssertException{Pos: pos, Action: p.parseAction()}
		p.expectRParen()
		return c
	case "assert_malformed", "assert_invalid", "assert_unlinkable", "assert_uninstantiable",
		"assert_malformed_custom", "assert_invalid_custom":
		c := &AssertModule{Pos: pos}
		switch string(kw) {
		case "assert_malformed":
			c.Kind = ir.Malformed
		case "assert_invalid":
			c.Kind = ir.Invalid
		case "assert_unlinkable":
			c.Kind = ir.Unlinkable
		case "assert_uninstantiable":
			c.Kind = ir.Uninstantiable
		case "assert_malformed_custom":
			c.Kind, c.Custom = ir.Malformed, true
		case "assert_invalid_custom":
			c.Kind, c.Custom = ir.Invalid, true
		}
		p.next()
		p.next()
		if !p.isOpen("module") {
			p.unexpected("(module")
		}
		c.Module, c.Instance = p.parseModuleOrInstance(true)
		if c.Instance != nil && c.Kind != ir.Unlinkable {
			p.failAt(c.Instance.Pos.Offset(), "unexpected token instance, expected a module")
		}
		c.Message = string(p.parseString())
		p.expectRParen()
		return c
	case "wait":
		p.next()
		p.next()
		if p.tok.kind != scanID {
			p.unexpected("a thread $name")
		}
		c := &WaitCommand{Pos: pos}
		c.Thread, _, _ = p.optID()
		p.expectRParen()
		return c
	}
	p.next()
	p.fail("unknown command " + p.tokenSnippet())
	return nil
}

// parseModuleOrInstance parses (module instance $i? $m?) or a module
// command at '(': exactly one of the results is non-nil.
func (p *parser) parseModuleOrInstance(inAssert bool) (*ModuleCommand, *InstanceCommand) {
	open := p.tok.start
	if t := p.peek(); t.kind != scanKeyword || scanTransient(p.tokText(t)) != "module" {
		p.next()
		p.unexpected("module")
	}
	p.next()
	p.next()
	if !p.isKeyword("instance") {
		return p.parseModuleCommand(open, inAssert), nil
	}
	p.next()
	c := &InstanceCommand{Pos: ir.PosAt(open)}
	if p.tok.kind == scanID {
		first, _, _ := p.optID()
		if p.tok.kind == scanID {
			c.Instance = first
			c.Module, _, _ = p.optID()
		} else {
			c.Module = first
		}
	}
	p.expectRParen()
	return nil, c
}

// parseModuleCommand parses the rest of (module definition? $name?
// (binary|quote)? …) after the keyword module; open is where its '(' is.
// In an assertion (inAssert), a text module that fails to parse is
// recorded in Err and skipped, so that one bad module does not lose the
// script.
func (p *parser) parseModuleCommand(open int, inAssert bool) *ModuleCommand {
	c := &ModuleCommand{Pos: ir.PosAt(open), Start: open}
	if p.isKeyword("definition") {
		c.Definition = true
		p.next()
	}
	c.Name, _, _ = p.optID()
	switch {
	case p.isKeyword("binary"):
		p.next()
		c.Kind = ModuleBinary
		c.Binary = []byte{}
		for p.tok.kind == scanString {
			c.Binary = literalString(c.Binary, p.text())
			p.next()
		}
	case p.isKeyword("quote"):
		p.next()
		c.Kind = ModuleQuote
		// The strings are concatenated as they are, as the spec
		// interpreter does.
		var b []byte
		for p.tok.kind == scanString {
			b = literalString(b, p.text())
			p.next()
		}
		// b is ours and never changes again: share it instead of copying
		// a possibly huge text once more.
		c.Quote = unsafe.String(unsafe.SliceData(b), len(b))
	default:
		if inAssert {
			var end int
			c.Module, end, c.Err = p.parseModuleFieldsRecover(c.Name, open)
			if c.Err != nil {
				c.End = end
				return c
			}
		} else {
			c.Module = p.parseModuleFields(c.Name)
		}
	}
	c.End = p.tok.end
	p.expectRParen()
	return c
}

// parseModuleFieldsRecover parses a text module's fields, turning a parse
// error into a returned error and skipping to after the module's ')'.
func (p *parser) parseModuleFieldsRecover(name string, open int) (m *ir.Module, end int, err error) {
	mark := len(p.instrs)
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(parseBailout)
			if !ok {
				panic(r)
			}
			err = ir.ErrorList{b.err}
			clear(p.instrs[mark:])
			p.instrs = p.instrs[:mark]
			p.annotsOff, p.inFunc = false, false // the bailout may leave either set
			p.annots = p.annots[:0]
			var okSkip bool
			end, okSkip = scanSkipForm(p.data, open+1)
			if !okSkip {
				panic(r) // the script itself is broken
			}
			p.resetTo(end)
		}
	}()
	return p.parseModuleFields(name), 0, nil
}

// parseAction parses (invoke $m? "name" value*) or (get $m? "name").
func (p *parser) parseAction() Action {
	a := Action{Pos: ir.PosAt(p.tok.start)}
	switch {
	case p.isOpen("invoke"):
		a.Kind = ActionInvoke
	case p.isOpen("get"):
		a.Kind = ActionGet
	default:
		if p.tok.kind == scanLParen {
			p.next()
		}
		p.unexpected("an action (invoke or get)")
	}
	p.next()
	p.next()
	a.Module, _, _ = p.optID()
	a.Name = string(p.parseString())
	if a.Kind == ActionInvoke {
		for p.tok.kind == scanLParen {
			v, _ := p.parseValue(false)
			a.Args = append(a.Args, v)
		}
	}
	p.expectRParen()
	return a
}

// parseResult parses an expected result. Nested (either …) results are
// kept on an explicit stack, not the goroutine's.
func (p *parser) parseResult() Result {
	var eithers []Result // open (either …), outermost first
	for {
		pos := ir.PosAt(p.tok.start)
		if p.isOpen("either") {
			p.next()
			p.next()
			eithers = append(eithers, Result{Pos: pos, Kind: ResultEither})
		} else {
			v, r := p.parseValue(true)
			r.Pos, r.Value = pos, v
			if len(eithers) == 0 {
				return r
			}
			e := &eithers[len(eithers)-1]
			e.Either = append(e.Either, r)
		}
		// Close the innermost eithers whose results have ended.
		for len(eithers) > 0 && p.tok.kind != scanLParen {
			p.expectRParen()
			r := eithers[len(eithers)-1]
			eithers = eithers[:len(eithers)-1]
			if len(eithers) == 0 {
				return r
			}
			e := &eithers[len(eithers)-1]
			e.Either = append(e.Either, r)
		}
	}
}

// parseValue parses a constant; withPatterns allows the result-only forms
// (nan:canonical, nan:arithmetic, ref.func / ref.extern without a number).
func (p *parser) parseValue(withPatterns bool) (Value, Result) {
	var v Value
	var r Result
	p.expectLParen()
	if p.tok.kind != scanKeyword {
		p.unexpected("a constant")
	}
	kw := scanTransient(p.text())
	kwOff := p.tok.start
	p.next()
	switch kw {
	case "i32.const":
		v.Type, v.Lo = ir.I32, p.parseIntConst(32)
	case "i64.const":
		v.Type, v.Lo = ir.I64, p.parseIntConst(64)
	case "f32.const", "f64.const":
		bits := 32
		v.Type = ir.F32
		if kw == "f64.const" {
			bits, v.Type = 64, ir.F64
		}
		if pat := p.parseNaNPattern(withPatterns); pat != NaNNone {
			r.NaN[0] = pat
		} else {
			v.Lo = p.parseFloatConst(bits)
		}
	case "v128.const":
		v.Type = ir.V128
		v.Shape = p.parseV128Shape()
		p.parseV128Lanes(&v, &r, withPatterns)
	case "ref.null":
		if p.tok.kind == scanRParen && withPatterns {
			r.Kind = ResultRefNull
			break
		}
		v.Type, v.Null = ir.Ref(true, p.parseHeapType()), true
	case "ref.extern", "ref.func", "ref.host":
		switch kw {
		case "ref.extern":
			v.Type = ir.ExternRef
		case "ref.func":
			v.Type = ir.FuncRef
		default:
			v.Type = ir.AnyRef
		}
		if p.tok.kind == scanNumber {
			v.Lo = uint64(p.parseU32())
		} else if withPatterns && kw != "ref.host" {
			r.Kind = ResultRefAny
		} else {
			p.unexpected("a number")
		}
	case "ref.struct", "ref.array", "ref.i31", "ref.eq", "ref.exn", "ref.any", "ref":
		if !withPatterns {
			p.failAt(kwOff, "unexpected token "+kw+", expected a constant")
		}
		r.Kind = ResultRefAny
		v.Type = parseRefPatterns[kw]
	default:
		p.failAt(kwOff, "unexpected token "+kw+", expected a constant")
	}
	p.expectRParen()
	return v, r
}

// parseRefPatterns are the reference type patterns of results, by keyword.
var parseRefPatterns = map[string]ir.ValType{
	"ref.struct": ir.StructRef, "ref.array": ir.ArrayRef, "ref.i31": ir.I31Ref, "ref.eq": ir.EqRef,
	"ref.exn": ir.ExnRef, "ref.any": ir.AnyRef, "ref": ir.AnyRef,
}

// parseNaNPattern consumes nan:canonical or nan:arithmetic if allowed.
func (p *parser) parseNaNPattern(allowed bool) NaNPattern {
	if !allowed || p.tok.kind != scanKeyword {
		return NaNNone
	}
	switch scanTransient(p.text()) {
	case "nan:canonical":
		p.next()
		return NaNCanonical
	case "nan:arithmetic":
		p.next()
		return NaNArithmetic
	}
	return NaNNone
}

// parseV128Lanes reads the lanes of a v128 value, with NaN patterns in
// float lanes when allowed.
func (p *parser) parseV128Lanes(v *Value, r *Result, withPatterns bool) {
	shape := v.Shape
	n, bits := shape.Lanes(), shape.LaneBits()
	p.checkLaneCount(shape)
	var b [16]byte
	for i := 0; i < n; i++ {
		var x uint64
		if shape.IsFloat() {
			if pat := p.parseNaNPattern(withPatterns); pat != NaNNone {
				r.NaN[i] = pat
				continue
			}
			x = p.parseFloatConst(int(bits))
		} else {
			x = p.parseIntConst(bits)
		}
		for k := uint(0); k < bits/8; k++ {
			b[i*int(bits/8)+int(k)] = byte(x >> (8 * k))
		}
	}
	var in ir.Instr
	in.SetV128Bytes(b)
	v.Lo, v.Hi = in.Value, in.V128Hi()
}
