package interp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// TestCallsAcrossInstances: frames of calls within an instance name their
// caller by index in the instance (exec_call.go); calls, returns and tail
// calls into another instance must come back to the right function and
// memory, however the frames mix.
func TestCallsAcrossInstances(t *testing.T) {
	features := allFeatures.With(ir.FeatureTailCall, true)
	parse := func(src string) *interp.Module { return compileWith(t, src, features) }
	store := interp.NewStore()
	b, err := interp.Instantiate(store, parse(`(module
		(memory 1) (data (i32.const 0) "\07")
		(func (export "g") (param i32) (result i32)
			(i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.load8_u (i32.const 0))))
		(func $deep (export "deep") (param i32) (result i32)
			(if (result i32) (local.get 0)
				(then (i32.add (call $deep (i32.sub (local.get 0) (i32.const 1))) (i32.load8_u (i32.const 0))))
				(else (i32.const 0)))))`), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := interp.Instantiate(store, parse(`(module
		(import "b" "g" (func $g (param i32) (result i32)))
		(import "b" "deep" (func $deep (param i32) (result i32)))
		(memory 1) (data (i32.const 0) "\64")
		(func $f (param i32) (result i32) (return_call $g (local.get 0)))
		(func $twice (param i32) (result i32)
			(i32.add (call $f (local.get 0)) (call $f (i32.add (local.get 0) (i32.const 1)))))
		(func (export "h") (param i32) (result i32) (local i32)
			(loop $l
				(local.set 1 (i32.add (local.get 1)
					(i32.add (call $twice (local.get 0)) (i32.load8_u (i32.const 0)))))
				(br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
			(i32.add (local.get 1) (call $deep (i32.const 5)))))`), interp.Registry{"b": b})
	if err != nil {
		t.Fatal(err)
	}
	// h(n) = sum over x = n..1 of g(x)+g(x+1)+100, plus deep(5) = 35;
	// g(x) = 3x+7.
	want := int32(0)
	for x := int32(4); x >= 1; x-- {
		want += 3*x + 7 + 3*(x+1) + 7 + 100
	}
	expect(t, a, "h", args(i32(4)), i32(want+35))
}

// TestCallIndirectManyTables: call_indirect and return_call_indirect reach
// a table whose index needs more than 16 bits (a module may have any
// number of tables).
func TestCallIndirectManyTables(t *testing.T) {
	const n = 70000
	var b strings.Builder
	b.WriteString("(module (type $t (func (result i32)))\n")
	for range n {
		b.WriteString("(table 1 funcref)\n")
	}
	fmt.Fprintf(&b, "(func $f (result i32) (i32.const 42)) (elem (table %d) (i32.const 0) func $f)\n", n-1)
	fmt.Fprintf(&b, "(func (export \"call\") (result i32) (call_indirect %d (type $t) (i32.const 0)))\n", n-1)
	fmt.Fprintf(&b, "(func (export \"tail\") (result i32) (return_call_indirect %d (type $t) (i32.const 0))))\n", n-1)
	mod := compileWith(t, b.String(), ir.DefaultFeatures())
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"call", "tail"} {
		expect(t, inst, name, nil, interp.I32(42))
	}
}
