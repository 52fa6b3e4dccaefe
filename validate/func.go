package validate

import (
	"slices"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// unknown is the spec algorithm's Unknown operand type: a value produced by
// the polymorphic stack of unreachable code, matching every type. It is 0,
// which is not a valid ir.ValType.
const unknown ir.ValType = 0

// maxExpandedLocals bounds the locals kept as a flat slice for O(1) lookup;
// beyond it (absurd but legal declarations) lookups walk the local runs.
const maxExpandedLocals = 1 << 16

type frameKind uint8

const (
	kindFunc  frameKind = iota // a function body
	kindConst                  // a constant expression
	kindBlock
	kindLoop
	kindIf
)

// frame is one entry of the control stack. Because the IR is a tree, the
// frame also holds the instructions of its body not yet checked: the checker
// walks nested blocks with this explicit stack instead of recursion, so
// arbitrarily deep nesting cannot overflow the goroutine stack.
type frame struct {
	kind        frameKind
	unreachable bool // the rest of the body is dead code: the stack is polymorphic
	inElse      bool
	height      int // operand stack height at entry, below the params
	params      []ir.ValType
	results     []ir.ValType
	body        []ir.Instr // instructions of the current arm
	pc          int        // the next one to check
	elseBody    []ir.Instr
	in          *ir.Instr // the block, loop or if; nil for functions and constants
}

// labelTypes are the types a branch to f carries: a loop's params (a branch
// restarts it), otherwise the results.
func (f *frame) labelTypes() []ir.ValType {
	if f.kind == kindLoop {
		return f.params
	}
	return f.results
}

// funcChecker validates function bodies and constant expressions. It is
// reused for the whole module, so its stacks are allocated once and checking
// an instruction does not allocate.
type funcChecker struct {
	mc      *moduleChecker
	vals    []ir.ValType // operand stack
	ctrl    []frame      // control stack
	results []ir.ValType // the function's results, for return
	isConst bool
	// elemItems is set while element segment items are checked: ref.func
	// needs no feature there (an MVP segment's function indices).
	elemItems bool
	pos       ir.Pos // of the function or constant expression, for instructions without one
	err       *ir.Error

	locals    []ir.ValType // params then declared locals, up to maxExpandedLocals
	runs      []ir.LocalRun
	numParams int
	numLocals uint64 // params included
}

func (c *funcChecker) reset(pos ir.Pos, results []ir.ValType, isConst bool) {
	c.vals = c.vals[:0]
	c.ctrl = c.ctrl[:0]
	c.results = results
	c.isConst = isConst
	c.pos = pos
	c.err = nil
}

// checkFunc validates one function body against its type.
func (c *funcChecker) checkFunc(f *ir.Func, ft *ir.FuncType) *ir.Error {
	c.reset(f.Pos, ft.Results, false)
	if !c.setLocals(ft.Params, f.Locals) {
		return c.err
	}
	c.pushFrame(kindFunc, nil, ft.Results, f.Body, nil, nil)
	c.run()
	return c.err
}

func (c *funcChecker) setLocals(params []ir.ValType, runs []ir.LocalRun) bool {
	c.locals = append(c.locals[:0], params...)
	c.runs = runs
	c.numParams = len(params)
	c.numLocals = uint64(len(params))
	for _, r := range runs {
		if !r.Type.IsValid() {
			c.failAt(c.pos, "invalid local type 0x%02x", byte(r.Type))
			return false
		}
		if r.Type.IsRef() && !c.mc.features.Has(ir.FeatureReferenceTypes) {
			c.failAt(c.pos, "%s requires %s", r.Type, ir.FeatureReferenceTypes.Flag())
			return false
		}
		c.numLocals += uint64(r.Count)
		for n := r.Count; n > 0 && len(c.locals) < maxExpandedLocals; n-- {
			c.locals = append(c.locals, r.Type)
		}
	}
	return true
}

// local returns the type of local idx.
func (c *funcChecker) local(idx uint32, in *ir.Instr) (ir.ValType, bool) {
	if uint64(idx) < uint64(len(c.locals)) {
		return c.locals[idx], true
	}
	if uint64(idx) >= c.numLocals {
		c.failf(in, "unknown local %d", idx)
		return 0, false
	}
	base := uint64(c.numParams)
	for _, r := range c.runs {
		if uint64(idx) < base+uint64(r.Count) {
			return r.Type, true
		}
		base += uint64(r.Count)
	}
	c.failf(in, "unknown local %d", idx)
	return 0, false
}

// run checks instructions until the control stack is empty or an error is
// found.
func (c *funcChecker) run() {
	for len(c.ctrl) > 0 && c.err == nil {
		fr := &c.ctrl[len(c.ctrl)-1]
		if fr.pc >= len(fr.body) {
			c.end(fr)
			continue
		}
		// Check the instructions of this arm up to the next block, which
		// pushes a frame, without going back to the control stack.
		body, pc := fr.body, fr.pc
		for pc < len(body) {
			in := &body[pc]
			pc++
			if k := opKinds[min(in.Op, ir.NumOps)]; k != kindOther && fastChecks && c.fast(in, k) { // fast.go
				continue
			}
			fr.pc = pc
			c.instr(in)
			if c.err != nil || len(c.ctrl) == 0 || &c.ctrl[len(c.ctrl)-1] != fr {
				break
			}
		}
		if pc >= len(body) && len(c.ctrl) > 0 && &c.ctrl[len(c.ctrl)-1] == fr {
			fr.pc = pc
		}
	}
}

func (c *funcChecker) pushFrame(kind frameKind, params, results []ir.ValType, body, elseBody []ir.Instr, in *ir.Instr) {
	if len(c.ctrl) == cap(c.ctrl) {
		// Double, rather than append's quarter for large slices: a deep
		// nest copies its frames less often.
		c.ctrl = slices.Grow(c.ctrl, len(c.ctrl)+1)
	}
	c.ctrl = append(c.ctrl, frame{
		kind: kind, height: len(c.vals), params: params, results: results,
		body: body, elseBody: elseBody, in: in,
	})
	c.vals = append(c.vals, params...)
}

// end closes the current arm of fr: the stack must hold exactly its results.
// The then-arm of an if continues with the else arm; an if without else gets
// an empty one, which is how its params must equal its results.
func (c *funcChecker) end(fr *frame) {
	if !c.checkEnd(fr) {
		return
	}
	c.vals = c.vals[:fr.height]
	if fr.kind == kindIf && !fr.inElse {
		fr.inElse = true
		fr.unreachable = false
		fr.body, fr.pc = fr.elseBody, 0
		c.vals = append(c.vals, fr.params...)
		return
	}
	results := fr.results
	c.ctrl = c.ctrl[:len(c.ctrl)-1]
	c.vals = append(c.vals, results...)
}

func (c *funcChecker) checkEnd(fr *frame) bool {
	n := len(c.vals) - fr.height
	want := fr.results
	if n > len(want) || (n < len(want) && !fr.unreachable) {
		c.failEnd(fr)
		return false
	}
	for i := 0; i < n; i++ {
		got, w := c.vals[fr.height+i], want[len(want)-n+i]
		if got != w && got != unknown {
			c.failEnd(fr)
			return false
		}
	}
	return true
}

func (c *funcChecker) setUnreachable() {
	fr := &c.ctrl[len(c.ctrl)-1]
	c.vals = c.vals[:fr.height]
	fr.unreachable = true
}

func (c *funcChecker) push(t ir.ValType) { c.vals = append(c.vals, t) }

func (c *funcChecker) pushTypes(ts []ir.ValType) { c.vals = append(c.vals, ts...) }

// pop removes the top operand, which must have type want (unknown: any).
// In unreachable code an exhausted frame yields unknown.
func (c *funcChecker) pop(want ir.ValType, in *ir.Instr) ir.ValType {
	fr := &c.ctrl[len(c.ctrl)-1]
	n := len(c.vals)
	if n == fr.height {
		if !fr.unreachable {
			c.failf(in, "type mismatch: expected %s, got nothing in %s", typeName(want), in.Op)
		}
		return unknown
	}
	got := c.vals[n-1]
	c.vals = c.vals[:n-1]
	if got != want && got != unknown && want != unknown {
		c.failf(in, "type mismatch: expected %s, got %s in %s", typeName(want), typeName(got), in.Op)
	}
	return got
}

// popTypes pops operands of types ts (the last one first).
func (c *funcChecker) popTypes(ts []ir.ValType, in *ir.Instr) {
	for i := len(ts) - 1; i >= 0; i-- {
		c.pop(ts[i], in)
	}
}

// peekTypes checks that the top of the stack has types ts without popping.
func (c *funcChecker) peekTypes(ts []ir.ValType, in *ir.Instr) {
	fr := &c.ctrl[len(c.ctrl)-1]
	k := len(c.vals) - 1
	for i := len(ts) - 1; i >= 0; i, k = i-1, k-1 {
		if k < fr.height {
			if !fr.unreachable {
				c.failf(in, "type mismatch: expected %s, got nothing in %s", typeName(ts[i]), in.Op)
			}
			return
		}
		if got := c.vals[k]; got != ts[i] && got != unknown {
			c.failf(in, "type mismatch: expected %s, got %s in %s", typeName(ts[i]), typeName(got), in.Op)
			return
		}
	}
}

// label returns the frame a branch of depth d targets.
func (c *funcChecker) label(d uint32, in *ir.Instr) *frame {
	if c.isConst || uint64(d) >= uint64(len(c.ctrl)) {
		c.failf(in, "unknown label %d", d)
		return nil
	}
	return &c.ctrl[len(c.ctrl)-1-int(d)]
}

// failf records the function's first error, at the instruction.
func (c *funcChecker) failf(in *ir.Instr, format string, args ...any) {
	pos := in.Pos
	if !pos.IsValid() {
		pos = c.pos
	}
	c.failAt(pos, format, args...)
}

func (c *funcChecker) failAt(pos ir.Pos, format string, args ...any) {
	if c.err == nil {
		c.err = ir.Errorf(c.mc.src, pos, ir.Invalid, format, args...)
	}
}

// failEnd reports a block, function or constant expression whose operand
// stack does not match its result types.
func (c *funcChecker) failEnd(fr *frame) {
	got := c.vals[fr.height:]
	var where string
	pos := c.pos
	switch fr.kind {
	case kindFunc:
		where = "at end of function"
	case kindConst:
		where = "in constant expression"
	default:
		pos = fr.in.Pos
		where = "at end of " + fr.in.Op.String()
		if fr.kind == kindIf && fr.inElse {
			where = "at end of else"
			if fr.elseBody == nil {
				where = "in if without else (its params must equal its results)"
			}
		}
	}
	// The end of a function or block has no position of its own: its
	// last instruction is where the mismatch shows (wabt points there for
	// functions, at the end for blocks).
	if n := len(fr.body); fr.kind != kindConst && n > 0 && fr.body[n-1].Pos.IsValid() {
		pos = fr.body[n-1].Pos
	}
	if !pos.IsValid() {
		pos = c.pos
	}
	c.failAt(pos, "type mismatch: expected %s, got %s %s", typeList(fr.results), typeList(got), where)
}

func typeName(t ir.ValType) string {
	if t == unknown {
		return "any"
	}
	return t.String()
}

func typeList(ts []ir.ValType) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(typeName(t))
	}
	b.WriteByte(']')
	return b.String()
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
