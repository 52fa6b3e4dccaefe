package interp_test

import (
	"math"
	"testing"

	"github.com/watt-wasm/watt/interp"
)

const fibSrc = `(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))`

func TestFib(t *testing.T) {
	inst := instantiate(t, fibSrc)
	for n, want := range []int32{0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55} {
		expect(t, inst, "fib", args(i32(int32(n))), i32(want))
	}
	expect(t, inst, "fib", args(i32(25)), i32(75025))
}

func TestControlFlow(t *testing.T) {
	inst := instantiate(t, `(module
  (func (export "sum") (param $n i64) (result i64) (local $s i64)
    (block $done
      (loop $top
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $s (i64.add (local.get $s) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $top)))
    (local.get $s))
  (func (export "switch") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get 0)))
      (return (i32.const 100)))
      (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const 103))
  (func (export "brvalue") (param i32) (result i32)
    (i32.add (i32.const 1)
      (block (result i32)
        (drop (br_if 0 (i32.const 10) (local.get 0)))
        (i32.const 20))))
  (func (export "multi") (param i32 i32) (result i32 i32)
    (local.get 1) (local.get 0))
  (func (export "blockparams") (param i32) (result i32)
    (local.get 0)
    (block (param i32) (result i32) (i32.const 2) (i32.mul))
    (loop (param i32) (result i32) (i32.const 3) (i32.add)))
  (func (export "select") (param i32) (result i64)
    (select (i64.const 7) (i64.const 8) (local.get 0)))
  (func (export "tee") (param i32) (result i32) (local i32)
    (i32.add (local.tee 1 (i32.mul (local.get 0) (i32.const 3))) (local.get 1)))
  (func (export "swap-lazy") (param i32 i32) (result i32)
    ;; local.get is lazy: the set must not change the pushed value
    (local.get 0)
    (local.set 0 (local.get 1))
    (local.get 0)
    (i32.sub))
  (func (export "if-noelse") (param i32) (result i32) (local i32)
    (if (local.get 0) (then (local.set 1 (i32.const 5))))
    (local.get 1))
  (func (export "ret-from-loop") (param i32) (result i32)
    (loop $l
      (if (i32.gt_u (local.get 0) (i32.const 10)) (then (return (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 3)))
      (br $l))
    (i32.const -1))
  (func (export "br-table-return") (param i32) (result i32)
    (i32.const 42)
    (br_table 0 0 (local.get 0))))`)
	expect(t, inst, "sum", args(i64(100)), i64(5050))
	for i, want := range []int32{100, 101, 102, 103, 103} {
		expect(t, inst, "switch", args(i32(int32(i))), i32(want))
	}
	expect(t, inst, "switch", args(i32(-1)), i32(103))
	expect(t, inst, "brvalue", args(i32(1)), i32(11))
	expect(t, inst, "brvalue", args(i32(0)), i32(21))
	expect(t, inst, "multi", args(i32(1), i32(2)), i32(2), i32(1))
	expect(t, inst, "blockparams", args(i32(5)), i32(13))
	expect(t, inst, "select", args(i32(1)), i64(7))
	expect(t, inst, "select", args(i32(0)), i64(8))
	expect(t, inst, "tee", args(i32(4)), i32(24))
	expect(t, inst, "swap-lazy", args(i32(10), i32(3)), i32(7))
	expect(t, inst, "if-noelse", args(i32(1)), i32(5))
	expect(t, inst, "if-noelse", args(i32(0)), i32(0))
	expect(t, inst, "ret-from-loop", args(i32(0)), i32(12))
	expect(t, inst, "br-table-return", args(i32(0)), i32(42))
	expect(t, inst, "br-table-return", args(i32(9)), i32(42))
}

