package interp_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// Superinstructions (fuse.go) against the instructions they fuse: each
// function comes twice, once as the compiler fuses it and once with the
// first instruction in a block of its own, whose end (a branch target)
// keeps the two apart. Both must give the same results and the same traps
// on inputs at the edges: addresses that wrap around 2^32, accesses that
// straddle the end of memory, compares at the signed and unsigned limits.

// fusePair returns a module with "fused" and "plain" exports of body,
// where %s in body is the first instruction of the pair, unfused in plain.
func fusePair(params, results, body string, first string) string {
	fused := fmt.Sprintf(body, first)
	plain := fmt.Sprintf(body, "(block (result i32) "+first+")")
	return fmt.Sprintf(`(module (memory 1)
		(func (export "fused") %s %s %s)
		(func (export "plain") %s %s %s))`, params, results, fused, params, results, plain)
}

// sameResults calls both exports with args and compares results or trap
// messages.
func sameResults(t *testing.T, inst *interp.Instance, args ...interp.Value) {
	t.Helper()
	ctx := context.Background()
	r1, e1 := inst.Call(ctx, "fused", args...)
	r2, e2 := inst.Call(ctx, "plain", args...)
	msg := func(err error) string {
		var e *ir.Error
		if errors.As(err, &e) {
			m, _, _ := strings.Cut(e.Msg, " (in ")
			return m
		}
		if err != nil {
			return err.Error()
		}
		return ""
	}
	if msg(e1) != msg(e2) || fmt.Sprint(r1) != fmt.Sprint(r2) {
		t.Errorf("%v: fused %v %q, plain %v %q", args, r1, msg(e1), r2, msg(e2))
	}
}

var edgeAddrs = []uint32{0, 1, 7, 65520, 65528, 65532, 65535, 65536, 0x7fffffff, 0xfffffff0, 0xfffffffc, 0xffffffff}

func TestFusedLoads(t *testing.T) {
	type access struct{ op, typ string }
	loads := []access{{"i32.load", "i32"}, {"i64.load", "i64"}, {"f32.load", "f32"}, {"f64.load", "f64"},
		{"i32.load8_s", "i32"}, {"i32.load8_u", "i32"}, {"i32.load16_s", "i32"}, {"i32.load16_u", "i32"},
		{"i64.load8_s", "i64"}, {"i64.load8_u", "i64"}, {"i64.load16_s", "i64"}, {"i64.load16_u", "i64"},
		{"i64.load32_s", "i64"}, {"i64.load32_u", "i64"}}
	for _, ld := range loads {
		for _, offset := range []int{0, 3, 65532} {
			for _, add := range []string{"(i32.add (local.get 0) (i32.const %d))", "(i32.add (local.get 0) (local.get 1))"} {
				for _, k := range []int32{0, 4, -4, 65535} {
					first := add
					if strings.Contains(add, "%d") {
						first = fmt.Sprintf(add, k)
					}
					// Fill memory with a pattern so loads see distinct bytes.
					src := fusePair("(param i32 i32)", "(result "+ld.typ+")",
						fmt.Sprintf(`(%s offset=%d %%s)`, ld.op, offset), first)
					src = strings.Replace(src, "(memory 1)", `(memory 1) (data (i32.const 65520) "\01\82\03\84\05\86\07\88\09\8a\0b\8c\0d\8e\0f\90")`, 1)
					inst := instantiate(t, src)
					for _, a := range edgeAddrs {
						for _, b := range []uint32{0, 4, 0xfffffffc, uint32(k)} {
							sameResults(t, inst, i32(int32(a)), i32(int32(b)))
						}
					}
				}
			}
		}
	}
}

