package interp

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/watt-wasm/watt/ir"
)

// Imports resolves a module's imports by module and field name.
type Imports interface {
	Resolve(module, name string) (Extern, bool)
}

// ImportMap is Imports as nested maps: module name, then field name.
type ImportMap map[string]map[string]Extern

// Resolve implements Imports.
func (m ImportMap) Resolve(module, name string) (Extern, bool) {
	e, ok := m[module][name]
	return e, ok
}

// ImportFunc adapts a function to Imports.
type ImportFunc func(module, name string) (Extern, bool)

// Resolve implements Imports.
func (f ImportFunc) Resolve(module, name string) (Extern, bool) { return f(module, name) }

// Registry resolves imports from the exports of registered instances, as
// a spec script's `register` command does.
type Registry map[string]*Instance

// Resolve implements Imports.
func (r Registry) Resolve(module, name string) (Extern, bool) {
	inst, ok := r[module]
	if !ok {
		return nil, false
	}
	e := inst.Export(name)
	return e, e != nil
}

// Instance is an instantiated module. Its exports may be called from any
// number of goroutines (see the package documentation for what they may
// share).
type Instance struct {
	store   *Store
	module  *Module
	funcs   []*Function
	tables  []*Table
	mem     *Memory   // memory 0, or nil: the interpreter loop's fast path
	mems    []*Memory // all memories, by index
	globals []*Global
	tags    []*Tag
	typeIDs []ir.TypeID // canonical type per type index
	rtts    []*rtType   // runtime type per type index (struct and array types)
	datas   []dataSeg
	elems   []elemSeg
	exports map[string]Extern
	names   []string // export names in order
}

type dataSeg struct {
	data    []byte
	dropped atomic.Bool
}

type elemSeg struct {
	refs    []*Object
	dropped atomic.Bool
}

func (s *elemSeg) get() []*Object {
	if s.dropped.Load() {
		return nil
	}
	return s.refs
}

func (s *dataSeg) get() []byte {
	if s.dropped.Load() {
		return nil
	}
	return s.data
}

func (inst *Instance) memBytes() []byte {
	if inst.mem == nil {
		return nil
	}
	return inst.mem.bytes()
}

// Instantiate links m against imports in store s, initialises its tables
// and memories from the active segments, and runs its start function.
// Errors are *ir.Error: Unlinkable for import mismatches, Uninstantiable
// when a segment is out of bounds or the start function traps.
func Instantiate(s *Store, m *Module, imports Imports) (*Instance, error) {
	return InstantiateContext(context.Background(), s, m, imports)
}

// InstantiateContext is Instantiate with a context for the start function.
func InstantiateContext(ctx context.Context, s *Store, m *Module, imports Imports) (inst *Instance, err error) {
	defer func() {
		if r := recover(); r != nil {
			inst, err = nil, errorOf(r)
			err.(*ir.Error).Kind = ir.Uninstantiable
		}
	}()
	inst, err = s.link(m, imports)
	if err != nil {
		return nil, err
	}
	if err := inst.initSegments(); err != nil {
		return nil, err
	}
	if st := m.IR.Start; st != nil {
		if _, err := inst.funcs[st.Func].Call(ctx); err != nil {
			var ie *ir.Error
			errors.As(err, &ie) // an uncaught exception too: "uncaught exception"
			e := *ie
			e.Kind = ir.Uninstantiable
			return nil, &e
		}
	}
	return inst, nil
}

func unlinkable(m *Module, im *ir.Import, format string, args ...any) *ir.Error {
	msg := fmt.Sprintf(format, args...)
	return &ir.Error{Src: m.Src, Pos: im.Pos, Kind: ir.Unlinkable, Msg: fmt.Sprintf("%s: %q %q", msg, im.Module, im.Name)}
}

func limitsMatch(have, want ir.Limits) bool {
	if have.Min < want.Min {
		return false
	}
	if want.HasMax {
		return have.HasMax && have.Max <= want.Max
	}
	return true
}

