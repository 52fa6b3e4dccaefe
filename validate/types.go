package validate

import (
	"fmt"

	"github.com/watt-wasm/watt/ir"
)

// Types: well-formedness of value types and of the type section (recursion
// groups, sub types), and subtyping. Type equivalence is iso-recursive; the
// canonical identities come from ir.TypeStore (ir/typecanon.go), computed
// only when two distinct concrete types must be compared, so that modules
// without them (all of WebAssembly 2.0) never pay for canonicalization.

// valTypeError checks value type t, whose concrete type index must be below
// bound (the types defined so far), and the features it needs. It returns
// the error message, or "" when t is fine. Packed types are not value
// types.
func (mc *moduleChecker) valTypeError(t ir.ValType, bound int) string {
	if !t.IsValid() {
		if t.IsRef() {
			return fmt.Sprintf("invalid reference type 0x%08x", uint32(t))
		}
		return fmt.Sprintf("invalid value type 0x%02x", uint32(t))
	}
	if t == ir.V128 {
		if !mc.features.Has(ir.FeatureSIMD) {
			return "v128 requires " + ir.FeatureSIMD.Flag()
		}
		return ""
	}
	if !t.IsRef() {
		return ""
	}
	h := t.Heap()
	if !h.IsAbstract() {
		if uint64(h.Index()) >= uint64(bound) {
			return fmt.Sprintf("unknown type %d", h.Index())
		}
	}
	if f := refTypeFeature(t); !mc.features.Has(f) {
		return fmt.Sprintf("%s requires %s", t, f.Flag())
	}
	return ""
}

// refTypeFeature is the feature reference type t needs: concrete and
// non-nullable references come with typed function references, the
// abstract GC types with GC, exception references with exceptions,
// funcref and externref with reference types (tables and element segments
// of funcref are the MVP's: checkElemType).
func refTypeFeature(t ir.ValType) ir.Feature {
	h := t.Heap()
	if !h.IsAbstract() || !t.Nullable() {
		if h.IsAbstract() && isGCHeap(h) {
			return ir.FeatureGC
		}
		return ir.FeatureFunctionReferences
	}
	if isGCHeap(h) {
		return ir.FeatureGC
	}
	if h == ir.HeapExn || h == ir.HeapNoExn {
		return ir.FeatureExceptions
	}
	return ir.FeatureReferenceTypes
}

func isGCHeap(h ir.HeapType) bool {
	switch h {
	case ir.HeapAny, ir.HeapEq, ir.HeapI31, ir.HeapStruct, ir.HeapArray, ir.HeapNone, ir.HeapNoFunc, ir.HeapNoExtern:
		return true
	}
	return false
}

// checkValType reports an invalid value type of a module field at pos.
func (mc *moduleChecker) checkValType(t ir.ValType, pos ir.Pos) bool {
	if msg := mc.valTypeError(t, len(mc.m.Types)); msg != "" {
		mc.errorf(pos, "%s", msg)
		return false
	}
	return true
}

// checkElemType checks the element type of a table or element segment: a
// reference type; funcref is the MVP's and needs no feature.
func (mc *moduleChecker) checkElemType(t ir.ValType, what string, pos ir.Pos) bool {
	if !t.IsRef() {
		mc.errorf(pos, "invalid %s type %s: must be a reference type", what, t)
		return false
	}
	return t == ir.FuncRef || mc.checkValType(t, pos)
}

// checkValTypeIn checks a value type inside a function body.
func (c *funcChecker) checkValTypeIn(t ir.ValType, in *ir.Instr) bool {
	if t.IsNum() {
		return true
	}
	if msg := c.mc.valTypeError(t, len(c.mc.m.Types)); msg != "" {
		c.failf(in, "%s", msg)
		return false
	}
	return true
}

// checkHeapIn checks a heap type inside a function body (ref.null).
func (c *funcChecker) checkHeapIn(h ir.HeapType, in *ir.Instr) bool {
	return c.checkValTypeIn(ir.Ref(true, h), in)
}

// kind is the composite kind of type idx (which must exist).
func (mc *moduleChecker) kind(idx uint32) ir.CompKind {
	if uint64(idx) < uint64(len(mc.m.Types)) {
		return mc.m.Types[idx].Kind
	}
	return ir.CompFunc
}

// match reports whether got matches want (got <: want). unknown matches
// everything and, as wanted type, accepts everything.
func (mc *moduleChecker) match(got, want ir.ValType) bool {
	if got == want || got == unknown || want == unknown {
		return true
	}
	if !got.IsRef() || !want.IsRef() || got.Nullable() && !want.Nullable() {
		return false
	}
	return mc.matchHeap(got.Heap(), want.Heap())
}

