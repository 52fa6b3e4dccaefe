(module
  (type $t (func (param i32) (result i32)))
  (type (func (param i32 i64) (result f32 f64)))
  (import "env" "f" (func $imp (param i32)))
  (import "env" "t" (table $it 1 10 funcref))
  (import "env" "mem" (memory $im 1 2))
  (import "env" "g" (global $g (mut i32)))
  (import "env" "h" (global f64))
  (table $tab 2 3 funcref)
  (table 1 externref)
  (global $h i64 (i64.const -5))
  (global f32 (f32.const 1.5))
  (global f64 (f64.const -0x1p-1074))
  (global v128 (v128.const i32x4 1 2 3 4))
  (global funcref (ref.func $run))
  (global externref (ref.null extern))
  (global i32 (global.get $g))
  (export "run" (func $run))
  (export "tab" (table $tab))
  (export "g" (global $h))
  (export "m" (memory 0))
  (export "imp" (func $imp))
  (start $s)
  (elem (i32.const 0) $run $s)
  (elem $pe func $run)
  (elem declare func $s)
  (elem (table $tab) (i32.const 1) funcref (ref.func $run) (ref.null func))
  (elem externref (ref.null extern))
  (func $s)
  (func $run (type $t) (local $x i64) (local f32 f32 i32)
    local.get 0
    local.tee 3
    global.get $g
    global.set $g
    i32.load8_u offset=3 align=1
    memory.grow
    memory.size
    drop drop
    block $b (result i32)
      i32.const 7
      i32.const -1
      br_if 0
      br $b
    end
    loop (param i32) (result i32) end
    call $run
    call_indirect (type $t)
    call_indirect $tab (param i32) (result i32)
    f32.const -0x1.8p+3 drop
    f64.const nan:0x123 drop
    i64.const -1 drop
    (select (i32.const 1) (i32.const 2) (i32.const 3))
    (select (result f32) (f32.const 1) (f32.const 2) (i32.const 3)) drop
    ref.null func drop
    ref.func $s drop
    (table.get $tab (i32.const 0)) drop
    (table.set $tab (i32.const 0) (ref.null func))
    (table.size $tab) (table.grow $tab (ref.null func)) drop drop
    (table.fill $tab (i32.const 0) (ref.null func) (i32.const 0))
    (table.copy $tab $tab (i32.const 0) (i32.const 0) (i32.const 0))
    (table.init $tab $pe (i32.const 0) (i32.const 0) (i32.const 0))
    elem.drop $pe
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
    (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
    (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 0))
    data.drop 1
    (i8x16.extract_lane_s 3 (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)) drop
    (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (v128.const i64x2 0 0) (v128.const i64x2 0 0)) drop
    (v128.load8_lane offset=2 5 (i32.const 0) (v128.const i64x2 0 0)) drop
    (v128.load32_zero (i32.const 0)) drop
    i64.trunc_sat_f32_s
    nop
    (if (i32.const 0) (then unreachable))
    return
  )
  (func (param i32 i32) (result i32 i32) local.get 0 local.get 1)
  (data (i32.const 8) "hello\00world")
  (data "passive")
  (data (global.get $g) "abcdefghijklmnopqrstuvwxyz0123456789")
)
