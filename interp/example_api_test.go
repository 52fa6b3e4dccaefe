package interp_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/watt-wasm/watt"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// Host functions from plain Go functions: the wasm signature comes from
// the Go types, checked once here.
func ExampleStore_NewFunc() {
	store := interp.NewStore()
	clamp, err := store.NewFunc(func(x, lo, hi int64) int64 { return max(lo, min(x, hi)) })
	if err != nil {
		panic(err)
	}
	fmt.Println(clamp.Type())

	_, err = store.NewFunc(func(n int) int { return n })
	fmt.Println(err)

	mod, err := watt.Compile([]byte(`(module
  (import "env" "clamp" (func $clamp (param i64 i64 i64) (result i64)))
  (func (export "percent") (param i64) (result i64)
    (call $clamp (local.get 0) (i64.const 0) (i64.const 100))))`))
	if err != nil {
		panic(err)
	}
	inst, err := interp.Instantiate(store, mod, interp.ImportMap{"env": {"clamp": clamp}})
	if err != nil {
		panic(err)
	}
	res, err := inst.Call(context.Background(), "percent", interp.I64(250))
	fmt.Println(res, err)
	// Output:
	// [i64 i64 i64] -> [i64]
	// interp: NewFunc: func(int) int: parameter 0 has type int; host function values must be int32, uint32, int64, uint64, float32 or float64 (the size of int depends on the host: say int32 or int64)
	// [i64:100] <nil>
}

// Go reads and writes a memory as wasm does: little-endian values at byte
// offsets, errors instead of panics out of bounds.
func ExampleMemory_ReadUint32Le() {
	mem, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}, Shared: true})
	if err != nil {
		panic(err)
	}
	mem.WriteUint32Le(0, 0xcafe)
	mem.Write(4, []byte("wasm"))
	v, _ := mem.ReadUint32Le(0)
	s, _ := mem.ReadString(4, 4)
	fmt.Printf("%#x %q % x\n", v, s, mem.Bytes()[:4])

	_, err = mem.ReadUint64Le(65536 - 4)
	fmt.Println(err)
	// Output:
	// 0xcafe "wasm" fe ca 00 00
	// out of bounds memory access: 8 bytes at offset 65532, memory size 65536
}

// Atomic accessors are sequentially consistent with wasm's atomics on the
// same addresses, and need natural alignment.
func ExampleMemory_AtomicAddUint32() {
	mem, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}, Shared: true})
	if err != nil {
		panic(err)
	}
	n, _ := mem.AtomicAddUint32(8, 5)
	swapped, _ := mem.AtomicCompareAndSwapUint32(8, 5, 6)
	now, _ := mem.AtomicLoadUint32(8)
	fmt.Println(n, swapped, now)

	_, err = mem.AtomicAddUint32(6, 1)
	fmt.Println(err)
	// Output:
	// 5 true 6
	// unaligned atomic: 4-byte access at offset 6
}

// errors.As finds the *Trap in the error a call returns.
func ExampleTrap() {
	inst, err := watt.Instantiate(context.Background(), []byte(`(module
  (memory 1)
  (func (export "peek") (param i32) (result i32)
    (i32.load (local.get 0))))`), watt.WithName("peek.wat"))
	if err != nil {
		panic(err)
	}
	_, err = inst.Call(context.Background(), "peek", interp.I32(65536))
	var trap *interp.Trap
	if errors.As(err, &trap) {
		fmt.Println(trap.Kind, trap.Msg, trap.Func, trap.Src.Position(trap.Pos))
	}
	// Output: trap out of bounds memory access "peek" peek.wat:4:6
}
