package validate

import "github.com/watt-wasm/watt/ir"

// Exception handling: throw, throw_ref and try_table (WebAssembly 3.0),
// and the legacy instructions try/catch/catch_all/delegate and rethrow
// (--enable-legacy-exceptions).

// exn types an exception instruction.
func (c *funcChecker) exn(in *ir.Instr) {
	switch in.Op {
	case ir.OpThrow:
		ft := c.tag(in.Index, in)
		if ft == nil {
			return
		}
		c.popTypes(ft.Params, in)
		c.setUnreachable()

	case ir.OpThrowRef:
		c.pop(ir.ExnRef, in)
		c.setUnreachable()

	case ir.OpTryTable:
		params, results, ok := c.blockType(in)
		if !ok {
			return
		}
		// Catch clauses branch to labels of the enclosing blocks: they
		// are checked before the try_table's own label exists.
		for _, cc := range in.Catches() {
			if !c.checkCatch(cc, in) {
				return
			}
		}
		c.popTypes(params, in)
		c.pushFrame(kindBlock, params, results, in.Body, nil, in)

	case ir.OpTry:
		params, results, ok := c.blockType(in)
		if !ok {
			return
		}
		c.popTypes(params, in)
		c.pushFrame(kindTry, params, results, in.Body, nil, in)

	case ir.OpRethrow:
		l := c.label(in.Index, in)
		if l == nil {
			return
		}
		if l.kind != kindCatch {
			c.failf(in, "invalid rethrow label %d: not a catch block", in.Index)
			return
		}
		c.setUnreachable()
	}
}

// tag resolves a tag index to its function type (nil, reported, if there
// is no such tag; nil, not reported, if its type is invalid, which the tag
// definition reports).
func (c *funcChecker) tag(idx uint32, in *ir.Instr) *ir.FuncType {
	if uint64(idx) >= uint64(len(c.mc.tags)) {
		c.failf(in, "unknown tag %d in %s", idx, in.Op)
		return nil
	}
	ft := c.mc.tags[idx]
	if ft == nil {
		c.setUnreachable()
	}
	return ft
}

// checkCatch checks that what a catch clause passes its label (the tag's
// params, then the exception reference for the _ref kinds) matches the
// label's types.
func (c *funcChecker) checkCatch(cc ir.CatchClause, in *ir.Instr) bool {
	c.scratch = c.scratch[:0]
	switch cc.Kind {
	case ir.Catch, ir.CatchRef:
		if uint64(cc.Tag) >= uint64(len(c.mc.tags)) {
			c.failf(in, "unknown tag %d in try_table", cc.Tag)
			return false
		}
		ft := c.mc.tags[cc.Tag]
		if ft == nil {
			return true // reported at the tag
		}
		c.scratch = append(c.scratch, ft.Params...)
	case ir.CatchAll, ir.CatchAllRef:
	default:
		c.failf(in, "invalid catch clause kind %d in try_table", cc.Kind)
		return false
	}
	if cc.Kind == ir.CatchRef || cc.Kind == ir.CatchAllRef {
		c.scratch = append(c.scratch, ir.Ref(false, ir.HeapExn))
	}
	l := c.label(cc.Label, in)
	if l == nil {
		return false
	}
	if ts := l.labelTypes(); !c.mc.matchTypes(c.scratch, ts) {
		c.failf(in, "type mismatch: catch handler requires %s but label has %s in try_table", typeList(ts), typeList(c.scratch))
		return false
	}
	return true
}

// nextHandler moves a legacy try frame whose body or catch arm just ended
// to its next catch arm, which starts from the caught tag's params; it
// reports false when there is none (the try ends). A try ending in
// delegate must name a label of the enclosing blocks.
func (c *funcChecker) nextHandler(fr *frame) bool {
	hs := fr.in.Handlers()
	if int(fr.arm)+1 < len(hs) {
		fr.arm++
		h := &hs[fr.arm]
		fr.kind = kindCatch
		fr.unreachable = false
		fr.body, fr.pc = h.Body, 0
		if !h.All {
			if uint64(h.Tag) >= uint64(len(c.mc.tags)) {
				pos := h.Pos
				if !pos.IsValid() {
					pos = fr.in.Pos
				}
				if !pos.IsValid() {
					pos = c.pos
				}
				c.failAt(pos, "unknown tag %d in catch", h.Tag)
				return true
			}
			if ft := c.mc.tags[h.Tag]; ft != nil {
				c.pushTypes(ft.Params)
			} else {
				fr.unreachable = true
			}
		}
		return true
	}
	if l, ok := fr.in.Delegate(); ok && uint64(l) >= uint64(len(c.ctrl)-1) {
		c.failf(fr.in, "unknown label %d in delegate", l)
		return true
	}
	return false
}
