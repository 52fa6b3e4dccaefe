package interp_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// hostModule imports one function "host" "f" of the given signature and
// exports "call", which passes its parameters on and returns its results.
func hostModule(t testing.TB, sig string, params int, f *interp.Function) *interp.Instance {
	t.Helper()
	var args strings.Builder
	for i := range params {
		fmt.Fprintf(&args, " (local.get %d)", i)
	}
	src := fmt.Sprintf(`(module
  (import "host" "f" (func $f %s))
  (func (export "call") %s (call $f%s)))`, sig, sig, args.String())
	inst, err := interp.Instantiate(f.Store(), compile(t, src), interp.ImportMap{"host": {"f": f}})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

type fd int32 // a named type: its kind decides

func TestNewFuncSignatures(t *testing.T) {
	tests := []struct {
		name string
		fn   any
		sig  string // the wasm signature NewFunc must derive
		args []interp.Value
		want []interp.Value
	}{
		{"add", func(a, b int32) int32 { return a + b }, "(param i32 i32) (result i32)",
			[]interp.Value{interp.I32(-5), interp.I32(3)}, []interp.Value{interp.I32(-2)}},
		{"none", func() {}, "", nil, nil},
		{"const", func() uint32 { return math.MaxUint32 }, "(result i32)", nil, []interp.Value{interp.I32(-1)}},
		{"u32", func(a uint32) uint32 { return a / 2 }, "(param i32) (result i32)",
			[]interp.Value{interp.I32(-2)}, []interp.Value{interp.I32(0x7fffffff)}},
		{"i64", func(a, b, c int64) int64 { return a*b - c }, "(param i64 i64 i64) (result i64)",
			[]interp.Value{interp.I64(-3), interp.I64(1 << 40), interp.I64(1)}, []interp.Value{interp.I64(-3<<40 - 1)}},
		{"u64", func(a uint64) uint64 { return a >> 63 }, "(param i64) (result i64)",
			[]interp.Value{interp.I64(-1)}, []interp.Value{interp.I64(1)}},
		{"f32", func(a, b float32) float32 { return a * b }, "(param f32 f32) (result f32)",
			[]interp.Value{interp.F32(1.5), interp.F32(-2)}, []interp.Value{interp.F32(-3)}},
		{"f64", func(a float64) float64 { return math.Sqrt(a) }, "(param f64) (result f64)",
			[]interp.Value{interp.F64(2.25)}, []interp.Value{interp.F64(1.5)}},
		{"sink", func(a, b int64) {}, "(param i64 i64)", []interp.Value{interp.I64(1), interp.I64(2)}, nil},
		// Through reflect: mixed types, several results, named types,
		// context and error.
		{"mixed", func(a int32, b uint64, c float32, d float64) (float64, int32, uint32) {
			return float64(c) + d, -a, uint32(b)
		}, "(param i32 i64 f32 f64) (result f64 i32 i32)",
			[]interp.Value{interp.I32(7), interp.I64(-1), interp.F32(0.5), interp.F64(2)},
			[]interp.Value{interp.F64(2.5), interp.I32(-7), interp.I32(-1)}},
		{"named", func(f fd) fd { return f + 1 }, "(param i32) (result i32)",
			[]interp.Value{interp.I32(2)}, []interp.Value{interp.I32(3)}},
		{"ctx", func(ctx context.Context, a int64) int64 { return a + 1 }, "(param i64) (result i64)",
			[]interp.Value{interp.I64(1)}, []interp.Value{interp.I64(2)}},
		{"err", func(a uint32) (uint32, error) { return a, nil }, "(param i32) (result i32)",
			[]interp.Value{interp.I32(9)}, []interp.Value{interp.I32(9)}},
		{"ctx-err", func(context.Context) error { return nil }, "", nil, nil},
		// NaN payloads pass unchanged, both ways (a signalling NaN would
		// be quietened by a conversion through float64).
		{"nan32", func(a float32) float32 { return a }, "(param f32) (result f32)",
			[]interp.Value{interp.F32Bits(0x7f800001)}, []interp.Value{interp.F32Bits(0x7f800001)}},
		{"nan32-reflect", func(a float32) (float32, error) { return a, nil }, "(param f32) (result f32)",
			[]interp.Value{interp.F32Bits(0xff800123)}, []interp.Value{interp.F32Bits(0xff800123)}},
		{"nan64-reflect", func(_ context.Context, a float64) float64 { return a }, "(param f64) (result f64)",
			[]interp.Value{interp.F64Bits(0x7ff0000000000005)}, []interp.Value{interp.F64Bits(0x7ff0000000000005)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := interp.NewStore()
			f, err := s.NewFunc(tt.fn)
			if err != nil {
				t.Fatal(err)
			}
			if got := sigText(f.Type()); got != tt.sig {
				t.Fatalf("signature %q, want %q", got, tt.sig)
			}
			// Called directly and from wasm.
			res, err := f.Call(context.Background(), tt.args...)
			checkValues(t, "Call", res, err, tt.want)
			inst := hostModule(t, tt.sig, len(tt.args), f)
			res, err = inst.Call(context.Background(), "call", tt.args...)
			checkValues(t, "from wasm", res, err, tt.want)
		})
	}
}

func sigText(ft ir.FuncType) string {
	var parts []string
	if len(ft.Params) > 0 {
		parts = append(parts, "(param "+typesText(ft.Params)+")")
	}
	if len(ft.Results) > 0 {
		parts = append(parts, "(result "+typesText(ft.Results)+")")
	}
	return strings.Join(parts, " ")
}

func typesText(ts []ir.ValType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, " ")
}

