package interp_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

func newMemory(t *testing.T, mt ir.MemoryType) *interp.Memory {
	t.Helper()
	m, err := interp.NewMemory(mt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// wantMemErr checks an accessor's error: an *ir.Error of kind Trap with
// the spec's message first, wrapping a *interp.Trap.
func wantMemErr(t *testing.T, err error, msg string) {
	t.Helper()
	var e *ir.Error
	if !errors.As(err, &e) || e.Kind != ir.Trap || !strings.HasPrefix(e.Msg, msg) {
		t.Fatalf("error = %v, want a trap %q", err, msg)
	}
	var trap *interp.Trap
	if !errors.As(err, &trap) || !strings.HasPrefix(trap.Msg, msg) {
		t.Fatalf("errors.As(%v, *Trap) found %v", err, trap)
	}
}

// The accessors read and write what wasm code reads and writes: the same
// bytes, little-endian, at the same addresses.
func TestMemoryAccessorsAgreeWithWasm(t *testing.T) {
	inst := instantiate(t, `(module
  (memory (export "mem") 1)
  (func (export "ld8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "ld16") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "ld32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "ld64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "st64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "f32") (param i32) (result f32) (f32.load (local.get 0)))
  (func (export "f64") (param i32) (result f64) (f64.load (local.get 0))))`)
	mem := inst.Memory("mem")

	// Go writes, wasm reads; unaligned addresses on purpose.
	must(t, mem.WriteUint8(1, 0xab))
	expect(t, inst, "ld8", []interp.Value{interp.I32(1)}, interp.I32(0xab))
	must(t, mem.WriteUint16Le(3, 0xbeef))
	expect(t, inst, "ld16", []interp.Value{interp.I32(3)}, interp.I32(0xbeef))
	must(t, mem.WriteUint32Le(7, 0xdeadbeef))
	expect(t, inst, "ld32", []interp.Value{interp.I32(7)}, interp.I32(-0x21524111))
	must(t, mem.WriteUint64Le(13, 0x0123456789abcdef))
	expect(t, inst, "ld64", []interp.Value{interp.I32(13)}, interp.I64(0x0123456789abcdef))
	must(t, mem.WriteFloat32Le(100, -1.5))
	expect(t, inst, "f32", []interp.Value{interp.I32(100)}, interp.F32(-1.5))
	// A signalling NaN keeps its payload.
	must(t, mem.WriteFloat64Le(200, math.Float64frombits(0x7ff0000000000001)))
	expect(t, inst, "f64", []interp.Value{interp.I32(200)}, interp.F64Bits(0x7ff0000000000001))

	// wasm writes, Go reads.
	call(t, inst, "st64", interp.I32(301), interp.I64(0x1122334455667788))
	if v, err := mem.ReadUint64Le(301); err != nil || v != 0x1122334455667788 {
		t.Errorf("ReadUint64Le = %#x, %v", v, err)
	}
	if v, err := mem.ReadUint32Le(301); err != nil || v != 0x55667788 {
		t.Errorf("ReadUint32Le = %#x, %v", v, err)
	}
	if v, err := mem.ReadUint16Le(307); err != nil || v != 0x1122 {
		t.Errorf("ReadUint16Le = %#x, %v", v, err)
	}
	if v, err := mem.ReadUint8(302); err != nil || v != 0x77 {
		t.Errorf("ReadUint8 = %#x, %v", v, err)
	}
	if v, err := mem.ReadFloat32Le(100); err != nil || v != -1.5 {
		t.Errorf("ReadFloat32Le = %v, %v", v, err)
	}
	if v, err := mem.ReadFloat64Le(200); err != nil || math.Float64bits(v) != 0x7ff0000000000001 {
		t.Errorf("ReadFloat64Le = %#x, %v", math.Float64bits(v), err)
	}
	// The bytes themselves, in memory order.
	want := []byte{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}
	if got := mem.Bytes()[301:309]; string(got) != string(want) {
		t.Errorf("bytes = % x, want % x", got, want)
	}
}

// Read and Write copy ranges of any alignment and length; ReadString too.
func TestMemoryReadWriteRanges(t *testing.T) {
	for _, shared := range []bool{false, true} {
		mem := newMemory(t, ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}, Shared: shared})
		src := make([]byte, 64)
		for i := range src {
			src[i] = byte(i + 1)
		}
		for off := uint64(0); off < 8; off++ {
			for n := range 20 {
				clear(mem.Bytes())
				must(t, mem.Write(1000+off, src[:n]))
				dst := make([]byte, n+2)
				must(t, mem.Read(1000+off-1, dst))
				want := append(append([]byte{0}, src[:n]...), 0)
				if string(dst) != string(want) {
					t.Fatalf("shared=%v off=%d n=%d: read % x, want % x", shared, off, n, dst, want)
				}
				s, err := mem.ReadString(1000+off, uint64(n))
				if err != nil || s != string(src[:n]) {
					t.Fatalf("ReadString = %q, %v", s, err)
				}
			}
		}
	}
}

