package binary

import (
	"fmt"
	"strings"
	"testing"
)

// wabtDiffExtraModules are modules the suite covers thinly: every element
// and data form, the data count rule, block types named by index, typed
// select, names of every kind, LEB128 size boundaries and atomics with
// offsets. Each must be accepted by wat2wasm --enable-threads.
var wabtDiffExtraModules = []string{
	`(module $names
	  (type $sig (func (param i32 i64) (result f32)))
	  (import "env" "f" (func $imported (param i32)))
	  (import "env" "t" (table $itab 1 funcref))
	  (import "env" "m" (memory $imem 1 2 shared))
	  (import "env" "g" (global $iglob (mut i32)))
	  (func $named (type $sig) (param $x i32) (param $y i64) (result f32) (local $z f32) (local f64) (local $w v128)
	    (local.get $z))
	  (func (param i32) (local $only i64))
	  (table $tab 2 externref)
	  (global $glob i64 (i64.const -1))
	  (elem $seg func $named)
	  (data $dat "abc"))`,
	// wabt names an imported function's parameters too.
	`(module (import "env" "f" (func $imported (param $a i32) (param i64) (param $c f32))) (func $def (param $d i32)))`,
	`(module (type $t (func (param $tp i32)))
	  (func $h (import "a" "b") (param $x i32) (result i32)) (memory $m (import "a" "m") 1)
	  (global $gi (import "a" "g") i32) (table $ti (import "a" "t") 1 funcref)
	  (func $f (type $t)) (func $g (type $t) (param $own i32) (local $l i32)))`,
	`(module (func (block $l1 (loop $l2 (br $l1)))) (func $later))`,
	`(module
	  (table $a 4 funcref) (table $b 4 externref) (table $c 4 funcref)
	  (func $f) (func $g)
	  (elem (i32.const 0) $f $g)
	  (elem (table $c) (i32.const 1) func $g)
	  (elem (table $a) (i32.const 1) funcref (ref.func $f) (ref.null func))
	  (elem (table $b) (i32.const 2) externref (ref.null extern))
	  (elem (table $c) (offset (i32.const 3)) funcref (item ref.func $f))
	  (elem func)
	  (elem externref (ref.null extern) (ref.null extern))
	  (elem declare func $f $g)
	  (elem declare funcref (ref.null func))
	  (func (elem.drop 1) (table.init $c 1 (i32.const 0) (i32.const 0) (i32.const 1))
	    (table.copy $a $c (i32.const 0) (i32.const 0) (i32.const 0))))`,
	`(module (memory 1) (data "x") (data (i32.const 8) "yz") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1))))`,
	`(module (memory 1) (data "x") (func (data.drop 0)))`,
	`(module (memory 1) (data "x") (func))`,
	`(module
	  (type $empty (func)) (type $r (func (result i64))) (type $p (func (param i32) (result i32)))
	  (type $multi (func (result i32 i32)))
	  (func (result i32)
	    (block (type $empty))
	    (block (type $r) (i64.const 1)) drop
	    (block (result i32 i32) (i32.const 1) (i32.const 2)) drop drop
	    (block (type $multi) (i32.const 1) (i32.const 2)) drop drop
	    (i32.const 7) (loop (type $p) (param i32) (result i32)) drop
	    (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3))) drop
	    (if (i32.const 0) (then) (else)) (if (i32.const 0) (then nop))
	    (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3)) drop
	    (select (i32.const 1) (i32.const 2) (i32.const 3))))`,
	`(module (memory 1 1 shared)
	  (func (param i32) (result i32)
	    (drop (i32.atomic.rmw8.cmpxchg_u offset=4294967295 (local.get 0) (i32.const 1) (i32.const 2)))
	    (drop (memory.atomic.wait32 offset=128 (local.get 0) (i32.const 0) (i64.const -1)))
	    (drop (memory.atomic.wait64 align=8 (local.get 0) (i64.const 0) (i64.const 0x7fffffffffffffff)))
	    (drop (i64.atomic.load32_u offset=16 (local.get 0)))
	    (i64.atomic.store16 (local.get 0) (i64.const 0x8000))
	    (atomic.fence)
	    (memory.atomic.notify offset=8 (local.get 0) (i32.const 1))))`,
	`(module (memory $m 0 65536 shared))`,
	`(module (memory 1)
	  (func
	    (drop (i32.load8_s align=1 (i32.const 0))) (drop (i64.load offset=65535 align=2 (i32.const 0)))
	    (drop (i32.const 0x7fffffff)) (drop (i32.const -0x80000000)) (drop (i32.const 63)) (drop (i32.const -65))
	    (drop (i64.const 0x3fffffffffffffff)) (drop (i64.const -0x4000000000000000))
	    (drop (f32.const nan:0x200000)) (drop (f64.const -inf)) (drop (f32.const -0x1p-149))
	    (drop (v128.const f32x4 1 -2 nan inf)) (drop (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (v128.const i64x2 1 2) (v128.const i64x2 3 4)))
	    (drop (v128.load32_lane offset=4 3 (i32.const 0) (v128.const i32x4 0 0 0 0)))
	    (drop (i64x2.extract_lane 1 (v128.const i64x2 0 0)))))`,
	`(module (global $g (mut i32) (i32.const 0)) (global f64 (f64.const 2)) (global externref (ref.null extern))
	  (global funcref (ref.func 0)) (func (global.set $g (global.get 0)))
	  (export "g" (global $g)) (export "f" (func 0)) (start 0))`,
	`(module (table 0 0xffffffff funcref) (table 1 externref) (func (result i32) (table.grow 1 (ref.null extern) (i32.const 1)))
	  (func (param i32) (result funcref) (table.get 0 (local.get 0))) (func (result i32) (table.size 1)))`,
	`(module (func (local i32 i32 i64 i32) (local i32) (local $a f32) (local f32 f32 v128 externref funcref)))`,
	`(module (type (func (param i32 i32 i32))) (func (type 0) (param i32 i32 i32)))`,
	`(module (func (br_table 0 0 0 0 (i32.const 1))) (func (block (block (br_if 1 (i32.const 0)) (br 0)))))`,
}

