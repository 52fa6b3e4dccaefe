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

// instr checks one instruction. Fixed-signature instructions are typed from
// the opcode table; only the special ones are typed by hand.
func (c *funcChecker) instr(in *ir.Instr) {
	info := in.Op.Info()
	if !c.mc.features.Has(info.Feature) && !(in.Op == ir.OpRefFunc && c.elemItems) {
		c.failf(in, "%s requires %s", info.Name, info.Feature.Flag())
		return
	}
	if in.Ext != nil && len(in.Ext.Meta) > 0 && !c.checkMeta(in) {
		return
	}
	if !info.Special {
		if info.Imm != ir.ImmNone && !c.checkImmediates(in, info) {
			return
		}
		if (c.mc.hasMemory64 || c.mc.hasTable64) && c.addrSig(in, info) { // memory64.go
			return
		}
		// Fast path: the operands are all there with exactly the types
		// wanted. Otherwise popTypes handles unknown operands, subtypes
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
		c.popTypes(ps, in)
		c.vals = append(c.vals, info.Results...)
		return
	}
	c.special(in, info)
}

// checkMeta checks the code metadata on an instruction (the fast path
// leaves instructions with metadata to instr): a branch hint belongs on if
// or br_if. Other kinds of metadata may go anywhere.
func (c *funcChecker) checkMeta(in *ir.Instr) bool {
	for _, m := range in.Ext.Meta {
		if m.Name == "branch_hint" && in.Op != ir.OpIf && in.Op != ir.OpBrIf {
			c.failf(in, "@metadata.code.branch_hint annotation: invalid target: %s", in.Op)
			return false
		}
	}
	return true
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
		if dst, src := c.mc.tables[in.Index].Elem, c.mc.tables[in.Index2].Elem; !c.mc.match(src, dst) {
			c.failf(in, "type mismatch: table.copy from a %s table to a %s table", src, dst)
			return false
		}
	case ir.ImmTableInit:
		if !c.checkTable(in.Index2, in) || !c.checkElem(in.Index, in) {
			return false
		}
		if tt, et := c.mc.tables[in.Index2].Elem, c.mc.m.Elems[in.Index].Type; !c.mc.match(et, tt) {
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

// funcType resolves the function type index of an instruction (block
// types, call_indirect, call_ref).
func (c *funcChecker) funcType(idx uint32, in *ir.Instr) *ir.FuncType {
	ft, msg := c.mc.funcTypeOf(idx)
	if ft == nil {
		c.failf(in, "%s in %s", msg, in.Op)
	}
	return ft
}

// blockType resolves a block's signature.
func (c *funcChecker) blockType(in *ir.Instr) (params, results []ir.ValType, ok bool) {
	switch in.Block.Kind() {
	case ir.BlockEmpty:
		return nil, nil, true
	case ir.BlockValue:
		v := in.Block.Value
		if v.IsNum() {
			return nil, ir.OneType(v), true
		}
		if !c.checkValTypeIn(v, in) {
			return nil, nil, false
		}
		return nil, c.oneType(v), true
	case ir.BlockIndex:
		ft := c.funcType(in.Block.Index, in)
		if ft == nil {
			return nil, nil, false
		}
		if len(ft.Params) > 0 && !c.mc.features.Has(ir.FeatureMultiValue) {
			c.failf(in, "block params require %s", ir.FeatureMultiValue.Flag())
			return nil, nil, false
		}
		return ft.Params, ft.Results, true
	}
	c.failf(in, "invalid block type kind %d", in.Block.Kind())
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
		tt := mc.tables[in.Index2]
		if !mc.match(tt.Elem, ir.FuncRef) {
			c.failf(in, "type mismatch: instruction requires table of function type but table has element type %s", tt.Elem)
			return
		}
		ft := c.funcType(in.Index, in)
		if ft == nil {
			return
		}
		c.pop(tt.AddrType(), in)
		c.call(in, ft)

	case ir.OpCallRef, ir.OpReturnCallRef:
		ft := c.funcType(in.Index, in)
		if ft == nil {
			return
		}
		c.pop(ir.Ref(true, ir.HeapIndex(in.Index)), in)
		c.call(in, ft)

	case ir.OpDrop:
		c.pop(unknown, in)

	case ir.OpSelect:
		c.selectUntyped(in)

	case ir.OpSelectTyped:
		types := in.SelectTypes()
		if len(types) != 1 {
			c.failf(in, "invalid result arity: select has %d result types, want 1", len(types))
			return
		}
		t := types[0]
		if !c.checkValTypeIn(t, in) {
			return
		}
		c.pop(ir.I32, in)
		c.pop(t, in)
		c.pop(t, in)
		c.push(t)

	case ir.OpLocalGet:
		if t, ok := c.local(in.Index, in); ok {
			if c.trackInit && c.isUnset(in.Index, t) {
				c.failf(in, "uninitialized local %d of type %s", in.Index, t)
				return
			}
			c.push(t)
		}
	case ir.OpLocalSet:
		if t, ok := c.local(in.Index, in); ok {
			c.pop(t, in)
			if c.trackInit {
				c.setLocal(in.Index, t)
			}
		}
	case ir.OpLocalTee:
		if t, ok := c.local(in.Index, in); ok {
			c.pop(t, in)
			if c.trackInit {
				c.setLocal(in.Index, t)
			}
			c.push(t)
		}

	case ir.OpGlobalGet:
		if g, ok := c.global(in); ok {
			c.push(g.Type)
		}
	case ir.OpGlobalSet:
		if g, ok := c.global(in); ok {
			if !g.Mutable {
				if mc.v3 {
					c.failf(in, "immutable global %d in global.set", in.Index)
				} else {
					c.failf(in, "global is immutable: global.set %d", in.Index)
				}
				return
			}
			c.pop(g.Type, in)
		}

	case ir.OpTableGet:
		if c.checkTable(in.Index, in) {
			tt := mc.tables[in.Index]
			c.pop(tt.AddrType(), in)
			c.push(tt.Elem)
		}
	case ir.OpTableSet:
		if c.checkTable(in.Index, in) {
			tt := mc.tables[in.Index]
			c.pop(tt.Elem, in)
			c.pop(tt.AddrType(), in)
		}
	case ir.OpTableGrow:
		if c.checkTable(in.Index, in) {
			tt := mc.tables[in.Index]
			c.pop(tt.AddrType(), in)
			c.pop(tt.Elem, in)
			c.push(tt.AddrType())
		}
	case ir.OpTableFill:
		if c.checkTable(in.Index, in) {
			tt := mc.tables[in.Index]
			c.pop(tt.AddrType(), in)
			c.pop(tt.Elem, in)
			c.pop(tt.AddrType(), in)
		}

	case ir.OpRefNull:
		if c.checkHeapIn(in.HeapType(), in) {
			c.push(ir.Ref(true, in.HeapType()))
		}
	case ir.OpRefIsNull:
		if rt, ok := c.peekRef(0, in); ok {
			c.pop(rt.AsNullable(), in)
			c.push(ir.I32)
		}
	case ir.OpRefAsNonNull:
		if rt, ok := c.peekRef(0, in); ok {
			c.pop(rt.AsNullable(), in)
			c.push(rt.AsNonNull())
		}
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
		// With typed function references the reference has the
		// function's own type; in 2.0 it is a funcref. (A function of an
		// unknown type, reported with the declarations, gives the bottom
		// reference, to add no error of its own.)
		switch {
		case mc.funcs[in.Index] == nil:
			c.push(refBot)
		case mc.features.Has(ir.FeatureFunctionReferences):
			c.push(ir.Ref(false, ir.HeapIndex(mc.funcTypes[in.Index])))
		default:
			c.push(ir.FuncRef)
		}
	case ir.OpRefEq:
		c.pop(ir.EqRef, in)
		c.pop(ir.EqRef, in)
		c.push(ir.I32)
	case ir.OpBrOnNull:
		c.brOnNull(in)
	case ir.OpBrOnNonNull:
		c.brOnNonNull(in)

	case ir.OpThrow, ir.OpThrowRef, ir.OpRethrow, ir.OpTryTable, ir.OpTry:
		c.exn(in) // exn.go

	case ir.OpElse, ir.OpEnd, ir.OpCatch, ir.OpCatchAll, ir.OpDelegate:
		// Separators of the binary and text forms: the tree IR has arms
		// instead.
		c.failf(in, "misplaced %s: it only separates the arms of a block", info.Name)

	default:
		if c.gc(in) { // gc.go
			return
		}
		// Ops outside the table never occur in a well-formed instruction
		// tree.
		c.failf(in, "unexpected %s in instruction tree", info.Name)
	}
}

// call pops ft's params and pushes its results; a tail call instead ends
// the block, and the callee's results must match the caller's.
func (c *funcChecker) call(in *ir.Instr, ft *ir.FuncType) {
	if ft == nil {
		// The callee's type index is unknown, reported at the callee.
		c.setUnreachable()
		return
	}
	c.popTypes(ft.Params, in)
	switch in.Op {
	case ir.OpReturnCall, ir.OpReturnCallIndirect, ir.OpReturnCallRef:
		if !c.mc.matchTypes(ft.Results, c.results) {
			c.failf(in, "type mismatch: current function requires result type %s but callee returns %s in %s", typeList(c.results), typeList(ft.Results), in.Op)
			return
		}
		c.setUnreachable()
		return
	}
	c.pushTypes(ft.Results)
}

// brTable: every label must have the arity of the default one, and the
// operands must match the types of every label (3.0's rule, which lets
// labels of different types share a br_table when the operands are
// subtypes of all of them).
func (c *funcChecker) brTable(in *ir.Instr) {
	c.pop(ir.I32, in)
	def := c.label(in.Index, in)
	if def == nil {
		return
	}
	n := len(def.labelTypes())
	// The operands: all there (top), or fewer in unreachable code (then
	// the missing ones are unknown and match anything).
	avail := min(n, len(c.vals)-c.ctrl[len(c.ctrl)-1].height)
	top := c.vals[len(c.vals)-avail:]
	if !c.brTableLabel(def, n, top, in) {
		return
	}
	for _, d := range in.BrLabels() {
		if uint64(d) < uint64(len(c.ctrl)) && n == 0 {
			// Labels without values, the common case, inline.
			if l := &c.ctrl[len(c.ctrl)-1-int(d)]; len(l.labelTypes()) == 0 {
				continue
			}
		}
		l := c.label(d, in)
		if l == nil || !c.brTableLabel(l, n, top, in) {
			return
		}
	}
	c.popTypes(def.labelTypes(), in)
	c.setUnreachable()
}

// brTableLabel checks that label l has arity n and that the operands top
// (the last n, or fewer when unknown) match its types.
func (c *funcChecker) brTableLabel(l *frame, n int, top []ir.ValType, in *ir.Instr) bool {
	ts := l.labelTypes()
	ok := len(ts) == n
	for i, k := 0, n-len(top); ok && i < len(top); i++ {
		got, want := top[i], ts[k+i]
		ok = got == want || c.mc.match(got, want)
	}
	if !ok {
		c.failStack(in, ts, top)
	}
	return ok
}

// selectUntyped: the operands' type comes from the stack and must be a
// number or vector type (references need the typed select).
func (c *funcChecker) selectUntyped(in *ir.Instr) {
	t := c.peek(1)
	if !isNum(t) && !isVec(t) {
		c.failf(in, "type mismatch: instruction requires numeric or vector type but stack has %s in select", typeName(t))
		return
	}
	c.pop(ir.I32, in)
	c.pop(t, in)
	if t2 := c.pop(t, in); t == unknown && t2 != unknown && c.err == nil {
		// The type came from an unknown operand, which only another
		// unknown operand matches.
		c.failStack(in, []ir.ValType{t, t, ir.I32}, []ir.ValType{t2, t, ir.I32})
		return
	}
	c.push(t)
}

// global resolves global.get/set's index. Constant expressions see only
// the globals of their context, and only immutable ones.
func (c *funcChecker) global(in *ir.Instr) (ir.GlobalType, bool) {
	n := len(c.mc.globals)
	if c.isConst {
		n = c.constGlobals
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

// brOnNull: [t* (ref null ht)] -> [t* (ref ht)], branching with t* on null.
func (c *funcChecker) brOnNull(in *ir.Instr) {
	rt, ok := c.peekRef(0, in)
	if !ok {
		return
	}
	l := c.label(in.Index, in)
	if l == nil {
		return
	}
	c.pop(rt.AsNullable(), in)
	ts := l.labelTypes()
	c.popTypes(ts, in)
	c.pushTypes(ts)
	c.push(rt.AsNonNull())
}

// brOnNonNull: [t* (ref null ht)] -> [t*], branching with [t* (ref ht)]
// when not null: the label's last type is the reference's.
func (c *funcChecker) brOnNonNull(in *ir.Instr) {
	l := c.label(in.Index, in)
	if l == nil {
		return
	}
	ts := l.labelTypes()
	if len(ts) == 0 || !ts[len(ts)-1].IsRef() {
		c.failf(in, "type mismatch: instruction requires reference type but label has %s in br_on_non_null", typeList(ts))
		return
	}
	last := ts[len(ts)-1]
	c.pop(last.AsNullable(), in)
	c.popTypes(ts[:len(ts)-1], in)
	c.pushTypes(ts[:len(ts)-1])
}

func isNum(t ir.ValType) bool {
	return t == ir.I32 || t == ir.I64 || t == ir.F32 || t == ir.F64 || t == unknown
}

func isVec(t ir.ValType) bool { return t == ir.V128 || t == unknown }
