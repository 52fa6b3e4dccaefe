package interp

import (
	"fmt"

	"github.com/watt-wasm/watt/ir"
)

// Object is what a non-null reference points to: a function, a GC struct
// or array, an i31 value, a host value or an exception. Objects are
// ordinary Go values collected by Go's garbage collector; see the package
// documentation ("References") for how they are represented and shared.
//
// An Object never changes shape once allocated: its runtime type and the
// slice headers of its fields are written before the object is published
// and never again, so goroutines that race on its fields (through a global
// or table an instance shares) read and write single words, never a torn
// header.
type Object struct {
	rt *rtType
	x  uint64    // i31: the value (low 31 bits); host: the host value; array: the length
	w  []uint64  // numeric fields, array elements or exception payload words
	r  []*Object // reference fields, array elements or exception payload references
}

// ObjectKind says what an Object is.
type ObjectKind uint8

const (
	KindFunc      ObjectKind = iota + 1 // a function (funcref)
	KindStruct                          // a GC struct
	KindArray                           // a GC array
	KindI31                             // an i31 value (i31ref)
	KindHost                            // a host value (externref, or anyref after any.convert_extern)
	KindException                       // an exception (exnref)
)

func (k ObjectKind) String() string {
	switch k {
	case KindFunc:
		return "func"
	case KindStruct:
		return "struct"
	case KindArray:
		return "array"
	case KindI31:
		return "i31"
	case KindHost:
		return "host"
	case KindException:
		return "exn"
	}
	return "<invalid object kind>"
}

// rtType is an object's runtime type: its kind and, for functions, structs
// and arrays, its canonical type in the store's TypeStore (casts compare
// these). It is immutable once the object exists.
type rtType struct {
	kind  ObjectKind
	id    ir.TypeID // canonical type (func, struct, array)
	store *Store    // the store whose TypeStore id belongs to
	fn    *Function // KindFunc
	tag   *Tag      // KindException

	// Structs: how many word and reference slots a value has (fields
	// split by kind, see layout). Arrays: the element's storage.
	nw, nr int
	elem   elemKind
	alloc  func(*rtType) *Object // structs: allocates one with default fields
}

// elemKind is how a struct field or array element is stored.
type elemKind uint8

const (
	elemW64  elemKind = iota // i64, f64: one word
	elemW32                  // i32, f32: one word (zero-extended)
	elemI8                   // packed i8: one word holding the low 8 bits
	elemI16                  // packed i16: one word holding the low 16 bits
	elemV128                 // two words
	elemRef                  // one reference
)

func elemOf(t ir.ValType) elemKind {
	switch {
	case t == ir.I8:
		return elemI8
	case t == ir.I16:
		return elemI16
	case t == ir.V128:
		return elemV128
	case t.IsRef():
		return elemRef
	case t == ir.I32 || t == ir.F32:
		return elemW32
	}
	return elemW64
}

var (
	rtI31  = &rtType{kind: KindI31}
	rtHost = &rtType{kind: KindHost}
)

// i31Cache holds the i31 objects of small values, so that ref.i31 of them
// allocates nothing.
var i31Cache = func() (c [i31CacheMax - i31CacheMin]Object) {
	for i := range c {
		c[i] = Object{rt: rtI31, x: uint64(int64(i+i31CacheMin)) & 0x7fffffff}
	}
	return c
}()

const (
	i31CacheMin = -128
	i31CacheMax = 1024
)

// newI31 returns the i31 reference of the low 31 bits of v.
func newI31(v uint32) *Object {
	s := int32(v<<1) >> 1
	if s >= i31CacheMin && s < i31CacheMax {
		return &i31Cache[s-i31CacheMin]
	}
	return &Object{rt: rtI31, x: uint64(v & 0x7fffffff)}
}

func newHost(v uint64) *Object { return &Object{rt: rtHost, x: v} }

// Kind says what the object is.
func (o *Object) Kind() ObjectKind { return o.rt.kind }

// Func returns the function a KindFunc object is, else nil.
func (o *Object) Func() *Function { return o.rt.fn }

// Len is the number of elements of an array (0 for other objects).
func (o *Object) Len() int {
	if o.rt.kind != KindArray {
		return 0
	}
	return int(o.x)
}

// Reference Values. Value.Ref is the referent of function, struct, array
// and exception references. Host references and i31 values have no
// identity in wasm (neither can be compared with ref.eq as objects), so
// Values carry them unboxed and compare by value: Hi is refHost or refI31
// and Lo the host value or the i31 value (its low 31 bits). A null
// reference has Ref nil and Hi 0.
const (
	refHost = 1
	refI31  = 2
)

// ExternRef returns the non-null externref carrying host value v (spec
// scripts' `ref.extern v`).
func ExternRef(v uint64) Value { return Value{Type: ir.ExternRef, Lo: v, Hi: refHost} }

// HostRef returns host value v as a non-null anyref (spec scripts'
// `ref.host v`: what any.convert_extern makes of `ref.extern v`).
func HostRef(v uint64) Value { return Value{Type: ir.AnyRef, Lo: v, Hi: refHost} }

// I31Ref returns the i31ref of the low 31 bits of v.
func I31Ref(v int32) Value {
	return Value{Type: ir.I31Ref, Lo: uint64(uint32(v) & 0x7fffffff), Hi: refI31}
}

