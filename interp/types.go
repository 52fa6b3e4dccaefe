package interp

import (
	"github.com/watt-wasm/watt/ir"
)

// Canonical types. Every instance interns its module's type section into
// its store's ir.TypeStore (iso-recursive canonicalization, shared with
// the validator), so that type equivalence and subtyping across modules
// are comparisons of TypeIDs: imports, call_indirect and call_ref
// signatures, and casts. Entities an instance creates keep their types
// canonical (a concrete heap type holds a TypeID, not a type index).

// internTypes canonicalizes the module's types and makes the runtime types
// of its struct and array types. Callers hold s.mu.
func (inst *Instance) internTypes() error {
	mod := inst.module.IR
	s := inst.store
	ids, err := s.types.Intern(mod.Types, mod.Rec)
	if err != nil {
		e := err.(*ir.Error)
		return &ir.Error{Src: inst.module.Src, Pos: e.Pos, Kind: ir.Unlinkable, Msg: e.Msg}
	}
	inst.typeIDs = ids
	inst.rtts = make([]*rtType, len(ids))
	for i, id := range ids {
		if k := mod.Types[i].Kind; k == ir.CompStruct || k == ir.CompArray {
			inst.rtts[i] = s.rttOf(id)
		}
	}
	return nil
}

// rttOf returns the runtime type of canonical struct or array type id.
// Callers hold s.mu.
func (s *Store) rttOf(id ir.TypeID) *rtType {
	if rt, ok := s.rtts[id]; ok {
		return rt
	}
	def := &s.types.Type(id).Def
	rt := &rtType{id: id, store: s}
	if def.Kind == ir.CompArray {
		rt.kind = KindArray
		rt.elem = elemOf(def.Fields[0].Type)
	} else {
		rt.kind = KindStruct
		lay := structLayout(def.Fields)
		rt.nw, rt.nr = lay.nw, lay.nr
		rt.alloc = structAlloc(rt.nw, rt.nr)
	}
	s.rtts[id] = rt
	return rt
}

// layout says where a struct's fields live: field i in w[loc[i].idx] (two
// words for v128) or r[loc[i].idx]. Fields are laid out in order, so a
// subtype's fields (a prefix of its own, by the subtyping rules) sit where
// its supertype's do.
type layout struct {
	loc    []fieldLoc
	nw, nr int
}

type fieldLoc struct {
	kind elemKind
	idx  uint32
	src  uint32 // slot offset of the field among struct.new's operands
}

func structLayout(fields []ir.FieldType) layout {
	var l layout
	l.loc = make([]fieldLoc, len(fields))
	src := uint32(0)
	for i, f := range fields {
		k := elemOf(f.Type)
		switch k {
		case elemRef:
			l.loc[i] = fieldLoc{k, uint32(l.nr), src}
			l.nr++
			src++
		case elemV128:
			l.loc[i] = fieldLoc{k, uint32(l.nw), src}
			l.nw += 2
			src += 2
		default:
			l.loc[i] = fieldLoc{k, uint32(l.nw), src}
			l.nw++
			src++
		}
	}
	return l
}

// canon is value type t of the module with its concrete heap type
// canonical.
func (inst *Instance) canon(t ir.ValType) ir.ValType { return ir.CanonValType(t, inst.typeIDs) }

func (inst *Instance) canonFunc(ft ir.FuncType) ir.FuncType {
	out := ir.FuncType{Params: make([]ir.ValType, len(ft.Params)), Results: make([]ir.ValType, len(ft.Results))}
	for i, t := range ft.Params {
		out.Params[i] = inst.canon(t)
	}
	for i, t := range ft.Results {
		out.Results[i] = inst.canon(t)
	}
	return out
}

// hasConcrete reports whether t is a reference to a defined type.
func hasConcrete(t ir.ValType) bool { return t.IsRef() && !t.Heap().IsAbstract() }

// ownTypes reports whether have, the type of an entity of store hs (nil:
// created through the API, with abstract types only), and want, a
// canonical type of inst, may be compared in inst's store: concrete types
// mean something only in their own store.
func (inst *Instance) ownTypes(hs *Store, have, want ir.ValType) bool {
	return hs == inst.store || !hasConcrete(have) && !hasConcrete(want)
}