// link resolves imports and creates the instance's own entities.
func (s *Store) link(m *Module, imports Imports) (*Instance, error) {
	mod := m.IR
	inst := &Instance{store: s, module: m, exports: map[string]Extern{}}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := inst.internTypes(); err != nil {
		return nil, err
	}
	for i := range mod.Imports {
		im := &mod.Imports[i]
		var e Extern
		ok := false
		if imports != nil {
			e, ok = imports.Resolve(im.Module, im.Name)
		}
		if !ok || e == nil {
			return nil, unlinkable(m, im, "unknown import")
		}
		if e.ExternKind() != im.Kind {
			return nil, unlinkable(m, im, "incompatible import type: want %v, have %v", im.Kind, e.ExternKind())
		}
		switch im.Kind {
		case ir.ExternFunc:
			f := e.(*Function)
			if f.store != s {
				return nil, unlinkable(m, im, "incompatible import type: function of another store")
			}
			if !s.types.MatchFuncType(f.tid, inst.typeIDs[im.Func]) {
				return nil, unlinkable(m, im, "incompatible import type: want func %v, have %v", mod.Types[im.Func].FuncType, f.typ)
			}
			inst.funcs = append(inst.funcs, f)
		case ir.ExternTable:
			t := e.(*Table)
			have := t.typ
			have.Min = uint64(t.Size())
			want := im.Table
			want.Elem = inst.canon(want.Elem)
			if !inst.ownTypes(t.store, have.Elem, want.Elem) || !s.types.MatchTableType(have, want) { // address type, element type, limits
				return nil, unlinkable(m, im, "incompatible import type: want table %v, have %v", im.Table, t.Type())
			}
			inst.tables = append(inst.tables, t)
		case ir.ExternMemory:
			mem := e.(*Memory)
			have := mem.Type()
			if !ir.MatchMemoryType(have, im.Memory) { // address type, shared, limits
				return nil, unlinkable(m, im, "incompatible import type: want memory %v, have %v", im.Memory, have)
			}
			inst.mems = append(inst.mems, mem)
		case ir.ExternGlobal:
			g := e.(*Global)
			want := im.Global
			want.Type = inst.canon(want.Type)
			if !inst.ownTypes(g.store, g.typ.Type, want.Type) || !s.types.MatchGlobalType(g.typ, want) {
				return nil, unlinkable(m, im, "incompatible import type: want global %v, have %v", im.Global, g.Type())
			}
			inst.globals = append(inst.globals, g)
		case ir.ExternTag:
			tg := e.(*Tag)
			if tg.store != s || !s.types.MatchTagType(tg.tid, inst.typeIDs[im.Tag]) {
				return nil, unlinkable(m, im, "incompatible import type: want tag %v, have %v", mod.Types[im.Tag].FuncType, tg.typ)
			}
			inst.tags = append(inst.tags, tg)
		}
	}
	defined := make([]*Function, len(mod.Funcs))
	ids := make([]ir.TypeID, len(mod.Funcs))
	for i := range mod.Funcs {
		fc := m.funcs[i]
		defined[i] = &Function{typ: fc.typ, inst: inst, code: fc, name: fc.name}
		ids[i] = inst.typeIDs[mod.Funcs[i].Type]
	}
	s.register(defined, ids)
	inst.funcs = append(inst.funcs, defined...)

	for _, t := range mod.Tags {
		inst.tags = append(inst.tags, s.newTag(inst.canonFunc(mod.Types[t.Type].FuncType), inst.typeIDs[t.Type]))
	}
	for _, g := range mod.Globals {
		gt := g.Type
		gt.Type = inst.canon(gt.Type)
		v := inst.evalConst(g.Init, gt.Type)
		gl := &Global{typ: gt, store: s, lo: v.Lo, hi: v.Hi, ref: v.Ref}
		inst.globals = append(inst.globals, gl)
	}
	for _, t := range mod.Tables {
		tt := t.Type
		tt.Elem = inst.canon(tt.Elem)
		var init *Object
		if t.Init != nil {
			init = inst.evalConst(t.Init, tt.Elem).Ref
		}
		tab, err := newTable(tt, init, s)
		if err != nil {
			return nil, &ir.Error{Src: m.Src, Pos: t.Pos, Kind: ir.Uninstantiable, Msg: err.Error()}
		}
		inst.tables = append(inst.tables, tab)
	}
	for _, mm := range mod.Memories {
		mem, err := NewMemoryLimit(mm.Type, s.Memory64Limit)
		if err != nil {
			return nil, &ir.Error{Src: m.Src, Pos: mm.Pos, Kind: ir.Uninstantiable, Msg: err.Error()}
		}
		inst.mems = append(inst.mems, mem)
	}
	if len(inst.mems) > 0 {
		inst.mem = inst.mems[0]
	}
	inst.datas = make([]dataSeg, len(mod.Datas))
	for i := range mod.Datas {
		inst.datas[i].data = mod.Datas[i].Init
	}
	inst.elems = make([]elemSeg, len(mod.Elems))
	for i := range mod.Elems {
		el := &mod.Elems[i]
		refs := make([]*Object, len(el.Init))
		for j, expr := range el.Init {
			refs[j] = inst.evalConst(expr, el.Type).Ref
		}
		inst.elems[i].refs = refs
	}
	for _, ex := range mod.Exports {
		var e Extern
		switch ex.Kind {
		case ir.ExternFunc:
			e = inst.funcs[ex.Index]
		case ir.ExternTable:
			e = inst.tables[ex.Index]
		case ir.ExternMemory:
			e = inst.mems[ex.Index]
		case ir.ExternGlobal:
			e = inst.globals[ex.Index]
		case ir.ExternTag:
			e = inst.tags[ex.Index]
		}
		inst.exports[ex.Name] = e
		inst.names = append(inst.names, ex.Name)
	}
	return inst, nil
}

