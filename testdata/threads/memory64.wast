;; Threads on a shared 64-bit memory (memory64 + threads): atomics from
;; several threads, wait/notify across goroutines, growth while other
;; threads use the memory, and bounds: addresses and offsets above 4 GiB
;; are out of bounds (never wrapped to 32 bits), as is an address plus an
;; offset beyond 2^64 (never wrapped to 64 bits).

(module $Mem
  (memory (export "shared") i64 1 2 shared)
)
(register "mem" $Mem)

;; The operations every thread uses, on i64 addresses.
(module $Ops
  (memory (import "mem" "shared") i64 1 2 shared)
  ;; n atomic increments of the i64 at address 8 and the i32 at 16
  (func (export "count") (param $n i64) (local $i i64)
    (loop $l
      (drop (i64.atomic.rmw.add (i64.const 8) (i64.const 1)))
      (drop (i32.atomic.rmw.add offset=16 (i64.const 0) (i32.const 1)))
      (br_if $l (i64.lt_u (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n)))))
  (func (export "total64") (result i64) (i64.atomic.load (i64.const 8)))
  (func (export "total32") (result i32) (i32.atomic.load (i64.const 16)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
)
(register "ops" $Ops)

;; Two threads count concurrently; atomics must lose no increment.
(thread $A (shared (module $Ops))
  (register "ops" $Ops)
  (invoke $Ops "count" (i64.const 5000))
)
(thread $B (shared (module $Ops))
  (register "ops" $Ops)
  (invoke $Ops "count" (i64.const 5000))
)
(wait $A)
(wait $B)
(assert_return (invoke $Ops "total64") (i64.const 10000))
(assert_return (invoke $Ops "total32") (i32.const 10000))

;; wait/notify on an i64 address: $W blocks until $N's notify wakes it.
(thread $W (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") i64 1 2 shared)
    (func (export "wait") (result i32)
      (memory.atomic.wait64 offset=0x100 (i64.const 0x20) (i64.const 0) (i64.const -1))))
  (assert_return (invoke "wait") (i32.const 0))
)
(thread $N (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") i64 1 2 shared)
    ;; the same address, spelled differently: 0x120
    (func (export "notify-0") (result i32)
      (memory.atomic.notify (i64.const 0x120) (i32.const 0)))
    (func (export "notify-until-woken")
      (loop $l
        (br_if $l (i32.ne (memory.atomic.notify offset=0x20 (i64.const 0x100) (i32.const 1)) (i32.const 1))))))
  (assert_return (invoke "notify-0") (i32.const 0))
  (assert_return (invoke "notify-until-woken"))
)
(wait $W)
(wait $N)

;; Growth while another thread stores into the last page it sees.
(thread $G (shared (module $Ops))
  (register "ops" $Ops)
  (assert_return (invoke $Ops "grow" (i64.const 1)) (i64.const 1))
)
(thread $S (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") i64 1 2 shared)
    (func (export "touch") (param $n i32) (local $i i32)
      (loop $l
        (i64.atomic.store (i64.sub (i64.mul (memory.size) (i64.const 0x10000)) (i64.const 8)) (i64.const 7))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))))
  (invoke "touch" (i32.const 2000))
)
(wait $G)
(wait $S)
(assert_return (invoke $Ops "size") (i64.const 2))
(assert_return (invoke $Ops "grow" (i64.const 1)) (i64.const -1))

;; Bounds with 64-bit addresses and offsets.
(module $Bounds
  (memory (import "mem" "shared") i64 1 2 shared)
  (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
  (func (export "load-4g") (param i64) (result i32) (i32.load offset=0x1_0000_0000 (local.get 0)))
  (func (export "load-max") (param i64) (result i32) (i32.load offset=0xffff_ffff_ffff_fff0 (local.get 0)))
  (func (export "atomic-4g") (param i64) (result i64) (i64.atomic.load offset=0x1_0000_0000 (local.get 0)))
  (func (export "atomic-max") (param i64) (result i64) (i64.atomic.rmw.add offset=0xffff_ffff_ffff_fff0 (local.get 0) (i64.const 1)))
  (func (export "wait-4g") (param i64) (result i32) (memory.atomic.wait32 (local.get 0) (i32.const 0) (i64.const 0)))
  (func (export "notify-4g") (param i64) (result i32) (memory.atomic.notify (local.get 0) (i32.const 1)))
  (func (export "fill") (param i64 i64) (memory.fill (local.get 0) (i32.const 1) (local.get 1)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
)
(assert_return (invoke $Bounds "load" (i64.const 0x1_fffc)) (i32.const 0))
(assert_trap (invoke $Bounds "load" (i64.const 0x1_fffd)) "out of bounds memory access")
(assert_trap (invoke $Bounds "load" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke $Bounds "load-4g" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke $Bounds "load-max" (i64.const 0x10)) "out of bounds memory access")
(assert_trap (invoke $Bounds "load-max" (i64.const 0x20)) "out of bounds memory access")
(assert_trap (invoke $Bounds "atomic-4g" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke $Bounds "atomic-4g" (i64.const 4)) "unaligned atomic")
;; 0x20 + 0xffff_ffff_ffff_fff0 wraps to 0x10, aligned and in bounds, if it wrapped
(assert_trap (invoke $Bounds "atomic-max" (i64.const 0x20)) "out of bounds memory access")
(assert_trap (invoke $Bounds "wait-4g" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke $Bounds "notify-4g" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke $Bounds "fill" (i64.const 0x1_0000_0000) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke $Bounds "fill" (i64.const 0x10) (i64.const 0xffff_ffff_ffff_fff8)) "out of bounds memory access")
(assert_trap (invoke $Bounds "copy" (i64.const 0) (i64.const 0x10) (i64.const 0xffff_ffff_ffff_fff8)) "out of bounds memory access")
(assert_return (invoke $Bounds "fill" (i64.const 0x2_0000) (i64.const 0)))