// Out-of-range accesses are errors, never panics, whatever the offset
// (including ones that wrap around 2^64 when the size is added), and
// change nothing.
func TestMemoryAccessBounds(t *testing.T) {
	mem := newMemory(t, ir.MemoryType{Limits: ir.Limits{Min: 1}})
	const size = ir.PageSize
	for _, off := range []uint64{size - 3, size, size + 1, 1 << 32, math.MaxUint64 - 2, math.MaxUint64} {
		_, err := mem.ReadUint32Le(off)
		wantMemErr(t, err, "out of bounds memory access")
		wantMemErr(t, mem.WriteUint64Le(off, 1), "out of bounds memory access")
		wantMemErr(t, mem.Write(off, make([]byte, 4)), "out of bounds memory access")
		wantMemErr(t, mem.Read(off, make([]byte, 4)), "out of bounds memory access")
		_, err = mem.ReadString(off, 4)
		wantMemErr(t, err, "out of bounds memory access")
	}
	_, err := mem.ReadString(0, math.MaxUint64) // must not try to allocate it
	wantMemErr(t, err, "out of bounds memory access")
	// The last bytes are in range, as are empty ranges at the end.
	must(t, mem.WriteUint32Le(size-4, 0xffffffff))
	must(t, mem.Write(size, nil))
	must(t, mem.Read(size, nil))
	if s, err := mem.ReadString(size, 0); s != "" || err != nil {
		t.Errorf("ReadString(size, 0) = %q, %v", s, err)
	}
	// A failed write of a range writes none of it.
	wantMemErr(t, mem.Write(size-2, []byte{1, 2, 3}), "out of bounds memory access")
	if v, _ := mem.ReadUint32Le(size - 4); v != 0xffffffff {
		t.Errorf("partial write: %#x", v)
	}
	// After growth the new page is in range.
	mem.Grow(1)
	must(t, mem.WriteUint64Le(size, 7))
	if v, err := mem.ReadUint64Le(size); v != 7 || err != nil {
		t.Errorf("after grow: %d, %v", v, err)
	}
}

