package interp_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// Two goroutines share a memory through atomics: one waits for a flag, the
// other sets it and notifies.
func Example() {
	features := ir.Wasm2Features().With(ir.FeatureThreads, true)
	src := ir.NewSource("flag.wat", []byte(`(module
  (memory 1 1 shared)
  (func (export "await") (result i32)
    (loop $again
      (if (i32.eqz (i32.atomic.load (i32.const 0)))
        (then (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
              (br $again))))
    (i32.atomic.load (i32.const 4)))
  (func (export "publish") (param i32)
    (i32.atomic.store (i32.const 4) (local.get 0))
    (i32.atomic.store (i32.const 0) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 0) (i32.const -1)))))`), false)
	m, err := wat.ParseModule(src, features)
	if err != nil {
		panic(err)
	}
	mod, err := interp.Compile(m, src, features)
	if err != nil {
		panic(err)
	}
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, err := inst.Call(ctx, "await")
		fmt.Println(res, err)
	}()
	if _, err := inst.Call(ctx, "publish", interp.I32(42)); err != nil {
		panic(err)
	}
	wg.Wait()
	// Output: [i32:42] <nil>
}
