package interp

import (
	"time"

	"github.com/watt-wasm/watt/ir"
)

// Wait and notify. Each shared memory keeps, under its mutex, a FIFO queue
// of waiters per address. wait checks the value and enqueues while holding
// the mutex, and notify dequeues under it, so a notify that follows a store
// can never miss a waiter that saw the old value.

type waitQueue struct {
	list []*waiter
}

type waiter struct {
	ch    chan struct{} // closed by notify
	woken bool          // set by notify, under the memory's mutex
}

// wait implements memory.atomic.wait32/64 on a shared memory: 0 woken by
// notify, 1 value not equal, 2 timed out. A negative timeout waits forever;
// cancellation of the call's context ends the wait with a trap.
func (t *thread) wait(m *Memory, mem []byte, ea, size, expected uint64, timeout int64) uint32 {
	m.mu.Lock()
	if atomicLoad(mem, ea, size) != expected {
		m.mu.Unlock()
		return 1
	}
	w := &waiter{ch: make(chan struct{})}
	q := m.waiters[ea]
	if q == nil {
		q = &waitQueue{}
		m.waiters[ea] = q
	}
	q.list = append(q.list, w)
	m.mu.Unlock()

	var expired <-chan time.Time
	if timeout >= 0 {
		tm := time.NewTimer(time.Duration(timeout))
		defer tm.Stop()
		expired = tm.C
	}
	var done <-chan struct{}
	if t.ctx != nil {
		done = t.ctx.Done()
	}
	select {
	case <-w.ch:
		return 0
	case <-expired:
	case <-done:
	}
	m.mu.Lock()
	if w.woken {
		// notify counted us before the timeout won the race.
		m.mu.Unlock()
		return 0
	}
	q = m.waiters[ea]
	for i, x := range q.list {
		if x == w {
			q.list = append(q.list[:i], q.list[i+1:]...)
			break
		}
	}
	if len(q.list) == 0 {
		delete(m.waiters, ea)
	}
	m.mu.Unlock()
	if t.ctx != nil && t.ctx.Err() != nil {
		panic(newTrap(ir.Trap, msgInterrupted+": "+t.ctx.Err().Error()).at(t.code(), t.pc))
	}
	return 2
}

// notify wakes up to count waiters on address ea, oldest first, and returns
// how many it woke. Unshared memories have no waiters.
func (m *Memory) notify(ea uint64, count uint32) uint32 {
	if !m.typ.Shared {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.waiters[ea]
	if q == nil {
		return 0
	}
	n := uint32(0)
	for n < count && len(q.list) > 0 {
		w := q.list[0]
		q.list[0] = nil
		q.list = q.list[1:]
		w.woken = true
		close(w.ch)
		n++
	}
	if len(q.list) == 0 {
		delete(m.waiters, ea)
	}
	return n
}

// Notify wakes up to count goroutines waiting on byte address addr of a
// shared memory (as memory.atomic.notify does) and returns how many.
// (Addresses are 64-bit for memory64.)
func (m *Memory) Notify(addr uint64, count uint32) uint32 { return m.notify(addr, count) }

// NumWaiters returns how many goroutines wait on byte address addr of a
// shared memory: a diagnostic for tests and schedulers.
func (m *Memory) NumWaiters(addr uint64) int {
	if !m.typ.Shared {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if q := m.waiters[addr]; q != nil {
		return len(q.list)
	}
	return 0
}
