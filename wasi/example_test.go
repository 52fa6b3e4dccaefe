package wasi_test

import (
	"context"
	"fmt"
	"os"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wasi"
	"github.com/watt-wasm/watt/wat"
)

// A WASI command that writes its first argument to stdout and exits with
// status 3.
const echo = `(module
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $args_get (i32.const 0) (i32.const 64)))
    (i32.store (i32.const 16) (i32.load (i32.const 4)))  ;; argv[1]
    (i32.store (i32.const 20) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (call $exit (i32.const 3))))`

func ExampleRun() {
	f := ir.Wasm2Features()
	src := ir.NewSource("echo.wat", []byte(echo), false)
	m, err := wat.ParseModule(src, f)
	if err != nil {
		panic(err)
	}
	mod, err := interp.Compile(m, src, f)
	if err != nil {
		panic(err)
	}
	status, err := wasi.Run(context.Background(), mod, wasi.Config{
		Args:   []string{"echo", "hello\n"},
		Stdout: os.Stdout,
	})
	fmt.Println("status", status, err)
	// Output:
	// hello
	// status 3 <nil>
}
