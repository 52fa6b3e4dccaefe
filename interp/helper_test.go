package interp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

var allFeatures = ir.Wasm2Features().With(ir.FeatureThreads, true)

// compile parses and compiles a text module.
func compile(t testing.TB, src string) *interp.Module {
	t.Helper()
	return compileWith(t, src, allFeatures)
}

// compileWith parses and compiles a text module with features.
func compileWith(t testing.TB, src string, features ir.Features) *interp.Module {
	t.Helper()
	s := ir.NewSource(t.Name()+".wat", []byte(src), false)
	m, err := wat.ParseModule(s, features)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	mod, err := interp.Compile(m, s, features)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return mod
}

// instantiate compiles and instantiates a text module without imports.
func instantiate(t testing.TB, src string) *interp.Instance {
	t.Helper()
	inst, err := interp.Instantiate(interp.NewStore(), compile(t, src), nil)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return inst
}

// call invokes an export and fails the test on error.
func call(t testing.TB, inst *interp.Instance, name string, args ...interp.Value) []interp.Value {
	t.Helper()
	res, err := inst.Call(context.Background(), name, args...)
	if err != nil {
		t.Fatalf("%s%v: %v", name, args, err)
	}
	return res
}

// expect checks an export's results bit-exactly.
func expect(t testing.TB, inst *interp.Instance, name string, args []interp.Value, want ...interp.Value) {
	t.Helper()
	got := call(t, inst, name, args...)
	if len(got) != len(want) {
		t.Fatalf("%s%v = %v, want %v", name, args, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s%v = %v, want %v", name, args, got, want)
			return
		}
	}
}

// expectErr checks that an export fails with kind and a message starting
// with msg.
func expectErr(t testing.TB, inst *interp.Instance, name string, args []interp.Value, kind ir.ErrorKind, msg string) {
	t.Helper()
	_, err := inst.Call(context.Background(), name, args...)
	checkErr(t, err, kind, msg)
}

func checkErr(t testing.TB, err error, kind ir.ErrorKind, msg string) {
	t.Helper()
	var e *ir.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want %v %q", err, kind, msg)
	}
	if e.Kind != kind || !strings.HasPrefix(e.Msg, msg) {
		t.Fatalf("error = %v %q, want %v %q", e.Kind, e.Msg, kind, msg)
	}
}

func args(vs ...interp.Value) []interp.Value { return vs }

var (
	i32 = interp.I32
	i64 = interp.I64
	f32 = interp.F32Bits
	f64 = interp.F64Bits
)
