// Command counter runs one exported function on 4 goroutines at once over
// one shared memory. It is the program in README.md ("Use it from Go").
package main

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/watt-wasm/watt"
	"github.com/watt-wasm/watt/interp"
)

// count adds 1 to the 32-bit counter at address 0, n times, atomically.
const count = `(module
  (memory (export "memory") 1 1 shared)
  (func (export "count") (param $n i32)
    (loop $again
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`

func main() {
	ctx := context.Background()
	inst, err := watt.Instantiate(ctx, []byte(count))
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := inst.Call(ctx, "count", interp.I32(100_000)); err != nil {
				log.Fatal(err)
			}
		})
	}
	wg.Wait()
	total, err := inst.Memory("memory").AtomicLoadUint32(0)
	fmt.Println(total, err) // 400000 <nil>: no increment lost
}
