package wat

import (
	"strconv"

	"github.com/watt-wasm/watt/ir"
)

// Folded output (--fold-exprs) follows wabt's algorithm: instructions are
// pushed on a stack of trees; one that takes n operands adopts the trees
// on top of the stack whose results add up to exactly n; an instruction
// without results, or one whose operands cannot be matched exactly, flushes
// the stack. Arities are wabt's (GetExprArity), quirks included.

// printTree is an instruction with the operand trees it folds in.
type printTree struct {
	in       *ir.Instr
	results  int
	children []printTree
}

func (p *printer) foldBody(body []ir.Instr) {
	p.branchNames = nil
	p.labelNums = nil
	if p.opts.GenerateNames || p.opts.Layout != nil && len(p.opts.Layout.Labels) > 0 {
		p.labelNums = make(map[*ir.Instr]int)
		p.branchNames = make(map[*ir.Instr][]string)
		p.numberLabels(body)
	}
	p.foldFrames = append(p.foldFrames[:0], printFoldFrame{list: body})
	p.foldRun()
	clear(p.treeArena)
	p.treeArena = p.treeArena[:0]
	p.branchNames = nil
	p.labelNums = nil
}

// numberLabels gives blocks their generated names in source order and
// resolves branch targets to them, as wabt does before writing: folded
// output may write a block's header before its operands. Open blocks are
// kept on an explicit stack.
func (p *printer) numberLabels(body []ir.Instr) {
	names := []string{""} // the function's own label has no name
	type open struct {
		in        *ir.Instr
		rest, els []ir.Instr
		handlers  []ir.Handler // a legacy try's arms not yet numbered
	}
	var stack []open
	resolve := func(depth uint32) string {
		if uint64(depth) < uint64(len(names)) {
			return names[len(names)-1-int(depth)]
		}
		return ""
	}
	for {
		for len(body) > 0 {
			in := &body[0]
			body = body[1:]
			switch in.Op.Info().Imm {
			case ir.ImmBlock, ir.ImmTryTable, ir.ImmTry:
				n := len(p.labelNums)
				p.labelNums[in] = n
				// try_table's catch labels are outside its own label.
				if cs := in.Catches(); len(cs) > 0 {
					bn := make([]string, len(cs))
					for k, c := range cs {
						bn[k] = resolve(c.Label)
					}
					p.branchNames[in] = bn
				}
				name := p.layoutLabel(in)
				if name == "" && p.opts.GenerateNames {
					name = printLabelPrefix(in.Op) + strconv.Itoa(n)
				}
				names = append(names, name)
				stack = append(stack, open{in: in, rest: body, els: in.ElseBody(), handlers: in.Handlers()})
				body = in.Body
			case ir.ImmLabel, ir.ImmBrOnCast:
				p.branchNames[in] = []string{resolve(in.Index)}
			case ir.ImmBrTable:
				bn := make([]string, 0, len(in.BrLabels())+1)
				for _, l := range in.BrLabels() {
					bn = append(bn, resolve(l))
				}
				p.branchNames[in] = append(bn, resolve(in.Index))
			}
		}
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if len(top.els) > 0 { // the else arm, under the same label
			body, top.els = top.els, nil
			continue
		}
		if len(top.handlers) > 0 { // a legacy try's arms, under the same label
			body, top.handlers = top.handlers[0].Body, top.handlers[1:]
			continue
		}
		in := top.in
		body = top.rest
		stack = stack[:len(stack)-1]
		names = names[:len(names)-1]
		// delegate's label is outside the try's.
		if l, ok := in.Delegate(); ok {
			p.branchNames[in] = []string{resolve(l)}
		}
	}
}

// printFoldStage is what a folding frame does next.
type printFoldStage uint8

const (
	foldList     printFoldStage = iota // fold list[i:] onto the tree stack
	foldFlush                          // write trees[j:] (a flush in the middle of list), then fold on
	foldEndFlush                       // write trees[j:] after the end of list, then end the arm
	foldChildren                       // write the operand trees[j:], then close the instruction
)

// printFoldFrame is one level of folded output being written: the
// function body, a block's arm, or an instruction's operands. Writing a
// tree nests the frames of its operands and block bodies on an explicit
// stack (printer.foldFrames), not the goroutine's, so operand and block
// nesting is limited only by memory.
type printFoldFrame struct {
	in     *ir.Instr   // the block or instruction; nil for the function body
	list   []ir.Instr  // the arm being folded
	i      int         // next instruction of list
	trees  []printTree // trees being written
	j      int         // next tree of trees
	stage  printFoldStage
	inElse bool
	arm    int // a legacy try's handlers started so far
}

