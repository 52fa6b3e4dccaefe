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
	if p.opts.GenerateNames {
		p.labelNums = make(map[*ir.Instr]int)
		p.branchNames = make(map[*ir.Instr][]string)
		stack := []string{""} // the function's own label has no name
		p.numberLabels(body, &stack)
	}
	p.foldList(body)
	p.flushTrees()
	clear(p.treeArena)
	p.treeArena = p.treeArena[:0]
	p.branchNames = nil
	p.labelNums = nil
}

// numberLabels gives blocks their generated names in source order and
// resolves branch targets to them, as wabt does before writing: folded
// output may write a block's header before its operands.
func (p *printer) numberLabels(body []ir.Instr, stack *[]string) {
	resolve := func(depth uint32) string {
		if s := *stack; uint64(depth) < uint64(len(s)) {
			return s[len(s)-1-int(depth)]
		}
		return ""
	}
	for i := range body {
		in := &body[i]
		switch in.Op.Info().Imm {
		case ir.ImmBlock, ir.ImmTryTable, ir.ImmTry:
			n := len(p.labelNums)
			p.labelNums[in] = n
			// try_table's catch labels are outside its own label.
			if cs := in.Catches(); len(cs) > 0 {
				names := make([]string, len(cs))
				for k, c := range cs {
					names[k] = resolve(c.Label)
				}
				p.branchNames[in] = names
			}
			*stack = append(*stack, printLabelPrefix(in.Op)+strconv.Itoa(n))
			p.numberLabels(in.Body, stack)
			p.numberLabels(in.ElseBody(), stack)
			for _, h := range in.Handlers() {
				p.numberLabels(h.Body, stack)
			}
			*stack = (*stack)[:len(*stack)-1]
			// delegate's label is outside the try's too.
			if l, ok := in.Delegate(); ok {
				p.branchNames[in] = []string{resolve(l)}
			}
		case ir.ImmLabel, ir.ImmBrOnCast:
			p.branchNames[in] = []string{resolve(in.Index)}
		case ir.ImmBrTable:
			names := make([]string, 0, len(in.BrLabels())+1)
			for _, l := range in.BrLabels() {
				names = append(names, resolve(l))
			}
			p.branchNames[in] = append(names, resolve(in.Index))
		}
	}
}

func (p *printer) foldList(body []ir.Instr) {
	for i := range body {
		p.pushTree(&body[i])
	}
}

func (p *printer) pushTree(in *ir.Instr) {
	if in.Op >= ir.NumOps {
		p.instr(in) // records the error
		return
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
	if count > nargs || nresults == 0 {
		p.flushTrees()
	}
}

// flushTrees writes every tree on the stack and empties it.
func (p *printer) flushTrees() {
	trees := p.trees
	// Blocks written below push their bodies past the trees being written.
	p.trees = trees[len(trees):]
	for i := range trees {
		p.flushTree(&trees[i])
	}
	clear(trees)
	p.trees = trees[:0]
}

func (p *printer) flushChildren(children []printTree) {
	for i := range children {
		p.flushTree(&children[i])
	}
}

func (p *printer) flushTree(t *printTree) {
	in := t.in
	if in.Ext != nil {
		p.meta(in)
	}
	switch in.Op {
	case ir.OpTryTable, ir.OpTry:
		p.foldTry(in)
	case ir.OpBlock, ir.OpLoop:
		p.puts("(", printNone)
		p.beginBlock(in)
		p.foldList(in.Body)
		p.flushTrees()
		p.close(printNewline)
		p.popLabel()
	case ir.OpIf:
		p.puts("(", printNone)
		p.beginBlock(in)
		p.flushChildren(t.children) // the condition
		p.open("then", printNewline)
		p.foldList(in.Body)
		p.flushTrees()
		p.close(printNewline)
		if len(in.ElseBody()) > 0 {
			p.open(ir.OpElse.Info().Name, printNewline)
			p.foldList(in.ElseBody())
			p.flushTrees()
			p.close(printNewline)
		}
		p.close(printNewline)
		p.popLabel()
	default:
		p.puts("(", printNone)
		p.instr(in)
		p.indent += 2
		p.flushChildren(t.children)
		p.close(printNewline)
	}
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
