package interp

import "github.com/watt-wasm/watt/ir"

// Run-time types: ref.test, ref.cast, br_on_cast and br_on_cast_fail, and
// the checks of references crossing the API, compare an object's kind and
// canonical type (a TypeID of its store, with its declared supertype chain)
// against a heap type.

// matchObject reports whether non-null o is a value of heap type h
// (canonical in store s; s may be nil when h is abstract). A concrete type
// matches only objects of s: TypeIDs mean nothing in another store.
//
// Hierarchies are exact, not assumed from static types, so that a value
// handed in through the API cannot pass as another kind: funcs are only
// in func's, exceptions only in exn's, and extern's holds what any's does
// (extern.convert_any and any.convert_extern keep the referent).
func matchObject(s *Store, o *Object, h ir.HeapType) bool {
	k := o.rt.kind
	if !h.IsAbstract() {
		if s == nil || o.rt.store != s || (k != KindStruct && k != KindArray && k != KindFunc) {
			return false
		}
		id, want := o.rt.id, ir.TypeID(h)
		return id == want || s.types.IsSubtype(id, want)
	}
	switch h {
	case ir.HeapAny, ir.HeapExtern:
		return k == KindStruct || k == KindArray || k == KindI31 || k == KindHost
	case ir.HeapEq:
		return k == KindStruct || k == KindArray || k == KindI31
	case ir.HeapI31:
		return k == KindI31
	case ir.HeapStruct:
		return k == KindStruct
	case ir.HeapArray:
		return k == KindArray
	case ir.HeapFunc:
		return k == KindFunc
	case ir.HeapExn:
		return k == KindException
	}
	return false // none, nofunc, noextern, noexn
}

// castInfo is the target of a compiled ref.test, ref.cast or br_on_cast:
// a heap type of the module (a type index is resolved to the instance's
// canonical TypeID when the cast runs) and whether null passes.
type castInfo struct {
	heap     ir.HeapType
	nullable bool
}

// cast reports whether reference o passes c in instance inst.
func (inst *Instance) cast(c *castInfo, o *Object) bool {
	if o == nil {
		return c.nullable
	}
	h := c.heap
	if !h.IsAbstract() {
		h = ir.HeapType(inst.typeIDs[h.Index()])
	}
	return matchObject(inst.store, o, h)
}
