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

// Store owns the runtime objects (functions, tables, memories, globals) that
// instances create and share. It is safe for concurrent use.
type Store struct {
	// MaxCallDepth bounds nested calls; 0 means DefaultMaxCallDepth. Set it
	// before calls start: running calls read it unsynchronised.
	MaxCallDepth int
	// Memory64Limit bounds the size in bytes of the 64-bit memories that
	// instances define (see DefaultMemory64Limit, which 0 means). Set it
	// before instantiating.
	Memory64Limit uint64

	mu    sync.Mutex // serialises instantiation and registration
	funcs atomic.Pointer[[]*Function]
	sigs  map[string]uint32 // canonical signature ids, by FuncType.String
}

// NewStore returns an empty store.
func NewStore() *Store {
	s := &Store{sigs: map[string]uint32{}}
	s.funcs.Store(new([]*Function))
	return s
}

func (s *Store) maxDepth() int {
	if s.MaxCallDepth > 0 {
		return s.MaxCallDepth
	}
	return DefaultMaxCallDepth
}

// sigID returns the canonical id of a signature; call_indirect compares ids.
// Callers hold s.mu.
func (s *Store) sigID(ft ir.FuncType) uint32 {
	k := ft.String()
	id, ok := s.sigs[k]
	if !ok {
		id = uint32(len(s.sigs))
		s.sigs[k] = id
	}
	return id
}

// register gives f its funcref handle. The function list is copy-on-write so
// that running code (call_indirect, table.get) reads it without locking.
// Callers hold s.mu.
func (s *Store) register(fs ...*Function) {
	old := *s.funcs.Load()
	next := make([]*Function, len(old), len(old)+len(fs))
	copy(next, old)
	for _, f := range fs {
		f.store = s
		f.sig = s.sigID(f.typ)
		next = append(next, f)
		f.ref = uint64(len(next))
	}
	s.funcs.Store(&next)
}

// funcOf resolves a non-null funcref handle.
func (s *Store) funcOf(ref uint64) *Function {
	fs := *s.funcs.Load()
	if ref == 0 || ref > uint64(len(fs)) {
		return nil
	}
	return fs[ref-1]
}

// FuncRef returns the funcref value of f, which must belong to s.
func (s *Store) FuncRef(f *Function) Value {
	if f == nil {
		return NullRef(ir.FuncRef)
	}
	return Value{Type: ir.FuncRef, Lo: f.ref}
}

// FuncFromRef returns the function a funcref value denotes (nil for null or
// a foreign handle).
func (s *Store) FuncFromRef(v Value) *Function {
	if v.Type != ir.FuncRef {
		return nil
	}
	return s.funcOf(v.Lo)
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
	typ   ir.FuncType
	store *Store
	ref   uint64 // funcref handle in store
	sig   uint32 // canonical signature id in store
	name  string

	inst *Instance // wasm functions
	code *funcCode
	host HostFunc
}

// NewHostFunc registers a host function with signature ft in s.
func (s *Store) NewHostFunc(ft ir.FuncType, fn HostFunc) *Function {
	f := &Function{typ: ft, host: fn, name: "host"}
	s.mu.Lock()
	s.register(f)
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
	typ    ir.GlobalType
	lo, hi uint64
}

// NewGlobal returns a global of type gt holding v.
func NewGlobal(gt ir.GlobalType, v Value) (*Global, error) {
	if v.Type != gt.Type {
		return nil, fmt.Errorf("global of type %v initialised with %v", gt.Type, v.Type)
	}
	v = v.normalize()
	return &Global{typ: gt, lo: v.Lo, hi: v.Hi}, nil
}

// ExternKind implements Extern.
func (g *Global) ExternKind() ir.ExternKind { return ir.ExternGlobal }

// Type returns the global's type.
func (g *Global) Type() ir.GlobalType { return g.typ }

// Get returns the current value.
func (g *Global) Get() Value {
	return Value{Type: g.typ.Type, Lo: loadWord(&g.lo), Hi: loadWord(&g.hi)}
}

// Set changes a mutable global's value.
func (g *Global) Set(v Value) error {
	if !g.typ.Mutable {
		return fmt.Errorf("global is immutable")
	}
	if v.Type != g.typ.Type {
		return fmt.Errorf("type mismatch: global is %v, value is %v", g.typ.Type, v.Type)
	}
	v = v.normalize()
	storeWord(&g.lo, v.Lo)
	storeWord(&g.hi, v.Hi)
	return nil
}

// Table is a table of references (funcref handles or externref values).
//
// Its elements are published as a slice header never modified once stored,
// as a Memory's contents are: goroutines sharing the table (threads sharing
// an instance, or the spectest host's table) load a consistent header, and
// grow, serialised on mu, publishes a new one (extending the array in place
// when its capacity allows, else copying; a set racing with such a copy may
// be lost). Elements are words read and written whole (loadWord,
// storeWord).
type Table struct {
	typ   ir.TableType
	mu    sync.Mutex
	elems atomic.Pointer[[]uint64]
}

// load returns the current elements.
func (t *Table) load() []uint64 { return *t.elems.Load() }

// MaxTableSize caps table growth regardless of declared limits.
const MaxTableSize = 10_000_000

// NewTable returns a table of type tt with every element set to init.
func NewTable(tt ir.TableType, init Value) (*Table, error) {
	if tt.Min > MaxTableSize {
		return nil, fmt.Errorf("table size %d too large", tt.Min)
	}
	elems := make([]uint64, tt.Min)
	if init.Lo != 0 {
		for i := range elems {
			elems[i] = init.Lo
		}
	}
	t := &Table{typ: tt}
	t.elems.Store(&elems)
	return t, nil
}

// ExternKind implements Extern.
func (t *Table) ExternKind() ir.ExternKind { return ir.ExternTable }

// Type returns the table's type with its current size as minimum.
func (t *Table) Type() ir.TableType {
	tt := t.typ
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
	return Value{Type: t.typ.Elem, Lo: loadWord(&elems[i])}, nil
}

// Set stores v at element i.
func (t *Table) Set(i uint32, v Value) error {
	elems := t.load()
	if uint64(i) >= uint64(len(elems)) {
		return &ir.Error{Kind: ir.Trap, Msg: msgTableOOB}
	}
	storeWord(&elems[i], v.Lo)
	return nil
}

// Grow adds n elements set to init and returns the old size, or -1 if the
// table cannot grow that much.
func (t *Table) Grow(n uint32, init Value) int32 { return int32(t.grow(uint64(n), init.Lo)) }

func (t *Table) grow(n uint64, init uint64) int64 {
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
		next := make([]uint64, old, max64(size, min64(2*old, max)))
		copyWords(next, elems)
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
