package interp_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

const atomicsSrc = `(module
  (memory (export "mem") 1 4 shared)
  ;; n times: 32-bit add at 0, 64-bit add at 8, 8-bit adds at 16+lane,
  ;; 16-bit sub at 20+2*lane (neighbouring sub-words share a 32-bit word)
  (func (export "bump") (param $n i32) (param $lane i32) (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (drop (i64.atomic.rmw.add (i32.const 8) (i64.const 3)))
      (drop (i32.atomic.rmw8.add_u (i32.add (i32.const 16) (local.get $lane)) (i32.const 1)))
      (drop (i32.atomic.rmw16.sub_u (i32.add (i32.const 20) (i32.shl (local.get $lane) (i32.const 1))) (i32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  ;; a spin lock at 32 (cmpxchg) guarding a plain counter at 36
  (func (export "locked") (param $n i32) (local $i i32)
    (loop $l
      (loop $spin
        (br_if $spin (i32.atomic.rmw.cmpxchg (i32.const 32) (i32.const 0) (i32.const 1))))
      (i32.store (i32.const 36) (i32.add (i32.load (i32.const 36)) (i32.const 1)))
      (i32.atomic.store (i32.const 32) (i32.const 0))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "load32") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "load64") (param i32) (result i64) (i64.atomic.load (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.atomic.load8_u (local.get 0)))
  (func (export "load16") (param i32) (result i32) (i32.atomic.load16_u (local.get 0)))
  (func (export "xchg8") (param i32 i32) (result i32) (i32.atomic.rmw8.xchg_u (local.get 0) (local.get 1)))
  (func (export "cmpxchg16") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw16.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cmpxchg64") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw.cmpxchg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "and64") (param i32 i64) (result i64) (i64.atomic.rmw.and (local.get 0) (local.get 1)))
  (func (export "xor32") (param i32 i32) (result i32) (i32.atomic.rmw.xor (local.get 0) (local.get 1)))
  (func (export "store64") (param i32 i64) (i64.atomic.store (local.get 0) (local.get 1)))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "fence") (atomic.fence)))`

// parallel runs f(g) on n goroutines and waits for them; errors are
// collected, never reported from the goroutines.
func parallel(t *testing.T, n int, f func(g int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[g] = f(g)
		}()
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", g, err)
		}
	}
}

func TestAtomicCountersFromManyGoroutines(t *testing.T) {
	inst := instantiate(t, atomicsSrc)
	const goroutines, n = 4, 3000
	parallel(t, goroutines, func(g int) error {
		_, err := inst.Call(context.Background(), "bump", i32(n), i32(int32(g)))
		return err
	})
	expect(t, inst, "load32", args(i32(0)), i32(goroutines*n))
	expect(t, inst, "load64", args(i32(8)), i64(3*goroutines*n))
	for g := 0; g < goroutines; g++ {
		expect(t, inst, "load8", args(i32(int32(16+g))), i32(n%256))
		expect(t, inst, "load16", args(i32(int32(20+2*g))), i32((0x10000-n)%0x10000))
	}
}

