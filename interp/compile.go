package interp

import (
	"fmt"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// Module is a validated, compiled module, ready to be instantiated any
// number of times (in any stores, concurrently).
type Module struct {
	IR      *ir.Module
	Src     *ir.Source
	funcs   []*funcCode // defined functions
	layouts []*layout   // struct types' field layouts, by type index (nil: not used)
}

// Compile validates m (reporting Invalid errors positioned in src, which
// may be nil) and compiles every function body.
func Compile(m *ir.Module, src *ir.Source, features ir.Features) (mod *Module, err error) {
	if err := validate.Module(m, src, features); err != nil {
		return nil, err
	}
	// The compiler trusts validation; should it meet something validation
	// let through, report it rather than crash.
	defer func() {
		if r := recover(); r != nil {
			mod, err = nil, &ir.Error{Src: src, Kind: ir.Invalid, Msg: fmt.Sprintf("interp: cannot compile: %v", r)}
		}
	}()
	mod = &Module{IR: m, Src: src}
	env := newModuleEnv(m)
	nImported := uint32(m.NumImported(ir.ExternFunc))
	// Trap messages name functions by debug name, else by export name.
	exportNames := map[uint32]string{}
	for _, ex := range m.Exports {
		if _, dup := exportNames[ex.Index]; ex.Kind == ir.ExternFunc && !dup {
			exportNames[ex.Index] = fmt.Sprintf("%q", ex.Name)
		}
	}
	for i := range m.Funcs {
		fc, err := compileFunc(env, &m.Funcs[i], nImported+uint32(i))
		if err != nil {
			return nil, &ir.Error{Src: src, Pos: m.Funcs[i].Pos, Kind: ir.Invalid, Msg: err.Error()}
		}
		fc.src = src
		if n, ok := m.Names.Funcs[nImported+uint32(i)]; ok {
			fc.name = n
		} else if n, ok := exportNames[nImported+uint32(i)]; ok {
			fc.name = n
		}
		mod.funcs = append(mod.funcs, fc)
	}
	mod.layouts = env.layouts
	return mod, nil
}

// moduleEnv is what function bodies refer to: index spaces' types.
type moduleEnv struct {
	m         *ir.Module
	funcTypes []uint32 // type index per function index
	globals   []ir.GlobalType
	tables    []ir.TableType
	mems      []ir.MemoryType
	layouts   []*layout // struct types' field layouts, by type index (compile_ref.go)
	tagTypes  []uint32  // type index per tag index, once needed (compile_exn.go)
}

func newModuleEnv(m *ir.Module) *moduleEnv {
	e := &moduleEnv{m: m}
	for _, im := range m.Imports {
		switch im.Kind {
		case ir.ExternFunc:
			e.funcTypes = append(e.funcTypes, im.Func)
		case ir.ExternGlobal:
			e.globals = append(e.globals, im.Global)
		case ir.ExternTable:
			e.tables = append(e.tables, im.Table)
		case ir.ExternMemory:
			e.mems = append(e.mems, im.Memory)
		}
	}
	for _, f := range m.Funcs {
		e.funcTypes = append(e.funcTypes, f.Type)
	}
	for _, g := range m.Globals {
		e.globals = append(e.globals, g.Type)
	}
	for _, t := range m.Tables {
		e.tables = append(e.tables, t.Type)
	}
	for _, mm := range m.Memories {
		e.mems = append(e.mems, mm.Type)
	}
	return e
}

// operand is a compile-time operand-stack entry. Its value lives in slot
// pos once materialised; until then it may still be a local's slot or a
// constant, which consumers read directly (lazy local.get and constants).
type operand struct {
	typ  ir.ValType
	kind uint8
	pos  uint32 // canonical slot
	src  uint32 // local slot, for kindLocal
	val  uint64 // constant, for kindConst
}

const (
	kindSlot  = iota // value is in pos
	kindLocal        // value is in local slot src
	kindConst        // value is val
)

// ctrl is a block, loop, if or the function body.
type ctrl struct {
	op      ir.Op // OpBlock, OpLoop, OpIf; OpCall for the function body
	height  uint32
	depth   int // operand entries below the block
	params  []ir.ValType
	results []ir.ValType
	startPC int // loops: the branch target
	fixups  []fixup
}

// fixup is a forward branch waiting for its target: code[pc].imm, or
// entry of a br_table side table when table >= 0.
type fixup struct {
	pc, table, entry int
}

func (f *ctrl) labelTypes() []ir.ValType {
	if f.op == ir.OpLoop {
		return f.params
	}
	return f.results
}

type compiler struct {
	env     *moduleEnv
	fc      *funcCode
	stack   []operand
	flushed int // stack[:flushed] are all kindSlot: flush starts there
	ctrls   []*ctrl
	work    []pending  // instruction lists being compiled, innermost last
	locals  []localRun // by first local index
	top     uint32     // next free slot
	lastRet int        // pc of the last instruction whose result slot may be retargeted, or -1
	joinPC  int        // the last pc that became a branch target (see here)
	pos     ir.Pos
	exn     *exnCompiler // exception handlers of the function, once it has a try

	constSlot map[uint64]uint32 // slots of constants that loops use (see loopConsts)

	// Until the first branch target, the code runs straight from the
	// function's entry, where the declared locals are zero: setting one
	// that nothing wrote yet to zero is nothing to do. written lists the
	// locals set since entry.
	entry   bool
	written map[uint32]bool
}

func slots(ts []ir.ValType) uint32 {
	n := uint32(0)
	for _, t := range ts {
		n += uint32(t.Slots())
	}
	return n
}

func compileFunc(env *moduleEnv, f *ir.Func, index uint32) (*funcCode, error) {
	ft := env.m.Types[f.Type].FuncType
	c := &compiler{env: env, lastRet: -1, joinPC: -1, pos: f.Pos, entry: true}
	c.fc = &funcCode{typ: ft, funcIndex: index, name: fmt.Sprintf("func[%d]", index)}
	c.fc.results = slots(ft.Results)
	// A valid function may declare up to 2^32-1 locals. When they alone do
	// not fit the value stack, no call can ever enter the function: it is
	// compiled to nothing, and its frame size makes every call fail with
	// "call stack exhausted" (see thread.growStack), as a frame too large
	// for the stack does at run time. Counting comes first, so nothing is
	// allocated per local.
	need := uint64(slots(ft.Params))
	for _, r := range f.Locals {
		need += uint64(r.Count) * uint64(r.Type.Slots())
	}
	if need > maxStackSlots {
		c.fc.frame = maxStackSlots + 1
		c.fc.hugeFrame = need
		c.emit(instr{op: uint16(ir.OpUnreachable)})
		finalize(c.fc)
		return c.fc, nil
	}
	for _, t := range ft.Params {
		c.addLocals(1, t)
	}
	c.fc.params = c.top
	for _, r := range f.Locals {
		c.addLocals(r.Count, r.Type)
	}
	c.fc.locals = c.top
	if consts := loopConsts(f.Body); len(consts) > 0 {
		// Constant slots follow the locals (see loopConsts).
		c.fc.consts = consts
		c.constSlot = make(map[uint64]uint32, len(consts))
		for _, v := range consts {
			c.constSlot[v] = c.top
			c.top++
		}
	}
	c.fc.frame = c.top
	for _, r := range f.Locals {
		c.fc.refLocals = c.fc.refLocals || r.Type.IsRef()
	}
	c.fc.usesRefs = c.fc.refLocals || hasRef(ft.Params) || hasRef(ft.Results)
	body := &ctrl{op: ir.OpCall, height: c.top, results: ft.Results}
	c.ctrls = append(c.ctrls, body)
	if c.body(f.Body) {
		c.emitReturn()
	}
	// br_table entries for the body label land here with the results moved
	// to the label height: one more return finishes the call.
	tableReturns := len(body.fixups) > 0
	c.placeLabel(body)
	if tableReturns {
		c.emit(instr{op: c.returnOp(), b: body.height, c: c.fc.results})
	}
	if c.fc.frame < c.fc.locals+c.fc.results {
		c.fc.frame = c.fc.locals + c.fc.results
	}
	if n := c.fc.locals - c.fc.params + uint32(len(c.fc.consts)); n > 0 {
		c.fc.init = make([]uint64, n)
		copy(c.fc.init[c.fc.locals-c.fc.params:], c.fc.consts)
	}
	// A sentinel no path reaches: after the last instruction (which
	// never falls through) the loop's instruction pointer points at it,
	// never past the code. Every frame has a slot (see frameAt).
	c.emit(instr{op: uint16(ir.OpUnreachable)})
	c.fc.frame = max(c.fc.frame, 1)
	finalize(c.fc)
	return c.fc, nil
}

// localRun starts a run of locals of one type: local index first lives in
// slot slot, and the run goes on up to the next run's first. Locals are
// looked up by run, so declaring them costs the compiler nothing each.
type localRun struct {
	first, slot uint32
	typ         ir.ValType
}

// addLocals declares the next n locals, of type t.
func (c *compiler) addLocals(n uint32, t ir.ValType) {
	if n == 0 {
		return
	}
	next := uint32(0)
	if k := len(c.locals); k > 0 {
		last := c.locals[k-1]
		next = last.first + (c.top-last.slot)/uint32(last.typ.Slots())
		if last.typ == t {
			c.top += n * uint32(t.Slots())
			return
		}
	}
	c.locals = append(c.locals, localRun{first: next, slot: c.top, typ: t})
	c.top += n * uint32(t.Slots())
}

// local returns local i's slot and type.
func (c *compiler) local(i uint32) (uint32, ir.ValType) {
	runs := c.locals
	lo, hi := 0, len(runs) // the run holding i is runs[lo]: its first <= i < the next's
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; runs[mid].first <= i {
			lo = mid
		} else {
			hi = mid
		}
	}
	r := runs[lo]
	return r.slot + (i-r.first)*uint32(r.typ.Slots()), r.typ
}

