package interp

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/watt-wasm/watt/ir"
)

// DefaultMaxCallDepth is the call depth at which execution fails with
// "call stack exhausted".
const DefaultMaxCallDepth = 20000

// Store owns the runtime objects (functions, tables, memories, globals,
// tags) that instances create and share, and the canonical types of every
// module instantiated in it (type equivalence and subtyping across modules
// compare canonical TypeIDs). It is safe for concurrent use.
type Store struct {
	// MaxCallDepth bounds nested calls; 0 means DefaultMaxCallDepth. Set it
	// before calls start: running calls read it unsynchronised.
	MaxCallDepth int
	// Memory64Limit bounds the size in bytes of the 64-bit memories that
	// instances define (see DefaultMemory64Limit, which 0 means). Set it
	// before instantiating.
	Memory64Limit uint64

	mu    sync.Mutex // serialises instantiation and registration
	types *ir.TypeStore
	rtts  map[ir.TypeID]*rtType // runtime types of struct and array types (under mu)
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{types: ir.NewTypeStore(), rtts: map[ir.TypeID]*rtType{}}
}

func (s *Store) maxDepth() int {
	if s.MaxCallDepth > 0 {
		return s.MaxCallDepth
	}
	return DefaultMaxCallDepth
}

// funcTypeID interns a function type written with abstract reference types
// only (host functions, tags) and returns its canonical id; NoType if ft
// names a type index, which means nothing outside a module.
func (s *Store) funcTypeID(ft ir.FuncType) ir.TypeID {
	ids, err := s.types.Intern([]ir.TypeDef{ir.FuncTypeDef(ft)}, nil)
	if err != nil {
		return ir.NoType
	}
	return ids[0]
}

// register makes fs functions of s, each with its canonical type id and its
// funcref object.
func (s *Store) register(fs []*Function, ids []ir.TypeID) {
	for i, f := range fs {
		f.store = s
		f.tid = ids[i]
		f.refSig = hasRef(f.typ.Params) || hasRef(f.typ.Results)
		f.ioSlots = max(slots(f.typ.Params), slots(f.typ.Results))
		// The function's reference lives in the Function: registering
		// allocates nothing more.
		f.rtv = rtType{kind: KindFunc, id: f.tid, store: s, fn: f}
		f.objv = Object{rt: &f.rtv}
		f.obj = &f.objv
	}
}

// FuncRef returns the funcref value of f.
func (s *Store) FuncRef(f *Function) Value {
	if f == nil {
		return NullRef(ir.FuncRef)
	}
	return Value{Type: ir.FuncRef, Ref: f.obj}
}

// FuncFromRef returns the function a funcref value denotes (nil for null,
// another kind of reference or a function of another store).
func (s *Store) FuncFromRef(v Value) *Function {
	if v.Ref == nil || v.Ref.rt.kind != KindFunc || v.Ref.rt.fn.store != s {
		return nil
	}
	return v.Ref.rt.fn
}

// Extern is an importable, exportable object: *Function, *Table, *Memory or
// *Global.
type Extern interface {
	ExternKind() ir.ExternKind
}

// HostFunc implements a function in Go. args have the function's parameter
// types; the results must match its result types. Returning an error traps;
// an *ir.Error keeps its kind and message. ctx is the calling context plus
// the current call depth: pass it on to calls back into wasm, so that
// cancellation and the call depth limit cover them too.
type HostFunc func(ctx context.Context, args []Value) ([]Value, error)

// Function is a wasm or host function.
type Function struct {
	typ   ir.FuncType // as the defining module writes it (host: abstract types only)
	store *Store
	tid   ir.TypeID // canonical type in store
	obj   *Object   // the function as a reference
	name  string
	rtv   rtType // obj's runtime type
	objv  Object // *obj
	// refSig: some parameter or result is a reference; ioSlots: the
	// slots of the parameters or results, whichever are more.
	refSig  bool
	ioSlots uint32

	inst *Instance // wasm functions
	code *funcCode
	host HostFunc
}

// NewHostFunc registers a host function with signature ft in s. Reference
// types in ft must be abstract (funcref, externref, anyref, ...): a type
// index means nothing outside a module.
func (s *Store) NewHostFunc(ft ir.FuncType, fn HostFunc) *Function {
	f := &Function{typ: ft, host: fn, name: "host"}
	s.mu.Lock()
	s.register([]*Function{f}, []ir.TypeID{s.funcTypeID(ft)})
	s.mu.Unlock()
	return f
}

// ExternKind implements Extern.
func (f *Function) ExternKind() ir.ExternKind { return ir.ExternFunc }

// Type returns the function's signature.
func (f *Function) Type() ir.FuncType { return f.typ }

// Store returns the store the function belongs to.
func (f *Function) Store() *Store { return f.store }

// Global is a global variable. Its value is one or (v128) two words, each
// read and written whole (loadWord, storeWord): goroutines that share it
// (threads sharing an instance) race only as wasm values may, a v128 possibly
// torn between its halves.
type Global struct {
	typ    ir.GlobalType // reference types canonical in store
	store  *Store        // the defining instance's store; nil for NewGlobal's
	lo, hi uint64
	ref    *Object // reference globals: the referent (a single word, see loadRef)
}

// NewGlobal returns a global of type gt holding v. Reference types must be
// abstract (anyref, funcref, ...): a type index means nothing outside a
// module.
func NewGlobal(gt ir.GlobalType, v Value) (*Global, error) {
	if gt.Type.IsRef() {
		o, err := toRef(nil, v, gt.Type)
		if err != nil {
			return nil, fmt.Errorf("global of type %v initialised with %v: %v", gt.Type, v.Type, err)
		}
		return &Global{typ: gt, ref: o}, nil
	}
	if v.Type != gt.Type {
		return nil, fmt.Errorf("global of type %v initialised with %v", gt.Type, v.Type)
	}
	v = v.normalize()
	return &Global{typ: gt, lo: v.Lo, hi: v.Hi}, nil
}

