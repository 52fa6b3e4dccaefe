package interp_test

import (
	"context"
	"math"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/spectest"
	"github.com/watt-wasm/watt/wat"
)

// Threads on every memory: 64-bit memories and memories other than 0.
// Run these under the race detector too:
//
//	go test -race ./interp/ -run '64|Multi|Table64|ThreadScripts'

var features3 = ir.DefaultFeatures().With(ir.FeatureThreads, true)

// compile3 is compile with the WebAssembly 3.0 features.
func compile3(t testing.TB, src string) *interp.Module {
	t.Helper()
	text := ir.NewSource(t.Name()+".wat", []byte(src), false)
	m, err := wat.ParseModule(text, features3)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	mod, err := interp.Compile(m, text, features3)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return mod
}

// instantiate3 is instantiate with the WebAssembly 3.0 features, in store s
// (a new one if nil).
func instantiate3(t testing.TB, s *interp.Store, src string) *interp.Instance {
	t.Helper()
	if s == nil {
		s = interp.NewStore()
	}
	inst, err := interp.Instantiate(s, compile3(t, src), nil)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return inst
}

// TestThreadScripts runs testdata/threads' scripts of threads on 64-bit
// memories and on memory 1 of two-memory modules (spectest's (thread …)
// and (wait …) on goroutines), a few times each.
func TestThreadScripts(t *testing.T) {
	for _, name := range []string{"memory64.wast", "multi-memory.wast", "litmus64.wast"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for range 5 {
				res, err := spectest.RunFile(context.Background(), filepath.Join("..", "testdata", "threads", name), spectest.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if res.Passed == 0 {
					t.Fatal("no commands ran")
				}
				for _, o := range res.Outcomes {
					if o.Err != nil {
						t.Fatalf("line %d: %s: %s", o.Line, o.Cmd, o.Err)
					}
				}
			}
		})
	}
}

const shared64Src = `(module
  (memory (export "mem") i64 1 4 shared)
  (func (export "add") (param i64 i64) (result i64) (i64.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "add8") (param i64) (result i32) (i32.atomic.rmw8.add_u (local.get 0) (i32.const 1)))
  (func (export "load") (param i64) (result i64) (i64.atomic.load (local.get 0)))
  (func (export "store") (param i64 i64) (i64.atomic.store (local.get 0) (local.get 1)))
  (func (export "plain-load") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "wait") (param i64 i64) (result i32) (memory.atomic.wait64 (local.get 0) (local.get 1) (i64.const -1)))
  (func (export "notify") (param i64 i32) (result i32) (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))`

// TestShared64Atomics: goroutines add to i64 and i8 counters of a shared
// 64-bit memory; none may lose an update.
func TestShared64Atomics(t *testing.T) {
	inst := instantiate3(t, nil, shared64Src)
	const n = 2000
	parallel(t, 4, func(g int) error {
		for i := 0; i < n; i++ {
			if _, err := inst.Call(context.Background(), "add", i64(0x100), i64(3)); err != nil {
				return err
			}
			if _, err := inst.Call(context.Background(), "add8", i64(0x201)); err != nil {
				return err
			}
		}
		return nil
	})
	expect(t, inst, "load", args(i64(0x100)), i64(4*n*3))
	expect(t, inst, "load", args(i64(0x200)), i64(4*n%256<<8))
}

// TestShared64WaitNotify: waiters on an i64 address are woken by notify
// from other goroutines, oldest first, and growth never moves the buffer.
func TestShared64WaitNotify(t *testing.T) {
	inst := instantiate3(t, nil, shared64Src)
	mem := inst.Memory("mem")
	before := &mem.Bytes()[0]
	done := make(chan interp.Value, 2)
	for range 2 {
		go func() {
			res, err := inst.Call(context.Background(), "wait", i64(0xfff8), i64(0))
			if err != nil {
				done <- i32(-1)
				return
			}
			done <- res[0]
		}()
	}
	waitUntil(t, "two waiters", func() bool { return mem.NumWaiters(0xfff8) == 2 })
	expect(t, inst, "grow", args(i64(2)), i64(1))
	expect(t, inst, "notify", args(i64(0xfff8), i32(1)), i32(1))
	if r := <-done; r != i32(0) {
		t.Errorf("woken waiter returned %v", r)
	}
	expect(t, inst, "notify", args(i64(0xfff8), i32(5)), i32(1))
	if r := <-done; r != i32(0) {
		t.Errorf("woken waiter returned %v", r)
	}
	expect(t, inst, "size", nil, i64(3))
	if &mem.Bytes()[0] != before {
		t.Error("the shared memory moved when it grew")
	}
	expect(t, inst, "grow", args(i64(2)), i64(-1))
	expect(t, inst, "grow", args(i64(1)), i64(3))
	expectErr(t, inst, "wait", args(i64(4*65536), i64(0)), ir.Trap, "out of bounds memory access")
	expectErr(t, inst, "wait", args(i64(1<<32), i64(0)), ir.Trap, "out of bounds memory access")
	expectErr(t, inst, "notify", args(i64(-8), i32(1)), ir.Trap, "out of bounds memory access")
	expectErr(t, inst, "load", args(i64(-4)), ir.Trap, "unaligned atomic")
	expectErr(t, inst, "plain-load", args(i64(1<<32)), ir.Trap, "out of bounds memory access")
}

