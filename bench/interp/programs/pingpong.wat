;; pingpong.wat: two threads hand a token back and forth through
;; memory.atomic.wait32 and memory.atomic.notify, the cost of one blocking
;; handoff each way. Both instances import one shared memory; the token is
;; the i32 at address 0, holding the id (0 or 1) of the thread whose turn
;; it is. run(n, me) waits (blocking, no spinning) until the token is me,
;; passes it to the other thread, wakes it, and repeats n times. It returns
;; how many of its waits blocked and were woken (wait32 returned 0, "ok";
;; 1, "not-equal", means the token had already come back): the harness
;; reports it, so the figure is known to measure real handoffs. A lost
;; wake-up shows as a hang (the harness gives up after a timeout).
(module
  (import "env" "memory" (memory 1 1 shared))
  (func (export "run") (param $n i32) (param $me i32) (result i32)
    (local $i i32) (local $other i32) (local $woken i32)
    (local.set $other (i32.xor (local.get $me) (i32.const 1)))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $round
        ;; Wait while the token is the other thread's.
        (block $mine
          (loop $wait
            (br_if $mine (i32.eq (i32.atomic.load (i32.const 0)) (local.get $me)))
            (if (i32.eqz (memory.atomic.wait32 (i32.const 0) (local.get $other) (i64.const -1)))
              (then (local.set $woken (i32.add (local.get $woken) (i32.const 1)))))
            (br $wait)))
        (i32.atomic.store (i32.const 0) (local.get $other))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
        (br_if $round (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
    (local.get $woken)))
