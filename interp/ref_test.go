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

// refFeatures are WebAssembly 3.0 plus the legacy exception instructions.
var refFeatures = ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true)

// instantiateRefs compiles a 3.0 text module and instantiates it in s.
func instantiateRefs(t testing.TB, s *interp.Store, src string, imports interp.Imports) *interp.Instance {
	t.Helper()
	source := ir.NewSource(t.Name()+".wat", []byte(src), false)
	m, err := wat.ParseModule(source, refFeatures)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	mod, err := interp.Compile(m, source, refFeatures)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	inst, err := interp.Instantiate(s, mod, imports)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return inst
}

const gcSrc = `(module
  (type $point (struct (field $x (mut i32)) (field $y (mut i32))))
  (type $other (struct (field f64)))
  (type $bytes (array (mut i8)))
  (global $g (export "g") (mut anyref) (ref.null any))
  (table $t (export "t") 2 externref)
  (func (export "make") (param i32 i32) (result (ref $point))
    (struct.new $point (local.get 0) (local.get 1)))
  (func (export "sum") (param (ref $point)) (result i32)
    (i32.add (struct.get $point $x (local.get 0)) (struct.get $point $y (local.get 0))))
  (func (export "bytes") (param i32) (result (ref $bytes))
    (array.new $bytes (i32.const 255) (local.get 0)))
  (func (export "len") (param arrayref) (result i32) (array.len (local.get 0)))
  (func (export "is_point") (param anyref) (result i32) (ref.test (ref $point) (local.get 0)))
  (func (export "i31") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func (export "id_extern") (param externref) (result externref) (local.get 0))
  (func (export "internalize") (param externref) (result anyref) (any.convert_extern (local.get 0)))
)`

// TestReferenceValues passes references across the API: structs and
// arrays come back typed by their abstract kind and go back in as they
// are; host values and i31 values are carried unboxed.
func TestReferenceValues(t *testing.T) {
	s := interp.NewStore()
	inst := instantiateRefs(t, s, gcSrc, nil)
	p := call(t, inst, "make", i32(3), i32(4))[0]
	if p.Type != ir.Ref(false, ir.HeapStruct) || p.RefKind() != interp.KindStruct {
		t.Fatalf("make = %v, want a (ref struct)", p)
	}
	expect(t, inst, "sum", args(p), i32(7))
	expect(t, inst, "is_point", args(p), i32(1))
	b := call(t, inst, "bytes", i32(5))[0]
	if b.Ref.Len() != 5 {
		t.Errorf("bytes(5) has %d elements", b.Ref.Len())
	}
	expect(t, inst, "len", args(b), i32(5))
	expect(t, inst, "is_point", args(b), i32(0))
	expect(t, inst, "i31", args(i32(-1)), interp.I31Ref(-1))
	if v, _ := call(t, inst, "i31", i32(-1))[0].I31(); v != -1 {
		t.Errorf("i31(-1) = %d", v)
	}
	expect(t, inst, "id_extern", args(interp.ExternRef(42)), interp.ExternRef(42))
	got := call(t, inst, "internalize", interp.ExternRef(42))[0]
	if hv, ok := got.HostValue(); !ok || hv != 42 || got.Type != ir.AnyRef {
		t.Errorf("internalize(extern 42) = %v, want anyref host 42", got)
	}

	// A value that is not one of the parameter's type is refused: wasm
	// code relies on its static types.
	expectErr(t, inst, "sum", args(b), ir.Trap, "argument 0: type mismatch")
	expectErr(t, inst, "sum", args(interp.NullRef(ir.StructRef)), ir.Trap, "argument 0: type mismatch: null")
	expectErr(t, inst, "len", args(interp.ExternRef(1)), ir.Trap, "argument 0: type mismatch")
	// So is an object of another store.
	other := instantiateRefs(t, interp.NewStore(), gcSrc, nil)
	expectErr(t, other, "sum", args(p), ir.Trap, "argument 0: type mismatch")

	// Globals and tables of reference types.
	g := inst.Export("g").(*interp.Global)
	if err := g.Set(p); err != nil {
		t.Fatal(err)
	}
	if v := g.Get(); v.Ref != p.Ref {
		t.Errorf("g = %v, want %v", v, p)
	}
	if err := g.Set(interp.ExternRef(1)); err == nil {
		t.Error("an externref went into an anyref global")
	}
	tab := inst.Export("t").(*interp.Table)
	if err := tab.Set(1, interp.ExternRef(9)); err != nil {
		t.Fatal(err)
	}
	if v, _ := tab.Get(1); v != interp.ExternRef(9) {
		t.Errorf("t[1] = %v", v)
	}
	if v, _ := tab.Get(0); !v.IsNull() {
		t.Errorf("t[0] = %v, want null", v)
	}
}

