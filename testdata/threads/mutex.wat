;; mutex.wat: a mutex that sleeps instead of spinning, built on
;; memory.atomic.wait32 and memory.atomic.notify, in folded style. The same
;; program in flat style is mutex_flat.wat. Compile with
;;
;;   wat2wasm --enable-threads mutex.wat
;;
;; The mutex word takes three values (the classic futex mutex):
;;
;;   0  unlocked
;;   1  locked, nobody waiting
;;   2  locked, maybe somebody waiting: unlock must notify
;;
;; Memory layout (a shared memory defined and exported here):
;;
;;   [0, 4)  the mutex word
;;   [4, 8)  a counter protected by the mutex
;;
;; Each thread calls work(n), which increments the counter n times under the
;; mutex; afterwards count() is the total number of increments.
(module
  (memory (export "memory") 1 1 shared)

  (func $lock (export "lock") (param $addr i32)
    (local $old i32)
    ;; Fast path: 0 -> 1 when nobody holds the mutex.
    (local.set $old
      (i32.atomic.rmw.cmpxchg (local.get $addr) (i32.const 0) (i32.const 1)))
    (if (i32.eqz (local.get $old))
      (then (return)))
    ;; Slow path: announce a waiter by storing 2. If the exchange returns 0
    ;; the holder released the mutex meanwhile and it is now ours (held as 2,
    ;; which costs one spurious notify at most).
    (if (i32.ne (local.get $old) (i32.const 2))
      (then
        (local.set $old
          (i32.atomic.rmw.xchg (local.get $addr) (i32.const 2)))))
    (block $acquired
      (loop $sleep
        (br_if $acquired (i32.eqz (local.get $old)))
        ;; Sleep while the word is still 2; no timeout (-1). The result
        ;; (woken, not-equal, timed-out) does not matter: we retry anyway.
        (drop
          (memory.atomic.wait32 (local.get $addr) (i32.const 2) (i64.const -1)))
        (local.set $old
          (i32.atomic.rmw.xchg (local.get $addr) (i32.const 2)))
        (br $sleep))))

  (func $unlock (export "unlock") (param $addr i32)
    ;; 1 -> 0 needs nothing more; 2 means there may be sleepers.
    (if (i32.ne (i32.atomic.rmw.sub (local.get $addr) (i32.const 1)) (i32.const 1))
      (then
        (i32.atomic.store (local.get $addr) (i32.const 0))
        (drop (memory.atomic.notify (local.get $addr) (i32.const 1))))))

  (func (export "work") (param $n i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $lock (i32.const 0))
        (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))
        (call $unlock (i32.const 0))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again))))

  (func (export "count") (result i32)
    (i32.atomic.load (i32.const 4)))
)