func (c *compiler) emit(in instr) int {
	if in.op == opCopy && c.canFuse() {
		// Two copies in a row are one instruction (see fuse.go).
		if last := &c.fc.code[c.pc()-1]; last.op == opCopy {
			*last = instr{op: opCopyCopy, a: last.a, b: last.b, c: in.a, imm: uint64(in.b)}
			c.lastRet = -1
			return c.pc() - 1
		}
	}
	c.fc.code = append(c.fc.code, in)
	c.fc.pos = append(c.fc.pos, c.pos)
	c.lastRet = -1
	return len(c.fc.code) - 1
}

func (c *compiler) pc() int { return len(c.fc.code) }

// here marks the current pc as a branch target (or a handler's bound):
// nothing emitted from now on may be fused with the instruction before.
func (c *compiler) here() {
	c.lastRet = -1
	c.joinPC = c.pc()
	c.entry = false
}

// canFuse reports whether the last instruction emitted may be fused with
// the next one: no branch targets the pc between them.
func (c *compiler) canFuse() bool { return c.pc() > 0 && c.joinPC != c.pc() }

func (c *compiler) push(t ir.ValType) uint32 {
	if t.IsRef() {
		c.fc.usesRefs = true
	}
	p := c.top
	c.stack = append(c.stack, operand{typ: t, pos: p})
	c.top += uint32(t.Slots())
	if c.top > c.fc.frame {
		c.fc.frame = c.top
	}
	return p
}

