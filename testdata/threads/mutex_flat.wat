;; mutex_flat.wat: mutex.wat written in flat (stack machine) style, one
;; instruction per line. Same memory layout and exports; see mutex.wat for
;; the algorithm. Both files compile to identical binaries. Compile with
;;
;;   wat2wasm --enable-threads mutex_flat.wat
(module
  (memory (export "memory") 1 1 shared)

  (func $lock (export "lock") (param $addr i32)
    (local $old i32)
    local.get $addr
    i32.const 0
    i32.const 1
    i32.atomic.rmw.cmpxchg
    local.set $old
    local.get $old
    i32.eqz
    if
      return
    end
    local.get $old
    i32.const 2
    i32.ne
    if
      local.get $addr
      i32.const 2
      i32.atomic.rmw.xchg
      local.set $old
    end
    block $acquired
      loop $sleep
        local.get $old
        i32.eqz
        br_if $acquired
        local.get $addr
        i32.const 2
        i64.const -1
        memory.atomic.wait32
        drop
        local.get $addr
        i32.const 2
        i32.atomic.rmw.xchg
        local.set $old
        br $sleep
      end
    end)

  (func $unlock (export "unlock") (param $addr i32)
    local.get $addr
    i32.const 1
    i32.atomic.rmw.sub
    i32.const 1
    i32.ne
    if
      local.get $addr
      i32.const 0
      i32.atomic.store
      local.get $addr
      i32.const 1
      memory.atomic.notify
      drop
    end)

  (func (export "work") (param $n i32)
    block $done
      loop $again
        local.get $n
        i32.eqz
        br_if $done
        i32.const 0
        call $lock
        i32.const 4
        i32.const 4
        i32.load
        i32.const 1
        i32.add
        i32.store
        i32.const 0
        call $unlock
        local.get $n
        i32.const 1
        i32.sub
        local.set $n
        br $again
      end
    end)

  (func (export "count") (result i32)
    i32.const 4
    i32.atomic.load)
)
