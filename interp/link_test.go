package interp_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

func instErr(t *testing.T, store *interp.Store, src string, imports interp.Imports, kind ir.ErrorKind, msg string) {
	t.Helper()
	_, err := interp.Instantiate(store, compile(t, src), imports)
	checkErr(t, err, kind, msg)
}

func TestLinking(t *testing.T) {
	store := interp.NewStore()
	add := store.NewHostFunc(ir.FuncType{Params: []ir.ValType{ir.I32, ir.I32}, Results: []ir.ValType{ir.I32}},
		func(_ context.Context, a []interp.Value) ([]interp.Value, error) {
			return []interp.Value{i32(a[0].Int32() + a[1].Int32())}, nil
		})
	shared, _ := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}, Shared: true})
	plain, _ := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}})
	g, _ := interp.NewGlobal(ir.GlobalType{Type: ir.I64, Mutable: true}, i64(40))
	tab, _ := interp.NewTable(ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 2}}, interp.NullRef(ir.FuncRef))
	imports := interp.ImportMap{"env": {"add": add, "shared": shared, "plain": plain, "g": g, "tab": tab}}

	inst := instantiateWith(t, store, `(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "shared" (memory 1 2 shared))
  (import "env" "g" (global $g (mut i64)))
  (import "env" "tab" (table 1 funcref))
  (func (export "f") (param i32) (result i32) (call $add (local.get 0) (i32.const 1)))
  (func (export "bump") (result i64) (global.set $g (i64.add (global.get $g) (i64.const 2))) (global.get $g))
  (func (export "store") (i32.store (i32.const 4) (i32.const 77))))`, imports)
	expect(t, inst, "f", args(i32(41)), i32(42))
	expect(t, inst, "bump", nil, i64(42))
	if g.Get() != i64(42) {
		t.Errorf("imported global = %v, want 42", g.Get())
	}
	call(t, inst, "store")
	if b := shared.Bytes()[4]; b != 77 {
		t.Errorf("imported memory byte = %d, want 77", b)
	}

	instErr(t, store, `(module (import "env" "nope" (func)))`, imports, ir.Unlinkable, "unknown import")
	instErr(t, store, `(module (import "nope" "add" (func)))`, imports, ir.Unlinkable, "unknown import")
	instErr(t, store, `(module (import "env" "add" (func (param i32))))`, imports, ir.Unlinkable, "incompatible import type")
	instErr(t, store, `(module (import "env" "plain" (memory 1 2 shared)))`, imports, ir.Unlinkable, "incompatible import type")
	instErr(t, store, `(module (import "env" "shared" (memory 1 2)))`, imports, ir.Unlinkable, "incompatible import type")
	instErr(t, store, `(module (import "env" "shared" (memory 1 1 shared)))`, imports, ir.Unlinkable, "incompatible import type")
	instErr(t, store, `(module (import "env" "g" (global i64)))`, imports, ir.Unlinkable, "incompatible import type")
	instErr(t, store, `(module (import "env" "tab" (table 3 funcref)))`, imports, ir.Unlinkable, "incompatible import type")
	instErr(t, store, `(module (import "env" "add" (memory 1)))`, imports, ir.Unlinkable, "incompatible import type")
	other := interp.NewStore().NewHostFunc(ir.FuncType{}, nil)
	instErr(t, store, `(module (import "env" "f" (func)))`, interp.ImportMap{"env": {"f": other}}, ir.Unlinkable, "incompatible import type")
}

func TestRegistryAndExports(t *testing.T) {
	store := interp.NewStore()
	a := instantiateWith(t, store, `(module
  (func (export "seven") (result i32) (i32.const 7))
  (global (export "g") i32 (i32.const 5))
  (table (export "t") 2 funcref)
  (memory (export "m") 1))`, nil)
	b := instantiateWith(t, store, `(module
  (import "a" "seven" (func $seven (result i32)))
  (import "a" "g" (global $g i32))
  (import "a" "t" (table 2 funcref))
  (elem (i32.const 1) $seven)
  (func (export "viaTable") (result i32) (call_indirect (result i32) (i32.const 1)))
  (func (export "sum") (result i32) (i32.add (call $seven) (global.get $g))))`, interp.Registry{"a": a})
	expect(t, b, "sum", nil, i32(12))
	expect(t, b, "viaTable", nil, i32(7))
	if v, err := a.Get("g"); err != nil || v != i32(5) {
		t.Errorf("Get(g) = %v, %v", v, err)
	}
	if got := strings.Join(a.ExportNames(), ","); got != "seven,g,t,m" {
		t.Errorf("ExportNames = %s", got)
	}
	if a.Export("nope") != nil || a.Func("g") != nil {
		t.Error("lookup of a missing or mistyped export succeeded")
	}
	if _, err := a.Call(context.Background(), "nope"); err == nil {
		t.Error("call of a missing export succeeded")
	}
	if _, err := a.Call(context.Background(), "seven", i32(1)); err == nil {
		t.Error("call with too many arguments succeeded")
	}
}

