package interp

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// Accessors for Go code (embedders, host functions) that reads and writes a
// memory the way wasm does: little-endian values at byte offsets, checked
// against the memory's current size. A failed check returns an error, never
// panics: an *ir.Error of kind Trap whose message starts with the spec's
// text ("out of bounds memory access", "unaligned atomic"), wrapping a *Trap
// like the interpreter's own traps, so a host function can return it as it
// is to trap its caller.
//
// Offsets are 64-bit so that the same calls serve 64-bit memories. Each
// access looks at the memory's contents once: a shared memory grown by
// another goroutine meanwhile is seen at its new size by the next access.
// Plain accesses to a shared memory race with wasm threads as wasm's own
// non-atomic accesses do (see the package documentation); the Atomic
// methods are sequentially consistent with wasm's atomics on the same
// addresses.

// span returns the memory's contents if n bytes at offset lie inside them.
func (m *Memory) span(offset, n uint64) ([]byte, error) {
	b := m.bytes()
	if size := uint64(len(b)); offset > size || n > size-offset {
		return nil, memError(fmt.Sprintf("%s: %d bytes at offset %d, memory size %d", msgMemOOB, n, offset, size))
	}
	return b, nil
}

// atomicSpan is span for an atomic access of size bytes, which must be
// naturally aligned. Alignment is checked first, as the interpreter's
// atomics do.
func (m *Memory) atomicSpan(offset, size uint64) ([]byte, error) {
	if offset&(size-1) != 0 {
		return nil, memError(fmt.Sprintf("%s: %d-byte access at offset %d", msgUnaligned, size, offset))
	}
	return m.span(offset, size)
}

func memError(msg string) error { return newTrap(ir.Trap, msg).Err() }

// Read copies len(p) bytes at offset into p. Nothing is copied if they do
// not all lie inside the memory.
func (m *Memory) Read(offset uint64, p []byte) error {
	b, err := m.span(offset, uint64(len(p)))
	if err != nil {
		return err
	}
	memRead(p, b, offset)
	return nil
}

// Write copies p into the memory at offset. Nothing is written if the bytes
// do not all lie inside the memory.
func (m *Memory) Write(offset uint64, p []byte) error {
	b, err := m.span(offset, uint64(len(p)))
	if err != nil {
		return err
	}
	memWrite(b, offset, p)
	return nil
}

// ReadString returns the n bytes at offset as a string.
func (m *Memory) ReadString(offset, n uint64) (string, error) {
	b, err := m.span(offset, n) // before allocating n bytes
	if err != nil || n == 0 {
		return "", err
	}
	p := make([]byte, n)
	memRead(p, b, offset)
	return unsafe.String(&p[0], len(p)), nil // p is never written again
}

// memRead copies len(dst) bytes of a memory in use, mem, at off into dst.
// memCopyFrom reads whole aligned words under the race detector, so the
// unaligned head and tail go a byte at a time.
func memRead(dst, mem []byte, off uint64) {
	n := uint64(len(dst))
	i := uint64(0)
	for ; i < n && (off+i)&3 != 0; i++ {
		dst[i] = ld8(mem, off+i)
	}
	body := (n - i) &^ 3
	memCopyFrom(dst[i:i+body], mem[off+i:off+i+body])
	for i += body; i < n; i++ {
		dst[i] = ld8(mem, off+i)
	}
}

// ReadUint8 returns the byte at offset.
func (m *Memory) ReadUint8(offset uint64) (uint8, error) {
	b, err := m.span(offset, 1)
	if err != nil {
		return 0, err
	}
	return ld8(b, offset), nil
}

// ReadUint16Le returns the little-endian uint16 at offset.
func (m *Memory) ReadUint16Le(offset uint64) (uint16, error) {
	b, err := m.span(offset, 2)
	if err != nil {
		return 0, err
	}
	return ld16(b, offset), nil
}

// ReadUint32Le returns the little-endian uint32 at offset.
func (m *Memory) ReadUint32Le(offset uint64) (uint32, error) {
	b, err := m.span(offset, 4)
	if err != nil {
		return 0, err
	}
	return ld32(b, offset), nil
}

// ReadUint64Le returns the little-endian uint64 at offset.
func (m *Memory) ReadUint64Le(offset uint64) (uint64, error) {
	b, err := m.span(offset, 8)
	if err != nil {
		return 0, err
	}
	return ld64(b, offset), nil
}

// ReadFloat32Le returns the float32 whose little-endian bits are at offset.
func (m *Memory) ReadFloat32Le(offset uint64) (float32, error) {
	v, err := m.ReadUint32Le(offset)
	return math.Float32frombits(v), err
}

// ReadFloat64Le returns the float64 whose little-endian bits are at offset.
func (m *Memory) ReadFloat64Le(offset uint64) (float64, error) {
	v, err := m.ReadUint64Le(offset)
	return math.Float64frombits(v), err
}

