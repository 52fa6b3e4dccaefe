package spectest_test

import (
	"context"
	"fmt"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/spectest"
)

// A script in the threads proposal's style: a shared memory registered
// under a name, a thread that waits on it, the main script that notifies,
// then (wait $T) joins the thread. The last assertion fails on purpose.
func ExampleRun() {
	src := ir.NewSource("wake.wast", []byte(`
(module $Mem (memory (export "shared") 1 1 shared))
(register "mem" $Mem)

(thread $T (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "wait") (result i32)
      (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
  (assert_return (invoke "wait") (i32.const 0)))

;; Notify until the thread has been woken (it may not be waiting yet).
(module $Retry
  (memory (import "mem" "shared") 1 1 shared)
  (func (export "wake")
    (loop $again
      (br_if $again (i32.eqz (memory.atomic.notify (i32.const 0) (i32.const 1))))))
  (func (export "load") (result i32) (i32.atomic.load (i32.const 0))))
(invoke $Retry "wake")
(wait $T)
;; A failing assertion, to show how failures are reported.
(assert_return (invoke $Retry "load") (i32.const 1))`), false)
	res, err := spectest.Run(context.Background(), src, spectest.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println("passed", res.Passed, "failed", res.Failed)
	for _, e := range res.Failures() {
		fmt.Println(e)
	}
	// Output:
	// passed 9 failed 1
	// wake.wast:23:1: assert_return: "load" result 0: got i32:0, want i32:1
}