func checkValues(t *testing.T, what string, got []interp.Value, err error, want []interp.Value) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	}
}

func TestNewFuncRefusesBadTypes(t *testing.T) {
	var nilFunc func(int32)
	tests := []struct {
		fn   any
		want string
	}{
		{42, "needs a function, got int"},
		{nil, "needs a function, got <nil>"},
		{nilFunc, "needs a function, got a nil func(int32)"},
		{func(int) {}, "parameter 0 has type int; host function values must be int32, uint32, int64, uint64, float32 or float64 (the size of int depends on the host: say int32 or int64)"},
		{func(int32, bool) {}, "parameter 1 has type bool; host function values must be"},
		{func() string { return "" }, "result 0 has type string; host function values must be"},
		{func(int32, context.Context) {}, "parameter 1 has type context.Context; context.Context is only allowed as a first parameter"},
		{func() (error, int32) { return nil, 0 }, "result 0 has type error; error is only allowed as a last result"},
		{func(...int32) {}, "variadic functions have no wasm signature"},
		{func(*interp.Memory) {}, "parameter 0 has type *interp.Memory"},
	}
	s := interp.NewStore()
	for _, tt := range tests {
		_, err := s.NewFunc(tt.fn)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewFunc(%T): error %v, want %q", tt.fn, err, tt.want)
		}
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "has type int;") {
				t.Errorf("MustFunc(func(int)) panicked with %v", r)
			}
		}()
		s.MustFunc(func(int) {})
	}()
}

var errHost = errors.New("host says no")

// A host function's error traps its caller; errors.Is finds it, and
// errors.As the trap, positioned at the call in the wasm caller.
func TestNewFuncErrorTraps(t *testing.T) {
	s := interp.NewStore()
	f := s.MustFunc(func(a int32) (int32, error) {
		if a < 0 {
			return 0, fmt.Errorf("negative %d: %w", a, errHost)
		}
		return a, nil
	})
	inst := hostModule(t, "(param i32) (result i32)", 1, f)
	_, err := inst.Call(context.Background(), "call", interp.I32(-1))
	if !errors.Is(err, errHost) {
		t.Fatalf("errors.Is(%v, errHost) = false", err)
	}
	var trap *interp.Trap
	if !errors.As(err, &trap) {
		t.Fatalf("errors.As(%v, *Trap) = false", err)
	}
	if trap.Msg != "negative -1: host says no" || trap.Func != `"call"` || !trap.Pos.IsValid() {
		t.Errorf("trap = %+v", trap)
	}
	if !strings.Contains(err.Error(), "negative -1: host says no") {
		t.Errorf("message %q", err)
	}
}

