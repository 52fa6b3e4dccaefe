package interp

import (
	"sort"

	"github.com/watt-wasm/watt/ir"
)

// Compiling exception handling. A try_table or legacy try adds a handler
// to its function's table (fc.handlers): the pc range of its body and its
// catch clauses. Nothing is executed on entering or leaving a try (except
// the jump over a try_table's landing pads), so code that does not throw
// runs as fast as without handlers; a throw searches the tables of the
// frames it unwinds (exn.go).
//
// A catch clause names where the payload goes (the slots of the label it
// branches to; for a legacy catch, the try's own slots) and its landing
// pad: for try_table a branch to the label, emitted before the body; for a
// legacy catch, the catch arm's code, which starts with the caught
// exception in the try's first slot (a hidden operand that rethrow reads)
// and the payload above it.

// exnCompiler is a function's exception-handling compile state.
type exnCompiler struct {
	active  []activeHandler // handlers whose body is being compiled, innermost last
	armSlot map[*ctrl]uint32
}

type activeHandler struct {
	handler int // index in fc.handlers
	ctrl    int // index in compiler.ctrls of its try or try_table
}

// tryArm is the state of a try_table body, or a legacy try's body or catch
// arm, being compiled.
type tryArm struct {
	in      *ir.Instr
	handler int // index in fc.handlers
	arm     int // -1: the body; else the index of the catch arm
}

// innermost returns the innermost active handler whose try is at ctrl
// index at most maxCtrl, or -1.
func (e *exnCompiler) innermost(maxCtrl int) int32 {
	// Active handlers' ctrl indices increase: binary search, so that deep
	// nests of tries delegating far out compile in O(n log n).
	i := sort.Search(len(e.active), func(i int) bool { return e.active[i].ctrl > maxCtrl })
	if i == 0 {
		return -1
	}
	return int32(e.active[i-1].handler)
}

// tagType returns the function type index of tag index i.
func (e *moduleEnv) tagType(i uint32) uint32 {
	if e.tagTypes == nil {
		for _, im := range e.m.Imports {
			if im.Kind == ir.ExternTag {
				e.tagTypes = append(e.tagTypes, im.Tag)
			}
		}
		for _, t := range e.m.Tags {
			e.tagTypes = append(e.tagTypes, t.Type)
		}
	}
	return e.tagTypes[i]
}

func (c *compiler) tagParams(i uint32) []ir.ValType {
	return c.env.m.Types[c.env.tagType(i)].Params
}

// openTry starts a try_table or legacy try and pushes its body.
func (c *compiler) openTry(in *ir.Instr) {
	if c.exn == nil {
		c.exn = &exnCompiler{armSlot: map[*ctrl]uint32{}}
	}
	outer := c.exn.innermost(len(c.ctrls))
	h := handler{parent: outer, outer: outer}
	if in.Op == ir.OpTryTable {
		// Landing pads: one branch per clause, to its label (resolved in
		// the context outside the try_table, as validation does).
		c.flush()
		catches := in.Catches()
		skip := -1
		if len(catches) > 0 {
			skip = c.emit(instr{op: opBr})
		}
		for _, cc := range catches {
			f := c.label(cc.Label)
			c.here()
			ct := catch{tag: -1, dst: f.height, exnAt: -1, pad: uint32(c.pc())}
			n := uint32(0)
			if cc.Kind == ir.Catch || cc.Kind == ir.CatchRef {
				ct.tag = int32(cc.Tag)
				n = slots(c.tagParams(cc.Tag))
			}
			if cc.Kind == ir.CatchRef || cc.Kind == ir.CatchAllRef {
				ct.exnAt = int32(f.height + n)
				n++
			}
			c.frameAtLeast(f.height + n)
			if f == c.ctrls[0] {
				c.emit(instr{op: c.returnOp(), b: f.height, c: c.fc.results})
			} else {
				c.jump(f, instr{op: opBr})
			}
			h.catches = append(h.catches, ct)
		}
		if skip >= 0 {
			setTarget(&c.fc.code[skip], int64(c.pc()))
			c.here()
		}
	}
	f := c.enterBlock(in.Op, in.Block)
	if l, ok := in.Delegate(); ok {
		// delegate l rethrows inside the block that label l names,
		// counted outside the try: its handlers and those enclosing it.
		h.delegate = true
		h.parent = c.exn.innermost(len(c.ctrls) - 2 - int(l))
	}
	c.here()
	h.start = uint32(c.pc())
	idx := len(c.fc.handlers)
	c.fc.handlers = append(c.fc.handlers, h)
	c.exn.active = append(c.exn.active, activeHandler{handler: idx, ctrl: len(c.ctrls) - 1})
	c.work = append(c.work, pending{instrs: in.Body, f: f, try: &tryArm{in: in, handler: idx, arm: -1}})
}

// closeTry finishes a try body or catch arm: it ends the block, or starts
// the next catch arm of a legacy try.
func (c *compiler) closeTry(w *pending, reachable bool) {
	a, f := w.try, w.f
	if a.arm < 0 {
		c.here()
		c.fc.handlers[a.handler].end = uint32(c.pc())
		c.exn.active = c.exn.active[:len(c.exn.active)-1]
	}
	arms := a.in.Handlers()
	next := a.arm + 1
	if next >= len(arms) {
		if a.arm >= 0 && reachable {
			// A catch arm's results sit above the caught exception.
			c.flush()
			c.moveTo(f)
		}
		if a.arm >= 0 {
			delete(c.exn.armSlot, f)
		}
		c.endBlock(f, reachable)
		return
	}
	if reachable {
		c.flush()
		c.branch(f)
	}
	arm := &arms[next]
	c.truncate(f.depth)
	c.top = f.height
	c.here()
	ct := catch{tag: -1, dst: f.height + 1, exnAt: int32(f.height), pad: uint32(c.pc())}
	c.push(ir.ExnRef)
	if !arm.All {
		ct.tag = int32(arm.Tag)
		for _, t := range c.tagParams(arm.Tag) {
			c.push(t)
		}
	}
	h := &c.fc.handlers[a.handler]
	h.catches = append(h.catches, ct)
	c.exn.armSlot[f] = f.height
	c.work = append(c.work, pending{instrs: arm.Body, f: f, try: &tryArm{in: a.in, handler: a.handler, arm: next}})
}

// throw compiles throw, throw_ref and rethrow.
func (c *compiler) throw(in *ir.Instr) {
	switch in.Op {
	case ir.OpThrow:
		args := c.popN(len(c.tagParams(in.Index)))
		for i := range args {
			c.materialize(&args[i])
		}
		c.emit(instr{op: opThrow, b: c.top, imm: uint64(in.Index)})
	case ir.OpThrowRef:
		v := c.pop()
		c.emit(instr{op: opThrowRef, b: c.src(&v)})
	case ir.OpRethrow:
		c.emit(instr{op: opThrowRef, b: c.exn.armSlot[c.label(in.Index)]})
	}
}

func (c *compiler) frameAtLeast(n uint32) {
	if n > c.fc.frame {
		c.fc.frame = n
	}
}
