;; legacy.wat: a barrier written with the pre-standard names that older
;; tools and papers use: get_local/set_local/tee_local, get_global,
;; i32.atomic.wait (now memory.atomic.wait32) and atomic.notify (now
;; memory.atomic.notify). Both spellings must give identical binaries.
;; Compile with
;;
;;   wat2wasm --enable-threads legacy.wat
;;
;; wabt 1.0.32 no longer accepts these names; watt's tests compare against
;; wabt's output for this file with every alias replaced by its current
;; name (the aliases come from watt's opcode table).
;;
;; Memory layout (shared memory imported from "env"):
;;
;;   [0, 4)  number of threads that have arrived at the barrier
;;   [4, 8)  generation: bumped by the last thread to arrive
;;
;; Every one of $parties threads calls wait(); all return once the last one
;; has arrived. The barrier is reusable: the counter is reset before the
;; generation is bumped.
(module
  (import "env" "memory" (memory 1 1 shared))
  (global $parties (import "env" "parties") i32)

  (func (export "wait") (result i32)
    (local $generation i32)
    (set_local $generation (i32.atomic.load offset=4 (i32.const 0)))
    (if (result i32)
      (i32.eq
        (i32.add (i32.atomic.rmw.add (i32.const 0) (i32.const 1)) (i32.const 1))
        (get_global $parties))
      (then
        ;; Last to arrive: reset, open the next generation, wake everyone.
        (i32.atomic.store (i32.const 0) (i32.const 0))
        (drop (i32.atomic.rmw.add offset=4 (i32.const 0) (i32.const 1)))
        (drop (atomic.notify offset=4 (i32.const 0) (i32.const -1)))
        (i32.const 1))
      (else
        ;; Sleep until the generation changes (wait returns 1 at once if it
        ;; already has).
        (block $open
          (loop $sleep
            (br_if $open
              (i32.ne (i32.atomic.load offset=4 (i32.const 0)) (get_local $generation)))
            (drop (i32.atomic.wait offset=4 (i32.const 0) (get_local $generation)
                                   (i64.const -1)))
            (br $sleep)))
        (i32.const 0))))
)
