package watt_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/watt-wasm/watt"
	"github.com/watt-wasm/watt/interp"
)

// Run an exported function of a text module.
func Example() {
	ctx := context.Background()
	inst, err := watt.Instantiate(ctx, []byte(`(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))`))
	if err != nil {
		panic(err)
	}
	res, err := inst.Call(ctx, "add", interp.I32(40), interp.I32(2))
	fmt.Println(res[0].Int32(), err)
	// Output: 42 <nil>
}

// Go functions as imports, and a string read out of the guest's memory.
func ExampleWithFuncs() {
	ctx := context.Background()
	var mem *interp.Memory // the instance's, once it exists
	inst, err := watt.Instantiate(ctx, []byte(`(module
  (import "env" "print" (func $print (param i32 i32)))
  (import "env" "square" (func $square (param f64) (result f64)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")
  (func (export "run") (result f64)
    (call $print (i32.const 16) (i32.const 15))
    (call $square (f64.const 1.5))))`),
		watt.WithFuncs("env", map[string]any{
			"print": func(ptr, n uint32) error {
				s, err := mem.ReadString(uint64(ptr), uint64(n))
				fmt.Println(s)
				return err // an error traps the caller
			},
			"square": func(x float64) float64 { return x * x },
		}))
	if err != nil {
		panic(err)
	}
	mem = inst.Memory("memory")
	res, err := inst.Call(ctx, "run")
	fmt.Println(res, err)
	// Output:
	// hello from wasm
	// [f64:2.25(0x4002000000000000)] <nil>
}

// Compile once, instantiate many times: each instance has its own memory
// and globals.
func ExampleCompile() {
	mod, err := watt.Compile([]byte(`(module
  (global $n (mut i32) (i32.const 0))
  (func (export "next") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.get $n)))`))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	a, _ := interp.Instantiate(interp.NewStore(), mod, nil)
	b, _ := interp.Instantiate(interp.NewStore(), mod, nil)
	a.Call(ctx, "next")
	a.Call(ctx, "next")
	ra, _ := a.Call(ctx, "next")
	rb, _ := b.Call(ctx, "next")
	fmt.Println(ra[0].Int32(), rb[0].Int32())
	// Output: 3 1
}

// Errors point into the source; WithName names it.
func ExampleWithName() {
	_, err := watt.Compile([]byte(`(module
  (func (result i32)
    (i32.mul (i32.const 6) (i32.cont 7))))`), watt.WithName("answer.wat"))
	fmt.Println(err)
	// Output: answer.wat:3:29: unknown operator i32.cont
}

// A trap comes back as an error; errors.As finds the *interp.Trap, with the
// spec's message and the function that trapped.
func ExampleInstantiate_trap() {
	ctx := context.Background()
	inst, err := watt.Instantiate(ctx, []byte(`(module
  (func $div (export "div") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1))))`), watt.WithName("div.wat"))
	if err != nil {
		panic(err)
	}
	_, err = inst.Call(ctx, "div", interp.I32(1), interp.I32(0))
	var trap *interp.Trap
	if errors.As(err, &trap) {
		fmt.Printf("%s in %s at %v\n", trap.Msg, trap.Func, trap.Src.Position(trap.Pos))
	}
	fmt.Println(err)
	// Output:
	// integer divide by zero in div at div.wat:3:6
	// div.wat:3:6: integer divide by zero (in div)
}