func TestIntegerOps(t *testing.T) {
	inst := instantiate(t, `(module
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "div_u64") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "div_s64") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "rem_s64") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
  (func (export "shr_s") (param i32 i32) (result i32) (i32.shr_s (local.get 0) (local.get 1)))
  (func (export "rotr") (param i32 i32) (result i32) (i32.rotr (local.get 0) (local.get 1)))
  (func (export "rotl64") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1)))
  (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0)))
  (func (export "ctz64") (param i64) (result i64) (i64.ctz (local.get 0)))
  (func (export "popcnt") (param i32) (result i32) (i32.popcnt (local.get 0)))
  (func (export "ext8") (param i32) (result i32) (i32.extend8_s (local.get 0)))
  (func (export "ext32") (param i64) (result i64) (i64.extend32_s (local.get 0)))
  (func (export "extu") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
  (func (export "exts") (param i32) (result i64) (i64.extend_i32_s (local.get 0)))
  (func (export "wrap") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
  (func (export "lt_u_imm") (param i32) (result i32) (i32.lt_u (local.get 0) (i32.const -1)))
  (func (export "add_imm") (param i32) (result i32) (i32.add (local.get 0) (i32.const 0x7fffffff)))
  (func (export "shr_u_imm") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 65))))`)
	expect(t, inst, "div_s", args(i32(-7), i32(2)), i32(-3))
	expect(t, inst, "rem_s", args(i32(-7), i32(2)), i32(-1))
	expect(t, inst, "rem_s", args(i32(math.MinInt32), i32(-1)), i32(0))
	expectErr(t, inst, "div_s", args(i32(1), i32(0)), 4, "integer divide by zero")
	expectErr(t, inst, "div_s", args(i32(math.MinInt32), i32(-1)), 4, "integer overflow")
	expectErr(t, inst, "div_s64", args(i64(math.MinInt64), i64(-1)), 4, "integer overflow")
	expectErr(t, inst, "rem_s64", args(i64(5), i64(0)), 4, "integer divide by zero")
	expect(t, inst, "rem_s64", args(i64(math.MinInt64), i64(-1)), i64(0))
	expect(t, inst, "div_u64", args(i64(-1), i64(2)), i64(math.MaxInt64))
	expect(t, inst, "shl", args(i32(1), i32(33)), i32(2))
	expect(t, inst, "shr_s", args(i32(-8), i32(1)), i32(-4))
	expect(t, inst, "rotr", args(i32(1), i32(1)), i32(math.MinInt32))
	expect(t, inst, "rotl64", args(i64(math.MinInt64), i64(65)), i64(1))
	expect(t, inst, "clz", args(i32(0)), i32(32))
	expect(t, inst, "ctz64", args(i64(0)), i64(64))
	expect(t, inst, "popcnt", args(i32(-1)), i32(32))
	expect(t, inst, "ext8", args(i32(0x80)), i32(-128))
	expect(t, inst, "ext32", args(i64(0x80000000)), i64(-0x80000000))
	expect(t, inst, "extu", args(i32(-1)), i64(0xffffffff))
	expect(t, inst, "exts", args(i32(-1)), i64(-1))
	expect(t, inst, "wrap", args(i64(0x1_0000_0005)), i32(5))
	expect(t, inst, "lt_u_imm", args(i32(5)), i32(1))
	expect(t, inst, "lt_u_imm", args(i32(-1)), i32(0))
	expect(t, inst, "add_imm", args(i32(1)), i32(math.MinInt32))
	expect(t, inst, "shr_u_imm", args(i64(4)), i64(2))
}

