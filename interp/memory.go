package interp

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// MaxMemoryPages bounds every memory (the 32-bit address space).
const MaxMemoryPages = ir.MaxPages

// Memory is a linear memory.
//
// Its contents are published as a slice header that is never modified once
// stored: any goroutine loads a consistent (pointer, length) pair, and growth,
// serialised on mu, publishes a new one. A goroutine still holding the old
// header sees the memory as it was sized; bounds checks that fail against it
// look again (thread.memSlow) before trapping.
//
// A shared memory reserves its maximum size once (see reserve) so its buffer
// never moves: growing publishes a longer view of the same bytes, and a slice
// from Bytes stays valid memory for as long as it is reachable, even after
// the Memory is gone. mu also guards its wait/notify queues.
//
// An unshared memory's capacity grows geometrically (up to the maximum), so
// growing page by page costs amortised O(1) per page; growth within the
// capacity keeps the bytes in place, beyond it they are copied to a new
// array. wasm cannot share an unshared memory between threads, but a
// script's thread can share the instance that owns one: concurrent use is
// then memory-safe, though a store racing with a growth that moves the
// bytes may be lost.
type Memory struct {
	typ ir.MemoryType
	cur atomic.Pointer[[]byte] // contents; cap: the reservation (shared) or allocation

	mu      sync.Mutex
	waiters map[uint64]*waitQueue // shared only; see wait.go
}

// NewMemory allocates a memory of type mt, zero-filled.
func NewMemory(mt ir.MemoryType) (*Memory, error) {
	if mt.Is64 {
		return nil, fmt.Errorf("memory64 is not supported")
	}
	if mt.Min > MaxMemoryPages || (mt.HasMax && mt.Max > MaxMemoryPages) {
		return nil, fmt.Errorf("memory size must be at most 65536 pages (4GiB)")
	}
	m := &Memory{typ: mt}
	if mt.Min > m.maxPages() {
		return nil, fmt.Errorf("memory of %d pages is more than this host can address", mt.Min)
	}
	if mt.Shared {
		if !mt.HasMax {
			return nil, fmt.Errorf("shared memory must have maximum")
		}
		buf, mapped, err := reserve(mt.Max * ir.PageSize)
		if err != nil {
			return nil, err
		}
		if mapped {
			runtime.AddCleanup(m, release, buf)
		}
		m.waiters = map[uint64]*waitQueue{}
		b := buf[:mt.Min*ir.PageSize]
		m.cur.Store(&b)
	} else {
		b := alignedBytes(mt.Min * ir.PageSize)
		m.cur.Store(&b)
	}
	return m, nil
}

// alignedBytes allocates n zero bytes starting on an 8-byte boundary, so that
// atomics on aligned wasm addresses are aligned in Go too.
func alignedBytes(n uint64) []byte { return alignedBytesCap(n, n) }

// alignedBytesCap is alignedBytes with capacity c >= n (zeroed as well).
func alignedBytesCap(n, c uint64) []byte {
	if c == 0 {
		return []byte{}
	}
	words := make([]uint64, (c+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), c)[:n]
}

// grownCap is the capacity to allocate when an unshared memory of capacity
// old must hold need bytes: geometric, so that growing a page at a time
// copies each byte a bounded number of times (amortised O(1) per page), but
// never beyond limit (the memory's maximum). Small memories double; above
// 256 MiB they grow by a quarter, which bounds the unused tail.
func grownCap(old, need, limit uint64) uint64 {
	c := old + old/4
	if old < 256<<20 {
		c = 2 * old
	}
	return min(max(c, need), limit)
}

// ExternKind implements Extern.
func (m *Memory) ExternKind() ir.ExternKind { return ir.ExternMemory }

// Type returns the memory's type with its current size as minimum.
func (m *Memory) Type() ir.MemoryType {
	mt := m.typ
	mt.Min = uint64(len(m.bytes())) / ir.PageSize
	return mt
}

// Shared reports whether the memory is shared.
func (m *Memory) Shared() bool { return m.typ.Shared }

// Pages returns the current size in pages.
func (m *Memory) Pages() uint32 { return uint32(len(m.bytes()) / ir.PageSize) }

// Bytes returns the memory's current contents (as long as the size was
// when it was called). For a shared memory the slice is valid memory as long
// as it is reachable, even after the Memory is gone (the buffer never moves
// and is never freed under a slice; see reserve), and sees every write while
// the memory is in use. For an unshared one it sees writes until the next
// growth, which may move the contents elsewhere.
func (m *Memory) Bytes() []byte {
	b := m.bytes()
	return b[:len(b):len(b)] // the capacity beyond is not the caller's
}

func (m *Memory) bytes() []byte { return *m.cur.Load() }

// maxPages is the effective page limit: the declared maximum, else the
// index type's, and what the host can address.
func (m *Memory) maxPages() uint64 {
	n := uint64(MaxMemoryPages)
	if m.typ.HasMax {
		n = m.typ.Max
	}
	return min(n, uint64(math.MaxInt)/ir.PageSize)
}

// Grow adds delta pages and returns the old size in pages, or -1 if the
// memory cannot grow that much (memory.grow's result).
func (m *Memory) Grow(delta uint32) int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.bytes()
	old := uint64(len(b)) / ir.PageSize
	next := old + uint64(delta)
	if next > m.maxPages() {
		return -1
	}
	if delta == 0 {
		return int32(old)
	}
	n := next * ir.PageSize
	if n <= uint64(cap(b)) {
		// Within the reservation or capacity: those bytes were never
		// reachable, so they are still zero.
		b = b[:n]
	} else {
		nb := alignedBytesCap(n, grownCap(uint64(cap(b)), n, m.maxPages()*ir.PageSize))
		memCopyFrom(nb, b)
		b = nb
	}
	m.cur.Store(&b)
	return int32(old)
}
