package validate

import (
	"slices"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// unknown is the spec algorithm's bottom value type: a value produced by
// the polymorphic stack of unreachable code, matching every type. It is 0,
// which is not a valid ir.ValType. As an expected type (pop(unknown, ...))
// it accepts any operand.
const unknown ir.ValType = 0

// refBot is the non-nullable reference to the bottom heap type: what
// ref.as_non_null and friends make of an unknown operand. It matches every
// reference type but no number or vector type.
var refBot = ir.Ref(false, ir.HeapBot)

// maxExpandedLocals bounds the locals kept as a flat slice for O(1) lookup;
// beyond it (absurd but legal declarations) lookups walk the local runs.
const maxExpandedLocals = 1 << 16

type frameKind uint8

const (
	kindFunc  frameKind = iota // a function body
	kindConst                  // a constant expression
	kindBlock                  // block, and try_table
	kindLoop                   // loop
	kindIf                     // if, both arms
	kindTry                    // the body of a legacy try
	kindCatch                  // a catch or catch_all arm of a legacy try (rethrow's target)
)

// frame is one entry of the control stack. Because the IR is a tree, the
// frame also holds the instructions of its body not yet checked: the checker
// walks nested blocks with this explicit stack instead of recursion, so
// arbitrarily deep nesting cannot overflow the goroutine stack.
//
// Its fields are laid out to make it 128 bytes, so that indexing the
// control stack is a shift: pc and initHeight are int32 (a body or the
// set locals of one function cannot reach 2^31 instructions in memory).
type frame struct {
	kind        frameKind
	unreachable bool  // the rest of the body is dead code: the stack is polymorphic
	inElse      bool  // an if's else arm
	arm         int32 // legacy try: the handler being checked (-1: the body)
	height      int   // operand stack height at entry, below the params
	params      []ir.ValType
	results     []ir.ValType
	body        []ir.Instr // instructions of the current arm
	pc          int32      // the next one to check
	initHeight  int32      // height of funcChecker.inits at entry
	elseBody    []ir.Instr
	in          *ir.Instr // the block, loop, if or try; nil for functions and constants
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
	// constGlobals is how many globals a constant expression sees (the
	// spec's context C' for global and table initialisers).
	constGlobals int
	pos          ir.Pos // of the function or constant expression, for instructions without one
	err          *ir.Error
	scratch      []ir.ValType // struct.new's field types, try_table's catch types
	// arena holds the one-type result lists of blocks whose type
	// ir.OneType would allocate (concrete and non-nullable references):
	// slices of it live until the next function.
	arena []ir.ValType
	// elemItems is set while element segment items are checked: ref.func
	// needs no feature there (an MVP segment's function indices).
	elemItems bool

	locals    []ir.ValType // params then declared locals, up to maxExpandedLocals
	runs      []ir.LocalRun
	numParams int
	numLocals uint64 // params included

	// fastLocals is what the fast path knows of the locals (up to
	// maxExpandedLocals): their types, except unsetLocal for a
	// non-defaultable local (function references) not yet set on the
	// current path. Without such locals it is locals itself; with them
	// (trackInit) a copy, and inits lists the locals set in the enclosing
	// blocks, so that leaving a block unsets them again. setFar holds the
	// set ones past the expanded locals.
	fastLocals []ir.ValType
	localsBuf  []ir.ValType // fastLocals' own array when trackInit
	trackInit  bool
	setFar     map[uint32]bool
	inits      []uint32
}

// unsetLocal marks an unset local in fastLocals: no operand ever has this
// type, so the fast path's local.set falls to the slow one, which sets it,
// and its local.get checks for it.
const unsetLocal ir.ValType = 0xffffffff

func (c *funcChecker) reset(pos ir.Pos, results []ir.ValType, isConst bool) {
	c.vals = c.vals[:0]
	c.ctrl = c.ctrl[:0]
	c.inits = c.inits[:0]
	c.trackInit = false
	c.fastLocals = nil
	c.arena = c.arena[:0]
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
		if msg := c.mc.valTypeError(r.Type, len(c.mc.m.Types)); msg != "" {
			c.failAt(c.pos, "%s", msg)
			return false
		}
		if !r.Type.Defaultable() {
			c.trackInit = true
		}
		c.numLocals += uint64(r.Count)
		for n := r.Count; n > 0 && len(c.locals) < maxExpandedLocals; n-- {
			c.locals = append(c.locals, r.Type)
		}
	}
	c.fastLocals = c.locals
	if c.trackInit {
		// Parameters are set; declared locals without a default are not.
		c.localsBuf = append(c.localsBuf[:0], c.locals...)
		for i := c.numParams; i < len(c.localsBuf); i++ {
			if !c.localsBuf[i].Defaultable() {
				c.localsBuf[i] = unsetLocal
			}
		}
		c.fastLocals = c.localsBuf
		clear(c.setFar)
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

// isUnset reports whether local idx (which exists) of type t is
// non-defaultable and not yet set.
func (c *funcChecker) isUnset(idx uint32, t ir.ValType) bool {
	if uint64(idx) < uint64(len(c.fastLocals)) {
		return c.fastLocals[idx] == unsetLocal
	}
	return !t.Defaultable() && !c.setFar[idx]
}

// setLocal records that local idx of type t is set from here to the end
// of the current block.
func (c *funcChecker) setLocal(idx uint32, t ir.ValType) {
	if !c.isUnset(idx, t) {
		return
	}
	if uint64(idx) < uint64(len(c.fastLocals)) {
		c.fastLocals[idx] = t
	} else {
		if c.setFar == nil {
			c.setFar = map[uint32]bool{}
		}
		c.setFar[idx] = true
	}
	c.inits = append(c.inits, idx)
}

// resetInits forgets the locals set since the current frame began.
func (c *funcChecker) resetInits(fr *frame) {
	for _, idx := range c.inits[fr.initHeight:] {
		if uint64(idx) < uint64(len(c.fastLocals)) {
			c.fastLocals[idx] = unsetLocal
		} else {
			delete(c.setFar, idx)
		}
	}
	c.inits = c.inits[:fr.initHeight]
}

// run checks instructions until the control stack is empty or an error is
// found.
func (c *funcChecker) run() {
	for len(c.ctrl) > 0 && c.err == nil {
		fr := &c.ctrl[len(c.ctrl)-1]
		if int(fr.pc) >= len(fr.body) {
			c.end(fr)
			continue
		}
		// Check the instructions of this arm up to the next block, which
		// pushes a frame, without going back to the control stack.
		body, pc := fr.body, int(fr.pc)
		for pc < len(body) {
			in := &body[pc]
			pc++
			if k := opKinds[min(in.Op, ir.NumOps)]; k != kindOther && in.Ext == nil && fastChecks && c.fast(in, k) { // fast.go
				continue
			}
			fr.pc = int32(pc)
			c.instr(in)
			if c.err != nil || len(c.ctrl) == 0 || &c.ctrl[len(c.ctrl)-1] != fr {
				break
			}
		}
		if pc >= len(body) && len(c.ctrl) > 0 && &c.ctrl[len(c.ctrl)-1] == fr {
			fr.pc = int32(pc)
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
		kind: kind, height: len(c.vals), initHeight: int32(len(c.inits)), params: params, results: results,
		body: body, elseBody: elseBody, in: in, arm: -1,
	})
	c.vals = append(c.vals, params...)
}

// end closes the current arm of fr: the stack must hold exactly its results.
// The then-arm of an if continues with the else arm; an if without else gets
// an empty one, which is how its params must equal its results. A legacy
// try continues with its catch arms, each starting from the tag's params.
func (c *funcChecker) end(fr *frame) {
	if !c.checkEnd(fr) {
		return
	}
	c.vals = c.vals[:fr.height]
	if c.trackInit {
		c.resetInits(fr)
	}
	if fr.kind == kindIf && !fr.inElse {
		fr.inElse = true
		fr.unreachable = false
		fr.body, fr.pc = fr.elseBody, 0
		c.vals = append(c.vals, fr.params...)
		return
	}
	if fr.kind >= kindTry && c.nextHandler(fr) { // kindTry, kindCatch: exn.go
		return
	}
	results := fr.results
	c.ctrl = c.ctrl[:len(c.ctrl)-1]
	c.vals = append(c.vals, results...)
}

// checkEnd checks the operand stack at the end of fr's arm as the
// reference interpreter does: the top values must match the results, then
// nothing may be left below them.
func (c *funcChecker) checkEnd(fr *frame) bool {
	n := len(c.vals) - fr.height
	want := fr.results
	if n == len(want) {
		// The common case: exactly the results.
		top := c.vals[fr.height:]
		for i, w := range want {
			if top[i] != w {
				goto slow
			}
		}
		return true
	}
slow:
	k := min(n, len(want))
	ok := n >= len(want) || fr.unreachable
	for i := 0; ok && i < k; i++ {
		got, w := c.vals[len(c.vals)-k+i], want[len(want)-k+i]
		ok = got == w || c.mc.match(got, w)
	}
	if !ok {
		c.failEnd(fr, "instruction", c.vals[len(c.vals)-k:])
		return false
	}
	if n > len(want) {
		c.failEnd(fr, "block", c.vals[fr.height:])
		return false
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

// pop removes the top operand, which must match want (unknown: any). In
// unreachable code an exhausted frame yields unknown.
func (c *funcChecker) pop(want ir.ValType, in *ir.Instr) ir.ValType {
	fr := &c.ctrl[len(c.ctrl)-1]
	n := len(c.vals)
	if n == fr.height {
		if !fr.unreachable {
			c.failStack(in, []ir.ValType{want}, nil)
		}
		return unknown
	}
	got := c.vals[n-1]
	c.vals = c.vals[:n-1]
	if got != want && want != unknown && !c.mc.match(got, want) {
		c.failStack(in, []ir.ValType{want}, []ir.ValType{got})
	}
	return got
}

// popTypes pops operands of types ts (the last one first). A mismatch is
// reported for the whole sequence, as the reference interpreter does.
func (c *funcChecker) popTypes(ts []ir.ValType, in *ir.Instr) {
	if len(ts) != 0 { // inlined: blocks and branches mostly have no types
		c.popTypesN(ts, in)
	}
}

func (c *funcChecker) popTypesN(ts []ir.ValType, in *ir.Instr) {
	// The common case: the operands are there with exactly these types.
	if k := len(c.vals) - len(ts); k >= c.ctrl[len(c.ctrl)-1].height {
		top := c.vals[k:]
		for i, t := range ts {
			if top[i] != t {
				goto slow
			}
		}
		c.vals = c.vals[:k]
		return
	}
slow:
	c.popTypesSlow(ts, in)
}

// popTypesSlow is popTypes with subtyping, unknown operands and errors.
func (c *funcChecker) popTypesSlow(ts []ir.ValType, in *ir.Instr) {
	fr := &c.ctrl[len(c.ctrl)-1]
	n := len(c.vals)
	k := min(n-fr.height, len(ts))
	ok := k == len(ts) || fr.unreachable
	for i := 0; ok && i < k; i++ {
		got, want := c.vals[n-k+i], ts[len(ts)-k+i]
		ok = got == want || c.mc.match(got, want)
	}
	if !ok {
		c.failStack(in, ts, c.vals[n-k:])
	}
	c.vals = c.vals[:n-k]
}

// oneType returns [t], without allocating.
func (c *funcChecker) oneType(t ir.ValType) []ir.ValType {
	if t < 256 || t.IsRef() && t.Nullable() && t.Heap().IsAbstract() {
		return ir.OneType(t)
	}
	// When append moves the arena, earlier slices keep the old array,
	// whose values never change.
	c.arena = append(c.arena, t)
	n := len(c.arena)
	return c.arena[n-1 : n : n]
}

// peek returns the operand i places below the top (0: the top), or
// unknown when the frame has no such operand.
func (c *funcChecker) peek(i int) ir.ValType {
	k := len(c.vals) - 1 - i
	if k < c.ctrl[len(c.ctrl)-1].height {
		return unknown
	}
	return c.vals[k]
}

// peekRef returns the reference type of operand i below the top: refBot
// for an unknown operand; it reports an operand of another type.
func (c *funcChecker) peekRef(i int, in *ir.Instr) (ir.ValType, bool) {
	switch t := c.peek(i); {
	case t == unknown:
		return refBot, true
	case t.IsRef():
		return t, true
	default:
		c.failf(in, "type mismatch: instruction requires reference type but stack has %s", typeName(t))
		return 0, false
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

// failStack reports operands that do not match what the instruction
// requires, in the reference interpreter's words.
func (c *funcChecker) failStack(in *ir.Instr, want, got []ir.ValType) {
	c.failf(in, "type mismatch: instruction requires %s but stack has %s in %s", typeList(want), typeList(got), in.Op)
}

// failEnd reports a block, function or constant expression whose operand
// stack does not match its result types: what (the reference
// interpreter's word) is "instruction" when the top values do not match,
// "block" when values are left below them.
func (c *funcChecker) failEnd(fr *frame, what string, got []ir.ValType) {
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
		switch {
		case fr.kind == kindIf && fr.inElse && fr.elseBody == nil:
			where = "in if without else (its params must equal its results)"
		case fr.kind == kindIf && fr.inElse:
			where = "at end of else"
		case fr.kind == kindCatch:
			where = "at end of catch"
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
	c.failAt(pos, "type mismatch: %s requires %s but stack has %s %s", what, typeList(fr.results), typeList(got), where)
}

func typeName(t ir.ValType) string {
	switch {
	case t == unknown:
		return "bot"
	case t.IsRef() && t.Heap() == ir.HeapBot:
		if t.Nullable() {
			return "(ref null bot)"
		}
		return "(ref bot)"
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
