package interp_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
)

// TestTrace: a traced module computes what the untraced one does and
// writes one line per executed instruction, with the call depth, the
// function, the pc and the operands' values.
func TestTrace(t *testing.T) {
	var buf bytes.Buffer
	mod := compile(t, fibSrc)
	traced := mod.Trace(&buf)
	inst, err := interp.Instantiate(interp.NewStore(), traced, nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, inst, "fib", args(i32(3)), i32(2))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	// fib(3) runs fib 5 times: 2 of them recurse (7 instructions each),
	// 3 stop at n < 2 (4 each).
	if len(lines) != 2*7+3*4 {
		t.Errorf("%d trace lines, want 26:\n%s", len(lines), buf.String())
	}
	for _, want := range []string{
		"#0. fib:0 | br_i32.ge_s_imm 3, 2 @3", // n < 2 fused into one compare-and-branch
		"#0. fib:3 | i32.sub_imm 3, 1",
		"#0. fib:4 | call $0",
		"#1. fib:0 | br_i32.ge_s_imm 2, 2 @3",
		"#2. fib:1 | copy 1",
		"#1. fib:7 | i32.add 1, 0",
		"#0. fib:7 | i32.add 1, 1",
		"#0. fib:8 | return",
	} {
		if !strings.Contains(buf.String(), want+"\n") {
			t.Errorf("trace lacks %q:\n%s", want, buf.String())
		}
	}
	if lines[len(lines)-1] != "#0. fib:8 | return" {
		t.Errorf("last line %q, want the outermost return", lines[len(lines)-1])
	}

	// The original module is untouched: no trace from its instances.
	buf.Reset()
	plain, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, plain, "fib", args(i32(10)), i32(55))
	if buf.Len() != 0 {
		t.Errorf("untraced module wrote a trace:\n%s", buf.String())
	}
}

// TestTraceOperands covers the operand forms: memory offsets, v128, floats,
// traps (the trapping instruction is the last line).
func TestTraceOperands(t *testing.T) {
	var buf bytes.Buffer
	mod := compile(t, `(module
  (memory 1)
  (func (export "f") (param f64 i64) (result f64)
    (i64.store offset=8 (i32.const 16) (local.get 1))
    (drop (i8x16.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)))
    (f64.mul (local.get 0) (f64.const 2.5)))
  (func (export "oob") (i32.store (i32.const 65536) (i32.const 1))))`).Trace(&buf)
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, inst, "f", args(f64(0x3ff0000000000000), i64(-1)), f64(0x4004000000000000))
	for _, want := range []string{
		"i64.store 16, 18446744073709551615 +8",
		"i8x16.add i32x4:0x00000001 0x00000002 0x00000003 0x00000004, i32x4:0x00000005 0x00000006 0x00000007 0x00000008",
		"f64.mul 1, 2.5",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("trace lacks %q:\n%s", want, buf.String())
		}
	}
	buf.Reset()
	if _, err := inst.Call(context.Background(), "oob"); err == nil {
		t.Fatal("oob did not trap")
	}
	if !strings.HasSuffix(buf.String(), "i32.store 65536, 1 +0\n") {
		t.Errorf("trace does not end with the trapping store:\n%s", buf.String())
	}
}
