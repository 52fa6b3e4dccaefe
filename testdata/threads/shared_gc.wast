;; Threads sharing an instance whose globals and tables hold references:
;; GC structs and arrays, i31 values, functions and exceptions cross from
;; one goroutine to another through them. WebAssembly 3.0 objects are
;; per-thread, but a script's (thread … (shared (module $M))) lets several
;; threads use one instance, and through it one object. Plain accesses
;; race by design (no total is asserted where interleavings differ); the
;; interpreter must stay memory-safe, and under `go test -race` the run
;; must be reported clean.

(module $M
  (type $pair (struct (field $n (mut i32)) (field $next (mut (ref null $pair)))
                      (field $v (mut v128)) (field $b (mut i8)) (field $any (mut anyref))))
  (type $arr (array (mut anyref)))
  (type $bytes (array (mut i8)))
  (type $ret (func (result i32)))
  (tag $boom (param (ref null $pair) i32))

  (global $p (mut (ref null $pair)) (ref.null $pair))
  (global $a (mut (ref null $arr)) (ref.null $arr))
  (global $s (mut (ref null $bytes)) (ref.null $bytes))
  (global $f (mut (ref null $ret)) (ref.func $seven))
  (global $x (mut exnref) (ref.null exn))
  (global $e (mut externref) (ref.null extern))
  (table $t 1 1000 (ref null $pair))
  (table $fs 4 (ref null $ret) (ref.func $seven))

  (func $seven (type $ret) (i32.const 7))
  (func $eight (type $ret) (i32.const 8))
  (elem declare func $seven $eight)

  (func (export "init")
    (global.set $p (struct.new $pair (i32.const 0) (ref.null $pair) (v128.const i64x2 0 0) (i32.const 0) (ref.i31 (i32.const 1))))
    (global.set $a (array.new $arr (ref.i31 (i32.const 3)) (i32.const 64)))
    (global.set $s (array.new_default $bytes (i32.const 256))))

  ;; n rounds over the shared objects; returns how many calls through the
  ;; shared function references returned 7 or 8 (all of them)
  (func (export "work") (param $n i32) (result i32)
    (local $i i32) (local $ok i32) (local $q (ref null $pair))
    (loop $l
      ;; a fresh struct, linked in front of the shared one, published
      (local.set $q (struct.new $pair (local.get $i) (global.get $p)
        (v128.const i64x2 1 -1) (local.get $i) (array.new_fixed $arr 1 (ref.i31 (local.get $i)))))
      (global.set $p (local.get $q))
      ;; fields of the shared struct, read and written by every thread
      (struct.set $pair $n (global.get $p) (i32.add (struct.get $pair $n (global.get $p)) (i32.const 1)))
      (struct.set $pair $v (global.get $p) (i64x2.add (struct.get $pair $v (global.get $p)) (v128.const i64x2 1 1)))
      (struct.set $pair $b (global.get $p) (i32.add (struct.get_u $pair $b (global.get $p)) (i32.const 1)))
      (struct.set $pair $any (global.get $p) (global.get $a))
      (struct.set $pair $next (global.get $p) (ref.null $pair)) ;; keep the chain short
      (drop (ref.test (ref $arr) (struct.get $pair $any (global.get $p))))
      ;; the shared arrays: element writes, fills, copies
      (array.set $arr (global.get $a) (i32.rem_u (local.get $i) (i32.const 64)) (global.get $p))
      (array.fill $arr (global.get $a) (i32.const 0) (ref.i31 (local.get $i)) (i32.const 8))
      (array.copy $arr $arr (global.get $a) (i32.const 8) (global.get $a) (i32.const 0) (i32.const 32))
      (drop (array.get $arr (global.get $a) (i32.rem_u (i32.mul (local.get $i) (i32.const 7)) (i32.const 64))))
      (array.set $bytes (global.get $s) (i32.rem_u (local.get $i) (i32.const 256)) (local.get $i))
      (array.fill $bytes (global.get $s) (i32.const 0) (local.get $i) (i32.const 16))
      (array.copy $bytes $bytes (global.get $s) (i32.const 16) (global.get $s) (i32.const 0) (i32.const 128))
      ;; a table of structs that grows (reallocating) while others index it
      (drop (table.grow $t (global.get $p) (i32.const 1)))
      (table.set $t (i32.rem_u (local.get $i) (table.size $t)) (local.get $q))
      (drop (table.get $t (i32.rem_u (i32.mul (local.get $i) (i32.const 3)) (table.size $t))))
      (table.fill $t (i32.const 0) (global.get $p) (i32.const 1))
      ;; function references in a global and a table, swapped and called
      (if (i32.and (local.get $i) (i32.const 1))
        (then (global.set $f (ref.func $eight)))
        (else (global.set $f (ref.func $seven))))
      (table.set $fs (i32.and (local.get $i) (i32.const 3)) (global.get $f))
      (local.set $ok (i32.add (local.get $ok)
        (i32.ge_u (call_ref $ret (ref.as_non_null (global.get $f))) (i32.const 7))))
      (local.set $ok (i32.add (local.get $ok)
        (i32.ge_u (call_indirect $fs (type $ret) (i32.and (local.get $i) (i32.const 3))) (i32.const 7))))
      ;; an exception thrown here, caught here, parked in a global for
      ;; another thread to rethrow and catch
      (block $caught (result (ref null $pair) i32 exnref)
        (try_table (catch_ref $boom $caught)
          (throw $boom (local.get $q) (local.get $i)))
        (unreachable))
      (global.set $x)
      (drop)
      (drop)
      (block $again (result exnref)
        (try_table (catch_all_ref $again)
          (throw_ref (ref.as_non_null (global.get $x))))
        (unreachable))
      (drop)
      ;; an externalized struct through an externref global
      (global.set $e (extern.convert_any (local.get $q)))
      (drop (ref.cast (ref null $pair) (any.convert_extern (global.get $e))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $ok))

  (func (export "table_size") (result i32) (table.size $t))
  (func (export "array_len") (result i32) (array.len (global.get $a)))
  (func (export "pairs") (result i32) (local $i i32) (local $ok i32)
    ;; every table entry is null or a $pair
    (loop $l
      (local.set $ok (i32.add (local.get $ok)
        (ref.test (ref null $pair) (table.get $t (local.get $i)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (table.size $t))))
    (local.get $ok))
)

(invoke $M "init")
(thread $T1 (shared (module $M))
  (assert_return (invoke $M "work" (i32.const 300)) (i32.const 600))
)
(thread $T2 (shared (module $M))
  (assert_return (invoke $M "work" (i32.const 300)) (i32.const 600))
)
(assert_return (invoke $M "work" (i32.const 300)) (i32.const 600))
(wait $T1)
(wait $T2)

;; Growth is serialised: every grow counted.
(assert_return (invoke $M "table_size") (i32.const 901))
(assert_return (invoke $M "pairs") (i32.const 901))
(assert_return (invoke $M "array_len") (i32.const 64))
