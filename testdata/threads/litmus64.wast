;; Litmus tests of the threads suite's shapes (MP, SB), on memory 1 of
;; two-memory modules, with 64-bit addresses: memory 1 is a shared i64
;; memory, memory 0 an unshared one that must not interfere. Atomics are
;; sequentially consistent, so the outcomes the tests exclude must never
;; happen; run them many times with `spectest-interp --repeat=N`. (Text
;; puts imports first, so each thread imports its own unshared memory 0.)

(module $Mem
  (memory (export "shared") i64 1 1 shared)
)
(register "mem" $Mem)

;; MP: T1 writes data plainly, then sets a flag atomically; T2 spins on the
;; flag atomically, then reads the data plainly. The atomic pair orders the
;; plain accesses (happens-before), so T2 must read 42.
(thread $T1 (shared (module $Mem))
  (register "mem" $Mem)
  (module $Priv (memory (export "m") 1))
  (register "priv" $Priv)
  (module
    (memory (import "priv" "m") 1)
    (memory $m (import "mem" "shared") i64 1 1 shared)
    (func (export "run")
      (i32.store (i32.const 0x1000) (i32.const 99)) ;; memory 0: unrelated
      (i64.store $m offset=0x1000 (i64.const 0) (i64.const 42))
      (i64.atomic.store $m (i64.const 0x2000) (i64.const 1))))
  (invoke "run")
)
(thread $T2 (shared (module $Mem))
  (register "mem" $Mem)
  (module $Priv (memory (export "m") 1))
  (register "priv" $Priv)
  (module
    (memory (import "priv" "m") 1)
    (memory $m (import "mem" "shared") i64 1 1 shared)
    (func (export "run")
      (loop $spin
        (br_if $spin (i64.eqz (i64.atomic.load $m offset=0x1000 (i64.const 0x1000)))))
      (i64.store $m (i64.const 0x3000) (i64.load $m (i64.const 0x1000)))
      ;; memory 0 of this instance was never written
      (i64.store $m (i64.const 0x3008) (i64.extend_i32_u (i32.load (i32.const 0x1000))))))
  (invoke "run")
)
(wait $T1)
(wait $T2)

(module $Priv (memory (export "m") 1))
(register "priv" $Priv)
(module $CheckMP
  (memory (import "priv" "m") 1)
  (memory $m (import "mem" "shared") i64 1 1 shared)
  (func (export "data") (result i64) (i64.load $m (i64.const 0x3000)))
  (func (export "other") (result i64) (i64.load $m (i64.const 0x3008))))
(assert_return (invoke $CheckMP "data") (i64.const 42))
(assert_return (invoke $CheckMP "other") (i64.const 0))

;; SB: each thread stores 1 to its variable and loads the other's, all
;; atomically. Under sequential consistency at least one load sees 1:
;; r0 = r1 = 0 is forbidden.
(thread $S1 (shared (module $Mem))
  (register "mem" $Mem)
  (module $Priv (memory (export "m") 1))
  (register "priv" $Priv)
  (module
    (memory (import "priv" "m") 1)
    (memory $m (import "mem" "shared") i64 1 1 shared)
    (func (export "run")
      (i32.atomic.store $m (i64.const 0x4000) (i32.const 1))
      (i32.store $m (i64.const 0x5000) (i32.atomic.load $m (i64.const 0x4100)))))
  (invoke "run")
)
(thread $S2 (shared (module $Mem))
  (register "mem" $Mem)
  (module $Priv (memory (export "m") 1))
  (register "priv" $Priv)
  (module
    (memory (import "priv" "m") 1)
    (memory $m (import "mem" "shared") i64 1 1 shared)
    (func (export "run")
      (i32.atomic.store $m offset=0x100 (i64.const 0x4000) (i32.const 1))
      (i32.store $m (i64.const 0x5004) (i32.atomic.load $m (i64.const 0x4000)))))
  (invoke "run")
)
(wait $S1)
(wait $S2)

(module $CheckSB
  (memory (import "priv" "m") 1)
  (memory $m (import "mem" "shared") i64 1 1 shared)
  ;; 1 unless both loads saw 0
  (func (export "check") (result i32)
    (i32.or (i32.load $m (i64.const 0x5000)) (i32.load $m (i64.const 0x5004)))))
(assert_return (invoke $CheckSB "check") (i32.const 1))
