package validate

import (
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// laneCounts[op] is the number of lanes a lane index of op may address,
// derived from the opcode table: the shape in the name (i16x8.replace_lane:
// 8), the access size for load/store_lane (16/size), 32 for shuffle.
var laneCounts = func() (n [ir.NumOps]uint8) {
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		switch info.Imm {
		case ir.ImmLane:
			shape, _, _ := strings.Cut(info.Name, ".")
			if _, lanes, ok := strings.Cut(shape, "x"); ok {
				if k, err := strconv.Atoi(lanes); err == nil {
					n[op] = uint8(k)
				}
			}
		case ir.ImmMemArgLane:
			if info.Size > 0 {
				n[op] = 16 / info.Size
			}
		case ir.ImmShuffle:
			n[op] = 32
		}
	}
	return n
}()

// single[t] is the one-element type list [t], so that block types need no
// allocation.
var single = func() (s [256][1]ir.ValType) {
	for i := range s {
		s[i][0] = ir.ValType(i)
	}
	return s
}()

// instr checks one instruction. Fixed-signature instructions are typed from
// the opcode table; only the special ones are typed by hand.
func (c *funcChecker) instr(in *ir.Instr) {
	info := in.Op.Info()
	if !c.mc.features.Has(info.Feature) && !(in.Op == ir.OpRefFunc && c.elemItems) {
		c.failf(in, "%s requires %s", info.Name, info.Feature.Flag())
		return
	}
	if !info.Special {
		if info.Imm != ir.ImmNone && !c.checkImmediates(in, info) {
			return
		}
		if c.mc.hasMemory64 && c.memory64Sig(in, info) {
			return
		}
		// Fast path: the operands are all there with exactly the types
		// wanted. Otherwise pop one by one, which handles unknown operands
		// and reports the mismatch.
		ps := info.Params
		if k := len(c.vals) - len(ps); k >= c.ctrl[len(c.ctrl)-1].height {
			top := c.vals[k:]
			for i, p := range ps {
				if top[i] != p {
					goto slow
				}
			}
			c.vals = append(c.vals[:k], info.Results...)
			return
		}
	slow:
		for i := len(ps) - 1; i >= 0; i-- {
			c.pop(ps[i], in)
		}
		c.vals = append(c.vals, info.Results...)
		return
	}
	c.special(in, info)
}

// checkImmediates checks the indices and lanes of a fixed-signature
// instruction.
func (c *funcChecker) checkImmediates(in *ir.Instr, info *ir.OpInfo) bool {
	switch info.Imm {
	case ir.ImmMemArg:
		return c.checkMemArg(in, info)
	case ir.ImmMemArgLane:
		return c.checkMemArg(in, info) && c.checkLane(in, in.Lane)
	case ir.ImmLane:
		return c.checkLane(in, in.Lane)
	case ir.ImmShuffle:
		b := in.V128Bytes()
		for _, l := range b {
			if !c.checkLane(in, l) {
				return false
			}
		}
	case ir.ImmMemory:
		return c.checkMemory(in.Index, in)
	case ir.ImmMemoryPair:
		return c.checkMemory(in.Index, in) && c.checkMemory(in.Index2, in)
	case ir.ImmMemoryInit:
		return c.checkMemory(in.Index2, in) && c.checkData(in.Index, in)
	case ir.ImmData:
		return c.checkData(in.Index, in)
	case ir.ImmElem:
		return c.checkElem(in.Index, in)
	case ir.ImmTable:
		return c.checkTable(in.Index, in)
	case ir.ImmTablePair:
		if !c.checkTable(in.Index, in) || !c.checkTable(in.Index2, in) {
			return false
		}
		if dst, src := c.mc.tables[in.Index].Elem, c.mc.tables[in.Index2].Elem; dst != src {
			c.failf(in, "type mismatch: table.copy from a %s table to a %s table", src, dst)
			return false
		}
	case ir.ImmTableInit:
		if !c.checkTable(in.Index2, in) || !c.checkElem(in.Index, in) {
			return false
		}
		if tt, et := c.mc.tables[in.Index2].Elem, c.mc.m.Elems[in.Index].Type; tt != et {
			c.failf(in, "type mismatch: table.init of a %s table from a %s element segment", tt, et)
			return false
		}
	}
	return true
}

func (c *funcChecker) checkLane(in *ir.Instr, lane byte) bool {
	if n := laneCounts[in.Op]; lane >= n {
		c.failf(in, "invalid lane index %d in %s: must be less than %d", lane, in.Op, n)
		return false
	}
	return true
}

func (c *funcChecker) checkMemory(idx uint32, in *ir.Instr) bool {
	if uint64(idx) >= uint64(len(c.mc.memories)) {
		c.failf(in, "unknown memory %d in %s", idx, in.Op)
		return false
	}
	return true
}

func (c *funcChecker) checkTable(idx uint32, in *ir.Instr) bool {
	if uint64(idx) >= uint64(len(c.mc.tables)) {
		c.failf(in, "unknown table %d in %s", idx, in.Op)
		return false
	}
	return true
}