// foldRun writes the folded output of the frames on p.foldFrames, the
// order and text being those of the recursion
//
//	body:        foldList(body); flushTrees()
//	flushTrees:  for each tree on the stack: flushTree(tree)
//	flushTree:   meta "(" header; flushTree(operands); bodies folded as above; ")"
//
// with pushTree asking for flushTrees as wabt's algorithm does.
func (p *printer) foldRun() {
	for len(p.foldFrames) > 0 {
		f := &p.foldFrames[len(p.foldFrames)-1]
		switch f.stage {
		case foldList:
			if f.i < len(f.list) {
				in := &f.list[f.i]
				f.i++
				if p.pushTree(in) {
					p.startFlush(f, foldFlush)
				}
				continue
			}
			p.startFlush(f, foldEndFlush)
			continue
		}
		if f.j < len(f.trees) {
			t := &f.trees[f.j]
			f.j++
			p.startTree(t) // may grow p.foldFrames: f is stale after this
			continue
		}
		switch f.stage {
		case foldFlush:
			p.endFlush(f)
			f.stage = foldList
		case foldEndFlush:
			p.endFlush(f)
			p.endArm(f)
		case foldChildren:
			p.endChildren(f)
		}
	}
}

// startFlush begins writing every tree on the stack (wabt's flush): the
// trees are taken off it, and blocks written meanwhile push their bodies'
// trees past them.
func (p *printer) startFlush(f *printFoldFrame, stage printFoldStage) {
	trees := p.trees
	p.trees = trees[len(trees):]
	f.trees, f.j, f.stage = trees, 0, stage
}

// endFlush empties the tree stack once the flushed trees are written.
func (p *printer) endFlush(f *printFoldFrame) {
	clear(f.trees)
	p.trees = f.trees[:0]
	f.trees, f.j = nil, 0
}

// startTree writes the start of tree t and pushes the frame that writes
// the rest.
func (p *printer) startTree(t *printTree) {
	in := t.in
	if printSmallTree(t, printSmallTreeDepth) {
		p.writeSmallTree(t) // the common case, without frames
		return
	}
	if in.Ext != nil {
		p.meta(in)
	}
	p.puts("(", printNone)
	switch in.Op {
	case ir.OpBlock, ir.OpLoop, ir.OpTryTable:
		p.beginBlock(in) // try_table's catch clauses included
		p.foldFrames = append(grown(p.foldFrames), printFoldFrame{in: in, list: in.Body, stage: foldList})
	case ir.OpTry:
		// (try bt (do …) (catch $e …)* (catch_all …)? (delegate l)?), as
		// wabt 1.0.32 writes it: endArm goes from arm to arm.
		p.beginBlock(in)
		p.open("do", printNewline)
		p.foldFrames = append(grown(p.foldFrames), printFoldFrame{in: in, list: in.Body, stage: foldList})
	case ir.OpIf:
		p.beginBlock(in)
		// The condition, then the arms.
		p.foldFrames = append(grown(p.foldFrames), printFoldFrame{in: in, trees: t.children, stage: foldChildren})
	default:
		p.instr(in)
		p.indent += 2
		p.foldFrames = append(grown(p.foldFrames), printFoldFrame{in: in, trees: t.children, stage: foldChildren})
	}
}

// printSmallTreeDepth bounds the operand trees that writeSmallTree writes
// by plain recursion: most are a few levels of plain instructions, and a
// frame per instruction would cost more than writing them.
const printSmallTreeDepth = 8

// printSmallTree reports whether t is at most depth levels of
// instructions without bodies.
func printSmallTree(t *printTree, depth int) bool {
	if depth == 0 {
		return false
	}
	switch t.in.Op.Info().Imm {
	case ir.ImmBlock, ir.ImmTryTable, ir.ImmTry:
		return false
	}
	for i := range t.children {
		if !printSmallTree(&t.children[i], depth-1) {
			return false
		}
	}
	return true
}

// writeSmallTree writes a tree that printSmallTree accepts, as startTree
// and its frames would.
func (p *printer) writeSmallTree(t *printTree) {
	if t.in.Ext != nil {
		p.meta(t.in)
	}
	p.puts("(", printNone)
	p.instr(t.in)
	p.indent += 2
	for i := range t.children {
		p.writeSmallTree(&t.children[i])
	}
	p.close(printNewline)
}

// endChildren is reached when an instruction's operands are written: an
// if goes on with its then arm, anything else is closed.
func (p *printer) endChildren(f *printFoldFrame) {
	f.trees, f.j = nil, 0
	if f.in.Op == ir.OpIf {
		p.open("then", printNewline)
		f.list, f.i, f.stage = f.in.Body, 0, foldList
		return
	}
	p.close(printNewline)
	p.popFoldFrame()
}

