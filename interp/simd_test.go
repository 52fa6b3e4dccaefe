package interp_test

import (
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

func TestSIMD(t *testing.T) {
	inst := instantiate(t, `(module
  (memory 1)
  (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\ff\fe")
  (func (export "add_sat_s") (param v128 v128) (result v128) (i8x16.add_sat_s (local.get 0) (local.get 1)))
  (func (export "shuffle") (param v128 v128) (result v128)
    (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get 0) (local.get 1)))
  (func (export "load8x8_s") (param i32) (result v128) (v128.load8x8_s (local.get 0)))
  (func (export "load_lane") (param i32 v128) (result v128) (v128.load16_lane 7 (local.get 0) (local.get 1)))
  (func (export "extract") (param v128) (result i32) (i16x8.extract_lane_s 7 (local.get 0)))
  (func (export "bitmask") (param v128) (result i32) (i32x4.bitmask (local.get 0)))
  (func (export "dot") (param v128 v128) (result v128) (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))
  (func (export "fmin") (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1)))
  (func (export "narrow") (param v128 v128) (result v128) (i8x16.narrow_i16x8_u (local.get 0) (local.get 1)))
  (func (export "shr_s") (param v128 i32) (result v128) (i64x2.shr_s (local.get 0) (local.get 1)))
  (func (export "const") (result v128) (v128.const i32x4 1 2 3 4))
  (func (export "local") (param v128) (result v128) (local v128)
    (local.set 1 (local.get 0)) (i32x4.add (local.get 1) (local.get 0)))
  (func (export "select") (param v128 v128 i32) (result v128) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "store") (param v128) (result i64) (v128.store offset=32 (i32.const 0) (local.get 0)) (i64.load (i32.const 40)))
  (func (export "oob") (param i32) (result v128) (v128.load (local.get 0))))`)
	v := interp.V128
	expect(t, inst, "add_sat_s", args(v(0x7f80, 0), v(0x0101, 0)), v(0x7f81, 0))
	expect(t, inst, "shuffle", args(v(0x0706050403020100, 0), v(0x1716151413121110, 0)), v(0x1303120211011000, 0x1707160615051404))
	expect(t, inst, "load8x8_s", args(i32(10)), v(0x000d000c000b000a, 0xfffeffff000f000e))
	expect(t, inst, "load_lane", args(i32(16), v(1, 2)), v(1, 0xfeff000000000002))
	expect(t, inst, "extract", args(v(0, 0x8000000000000000)), i32(-32768))
	expect(t, inst, "bitmask", args(v(0x8000000000000000, 0x80000000)), i32(0b0110))
	expect(t, inst, "dot", args(v(0x0000000300000002, 0), v(0x0000000500000004, 0)), v(0x0000000f00000008, 0))
	const negZero, canon = 0x80000000, 0x7fc00000
	expect(t, inst, "fmin", args(v(negZero<<32, canon), v(0, 1)), v(negZero<<32, canon))
	expect(t, inst, "narrow", args(v(0xffff_0100_00ff_8000, 0), v(0, 0x7fff)), v(0x0000000000ffff00, 0x000000ff00000000))
	expect(t, inst, "shr_s", args(v(0x8000000000000000, 4), i32(65)), v(0xc000000000000000, 2))
	expect(t, inst, "const", nil, v(0x0000000200000001, 0x0000000400000003))
	expect(t, inst, "local", args(v(1, 1<<32)), v(2, 2<<32))
	expect(t, inst, "select", args(v(1, 2), v(3, 4), i32(0)), v(3, 4))
	expect(t, inst, "store", args(v(5, 6)), i64(6))
	expectErr(t, inst, "oob", args(i32(65521)), ir.Trap, "out of bounds memory access")
	expect(t, inst, "oob", args(i32(65520)), v(0, 0))
}