// evalConst evaluates a constant expression. A reference comes back in
// the interpreter's form: Ref is the referent whatever its kind (never the
// unboxed host and i31 Values of the API).
func (inst *Instance) evalConst(expr []ir.Instr, t ir.ValType) Value {
	var stack []Value
	pop := func() Value {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		return v
	}
	for i := range expr {
		in := &expr[i]
		switch in.Op {
		case ir.OpI32Const:
			stack = append(stack, Value{Type: ir.I32, Lo: uint64(uint32(in.Value))})
		case ir.OpI64Const:
			stack = append(stack, Value{Type: ir.I64, Lo: in.Value})
		case ir.OpF32Const:
			stack = append(stack, Value{Type: ir.F32, Lo: uint64(uint32(in.Value))})
		case ir.OpF64Const:
			stack = append(stack, Value{Type: ir.F64, Lo: in.Value})
		case ir.OpV128Const:
			stack = append(stack, Value{Type: ir.V128, Lo: in.Value, Hi: in.V128Hi()})
		case ir.OpRefNull:
			stack = append(stack, NullRef(ir.Ref(true, in.HeapType())))
		case ir.OpRefFunc:
			stack = append(stack, Value{Type: ir.FuncRef, Ref: inst.funcs[in.Index].obj})
		case ir.OpGlobalGet:
			g := inst.globals[in.Index]
			stack = append(stack, Value{Type: g.typ.Type, Lo: loadWord(&g.lo), Hi: loadWord(&g.hi), Ref: loadRef(&g.ref)})
		case ir.OpI32Add, ir.OpI32Sub, ir.OpI32Mul, ir.OpI64Add, ir.OpI64Sub, ir.OpI64Mul:
			// extended-const: the operands are the two values on top.
			y, x := pop(), pop()
			stack = append(stack, constArith(in.Op, x, y))
		default:
			if !inst.evalGCConst(in, &stack) {
				panic(fmt.Sprintf("%s is not a constant instruction", in.Op))
			}
		}
	}
	if len(stack) != 1 {
		panic("constant expression must leave one value")
	}
	v := stack[0]
	v.Type = t
	return v
}

// initSegments applies active element and data segments in order (spec
// 2.0: table.init / memory.init followed by a drop), then drops
// declarative element segments. A segment out of bounds fails
// instantiation; earlier segments stay applied.
func (inst *Instance) initSegments() error {
	mod := inst.module.IR
	for i := range mod.Elems {
		el := &mod.Elems[i]
		switch el.Mode {
		case ir.SegmentActive:
			off := inst.segmentOffset(el.Offset, inst.tables[el.Table].is64())
			tab := inst.tables[el.Table].load()
			refs := inst.elems[i].refs
			if beyond(off, uint64(len(refs)), uint64(len(tab))) {
				return &ir.Error{Src: inst.module.Src, Pos: el.Pos, Kind: ir.Uninstantiable, Msg: msgTableOOB}
			}
			copyRefs(tab[off:], refs)
			inst.elems[i].dropped.Store(true)
		case ir.SegmentDeclarative:
			inst.elems[i].dropped.Store(true)
		}
	}
	for i := range mod.Datas {
		d := &mod.Datas[i]
		if d.Mode != ir.SegmentActive {
			continue
		}
		if int(d.Memory) >= len(inst.mems) {
			return &ir.Error{Src: inst.module.Src, Pos: d.Pos, Kind: ir.Uninstantiable, Msg: msgMemOOB}
		}
		m := inst.mems[d.Memory]
		off := inst.segmentOffset(d.Offset, m.Is64())
		mem := m.bytes()
		if beyond(off, uint64(len(d.Init)), uint64(len(mem))) {
			return &ir.Error{Src: inst.module.Src, Pos: d.Pos, Kind: ir.Uninstantiable, Msg: msgMemOOB}
		}
		memWrite(mem, off, d.Init)
		inst.datas[i].dropped.Store(true)
	}
	return nil
}

// Module returns the compiled module the instance was made from.
func (inst *Instance) Module() *Module { return inst.module }

// Store returns the instance's store.
func (inst *Instance) Store() *Store { return inst.store }

// Export returns the export called name, or nil.
func (inst *Instance) Export(name string) Extern { return inst.exports[name] }

// ExportNames lists the export names in declaration order.
func (inst *Instance) ExportNames() []string { return append([]string(nil), inst.names...) }

// Func returns the exported function called name, or nil.
func (inst *Instance) Func(name string) *Function {
	f, _ := inst.exports[name].(*Function)
	return f
}

// Memory returns the exported memory called name, or nil.
func (inst *Instance) Memory(name string) *Memory {
	m, _ := inst.exports[name].(*Memory)
	return m
}

// Call invokes the exported function name with args.
func (inst *Instance) Call(ctx context.Context, name string, args ...Value) ([]Value, error) {
	f := inst.Func(name)
	if f == nil {
		return nil, &ir.Error{Kind: ir.Trap, Msg: fmt.Sprintf("unknown function export %q", name)}
	}
	return f.Call(ctx, args...)
}

// Get returns the value of the exported global name.
func (inst *Instance) Get(name string) (Value, error) {
	g, ok := inst.exports[name].(*Global)
	if !ok {
		return Value{}, &ir.Error{Kind: ir.Trap, Msg: fmt.Sprintf("unknown global export %q", name)}
	}
	return g.Get(), nil
}