func TestSpinLockIsExclusive(t *testing.T) {
	// Two instances share one memory: the documented use of shared memory.
	store := interp.NewStore()
	mod := compile(t, atomicsSrc)
	owner, err := interp.Instantiate(store, mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	user := instantiateWith(t, store, `(module
  (memory (import "m" "mem") 1 4 shared)
  (func (export "locked") (param $n i32) (local $i i32)
    (loop $l
      (loop $spin
        (br_if $spin (i32.atomic.rmw.cmpxchg (i32.const 32) (i32.const 0) (i32.const 1))))
      (i32.store (i32.const 36) (i32.add (i32.load (i32.const 36)) (i32.const 1)))
      (i32.atomic.store (i32.const 32) (i32.const 0))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))))`,
		interp.ImportMap{"m": {"mem": owner.Export("mem")}})
	const n = 2000
	parallel(t, 4, func(g int) error {
		inst := owner
		if g%2 == 1 {
			inst = user
		}
		_, err := inst.Call(context.Background(), "locked", i32(n))
		return err
	})
	expect(t, owner, "load32", args(i32(36)), i32(4*n))
}

func instantiateWith(t testing.TB, store *interp.Store, src string, imports interp.Imports) *interp.Instance {
	t.Helper()
	inst, err := interp.Instantiate(store, compile(t, src), imports)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return inst
}

func TestAtomicRMWResults(t *testing.T) {
	inst := instantiate(t, atomicsSrc)
	expect(t, inst, "store64", args(i32(64), i64(0x1122334455667788)))
	expect(t, inst, "xchg8", args(i32(65), i32(0x1ff)), i32(0x77))
	expect(t, inst, "load64", args(i32(64)), i64(0x112233445566ff88))
	// Expected values are wrapped to the access width.
	expect(t, inst, "cmpxchg16", args(i32(66), i32(0x15566), i32(0xabcd)), i32(0x5566))
	expect(t, inst, "load64", args(i32(64)), i64(0x11223344abcdff88))
	expect(t, inst, "cmpxchg16", args(i32(66), i32(0), i32(1)), i32(0xabcd))
	expect(t, inst, "cmpxchg64", args(i32(64), i64(1), i64(2)), i64(0x11223344abcdff88))
	expect(t, inst, "cmpxchg64", args(i32(64), i64(0x11223344abcdff88), i64(7)), i64(0x11223344abcdff88))
	expect(t, inst, "and64", args(i32(64), i64(3)), i64(7))
	expect(t, inst, "load64", args(i32(64)), i64(3))
	expect(t, inst, "xor32", args(i32(64), i32(-1)), i32(3))
	expect(t, inst, "load32", args(i32(64)), i32(-4))
	expect(t, inst, "fence", nil)
}

func TestAtomicTraps(t *testing.T) {
	inst := instantiate(t, atomicsSrc)
	expectErr(t, inst, "load32", args(i32(2)), ir.Trap, "unaligned atomic")
	expectErr(t, inst, "load64", args(i32(4)), ir.Trap, "unaligned atomic")
	expectErr(t, inst, "load16", args(i32(1)), ir.Trap, "unaligned atomic")
	expectErr(t, inst, "load32", args(i32(65536)), ir.Trap, "out of bounds memory access")
	expectErr(t, inst, "notify", args(i32(65536), i32(1)), ir.Trap, "out of bounds memory access")
	expectErr(t, inst, "wait64", args(i32(4), i64(0), i64(0)), ir.Trap, "unaligned atomic")
	expect(t, inst, "load8", args(i32(65535)), i32(0))

	unshared := instantiate(t, `(module (memory 1)
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1))))`)
	expectErr(t, unshared, "wait32", args(i32(0), i32(0), i64(0)), ir.Trap, "expected shared memory")
	expect(t, unshared, "notify", args(i32(0), i32(10)), i32(0))
}

func TestWaitResults(t *testing.T) {
	inst := instantiate(t, atomicsSrc)
	expect(t, inst, "wait32", args(i32(0), i32(1), i64(-1)), i32(1)) // not equal: no wait
	expect(t, inst, "wait64", args(i32(8), i64(1), i64(-1)), i32(1))
	expect(t, inst, "wait32", args(i32(0), i32(0), i64(0)), i32(2)) // timed out at once
	expect(t, inst, "wait64", args(i32(8), i64(0), i64(1_000_000)), i32(2))
	expect(t, inst, "notify", args(i32(0), i32(1)), i32(0)) // nobody waits
	if n := inst.Memory("mem").NumWaiters(0); n != 0 {
		t.Errorf("timed-out waiter still queued: %d", n)
	}
}

// waitUntil polls cond (a safety net bounds it; no timing is asserted).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNotifyWakesAtMostCount(t *testing.T) {
	inst := instantiate(t, atomicsSrc)
	mem := inst.Memory("mem")
	results := make(chan interp.Value, 3)
	for g := 0; g < 3; g++ {
		go func() {
			res, err := inst.Call(context.Background(), "wait32", i32(64), i32(0), i64(-1))
			if err != nil {
				results <- i32(-1)
				return
			}
			results <- res[0]
		}()
	}
	waitUntil(t, "three waiters", func() bool { return mem.NumWaiters(64) == 3 })
	expect(t, inst, "notify", args(i32(60), i32(5)), i32(0)) // other address
	expect(t, inst, "notify", args(i32(64), i32(2)), i32(2))
	for i := 0; i < 2; i++ {
		if r := <-results; r != i32(0) {
			t.Errorf("woken waiter returned %v, want 0", r)
		}
	}
	if n := mem.NumWaiters(64); n != 1 {
		t.Fatalf("waiters left = %d, want 1", n)
	}
	expect(t, inst, "notify", args(i32(64), i32(5)), i32(1))
	if r := <-results; r != i32(0) {
		t.Errorf("woken waiter returned %v, want 0", r)
	}
}