const exnSrc = `(module
  (import "host" "call_back" (func $call_back (param i32) (result i32)))
  (import "host" "tag" (tag $host_tag (param i64)))
  (tag $e (export "e") (param i32))
  (func (export "throw") (param i32) (result i32) (throw $e (local.get 0)))
  ;; calls the host, which calls "throw": the exception crosses the host
  ;; function and is caught here
  (func (export "through_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (return (call $call_back (local.get 0))))
      (unreachable)))
  ;; catches what the host throws with the host's tag
  (func (export "catch_host") (param i32) (result i64)
    (block $h (result i64)
      (try_table (catch $host_tag $h) (drop (call $call_back (local.get 0))))
      (i64.const -1)))
)`

// TestExceptionsAcrossHost: an uncaught exception comes out of Call as an
// *interp.Exception (also an *ir.Error "uncaught exception"); a host
// function returning one throws it into its wasm caller.
func TestExceptionsAcrossHost(t *testing.T) {
	s := interp.NewStore()
	hostTag := s.NewTag(ir.FuncType{Params: []ir.ValType{ir.I64}})
	var inst *interp.Instance
	callBack := s.NewHostFunc(ir.FuncType{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}},
		func(ctx context.Context, args []interp.Value) ([]interp.Value, error) {
			if args[0].Int32() < 0 {
				x, err := interp.NewException(hostTag, interp.I64(int64(args[0].Int32())*10))
				if err != nil {
					return nil, err
				}
				return nil, x
			}
			return inst.Call(ctx, "throw", args[0])
		})
	inst = instantiateRefs(t, s, exnSrc, interp.ImportMap{"host": {"call_back": callBack, "tag": hostTag}})

	_, err := inst.Call(context.Background(), "throw", i32(5))
	var x *interp.Exception
	if !errors.As(err, &x) {
		t.Fatalf("throw(5) = %v, want an uncaught exception", err)
	}
	if x.Tag() != inst.Export("e") {
		t.Errorf("exception tag = %v, want the exported tag", x.Tag())
	}
	if a := x.Args(); len(a) != 1 || a[0] != i32(5) {
		t.Errorf("exception payload = %v, want [i32:5]", a)
	}
	checkErr(t, err, ir.Trap, "uncaught exception")

	expect(t, inst, "through_host", args(i32(7)), i32(7))
	expect(t, inst, "catch_host", args(i32(-3)), i64(-30))
}

// TestUncaughtInStart: a start function's uncaught exception fails
// instantiation.
func TestUncaughtInStart(t *testing.T) {
	mod := compileWith(t, `(module (tag $e) (func $s (throw $e)) (start $s))`, refFeatures)
	_, err := interp.Instantiate(interp.NewStore(), mod, nil)
	checkErr(t, err, ir.Uninstantiable, "uncaught exception")
}

// TestTagsAndTypesAcrossModules: tags are compared by identity, function
// types by canonical type across modules (call_indirect with subtyping).
func TestTagsAndTypesAcrossModules(t *testing.T) {
	s := interp.NewStore()
	a := instantiateRefs(t, s, `(module
  (type $f (sub (func (result i32))))
  (type $g (sub $f (func (result i32))))
  (tag (export "e") (param i32))
  (func (export "g") (type $g) (i32.const 42))
  (table (export "tab") 1 funcref)
  (elem (i32.const 0) func 0))`, nil)
	b := instantiateRefs(t, s, `(module
  (type $f (sub (func (result i32))))
  (import "a" "e" (tag $e (param i32)))
  (import "a" "tab" (table 1 funcref))
  (tag $mine (param i32))
  (func (export "call") (result i32) (call_indirect (type $f) (i32.const 0)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw $e (local.get 0)))
      (i32.const -1)))
  (func (export "miss") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $mine $h) (throw $e (local.get 0)))
      (i32.const -1))))`, interp.Registry{"a": a})
	expect(t, b, "call", nil, i32(42))
	expect(t, b, "catch", args(i32(3)), i32(3))
	_, err := b.Call(context.Background(), "miss", i32(3))
	var x *interp.Exception
	if !errors.As(err, &x) || x.Tag() != a.Export("e") {
		t.Errorf("miss(3) = %v, want an uncaught exception of a's tag", err)
	}

	// A tag of another type does not link.
	source := ir.NewSource("bad.wat", []byte(`(module (import "a" "e" (tag (param i64))))`), false)
	m, err := wat.ParseModule(source, refFeatures)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := interp.Compile(m, source, refFeatures)
	if err != nil {
		t.Fatal(err)
	}
	_, err = interp.Instantiate(s, mod, interp.Registry{"a": a})
	checkErr(t, err, ir.Unlinkable, "incompatible import type")
}