// HostValue returns the host value of a host reference (ExternRef,
// HostRef).
func (v Value) HostValue() (uint64, bool) {
	if v.Type.IsRef() && v.Ref == nil && v.Hi == refHost {
		return v.Lo, true
	}
	return 0, false
}

// I31 returns the signed value of an i31 reference.
func (v Value) I31() (int32, bool) {
	if v.Type.IsRef() && v.Ref == nil && v.Hi == refI31 {
		return int32(uint32(v.Lo)<<1) >> 1, true
	}
	return 0, false
}

// RefKind says what a non-null reference value refers to (0 for null and
// for non-references).
func (v Value) RefKind() ObjectKind {
	switch {
	case !v.Type.IsRef():
		return 0
	case v.Ref != nil:
		return v.Ref.rt.kind
	case v.Hi == refHost:
		return KindHost
	case v.Hi == refI31:
		return KindI31
	}
	return 0
}

// refValue makes the Value of reference o with static type t (canonical in
// s; nil s for abstract types only). Concrete heap types come back as
// their abstract kind (struct, array or func): a type index or TypeID
// means nothing outside its module or store.
func refValue(s *Store, t ir.ValType, o *Object) Value {
	t = apiRefType(s, t)
	switch {
	case o == nil:
		return Value{Type: t}
	case o.rt.kind == KindHost:
		return Value{Type: t, Lo: o.x, Hi: refHost}
	case o.rt.kind == KindI31:
		return Value{Type: t, Lo: o.x, Hi: refI31}
	}
	return Value{Type: t, Ref: o}
}

// apiRefType replaces a canonical concrete heap type by its abstract kind.
func apiRefType(s *Store, t ir.ValType) ir.ValType {
	if !t.IsRef() || t.Heap().IsAbstract() {
		return t
	}
	h := ir.HeapFunc
	if s != nil {
		switch s.types.Kind(ir.TypeID(t.Heap())) {
		case ir.CompStruct:
			h = ir.HeapStruct
		case ir.CompArray:
			h = ir.HeapArray
		}
	}
	return ir.Ref(t.Nullable(), h)
}

// toRef turns a reference Value into the interpreter's representation,
// checking that it may be a value of type want, canonical in store s: null
// only where want is nullable, a referent of s (or of no store) that
// matches want. A nil s is an entity made through the API (NewGlobal,
// NewTable), with abstract types only: it takes referents of any store
// (a concrete cast or call_indirect in another store refuses them).
func toRef(s *Store, v Value, want ir.ValType) (*Object, error) {
	if !v.Type.IsRef() {
		return nil, fmt.Errorf("type mismatch: %v is not a reference, want %v", v.Type, apiRefType(s, want))
	}
	var o *Object
	switch {
	case v.Ref != nil:
		o = v.Ref
		if st := o.store(); st != nil && s != nil && st != s {
			return nil, fmt.Errorf("type mismatch: %v of another store", o.rt.kind)
		}
	case v.Hi == refHost:
		o = newHost(v.Lo)
	case v.Hi == refI31:
		o = newI31(uint32(v.Lo))
	}
	var ts *ir.TypeStore
	if s != nil {
		ts = s.types
	} else if !want.Heap().IsAbstract() {
		return nil, fmt.Errorf("type mismatch: %v needs a store", want)
	}
	// A value's own type names its hierarchy (an externref and an anyref
	// may carry the same host value); it must be want's.
	if vh := v.Type.Heap(); vh.IsAbstract() && ir.AbstractTop(vh) != topHeap(ts, want.Heap()) {
		return nil, fmt.Errorf("type mismatch: %v value for %v", v.Type, apiRefType(s, want))
	}
	if o == nil {
		if !want.Nullable() {
			return nil, fmt.Errorf("type mismatch: null for %v", apiRefType(s, want))
		}
		return nil, nil
	}
	if !matchObject(s, o, want.Heap()) {
		return nil, fmt.Errorf("type mismatch: %v reference for %v", o.rt.kind, apiRefType(s, want))
	}
	return o, nil
}

func topHeap(ts *ir.TypeStore, h ir.HeapType) ir.HeapType {
	if h.IsAbstract() || ts == nil {
		return ir.AbstractTop(h)
	}
	return ts.TopHeap(h)
}

// store is the store an object's type belongs to (nil for i31 and host
// values, which belong to none).
func (o *Object) store() *Store {
	switch o.rt.kind {
	case KindFunc:
		return o.rt.fn.store
	case KindException:
		return o.rt.tag.store
	case KindStruct, KindArray:
		return o.rt.store
	}
	return nil
}

// refString formats a reference Value.
func refString(v Value) string {
	t := v.Type.String()
	switch v.RefKind() {
	case 0:
		return t + ":null"
	case KindHost:
		return fmt.Sprintf("%s:host %d", t, v.Lo)
	case KindI31:
		i, _ := v.I31()
		return fmt.Sprintf("%s:i31 %d", t, i)
	case KindFunc:
		return fmt.Sprintf("%s:func %s", t, v.Ref.rt.fn.name)
	case KindException:
		return fmt.Sprintf("%s:exception of %v", t, v.Ref.rt.tag.typ)
	case KindArray:
		return fmt.Sprintf("%s:array[%d]", t, v.Ref.Len())
	}
	return t + ":" + v.Ref.rt.kind.String()
}