func TestFloatOps(t *testing.T) {
	inst := instantiate(t, `(module
  (func (export "min32") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "max32") (param f32 f32) (result f32) (f32.max (local.get 0) (local.get 1)))
  (func (export "min64") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
  (func (export "max64") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
  (func (export "nearest32") (param f32) (result f32) (f32.nearest (local.get 0)))
  (func (export "nearest64") (param f64) (result f64) (f64.nearest (local.get 0)))
  (func (export "sqrt32") (param f32) (result f32) (f32.sqrt (local.get 0)))
  (func (export "neg32") (param f32) (result f32) (f32.neg (local.get 0)))
  (func (export "abs64") (param f64) (result f64) (f64.abs (local.get 0)))
  (func (export "copysign32") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
  (func (export "add32") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
  (func (export "ceil32") (param f32) (result f32) (f32.ceil (local.get 0)))
  (func (export "trunc64") (param f64) (result f64) (f64.trunc (local.get 0)))
  (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
  (func (export "promote") (param f32) (result f64) (f64.promote_f32 (local.get 0)))
  (func (export "eq64") (param f64 f64) (result i32) (f64.eq (local.get 0) (local.get 1)))
  (func (export "ne32") (param f32 f32) (result i32) (f32.ne (local.get 0) (local.get 1)))
  (func (export "convert_u64") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
  (func (export "convert_s64") (param i64) (result f64) (f64.convert_i64_s (local.get 0))))`)
	const (
		negZero32 = 0x80000000
		canon32   = 0x7fc00000
		snan32    = 0x7fa00000
		negZero64 = 0x8000000000000000
		canon64   = 0x7ff8000000000000
	)
	expect(t, inst, "min32", args(f32(0), f32(negZero32)), f32(negZero32))
	expect(t, inst, "min32", args(f32(negZero32), f32(0)), f32(negZero32))
	expect(t, inst, "max32", args(f32(negZero32), f32(0)), f32(0))
	expect(t, inst, "min32", args(f32(canon32), f32(0)), f32(canon32))
	expect(t, inst, "max32", args(interp.F32(1), f32(snan32)), f32(snan32|0x400000))
	expect(t, inst, "min64", args(f64(negZero64), f64(0)), f64(negZero64))
	expect(t, inst, "max64", args(f64(negZero64), f64(0)), f64(0))
	expect(t, inst, "max64", args(interp.F64(1), f64(canon64)), f64(canon64))
	expect(t, inst, "nearest32", args(interp.F32(2.5)), interp.F32(2))
	expect(t, inst, "nearest32", args(interp.F32(3.5)), interp.F32(4))
	expect(t, inst, "nearest32", args(interp.F32(-0.5)), f32(negZero32))
	expect(t, inst, "nearest64", args(interp.F64(-2.5)), interp.F64(-2))
	expect(t, inst, "nearest64", args(interp.F64(4503599627370497)), interp.F64(4503599627370497))
	expect(t, inst, "nearest32", args(f32(snan32)), f32(snan32|0x400000))
	expect(t, inst, "sqrt32", args(interp.F32(4)), interp.F32(2))
	expect(t, inst, "neg32", args(f32(snan32)), f32(snan32|negZero32))
	expect(t, inst, "abs64", args(f64(negZero64|canon64)), f64(canon64))
	expect(t, inst, "copysign32", args(interp.F32(3), f32(negZero32)), interp.F32(-3))
	expect(t, inst, "add32", args(interp.F32(0.1), interp.F32(0.2)), interp.F32(float32(0.1)+float32(0.2)))
	expect(t, inst, "ceil32", args(interp.F32(-0.5)), f32(negZero32))
	expect(t, inst, "trunc64", args(interp.F64(-1.5)), interp.F64(-1))
	expect(t, inst, "demote", args(interp.F64(1e300)), interp.F32(float32(math.Inf(1))))
	expect(t, inst, "demote", args(f64(canon64)), f32(canon32))
	expect(t, inst, "promote", args(f32(canon32)), f64(canon64))
	expect(t, inst, "eq64", args(f64(canon64), f64(canon64)), i32(0))
	expect(t, inst, "ne32", args(f32(canon32), f32(canon32)), i32(1))
	expect(t, inst, "convert_u64", args(i64(-1)), interp.F32(18446744073709551616.0))
	// Round to nearest even past the 24-bit mantissa, without double rounding.
	expect(t, inst, "convert_u64", args(i64(-0x7fffff7fffffffff)), interp.F32(float32(uint64(0x8000008000000001))))
	expect(t, inst, "convert_s64", args(i64(math.MinInt64)), interp.F64(-9223372036854775808.0))
}