func (c *compiler) pushOperand(o operand) {
	if o.typ.IsRef() {
		c.fc.usesRefs = true
	}
	o.pos = c.top
	c.stack = append(c.stack, o)
	c.top += uint32(o.typ.Slots())
	if c.top > c.fc.frame {
		c.fc.frame = c.top
	}
}

func (c *compiler) pop() operand {
	o := c.stack[len(c.stack)-1]
	c.truncate(len(c.stack) - 1)
	c.top = o.pos
	return o
}

// truncate shortens the operand stack to n entries.
func (c *compiler) truncate(n int) {
	c.stack = c.stack[:n]
	c.flushed = min(c.flushed, n)
}

func (c *compiler) popN(n int) []operand {
	args := make([]operand, n)
	for i := n - 1; i >= 0; i-- {
		args[i] = c.pop()
	}
	return args
}

// materialize writes a lazy operand into its canonical slot.
func (c *compiler) materialize(o *operand) {
	switch o.kind {
	case kindLocal:
		c.emit(instr{op: copyOp(o.typ), a: o.pos, b: o.src})
	case kindConst:
		c.emit(constInstr(o.typ, o.pos, o.val))
	}
	o.kind = kindSlot
}

// flush materialises the whole operand stack: control flow joins need every
// value in its canonical slot. Entries below c.flushed already are, so each
// entry is looked at once however many blocks are entered above it.
func (c *compiler) flush() {
	for i := c.flushed; i < len(c.stack); i++ {
		c.materialize(&c.stack[i])
	}
	c.flushed = len(c.stack)
}

// flushLocal materialises entries still reading local slot s, before s is
// overwritten.
func (c *compiler) flushLocal(s uint32) {
	for i := range c.stack {
		if c.stack[i].kind == kindLocal && c.stack[i].src == s {
			c.materialize(&c.stack[i])
		}
	}
}

// src returns the slot an instruction reads operand o from.
func (c *compiler) src(o *operand) uint32 {
	switch o.kind {
	case kindLocal:
		return o.src
	case kindConst:
		if s, ok := c.constSlot[o.val]; ok && !o.typ.IsRef() {
			return s
		}
		c.materialize(o)
	}
	return o.pos
}