func TestFusedStores(t *testing.T) {
	type access struct {
		op, typ string
		val     interp.Value
	}
	stores := []access{{"i32.store", "i32", i32(-559038737)}, {"i64.store", "i64", i64(0x0123456789abcdef)},
		{"f32.store", "f32", interp.F32(-1.5)}, {"f64.store", "f64", interp.F64(3.25)},
		{"i32.store8", "i32", i32(0x1ff)}, {"i32.store16", "i32", i32(0x1ffff)}, {"i64.store8", "i64", i64(0x1ff)},
		{"i64.store16", "i64", i64(0x1ffff)}, {"i64.store32", "i64", i64(0x1ffffffff)}}
	for _, st := range stores {
		for _, offset := range []int{0, 5} {
			for _, add := range []string{"(i32.add (local.get 0) (i32.const %d))", "(i32.add (local.get 0) (local.get 1))"} {
				for _, k := range []int32{0, 8, -8} {
					first := add
					if strings.Contains(add, "%d") {
						first = fmt.Sprintf(add, k)
					}
					// Store, then read back the words around it (or trap).
					body := fmt.Sprintf(`(%s offset=%d %%s (local.get 2)) (i64.load (i32.const 65520))`, st.op, offset)
					body += ` (i64.load (i32.const 65528)) (i64.xor)`
					inst := instantiate(t, fusePair("(param i32 i32 "+st.typ+")", "(result i64)", body, first))
					for _, a := range []uint32{65520, 65528, 65531, 65535, 0xfffffff8, 0xffffffff} {
						for _, b := range []uint32{0, 8, 0xfffffff8} {
							sameResults(t, inst, i32(int32(a)), i32(int32(b)), st.val)
						}
					}
				}
			}
		}
	}
}

// TestFusedCounters: an addition into a loop counter and the
// compare-and-branch on it, every compare, both operand orders, a
// register or an immediate bound, an immediate or a register step, the
// branch backward (br_if to the loop), forward (br_if out) or negated
// (if); a second counter stops the loop after 100 rounds.
func TestFusedCounters(t *testing.T) {
	cmps := []string{"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"}
	starts := []int32{0, -3, 2147483645, -2147483647, 5}
	bounds := []int32{0, 3, -1, 2147483647, -2147483648, 7}
	for _, cmp := range cmps {
		for _, form := range []string{
			"(i32.%s (local.get 0) (local.get 1))",
			"(i32.%s (local.get 1) (local.get 0))",
			"(i32.%s (local.get 0) (i32.const 3))",
			"(i32.%s (local.get 0) (i32.const -2147483648))",
		} {
			cond := fmt.Sprintf(form, cmp)
			for _, step := range []string{"(i32.const 1)", "(i32.const -1)", "(i32.const 1073741824)", "(local.get 2)"} {
				first := "(i32.add (local.get 0) " + step + ")"
				for _, branch := range []string{
					"(br_if $l " + cond + ")",
					"(br_if $exit " + cond + ") (br $l)",
					"(if " + cond + " (then (br $exit))) (br $l)",
				} {
					body := `(local $n i32)
						(block $exit (loop $l
							(local.set $n (i32.add (local.get $n) (i32.const 1)))
							(br_if $exit (i32.ge_u (local.get $n) (i32.const 100)))
							(local.set 0 %s)
							` + branch + `))
						(i32.add (i32.mul (local.get $n) (i32.const 65536)) (local.get 0))`
					inst := instantiate(t, fusePair("(param i32 i32 i32)", "(result i32)", body, first))
					for _, s := range starts {
						for _, b := range bounds {
							sameResults(t, inst, i32(s), i32(b), i32(b))
						}
					}
				}
			}
		}
	}
}

// TestFusedCode: the fusions happen (the tests above would pass without
// them).
func TestFusedCode(t *testing.T) {
	mod := compile(t, `(module (memory 1)
		(func (param i32 i32) (result i32)
			(i32.load offset=4 (i32.add (local.get 0) (i32.const 8)))
			(i32.load16_u (i32.add (local.get 0) (local.get 1)))
			(i32.store (i32.add (local.get 0) (i32.const 12)) (local.get 1))
			(i32.store16 (i32.add (local.get 0) (local.get 1)) (local.get 0))
			(loop $l
				(local.set 0 (i32.add (local.get 0) (i32.const 1)))
				(br_if $l (i32.lt_u (local.get 0) (local.get 1))))
			(i32.add)))`)
	d := mod.Disassemble()
	for _, want := range []string{"i32.load           a=2 b=0 c=8 imm=4", "i32.load16_u_add   a=3 b=0 c=1",
		"i32.store          a=12 b=0 c=1", "i32.store16_add    a=1 b=0 c=0", "add_imm.br_lt_u    a=0 b=0 c=1 imm="} {
		if !strings.Contains(d, want) {
			t.Errorf("no %q in\n%s", want, d)
		}
	}
}

