;; Threads on memory 1 of modules with two memories (multi-memory +
;; threads): atomics and wait/notify name their memory in the memarg; a
;; shared and an unshared memory side by side, in both orders, plus a
;; 64-bit shared memory as memory 1. wait on the unshared memory traps
;; "expected shared memory"; notify on it wakes nobody. (Text puts imports
;; first: a module whose memory 1 is imported imports its memory 0 too.)

(module $Mem
  (memory (export "shared64") i64 1 1 shared)
)
(register "mem" $Mem)

;; Memory 0 unshared, memory 1 shared, both defined; threads share the
;; instance.
(module $U0S1
  (memory $private 1)
  (memory $shared (export "shared") 1 1 shared)
  (func (export "count") (param $n i32) (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add $shared (i32.const 0) (i32.const 1)))
      ;; the private memory sees plain traffic at the same address
      (i32.store $private (i32.const 0) (i32.add (i32.load $private (i32.const 0)) (i32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "shared-total") (result i32) (i32.atomic.load $shared (i32.const 0)))
  (func (export "private-total") (result i32) (i32.load $private (i32.const 0)))
  (func (export "wait-private") (result i32) (memory.atomic.wait32 $private (i32.const 0) (i32.const 0) (i64.const 0)))
  (func (export "notify-private") (result i32) (memory.atomic.notify $private (i32.const 0) (i32.const 1)))
  (func (export "wait-shared") (param i32) (result i32) (memory.atomic.wait32 $shared (local.get 0) (i32.const 0) (i64.const -1)))
  (func (export "notify-shared") (param i32) (result i32) (memory.atomic.notify $shared (local.get 0) (i32.const 1)))
)
(register "u0s1" $U0S1)

;; Memory 0 shared (the same memory, imported), memory 1 unshared.
(module $S0U1
  (memory $shared (import "u0s1" "shared") 1 1 shared)
  (memory $private 1)
  (func (export "count") (param $n i32) (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add $shared offset=4 (i32.const 0) (i32.const 1)))
      (drop (i32.atomic.rmw.add $private offset=4 (i32.const 0) (i32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "shared-total") (result i32) (i32.atomic.load $shared offset=4 (i32.const 0)))
  (func (export "private-total") (result i32) (i32.atomic.load $private offset=4 (i32.const 0)))
  (func (export "wait-private") (result i32) (memory.atomic.wait64 $private (i32.const 8) (i64.const 0) (i64.const 0)))
)

(thread $A (shared (module $U0S1)) (shared (module $S0U1))
  (invoke $U0S1 "count" (i32.const 3000))
  (invoke $S0U1 "count" (i32.const 3000))
)
(thread $B (shared (module $U0S1)) (shared (module $S0U1))
  (invoke $S0U1 "count" (i32.const 3000))
  (invoke $U0S1 "count" (i32.const 3000))
)
(wait $A)
(wait $B)
;; memory "shared" at 0 and 4, counted by both modules' atomics
(assert_return (invoke $U0S1 "shared-total") (i32.const 6000))
(assert_return (invoke $S0U1 "shared-total") (i32.const 6000))
;; the unshared memories are each one instance's; both threads used them
;; through the shared instances ($S0U1's with atomics, so exactly)
(assert_return (invoke $S0U1 "private-total") (i32.const 6000))

(assert_trap (invoke $U0S1 "wait-private") "expected shared memory")
(assert_return (invoke $U0S1 "notify-private") (i32.const 0))
(assert_trap (invoke $S0U1 "wait-private") "expected shared memory")

;; wait/notify on memory 1 across threads.
(thread $W (shared (module $U0S1))
  (assert_return (invoke $U0S1 "wait-shared" (i32.const 64)) (i32.const 0))
)
(thread $N (shared (module $U0S1)) (shared (module $Mem))
  (register "u0s1" $U0S1)
  (register "mem" $Mem)
  (module $Notify
    (memory (import "u0s1" "shared") 1 1 shared)
    (memory (import "mem" "shared64") i64 1 1 shared)
    (func (export "notify-until-woken")
      (loop $l
        ;; nobody waits on memory 1 (the 64-bit one) at 64
        (br_if $l (i32.ne (memory.atomic.notify 1 (i64.const 64) (i32.const 1)) (i32.const 0)))
        (br_if $l (i32.ne (memory.atomic.notify 0 (i32.const 64) (i32.const 1)) (i32.const 1))))))
  (assert_return (invoke $Notify "notify-until-woken"))
)
(wait $W)
(wait $N)

;; A 64-bit shared memory as memory 1 behind an unshared 32-bit memory 0
;; (the spectest host's): wait on memory 1 with an i64 address, woken by a
;; thread that notifies through memory 0 of another module, which is the
;; same memory.
(module $Two64
  (memory (import "spectest" "memory") 1)
  (memory $m64 (import "mem" "shared64") i64 1 1 shared)
  (func (export "wait") (result i32) (memory.atomic.wait32 $m64 (i64.const 0x80) (i32.const 0) (i64.const -1)))
  (func (export "oob") (result i32) (memory.atomic.wait32 $m64 (i64.const 0x1_0000_0000) (i32.const 0) (i64.const -1)))
)
(assert_trap (invoke $Two64 "oob") "out of bounds memory access")
(thread $W64 (shared (module $Two64))
  (assert_return (invoke $Two64 "wait") (i32.const 0))
)
(thread $N64 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared64") i64 1 1 shared)
    (func (export "notify-until-woken")
      (loop $l
        (br_if $l (i32.ne (memory.atomic.notify (i64.const 0x80) (i32.const 1)) (i32.const 1))))))
  (assert_return (invoke "notify-until-woken"))
)
(wait $W64)
(wait $N64)