// placeLabel resolves the forward branches to f at the current pc.
func (c *compiler) placeLabel(f *ctrl) {
	pc := c.pc()
	for _, fx := range f.fixups {
		if fx.table >= 0 {
			c.fc.brTables[fx.table].targets[fx.entry].pc = uint32(pc)
		} else {
			setTarget(&c.fc.code[fx.pc], int64(pc))
		}
	}
	f.fixups = nil
	c.here()
}

func (c *compiler) blockType(bt ir.BlockType) (params, results []ir.ValType) {
	switch bt.Kind() {
	case ir.BlockValue:
		return nil, []ir.ValType{bt.Value}
	case ir.BlockIndex:
		ft := c.env.m.Types[bt.Index].FuncType
		return ft.Params, ft.Results
	}
	return nil, nil
}

// pending is an instruction list being compiled: the function body or the
// body of a block, loop or if arm. The compiler keeps them on an explicit
// stack (compiler.work) rather than recursing, so nesting depth costs heap,
// not Go stack: a million nested blocks compile.
type pending struct {
	instrs []ir.Instr
	next   int
	f      *ctrl    // the block whose body this is; nil for the function body
	els    *elseArm // then arm of an if with an else arm: compiled next
	try    *tryArm  // body or catch arm of a try_table or legacy try (see compile_exn.go)
}

// elseArm is what compiling an if's else arm needs once its then arm is done.
type elseArm struct {
	body   []ir.Instr
	brPC   int       // the branch to the else arm, to resolve
	params []operand // the block's parameters, as they were entering it
	top    uint32
}

// body compiles the function body, nested bodies included, and reports
// whether its end is reachable. Code after an unconditional branch is dead
// and not compiled.
func (c *compiler) body(instrs []ir.Instr) bool {
	c.work = append(c.work[:0], pending{instrs: instrs})
outer:
	for {
		w := &c.work[len(c.work)-1]
		reachable := true
		for w.next < len(w.instrs) {
			in := &w.instrs[w.next]
			w.next++
			switch in.Op {
			case ir.OpBlock, ir.OpLoop, ir.OpIf, ir.OpTryTable, ir.OpTry:
				c.open(in) // pushes its body: go on there
				continue outer
			}
			if !c.instr(in) {
				reachable = false
				break
			}
		}
		done := c.work[len(c.work)-1]
		c.work = c.work[:len(c.work)-1]
		if len(c.work) == 0 {
			return reachable
		}
		c.close(&done, reachable)
	}
}

// open starts a block, loop or if and pushes its body (an if's then arm)
// onto the work stack.
func (c *compiler) open(in *ir.Instr) {
	c.pos = in.Pos
	switch in.Op {
	case ir.OpBlock:
		f := c.enterBlock(in.Op, in.Block)
		c.work = append(c.work, pending{instrs: in.Body, f: f})
	case ir.OpLoop:
		f := c.enterBlock(in.Op, in.Block)
		c.here()
		c.work = append(c.work, pending{instrs: in.Body, f: f})
	case ir.OpIf:
		cond := c.pop()
		cmp, fused := c.takeCompare(cond)
		f := c.enterBlock(in.Op, in.Block)
		// Jump to the else arm (or the end) when the condition is false.
		var brPC int
		if fused {
			brPC = c.emitBranch(c.cmpBranch(cmp, true))
		} else {
			brPC = c.emit(instr{op: opBrIfNot, b: c.src(&cond)})
		}
		if in.ElseBody() == nil {
			// Validation made params equal results: the false path passes
			// them through to the end.
			f.fixups = append(f.fixups, fixup{pc: brPC, table: -1})
			c.work = append(c.work, pending{instrs: in.Body, f: f})
			return
		}
		els := &elseArm{body: in.ElseBody(), brPC: brPC, top: c.top,
			params: append([]operand(nil), c.stack[f.depth:]...)}
		c.work = append(c.work, pending{instrs: in.Body, f: f, els: els})
	case ir.OpTryTable, ir.OpTry:
		c.openTry(in)
	}
}

// close finishes a body that open pushed: it ends the block, or after an
// if's then arm starts its else arm.
func (c *compiler) close(w *pending, reachable bool) {
	f := w.f
	if w.try != nil {
		c.closeTry(w, reachable)
		return
	}
	if w.els == nil {
		c.endBlock(f, reachable)
		return
	}
	if reachable {
		c.flush()
		c.jump(f, instr{op: opBr})
	}
	setTarget(&c.fc.code[w.els.brPC], int64(c.pc()))
	c.here()
	// The else arm starts from the block's parameters; what lies below them
	// the then arm could not touch.
	c.truncate(f.depth)
	c.stack = append(c.stack, w.els.params...)
	c.top = w.els.top
	c.work = append(c.work, pending{instrs: w.els.body, f: f})
}

