;; wasi_mutex.wat: a wasi-threads command. _start spawns 64 threads with
;; "wasi" "thread-spawn"; each adds 1 to a counter 10,000 times under a
;; futex mutex (memory.atomic.wait32/notify, the three-state mutex of
;; mutex.wat), then bumps a done counter and notifies. _start sleeps on the
;; done counter until all 64 are done and prints "count: 640000".
;;
;;   wat2wasm --enable-threads wasi_mutex.wat
;;   wasm-interp --wasi wasi_mutex.wasm
;;
;; Memory (imported shared, so every thread's instance sees the same one):
;;   0  mutex word     4  counter     8  threads done
;;   16 iovec          32 digits buffer
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))

  (global $threads i32 (i32.const 64))
  (global $iterations i32 (i32.const 10000))

  (func $lock (param $addr i32)
    (local $old i32)
    (local.set $old (i32.atomic.rmw.cmpxchg (local.get $addr) (i32.const 0) (i32.const 1)))
    (if (i32.eqz (local.get $old)) (then (return)))
    (if (i32.ne (local.get $old) (i32.const 2))
      (then (local.set $old (i32.atomic.rmw.xchg (local.get $addr) (i32.const 2)))))
    (block $acquired
      (loop $sleep
        (br_if $acquired (i32.eqz (local.get $old)))
        (drop (memory.atomic.wait32 (local.get $addr) (i32.const 2) (i64.const -1)))
        (local.set $old (i32.atomic.rmw.xchg (local.get $addr) (i32.const 2)))
        (br $sleep))))

  (func $unlock (param $addr i32)
    (if (i32.ne (i32.atomic.rmw.sub (local.get $addr) (i32.const 1)) (i32.const 1))
      (then
        (i32.atomic.store (local.get $addr) (i32.const 0))
        (drop (memory.atomic.notify (local.get $addr) (i32.const 1))))))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $i i32)
    (loop $again
      (call $lock (i32.const 0))
      (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))
      (call $unlock (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (global.get $iterations))))
    (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 8) (i32.const 1))))

  ;; print writes "count: N\n" to stdout.
  (func $print (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 64))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (local.set $p (i32.sub (local.get $p) (i32.const 7)))
    ;; "count: " written backwards in front of the digits
    (i64.store32 (local.get $p) (i64.const 0x6e756f63))      ;; "coun"
    (i32.store16 offset=4 (local.get $p) (i32.const 0x3a74)) ;; "t:"
    (i32.store8 offset=6 (local.get $p) (i32.const 32))      ;; " "
    (i32.store (i32.const 16) (local.get $p))
    (i32.store (i32.const 20) (i32.sub (i32.const 65) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))

  (func (export "_start")
    (local $i i32) (local $done i32)
    (loop $spawn_all
      (if (i32.lt_s (call $spawn (local.get $i)) (i32.const 0))
        (then (call $exit (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spawn_all (i32.lt_u (local.get $i) (global.get $threads))))
    (block $all_done
      (loop $wait
        (local.set $done (i32.atomic.load (i32.const 8)))
        (br_if $all_done (i32.eq (local.get $done) (global.get $threads)))
        (drop (memory.atomic.wait32 (i32.const 8) (local.get $done) (i64.const -1)))
        (br $wait)))
    (call $print (i32.load (i32.const 4))))
)