func TestMemoryAtomicAccessors(t *testing.T) {
	inst := instantiate(t, `(module
  (memory (export "mem") 1 1 shared)
  (func (export "ld32") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "ld64") (param i32) (result i64) (i64.atomic.load (local.get 0))))`)
	mem := inst.Memory("mem")

	must(t, mem.AtomicStoreUint32(8, 0xfffffffe))
	expect(t, inst, "ld32", []interp.Value{interp.I32(8)}, interp.I32(-2))
	if v, err := mem.AtomicAddUint32(8, 3); v != 1 || err != nil { // wraps
		t.Errorf("AtomicAddUint32 = %d, %v; want the new value 1", v, err)
	}
	if v, err := mem.AtomicLoadUint32(8); v != 1 || err != nil {
		t.Errorf("AtomicLoadUint32 = %d, %v", v, err)
	}
	if ok, err := mem.AtomicCompareAndSwapUint32(8, 2, 5); ok || err != nil {
		t.Errorf("CAS with the wrong old value = %v, %v", ok, err)
	}
	if ok, err := mem.AtomicCompareAndSwapUint32(8, 1, 5); !ok || err != nil {
		t.Errorf("CAS = %v, %v", ok, err)
	}
	expect(t, inst, "ld32", []interp.Value{interp.I32(8)}, interp.I32(5))

	must(t, mem.AtomicStoreUint64(16, 1<<40))
	expect(t, inst, "ld64", []interp.Value{interp.I32(16)}, interp.I64(1<<40))
	if v, err := mem.AtomicAddUint64(16, 1); v != 1<<40+1 || err != nil {
		t.Errorf("AtomicAddUint64 = %d, %v", v, err)
	}
	if ok, err := mem.AtomicCompareAndSwapUint64(16, 1<<40+1, 9); !ok || err != nil {
		t.Errorf("CAS64 = %v, %v", ok, err)
	}
	if v, err := mem.AtomicLoadUint64(16); v != 9 || err != nil {
		t.Errorf("AtomicLoadUint64 = %d, %v", v, err)
	}
	// Memory order is little endian, as for wasm's atomics.
	if got := mem.Bytes()[16:24]; string(got) != "\x09\x00\x00\x00\x00\x00\x00\x00" {
		t.Errorf("bytes % x", got)
	}

	// Alignment is checked before bounds, as the interpreter does.
	_, err := mem.AtomicLoadUint32(2)
	wantMemErr(t, err, "unaligned atomic")
	_, err = mem.AtomicLoadUint64(ir.PageSize + 4)
	wantMemErr(t, err, "unaligned atomic")
	wantMemErr(t, mem.AtomicStoreUint64(4, 0), "unaligned atomic")
	_, err = mem.AtomicAddUint32(1, 1)
	wantMemErr(t, err, "unaligned atomic")
	_, err = mem.AtomicCompareAndSwapUint64(12, 0, 1)
	wantMemErr(t, err, "unaligned atomic")
	_, err = mem.AtomicLoadUint32(ir.PageSize)
	wantMemErr(t, err, "out of bounds memory access")
	_, err = mem.AtomicAddUint64(math.MaxUint64&^7, 1)
	wantMemErr(t, err, "out of bounds memory access")
}

// Atomic adds from Go and from wasm on several goroutines lose nothing.
func TestMemoryAtomicAddConcurrent(t *testing.T) {
	inst := instantiate(t, `(module
  (memory (export "mem") 1 1 shared)
  (func (export "inc") (param $n i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`)
	mem := inst.Memory("mem")
	const n = 2000
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := inst.Call(context.Background(), "inc", interp.I32(n)); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			for range n {
				if _, err := mem.AtomicAddUint32(0, 1); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if v, _ := mem.AtomicLoadUint32(0); v != 4*n {
		t.Errorf("counter = %d, want %d", v, 4*n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The accessors take 64-bit offsets for 64-bit memories (memory64); until
// the interpreter has them this test skips.
func TestMemoryAccessors64(t *testing.T) {
	src := ir.NewSource("mem64.wat", []byte(`(module
  (memory (export "mem") i64 1 2)
  (func (export "ld") (param i64) (result i64) (i64.load (local.get 0))))`), false)
	m, err := wat.ParseModule(src, ir.DefaultFeatures())
	if err != nil {
		t.Fatal(err)
	}
	mod, err := interp.Compile(m, src, ir.DefaultFeatures())
	if err != nil {
		t.Skipf("no memory64 yet: %v", err)
	}
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Skipf("no memory64 yet: %v", err)
	}
	mem := inst.Memory("mem")
	must(t, mem.WriteUint64Le(ir.PageSize-8, 42))
	expect(t, inst, "ld", []interp.Value{interp.I64(ir.PageSize - 8)}, interp.I64(42))
	_, err = mem.ReadUint64Le(ir.PageSize)
	wantMemErr(t, err, "out of bounds memory access")
	_, err = mem.ReadUint8(1 << 40)
	wantMemErr(t, err, "out of bounds memory access")
	if mem.Grow(1) != 1 {
		t.Fatal("grow failed")
	}
	must(t, mem.WriteUint64Le(2*ir.PageSize-8, 7))
	expect(t, inst, "ld", []interp.Value{interp.I64(2*ir.PageSize - 8)}, interp.I64(7))
}