func (c *compiler) enterBlock(op ir.Op, bt ir.BlockType) *ctrl {
	params, results := c.blockType(bt)
	c.flush()
	f := &ctrl{op: op, params: params, results: results,
		height: c.top - slots(params), depth: len(c.stack) - len(params), startPC: c.pc()}
	c.ctrls = append(c.ctrls, f)
	return f
}

// endBlock leaves f: the stack holds exactly its results, in place.
func (c *compiler) endBlock(f *ctrl, reachable bool) {
	if reachable {
		c.flush()
	}
	c.ctrls = c.ctrls[:len(c.ctrls)-1]
	c.truncate(f.depth)
	c.top = f.height
	for _, t := range f.results {
		c.push(t)
	}
	c.placeLabel(f)
}

// moveTo emits the move of the branch values (the top label-arity slots)
// to f's label slots, when they are not there already.
func (c *compiler) moveTo(f *ctrl) {
	n := slots(f.labelTypes())
	if src := c.top - n; n > 0 && src != f.height {
		c.emit(instr{op: moveOp(f.labelTypes()), a: f.height, b: src, c: n})
	}
}

// jump emits a branch op to f (with op and operands given), recording the
// fixup or the loop target.
func (c *compiler) jump(f *ctrl, in instr) {
	pc := c.emitBranch(in)
	if f.op == ir.OpLoop {
		setTarget(&c.fc.code[pc], int64(f.startPC))
		return
	}
	f.fixups = append(f.fixups, fixup{pc: pc, table: -1})
}

func (c *compiler) emitReturn() {
	c.flush()
	n := c.fc.results
	c.emit(instr{op: c.returnOp(), b: c.top - n, c: n})
}

