package interp_test

import (
	"context"
	"testing"
	"time"

	"github.com/watt-wasm/watt/interp"
)

// GC-heavy workloads: allocation loops of structs and arrays, whose
// objects Go's collector reclaims. Besides time they report the
// allocation rate: objects (and bytes, from -benchmem's B/op) per second
// of wasm execution.

const gcBenchSrc = `(module
  (type $node (struct (field $v (mut i32)) (field $next (mut (ref null $node)))))
  (type $vec (array (mut f64)))
  (type $bytes (array (mut i8)))

  ;; builds a linked list of n nodes, walks it and sums the values, k times
  (func (export "list") (param $n i32) (param $k i32) (result i32)
    (local $i i32) (local $head (ref null $node)) (local $s i32) (local $p (ref null $node))
    (loop $rounds
      (local.set $head (ref.null $node))
      (local.set $i (i32.const 0))
      (loop $build
        (local.set $head (struct.new $node (local.get $i) (local.get $head)))
        (br_if $build (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.set $p (local.get $head))
      (block $done (loop $walk
        (br_on_null $done (local.get $p))
        (local.set $s (i32.add (local.get $s) (struct.get $node $v (ref.as_non_null (local.get $p)))))
        (local.set $p (struct.get $node $next (ref.as_non_null (local.get $p))))
        (br $walk)))
      (br_if $rounds (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
    (local.get $s))

  ;; allocates n short f64 arrays, fills and reads each
  (func (export "arrays") (param $n i32) (result f64)
    (local $a (ref null $vec)) (local $s f64)
    (loop $l
      (local.set $a (array.new $vec (f64.const 1.5) (i32.const 16)))
      (array.set $vec (local.get $a) (i32.const 3) (f64.convert_i32_u (local.get $n)))
      (local.set $s (f64.add (local.get $s) (array.get $vec (local.get $a) (i32.const 3))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))

  ;; copies a growing byte buffer, as a string builder does
  (func (export "bytes") (param $n i32) (result i32)
    (local $buf (ref $bytes)) (local $next (ref $bytes)) (local $len i32)
    (local.set $buf (array.new_default $bytes (i32.const 16)))
    (loop $l
      (if (i32.ge_u (local.get $len) (array.len (local.get $buf)))
        (then
          (local.set $next (array.new_default $bytes (i32.shl (array.len (local.get $buf)) (i32.const 1))))
          (array.copy $bytes $bytes (local.get $next) (i32.const 0) (local.get $buf) (i32.const 0) (local.get $len))
          (local.set $buf (local.get $next))))
      (array.set $bytes (local.get $buf) (local.get $len) (local.get $len))
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $len) (local.get $n))))
    (array.len (local.get $buf)))
)`

// benchGC runs an export b.N times and reports wasm objects allocated per
// second (objects: how many one call allocates).
func benchGC(b *testing.B, name string, objects float64, want interp.Value, args ...interp.Value) {
	inst := instantiateRefs(b, interp.NewStore(), gcBenchSrc, nil)
	f := inst.Func(name)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		res, err := f.Call(ctx, args...)
		if err != nil || res[0] != want {
			b.Fatalf("%s = %v, %v; want %v", name, res, err, want)
		}
	}
	b.ReportMetric(objects*float64(b.N)/time.Since(start).Seconds(), "objects/s")
}

// BenchmarkGCList builds and walks a 1000-node list 100 times a call.
func BenchmarkGCList(b *testing.B) {
	benchGC(b, "list", 100*1000, i32(100*(999*1000/2)), i32(1000), i32(100))
}

// BenchmarkGCArrays allocates 100,000 16-element f64 arrays a call.
func BenchmarkGCArrays(b *testing.B) {
	benchGC(b, "arrays", 100_000, interp.F64(float64(100_000)*float64(100_001)/2), i32(100_000))
}

// BenchmarkGCBytes grows a byte buffer to 1 MiB by doubling, a call.
func BenchmarkGCBytes(b *testing.B) {
	benchGC(b, "bytes", 17, i32(1<<20), i32(1<<20))
}

// BenchmarkThrowCatch throws 10,000 exceptions a call, each caught four
// frames up by a try_table.
func BenchmarkThrowCatch(b *testing.B) {
	inst := instantiateRefs(b, interp.NewStore(), `(module
  (tag $e (param i32))
  (func $thrower (param i32) (result i32) (throw $e (local.get 0)))
  (func $f3 (param i32) (result i32) (call $thrower (local.get 0)))
  (func $f2 (param i32) (result i32) (call $f3 (local.get 0)))
  (func $f1 (param i32) (result i32) (call $f2 (local.get 0)))
  (func (export "run") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (block $h (result i32)
        (try_table (result i32) (catch $e $h) (call $f1 (local.get $n))))
      (local.set $s (i32.add (local.get $s)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`, nil)
	f := inst.Func("run")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := f.Call(context.Background(), i32(10_000))
		if err != nil || res[0] != i32(10_000*10_001/2) {
			b.Fatalf("run = %v, %v", res, err)
		}
	}
}
