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

// MaxMemoryPages bounds every 32-bit memory (the 32-bit address space).
const MaxMemoryPages = ir.MaxPages

// DefaultMemory64Limit is the size in bytes up to which a 64-bit memory can
// grow unless Store.Memory64Limit says otherwise: 16 GiB (262,144 pages).
//
// memory64 allows maxima up to 2^64 bytes, beyond any host. A shared
// memory must never move, so it reserves its maximum's address space once
// (see reserve); reservations are never returned to the system while a
// slice of them may be reachable, so each one must be a sensible size. The
// limit applies to unshared 64-bit memories too, so that a guest cannot
// make the Go heap allocate without bound. Beyond the limit memory.grow
// returns -1 (as it may whenever the host runs out of memory): a 64-bit
// memory whose declared maximum is larger still instantiates, and reserves
// (if shared) only the limit. A minimum above the limit fails
// instantiation. 32-bit memories keep their 4 GiB bound.
const DefaultMemory64Limit = 16 << 30

// Memory is a linear memory.
//
// Its contents are published as a slice header that is never modified once
// stored: any goroutine loads a consistent (pointer, length) pair, and growth,
// serialised on mu, publishes a new one. A goroutine still holding the old
// header sees the memory as it was sized; bounds checks that fail against it
// look again (thread.memSlow) before trapping.
//
// A shared memory reserves its maximum size once (see reserve; for a 64-bit
// memory at most its limit, see DefaultMemory64Limit) so its buffer never
// moves: growing publishes a longer view of the same bytes, and a slice
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
	typ   ir.MemoryType
	limit uint64                 // pages: the declared maximum, the index type's, the host's and the 64-bit limit
	cur   atomic.Pointer[[]byte] // contents; cap: the reservation (shared) or allocation

	mu      sync.Mutex
	waiters map[uint64]*waitQueue // shared only; see wait.go
}

// NewMemory allocates a memory of type mt, zero-filled. A 64-bit memory
// is bounded by DefaultMemory64Limit.
func NewMemory(mt ir.MemoryType) (*Memory, error) { return NewMemoryLimit(mt, DefaultMemory64Limit) }

// NewMemoryLimit is NewMemory with limit (in bytes; 0 means
// DefaultMemory64Limit) as the size a 64-bit memory may reach.
func NewMemoryLimit(mt ir.MemoryType, limit uint64) (*Memory, error) {
	if limit == 0 {
		limit = DefaultMemory64Limit
	}
	if !mt.Is64 && (mt.Min > MaxMemoryPages || (mt.HasMax && mt.Max > MaxMemoryPages)) {
		return nil, fmt.Errorf("memory size must be at most 65536 pages (4GiB)")
	}
	if mt.Is64 && (mt.Min > ir.MaxPages64 || (mt.HasMax && mt.Max > ir.MaxPages64)) {
		return nil, fmt.Errorf("memory size must be at most 2^48 pages (2^64 bytes)")
	}
	m := &Memory{typ: mt}
	m.limit = uint64(MaxMemoryPages)
	if mt.Is64 {
		m.limit = min(uint64(ir.MaxPages64), limit/ir.PageSize)
	}
	if mt.HasMax {
		m.limit = min(m.limit, mt.Max)
	}
	m.limit = min(m.limit, uint64(math.MaxInt)/ir.PageSize)
	if mt.Min > m.limit {
		if mt.Is64 {
			return nil, fmt.Errorf("memory of %d pages is more than the limit of %d bytes for 64-bit memories", mt.Min, limit)
		}
		return nil, fmt.Errorf("memory of %d pages is more than this host can address", mt.Min)
	}
	if mt.Shared {
		if !mt.HasMax {
			return nil, fmt.Errorf("shared memory must have maximum")
		}
		buf, mapped, err := reserve(m.limit * ir.PageSize)
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

// Is64 reports whether the memory has 64-bit addresses (memory64).
func (m *Memory) Is64() bool { return m.typ.Is64 }

// maxPages is the effective page limit: the declared maximum, else the
// index type's, and what the host can address (and, for 64-bit memories,
// their limit).
func (m *Memory) maxPages() uint64 { return m.limit }

// Grow adds delta pages and returns the old size in pages, or -1 if the
// memory cannot grow that much (memory.grow's result).
func (m *Memory) Grow(delta uint32) int32 { return int32(m.grow(uint64(delta))) }

// Grow64 is Grow with a 64-bit delta and result, for 64-bit memories.
func (m *Memory) Grow64(delta uint64) int64 { return m.grow(delta) }

// grow adds delta pages and returns the old size in pages, or -1.
func (m *Memory) grow(delta uint64) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.bytes()
	old := uint64(len(b)) / ir.PageSize
	if delta > m.maxPages()-old {
		return -1
	}
	next := old + delta
	if delta == 0 {
		return int64(old)
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
	return int64(old)
}