// matchTypes reports whether every type of got matches the one of want.
func (mc *moduleChecker) matchTypes(got, want []ir.ValType) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !mc.match(got[i], want[i]) {
			return false
		}
	}
	return true
}

// matchHeap reports whether heap type a matches b; concrete ones are type
// indices of the module.
func (mc *moduleChecker) matchHeap(a, b ir.HeapType) bool {
	if a == b || a == ir.HeapBot {
		return true
	}
	switch {
	case a.IsAbstract() && b.IsAbstract():
		return ir.MatchAbstractHeap(a, b)
	case a.IsAbstract():
		k := mc.kind(b.Index())
		return a == ir.HeapNone && k != ir.CompFunc || a == ir.HeapNoFunc && k == ir.CompFunc
	case b.IsAbstract():
		return ir.MatchKindHeap(mc.kind(a.Index()), b)
	}
	ids := mc.typeIDs()
	if uint64(a.Index()) >= uint64(len(ids)) || uint64(b.Index()) >= uint64(len(ids)) {
		return false
	}
	return mc.store.IsSubtype(ids[a.Index()], ids[b.Index()])
}

// topHeap is the top of heap type h's hierarchy.
func (mc *moduleChecker) topHeap(h ir.HeapType) ir.HeapType {
	if h.IsAbstract() {
		return ir.AbstractTop(h)
	}
	return ir.KindTop(mc.kind(h.Index()))
}

// typeIDs returns the canonical identities of the module's types, nil if
// the type section is not well-formed. They are computed once, on first
// use, by whichever goroutine needs them first.
func (mc *moduleChecker) typeIDs() []ir.TypeID {
	mc.idsOnce.Do(func() {
		if !mc.typesOK {
			return
		}
		mc.store = ir.NewTypeStore()
		ids, err := mc.store.Intern(mc.m.Types, mc.m.Rec)
		if err == nil {
			mc.ids = ids
		}
	})
	return mc.ids
}

// checkTypes validates the type section, group by group: every type
// reference names a type defined before the end of its group, then every
// declared supertype is earlier, open, and matched by its subtype.
func (mc *moduleChecker) checkTypes() {
	m := mc.m
	if len(m.Types) == 0 {
		mc.typesOK = true
		return
	}
	spans, err := ir.RecSpans(len(m.Types), m.Rec)
	if err != nil {
		mc.errs.Add(ir.Errorf(mc.src, err.(*ir.Error).Pos, ir.Invalid, "%s", err.(*ir.Error).Msg))
		return
	}
	if len(m.Rec) > 0 && !mc.features.Has(ir.FeatureGC) {
		mc.errorf(m.Rec[0].Pos, "rec requires %s", ir.FeatureGC.Flag())
		return
	}
	ok := true
	hasSupers := false
	for _, sp := range spans {
		for i := sp.Start; i < sp.End; i++ {
			if !mc.checkTypeDef(i, int(sp.End)) {
				ok = false
			}
			hasSupers = hasSupers || len(m.Types[i].Supers) > 0
		}
	}
	mc.typesOK = ok
	if !ok || !hasSupers {
		return
	}
	for i := range m.Types {
		mc.checkSupers(uint32(i))
	}
}

// checkTypeDef checks type idx's own well-formedness: its composite type's
// value and storage types refer to types below bound (the end of its
// group), and the features it needs are on.
func (mc *moduleChecker) checkTypeDef(idx uint32, bound int) bool {
	d := &mc.m.Types[idx]
	fail := func(format string, args ...any) bool {
		mc.errorf(mc.typePos(idx), format, args...)
		return false
	}
	if (d.Open || len(d.Supers) > 0) && !mc.features.Has(ir.FeatureGC) {
		return fail("sub types require %s", ir.FeatureGC.Flag())
	}
	for _, x := range d.Supers {
		if uint64(x) >= uint64(bound) {
			return fail("unknown type %d", x)
		}
	}
	switch d.Kind {
	case ir.CompFunc:
		for _, ts := range [][]ir.ValType{d.Params, d.Results} {
			for _, t := range ts {
				if msg := mc.valTypeError(t, bound); msg != "" {
					return fail("%s", msg)
				}
			}
		}
		if len(d.Results) > 1 && !mc.features.Has(ir.FeatureMultiValue) {
			return fail("invalid result arity: multiple results require %s", ir.FeatureMultiValue.Flag())
		}
	case ir.CompStruct, ir.CompArray:
		if !mc.features.Has(ir.FeatureGC) {
			return fail("%s types require %s", d.Kind, ir.FeatureGC.Flag())
		}
		if d.Kind == ir.CompArray && len(d.Fields) != 1 {
			return fail("invalid array type: %d element types", len(d.Fields))
		}
		for _, f := range d.Fields {
			if f.Type.IsPacked() {
				continue
			}
			if msg := mc.valTypeError(f.Type, bound); msg != "" {
				return fail("%s", msg)
			}
		}
	default:
		return fail("invalid composite type %d", d.Kind)
	}
	return true
}