func TestInstantiationFailures(t *testing.T) {
	store := interp.NewStore()
	instErr(t, store, `(module (memory 1) (data (i32.const 65535) "ab"))`, nil, ir.Uninstantiable, "out of bounds memory access")
	instErr(t, store, `(module (table 1 funcref) (func) (elem (i32.const 1) 0))`, nil, ir.Uninstantiable, "out of bounds table access")
	instErr(t, store, `(module (func $s unreachable) (start $s))`, nil, ir.Uninstantiable, "unreachable")

	// Segments before the failing one stay applied (spec 2.0).
	mem, _ := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1}})
	instErr(t, store, `(module (import "m" "m" (memory 1))
  (data (i32.const 0) "hi") (data (i32.const 65536) "x"))`, interp.ImportMap{"m": {"m": mem}}, ir.Uninstantiable, "out of bounds memory access")
	if got := string(mem.Bytes()[:2]); got != "hi" {
		t.Errorf("first segment not applied: %q", got)
	}

	inst := instantiateWith(t, store, `(module (memory (export "m") 1) (global $g (mut i32) (i32.const 0))
  (data (i32.const 8) "\01\02")
  (func $s (global.set $g (i32.const 9))) (start $s)
  (func (export "g") (result i32) (global.get $g)))`, nil)
	expect(t, inst, "g", nil, i32(9))
	if b := inst.Memory("m").Bytes(); b[8] != 1 || b[9] != 2 {
		t.Errorf("data segment not applied")
	}
}

func TestTraps(t *testing.T) {
	inst := instantiate(t, `(module
  (type $v (func))
  (type $i (func (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $f)
  (memory 1)
  (data $d "abc")
  (func $f (result i32) (i32.const 1))
  (func (export "unreachable") unreachable)
  (func (export "call_indirect") (param i32) (result i32) (call_indirect (type $i) (local.get 0)))
  (func (export "wrong_type") (call_indirect (type $v) (i32.const 0)))
  (func (export "load") (param i32) (result i64) (i64.load offset=8 (local.get 0)))
  (func (export "store16") (param i32) (i32.store16 (local.get 0) (i32.const 1)))
  (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $d))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "table.get") (param i32) (result funcref) (table.get 0 (local.get 0))))`)
	expectErr(t, inst, "unreachable", nil, ir.Trap, "unreachable")
	expect(t, inst, "call_indirect", args(i32(0)), i32(1))
	expectErr(t, inst, "call_indirect", args(i32(1)), ir.Trap, "uninitialized element")
	expectErr(t, inst, "call_indirect", args(i32(3)), ir.Trap, "undefined element")
	expectErr(t, inst, "wrong_type", nil, ir.Trap, "indirect call type mismatch")
	expectErr(t, inst, "load", args(i32(65528)), ir.Trap, "out of bounds memory access")
	expectErr(t, inst, "load", args(i32(-1)), ir.Trap, "out of bounds memory access")
	expectErr(t, inst, "store16", args(i32(65535)), ir.Trap, "out of bounds memory access")
	call(t, inst, "store16", i32(65534))
	expectErr(t, inst, "fill", args(i32(65536), i32(1)), ir.Trap, "out of bounds memory access")
	call(t, inst, "fill", i32(65536), i32(0))
	expectErr(t, inst, "table.get", args(i32(3)), ir.Trap, "out of bounds table access")

	call(t, inst, "init", i32(100), i32(1), i32(2))
	expect(t, inst, "byte", args(i32(100)), i32('b'))
	expect(t, inst, "byte", args(i32(101)), i32('c'))
	expectErr(t, inst, "init", args(i32(0), i32(2), i32(2)), ir.Trap, "out of bounds memory access")
	call(t, inst, "drop")
	expectErr(t, inst, "init", args(i32(0), i32(0), i32(1)), ir.Trap, "out of bounds memory access")
	call(t, inst, "init", i32(0), i32(0), i32(0))
	call(t, inst, "copy", i32(101), i32(100), i32(2))
	expect(t, inst, "byte", args(i32(102)), i32('c'))
	expectErr(t, inst, "copy", args(i32(65535), i32(0), i32(2)), ir.Trap, "out of bounds memory access")

	// The error carries the position of the trapping instruction.
	_, err := inst.Call(context.Background(), "unreachable")
	var e *ir.Error
	if !errors.As(err, &e) || !strings.Contains(e.Error(), "TestTraps.wat:9:") {
		t.Errorf("trap position: %v", err)
	}
}

