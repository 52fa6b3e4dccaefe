;; wasi_exit.wat: proc_exit from one thread ends them all. _start spawns
;; four threads that sleep forever in memory.atomic.wait32, then a fifth
;; that waits until the four have announced themselves and calls
;; proc_exit(3); _start itself sleeps forever. The process must exit with
;; status 3 at once, the sleepers cancelled.
;;
;;   wasm-interp --wasi wasi_exit.wasm; echo $?   # 3
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))

  ;; Memory: 0 sleepers started; 4 a word nobody ever changes.
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (if (i32.eqz (local.get $arg))
      (then
        (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        ;; Sleep forever: the word at 4 stays 0.
        (drop (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const -1)))
        (unreachable)))
    (loop $until_all_sleep
      (br_if $until_all_sleep (i32.lt_u (i32.atomic.load (i32.const 0)) (i32.const 4))))
    (call $exit (i32.const 3)))

  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (drop (call $spawn (i32.const 0)))
    (drop (call $spawn (i32.const 0)))
    (drop (call $spawn (i32.const 0)))
    (drop (call $spawn (i32.const 1)))
    (drop (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const -1)))
    (unreachable))
)