// TestZeroLocals: setting a declared local to zero before any branch
// target, while nothing wrote it since entry, compiles to nothing; after
// a write, a join or in a loop it must still happen.
func TestZeroLocals(t *testing.T) {
	inst := instantiate(t, `(module
		(func $z (export "z") (param i32) (result i32) (local i32 i64 f64)
			(local.set 1 (i32.const 0))
			(local.set 2 (i64.const 0))
			(local.set 1 (i32.add (local.get 1) (local.get 0)))
			(local.set 1 (i32.const 0))
			(if (local.get 0) (then (local.set 1 (i32.const 7))))
			(local.set 1 (local.tee 1 (i32.const 0)))
			(f64.eq (local.get 3) (f64.const 0))
			(i32.add (local.get 1))
			(i32.add (i32.wrap_i64 (local.get 2))))
		(func (export "loop") (param i32) (result i32) (local i32 i32)
			(loop $l
				(local.set 2 (i32.add (local.get 2) (local.get 1)))
				(local.set 1 (i32.const 0))
				(local.set 1 (i32.add (local.get 1) (i32.const 5)))
				(br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
			(local.get 2))
		(func (export "again") (param i32) (result i32) (local i32)
			(local.set 1 (i32.const 0))
			(if (i32.gt_u (local.get 0) (i32.const 0))
				(then (local.set 1 (call $z (i32.const 3)))))
			(local.get 1)))`)
	for _, n := range []int32{0, 1, 9} {
		expect(t, inst, "z", args(i32(n)), i32(1))
		expect(t, inst, "again", args(i32(n)), i32(min(n, 1)))
	}
	expect(t, inst, "loop", args(i32(4)), i32(15))
	mod := compile(t, `(module (func (local i32) (local.set 0 (i32.const 0))))`)
	if d := mod.Disassemble(); strings.Contains(d, "const") {
		t.Errorf("local.set of zero at entry compiled to code:\n%s", d)
	}
}

// TestConstSlots: constants that loops use other than as immediates (and
// constant addresses) live in slots the function's entry fills; every
// frame has its own, recursive ones included.
func TestConstSlots(t *testing.T) {
	inst := instantiate(t, `(module (memory 1)
		(func $f (export "f") (param i32 i32) (result i64) (local i64 f64)
			(local.set 2 (i64.const 1))
			(local.set 3 (f64.const 1))
			(loop $l
				(i32.store8 offset=100 (local.get 0) (i32.const 0xab))
				(local.set 2 (i64.rotl (i64.add (local.get 2) (i64.load offset=96 (i32.const 0))) (i64.const 61)))
				(local.set 3 (f64.mul (local.get 3) (f64.const 1.5)))
				(br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
			(local.get 2)
			(i64.trunc_f64_s (local.get 3))
			(i64.add)
			(if (result i64) (local.get 1)
				(then (call $f (i32.const 2) (i32.sub (local.get 1) (i32.const 1))))
				(else (i64.const 1000)))
			(i64.add)))`)
	// The same in Go.
	mem := make([]byte, 256)
	var f func(n, depth int32) int64
	f = func(n, depth int32) int64 {
		x, y := uint64(1), 1.0
		for {
			mem[100+n] = 0xab
			v := uint64(0)
			for i := 7; i >= 0; i-- {
				v = v<<8 | uint64(mem[96+i])
			}
			x = bits.RotateLeft64(x+v, 61)
			y *= 1.5
			if n--; n == 0 {
				break
			}
		}
		r := int64(x) + int64(y)
		if depth != 0 {
			return r + f(2, depth-1)
		}
		return r + 1000
	}
	for _, depth := range []int32{0, 1, 5} {
		for _, n := range []int32{1, 3, 8} {
			expect(t, inst, "f", args(i32(n), i32(depth)), i64(f(n, depth)))
		}
	}
	if d := compile(t, `(module (func (param i32) (loop (br_if 0 (i32.lt_s (i32.const 3) (local.get 0))))))`).Disassemble(); !strings.Contains(d, "consts=[3]") {
		t.Errorf("no constant slot for a loop's constant operand:\n%s", d)
	}
}