func (c *funcChecker) checkData(idx uint32, in *ir.Instr) bool {
	if uint64(idx) >= uint64(len(c.mc.m.Datas)) {
		c.failf(in, "unknown data segment %d in %s", idx, in.Op)
		return false
	}
	return true
}

func (c *funcChecker) checkElem(idx uint32, in *ir.Instr) bool {
	if uint64(idx) >= uint64(len(c.mc.m.Elems)) {
		c.failf(in, "unknown elem segment %d in %s", idx, in.Op)
		return false
	}
	return true
}

// blockType resolves a block's signature.
func (c *funcChecker) blockType(in *ir.Instr) (params, results []ir.ValType, ok bool) {
	switch in.Block.Kind {
	case ir.BlockEmpty:
		return nil, nil, true
	case ir.BlockValue:
		if !in.Block.Value.IsValid() {
			c.failf(in, "invalid block type 0x%02x", byte(in.Block.Value))
			return nil, nil, false
		}
		if t := in.Block.Value; t.IsRef() && !c.mc.features.Has(ir.FeatureReferenceTypes) {
			c.failf(in, "%s requires %s", t, ir.FeatureReferenceTypes.Flag())
			return nil, nil, false
		}
		return nil, single[in.Block.Value][:], true
	case ir.BlockIndex:
		ft := c.mc.typeAt(in.Block.Index)
		if ft == nil {
			c.failf(in, "unknown type %d in %s", in.Block.Index, in.Op)
			return nil, nil, false
		}
		if len(ft.Params) > 0 && !c.mc.features.Has(ir.FeatureMultiValue) {
			c.failf(in, "block params require %s", ir.FeatureMultiValue.Flag())
			return nil, nil, false
		}
		return ft.Params, ft.Results, true
	}
	c.failf(in, "invalid block type kind %d", in.Block.Kind)
	return nil, nil, false
}

// special types the instructions whose signature depends on their
// immediates, the control stack or the operand stack.
func (c *funcChecker) special(in *ir.Instr, info *ir.OpInfo) {
	mc := c.mc
	switch in.Op {
	case ir.OpUnreachable:
		c.setUnreachable()

	case ir.OpBlock, ir.OpLoop, ir.OpIf:
		params, results, ok := c.blockType(in)
		if !ok {
			return
		}
		kind := kindBlock
		switch in.Op {
		case ir.OpLoop:
			kind = kindLoop
		case ir.OpIf:
			kind = kindIf
			c.pop(ir.I32, in)
		}
		c.popTypes(params, in)
		var elseBody []ir.Instr
		if kind == kindIf {
			elseBody = in.ElseBody()
		}
		c.pushFrame(kind, params, results, in.Body, elseBody, in)

	case ir.OpBr:
		if l := c.label(in.Index, in); l != nil {
			c.popTypes(l.labelTypes(), in)
			c.setUnreachable()
		}

	case ir.OpBrIf:
		c.pop(ir.I32, in)
		if l := c.label(in.Index, in); l != nil {
			ts := l.labelTypes()
			c.popTypes(ts, in)
			c.pushTypes(ts)
		}

	case ir.OpBrTable:
		c.brTable(in)

	case ir.OpReturn:
		c.popTypes(c.results, in)
		c.setUnreachable()

	case ir.OpCall, ir.OpReturnCall:
		if uint64(in.Index) >= uint64(len(mc.funcs)) {
			c.failf(in, "unknown function %d", in.Index)
			return
		}
		c.call(in, mc.funcs[in.Index])

	case ir.OpCallIndirect, ir.OpReturnCallIndirect:
		if !c.checkTable(in.Index2, in) {
			return
		}
		if t := mc.tables[in.Index2].Elem; t != ir.FuncRef {
			c.failf(in, "type mismatch: %s requires a table of functions, table %d has type %s", in.Op, in.Index2, t)
			return
		}
		ft := mc.typeAt(in.Index)
		if ft == nil {
			c.failf(in, "unknown type %d in %s", in.Index, in.Op)
			return
		}
		c.pop(ir.I32, in)
		c.call(in, ft)

	case ir.OpDrop:
		c.pop(unknown, in)

	case ir.OpSelect:
		c.pop(ir.I32, in)
		t1 := c.pop(unknown, in)
		t2 := c.pop(unknown, in)
		// Untyped select only takes numeric or vector operands; reference
		// operands need the typed form.
		if !(isNum(t1) && isNum(t2)) && !(isVec(t1) && isVec(t2)) {
			c.failf(in, "type mismatch: select without a type needs numeric or vector operands, got %s and %s", typeName(t2), typeName(t1))
			return
		}
		if t1 != t2 && t1 != unknown && t2 != unknown {
			c.failf(in, "type mismatch: select operands have types %s and %s", t2, t1)
			return
		}
		if t1 == unknown {
			t1 = t2
		}
		c.push(t1)

	case ir.OpSelectTyped:
		types := in.SelectTypes()
		if len(types) != 1 {
			c.failf(in, "invalid result arity: select has %d result types, want 1", len(types))
			return
		}
		t := types[0]
		if !t.IsValid() {
			c.failf(in, "invalid value type 0x%02x in select", byte(t))
			return
		}
		c.pop(ir.I32, in)
		c.pop(t, in)
		c.pop(t, in)
		c.push(t)

	case ir.OpLocalGet:
		if t, ok := c.local(in.Index, in); ok {
			c.push(t)
		}
	case ir.OpLocalSet:
		if t, ok := c.local(in.Index, in); ok {
			c.pop(t, in)
		}
	case ir.OpLocalTee:
		if t, ok := c.local(in.Index, in); ok {
			c.pop(t, in)
			c.push(t)
		}

	case ir.OpGlobalGet:
		if g, ok := c.global(in); ok {
			c.push(g.Type)
		}
	case ir.OpGlobalSet:
		if g, ok := c.global(in); ok {
			if !g.Mutable {
				c.failf(in, "global is immutable: global.set %d", in.Index)
				return
			}
			c.pop(g.Type, in)
		}

	case ir.OpTableGet:
		if c.checkTable(in.Index, in) {
			c.pop(ir.I32, in)
			c.push(mc.tables[in.Index].Elem)
		}
	case ir.OpTableSet:
		if c.checkTable(in.Index, in) {
			c.pop(mc.tables[in.Index].Elem, in)
			c.pop(ir.I32, in)
		}
	case ir.OpTableGrow:
		if c.checkTable(in.Index, in) {
			c.pop(ir.I32, in)
			c.pop(mc.tables[in.Index].Elem, in)
			c.push(ir.I32)
		}
	case ir.OpTableFill:
		if c.checkTable(in.Index, in) {
			c.pop(ir.I32, in)
			c.pop(mc.tables[in.Index].Elem, in)
			c.pop(ir.I32, in)
		}

	case ir.OpRefNull:
		if !in.Ref.IsRef() {
			c.failf(in, "invalid reference type 0x%02x in ref.null", byte(in.Ref))
			return
		}
		c.push(in.Ref)
	case ir.OpRefIsNull:
		if t := c.pop(unknown, in); t != unknown && !t.IsRef() {
			c.failf(in, "type mismatch: expected a reference, got %s in ref.is_null", t)
			return
		}
		c.push(ir.I32)
	case ir.OpRefFunc:
		if uint64(in.Index) >= uint64(len(mc.funcs)) {
			c.failf(in, "unknown function %d", in.Index)
			return
		}
		// Outside constant expressions (which declare their own
		// references) the function must be declared in C.refs.
		if !c.isConst && !mc.declared[in.Index] {
			c.failf(in, "undeclared function reference %d: use it in an element segment, global or export", in.Index)
			return
		}
		c.push(ir.FuncRef)

	default:
		// else, end and ops outside the table never occur in a well-formed
		// instruction tree.
		c.failf(in, "unexpected %s in instruction tree", info.Name)
	}
}

