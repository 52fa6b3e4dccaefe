package interp

import (
	"context"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// Host functions from plain Go functions. NewFunc reads the wasm signature
// off the Go function's type once; calls then convert arguments and results
// without checking anything again. The shapes host functions most often
// have (up to three parameters and at most one result, all of one type, no
// context or error) are called directly, as fast as a HostFunc; the others
// through reflect, which costs a few hundred nanoseconds and eight
// allocations more per call (BenchmarkHostCall).

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

// NewFunc registers fn, a Go function, as a host function of s. Its wasm
// signature comes from its Go type:
//
//   - parameters and results of kind int32 or uint32 are i32, int64 or
//     uint64 are i64, float32 is f32 and float64 is f64 (named types such
//     as `type fd int32` too);
//   - a first parameter of type context.Context is not a wasm parameter: it
//     receives the call's context, to pass on to calls back into wasm (so
//     that cancellation and the call depth limit cover them) and to honour
//     for anything that may block;
//   - a last result of type error is not a wasm result: a non-nil error
//     traps the calling wasm code, and errors.Is finds it in the error the
//     outermost Call returns.
//
// Anything else (int, bool, strings, pointers, variadic functions) is an
// error naming the parameter or result, reported here rather than at the
// first call. For v128 and reference values, or a signature decided at run
// time, use NewHostFunc.
//
//	add, err := store.NewFunc(func(a, b int32) int32 { return a + b })
func (s *Store) NewFunc(fn any) (*Function, error) {
	ft, host, err := goFunc(fn)
	if err != nil {
		return nil, err
	}
	return s.NewHostFunc(ft, host), nil
}

// MustFunc is NewFunc for functions whose types are known to be right, as
// in an ImportMap literal: it panics where NewFunc returns an error.
func (s *Store) MustFunc(fn any) *Function {
	f, err := s.NewFunc(fn)
	if err != nil {
		panic(err)
	}
	return f
}

// goSig is a Go function's signature analysed for the wasm one.
type goSig struct {
	ctx, err bool // leading context.Context, trailing error
	params   []reflect.Type
	results  []reflect.Type
}

// goFunc derives fn's wasm signature and the HostFunc that calls it.
func goFunc(fn any) (ir.FuncType, HostFunc, error) {
	rv := reflect.ValueOf(fn)
	if rv.Kind() != reflect.Func {
		return ir.FuncType{}, nil, fmt.Errorf("interp: NewFunc needs a function, got %T", fn)
	}
	if rv.IsNil() {
		return ir.FuncType{}, nil, fmt.Errorf("interp: NewFunc needs a function, got a nil %v", rv.Type())
	}
	t := rv.Type()
	if t.IsVariadic() {
		return ir.FuncType{}, nil, fmt.Errorf("interp: NewFunc: %v: variadic functions have no wasm signature", t)
	}
	var sig goSig
	var ft ir.FuncType
	for i := range t.NumIn() {
		p := t.In(i)
		if i == 0 && p == contextType {
			sig.ctx = true
			continue
		}
		vt, ok := wasmType(p)
		if !ok {
			return ir.FuncType{}, nil, fmt.Errorf("interp: NewFunc: %v: parameter %d has type %v; %s", t, i, p, typeAdvice(p, "a first parameter"))
		}
		sig.params = append(sig.params, p)
		ft.Params = append(ft.Params, vt)
	}
	for i := range t.NumOut() {
		r := t.Out(i)
		if i == t.NumOut()-1 && r == errorType {
			sig.err = true
			continue
		}
		vt, ok := wasmType(r)
		if !ok {
			return ir.FuncType{}, nil, fmt.Errorf("interp: NewFunc: %v: result %d has type %v; %s", t, i, r, typeAdvice(r, "a last result"))
		}
		sig.results = append(sig.results, r)
		ft.Results = append(ft.Results, vt)
	}
	if h := directHost(fn, ft); h != nil {
		return ft, h, nil
	}
	return ft, reflectHost(rv, sig, ft), nil
}

// wasmType maps a Go type to the wasm value type it stands for.
func wasmType(t reflect.Type) (ir.ValType, bool) {
	switch t.Kind() {
	case reflect.Int32, reflect.Uint32:
		return ir.I32, true
	case reflect.Int64, reflect.Uint64:
		return ir.I64, true
	case reflect.Float32:
		return ir.F32, true
	case reflect.Float64:
		return ir.F64, true
	}
	return 0, false
}

// typeAdvice says what to use instead of t.
func typeAdvice(t reflect.Type, place string) string {
	const allowed = "host function values must be int32, uint32, int64, uint64, float32 or float64"
	switch {
	case t == contextType:
		return "context.Context is only allowed as " + place
	case t == errorType:
		return "error is only allowed as " + place
	case t.Kind() == reflect.Int || t.Kind() == reflect.Uint || t.Kind() == reflect.Uintptr:
		return allowed + " (the size of " + t.Kind().String() + " depends on the host: say int32 or int64)"
	}
	return allowed
}

// reflectHost calls any valid signature through reflect.
func reflectHost(fn reflect.Value, sig goSig, ft ir.FuncType) HostFunc {
	return func(ctx context.Context, args []Value) ([]Value, error) {
		in := make([]reflect.Value, 0, len(args)+1)
		if sig.ctx {
			in = append(in, reflect.ValueOf(&ctx).Elem())
		}
		for i, a := range args {
			v := reflect.New(sig.params[i]).Elem()
			setBits(v, a.Lo)
			in = append(in, v)
		}
		out := fn.Call(in)
		if sig.err {
			if err, _ := out[len(out)-1].Interface().(error); err != nil {
				return nil, err
			}
		}
		var res []Value
		if len(sig.results) > 0 {
			res = make([]Value, len(sig.results))
		}
		for i := range res {
			res[i] = Value{Type: ft.Results[i], Lo: getBits(out[i])}
		}
		return res, nil
	}
}

// setBits sets v, an addressable number, to the value of the slot bits b.
// Floats are written as bits, never converted through float64, which could
// quieten a signalling NaN.
func setBits(v reflect.Value, b uint64) {
	p := v.Addr().UnsafePointer()
	if v.Type().Size() == 4 {
		*(*uint32)(p) = uint32(b)
	} else {
		*(*uint64)(p) = b
	}
}

// getBits returns the slot bits of the number v (see bitsOf).
func getBits(v reflect.Value) uint64 {
	if !v.CanAddr() {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		v = c
	}
	p := v.Addr().UnsafePointer()
	if v.Type().Size() == 4 {
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

// directHost returns a HostFunc calling fn without reflect if its type is
// one of the common shapes, else nil.
func directHost(fn any, ft ir.FuncType) HostFunc {
	if f, ok := fn.(func()); ok {
		return func(context.Context, []Value) ([]Value, error) { f(); return nil, nil }
	}
	for _, try := range [...]func(any, ir.FuncType) HostFunc{
		directOf[int32], directOf[uint32], directOf[int64], directOf[uint64], directOf[float32], directOf[float64],
	} {
		if h := try(fn, ft); h != nil {
			return h
		}
	}
	return nil
}

// number is a Go type that is one wasm value type.
type number interface {
	int32 | uint32 | int64 | uint64 | float32 | float64
}

// directOf handles the shapes of directHost whose values are all of type T.
func directOf[T number](fn any, ft ir.FuncType) HostFunc {
	var rt ir.ValType // the result type, if any
	if len(ft.Results) == 1 {
		rt = ft.Results[0]
	}
	result := func(v T) []Value { return []Value{{Type: rt, Lo: bitsOf(v)}} }
	switch f := fn.(type) {
	case func() T:
		return func(_ context.Context, a []Value) ([]Value, error) { return result(f()), nil }
	case func(T) T:
		return func(_ context.Context, a []Value) ([]Value, error) {
			return result(f(fromBits[T](a[0].Lo))), nil
		}
	case func(T, T) T:
		return func(_ context.Context, a []Value) ([]Value, error) {
			return result(f(fromBits[T](a[0].Lo), fromBits[T](a[1].Lo))), nil
		}
	case func(T, T, T) T:
		return func(_ context.Context, a []Value) ([]Value, error) {
			return result(f(fromBits[T](a[0].Lo), fromBits[T](a[1].Lo), fromBits[T](a[2].Lo))), nil
		}
	case func(T):
		return func(_ context.Context, a []Value) ([]Value, error) {
			f(fromBits[T](a[0].Lo))
			return nil, nil
		}
	case func(T, T):
		return func(_ context.Context, a []Value) ([]Value, error) {
			f(fromBits[T](a[0].Lo), fromBits[T](a[1].Lo))
			return nil, nil
		}
	case func(T, T, T):
		return func(_ context.Context, a []Value) ([]Value, error) {
			f(fromBits[T](a[0].Lo), fromBits[T](a[1].Lo), fromBits[T](a[2].Lo))
			return nil, nil
		}
	}
	return nil
}

// bitsOf returns the slot bits of v: a 4-byte number's bits zero-extended
// (i32 and f32 slots), an 8-byte one's as they are. Every number type has
// exactly its wasm value's bits, so this is a reinterpretation.
func bitsOf[T number](v T) uint64 {
	if unsafe.Sizeof(v) == 4 {
		return uint64(*(*uint32)(unsafe.Pointer(&v)))
	}
	return *(*uint64)(unsafe.Pointer(&v))
}

// fromBits is the inverse of bitsOf.
func fromBits[T number](b uint64) T {
	var v T
	if unsafe.Sizeof(v) == 4 {
		u := uint32(b)
		return *(*T)(unsafe.Pointer(&u))
	}
	return *(*T)(unsafe.Pointer(&b))
}