func TestNotifyLoopUnblocksWaiter(t *testing.T) {
	// The suite's wait_notify pattern: notify until somebody was woken.
	inst := instantiate(t, atomicsSrc)
	done := make(chan error, 1)
	go func() {
		res, err := inst.Call(context.Background(), "wait64", i32(128), i64(0), i64(-1))
		if err == nil && res[0] != i32(0) {
			err = &ir.Error{Msg: "wait returned " + res[0].String()}
		}
		done <- err
	}()
	for {
		res := call(t, inst, "notify", i32(128), i32(1))
		if res[0] == i32(1) {
			break
		}
		time.Sleep(100 * time.Microsecond)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestWaitStopsOnCancel(t *testing.T) {
	inst := instantiate(t, atomicsSrc)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := inst.Call(ctx, "wait32", i32(0), i32(0), i64(-1))
		done <- err
	}()
	waitUntil(t, "the waiter", func() bool { return inst.Memory("mem").NumWaiters(0) == 1 })
	cancel()
	checkErr(t, <-done, ir.Trap, "interrupted")
	if n := inst.Memory("mem").NumWaiters(0); n != 0 {
		t.Errorf("cancelled waiter still queued: %d", n)
	}
}

func TestSharedMemoryGrowsWhileInUse(t *testing.T) {
	inst := instantiate(t, atomicsSrc)
	mem := inst.Memory("mem")
	before := mem.Bytes()
	parallel(t, 2, func(g int) error {
		if g == 0 {
			for i := 0; i < 3; i++ {
				if _, err := inst.Call(context.Background(), "grow", i32(1)); err != nil {
					return err
				}
			}
			return nil
		}
		// Read the last word of whatever size is current.
		for i := 0; i < 2000; i++ {
			res, err := inst.Call(context.Background(), "size")
			if err != nil {
				return err
			}
			if _, err := inst.Call(context.Background(), "load32", i32(res[0].Int32()*65536-4)); err != nil {
				return err
			}
		}
		return nil
	})
	expect(t, inst, "size", nil, i32(4))
	expect(t, inst, "grow", args(i32(1)), i32(-1)) // at maximum
	after := mem.Bytes()
	if len(after) != 4*65536 || &before[0] != &after[0] {
		t.Errorf("shared memory moved or has wrong size %d", len(after))
	}
}

func TestNotifyWakesOldestFirst(t *testing.T) {
	inst := instantiate(t, atomicsSrc)
	mem := inst.Memory("mem")
	first, second := make(chan error, 1), make(chan error, 1)
	start := func(done chan error) {
		go func() {
			_, err := inst.Call(context.Background(), "wait32", i32(256), i32(0), i64(-1))
			done <- err
		}()
	}
	start(first)
	waitUntil(t, "the first waiter", func() bool { return mem.NumWaiters(256) == 1 })
	start(second)
	waitUntil(t, "the second waiter", func() bool { return mem.NumWaiters(256) == 2 })
	expect(t, inst, "notify", args(i32(256), i32(1)), i32(1))
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	select {
	case <-second:
		t.Fatal("the second waiter woke before the first")
	default:
	}
	if n := mem.NumWaiters(256); n != 1 {
		t.Fatalf("waiters = %d, want 1", n)
	}
	expect(t, inst, "notify", args(i32(256), i32(1)), i32(1))
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}

func TestPlainAccessesToSharedMemoryAreNotGoRaces(t *testing.T) {
	// Message passing as in the suite's MP litmus test: plain data store,
	// atomic flag. The plain accesses race by wasm's design; under -race
	// the interpreter makes them atomic so the detector stays quiet.
	inst := instantiate(t, `(module
  (memory 1 1 shared)
  (func (export "send") (param $n i32) (local $i i32)
    (loop $l
      (i32.store (i32.const 0) (local.get $i))
      (i32.atomic.store (i32.const 4) (local.get $i))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "recv") (param $n i32) (result i32) (local $seen i32)
    (loop $l
      (local.set $seen (i32.atomic.load (i32.const 4)))
      (drop (i32.load (i32.const 0)))
      (br_if $l (i32.lt_u (local.get $seen) (i32.sub (local.get $n) (i32.const 1)))))
    (i32.load (i32.const 0))))`)
	const n = 5000
	var got interp.Value
	parallel(t, 2, func(g int) error {
		if g == 0 {
			_, err := inst.Call(context.Background(), "send", i32(n))
			return err
		}
		res, err := inst.Call(context.Background(), "recv", i32(n))
		if err == nil {
			got = res[0]
		}
		return err
	})
	// The flag was written after the data (sequentially consistent), so
	// the last value is visible once the last flag is.
	if got != i32(n-1) {
		t.Errorf("recv = %v, want %d", got, n-1)
	}
}

func TestSharedMemoryReservesItsMaximum(t *testing.T) {
	// 4 GiB of address space, backed only where touched (mmap on Linux;
	// elsewhere the reservation is an allocation).
	if runtime.GOOS != "linux" || strconv.IntSize < 64 {
		t.Skip("needs Linux's lazily backed mappings on a 64-bit host")
	}
	inst := instantiate(t, `(module (memory (export "mem") 1 65536 shared)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "poke") (param i32) (result i32)
    (i32.store8 (local.get 0) (i32.const 9)) (i32.load8_u (local.get 0))))`)
	expect(t, inst, "grow", args(i32(65535)), i32(1))
	expect(t, inst, "poke", args(i32(-1)), i32(9))
	expect(t, inst, "grow", args(i32(1)), i32(-1))
	if n := uint64(len(inst.Memory("mem").Bytes())); n != 1<<32 {
		t.Errorf("len = %d", n)
	}
}

// TestAtomicTrapOrder checks the order of an atomic access's checks, as the
// threads proposal writes them (and its reference interpreter runs them:
// check_align; check_shared; check_bounds): alignment of the effective
// address first, then, for wait, that the memory is shared, then bounds.
func TestAtomicTrapOrder(t *testing.T) {
	// Every atomic access shape, each exported as (address) → result, with
	// the value operands fixed.
	ops := []struct {
		name, body string
		size       int
		wait       bool
	}{
		{"i32.atomic.load", "(i32.atomic.load (local.get 0))", 4, false},
		{"i64.atomic.load", "(i32.wrap_i64 (i64.atomic.load (local.get 0)))", 8, false},
		{"i32.atomic.load16_u", "(i32.atomic.load16_u (local.get 0))", 2, false},
		{"i64.atomic.load32_u", "(i32.wrap_i64 (i64.atomic.load32_u (local.get 0)))", 4, false},
		{"i32.atomic.store", "(i32.atomic.store (local.get 0) (i32.const 1)) (i32.const 0)", 4, false},
		{"i64.atomic.store16", "(i64.atomic.store16 (local.get 0) (i64.const 1)) (i32.const 0)", 2, false},
		{"i64.atomic.rmw.add", "(i32.wrap_i64 (i64.atomic.rmw.add (local.get 0) (i64.const 1)))", 8, false},
		{"i32.atomic.rmw16.xchg_u", "(i32.atomic.rmw16.xchg_u (local.get 0) (i32.const 1))", 2, false},
		{"i32.atomic.rmw.cmpxchg", "(i32.atomic.rmw.cmpxchg (local.get 0) (i32.const 0) (i32.const 1))", 4, false},
		{"i64.atomic.rmw32.cmpxchg_u", "(i32.wrap_i64 (i64.atomic.rmw32.cmpxchg_u (local.get 0) (i64.const 0) (i64.const 1)))", 4, false},
		{"memory.atomic.notify", "(memory.atomic.notify (local.get 0) (i32.const 1))", 4, false},
		{"memory.atomic.wait32", "(memory.atomic.wait32 (local.get 0) (i32.const 1) (i64.const 0))", 4, true},
		{"memory.atomic.wait64", "(memory.atomic.wait64 (local.get 0) (i64.const 1) (i64.const 0))", 8, true},
	}
	for _, shared := range []bool{true, false} {
		mem := "(memory 1)"
		if shared {
			mem = "(memory 1 1 shared)"
		}
		src := "(module " + mem
		for _, op := range ops {
			src += `(func (export "` + op.name + `") (param i32) (result i32) ` + op.body + `)`
			// The same access with a static offset of 1: the effective
			// address, not the operand, must be aligned.
			body := strings.Replace(op.body, "(local.get 0)", "offset=1 (local.get 0)", 1)
			src += `(func (export "` + op.name + `+1") (param i32) (result i32) ` + body + `)`
		}
		inst := instantiate(t, src+")")
		for _, op := range ops {
			// Aligned accesses in and out of bounds; wait on an unshared
			// memory traps before bounds are looked at.
			wantAligned, wantOOB := "", "out of bounds memory access"
			if op.wait && !shared {
				wantAligned, wantOOB = "expected shared memory", "expected shared memory"
			}
			last := int32(65536 - op.size) // last aligned in-bounds address
			cases := []struct {
				export string
				addr   int32
				want   string
			}{
				{op.name, 0, wantAligned},
				{op.name, last, wantAligned},
				{op.name, 1, "unaligned atomic"},
				{op.name, last + 1, "unaligned atomic"},     // misaligned and (for size > 1) partly out of bounds
				{op.name, 65536 + 1, "unaligned atomic"},    // misaligned and out of bounds
				{op.name, -1, "unaligned atomic"},           // misaligned, far out of bounds
				{op.name, 65536, wantOOB},                   // aligned, out of bounds
				{op.name, int32(-op.size), wantOOB},         // aligned, far out of bounds
				{op.name + "+1", -1, wantOOB},               // ea = 2^32: aligned, out of bounds
				{op.name + "+1", 0, "unaligned atomic"},     // ea = 1
				{op.name + "+1", 65536, "unaligned atomic"}, // ea = 65537: misaligned and out of bounds
				{op.name + "+1", last - 1, wantAligned},     // ea = last
			}
			for _, c := range cases {
				name := fmt.Sprintf("shared=%v/%s(%d)", shared, c.export, c.addr)
				_, err := inst.Call(context.Background(), c.export, i32(c.addr))
				switch {
				case c.want == "" && err != nil:
					t.Errorf("%s: %v, want no trap", name, err)
				case c.want != "" && (err == nil || !strings.HasPrefix(err.(*ir.Error).Msg, c.want)):
					t.Errorf("%s: %v, want trap %q", name, err, c.want)
				}
			}
		}
	}
}

// TestAtomicsUseLittleEndianBytes checks every atomic access against the
// bytes of memory, which wasm defines as little endian whatever the host:
// each op runs at every aligned offset of a 16-byte window prepared through
// Memory.Bytes, and must return the old value those bytes encode and leave
// the new value's bytes, and nothing else changed. (On a big-endian host a
// native word holds its bytes the other way round.)
func TestAtomicsUseLittleEndianBytes(t *testing.T) {
	type op struct {
		name string
		rmw  func(old, v, w uint64) uint64 // new value from old, operand and replacement
	}
	ops := []op{
		{"load", nil},
		{"store", func(old, v, w uint64) uint64 { return v }},
		{"add", func(old, v, w uint64) uint64 { return old + v }},
		{"sub", func(old, v, w uint64) uint64 { return old - v }},
		{"and", func(old, v, w uint64) uint64 { return old & v }},
		{"or", func(old, v, w uint64) uint64 { return old | v }},
		{"xor", func(old, v, w uint64) uint64 { return old ^ v }},
		{"xchg", func(old, v, w uint64) uint64 { return v }},
		{"cmpxchg", func(old, v, w uint64) uint64 {
			if old == v {
				return w
			}
			return old
		}},
	}
	sizes := []struct {
		bytes  int
		suffix string // of the i64 form: rmw8.add_u, load16_u, store32, …
	}{{1, "8"}, {2, "16"}, {4, "32"}, {8, ""}}
	instr := func(o string, suffix string) string {
		switch o {
		case "load":
			if suffix == "" {
				return "i64.atomic.load"
			}
			return "i64.atomic.load" + suffix + "_u"
		case "store":
			return "i64.atomic.store" + suffix
		}
		if suffix == "" {
			return "i64.atomic.rmw." + o
		}
		return "i64.atomic.rmw" + suffix + "." + o + "_u"
	}
	src := `(module (memory (export "mem") 1 1 shared)`
	for _, o := range ops {
		for _, s := range sizes {
			in := instr(o.name, s.suffix)
			var body string
			switch o.name {
			case "load":
				body = "(" + in + " (local.get 0))"
			case "store":
				body = "(" + in + " (local.get 0) (local.get 1)) (i64.const 0)"
			case "cmpxchg":
				body = "(" + in + " (local.get 0) (local.get 1) (local.get 2))"
			default:
				body = "(" + in + " (local.get 0) (local.get 1))"
			}
			src += `(func (export "` + in + `") (param i32 i64 i64) (result i64) ` + body + `)`
		}
	}
	inst := instantiate(t, src+")")
	mem := inst.Memory("mem").Bytes()
	pattern := []byte{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87}
	le := func(b []byte) uint64 {
		var v uint64
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		return v
	}
	for _, o := range ops {
		for _, s := range sizes {
			in := instr(o.name, s.suffix)
			mask := uint64(1)<<(8*s.bytes) - 1
			if s.bytes == 8 {
				mask = ^uint64(0)
			}
			for ea := 0; ea < 16; ea += s.bytes {
				copy(mem, pattern)
				old := le(pattern[ea : ea+s.bytes])
				// The operand's low bytes differ from every byte of the
				// pattern; for cmpxchg it matches the old value (with
				// high bits the access must ignore), so the swap happens.
				v := uint64(0x0102030405060708)
				if o.name == "cmpxchg" {
					v = old | ^mask
				}
				w := uint64(0xa1b2c3d4e5f60718)
				res := call(t, inst, in, i32(int32(ea)), i64(int64(v)), i64(int64(w)))
				want := append([]byte(nil), pattern...)
				if o.rmw != nil {
					next := o.rmw(old, v&mask, w) & mask
					for i := 0; i < s.bytes; i++ {
						want[ea+i] = byte(next >> (8 * i))
					}
				}
				if o.name != "store" && res[0] != i64(int64(old)) {
					t.Errorf("%s at %d returned %#x, want %#x", in, ea, uint64(res[0].Int64()), old)
				}
				if got := mem[:16]; string(got) != string(want) {
					t.Errorf("%s at %d left % x, want % x", in, ea, got, want)
				}
			}
		}
	}
}

// TestSharedInstanceIsMemorySafe has goroutines use one instance's mutable
// globals, table and unshared memory through wasm and the Go API at once,
// growing the table and the memory while others index them: wasm cannot
// share those between threads, but Go callers (and spec scripts' threads)
// can share an instance. Values may race; growth must not be lost, and
// under -race the run must be reported clean.
func TestSharedInstanceIsMemorySafe(t *testing.T) {
	inst := instantiate(t, `(module
  (type $ret (func (result i32)))
  (memory (export "mem") 1 40)
  (table $t (export "tab") 1 10000 funcref)
  (global $g (export "g") (mut i64) (i64.const 0))
  (global $v (export "v") (mut v128) (v128.const i64x2 0 0))
  (elem (i32.const 0) $seven)
  (func $seven (export "seven") (type $ret) (i32.const 7))
  (func (export "work") (param $n i32) (result i32) (local $i i32) (local $ok i32)
    (loop $l
      (global.set $g (i64.add (global.get $g) (i64.const 1)))
      (global.set $v (i64x2.add (global.get $v) (v128.const i64x2 1 1)))
      (drop (table.grow $t (ref.func $seven) (i32.const 1)))
      (table.set $t (i32.rem_u (local.get $i) (table.size $t)) (ref.func $seven))
      (local.set $ok (i32.add (local.get $ok) (i32.eq (i32.const 7)
        (call_indirect $t (type $ret) (i32.rem_u (i32.mul (local.get $i) (i32.const 13)) (table.size $t))))))
      (drop (memory.grow (i32.const 1)))
      (i32.store (i32.const 8) (local.get $i))
      (drop (i32.load (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $ok)))`)
	tab := inst.Export("tab").(*interp.Table)
	g := inst.Export("g").(*interp.Global)
	mem := inst.Memory("mem")
	seven := inst.Store().FuncRef(inst.Func("seven"))
	const goroutines, n = 4, 500
	parallel(t, goroutines, func(k int) error {
		if k == 0 {
			// The Go API side: reads and writes of the same objects.
			for i := 0; i < n; i++ {
				tab.Grow(1, seven)
				if v, err := tab.Get(uint32(i) % tab.Size()); err != nil || v != seven {
					return fmt.Errorf("table element %d = %v, %v", uint32(i)%tab.Size(), v, err)
				}
				if err := tab.Set(uint32(i*7)%tab.Size(), seven); err != nil {
					return err
				}
				g.Set(i64(int64(i)))
				g.Get()
				inst.Get("v")
				// (Not the bytes: host code racing with wasm on memory
				// contents is the host's race.)
				mem.Grow(1)
				if b := mem.Bytes(); len(b) < ir.PageSize {
					return fmt.Errorf("memory of %d bytes", len(b))
				}
			}
			return nil
		}
		res, err := inst.Call(context.Background(), "work", i32(n))
		if err == nil && res[0] != i32(n) {
			err = fmt.Errorf("%d of %d indirect calls returned 7", res[0].Int32(), n)
		}
		return err
	})
	if got := tab.Size(); got != 1+goroutines*n {
		t.Errorf("table size %d, want %d: growth lost", got, 1+goroutines*n)
	}
	if got := mem.Pages(); got != 40 {
		t.Errorf("memory size %d pages, want 40", got)
	}
}