// call pops ft's params and pushes its results; a tail call instead ends
// the block, and the callee must return what the caller returns.
func (c *funcChecker) call(in *ir.Instr, ft *ir.FuncType) {
	if ft == nil {
		// The callee's type index is unknown, reported at the callee.
		c.setUnreachable()
		return
	}
	c.popTypes(ft.Params, in)
	if in.Op == ir.OpReturnCall || in.Op == ir.OpReturnCallIndirect {
		if !sameTypes(ft.Results, c.results) {
			c.failf(in, "type mismatch: %s callee returns %s but the function returns %s", in.Op, typeList(ft.Results), typeList(c.results))
			return
		}
		c.setUnreachable()
		return
	}
	c.pushTypes(ft.Results)
}

func (c *funcChecker) brTable(in *ir.Instr) {
	c.pop(ir.I32, in)
	def := c.label(in.Index, in)
	if def == nil {
		return
	}
	arity := len(def.labelTypes())
	for _, d := range in.BrLabels() {
		l := c.label(d, in)
		if l == nil {
			return
		}
		ts := l.labelTypes()
		if len(ts) != arity {
			c.failf(in, "type mismatch: br_table target %d carries %s but default target %d carries %s", d, typeList(ts), in.Index, typeList(def.labelTypes()))
			return
		}
		c.peekTypes(ts, in)
	}
	c.popTypes(def.labelTypes(), in)
	c.setUnreachable()
}

// global resolves global.get/set's index. Constant expressions see only
// imported globals, and only immutable ones.
func (c *funcChecker) global(in *ir.Instr) (ir.GlobalType, bool) {
	n := len(c.mc.globals)
	if c.isConst {
		n = c.mc.numImportedGlobals
	}
	if uint64(in.Index) >= uint64(n) {
		c.failf(in, "unknown global %d", in.Index)
		return ir.GlobalType{}, false
	}
	g := c.mc.globals[in.Index]
	if c.isConst && g.Mutable {
		c.failf(in, "constant expression required: global %d is mutable", in.Index)
		return g, false
	}
	return g, true
}

func isNum(t ir.ValType) bool {
	return t == ir.I32 || t == ir.I64 || t == ir.F32 || t == ir.F64 || t == unknown
}

func isVec(t ir.ValType) bool { return t == ir.V128 || t == unknown }

func sameTypes(a, b []ir.ValType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
