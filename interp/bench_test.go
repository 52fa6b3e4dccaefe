package interp_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/watt-wasm/watt/interp"
)

const loopSrc = `(module
  (func (export "loop") (param $n i64) (result i64) (local $i i64) (local $s i64)
    (loop $l
      (local.set $s (i64.add (local.get $s) (local.get $i)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_s (local.get $i) (local.get $n))))
    (local.get $s)))`

const sieveSrc = `(module
  (memory 1)
  ;; counts the primes below n (n <= 65536) with the sieve of Eratosthenes
  (func (export "sieve") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $c i32)
    (memory.fill (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done (loop $outer
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.load8_u (local.get $i)))
        (then
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block $end (loop $inner
            (br_if $end (i32.ge_u (local.get $j) (local.get $n)))
            (i32.store8 (local.get $j) (i32.const 1))
            (local.set $j (i32.add (local.get $j) (local.get $i)))
            (br $inner)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer)))
    (local.get $c)))`

const matmulSrc = `(module
  (memory 1)
  ;; C = A x B for n x n f64 matrices at 0, n*n*8 and 2*n*n*8 (n <= 50)
  (func (export "matmul") (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32) (local $s f64) (local $b i32) (local $c i32)
    (local.set $b (i32.mul (i32.mul (local.get $n) (local.get $n)) (i32.const 8)))
    (local.set $c (i32.shl (local.get $b) (i32.const 1)))
    ;; A[i][k] = i + k, B[k][j] = k - j
    (local.set $i (i32.const 0))
    (loop $fi
      (local.set $k (i32.const 0))
      (loop $fk
        (f64.store (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3))
          (f64.convert_i32_s (i32.add (local.get $i) (local.get $k))))
        (f64.store (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
          (f64.convert_i32_s (i32.sub (local.get $i) (local.get $k))))
        (br_if $fk (i32.lt_s (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
      (br_if $fi (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $li
      (local.set $j (i32.const 0))
      (loop $lj
        (local.set $s (f64.const 0))
        (local.set $k (i32.const 0))
        (loop $lk
          (local.set $s (f64.add (local.get $s)
            (f64.mul
              (f64.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
              (f64.load (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 3)))))))
          (br_if $lk (i32.lt_s (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
        (f64.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))) (local.get $s))
        (br_if $lj (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
      (br_if $li (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (f64.load (i32.add (local.get $c) (i32.const 8)))))`

func benchCall(b *testing.B, src, name string, want interp.Value, args ...interp.Value) {
	inst := instantiate(b, src)
	f := inst.Func(name)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := f.Call(ctx, args...)
		if err != nil || res[0] != want {
			b.Fatalf("%s = %v, %v; want %v", name, res, err, want)
		}
	}
}

func BenchmarkFib30(b *testing.B) { benchCall(b, fibSrc, "fib", i32(832040), i32(30)) }

// BenchmarkLoop runs 10M iterations of an i64 accumulation loop.
func BenchmarkLoop10M(b *testing.B) {
	benchCall(b, loopSrc, "loop", i64(49999995000000), i64(10_000_000))
}

func BenchmarkSieve(b *testing.B) { benchCall(b, sieveSrc, "sieve", i32(6542), i32(65536)) }

func BenchmarkMatmul(b *testing.B) {
	// C[0][1] = sum_k (0+k)*(k-1) for n = 50
	var want float64
	for k := 0; k < 50; k++ {
		want += float64(k) * float64(k-1)
	}
	benchCall(b, matmulSrc, "matmul", interp.F64(want), i32(50))
}

// BenchmarkCall measures the API boundary: one exported call of a trivial
// function (argument checks, a pooled thread, the result slice).
func BenchmarkCall(b *testing.B) {
	inst := instantiate(b, `(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`)
	f := inst.Func("add")
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.Call(ctx, i32(1), i32(2)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAtomicAddParallel has every goroutine hammer one shared counter
// (1000 i32.atomic.rmw.add per call).
func BenchmarkAtomicAddParallel(b *testing.B) {
	inst := instantiate(b, `(module (memory 1 1 shared)
  (func (export "add") (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))))`)
	f := inst.Func("add")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.Call(context.Background()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// growSrc grows its memory one page at a time up to $pages pages.
const growSrc = `(module (memory 1)
  (func (export "grow") (param $pages i32) (result i32)
    (block $full
      (loop $l
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br_if $l (i32.lt_u (memory.size) (local.get $pages)))))
    (memory.size)))`

// BenchmarkMemoryGrowByPage instantiates an unshared memory of one page and
// grows it to 256 or 2048 pages (128 MiB), one memory.grow per page.
func BenchmarkMemoryGrowByPage(b *testing.B) {
	mod := compile(b, growSrc)
	for _, pages := range []int32{256, 2048} {
		b.Run(strconv.Itoa(int(pages)), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
				if err != nil {
					b.Fatal(err)
				}
				res, err := inst.Call(context.Background(), "grow", i32(pages))
				if err != nil || res[0] != i32(pages) {
					b.Fatalf("grow = %v, %v", res, err)
				}
			}
		})
	}
}

// BenchmarkGlobalLoop runs 1M iterations of a loop that reads and writes
// a mutable global each time, as compiled C does with its stack pointer.
func BenchmarkGlobalLoop(b *testing.B) {
	benchCall(b, `(module (global $sp (mut i32) (i32.const 0))
  (func (export "loop") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (global.set $sp (i32.add (global.get $sp) (i32.const 16)))
      (global.set $sp (i32.sub (global.get $sp) (i32.const 16)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (global.get $sp)))`, "loop", i32(0), i32(1_000_000))
}