// A host function's error reaches the outermost caller through nested
// host and wasm calls.
func TestNewFuncErrorThroughNestedCalls(t *testing.T) {
	s := interp.NewStore()
	inner := hostModule(t, "(param i32) (result i32)", 1, s.MustFunc(func(a int32) (int32, error) {
		return 0, errHost
	}))
	outer := hostModule(t, "(param i32) (result i32)", 1, s.MustFunc(func(ctx context.Context, a int32) (int32, error) {
		res, err := inner.Call(ctx, "call", interp.I32(a))
		if err != nil {
			return 0, err // as it is: an *ir.Error
		}
		return res[0].Int32(), nil
	}))
	_, err := outer.Call(context.Background(), "call", interp.I32(1))
	if !errors.Is(err, errHost) {
		t.Errorf("errors.Is(%v, errHost) = false", err)
	}
	var trap *interp.Trap
	if !errors.As(err, &trap) || !strings.HasPrefix(trap.Msg, "host says no") {
		t.Errorf("trap = %+v", trap)
	}
}

// The context a host function receives is the call's: its values, its
// cancellation, and the call depth for calls back into wasm.
func TestNewFuncContext(t *testing.T) {
	type key struct{}
	s := interp.NewStore()
	s.MaxCallDepth = 50
	var inst *interp.Instance
	f := s.MustFunc(func(ctx context.Context, n int32) (int32, error) {
		if ctx.Value(key{}) != "v" {
			return 0, errors.New("context value lost")
		}
		if n == 0 {
			return 0, nil
		}
		// Recurse through wasm: the depth limit must see every level.
		res, err := inst.Call(ctx, "call", interp.I32(n-1))
		if err != nil {
			return 0, err
		}
		return res[0].Int32() + 1, nil
	})
	inst = hostModule(t, "(param i32) (result i32)", 1, f)
	ctx := context.WithValue(context.Background(), key{}, "v")
	res, err := inst.Call(ctx, "call", interp.I32(10))
	checkValues(t, "call 10", res, err, []interp.Value{interp.I32(10)})
	_, err = inst.Call(ctx, "call", interp.I32(1000))
	var trap *interp.Trap
	if !errors.As(err, &trap) || trap.Kind != ir.Exhaustion {
		t.Fatalf("deep recursion: %v, want call stack exhausted", err)
	}
}

func BenchmarkHostCall(b *testing.B) {
	run := func(b *testing.B, f *interp.Function) {
		src := `(module
  (import "host" "f" (func $f (param i32 i32) (result i32)))
  (func (export "run") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $f (local.get $acc) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))`
		inst, err := interp.Instantiate(f.Store(), compile(b, src), interp.ImportMap{"host": {"f": f}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		if _, err := inst.Call(context.Background(), "run", interp.I32(int32(b.N))); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("HostFunc", func(b *testing.B) {
		s := interp.NewStore()
		run(b, s.NewHostFunc(ir.FuncType{Params: []ir.ValType{ir.I32, ir.I32}, Results: []ir.ValType{ir.I32}},
			func(_ context.Context, a []interp.Value) ([]interp.Value, error) {
				return []interp.Value{interp.I32(a[0].Int32() + a[1].Int32())}, nil
			}))
	})
	b.Run("NewFunc", func(b *testing.B) {
		run(b, interp.NewStore().MustFunc(func(a, b int32) int32 { return a + b }))
	})
	b.Run("NewFuncReflect", func(b *testing.B) {
		run(b, interp.NewStore().MustFunc(func(_ context.Context, a, b int32) (int32, error) { return a + b, nil }))
	})
}
