package watt_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/watt-wasm/watt"
	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

const addText = `(module
  (memory (export "mem") 1)
  (data (i32.const 8) "watt")
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))`

// toBinary encodes a text module.
func toBinary(t *testing.T, text string) []byte {
	t.Helper()
	m, err := wat.ParseModule(ir.NewSource("t.wat", []byte(text), false), ir.DefaultFeatures())
	if err != nil {
		t.Fatal(err)
	}
	b, err := binary.Encode(m, binary.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func callAdd(t *testing.T, inst *interp.Instance) {
	t.Helper()
	res, err := inst.Call(context.Background(), "add", interp.I32(40), interp.I32(2))
	if err != nil || len(res) != 1 || res[0] != interp.I32(42) {
		t.Fatalf("add = %v, %v", res, err)
	}
}

// Text and binary input are told apart by the magic number, and the source
// is the module's own copy.
func TestTextAndBinary(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  []byte
	}{
		{"text", []byte(addText)},
		{"text with leading space", []byte("\n  " + addText)},
		{"binary", toBinary(t, addText)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mod, err := watt.Compile(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			clear(tc.src) // the caller may reuse its buffer
			inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
			if err != nil {
				t.Fatal(err)
			}
			callAdd(t, inst)
			if s, err := inst.Memory("mem").ReadString(8, 4); s != "watt" || err != nil {
				t.Errorf("data segment: %q, %v", s, err)
			}
		})
	}
}

// Errors are positioned in the named source: line and column for text,
// offsets for binary.
func TestErrorPositions(t *testing.T) {
	tests := []struct {
		src  []byte
		opts []watt.Option
		want string
	}{
		{[]byte("(module (func (i32.foo)))"), nil, "module.wat:1:16: unknown operator"},
		{[]byte("(module\n  (func (result i32)))"), []watt.Option{watt.WithName("f.wat")},
			"f.wat:2:9: type mismatch"},
		{[]byte("\x00asm\x01\x00\x00\x00\x01"), nil, "module.wasm:0x9: unexpected end"},
		{toBinary(t, `(module (func (export "f") unreachable))`)[:20], []watt.Option{watt.WithName("x.wasm")}, "x.wasm:0x"},
	}
	for _, tt := range tests {
		_, err := watt.Compile(tt.src, tt.opts...)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Compile(%q): %v, want %q…", tt.src, err, tt.want)
		}
		var e *ir.Error
		if !errors.As(err, &e) {
			t.Errorf("Compile(%q): %T is no *ir.Error", tt.src, err)
		}
	}
}

// Threads are on unless WithFeatures says otherwise; a feature that is off
// is named.
func TestFeatures(t *testing.T) {
	shared := []byte(`(module (memory 1 1 shared))`)
	if _, err := watt.Compile(shared); err != nil {
		t.Errorf("default features: %v", err)
	}
	_, err := watt.Compile(shared, watt.WithFeatures(ir.DefaultFeatures()))
	if err == nil || !strings.Contains(err.Error(), "--enable-threads") {
		t.Errorf("threads off: %v", err)
	}
	if !watt.DefaultFeatures().Has(ir.FeatureThreads) || !watt.DefaultFeatures().Has(ir.FeatureMemory64) {
		t.Errorf("DefaultFeatures = %v", watt.DefaultFeatures())
	}
}

const importer = `(module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (import "env" "offset" (global $off i32))
  (import "math" "neg" (func $neg (param f64) (result f64)))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $twice (local.get 0)) (global.get $off)))
  (func (export "neg") (param f64) (result f64) (call $neg (local.get 0))))`

func TestImports(t *testing.T) {
	store := interp.NewStore()
	off, err := interp.NewGlobal(ir.GlobalType{Type: ir.I32}, interp.I32(1))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := watt.Instantiate(context.Background(), []byte(importer),
		watt.WithStore(store),
		watt.WithFuncs("env", map[string]any{"twice": func(x int32) int32 { return 2 * x }}),
		watt.WithFuncs("math", map[string]any{"neg": func(x float64) float64 { return x }}),
		watt.WithFuncs("math", map[string]any{"neg": func(x float64) float64 { return -x }}), // the later one wins
		watt.WithImports(interp.ImportMap{"env": {
			"offset": off,
			"twice":  store.MustFunc(func(x int32) int32 { return 0 }), // WithFuncs comes first
		}}))
	if err != nil {
		t.Fatal(err)
	}
	if inst.Store() != store {
		t.Error("instance not in WithStore's store")
	}
	res, err := inst.Call(context.Background(), "run", interp.I32(20))
	if err != nil || res[0] != interp.I32(41) {
		t.Errorf("run = %v, %v", res, err)
	}
	res, err = inst.Call(context.Background(), "neg", interp.F64(2))
	if err != nil || res[0] != interp.F64(-2) {
		t.Errorf("neg = %v, %v", res, err)
	}

	// A missing import is unlinkable; a Go function of the wrong shape is
	// refused by name before linking.
	_, err = watt.Instantiate(context.Background(), []byte(importer))
	var e *ir.Error
	if !errors.As(err, &e) || e.Kind != ir.Unlinkable {
		t.Errorf("no imports: %v", err)
	}
	_, err = watt.Instantiate(context.Background(), []byte(importer),
		watt.WithFuncs("env", map[string]any{"twice": func(x int) int { return x }}))
	if err == nil || !strings.Contains(err.Error(), `watt: import "env" "twice": interp: NewFunc: func(int) int: parameter 0 has type int`) {
		t.Errorf("bad host function: %v", err)
	}
	_, err = watt.Instantiate(context.Background(), []byte(importer),
		watt.WithFuncs("env", map[string]any{"twice": func(x int64) int32 { return 0 }}))
	if !errors.As(err, &e) || e.Kind != ir.Unlinkable || !strings.Contains(e.Msg, "incompatible import type") {
		t.Errorf("wrong signature: %v", err)
	}
}

// A start function's trap fails Instantiate; errors.As finds the trap.
func TestInstantiateTrap(t *testing.T) {
	_, err := watt.Instantiate(context.Background(), []byte(`(module
  (func $boom (i32.store (i32.const 70000) (i32.const 0)))
  (memory 1)
  (start $boom))`))
	var trap *interp.Trap
	if !errors.As(err, &trap) || trap.Msg != "out of bounds memory access" {
		t.Fatalf("error %v, trap %+v", err, trap)
	}
	var e *ir.Error
	if !errors.As(err, &e) || e.Kind != ir.Uninstantiable || !strings.HasPrefix(err.Error(), "module.wat:2:") {
		t.Errorf("error %v", err)
	}
}