// endArm is reached when the body of f, folded and flushed, is written.
func (p *printer) endArm(f *printFoldFrame) {
	in := f.in
	switch {
	case in == nil: // the function body
	case in.Op == ir.OpTry:
		p.close(printNewline) // do or the last arm
		if hs := in.Handlers(); f.arm < len(hs) {
			h := &hs[f.arm]
			f.arm++
			if h.All {
				p.open("catch_all", printNewline)
			} else {
				p.open("catch", printSpace)
				p.ref(&p.names.tags, h.Tag, printNewline)
			}
			f.list, f.i, f.stage = h.Body, 0, foldList
			return
		}
		p.popLabel()
		if l, ok := in.Delegate(); ok {
			p.open("delegate", printSpace)
			p.delegateLabel(in, l, printNone)
			p.close(printNewline)
		}
		p.close(printNewline)
	case in.Op != ir.OpIf:
		p.close(printNewline)
		p.popLabel()
	case !f.inElse && len(in.ElseBody()) > 0:
		p.close(printNewline) // then
		p.open(ir.OpElse.Info().Name, printNewline)
		f.list, f.i, f.stage, f.inElse = in.ElseBody(), 0, foldList, true
		return
	default:
		p.close(printNewline) // then or else
		p.close(printNewline)
		p.popLabel()
	}
	p.popFoldFrame()
}

func (p *printer) popFoldFrame() {
	n := len(p.foldFrames) - 1
	p.foldFrames[n] = printFoldFrame{}
	p.foldFrames = p.foldFrames[:n]
}

// pushTree puts in on the tree stack, adopting the trees it takes as
// operands, and reports whether the stack must now be flushed.
func (p *printer) pushTree(in *ir.Instr) (flush bool) {
	if in.Op >= ir.NumOps {
		p.instr(in) // records the error
		return false
	}
	nargs, nresults := p.arity(in)
	stack := p.trees
	first, count := len(stack), 0
	if nargs > 0 {
		for j := len(stack) - 1; j >= 0; j-- {
			count += stack[j].results
			if count == nargs {
				first = j
				break
			}
			if count > nargs {
				// A multi-value operand straddles the boundary: no folding.
				break
			}
		}
	}
	t := printTree{in: in, results: nresults}
	if count == nargs && nargs > 0 {
		// Children live in an arena reset per function; each slice is
		// capped so that later appends never write into it.
		start := len(p.treeArena)
		p.treeArena = append(p.treeArena, stack[first:]...)
		t.children = p.treeArena[start:len(p.treeArena):len(p.treeArena)]
		stack = stack[:first]
	}
	p.trees = append(stack, t)
	return count > nargs || nresults == 0
}

// arity is the number of operands an instruction takes and results it
// leaves, as wabt's folding counts them.
func (p *printer) arity(in *ir.Instr) (nargs, nresults int) {
	if a, r, ok := p.arity3(in); ok {
		return a, r
	}
	info := in.Op.Info()
	switch info.Imm {
	case ir.ImmBlock:
		_, results, _ := p.blockSig(in)
		if in.Op == ir.OpIf {
			return 1, len(results)
		}
		return 0, len(results) // wabt ignores block parameters here
	case ir.ImmLabel:
		a := p.labelArity(in.Index)
		if in.Op == ir.OpBr {
			return a, 1
		}
		return a + 1, a
	case ir.ImmBrTable:
		return p.labelArity(in.Index) + 1, 1
	case ir.ImmFunc:
		if in.Op == ir.OpRefFunc {
			return 0, 1
		}
		if uint64(in.Index) < uint64(len(p.names.funcTypes)) {
			if ft := p.funcType(p.names.funcTypes[in.Index]); ft != nil {
				return len(ft.Params), len(ft.Results)
			}
		}
		return 0, 0
	case ir.ImmCallIndirect:
		if ft := p.funcType(in.Index); ft != nil {
			return len(ft.Params) + 1, len(ft.Results)
		}
		return 1, 0
	case ir.ImmMemArgLane:
		return 2, 1 // wabt counts a result for the store lanes too
	}
	switch in.Op {
	case ir.OpUnreachable:
		return 0, 1
	case ir.OpReturn:
		return p.funcResults, 1
	case ir.OpDrop, ir.OpLocalSet, ir.OpGlobalSet:
		return 1, 0
	case ir.OpSelect, ir.OpSelectTyped:
		return 3, 1
	case ir.OpLocalGet, ir.OpGlobalGet, ir.OpRefNull:
		return 0, 1
	case ir.OpLocalTee, ir.OpTableGet, ir.OpRefIsNull:
		return 1, 1
	case ir.OpTableSet:
		return 2, 0
	case ir.OpTableGrow:
		return 2, 1
	case ir.OpTableFill:
		return 3, 0
	}
	if info.Special {
		return 0, 0
	}
	return len(info.Params), len(info.Results)
}

func (p *printer) labelArity(depth uint32) int {
	if n := len(p.labels); uint64(depth) < uint64(n) {
		return p.labels[n-1-int(depth)].arity
	}
	return 0
}