// TestFusedArithmetic: multiply-adds, shifts feeding masks and xors, and
// rotations by constants, against their unfused pairs.
func TestFusedArithmetic(t *testing.T) {
	type pair struct{ typ, body, first string }
	pairs := []pair{
		{"i32", "(i32.add %s (local.get 2))", "(i32.mul (local.get 0) (local.get 1))"},
		{"i32", "(i32.add (local.get 2) %s)", "(i32.mul (local.get 0) (local.get 1))"},
		{"i64", "(i64.add %s (local.get 2))", "(i64.mul (local.get 0) (local.get 1))"},
		{"i64", "(i64.add (local.get 2) %s)", "(i64.mul (local.get 0) (local.get 1))"},
		{"i32", "(i32.and %s (i32.const 0x7f))", "(i32.shr_u (local.get 0) (i32.const 37))"},
		{"i32", "(i32.xor %s (local.get 2))", "(i32.shl (local.get 0) (i32.const 13))"},
		{"i32", "(i32.xor (local.get 1) %s)", "(i32.shr_u (local.get 0) (i32.const 17))"},
		{"i64", "(i64.xor %s (local.get 0))", "(i64.shl (local.get 0) (i64.const 77))"},
		{"i64", "(i64.xor (local.get 2) %s)", "(i64.shr_u (local.get 1) (i64.const 7))"},
		{"i32", "(i32.add %s (i32.const 525328))", "(i32.shl (local.get 0) (i32.const 34))"},
		{"i32", "(i32.shl %s (i32.const 2))", "(i32.and (local.get 0) (i32.const 0xff))"},
		{"i32", "(i32.add %s (i32.const -8))", "(i32.shl (i32.and (local.get 1) (i32.const 0xfff0)) (i32.const 3))"},
	}
	vals := []uint64{0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x123456789abcdef0, 0xffffffffffffffff}
	for _, p := range pairs {
		src := fusePair("(param "+p.typ+" "+p.typ+" "+p.typ+")", "(result "+p.typ+")", p.body, p.first)
		src = strings.ReplaceAll(src, "(block (result i32)", "(block (result "+p.typ+")")
		if d := compile(t, src).Disassemble(); !strings.Contains(d, "_add ") && !strings.Contains(d, "_and ") && !strings.Contains(d, "_xor ") &&
			!strings.Contains(d, "_imm ") {
			t.Errorf("%s: not fused:\n%s", p.first, d)
		}
		inst := instantiate(t, src)
		v := func(x uint64) interp.Value {
			if p.typ == "i32" {
				return i32(int32(x))
			}
			return i64(int64(x))
		}
		for _, x := range vals {
			for _, y := range vals {
				sameResults(t, inst, v(x), v(y), v(x^y))
			}
		}
	}
	inst := instantiate(t, `(module
		(func (export "r") (param i32 i64) (result i64)
			(i64.extend_i32_u (i32.rotl (local.get 0) (i32.const 35)))
			(i64.extend_i32_u (i32.rotr (local.get 0) (i32.const 3)))
			(i64.xor)
			(i64.xor (i64.rotl (local.get 1) (i64.const 61)))
			(i64.add (i64.rotr (local.get 1) (i64.const -1)))))`)
	for _, x := range vals {
		a, b := uint32(x), x*3
		want := uint64(bits.RotateLeft32(a, 3)) ^ uint64(bits.RotateLeft32(a, -3)) ^ bits.RotateLeft64(b, 61)
		want += bits.RotateLeft64(b, 1)
		expect(t, inst, "r", args(i32(int32(a)), i64(int64(b))), i64(int64(want)))
	}
}

