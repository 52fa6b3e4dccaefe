package ir

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"sync"
	"sync/atomic"
)

// Type canonicalization: WebAssembly 3.0 type equivalence is iso-recursive.
// Two defined types are the same type when they sit at the same position
// of structurally equal recursion groups, where references inside a group
// are compared by their position in the group and references to earlier
// types by those types' identity. A TypeStore interns recursion groups by
// exactly that structural key and gives every defined type a TypeID, so
// that type equivalence across modules is TypeID equality and subtyping
// between defined types follows the declared supertype chains of TypeIDs.
//
// Users:
//   - validate interns a module's types into a private store (lazily, only
//     when two concrete types must be compared) and asks the store for
//     subtyping between concrete heap types;
//   - the interpreter keeps one store per interp.Store, shared by all its
//     instances, interns every instantiated module (ids := s.Intern(...)),
//     and checks imports (incompatible import type), call_indirect
//     signatures and ref.test/ref.cast/br_on_cast with the store's
//     IsSubtype / MatchHeap / MatchValType on canonical types.
//
// A canonical value type is an ordinary ValType whose concrete heap type
// holds a TypeID instead of a module's type index (CanonValType converts);
// two canonical value types are equivalent exactly when they are equal
// words.
//
// Concurrency: Intern serialises on a mutex; every reader (Type, IsSubtype,
// MatchHeap, MatchValType, TopHeap) is lock-free and may run on any number
// of goroutines, also while another goroutine interns. A TypeID may be read
// once the Intern call that returned it happened before the read (as Go's
// memory model defines it: same goroutine, or handed over through a
// channel, mutex, ...).

// HeapBot is the bottom heap type of the validation algorithm: the heap
// type of a reference produced in unreachable code, below every other heap
// type. It never occurs in a module (IsValid rejects it).
const HeapBot = heapAbstract | 0x00

// TypeID identifies a defined type up to equivalence within one TypeStore.
type TypeID uint32

// NoType is "no type": the Super of a type without a declared supertype.
const NoType TypeID = 1<<32 - 1

// maxTypeIDs bounds a store: canonical value types keep TypeIDs where
// modules keep type indices.
const maxTypeIDs = uint64(MaxTypeIndex) + 1

// CanonType is a defined type as a TypeStore keeps it.
type CanonType struct {
	// Def is the type's definition with every type reference canonical:
	// concrete heap types in params, results and fields hold TypeIDs, and
	// Supers holds the supertype's TypeID (at most one). Pos is NoPos.
	// Def must not be modified.
	Def TypeDef
	// Group is the TypeID of the first type of its recursion group, whose
	// types have consecutive TypeIDs; GroupLen is the group's size.
	Group    TypeID
	GroupLen uint32
	// Super is the declared supertype, NoType if none; Depth the length of
	// the supertype chain above the type.
	Super TypeID
	Depth uint32
	// jump is an ancestor on the supertype chain (Myers' skew-binary jump
	// pointers), so that IsSubtype walks O(log Depth) steps, not Depth.
	jump TypeID
}

// The store's types live in chunks that never move: chunk k holds
// 1<<(k+chunkShift) types, so small stores stay small and readers index
// without a lock.
const (
	chunkShift = 4
	maxChunks  = 32 - chunkShift
)

// TypeStore interns recursion groups. The zero value is not ready; use
// NewTypeStore.
type TypeStore struct {
	mu     sync.Mutex
	groups map[string]TypeID // structural key of a group -> its first TypeID
	buf    []byte            // key being built (under mu)
	n      atomic.Uint32     // types published
	chunks [maxChunks]atomic.Pointer[[]CanonType]
}

// NewTypeStore returns an empty store.
func NewTypeStore() *TypeStore {
	return &TypeStore{groups: make(map[string]TypeID)}
}

// locate returns the chunk and offset of id.
func locate(id TypeID) (int, uint32) {
	j := uint32(id) + 1<<chunkShift
	k := bits.Len32(j) - 1 - chunkShift
	return k, j - 1<<(k+chunkShift)
}

// Len is the number of types in the store.
func (s *TypeStore) Len() int { return int(s.n.Load()) }

// Type returns the canonical type id, or nil if the store has no such type.
func (s *TypeStore) Type(id TypeID) *CanonType {
	if uint32(id) >= s.n.Load() {
		return nil
	}
	k, off := locate(id)
	return &(*s.chunks[k].Load())[off]
}

// slot returns the storage of id, allocating its chunk (under mu).
func (s *TypeStore) slot(id TypeID) *CanonType {
	k, off := locate(id)
	c := s.chunks[k].Load()
	if c == nil {
		cs := make([]CanonType, 1<<(k+chunkShift))
		c = &cs
		s.chunks[k].Store(c)
	}
	return &(*c)[off]
}

