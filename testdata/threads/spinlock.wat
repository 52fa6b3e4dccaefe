;; spinlock.wat: a compare-and-swap spin lock guarding a plain counter, next
;; to a lock-free atomic counter, in folded style. Compile with
;;
;;   wat2wasm --enable-threads spinlock.wat
;;
;; Memory layout (a shared memory defined and exported here):
;;
;;   [0, 4)   the lock word: 0 = free, 1 = held
;;   [4, 8)   counter protected by the lock (plain loads and stores)
;;   [8, 16)  counter updated with i64.atomic.rmw.add, no lock
;;
;; Each thread calls work(n): n times it takes the lock, increments the
;; protected counter, releases the lock, and also bumps the atomic counter.
;; After all threads finish, both counters equal the total number of
;; iterations: that is what a test of the interpreter checks.
(module
  (memory (export "memory") 1 1 shared)

  ;; lock spins until it changes the lock word from 0 to 1.
  (func $lock (export "lock")
    (loop $retry
      ;; cmpxchg returns the old value: 0 means we took the lock.
      (br_if $retry
        (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.const 0) (i32.const 1)))))

  ;; unlock releases the lock with a sequentially consistent store, which
  ;; also publishes the writes made while holding it.
  (func $unlock (export "unlock")
    (i32.atomic.store (i32.const 0) (i32.const 0)))

  ;; try_lock takes the lock if it is free; returns 1 on success.
  (func (export "try_lock") (result i32)
    (i32.eqz (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.const 0) (i32.const 1))))

  (func (export "work") (param $n i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $lock)
        (i32.store offset=4 (i32.const 0)
          (i32.add (i32.load offset=4 (i32.const 0)) (i32.const 1)))
        (call $unlock)
        (drop (i64.atomic.rmw.add offset=8 (i32.const 0) (i64.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again))))

  (func (export "locked_count") (result i32)
    (i32.atomic.load offset=4 (i32.const 0)))

  (func (export "atomic_count") (result i64)
    (i64.atomic.load offset=8 (i32.const 0)))
)