const spinSrc = `(module
  (func (export "spin") (loop $l (br $l)))
  (func $r (export "recurse") (param i32) (result i32) (i32.add (call $r (local.get 0)) (i32.const 1)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $i)))`

func TestCancellation(t *testing.T) {
	inst := instantiate(t, spinSrc)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := inst.Call(ctx, "spin")
	checkErr(t, err, ir.Trap, "interrupted")
	_, err = inst.Call(ctx, "spin") // already cancelled
	checkErr(t, err, ir.Trap, "interrupted")
}

func TestFuel(t *testing.T) {
	inst := instantiate(t, spinSrc)
	_, err := inst.Call(interp.WithFuel(context.Background(), 10_000), "spin")
	checkErr(t, err, ir.Exhaustion, "fuel exhausted")
	res, err := inst.Call(interp.WithFuel(context.Background(), 10_000), "count", i32(5000))
	if err != nil || res[0] != i32(5000) {
		t.Errorf("count within budget = %v, %v", res, err)
	}
	_, err = inst.Call(interp.WithFuel(context.Background(), 10_000), "count", i32(20_000))
	checkErr(t, err, ir.Exhaustion, "fuel exhausted")
	// Exact accounting: count(n) takes n-1 back-edges.
	for _, n := range []int64{1, 1024, 1025, 3000} {
		res, err := inst.Call(interp.WithFuel(context.Background(), n), "count", i32(int32(n+1)))
		if err != nil || res[0] != i32(int32(n+1)) {
			t.Errorf("count(%d) with fuel %d = %v, %v", n+1, n, res, err)
		}
		_, err = inst.Call(interp.WithFuel(context.Background(), n), "count", i32(int32(n+2)))
		checkErr(t, err, ir.Exhaustion, "fuel exhausted")
	}
}

func TestCallStackExhausted(t *testing.T) {
	inst := instantiate(t, spinSrc)
	expectErr(t, inst, "recurse", args(i32(0)), ir.Exhaustion, "call stack exhausted")
	// The thread is reusable afterwards.
	expect(t, inst, "count", args(i32(3)), i32(3))

	store := interp.NewStore()
	store.MaxCallDepth = 100
	shallow := instantiateWith(t, store, fibSrc, nil)
	expect(t, shallow, "fib", args(i32(20)), i32(6765))
	store.MaxCallDepth = 10
	expectErr(t, shallow, "fib", args(i32(20)), ir.Exhaustion, "call stack exhausted")
}

func TestHostFunctions(t *testing.T) {
	store := interp.NewStore()
	var inner *interp.Instance
	trap := store.NewHostFunc(ir.FuncType{}, func(context.Context, []interp.Value) ([]interp.Value, error) {
		return nil, errors.New("host says no")
	})
	reenter := store.NewHostFunc(ir.FuncType{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}},
		func(ctx context.Context, a []interp.Value) ([]interp.Value, error) {
			// Host code may call back into wasm.
			return inner.Call(ctx, "fib", a[0])
		})
	bad := store.NewHostFunc(ir.FuncType{Results: []ir.ValType{ir.I32}}, func(context.Context, []interp.Value) ([]interp.Value, error) {
		return []interp.Value{i64(1)}, nil
	})
	inner = instantiateWith(t, store, fibSrc, nil)
	inst := instantiateWith(t, store, `(module
  (import "h" "trap" (func $trap))
  (import "h" "fib" (func $fib (param i32) (result i32)))
  (import "h" "bad" (func $bad (result i32)))
  (func (export "trap") (call $trap))
  (func (export "fib") (param i32) (result i32) (i32.mul (call $fib (local.get 0)) (i32.const 2)))
  (func (export "bad") (result i32) (call $bad)))`,
		interp.ImportMap{"h": {"trap": trap, "fib": reenter, "bad": bad}})
	expectErr(t, inst, "trap", nil, ir.Trap, "host says no")
	expect(t, inst, "fib", args(i32(10)), i32(110))
	expectErr(t, inst, "bad", nil, ir.Trap, "host function result 0 is i64")
	// Host functions are callable directly too.
	res, err := reenter.Call(context.Background(), i32(7))
	if err != nil || res[0] != i32(13) {
		t.Errorf("direct host call = %v, %v", res, err)
	}
}