// wabtDiffExtraGenerated are generated modules at LEB128 size boundaries:
// bodies and sections of 127/128 and 16383/16384 bytes, many functions.
func wabtDiffExtraGenerated() []string {
	var mods []string
	for _, nops := range []int{122, 123, 124, 125, 126, 16378, 16379, 16380, 16381} {
		mods = append(mods, fmt.Sprintf("(module (func %s))", strings.Repeat("nop ", nops)))
	}
	var b strings.Builder
	b.WriteString("(module (memory 1 1 shared)\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "(func $f%d (param $p i32) (result i32) (i32.atomic.rmw.add offset=%d (local.get $p) (i32.const %d)))\n", i, 4*i, i)
	}
	b.WriteString(")")
	return append(mods, b.String())
}

// wabtDiffExtraFeatureModules need features beyond threads, on both sides.
var wabtDiffExtraFeatureModules = []struct {
	enable []string
	text   string
}{
	{[]string{"memory64"}, `(module (memory i64 1 2 shared)
	  (func (drop (i64.atomic.load offset=0xffffffff (i64.const 0))) (drop (memory.grow (i64.const 1)))))`},
	{[]string{"memory64"}, `(module (memory i64 0x10000) (data (i64.const 0) "a"))`},
	{[]string{"multi-memory"}, `(module (memory 0) (memory $m1 1 1 shared) (data (memory $m1) (i32.const 0) "a")
	  (func (drop (i32.load $m1 (i32.const 0))) (drop (i32.atomic.rmw.add 1 offset=8 (i32.const 0) (i32.const 1)))
	    (memory.copy 1 0 (i32.const 0) (i32.const 0) (i32.const 0))
	    (drop (memory.size 1)) (memory.fill 1 (i32.const 0) (i32.const 0) (i32.const 0))
	    (memory.init 1 0 (i32.const 0) (i32.const 0) (i32.const 0))))`},
	{[]string{"tail-call"}, `(module (type $t (func)) (table 1 funcref) (func $f (return_call $f))
	  (func (return_call_indirect (type $t) (i32.const 0))))`},
}

func TestEncodeMatchesWabtExtra(t *testing.T) {
	wat2wasm := wabtDiffLookPath(t)
	var mods []wabtDiffModule
	for i, text := range append(wabtDiffExtraModules, wabtDiffExtraGenerated()...) {
		mods = append(mods, wabtDiffModule{file: "extra", line: i, text: text})
	}
	for i, fm := range wabtDiffExtraFeatureModules {
		mods = append(mods, wabtDiffModule{file: "extra-features", line: i, text: fm.text, enable: fm.enable})
	}
	s := wabtDiffCompareAll(t, wat2wasm, mods)
	if s.rejected > 0 {
		t.Errorf("wat2wasm rejected %d extra modules: each must be valid for it", s.rejected)
	}
	t.Logf("compared %d extra modules, %d identical (%d with --debug-names)", s.compared, s.identical, s.namesIdentical)
}