// TestGCAllocationsAreCollected: objects wasm code drops are garbage for
// Go's collector (the loop allocates far more than it keeps).
func TestGCAllocationsAreCollected(t *testing.T) {
	inst := instantiateRefs(t, interp.NewStore(), `(module
  (type $node (struct (field i32) (field (ref null $node))))
  (func (export "churn") (param $n i32) (result i32) (local $l (ref null $node))
    (loop $l
      (local.set $l (struct.new $node (local.get $n) (ref.null $node)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (struct.get $node 0 (ref.as_non_null (local.get $l)))))`, nil)
	expect(t, inst, "churn", args(i32(200000)), i32(1))
	if testing.Short() {
		return
	}
	// Recursion deep enough to grow the value stack, with references in
	// every frame.
	deep := instantiateRefs(t, interp.NewStore(), `(module
  (type $node (struct (field i32) (field (ref null $node))))
  (func $build (export "build") (param $n i32) (param $acc (ref null $node)) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (struct.get $node 0 (ref.as_non_null (local.get $acc))))
      (else (call $build (i32.sub (local.get $n) (i32.const 1))
        (struct.new $node (local.get $n) (local.get $acc)))))))`, nil)
	expect(t, deep, "build", args(i32(10000), interp.NullRef(ir.Ref(true, ir.HeapStruct))), i32(1))
}

func TestExceptionMessage(t *testing.T) {
	inst := instantiateRefs(t, interp.NewStore(), `(module (tag $e (param i32 f64))
  (func (export "f") (throw $e (i32.const 1) (f64.const 2))))`, nil)
	_, err := inst.Call(context.Background(), "f")
	if err == nil || !strings.HasPrefix(err.Error(), "uncaught exception with payload i32:1 f64:2") {
		t.Errorf("error = %v", err)
	}
}

// TestHostTableAcrossStores: a table made through the API holds functions
// of any store; only the function's own store calls them through it.
func TestHostTableAcrossStores(t *testing.T) {
	tab, err := interp.NewTable(ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 1}}, interp.NullRef(ir.FuncRef))
	if err != nil {
		t.Fatal(err)
	}
	const src = `(module
  (import "h" "t" (table 1 funcref))
  (type $r (func (result i32)))
  (func (export "seven") (type $r) (i32.const 7))
  (func (export "call") (result i32) (call_indirect (type $r) (i32.const 0))))`
	s1, s2 := interp.NewStore(), interp.NewStore()
	imports := interp.ImportMap{"h": {"t": tab}}
	a := instantiateRefs(t, s1, src, imports)
	b := instantiateRefs(t, s2, src, imports)
	if err := tab.Set(0, s1.FuncRef(a.Func("seven"))); err != nil {
		t.Fatal(err)
	}
	expect(t, a, "call", nil, i32(7))
	expectErr(t, b, "call", nil, ir.Trap, "indirect call type mismatch")
}

// TestDeepTry nests a million try_tables, and a million legacy tries whose
// innermost delegates to the outermost: compiling them must not recurse
// on the Go stack, nor take quadratic time, and the throws find their
// handlers.
func TestDeepTry(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("builds a million-level IR; not in -short or -race runs")
	}
	const n = deepNesting
	build := func(body []ir.Instr) *interp.Instance {
		t.Helper()
		m := &ir.Module{
			Types: ir.TypeDefs([]ir.FuncType{
				{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}},
				{Params: []ir.ValType{ir.I32}},
			}),
			Tags:    []ir.Tag{{Type: 1}},
			Funcs:   []ir.Func{{Type: 0, Body: body}},
			Exports: []ir.Export{{Name: "f", Kind: ir.ExternFunc, Index: 0}},
		}
		mod, err := interp.Compile(m, nil, refFeatures)
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
		if err != nil {
			t.Fatalf("instantiate: %v", err)
		}
		return inst
	}
	// throw $e 7 when the parameter is not 0, else yield it
	inner := []ir.Instr{
		{Op: ir.OpLocalGet, Index: 0},
		{Op: ir.OpIf, Body: []ir.Instr{{Op: ir.OpI32Const, Value: 7}, {Op: ir.OpThrow, Index: 0}}},
		{Op: ir.OpLocalGet, Index: 0},
	}
	t.Run("try_table", func(t *testing.T) {
		// Each level catches $e into the level around it, which so ends
		// with the payload.
		inst := build(nest(n, inner, func(_ int, body []ir.Instr) []ir.Instr {
			in := ir.Instr{Op: ir.OpTryTable, Block: i32Result, Body: body}
			in.SetCatches([]ir.CatchClause{{Kind: ir.Catch, Tag: 0, Label: 0}})
			return []ir.Instr{in}
		}))
		expect(t, inst, "f", args(i32(1)), i32(7))
		expect(t, inst, "f", args(i32(0)), i32(0))
	})
	t.Run("delegate", func(t *testing.T) {
		// Every level catches $e as 100 + payload, but the innermost
		// delegates to the outermost, so only its catch runs.
		body := nest(n, inner, func(i int, body []ir.Instr) []ir.Instr {
			in := ir.Instr{Op: ir.OpTry, Block: i32Result, Body: body}
			if i == 0 {
				in.SetDelegate(n - 2)
			} else {
				in.SetHandlers([]ir.Handler{{Tag: 0, Body: []ir.Instr{{Op: ir.OpI32Const, Value: uint64(100 * i)}, {Op: ir.OpI32Add}}}})
			}
			return []ir.Instr{in}
		})
		inst := build(body)
		expect(t, inst, "f", args(i32(1)), i32(100*(n-1)+7))
		expect(t, inst, "f", args(i32(0)), i32(0))
	})
}