// checkSupers checks type idx's declared supertype (at most one): defined
// earlier, not final, and matched by idx's composite type. Texts are the
// reference interpreter's.
func (mc *moduleChecker) checkSupers(idx uint32) {
	d := &mc.m.Types[idx]
	pos := mc.typePos(idx)
	if len(d.Supers) > 1 {
		mc.errorf(pos, "sub type %d has %d super types: at most one is allowed", idx, len(d.Supers))
		return
	}
	for _, x := range d.Supers {
		if x >= idx {
			mc.errorf(pos, "forward use of type %d in sub type definition", x)
			return
		}
		sup := &mc.m.Types[x]
		if !sup.Open {
			mc.errorf(pos, "sub type %d has final super type %d", idx, x)
			return
		}
		if !mc.matchComp(d, sup) {
			mc.errorf(pos, "sub type %d does not match super type %d", idx, x)
			return
		}
	}
}

// typePos is where an error in type idx belongs: the type's position, or,
// for a type the text format made up for an inline signature (which has
// none), the first import, function or tag using it. The uses are indexed
// once, on the first error that needs them.
func (mc *moduleChecker) typePos(idx uint32) ir.Pos {
	m := mc.m
	if pos := m.Types[idx].Pos; pos.IsValid() {
		return pos
	}
	if mc.typeUsePos == nil {
		mc.typeUsePos = make([]ir.Pos, len(m.Types))
		use := func(t uint32, pos ir.Pos) {
			if uint64(t) < uint64(len(m.Types)) && !mc.typeUsePos[t].IsValid() {
				mc.typeUsePos[t] = pos
			}
		}
		for i := range m.Imports {
			switch im := &m.Imports[i]; im.Kind {
			case ir.ExternFunc:
				use(im.Func, im.Pos)
			case ir.ExternTag:
				use(im.Tag, im.Pos)
			}
		}
		for i := range m.Funcs {
			use(m.Funcs[i].Type, m.Funcs[i].Pos)
		}
		for i := range m.Tags {
			use(m.Tags[i].Type, m.Tags[i].Pos)
		}
	}
	return mc.typeUsePos[idx]
}

// matchComp reports whether composite type a matches b: functions
// contravariantly in their params and covariantly in their results,
// structs by width and depth, arrays by their element.
func (mc *moduleChecker) matchComp(a, b *ir.TypeDef) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case ir.CompFunc:
		return mc.matchTypes(b.Params, a.Params) && mc.matchTypes(a.Results, b.Results)
	case ir.CompStruct:
		if len(a.Fields) < len(b.Fields) {
			return false
		}
		for i := range b.Fields {
			if !mc.matchField(a.Fields[i], b.Fields[i]) {
				return false
			}
		}
		return true
	case ir.CompArray:
		return len(a.Fields) == 1 && len(b.Fields) == 1 && mc.matchField(a.Fields[0], b.Fields[0])
	}
	return false
}

// matchField: same mutability; an immutable field's storage type may be a
// subtype, a mutable one's must be the same.
func (mc *moduleChecker) matchField(a, b ir.FieldType) bool {
	if a.Mutable != b.Mutable || !mc.matchStorage(a.Type, b.Type) {
		return false
	}
	return !a.Mutable || mc.matchStorage(b.Type, a.Type)
}

// matchStorage: packed types match only themselves.
func (mc *moduleChecker) matchStorage(a, b ir.ValType) bool {
	if a.IsPacked() || b.IsPacked() {
		return a == b
	}
	return mc.match(a, b)
}

// funcType returns the function type of type index idx, reporting an
// unknown or non-function type with the reference interpreter's texts.
func (mc *moduleChecker) funcTypeOf(idx uint32) (*ir.FuncType, string) {
	if uint64(idx) >= uint64(len(mc.m.Types)) {
		return nil, fmt.Sprintf("unknown type %d", idx)
	}
	d := &mc.m.Types[idx]
	if d.Kind != ir.CompFunc {
		return nil, fmt.Sprintf("non-function type %d", idx)
	}
	return &d.FuncType, ""
}
