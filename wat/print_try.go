package wat

import "github.com/watt-wasm/watt/ir"

// Exception blocks in the printer. try_table is written like a block with
// its catch clauses after the block type; their labels are printed in the
// enclosing context, as the text format reads them. The legacy try is
// written as wabt 1.0.32 writes it: "catch $e" / "catch_all" arms and
// "delegate N" flat (flat, print_instr.go), (do …) (catch $e …)
// (catch_all …) / (delegate N) folded (startTree and endArm,
// print_fold.go). Both keep open blocks on explicit stacks.

// catchClauses writes try_table's (catch x l) … clauses.
func (p *printer) catchClauses(in *ir.Instr) {
	for k, c := range in.Catches() {
		switch c.Kind {
		case ir.Catch:
			p.open("catch", printSpace)
		case ir.CatchRef:
			p.open("catch_ref", printSpace)
		case ir.CatchAll:
			p.open("catch_all", printSpace)
		case ir.CatchAllRef:
			p.open("catch_all_ref", printSpace)
		default:
			p.fail(in.Pos, ir.Malformed, "malformed catch clause kind")
			continue
		}
		if c.Kind == ir.Catch || c.Kind == ir.CatchRef {
			p.ref(&p.names.tags, c.Tag, printSpace)
		}
		p.branch(in, k, c.Label, printNone)
		p.close(printSpace)
	}
}

// delegateLabel writes delegate's label (the try's own label already
// popped): its name, or the bare depth as wabt writes it.
func (p *printer) delegateLabel(in *ir.Instr, depth uint32, next printNext) {
	n := len(p.labels)
	if p.branchNames != nil {
		if names := p.branchNames[in]; len(names) > 0 && names[0] != "" {
			p.puts(names[0], next)
			return
		}
	} else if uint64(depth) < uint64(n) {
		if name := p.labels[n-1-int(depth)].name; name != "" {
			p.puts(name, next)
			return
		}
	}
	p.putUint(uint64(depth))
	p.next = next
}

// arity3 is the folding arity of the WebAssembly 3.0 instructions wabt
// 1.0.32 does not know (ok false for the others): what they pop and push,
// from their types where the module gives them.
func (p *printer) arity3(in *ir.Instr) (nargs, nresults int, ok bool) {
	m := p.m
	typ := func(i uint32) *ir.TypeDef {
		if uint64(i) < uint64(len(m.Types)) {
			return &m.Types[i]
		}
		return nil
	}
	switch in.Op {
	case ir.OpTryTable, ir.OpTry:
		_, results, _ := p.blockSig(in)
		return 0, len(results), true
	case ir.OpThrow:
		if t := p.tagType(in.Index); t != nil {
			return len(t.Params), 1, true
		}
		return 0, 1, true
	case ir.OpRethrow:
		return 0, 1, true
	case ir.OpThrowRef:
		return 1, 1, true
	case ir.OpCallRef, ir.OpReturnCallRef:
		n, r := 1, 0
		if t := typ(in.Index); t != nil {
			n, r = len(t.Params)+1, len(t.Results)
		}
		if in.Op == ir.OpReturnCallRef {
			r = 1
		}
		return n, r, true
	case ir.OpBrOnNull:
		a := p.labelArity(in.Index)
		return a + 1, a + 1, true
	case ir.OpBrOnNonNull, ir.OpBrOnCast, ir.OpBrOnCastFail:
		a := p.labelArity(in.Index)
		if in.Op == ir.OpBrOnNonNull {
			return max(a, 1), max(a-1, 0), true
		}
		return max(a, 1), max(a, 1), true
	case ir.OpStructNew:
		if t := typ(in.Index); t != nil {
			return len(t.Fields), 1, true
		}
		return 0, 1, true
	case ir.OpStructNewDefault, ir.OpArrayNewDefault:
		if in.Op == ir.OpArrayNewDefault {
			return 1, 1, true
		}
		return 0, 1, true
	case ir.OpArrayNewFixed:
		return int(min(in.Index2, 1<<16)), 1, true
	case ir.OpStructGet, ir.OpStructGetS, ir.OpStructGetU, ir.OpRefTest, ir.OpRefTestNull,
		ir.OpRefCast, ir.OpRefCastNull, ir.OpRefAsNonNull, ir.OpArrayLen, ir.OpAnyConvertExtern,
		ir.OpExternConvertAny, ir.OpRefI31, ir.OpI31GetS, ir.OpI31GetU:
		return 1, 1, true
	case ir.OpStructSet:
		return 2, 0, true
	case ir.OpArrayNew, ir.OpArrayNewData, ir.OpArrayNewElem, ir.OpArrayGet, ir.OpArrayGetS,
		ir.OpArrayGetU, ir.OpRefEq:
		return 2, 1, true
	case ir.OpArraySet:
		return 3, 0, true
	case ir.OpArrayFill, ir.OpArrayInitData, ir.OpArrayInitElem:
		return 4, 0, true
	case ir.OpArrayCopy:
		return 5, 0, true
	}
	return 0, 0, false
}

// tagType is the function type of tag idx (imports first), nil if unknown.
func (p *printer) tagType(idx uint32) *ir.FuncType {
	imps := p.names.importsByKind[ir.ExternTag]
	if uint64(idx) < uint64(len(imps)) {
		return p.funcType(p.m.Imports[imps[idx]].Tag)
	}
	idx -= uint32(len(imps))
	if uint64(idx) < uint64(len(p.m.Tags)) {
		return p.funcType(p.m.Tags[idx].Type)
	}
	return nil
}