// ExternKind implements Extern.
func (g *Global) ExternKind() ir.ExternKind { return ir.ExternGlobal }

// Type returns the global's type. A concrete reference type comes back as
// its abstract kind (see Value).
func (g *Global) Type() ir.GlobalType {
	gt := g.typ
	gt.Type = apiRefType(g.store, gt.Type)
	return gt
}

// Get returns the current value.
func (g *Global) Get() Value {
	if g.typ.Type.IsRef() {
		return refValue(g.store, g.typ.Type, loadRef(&g.ref))
	}
	return Value{Type: g.typ.Type, Lo: loadWord(&g.lo), Hi: loadWord(&g.hi)}
}

// Set changes a mutable global's value.
func (g *Global) Set(v Value) error {
	if !g.typ.Mutable {
		return fmt.Errorf("global is immutable")
	}
	if g.typ.Type.IsRef() {
		o, err := toRef(g.store, v, g.typ.Type)
		if err != nil {
			return err
		}
		storeRef(&g.ref, o)
		return nil
	}
	if v.Type != g.typ.Type {
		return fmt.Errorf("type mismatch: global is %v, value is %v", g.typ.Type, v.Type)
	}
	v = v.normalize()
	storeWord(&g.lo, v.Lo)
	storeWord(&g.hi, v.Hi)
	return nil
}

// Table is a table of references.
//
// Its elements are published as a slice header never modified once stored,
// as a Memory's contents are: goroutines sharing the table (threads sharing
// an instance, or the spectest host's table) load a consistent header, and
// grow, serialised on mu, publishes a new one (extending the array in place
// when its capacity allows, else copying; a set racing with such a copy may
// be lost). Elements are single pointers read and written whole (loadRef,
// storeRef).
type Table struct {
	typ   ir.TableType // element type canonical in store
	store *Store       // the defining instance's store; nil for NewTable's
	mu    sync.Mutex
	elems atomic.Pointer[[]*Object]
}

// load returns the current elements.
func (t *Table) load() []*Object { return *t.elems.Load() }

// MaxTableSize caps table growth regardless of declared limits.
const MaxTableSize = 10_000_000

// NewTable returns a table of type tt with every element set to init. The
// element type must be abstract (funcref, externref, ...).
func NewTable(tt ir.TableType, init Value) (*Table, error) {
	o, err := toRef(nil, init, tt.Elem)
	if err != nil {
		return nil, fmt.Errorf("table of %v initialised with %v: %v", tt.Elem, init.Type, err)
	}
	return newTable(tt, o, nil)
}

func newTable(tt ir.TableType, init *Object, s *Store) (*Table, error) {
	if tt.Min > MaxTableSize {
		return nil, fmt.Errorf("table size %d too large", tt.Min)
	}
	elems := make([]*Object, tt.Min)
	if init != nil {
		for i := range elems {
			elems[i] = init
		}
	}
	t := &Table{typ: tt, store: s}
	t.elems.Store(&elems)
	return t, nil
}

// ExternKind implements Extern.
func (t *Table) ExternKind() ir.ExternKind { return ir.ExternTable }

// Type returns the table's type with its current size as minimum. A
// concrete element type comes back as its abstract kind (see Value).
func (t *Table) Type() ir.TableType {
	tt := t.typ
	tt.Elem = apiRefType(t.store, tt.Elem)
	tt.Min = uint64(len(t.load()))
	return tt
}

// Size returns the number of elements.
func (t *Table) Size() uint32 { return uint32(len(t.load())) }

// Get returns element i.
func (t *Table) Get(i uint32) (Value, error) {
	elems := t.load()
	if uint64(i) >= uint64(len(elems)) {
		return Value{}, &ir.Error{Kind: ir.Trap, Msg: msgTableOOB}
	}
	return refValue(t.store, t.typ.Elem, loadRef(&elems[i])), nil
}

// Set stores v at element i.
func (t *Table) Set(i uint32, v Value) error {
	o, err := toRef(t.store, v, t.typ.Elem)
	if err != nil {
		return err
	}
	elems := t.load()
	if uint64(i) >= uint64(len(elems)) {
		return &ir.Error{Kind: ir.Trap, Msg: msgTableOOB}
	}
	storeRef(&elems[i], o)
	return nil
}

// Grow adds n elements set to init and returns the old size, or -1 if the
// table cannot grow that much (or init is not a value of its element type).
func (t *Table) Grow(n uint32, init Value) int32 {
	o, err := toRef(t.store, init, t.typ.Elem)
	if err != nil {
		return -1
	}
	return int32(t.grow(uint64(n), o))
}

func (t *Table) grow(n uint64, init *Object) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	elems := t.load()
	old := uint64(len(elems))
	max := uint64(MaxTableSize)
	if t.typ.HasMax && t.typ.Max < max {
		max = t.typ.Max
	}
	if n > max-min64(old, max) {
		return -1
	}
	size := old + n
	if size > uint64(cap(elems)) {
		next := make([]*Object, old, max64(size, min64(2*old, max)))
		copyRefs(next, elems)
		elems = next
	}
	// Elements beyond the old length are reachable through no published
	// header yet: plain writes, then publication.
	elems = elems[:size]
	for i := old; i < size; i++ {
		elems[i] = init
	}
	t.elems.Store(&elems)
	return int64(old)
}

func max64(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

func min64(a, b uint64) uint64 {
	if a < b {
		return a
	}
	return b
}
