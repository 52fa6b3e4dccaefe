package interp

import (
	"sync/atomic"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// Atomic memory accesses. All are sequentially consistent (sync/atomic).
// Memories start 8-byte aligned, so an address aligned in wasm is aligned
// in Go. 8- and 16-bit accesses operate on the containing aligned 32-bit
// word with compare-and-swap loops, which keeps them atomic with respect to
// wider accesses that overlap them.

// RMW kinds, in the opcode table's order (7 rows each).
const (
	rmwAdd = iota
	rmwSub
	rmwAnd
	rmwOr
	rmwXor
	rmwXchg
	rmwCmpxchg
)

// atomic executes the threads proposal's memory instructions.
func (t *thread) atomic(in *instr, l []uint64, inst *Instance) {
	op := ir.Op(in.op)
	if op == ir.OpAtomicFence {
		fence()
		return
	}
	size := uint64(op.Info().Size)
	ea := uint64(uint32(l[in.b])) + in.imm
	// The proposal's order (its reference interpreter: check_align;
	// check_shared; check_bounds): a misaligned access traps as such even
	// when it is also out of bounds, and wait on an unshared memory traps
	// before its address is looked at.
	if ea&(size-1) != 0 {
		panic(t.trapAt(t.pc, msgUnaligned))
	}
	isWait := op == ir.OpMemoryAtomicWait32 || op == ir.OpMemoryAtomicWait64
	if isWait && !inst.mem.Shared() {
		panic(t.trapAt(t.pc, msgExpectedShared))
	}
	mem := inst.memBytes()
	if ea+size > uint64(len(mem)) {
		panic(t.trapAt(t.pc, msgMemOOB))
	}
	switch {
	case op == ir.OpMemoryAtomicNotify:
		l[in.a] = uint64(inst.mem.notify(ea, uint32(l[in.c])))
	case isWait:
		expected := l[in.b+1]
		if size == 4 {
			expected = uint64(uint32(expected))
		}
		l[in.a] = uint64(t.wait(inst.mem, mem, ea, size, expected, int64(l[in.b+2])))
	case op >= ir.OpI32AtomicLoad && op <= ir.OpI64AtomicLoad32U:
		l[in.a] = atomicLoad(mem, ea, size)
	case op >= ir.OpI32AtomicStore && op <= ir.OpI64AtomicStore32:
		atomicRMW(mem, ea, size, rmwXchg, l[in.c])
	case op >= ir.OpI32AtomicRmwAdd && op <= ir.OpI64AtomicRmw32XchgU:
		kind := int(op-ir.OpI32AtomicRmwAdd) / 7
		l[in.a] = atomicRMW(mem, ea, size, kind, l[in.c])
	case op >= ir.OpI32AtomicRmwCmpxchg && op <= ir.OpI64AtomicRmw32CmpxchgU:
		l[in.a] = atomicCmpxchg(mem, ea, size, l[in.b+1], l[in.b+2])
	default:
		panic(t.trapAt(t.pc, "interp: unknown instruction "+op.String()))
	}
}

var fenceWord atomic.Uint32

// fence is a full barrier: any sequentially consistent RMW is one.
func fence() { fenceWord.Add(1) }

func ptr32(mem []byte, ea uint64) *uint32 { return (*uint32)(unsafe.Pointer(&mem[ea])) }
func ptr64(mem []byte, ea uint64) *uint64 { return (*uint64)(unsafe.Pointer(&mem[ea])) }

// subword locates a 1- or 2-byte value inside its aligned 32-bit word.
func subword(mem []byte, ea, size uint64) (p *uint32, shift uint32, mask uint32) {
	return ptr32(mem, ea&^3), uint32(8 * (ea & 3)), uint32(1)<<(8*size) - 1
}

func atomicLoad(mem []byte, ea, size uint64) uint64 {
	switch size {
	case 8:
		return atomic.LoadUint64(ptr64(mem, ea))
	case 4:
		return uint64(atomic.LoadUint32(ptr32(mem, ea)))
	}
	p, sh, m := subword(mem, ea, size)
	return uint64(atomic.LoadUint32(p) >> sh & m)
}

func rmw32(kind int, old, v uint32) uint32 {
	switch kind {
	case rmwAdd:
		return old + v
	case rmwSub:
		return old - v
	case rmwAnd:
		return old & v
	case rmwOr:
		return old | v
	case rmwXor:
		return old ^ v
	}
	return v
}

// atomicRMW applies kind with operand v and returns the old value
// (zero-extended). Atomic stores are exchanges whose result is ignored.
func atomicRMW(mem []byte, ea, size uint64, kind int, v uint64) uint64 {
	switch size {
	case 8:
		p := ptr64(mem, ea)
		switch kind {
		case rmwAdd:
			return atomic.AddUint64(p, v) - v
		case rmwSub:
			return atomic.AddUint64(p, -v) + v
		case rmwAnd:
			return atomic.AndUint64(p, v)
		case rmwOr:
			return atomic.OrUint64(p, v)
		case rmwXchg:
			return atomic.SwapUint64(p, v)
		}
		for {
			old := atomic.LoadUint64(p)
			if atomic.CompareAndSwapUint64(p, old, old^v) {
				return old
			}
		}
	case 4:
		p, w := ptr32(mem, ea), uint32(v)
		switch kind {
		case rmwAdd:
			return uint64(atomic.AddUint32(p, w) - w)
		case rmwSub:
			return uint64(atomic.AddUint32(p, -w) + w)
		case rmwAnd:
			return uint64(atomic.AndUint32(p, w))
		case rmwOr:
			return uint64(atomic.OrUint32(p, w))
		case rmwXchg:
			return uint64(atomic.SwapUint32(p, w))
		}
		for {
			old := atomic.LoadUint32(p)
			if atomic.CompareAndSwapUint32(p, old, old^w) {
				return uint64(old)
			}
		}
	}
	p, sh, m := subword(mem, ea, size)
	for {
		old := atomic.LoadUint32(p)
		cur := old >> sh & m
		next := rmw32(kind, cur, uint32(v)) & m
		if atomic.CompareAndSwapUint32(p, old, old&^(m<<sh)|next<<sh) {
			return uint64(cur)
		}
	}
}

// atomicCmpxchg stores repl if the current value equals expected (wrapped to
// the access width) and returns the value it read.
func atomicCmpxchg(mem []byte, ea, size uint64, expected, repl uint64) uint64 {
	switch size {
	case 8:
		p := ptr64(mem, ea)
		for {
			old := atomic.LoadUint64(p)
			if old != expected || atomic.CompareAndSwapUint64(p, old, repl) {
				return old
			}
		}
	case 4:
		p := ptr32(mem, ea)
		for {
			old := atomic.LoadUint32(p)
			if old != uint32(expected) || atomic.CompareAndSwapUint32(p, old, uint32(repl)) {
				return uint64(old)
			}
		}
	}
	p, sh, m := subword(mem, ea, size)
	for {
		old := atomic.LoadUint32(p)
		cur := old >> sh & m
		if cur != uint32(expected)&m || atomic.CompareAndSwapUint32(p, old, old&^(m<<sh)|(uint32(repl)&m)<<sh) {
			return uint64(cur)
		}
	}
}