// TestShared64Beyond4GiB uses a shared 64-bit memory of more than 4 GiB
// (a reservation backed only where touched): plain and atomic accesses,
// wait and notify above 4 GiB, and growth.
func TestShared64Beyond4GiB(t *testing.T) {
	if runtime.GOOS != "linux" || math.MaxInt < 1<<40 {
		t.Skip("needs a 64-bit Linux host to reserve more than 4 GiB lazily")
	}
	inst := instantiate3(t, nil, `(module
  (memory (export "mem") i64 65537 65538 shared)
  (func (export "add") (param i64 i64) (result i64) (i64.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "store") (param i64 i64) (i64.store offset=0x1_0000_0000 (local.get 0) (local.get 1)))
  (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "wait") (param i64) (result i32) (memory.atomic.wait32 (local.get 0) (i32.const 0) (i64.const -1)))
  (func (export "notify") (param i64) (result i32) (memory.atomic.notify (local.get 0) (i32.const 1)))
  (func (export "grow") (result i64) (memory.grow (i64.const 1))))`)
	const hi = 1<<32 + 0x100
	expect(t, inst, "store", args(i64(0x108), i64(42)))
	expect(t, inst, "load", args(i64(hi+8)), i64(42))
	expect(t, inst, "load", args(i64(0x108)), i64(0)) // not wrapped to 32 bits
	parallel(t, 2, func(g int) error {
		for i := 0; i < 1000; i++ {
			if _, err := inst.Call(context.Background(), "add", i64(hi), i64(1)); err != nil {
				return err
			}
		}
		return nil
	})
	expect(t, inst, "load", args(i64(hi)), i64(2000))
	done := make(chan error, 1)
	go func() {
		_, err := inst.Call(context.Background(), "wait", i64(hi+16))
		done <- err
	}()
	waitUntil(t, "the waiter", func() bool { return inst.Memory("mem").NumWaiters(hi+16) == 1 })
	expect(t, inst, "notify", args(i64(16)), i32(0)) // another address
	expect(t, inst, "notify", args(i64(hi+16)), i32(1))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	last := int64(65537*65536 - 8)
	expectErr(t, inst, "load", args(i64(last+8)), ir.Trap, "out of bounds memory access")
	expect(t, inst, "grow", nil, i64(65537))
	expect(t, inst, "load", args(i64(last+8)), i64(0))
	expect(t, inst, "grow", nil, i64(-1))
}