// instr compiles one instruction other than block, loop and if (see open)
// and reports whether the next is reachable.
func (c *compiler) instr(in *ir.Instr) bool {
	c.pos = in.Pos
	switch in.Op {
	case ir.OpNop:
	case ir.OpUnreachable:
		c.emit(instr{op: uint16(ir.OpUnreachable)})
		return false
	case ir.OpBr:
		c.flush()
		f := c.ctrls[len(c.ctrls)-1-int(in.Index)]
		c.branch(f)
		return false
	case ir.OpBrIf:
		c.brIf(in)
	case ir.OpBrTable:
		c.brTable(in)
		return false
	case ir.OpReturn:
		c.emitReturn()
		return false
	case ir.OpCall:
		ft := c.env.m.Types[c.env.funcTypes[in.Index]].FuncType
		base := c.callArgs(ft)
		c.emitCall(instr{op: opCall, b: base, imm: uint64(in.Index)})
		c.callResults(ft)
	case ir.OpCallIndirect:
		ft := c.env.m.Types[in.Index].FuncType
		idx := c.pop()
		s := c.tableIndexSlot(in.Index2, &idx)
		base := c.callArgs(ft)
		c.emit(instr{op: opCallIndirect, a: in.Index2, b: base, c: s, imm: uint64(in.Index)})
		c.callResults(ft)
	case ir.OpReturnCall:
		ft := c.env.m.Types[c.env.funcTypes[in.Index]].FuncType
		base := c.callArgs(ft)
		c.tailCallRefs(ft, base)
		c.emit(instr{op: opReturnCall, a: slots(ft.Params), b: base, imm: uint64(in.Index)})
		return false
	case ir.OpReturnCallIndirect:
		ft := c.env.m.Types[in.Index].FuncType
		idx := c.pop()
		s := c.tableIndexSlot(in.Index2, &idx)
		base := c.callArgs(ft)
		c.tailCallRefs(ft, base)
		c.emit(instr{op: opReturnCallIndirect, a: slots(ft.Params), b: base, c: s, imm: uint64(in.Index) | uint64(in.Index2)<<32})
		return false
	case ir.OpDrop:
		c.pop()
	case ir.OpSelect, ir.OpSelectTyped:
		cond := c.pop()
		v2 := c.pop()
		v1 := c.pop()
		cs, s1, s2 := c.src(&cond), c.src(&v1), c.src(&v2)
		op := uint16(ir.OpSelect)
		if v1.typ == ir.V128 {
			op = opSelect2
		} else if v1.typ.IsRef() {
			op = opSelectRef
		}
		dst := c.push(v1.typ)
		pc := c.emit(instr{op: op, a: dst, b: s1, c: s2, imm: uint64(cs)})
		if op != opSelect2 {
			c.lastRet = pc
		}
	case ir.OpLocalGet:
		src, t := c.local(in.Index)
		c.pushOperand(operand{typ: t, kind: kindLocal, src: src})
	case ir.OpLocalSet, ir.OpLocalTee:
		c.localSet(in)
	case ir.OpGlobalGet:
		t := c.env.globals[in.Index].Type
		op := uint16(ir.OpGlobalGet)
		if t == ir.V128 {
			op = opGlobalGet2
		} else if t.IsRef() {
			op = opGlobalGetRef
		}
		c.emitResult(instr{op: op, imm: uint64(in.Index)}, t)
	case ir.OpGlobalSet:
		v := c.pop()
		op := uint16(ir.OpGlobalSet)
		if t := c.env.globals[in.Index].Type; t == ir.V128 {
			op = opGlobalSet2
		} else if t.IsRef() {
			op = opGlobalSetRef
		}
		c.emit(instr{op: op, b: c.src(&v), imm: uint64(in.Index)})
	case ir.OpI32Const, ir.OpF32Const:
		// Slots hold 32-bit values zero-extended, whatever the IR's spelling.
		c.pushOperand(operand{typ: in.Op.Info().Results[0], kind: kindConst, val: uint64(uint32(in.Value))})
	case ir.OpI64Const, ir.OpF64Const:
		c.pushOperand(operand{typ: in.Op.Info().Results[0], kind: kindConst, val: in.Value})
	case ir.OpV128Const:
		k := len(c.fc.v128s)
		c.fc.v128s = append(c.fc.v128s, in.Value, in.V128Hi())
		c.emit(instr{op: opConstV128, a: c.push(ir.V128), imm: uint64(k)})
	case ir.OpRefNull:
		c.pushOperand(operand{typ: ir.Ref(true, in.HeapType()), kind: kindConst})
	case ir.OpRefFunc:
		c.emitResult(instr{op: opRefFunc, imm: uint64(in.Index)}, ir.Ref(false, ir.HeapIndex(c.env.funcTypes[in.Index])))
	case ir.OpRefIsNull:
		v := c.pop()
		c.emitResult(instr{op: opRefIsNull, b: c.src(&v)}, ir.I32)
	case ir.OpTableGet:
		i := c.pop()
		c.emitResult(instr{op: uint16(in.Op), b: c.src(&i), imm: uint64(in.Index)}, c.env.tables[in.Index].Elem)
	case ir.OpTableSet:
		v := c.pop()
		i := c.pop()
		c.emit(instr{op: uint16(in.Op), b: c.src(&i), c: c.src(&v), imm: uint64(in.Index)})
	case ir.OpTableGrow:
		n := c.pop()
		v := c.pop()
		c.emitResult(instr{op: uint16(in.Op), b: c.src(&v), c: c.src(&n), imm: uint64(in.Index)}, c.env.tables[in.Index].AddrType())
	case ir.OpTableFill:
		args := c.popN(3)
		for i := range args {
			c.materialize(&args[i])
		}
		c.emit(instr{op: uint16(in.Op), b: args[0].pos, imm: uint64(in.Index)})
	default:
		info := in.Op.Info()
		if info.Special {
			if handled, reachable := c.refInstr(in); handled {
				return reachable
			}
			panic(fmt.Sprintf("unsupported instruction %s", info.Name))
		}
		c.generic(in, info)
	}
	return true
}

// emitResult emits in with a fresh result slot of type t as destination.
func (c *compiler) emitResult(in instr, t ir.ValType) {
	in.a = c.push(t)
	pc := c.emit(in)
	if t != ir.V128 {
		c.lastRet = pc
	}
}

func (c *compiler) branch(f *ctrl) {
	if f == c.ctrls[0] {
		c.emitReturn()
		return
	}
	c.moveTo(f)
	c.jump(f, instr{op: opBr})
}

func (c *compiler) brIf(in *ir.Instr) {
	cond := c.pop()
	f := c.ctrls[len(c.ctrls)-1-int(in.Index)]
	cmp, fused := c.takeCompare(cond)
	c.flush()
	n := slots(f.labelTypes())
	needMove := f == c.ctrls[0] || (n > 0 && c.top-n != f.height)
	if needMove {
		// Branch around the moves when the condition is false.
		var skip int
		if fused {
			skip = c.emitBranch(c.cmpBranch(cmp, true))
		} else {
			skip = c.emit(instr{op: opBrIfNot, b: c.src(&cond)})
		}
		c.branch(f)
		setTarget(&c.fc.code[skip], int64(c.pc()))
		c.here()
		return
	}
	if fused {
		c.jump(f, c.cmpBranch(cmp, false))
		return
	}
	c.jump(f, instr{op: opBrIf, b: c.src(&cond)})
}