func TestReferencesAndTables(t *testing.T) {
	inst := instantiate(t, `(module
  (table $t 2 10 funcref)
  (table $e 1 externref)
  (elem declare func $f)
  (func $f (result i32) (i32.const 3))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.func $f) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "call") (param i32) (result i32) (call_indirect $t (result i32) (local.get 0)))
  (func (export "fill") (param i32 i32) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
  (func (export "set-extern") (param externref) (table.set $e (i32.const 0) (local.get 0)))
  (func (export "get-extern") (result externref) (table.get $e (i32.const 0)))
  (func (export "is-null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "copy") (table.copy $t $t (i32.const 0) (i32.const 2) (i32.const 2))))`)
	expect(t, inst, "grow", args(i32(3)), i32(2))
	expect(t, inst, "size", nil, i32(5))
	expect(t, inst, "grow", args(i32(6)), i32(-1))
	expect(t, inst, "call", args(i32(4)), i32(3))
	expectErr(t, inst, "call", args(i32(0)), ir.Trap, "uninitialized element")
	call(t, inst, "copy")
	expect(t, inst, "call", args(i32(0)), i32(3))
	call(t, inst, "fill", i32(0), i32(5))
	expectErr(t, inst, "call", args(i32(4)), ir.Trap, "uninitialized element")
	expectErr(t, inst, "fill", args(i32(4), i32(2)), ir.Trap, "out of bounds table access")
	call(t, inst, "set-extern", interp.ExternRef(42))
	expect(t, inst, "get-extern", nil, interp.ExternRef(42))
	expect(t, inst, "is-null", args(interp.ExternRef(0)), i32(0))
	expect(t, inst, "is-null", args(interp.NullRef(ir.ExternRef)), i32(1))
}

func TestHostRecursionExhausts(t *testing.T) {
	store := interp.NewStore()
	store.MaxCallDepth = 2000
	var inst *interp.Instance
	back := store.NewHostFunc(ir.FuncType{}, func(ctx context.Context, _ []interp.Value) ([]interp.Value, error) {
		_, err := inst.Call(ctx, "down")
		return nil, err
	})
	inst = instantiateWith(t, store, `(module (import "h" "back" (func $back))
  (func (export "down") (call $back)))`, interp.ImportMap{"h": {"back": back}})
	expectErr(t, inst, "down", nil, ir.Exhaustion, "call stack exhausted")
}

func TestCompileRejectsInvalid(t *testing.T) {
	src := ir.NewSource("bad.wat", nil, false)
	m := &ir.Module{
		Types: ir.TypeDefs([]ir.FuncType{{Results: []ir.ValType{ir.I32}}}),
		Funcs: []ir.Func{{Type: 0, Body: []ir.Instr{{Op: ir.OpI64Const, Value: 1}}}},
	}
	_, err := interp.Compile(m, src, allFeatures)
	var list ir.ErrorList
	if !errors.As(err, &list) || len(list) == 0 || list[0].Kind != ir.Invalid {
		t.Fatalf("Compile(invalid) = %v, want Invalid errors", err)
	}
}

func TestConcurrentInstantiation(t *testing.T) {
	store := interp.NewStore()
	mod := compile(t, `(module
  (table 2 funcref) (elem (i32.const 0) $f $g)
  (func $f (result i32) (i32.const 1)) (func $g (result i32) (i32.const 2))
  (func (export "sum") (result i32)
    (i32.add (call_indirect (result i32) (i32.const 0)) (call_indirect (result i32) (i32.const 1)))))`)
	parallel(t, 4, func(int) error {
		for i := 0; i < 20; i++ {
			inst, err := interp.Instantiate(store, mod, nil)
			if err != nil {
				return err
			}
			res, err := inst.Call(context.Background(), "sum")
			if err != nil {
				return err
			}
			if res[0] != i32(3) {
				return errors.New("sum = " + res[0].String())
			}
		}
		return nil
	})
}

func TestLargeFrames(t *testing.T) {
	// 20000 locals per frame: the value stack grows as recursion deepens,
	// and runs out as "call stack exhausted", not as a crash.
	inst := instantiate(t, `(module
  (func $deep (export "deep") (param $n i32) (result i32) (local $pad v128) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local `+strings.Repeat("i64 ", 20000)+`)
    (local.set 20005 (i64.const 7))
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.wrap_i64 (local.get 20005)))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1))))))))`)
	expect(t, inst, "deep", args(i32(100)), i32(107))
	expectErr(t, inst, "deep", args(i32(1_000_000)), ir.Exhaustion, "call stack exhausted")
	expect(t, inst, "deep", args(i32(3)), i32(10))
}