// TestMultiMemoryThreads: atomics, wait and notify on memory 1 while memory
// 0 is of the other kind, both ways round.
func TestMultiMemoryThreads(t *testing.T) {
	for _, tc := range []struct{ name, mems string }{
		{"unshared0-shared1", `(memory $u 1) (memory $s (export "shared") 1 1 shared)`},
		{"shared0-unshared1", `(memory $s (export "shared") 1 1 shared) (memory $u 1)`},
		{"unshared0-shared64-1", `(memory $u 1) (memory $s (export "shared") i64 1 1 shared)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := "i32"
			if tc.name == "unshared0-shared64-1" {
				at = "i64"
			}
			inst := instantiate3(t, nil, `(module `+tc.mems+`
  (func (export "add") (result i32) (i32.atomic.rmw.add $s offset=8 (`+at+`.const 0) (i32.const 1)))
  (func (export "total") (result i32) (i32.atomic.load $s (`+at+`.const 8)))
  (func (export "private") (result i32) (i32.atomic.load $u (i32.const 8)))
  (func (export "wait") (result i32) (memory.atomic.wait32 $s (`+at+`.const 64) (i32.const 0) (i64.const -1)))
  (func (export "notify") (result i32) (memory.atomic.notify $s (`+at+`.const 64) (i32.const 1)))
  (func (export "wait-unshared") (result i32) (memory.atomic.wait32 $u (i32.const 64) (i32.const 0) (i64.const 0)))
  (func (export "notify-unshared") (result i32) (memory.atomic.notify $u (i32.const 64) (i32.const 1)))
  (func (export "copy") (memory.copy $u $s (i32.const 0) (`+at+`.const 0) (i32.const 64))))`)
			parallel(t, 4, func(g int) error {
				for i := 0; i < 1000; i++ {
					if _, err := inst.Call(context.Background(), "add"); err != nil {
						return err
					}
					if g == 0 && i%100 == 0 {
						// the unshared memory reads the shared one meanwhile
						if _, err := inst.Call(context.Background(), "copy"); err != nil {
							return err
						}
					}
				}
				return nil
			})
			expect(t, inst, "total", nil, i32(4000))
			expect(t, inst, "copy", nil)
			expect(t, inst, "private", nil, i32(4000))
			expectErr(t, inst, "wait-unshared", nil, ir.Trap, "expected shared memory")
			expect(t, inst, "notify-unshared", nil, i32(0))
			mem := inst.Memory("shared")
			done := make(chan error, 1)
			go func() {
				res, err := inst.Call(context.Background(), "wait")
				if err == nil && res[0] != i32(0) {
					err = &ir.Error{Msg: "wait returned " + res[0].String()}
				}
				done <- err
			}()
			waitUntil(t, "the waiter", func() bool { return mem.NumWaiters(64) == 1 })
			expect(t, inst, "notify", nil, i32(1))
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestMemory64Limit: Store.Memory64Limit bounds 64-bit memories: growth
// fails beyond it (a shared memory reserves only the limit, whatever its
// declared maximum), and a minimum above it fails instantiation.
func TestMemory64Limit(t *testing.T) {
	s := interp.NewStore()
	s.Memory64Limit = 4 * ir.PageSize
	for _, mem := range []string{`(memory (export "m") i64 1)`, `(memory (export "m") i64 1 0x1_0000_0000_0000 shared)`} {
		inst := instantiate3(t, s, `(module `+mem+`
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))`)
		expect(t, inst, "grow", args(i64(4)), i64(-1))
		expect(t, inst, "grow", args(i64(-1)), i64(-1))
		expect(t, inst, "grow", args(i64(3)), i64(1))
		expect(t, inst, "grow", args(i64(1)), i64(-1))
		if n := len(inst.Memory("m").Bytes()); n != 4*ir.PageSize {
			t.Errorf("%s: %d bytes", mem, n)
		}
	}
	mod := compileWith(t, `(module (memory i64 5))`, features3)
	_, err := interp.Instantiate(s, mod, nil)
	checkErr(t, err, ir.Uninstantiable, "memory of 5 pages is more than the limit")
	if _, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1 << 40, HasMax: true, Is64: true}, Shared: true}); err != nil {
		t.Errorf("a shared 64-bit memory with a huge maximum: %v", err)
	}
}

// TestTable64CallIndirect: call_indirect and return_call_indirect through
// a 64-bit table take an i64 index; one of 2^32 or more is out of bounds,
// not wrapped to 32 bits.
func TestTable64CallIndirect(t *testing.T) {
	inst := instantiate3(t, nil, `(module
  (type $t (func (result i32)))
  (table $tab i64 2 funcref)
  (elem (table $tab) (i64.const 0) func $a $b)
  (func $a (result i32) (i32.const 10))
  (func $b (result i32) (i32.const 11))
  (func (export "call") (param i64) (result i32) (call_indirect $tab (type $t) (local.get 0)))
  (func (export "tail") (param i64) (result i32) (return_call_indirect $tab (type $t) (local.get 0)))
  (func (export "grow") (param i64) (result i64) (table.grow $tab (ref.null func) (local.get 0)))
  (func (export "size") (result i64) (table.size $tab)))`)
	for _, name := range []string{"call", "tail"} {
		expect(t, inst, name, args(i64(1)), i32(11))
		expect(t, inst, name, args(i64(0)), i32(10))
		expectErr(t, inst, name, args(i64(1<<32)), ir.Trap, "undefined element")
		expectErr(t, inst, name, args(i64(1<<32+1)), ir.Trap, "undefined element")
		expectErr(t, inst, name, args(i64(-1)), ir.Trap, "undefined element")
		expectErr(t, inst, name, args(i64(2)), ir.Trap, "undefined element")
	}
	expect(t, inst, "grow", args(i64(-1)), i64(-1))
	expect(t, inst, "grow", args(i64(1<<32)), i64(-1))
	expect(t, inst, "grow", args(i64(3)), i64(2))
	expect(t, inst, "size", nil, i64(5))
	expectErr(t, inst, "call", args(i64(4)), ir.Trap, "uninitialized element")
}