func TestTruncation(t *testing.T) {
	inst := instantiate(t, `(module
  (func (export "i32_s_f32") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "i32_u_f64") (param f64) (result i32) (i32.trunc_f64_u (local.get 0)))
  (func (export "i32_s_f64") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "i64_s_f64") (param f64) (result i64) (i64.trunc_f64_s (local.get 0)))
  (func (export "i64_u_f32") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
  (func (export "sat_i32_s") (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0)))
  (func (export "sat_i64_u") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0))))`)
	expect(t, inst, "i32_s_f32", args(interp.F32(-2147483648)), i32(math.MinInt32))
	expectErr(t, inst, "i32_s_f32", args(interp.F32(2147483648)), 4, "integer overflow")
	expectErr(t, inst, "i32_s_f32", args(f32(0x7fc00000)), 4, "invalid conversion to integer")
	expect(t, inst, "i32_u_f64", args(interp.F64(-0.9)), i32(0))
	expect(t, inst, "i32_u_f64", args(interp.F64(4294967295.9)), i32(-1))
	expectErr(t, inst, "i32_u_f64", args(interp.F64(-1)), 4, "integer overflow")
	expect(t, inst, "i32_s_f64", args(interp.F64(-2147483648.9)), i32(math.MinInt32))
	expectErr(t, inst, "i32_s_f64", args(interp.F64(-2147483649)), 4, "integer overflow")
	expectErr(t, inst, "i64_s_f64", args(interp.F64(9223372036854775808.0)), 4, "integer overflow")
	expect(t, inst, "i64_s_f64", args(interp.F64(-9223372036854775808.0)), i64(math.MinInt64))
	expect(t, inst, "i64_u_f32", args(interp.F32(18446742974197923840.0)), i64(-1099511627776))
	expect(t, inst, "sat_i32_s", args(interp.F32(3e9)), i32(math.MaxInt32))
	expect(t, inst, "sat_i32_s", args(interp.F32(-3e9)), i32(math.MinInt32))
	expect(t, inst, "sat_i32_s", args(f32(0xffc00000)), i32(0))
	expect(t, inst, "sat_i64_u", args(interp.F64(-5)), i64(0))
	expect(t, inst, "sat_i64_u", args(interp.F64(1e30)), i64(-1))
}

func TestConstantsAreZeroExtended(t *testing.T) {
	// An i32 constant must read back the same through every path: as an
	// operand, stored in a local, widened, and returned.
	inst := instantiate(t, `(module
  (func (export "widen") (result i64) (i64.extend_i32_u (i32.const -1)))
  (func (export "viaLocal") (result i64) (local i32)
    (local.set 0 (i32.const -2)) (i64.extend_i32_u (local.get 0)))
  (func (export "ret") (result i32) (i32.const -3))
  (func (export "f32") (result i32) (i32.reinterpret_f32 (f32.const -1)))
  (func (export "eq") (param i32) (result i32) (i32.eq (local.get 0) (i32.const -1))))`)
	expect(t, inst, "widen", nil, i64(0xffffffff))
	expect(t, inst, "viaLocal", nil, i64(0xfffffffe))
	expect(t, inst, "ret", nil, i32(-3))
	expect(t, inst, "f32", nil, i32(-0x40800000))
	expect(t, inst, "eq", args(i32(-1)), i32(1))
}

func TestFloatBranchesWithNaN(t *testing.T) {
	// Fused float compare-and-branch: "not less" is not "greater or equal"
	// once NaN is involved, in if, br_if and loops alike.
	inst := instantiate(t, `(module
  (func (export "if_lt") (param f64 f64) (result i32)
    (if (result i32) (f64.lt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
  (func (export "brif_ge") (param f32 f32) (result i32)
    (block (result i32) (br_if 0 (i32.const 1) (f32.ge (local.get 0) (local.get 1))) (drop) (i32.const 0)))
  (func (export "if_ne") (param f32 f32) (result i32)
    (if (result i32) (f32.ne (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
  (func (export "halvings") (param $x f64) (result i32) (local $n i32)
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $x (f64.mul (local.get $x) (f64.const 0.5)))
      (br_if $l (f64.gt (local.get $x) (f64.const 1))))
    (local.get $n)))`)
	nan32, nan64 := f32(0x7fc00000), f64(0x7ff8000000000000)
	expect(t, inst, "if_lt", args(interp.F64(1), interp.F64(2)), i32(1))
	expect(t, inst, "if_lt", args(interp.F64(2), interp.F64(1)), i32(0))
	expect(t, inst, "if_lt", args(nan64, interp.F64(1)), i32(0))
	expect(t, inst, "if_lt", args(interp.F64(1), nan64), i32(0))
	expect(t, inst, "brif_ge", args(interp.F32(2), interp.F32(2)), i32(1))
	expect(t, inst, "brif_ge", args(nan32, interp.F32(2)), i32(0))
	expect(t, inst, "if_ne", args(nan32, nan32), i32(1))
	expect(t, inst, "if_ne", args(interp.F32(0), f32(0x80000000)), i32(0))
	expect(t, inst, "halvings", args(interp.F64(1024)), i32(10))
	expect(t, inst, "halvings", args(nan64), i32(1))
}
