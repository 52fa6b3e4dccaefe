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
// An unshared memory owns a Go slice that memory.grow may reallocate; it must
// only be used by one goroutine at a time. Its capacity grows geometrically
// (up to the maximum), so growing page by page costs amortised O(1) per page.
//
// A shared memory reserves its maximum size once (see reserve) so its buffer
// never moves: any goroutine may hold the slice while another grows the
// memory, and a slice from Bytes stays valid memory for as long as it is
// reachable, even after the Memory is gone. The current length is published atomically and
// growth serialises on mu, which also guards the wait/notify queues.
type Memory struct {
	typ  ir.MemoryType
	buf  []byte        // unshared: the contents; shared: the whole reservation
	size atomic.Uint64 // current length in bytes

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
		m.buf = buf
		if mapped {
			runtime.AddCleanup(m, release, buf)
		}
		m.waiters = map[uint64]*waitQueue{}
	} else {
		m.buf = alignedBytes(mt.Min * ir.PageSize)
	}
	m.size.Store(mt.Min * ir.PageSize)
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
	mt.Min = m.size.Load() / ir.PageSize
	return mt
}

// Shared reports whether the memory is shared.
func (m *Memory) Shared() bool { return m.typ.Shared }

// Pages returns the current size in pages.
func (m *Memory) Pages() uint32 { return uint32(m.size.Load() / ir.PageSize) }

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

func (m *Memory) bytes() []byte {
	if m.typ.Shared {
		return m.buf[:m.size.Load()]
	}
	return m.buf
}

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
	old := m.size.Load() / ir.PageSize
	next := old + uint64(delta)
	if next > m.maxPages() {
		return -1
	}
	if delta == 0 {
		return int32(old)
	}
	if m.typ.Shared {
		// The reservation is already zero: publishing the length is all.
		m.size.Store(next * ir.PageSize)
		return int32(old)
	}
	n := next * ir.PageSize
	if n <= uint64(cap(m.buf)) {
		// Capacity beyond the length has never been written: zero.
		m.buf = m.buf[:n]
	} else {
		nb := alignedBytesCap(n, grownCap(uint64(cap(m.buf)), n, m.maxPages()*ir.PageSize))
		copy(nb, m.buf)
		m.buf = nb
	}
	m.size.Store(n)
	return int32(old)
}
