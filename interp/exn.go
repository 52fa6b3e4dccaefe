package interp

import (
	"fmt"
	"sort"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// Tag is an exception tag. Tags are compared by identity: an imported tag
// is the exporter's, so a module catches what another throws with it.
type Tag struct {
	typ   ir.FuncType // payload types, canonical in store
	tid   ir.TypeID
	store *Store
	rt    *rtType // runtime type of its exceptions
	slots int     // payload slots (v128 takes two)
	refs  bool    // the payload has references
}

// newTag makes a tag of canonical type ft (id tid). Callers hold s.mu.
func (s *Store) newTag(ft ir.FuncType, tid ir.TypeID) *Tag {
	t := &Tag{typ: ft, tid: tid, store: s, slots: int(slots(ft.Params)), refs: hasRef(ft.Params)}
	t.rt = &rtType{kind: KindException, store: s, tag: t, nw: t.slots}
	if t.refs {
		t.rt.nr = t.slots
	}
	t.rt.alloc = structAlloc(t.rt.nw, t.rt.nr)
	return t
}

// NewTag creates a tag whose exceptions carry values of types ft.Params
// (ft.Results must be empty; reference types must be abstract).
func (s *Store) NewTag(ft ir.FuncType) *Tag {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newTag(ft, s.funcTypeID(ft))
}

// ExternKind implements Extern.
func (t *Tag) ExternKind() ir.ExternKind { return ir.ExternTag }

// Type returns the tag's type; concrete reference types come back as their
// abstract kind (see Value).
func (t *Tag) Type() ir.FuncType {
	ft := ir.FuncType{Params: make([]ir.ValType, len(t.typ.Params))}
	for i, p := range t.typ.Params {
		ft.Params[i] = apiRefType(t.store, p)
	}
	return ft
}

// newExn allocates an exception of tag with its payload slots (words,
// and references slot for slot when the payload has any; small payloads
// in the object's allocation, as small structs are).
func newExn(tag *Tag) *Object { return tag.rt.alloc(tag.rt) }

// Exception is an uncaught WebAssembly exception: what Function.Call
// returns when the call throws one it does not catch. Its message is
// "uncaught exception"; errors.As also finds it as an *ir.Error of kind
// Trap with that message, for callers that only know watt's one error
// type. A host function may return it (or one made with NewException) to
// throw it into the wasm code that called the host function.
type Exception struct {
	obj *Object
}

func newException(o *Object) *Exception { return &Exception{obj: o} }

// NewException makes an exception of tag with payload args, for a host
// function to throw by returning it.
func NewException(tag *Tag, args ...Value) (*Exception, error) {
	if len(args) != len(tag.typ.Params) {
		return nil, fmt.Errorf("type mismatch: %d values for tag %v", len(args), tag.typ)
	}
	o := newExn(tag)
	p := 0
	for i, a := range args {
		t := tag.typ.Params[i]
		if t.IsRef() {
			r, err := toRef(tag.store, a, t)
			if err != nil {
				return nil, err
			}
			o.r[p] = r
			p++
			continue
		}
		if a.Type != t {
			return nil, fmt.Errorf("type mismatch: value %d is %v, want %v", i, a.Type, t)
		}
		a = a.normalize()
		o.w[p] = a.Lo
		if t == ir.V128 {
			o.w[p+1] = a.Hi
		}
		p += t.Slots()
	}
	return &Exception{obj: o}, nil
}

// Tag returns the exception's tag.
func (e *Exception) Tag() *Tag { return e.obj.rt.tag }

// Args returns the exception's payload.
func (e *Exception) Args() []Value {
	tag := e.obj.rt.tag
	vs := make([]Value, len(tag.typ.Params))
	p := 0
	for i, t := range tag.typ.Params {
		if t.IsRef() {
			vs[i] = refValue(tag.store, t, e.obj.r[p])
		} else {
			vs[i] = Value{Type: t, Lo: e.obj.w[p]}
			if t == ir.V128 {
				vs[i].Hi = e.obj.w[p+1]
			}
		}
		p += t.Slots()
	}
	return vs
}

// Err is the exception as an *ir.Error: kind Trap, "uncaught exception".
func (e *Exception) Err() *ir.Error { return &ir.Error{Kind: ir.Trap, Msg: e.Error()} }

// Ref returns the exception as an exnref value.
func (e *Exception) Ref() Value { return Value{Type: ir.ExnRef, Ref: e.obj} }

const msgUncaughtException = "uncaught exception"

func (e *Exception) Error() string {
	var b strings.Builder
	b.WriteString(msgUncaughtException)
	args := e.Args()
	if len(args) > 0 {
		b.WriteString(" with payload")
		for _, a := range args {
			b.WriteByte(' ')
			b.WriteString(a.String())
		}
	}
	return b.String()
}

// As lets errors.As see the exception as an *ir.Error (kind Trap).
func (e *Exception) As(target any) bool {
	if p, ok := target.(**ir.Error); ok {
		*p = e.Err()
		return true
	}
	return false
}

// thrown is the panic that carries an exception out of thread.run when no
// frame of that run catches it.
type thrown struct{ obj *Object }

// handler is a try_table's or legacy try's entry in its function's
// handler table: the pc range of its body, its catch clauses, and the
// handler to look at next when none matches.
type handler struct {
	start, end uint32
	parent     int32 // next handler to search (-1: the caller's frame)
	outer      int32 // the handler whose body encloses this one's (-1: none)
	delegate   bool  // legacy delegate: go to parent at once
	catches    []catch
}

// catch is one catch clause: the payload goes to the frame's slots from
// dst, the exception itself (catch_ref, legacy catch) to slot exnAt
// (-1: nowhere), and execution continues at pad.
type catch struct {
	tag   int32 // tag index in the module; -1 catches all
	dst   uint32
	exnAt int32
	pad   uint32
}

// catchIn looks for a handler of exn in the frame of fc at fp (inst its
// instance), whose last instruction started was at pc-1. When one
// catches, catchIn delivers the payload and returns the pc to go on at.
func (t *thread) catchIn(exn *Object, fc *funcCode, inst *Instance, pc, fp int) (int, bool) {
	hs := fc.handlers
	at := uint32(pc - 1)
	// Handlers are in the order their bodies start. The innermost one
	// holding at is the last starting at or before at, or the nearest of
	// its enclosing ones that still holds at.
	i := int32(sort.Search(len(hs), func(j int) bool { return hs[j].start > at })) - 1
	for i >= 0 && at >= hs[i].end {
		i = hs[i].outer
	}
	for i >= 0 {
		h := &hs[i]
		if !h.delegate {
			for k := range h.catches {
				c := &h.catches[k]
				if c.tag >= 0 && inst.tags[c.tag] != exn.rt.tag {
					continue
				}
				if c.tag >= 0 {
					copy(t.stack[fp+int(c.dst):], exn.w)
					if exn.r != nil {
						copy(t.refs[fp+int(c.dst):], exn.r)
					}
				}
				if c.exnAt >= 0 {
					t.refs[fp+int(c.exnAt)] = exn
				}
				return int(c.pad), true
			}
		}
		i = h.parent
	}
	return 0, false
}

// throwArgs makes the exception of tags[tag] with the payload at
// t.stack[fp+b:] (and t.refs).
func (t *thread) throwArgs(inst *Instance, tag uint64, fp int, b uint32) *Object {
	tg := inst.tags[tag]
	o := newExn(tg)
	p := fp + int(b)
	copy(o.w, t.stack[p:p+tg.slots])
	for _, ty := range tg.typ.Params {
		if ty.IsRef() {
			o.r[p-fp-int(b)] = t.refs[p]
		}
		p += ty.Slots()
	}
	return o
}