func (c *compiler) brTable(in *ir.Instr) {
	idx := c.pop()
	s := c.src(&idx)
	c.flush()
	def := c.ctrls[len(c.ctrls)-1-int(in.Index)]
	n := slots(def.labelTypes())
	ti := len(c.fc.brTables)
	c.fc.brTables = append(c.fc.brTables, brTable{src: c.top - n, n: n, refs: hasRef(def.labelTypes())})
	c.emit(instr{op: opBrTable, b: s, imm: uint64(ti)})
	labels := append(append([]uint32(nil), in.BrLabels()...), in.Index)
	targets := make([]brTarget, len(labels))
	for j, depth := range labels {
		f := c.ctrls[len(c.ctrls)-1-int(depth)]
		if f == c.ctrls[0] {
			// A branch to the function body returns: move the results to
			// the frame base and land on the trailing return.
			targets[j].dst = f.height
			f.fixups = append(f.fixups, fixup{table: ti, entry: j})
			continue
		}
		targets[j].dst = f.height
		if f.op == ir.OpLoop {
			targets[j].pc = uint32(f.startPC)
			targets[j].back = true
		} else {
			f.fixups = append(f.fixups, fixup{table: ti, entry: j})
		}
	}
	c.fc.brTables[ti].targets = targets
}

// callArgs materialises a call's arguments in place and returns the slot of
// the first: the callee's frame base.
func (c *compiler) callArgs(ft ir.FuncType) uint32 {
	args := c.popN(len(ft.Params))
	for i := range args {
		c.materialize(&args[i])
	}
	return c.top
}

func (c *compiler) callResults(ft ir.FuncType) {
	base := c.top
	for _, t := range ft.Results {
		c.push(t)
	}
	// The callee's frame starts at base; make room for its results even if
	// we have none on our side.
	if f := base + slots(ft.Params); f > c.fc.frame {
		c.fc.frame = f
	}
}

func (c *compiler) localSet(in *ir.Instr) {
	v := c.pop()
	dst, t := c.local(in.Index)
	if c.entry {
		if v.kind == kindConst && v.val == 0 && !t.IsRef() && dst >= c.fc.params && !c.written[dst] {
			// Still zero since entry (see compiler.entry).
			if in.Op == ir.OpLocalTee {
				c.pushOperand(operand{typ: t, kind: kindLocal, src: dst})
			}
			return
		}
		if c.written == nil {
			c.written = map[uint32]bool{}
		}
		c.written[dst] = true
	}
	last := c.lastRet
	c.flushLocal(dst)
	switch {
	case v.kind == kindSlot && last >= 0 && c.lastRet == last && c.fc.code[last].a == v.pos:
		// The value was just computed: compute it straight into the local.
		c.fc.code[last].a = dst
	case v.kind == kindConst:
		c.emit(constInstr(t, dst, v.val))
	case v.kind == kindLocal && v.src == dst:
	default:
		c.emit(instr{op: copyOp(t), a: dst, b: c.src(&v)})
	}
	if in.Op == ir.OpLocalTee {
		c.pushOperand(operand{typ: t, kind: kindLocal, src: dst})
	}
}

// takeCompare checks whether cond was just computed by an integer compare
// whose result nothing else reads; if so it removes that instruction and
// returns it so the branch can test the condition itself.
func (c *compiler) takeCompare(cond operand) (instr, bool) {
	last := c.lastRet
	if cond.kind != kindSlot || last < 0 || last != c.pc()-1 || c.fc.code[last].a != cond.pos {
		return instr{}, false
	}
	in := c.fc.code[last]
	op := in.op
	switch {
	case op == uint16(ir.OpI32Eqz), op == uint16(ir.OpI64Eqz):
	case op >= uint16(ir.OpI32Eq) && op <= uint16(ir.OpI32GeU):
	case op >= uint16(ir.OpI64Eq) && op <= uint16(ir.OpI64GeU):
	case op >= uint16(ir.OpF32Eq) && op <= uint16(ir.OpF32Ge), op >= uint16(ir.OpF64Eq) && op <= uint16(ir.OpF64Ge):
	case op >= opI32CmpI && op < opI32CmpI+10, op >= opI64CmpI && op < opI64CmpI+10:
		if int64(in.imm) != int64(int32(in.imm)) && op >= opI64CmpI {
			return instr{}, false
		}
	default:
		return instr{}, false
	}
	c.fc.code = c.fc.code[:last]
	c.fc.pos = c.fc.pos[:last]
	c.lastRet = -1
	return in, true
}

