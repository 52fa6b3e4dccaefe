package interp_test

import (
	"math"
	"runtime"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// TestMemoryGrowIsAmortized grows an unshared memory one page at a time to
// 256 pages (16 MiB): its buffer must grow geometrically, so the bytes
// allocated stay a small multiple of the final size (reallocating at every
// page allocates the sum of all sizes, 2 GiB here), the contents survive
// and new pages read zero.
func TestMemoryGrowIsAmortized(t *testing.T) {
	const pages = 256
	inst := instantiate(t, `(module (memory (export "mem") 1)
  (func (export "grow") (param $pages i32) (result i32)
    (block $full
      (loop $l
        ;; the last byte of each page holds its page number
        (i32.store8 (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)) (memory.size))
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br_if $l (i32.lt_u (memory.size) (local.get $pages)))))
    (memory.size)))`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	expect(t, inst, "grow", args(i32(pages)), i32(pages))
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 4*pages*ir.PageSize {
		t.Errorf("growing to %d pages a page at a time allocated %d MiB", pages, n>>20)
	}
	mem := inst.Memory("mem").Bytes()
	if len(mem) != pages*ir.PageSize || cap(mem) != len(mem) {
		t.Fatalf("Bytes: len %d cap %d, want %d", len(mem), cap(mem), pages*ir.PageSize)
	}
	for p := 1; p < pages; p++ {
		if got := mem[p*ir.PageSize-1]; got != byte(p) {
			t.Fatalf("last byte of page %d = %d, want %d", p, got, byte(p))
		}
		for _, b := range mem[(p-1)*ir.PageSize : p*ir.PageSize-1] {
			if b != 0 {
				t.Fatalf("page %d has nonzero bytes", p)
			}
		}
	}
}

// TestSharedBytesOutliveMemory takes Bytes of shared memories, drops the
// memories, collects garbage until their cleanups have run, and then uses
// the slices: they must stay valid memory as the documentation promises
// (an unmapped buffer would crash the process). Small memories live on the
// Go heap and keep their contents; a 4 GiB reservation keeps its address
// range mapped.
func TestSharedBytesOutliveMemory(t *testing.T) {
	for _, max := range []uint64{2, 1024, 65536} {
		if max*ir.PageSize > math.MaxInt {
			continue
		}
		collected := make(chan struct{})
		b := func() []byte {
			m, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: max, HasMax: true}, Shared: true})
			if err != nil {
				t.Fatal(err)
			}
			runtime.AddCleanup(m, func(ch chan struct{}) { close(ch) }, collected)
			b := m.Bytes()
			b[10] = 42
			return b
		}()
		// Collect until the Memory's cleanups (the test's and any of the
		// package's, which the same collection queues) have had a chance
		// to run.
		for i := 0; i < 100; i++ {
			runtime.GC()
			runtime.Gosched()
			select {
			case <-collected:
				i = 100
			default:
			}
		}
		for i := 0; i < 3; i++ {
			runtime.GC()
			runtime.Gosched()
		}
		b[0] = 7
		b[len(b)-1] = 8
		if b[0] != 7 || b[len(b)-1] != 8 {
			t.Errorf("max %d: slice of a collected memory does not keep what is written", max)
		}
		if max <= 1024 && b[10] != 42 {
			t.Errorf("max %d: slice of a collected memory lost its contents", max)
		}
	}
}