// WriteUint8 stores v at offset.
func (m *Memory) WriteUint8(offset uint64, v uint8) error {
	b, err := m.span(offset, 1)
	if err != nil {
		return err
	}
	st8(b, offset, v)
	return nil
}

// WriteUint16Le stores v little-endian at offset.
func (m *Memory) WriteUint16Le(offset uint64, v uint16) error {
	b, err := m.span(offset, 2)
	if err != nil {
		return err
	}
	st16(b, offset, v)
	return nil
}

// WriteUint32Le stores v little-endian at offset.
func (m *Memory) WriteUint32Le(offset uint64, v uint32) error {
	b, err := m.span(offset, 4)
	if err != nil {
		return err
	}
	st32(b, offset, v)
	return nil
}

// WriteUint64Le stores v little-endian at offset.
func (m *Memory) WriteUint64Le(offset uint64, v uint64) error {
	b, err := m.span(offset, 8)
	if err != nil {
		return err
	}
	st64(b, offset, v)
	return nil
}

// WriteFloat32Le stores v's bits little-endian at offset.
func (m *Memory) WriteFloat32Le(offset uint64, v float32) error {
	return m.WriteUint32Le(offset, math.Float32bits(v))
}

// WriteFloat64Le stores v's bits little-endian at offset.
func (m *Memory) WriteFloat64Le(offset uint64, v float64) error {
	return m.WriteUint64Le(offset, math.Float64bits(v))
}

// Atomic accesses. They work on any memory, as wasm's atomics do, but only
// a shared memory can be used by several goroutines without losing writes
// to a growth that moves the contents. offset must be a multiple of the
// access size.

// AtomicLoadUint32 atomically loads the little-endian uint32 at offset.
func (m *Memory) AtomicLoadUint32(offset uint64) (uint32, error) {
	b, err := m.atomicSpan(offset, 4)
	if err != nil {
		return 0, err
	}
	return uint32(atomicLoad(b, offset, 4)), nil
}

// AtomicLoadUint64 atomically loads the little-endian uint64 at offset.
func (m *Memory) AtomicLoadUint64(offset uint64) (uint64, error) {
	b, err := m.atomicSpan(offset, 8)
	if err != nil {
		return 0, err
	}
	return atomicLoad(b, offset, 8), nil
}

// AtomicStoreUint32 atomically stores v little-endian at offset.
func (m *Memory) AtomicStoreUint32(offset uint64, v uint32) error {
	b, err := m.atomicSpan(offset, 4)
	if err != nil {
		return err
	}
	atomicRMW(b, offset, 4, rmwXchg, uint64(v))
	return nil
}

// AtomicStoreUint64 atomically stores v little-endian at offset.
func (m *Memory) AtomicStoreUint64(offset uint64, v uint64) error {
	b, err := m.atomicSpan(offset, 8)
	if err != nil {
		return err
	}
	atomicRMW(b, offset, 8, rmwXchg, v)
	return nil
}

// AtomicAddUint32 atomically adds delta to the little-endian uint32 at
// offset and returns the new value (as sync/atomic does; wasm's
// i32.atomic.rmw.add returns the old one).
func (m *Memory) AtomicAddUint32(offset uint64, delta uint32) (uint32, error) {
	b, err := m.atomicSpan(offset, 4)
	if err != nil {
		return 0, err
	}
	return uint32(atomicRMW(b, offset, 4, rmwAdd, uint64(delta))) + delta, nil
}

// AtomicAddUint64 atomically adds delta to the little-endian uint64 at
// offset and returns the new value.
func (m *Memory) AtomicAddUint64(offset uint64, delta uint64) (uint64, error) {
	b, err := m.atomicSpan(offset, 8)
	if err != nil {
		return 0, err
	}
	return atomicRMW(b, offset, 8, rmwAdd, delta) + delta, nil
}

// AtomicCompareAndSwapUint32 atomically replaces the little-endian uint32
// at offset with new if it equals old, and reports whether it did.
func (m *Memory) AtomicCompareAndSwapUint32(offset uint64, old, new uint32) (bool, error) {
	b, err := m.atomicSpan(offset, 4)
	if err != nil {
		return false, err
	}
	return uint32(atomicCmpxchg(b, offset, 4, uint64(old), uint64(new))) == old, nil
}

// AtomicCompareAndSwapUint64 atomically replaces the little-endian uint64
// at offset with new if it equals old, and reports whether it did.
func (m *Memory) AtomicCompareAndSwapUint64(offset uint64, old, new uint64) (bool, error) {
	b, err := m.atomicSpan(offset, 8)
	if err != nil {
		return false, err
	}
	return atomicCmpxchg(b, offset, 8, old, new) == old, nil
}