// cmpBranchOp returns the compare-and-branch op for a compare taken by
// takeCompare; negate branches when the condition is false.
func (c *compiler) cmpBranchOp(cmp instr, negate bool) uint16 {
	op := cmp.op
	idx := func(k uint16) uint16 {
		if negate {
			return invCmp[k]
		}
		return k
	}
	switch {
	case op == uint16(ir.OpI32Eqz):
		if negate {
			return opBrIf
		}
		return opBrIfNot
	case op == uint16(ir.OpI64Eqz):
		if negate {
			return opBrIf64
		}
		return opBrIfNot64
	case op >= uint16(ir.OpI32Eq) && op <= uint16(ir.OpI32GeU):
		return opBrI32 + idx(op-uint16(ir.OpI32Eq))
	case op >= uint16(ir.OpI64Eq) && op <= uint16(ir.OpI64GeU):
		return opBrI64 + idx(op-uint16(ir.OpI64Eq))
	case op >= uint16(ir.OpF32Eq) && op <= uint16(ir.OpF32Ge):
		return opBrF32 + op - uint16(ir.OpF32Eq)
	case op >= uint16(ir.OpF64Eq) && op <= uint16(ir.OpF64Ge):
		return opBrF64 + op - uint16(ir.OpF64Eq)
	case op >= opI32CmpI && op < opI32CmpI+10:
		return opBrI32I + idx(op-opI32CmpI)
	default:
		return opBrI64I + idx(op-opI64CmpI)
	}
}

// cmpBranch returns a fused compare-and-branch, target unresolved.
func (c *compiler) cmpBranch(cmp instr, negate bool) instr {
	op := c.cmpBranchOp(cmp, negate)
	in := instr{op: op, b: cmp.b, c: cmp.c}
	if op >= opBrI32I && op < opBrI32I+10 || op >= opBrI64I && op < opBrI64I+10 {
		in.c = uint32(cmp.imm)
	}
	if negate && op >= opBrF32 && op < opBrF64+6 {
		in.x = flagNeg
	}
	return in
}

// generic compiles a fixed-signature instruction from the opcode table:
// a = result slot, b and c = operand slots (or b = first of three or more
// contiguous operands), immediates by shape.
func (c *compiler) generic(in *ir.Instr, info *ir.OpInfo) {
	out := instr{op: uint16(in.Op)}
	args := c.popN(len(info.Params))
	switch len(args) {
	case 0:
	case 1:
		out.b = c.src(&args[0])
	case 2:
		if iop, ok := immOps[in.Op]; ok && args[1].kind == kindConst {
			out.op = iop
			out.b = c.src(&args[0])
			out.imm = args[1].val
		} else {
			out.b = c.src(&args[0])
			out.c = c.src(&args[1])
		}
	default:
		for i := range args {
			c.materialize(&args[i])
		}
		out.b = args[0].pos
	}
	switch info.Imm {
	case ir.ImmMemArg, ir.ImmMemArgLane, ir.ImmMemory, ir.ImmMemoryPair, ir.ImmMemoryInit:
		c.memoryImm(&out, in, info)
	case ir.ImmLane:
		out.x = uint16(in.Lane)
	case ir.ImmShuffle:
		k := len(c.fc.v128s)
		c.fc.v128s = append(c.fc.v128s, in.Value, in.V128Hi())
		out.imm = uint64(k)
	case ir.ImmData, ir.ImmElem, ir.ImmTable:
		out.imm = uint64(in.Index)
	case ir.ImmTablePair, ir.ImmTableInit:
		out.imm = uint64(in.Index)
		out.c = in.Index2
	case ir.ImmNone, ir.ImmFence:
	default:
		panic(fmt.Sprintf("unsupported immediate of %s", info.Name))
	}
	if isLoad(out.op) || isStore(out.op) {
		c.fuseAddress(&out, &args[0])
	} else if len(args) == 2 && len(info.Results) == 1 {
		c.fuseALU(&out, args)
	}
	switch len(info.Results) {
	case 0:
		c.emit(out)
	case 1:
		c.emitResult(out, c.addrResult(in, info.Results[0]))
	default:
		panic(fmt.Sprintf("unsupported signature of %s", info.Name))
	}
}