// RecSpan is one recursion group of a module's type section: types
// Start..End-1.
type RecSpan struct{ Start, End uint32 }

// RecSpans lists the recursion groups of a type section of n types in
// order: the explicit groups of rec, and a singleton group for every type
// outside them. Empty explicit groups are left out. It fails if the groups
// overlap, are out of order or reach past the last type.
func RecSpans(n int, rec []RecGroup) ([]RecSpan, error) {
	spans := make([]RecSpan, 0, n)
	next := uint64(0)
	for _, g := range rec {
		start, end := uint64(g.Start), uint64(g.Start)+uint64(g.Count)
		if start < next || end > uint64(n) {
			return nil, Errorf(nil, g.Pos, Invalid, "invalid recursion group: types %d..%d", start, end)
		}
		for ; next < start; next++ {
			spans = append(spans, RecSpan{uint32(next), uint32(next + 1)})
		}
		if end > start {
			spans = append(spans, RecSpan{uint32(start), uint32(end)})
		}
		next = end
	}
	for ; next < uint64(n); next++ {
		spans = append(spans, RecSpan{uint32(next), uint32(next + 1)})
	}
	return spans, nil
}

// Intern canonicalizes a type section (a module's Types and Rec) and
// returns the TypeID of every type. It requires only what canonical
// identities need: every type reference names a type defined before the
// end of the referring type's recursion group, and every supertype is
// defined before its subtype; anything else (value type validity, subtype
// matching, finality) is the validator's business. On error nothing of
// the section's failing group or later groups is interned.
func (s *TypeStore) Intern(types []TypeDef, rec []RecGroup) ([]TypeID, error) {
	spans, err := RecSpans(len(types), rec)
	if err != nil {
		return nil, err
	}
	ids := make([]TypeID, len(types))
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.groups) == 0 && len(spans) > 8 {
		// A fresh store (the validator's) is sized once instead of
		// growing through every power of two.
		s.groups = make(map[string]TypeID, len(spans))
	}
	for _, sp := range spans {
		if err := s.internGroup(types, ids, sp); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// Key words: a value type is one 32-bit word; a concrete reference to a
// type of the same group sets keyRel over its position in the group (bit
// 31 is never set in a ValType), other concrete references hold the
// TypeID.
const keyRel = 1 << 31

// internGroup interns types[sp.Start:sp.End], whose earlier types already
// have their ids (under mu).
func (s *TypeStore) internGroup(types []TypeDef, ids []TypeID, sp RecSpan) error {
	key := s.buf[:0]
	word := func(t ValType) (uint32, error) {
		if !t.IsRef() || t.Heap().IsAbstract() {
			return uint32(t), nil
		}
		x := t.Heap().Index()
		switch {
		case x >= sp.End:
			return 0, unknownType(x)
		case x >= sp.Start:
			return uint32(t&^heapMax) | keyRel | (x - sp.Start), nil
		}
		return uint32(t&^heapMax) | uint32(ids[x]), nil
	}
	key = binary.LittleEndian.AppendUint32(key, sp.End-sp.Start)
	for i := sp.Start; i < sp.End; i++ {
		d := &types[i]
		flags := uint32(d.Kind)
		if d.Open {
			flags |= 1 << 8
		}
		key = binary.LittleEndian.AppendUint32(key, flags)
		key = binary.LittleEndian.AppendUint32(key, uint32(len(d.Supers)))
		for _, x := range d.Supers {
			if x >= i {
				return Errorf(nil, d.Pos, Invalid, "forward use of type %d in sub type definition", x)
			}
			w, _ := word(Ref(false, HeapIndex(x)))
			key = binary.LittleEndian.AppendUint32(key, w)
		}
		var err error
		appendTypes := func(ts []ValType) {
			key = binary.LittleEndian.AppendUint32(key, uint32(len(ts)))
			for _, t := range ts {
				w, e := word(t)
				if e != nil && err == nil {
					err = e
				}
				key = binary.LittleEndian.AppendUint32(key, w)
			}
		}
		switch d.Kind {
		case CompFunc:
			appendTypes(d.Params)
			appendTypes(d.Results)
		default:
			key = binary.LittleEndian.AppendUint32(key, uint32(len(d.Fields)))
			for _, f := range d.Fields {
				w, e := word(f.Type)
				if e != nil && err == nil {
					err = e
				}
				mut := uint32(0)
				if f.Mutable {
					mut = 1
				}
				key = binary.LittleEndian.AppendUint32(key, w)
				key = binary.LittleEndian.AppendUint32(key, mut)
			}
		}
		if err != nil {
			s.buf = key
			return Errorf(nil, d.Pos, Invalid, "%s", err.Error())
		}
	}
	s.buf = key
	if base, ok := s.groups[string(key)]; ok {
		for i := sp.Start; i < sp.End; i++ {
			ids[i] = base + TypeID(i-sp.Start)
		}
		return nil
	}
	n := s.n.Load()
	size := sp.End - sp.Start
	if uint64(n)+uint64(size) > maxTypeIDs {
		return Errorf(nil, types[sp.Start].Pos, Invalid, "too many types: a type store holds at most %d", maxTypeIDs)
	}
	base := TypeID(n)
	for i := sp.Start; i < sp.End; i++ {
		ids[i] = base + TypeID(i-sp.Start)
	}
	// The group's canonical value types share one backing array each.
	nvals, nfields := 0, 0
	for i := sp.Start; i < sp.End; i++ {
		nvals += len(types[i].Params) + len(types[i].Results)
		nfields += len(types[i].Fields)
	}
	vals := make([]ValType, 0, nvals)
	fields := make([]FieldType, 0, nfields)
	canon := func(ts []ValType) []ValType {
		if ts == nil {
			return nil
		}
		start := len(vals)
		for _, t := range ts {
			vals = append(vals, CanonValType(t, ids))
		}
		return vals[start:len(vals):len(vals)]
	}
	for i := sp.Start; i < sp.End; i++ {
		d := &types[i]
		id := ids[i]
		ct := s.slot(id)
		*ct = CanonType{
			Def:      TypeDef{Kind: d.Kind, Open: d.Open},
			Group:    base,
			GroupLen: size,
			Super:    NoType,
			jump:     id,
		}
		if d.Kind == CompFunc {
			ct.Def.Params = canon(d.Params)
			ct.Def.Results = canon(d.Results)
		} else if d.Fields != nil {
			start := len(fields)
			for _, f := range d.Fields {
				fields = append(fields, FieldType{Type: CanonValType(f.Type, ids), Mutable: f.Mutable})
			}
			ct.Def.Fields = fields[start:len(fields):len(fields)]
		}
		if len(d.Supers) > 0 {
			// Several supertypes are invalid (the validator says so); the
			// chain follows the first.
			sup := ids[d.Supers[0]]
			ct.Def.Supers = make([]uint32, len(d.Supers))
			for j, x := range d.Supers {
				ct.Def.Supers[j] = uint32(ids[x])
			}
			p := s.slot(sup)
			ct.Super, ct.Depth = sup, p.Depth+1
			ct.jump = sup
			if p.Super != NoType {
				j := s.slot(p.jump)
				if p.Depth-j.Depth == j.Depth-s.slot(j.jump).Depth {
					ct.jump = j.jump
				}
			}
		}
	}
	s.n.Store(n + size)
	s.groups[string(key)] = base
	return nil
}

type unknownType uint32

func (x unknownType) Error() string { return "unknown type " + strconv.FormatUint(uint64(x), 10) }

// CanonValType returns t with its concrete heap type (a type index of the
// module whose type section gave ids) replaced by that type's TypeID.
// Types without a concrete heap type are returned unchanged; an index out
// of range of ids is too (it cannot occur in a valid module).
func CanonValType(t ValType, ids []TypeID) ValType {
	if !t.IsRef() || t.Heap().IsAbstract() {
		return t
	}
	x := t.Heap().Index()
	if uint64(x) >= uint64(len(ids)) {
		return t
	}
	return t&^heapMax | ValType(ids[x])
}

// CanonHeap is CanonValType for heap types.
func CanonHeap(h HeapType, ids []TypeID) HeapType {
	if h.IsAbstract() || uint64(h.Index()) >= uint64(len(ids)) {
		return h
	}
	return HeapType(ids[h.Index()])
}

// IsSubtype reports whether defined type a matches b: they are the same
// type, or b is on a's declared supertype chain.
func (s *TypeStore) IsSubtype(a, b TypeID) bool {
	if a == b {
		return true
	}
	ta, tb := s.Type(a), s.Type(b)
	if ta == nil || tb == nil || ta.Depth <= tb.Depth {
		return false
	}
	for ta.Depth > tb.Depth {
		if j := s.Type(ta.jump); j.Depth >= tb.Depth {
			a, ta = ta.jump, j
		} else {
			a, ta = ta.Super, s.Type(ta.Super)
		}
	}
	return a == b
}

// Kind is the composite kind of defined type id (CompFunc for an unknown
// id).
func (s *TypeStore) Kind(id TypeID) CompKind {
	if t := s.Type(id); t != nil {
		return t.Def.Kind
	}
	return CompFunc
}

// MatchHeap reports whether canonical heap type a matches b (a <: b).
// HeapBot matches everything.
func (s *TypeStore) MatchHeap(a, b HeapType) bool {
	if a == b || a == HeapBot {
		return true
	}
	switch {
	case a.IsAbstract() && b.IsAbstract():
		return MatchAbstractHeap(a, b)
	case a.IsAbstract():
		k := s.Kind(TypeID(b))
		return a == HeapNone && k != CompFunc || a == HeapNoFunc && k == CompFunc
	case b.IsAbstract():
		return MatchKindHeap(s.Kind(TypeID(a)), b)
	}
	return s.IsSubtype(TypeID(a), TypeID(b))
}

// MatchAbstractHeap reports whether abstract heap type a matches abstract
// heap type b.
func MatchAbstractHeap(a, b HeapType) bool {
	if a == b || a == HeapBot {
		return true
	}
	switch b {
	case HeapAny:
		return a == HeapEq || a == HeapI31 || a == HeapStruct || a == HeapArray || a == HeapNone
	case HeapEq:
		return a == HeapI31 || a == HeapStruct || a == HeapArray || a == HeapNone
	case HeapI31, HeapStruct, HeapArray:
		return a == HeapNone
	case HeapFunc:
		return a == HeapNoFunc
	case HeapExtern:
		return a == HeapNoExtern
	case HeapExn:
		return a == HeapNoExn
	}
	return false
}

// MatchKindHeap reports whether a concrete type of kind k matches abstract
// heap type b.
func MatchKindHeap(k CompKind, b HeapType) bool {
	switch b {
	case HeapAny, HeapEq:
		return k == CompStruct || k == CompArray
	case HeapStruct:
		return k == CompStruct
	case HeapArray:
		return k == CompArray
	case HeapFunc:
		return k == CompFunc
	}
	return false
}

// MatchValType reports whether canonical value type a matches b (a <: b).
func (s *TypeStore) MatchValType(a, b ValType) bool {
	if a == b {
		return true
	}
	if !a.IsRef() || !b.IsRef() || a.Nullable() && !b.Nullable() {
		return false
	}
	return s.MatchHeap(a.Heap(), b.Heap())
}

// TopHeap is the top of canonical heap type h's hierarchy: any, func,
// extern or exn.
func (s *TypeStore) TopHeap(h HeapType) HeapType {
	if !h.IsAbstract() {
		return KindTop(s.Kind(TypeID(h)))
	}
	return AbstractTop(h)
}

// AbstractTop is the top of abstract heap type h's hierarchy (HeapBot's is
// HeapBot).
func AbstractTop(h HeapType) HeapType {
	switch h {
	case HeapFunc, HeapNoFunc:
		return HeapFunc
	case HeapExtern, HeapNoExtern:
		return HeapExtern
	case HeapExn, HeapNoExn:
		return HeapExn
	case HeapBot:
		return HeapBot
	}
	return HeapAny
}

// KindTop is the top heap type above concrete types of kind k.
func KindTop(k CompKind) HeapType {
	if k == CompFunc {
		return HeapFunc
	}
	return HeapAny
}

// Defaultable reports whether a local or field of type t has a default
// value (zero or null): numbers, vectors, packed types and nullable
// references do; non-nullable references do not.
func (t ValType) Defaultable() bool { return !t.IsRef() || t.Nullable() }

// Import matching (the spec's extern type matching, for "incompatible
// import type"): the types are canonical (CanonValType), the first is the
// provided entity's, the second the import's.

// MatchLimits reports whether limits a (an existing memory's or table's)
// match the limits b an import asks for: at least b's minimum, and a
// maximum within b's if b has one.
func MatchLimits(a, b Limits) bool {
	if a.Min < b.Min {
		return false
	}
	if !b.HasMax {
		return true
	}
	return a.HasMax && a.Max <= b.Max
}

// MatchFuncType reports whether a function of defined type a may be
// imported as one of type b (its declared subtype or the same type).
func (s *TypeStore) MatchFuncType(a, b TypeID) bool { return s.IsSubtype(a, b) }

// MatchTagType reports whether a tag of type a may be imported as a tag of
// type b: the same type.
func (s *TypeStore) MatchTagType(a, b TypeID) bool { return a == b }

// MatchGlobalType: the same mutability; an immutable global's type may be
// a subtype, a mutable one's must be the same.
func (s *TypeStore) MatchGlobalType(a, b GlobalType) bool {
	if a.Mutable != b.Mutable || !s.MatchValType(a.Type, b.Type) {
		return false
	}
	return !a.Mutable || a.Type == b.Type
}

// MatchTableType: the same address and element type, matching limits.
func (s *TypeStore) MatchTableType(a, b TableType) bool {
	return a.Is64 == b.Is64 && a.Elem == b.Elem && MatchLimits(a.Limits, b.Limits)
}

// MatchMemoryType: the same address type and sharing (threads), matching
// limits.
func MatchMemoryType(a, b MemoryType) bool {
	return a.Is64 == b.Is64 && a.Shared == b.Shared && MatchLimits(a.Limits, b.Limits)
}
