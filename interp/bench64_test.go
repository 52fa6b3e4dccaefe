package interp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
)

// The sieve of BenchmarkSieve on the slower memory paths: on a 64-bit
// memory 0 (i64 addresses and loop variables) and on memory 1 of a
// two-memory module. Compare with BenchmarkSieve (memory 0, 32-bit: the
// loop's inline path).

var sieve64Src = strings.NewReplacer(
	"(memory 1)", "(memory i64 1)",
	"(param $n i32)", "(param $n i64)",
	"(local $i i32) (local $j i32)", "(local $i i64) (local $j i64)",
	"(memory.fill (i32.const 0) (i32.const 0) (local.get $n))", "(memory.fill (i64.const 0) (i32.const 0) (local.get $n))",
	"(local.set $i (i32.const 2))", "(local.set $i (i64.const 2))",
	"(i32.ge_u (local.get $i)", "(i64.ge_u (local.get $i)",
	"(i32.ge_u (local.get $j)", "(i64.ge_u (local.get $j)",
	"(i32.mul (local.get $i) (local.get $i))", "(i64.mul (local.get $i) (local.get $i))",
	"(i32.add (local.get $j) (local.get $i))", "(i64.add (local.get $j) (local.get $i))",
	"(local.set $i (i32.add (local.get $i) (i32.const 1)))", "(local.set $i (i64.add (local.get $i) (i64.const 1)))",
).Replace(sieveSrc)

var sieveMem1Src = strings.NewReplacer(
	"(memory 1)", "(memory 0) (memory 1)",
	"(memory.fill (i32.const 0)", "(memory.fill 1 (i32.const 0)",
	"(i32.load8_u (local.get $i))", "(i32.load8_u 1 (local.get $i))",
	"(i32.store8 (local.get $j)", "(i32.store8 1 (local.get $j)",
).Replace(sieveSrc)

func benchCall3(b *testing.B, src, name string, want interp.Value, args ...interp.Value) {
	f := instantiate3(b, nil, src).Func(name)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := f.Call(ctx, args...)
		if err != nil || res[0] != want {
			b.Fatalf("%s = %v, %v; want %v", name, res, err, want)
		}
	}
}

func BenchmarkSieve64(b *testing.B) { benchCall3(b, sieve64Src, "sieve", i32(6542), i64(65536)) }

func BenchmarkSieveMemory1(b *testing.B) {
	benchCall3(b, sieveMem1Src, "sieve", i32(6542), i32(65536))
}
