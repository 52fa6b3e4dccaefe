;; Threads sharing an instance, not just a shared memory: a script's
;; (thread … (shared (module $M))) lets several threads use $M's mutable
;; globals (i64, v128, funcref), its table and its unshared memory at once,
;; which wasm code alone cannot do. Plain accesses race by design (no total
;; is asserted where interleavings differ), but the interpreter must stay
;; memory-safe: table.grow and memory.grow reallocate while other threads
;; read and write, and under `go test -race` the run must be reported clean.
;; The spectest host's table and unshared memory get the same treatment.

(module $M
  (type $ret (func (result i32)))
  (memory (export "mem") 1 64)
  (table $t (export "tab") 1 1000 funcref)
  (global $g (export "g") (mut i64) (i64.const 0))
  (global $v (export "v") (mut v128) (v128.const i64x2 0 0))
  (global $r (mut funcref) (ref.func $seven))
  (elem (i32.const 0) $seven)
  (func $seven (type $ret) (i32.const 7))

  ;; n rounds; returns how many indirect calls returned 7 (all of them:
  ;; every table entry ever written is $seven)
  (func (export "work") (param $n i32) (result i32) (local $i i32) (local $ok i32)
    (loop $l
      ;; globals: read-modify-write of a 64-bit, a 128-bit and a reference
      (global.set $g (i64.add (global.get $g) (i64.const 1)))
      (global.set $v (i64x2.add (global.get $v) (v128.const i64x2 1 -1)))
      (global.set $r (ref.func $seven))
      ;; the table grows (reallocating) while other threads index it
      (drop (table.grow $t (global.get $r) (i32.const 1)))
      (table.set $t (i32.rem_u (local.get $i) (table.size $t)) (global.get $r))
      (drop (table.get $t (i32.rem_u (i32.mul (local.get $i) (i32.const 7)) (table.size $t))))
      (table.fill $t (i32.const 0) (global.get $r) (i32.const 1))
      (local.set $ok (i32.add (local.get $ok)
        (i32.eq (i32.const 7)
          (call_indirect $t (type $ret) (i32.rem_u (local.get $i) (table.size $t))))))
      ;; the unshared memory grows (reallocating) while other threads load
      ;; and store; memory only grows, so its last page is in bounds
      (if (i32.lt_u (memory.size) (i32.const 64))
        (then (drop (memory.grow (i32.const 1)))))
      (i32.store (i32.const 16) (local.get $i))
      (i64.store (i32.const 24) (i64.load (i32.const 24)))
      (drop (i32.load (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536))))
      (memory.fill (i32.const 32) (i32.const 1) (i32.const 64))
      (memory.copy (i32.const 128) (i32.const 32) (i32.const 64))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $ok))

  (func (export "table_size") (result i32) (table.size $t))
  (func (export "memory_size") (result i32) (memory.size))
  ;; every entry is $seven
  (func (export "table_sevens") (result i32) (local $i i32) (local $ok i32)
    (loop $l
      (local.set $ok (i32.add (local.get $ok)
        (i32.eq (i32.const 7) (call_indirect $t (type $ret) (local.get $i)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (table.size $t))))
    (local.get $ok))
)

;; A module over the spectest host's table (10..20) and unshared memory
;; (1..2), shared with the threads like $M.
(module $H
  (type $ret (func (result i32)))
  (import "spectest" "table" (table $t 10 funcref))
  (import "spectest" "memory" (memory 1))
  (func $one (type $ret) (i32.const 1))
  (elem declare func $one)
  (func (export "work") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (drop (table.grow $t (ref.func $one) (i32.const 1)))
      (table.set $t (i32.rem_u (local.get $i) (table.size $t)) (ref.func $one))
      (drop (table.get $t (i32.rem_u (i32.mul (local.get $i) (i32.const 3)) (table.size $t))))
      (drop (memory.grow (i32.const 1)))
      (i32.store (i32.const 0) (local.get $i))
      (drop (i32.load (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (table.size $t))
)

(thread $T1 (shared (module $M)) (shared (module $H))
  (assert_return (invoke $M "work" (i32.const 300)) (i32.const 300))
  (get $M "g")
  (get $M "v")
  (invoke $H "work" (i32.const 100))
)
(thread $T2 (shared (module $M)) (shared (module $H))
  (assert_return (invoke $M "work" (i32.const 300)) (i32.const 300))
  (get $M "g")
  (get $M "v")
  (invoke $H "work" (i32.const 100))
)
(assert_return (invoke $M "work" (i32.const 300)) (i32.const 300))
(get $M "g")
(get $M "v")
(assert_return (invoke $H "work" (i32.const 100)) (i32.const 20))
(wait $T1)
(wait $T2)

;; Growth is serialised: every grow counted, up to the maxima.
(assert_return (invoke $M "table_size") (i32.const 901))
(assert_return (invoke $M "table_sevens") (i32.const 901))
(assert_return (invoke $M "memory_size") (i32.const 64))
(assert_return (invoke $H "work" (i32.const 1)) (i32.const 20))
