package interp_test

import (
	"context"
	"testing"
	"time"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

func TestTailCalls(t *testing.T) {
	features := allFeatures.With(ir.FeatureTailCall, true)
	src := ir.NewSource("tail.wat", []byte(`(module
  (import "h" "double" (func $double (param i64) (result i64)))
  (type $t (func (param i64 i64) (result i64)))
  (table funcref (elem $even $odd))
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $sum (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n))))))
  ;; mutual recursion through the table: even(n) = odd(n-1)
  (func $even (param $n i64) (param $unused i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 1))
      (else (return_call_indirect (type $t) (i64.sub (local.get $n) (i64.const 1)) (i64.const 0) (i32.const 1)))))
  (func $odd (param $n i64) (param $unused i64) (result i64) (local v128)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 0))
      (else (return_call_indirect (type $t) (i64.sub (local.get $n) (i64.const 1)) (i64.const 0) (i32.const 0)))))
  (func (export "even") (param i64) (result i64) (call $even (local.get 0) (i64.const 0)))
  (func (export "host") (param i64) (result i64) (i64.add (i64.const 1) (call $via (local.get 0))))
  (func $via (param i64) (result i64) (return_call $double (local.get 0)))
  (func $forever (export "forever") (param i64) (result i64) (return_call $forever (local.get 0))))`), false)
	m, err := wat.ParseModule(src, features)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := interp.Compile(m, src, features)
	if err != nil {
		t.Fatal(err)
	}
	store := interp.NewStore()
	double := store.NewHostFunc(ir.FuncType{Params: []ir.ValType{ir.I64}, Results: []ir.ValType{ir.I64}},
		func(_ context.Context, a []interp.Value) ([]interp.Value, error) {
			return []interp.Value{i64(2 * a[0].Int64())}, nil
		})
	inst, err := interp.Instantiate(store, mod, interp.ImportMap{"h": {"double": double}})
	if err != nil {
		t.Fatal(err)
	}
	// Far deeper than the call depth limit: tail calls use no frames.
	expect(t, inst, "sum", args(i64(1_000_000), i64(0)), i64(500000500000))
	expect(t, inst, "even", args(i64(100_001)), i64(0))
	expect(t, inst, "even", args(i64(100_000)), i64(1))
	expect(t, inst, "host", args(i64(20)), i64(41))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = inst.Call(ctx, "forever", i64(0))
	checkErr(t, err, ir.Trap, "interrupted")
}