// TestFusedFloat: a multiply feeding an add (rounded in between, never
// fused into one rounding) and a multiply by a loaded value, against
// their pairs; the load traps the same way out of bounds.
func TestFusedFloat(t *testing.T) {
	src := fusePair("(param f64 f64 f64)", "(result f64)", "(f64.add %s (local.get 2))", "(f64.mul (local.get 0) (local.get 1))")
	inst := instantiate(t, strings.ReplaceAll(src, "(block (result i32)", "(block (result f64)"))
	vals := []float64{0, -0.0, 1, 1.0 / 3, 1e308, -1e308, 5e-324, math.Inf(1), math.NaN(), 0.1}
	for _, x := range vals {
		for _, y := range vals {
			for _, z := range []float64{0, -1.0 / 9, 1e308} {
				sameResults(t, inst, interp.F64(x), interp.F64(y), interp.F64(z))
			}
		}
	}
	// (0.1*3)+(-0.3) is 5.55e-17 rounded twice, 2.8e-17 fused.
	inst = instantiate(t, `(module (func (export "f") (param f64 f64 f64) (result f64)
		(f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2))))`)
	x, y, z := 0.1, 3.0, -0.3
	expect(t, inst, "f", args(interp.F64(x), interp.F64(y), interp.F64(z)), interp.F64(float64(x*y)+z))
	if float64(x*y)+z == math.FMA(x, y, z) {
		t.Fatal("the test's numbers do not tell fused from unfused")
	}

	src = fusePair("(param i32 i32 f64)", "(result f64)", "(f64.mul (local.get 2) (f64.load offset=8 %s))", "(i32.add (local.get 0) (local.get 1))")
	inst = instantiate(t, strings.Replace(strings.ReplaceAll(src, "(block (result i32)", "(block (result i32)"),
		"(memory 1)", `(memory 1) (data (i32.const 65512) "\00\00\00\00\00\00\f8\3f\00\00\00\00\00\00\04\c0")`, 1))
	for _, a := range []uint32{65504, 65512, 65520, 65528, 0xfffffff8} {
		for _, b := range []uint32{0, 8, 0xfffffff8} {
			sameResults(t, inst, i32(int32(a)), i32(int32(b)), interp.F64(2.5))
		}
	}
}

// TestFusedCopies: copies in pairs and a call's argument copy, with
// arguments permuted and locals rotated (each copy sees the ones before).
func TestFusedCopies(t *testing.T) {
	inst := instantiate(t, `(module
		(func $six (param i32 i32 i32 i32 i32 i32) (result i32)
			(i32.add (i32.mul (local.get 0) (i32.const 100000))
			(i32.add (i32.mul (local.get 1) (i32.const 10000))
			(i32.add (i32.mul (local.get 2) (i32.const 1000))
			(i32.add (i32.mul (local.get 3) (i32.const 100))
			(i32.add (i32.mul (local.get 4) (i32.const 10)) (local.get 5)))))))
		(func (export "perm") (param i32 i32 i32 i32 i32 i32) (result i32)
			(call $six (local.get 5) (local.get 3) (local.get 1) (local.get 0) (local.get 2) (local.get 4)))
		(func (export "rot") (param i32 i32 i32 i32) (result i32) (local i32)
			(loop $l
				(local.set 4 (local.get 0))
				(local.set 0 (local.get 1))
				(local.set 1 (local.get 2))
				(local.set 2 (local.get 4))
				(br_if $l (local.tee 3 (i32.sub (local.get 3) (i32.const 1)))))
			(i32.add (i32.mul (local.get 0) (i32.const 100))
				(i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2)))))`)
	expect(t, inst, "perm", args(i32(1), i32(2), i32(3), i32(4), i32(5), i32(6)), i32(642135))
	expect(t, inst, "rot", args(i32(1), i32(2), i32(3), i32(1)), i32(231))
	expect(t, inst, "rot", args(i32(1), i32(2), i32(3), i32(2)), i32(312))
	expect(t, inst, "rot", args(i32(1), i32(2), i32(3), i32(3)), i32(123))
	d := compile(t, `(module (func $f (param i32 i32 i32))
		(func (param i32 i32 i32) (call $f (local.get 2) (local.get 1) (local.get 0))))`).Disassemble()
	if !strings.Contains(d, "copy_copy") || !strings.Contains(d, "copy.call") {
		t.Errorf("argument copies not fused:\n%s", d)
	}
}
