package interp

import (
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// Atomic memory accesses. All are sequentially consistent (sync/atomic).
// Memories start 8-byte aligned, so an address aligned in wasm is aligned
// in Go. 8- and 16-bit accesses operate on the containing aligned 32-bit
// word with compare-and-swap loops, which keeps them atomic with respect to
// wider accesses that overlap them. Values are converted between the host's
// byte order and wasm's little-endian memory, so big-endian hosts (s390x,
// ppc64, mips) compute the same bytes.

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

// atomic executes the threads proposal's memory instructions on memory 0
// (32-bit addresses). atomicAny is the same for any memory; this copy of
// its checks and dispatch stays separate so that memory 0's atomics cost no
// more than before multiple memories (measured: a call level and the
// overflow-proof bounds check add 4% to an atomic increment).
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

// atomicAny executes atomic access op (not the fence) on memory m at
// effective address ea; carry says that the address plus the offset
// overflowed 64 bits (ea is then the sum modulo 2^64, whose alignment is
// the true sum's), which is out of bounds. Checks in the proposal's order,
// as atomic.
func (t *thread) atomicAny(op ir.Op, in *instr, l []uint64, m *Memory, ea uint64, carry bool) {
	size := uint64(op.Info().Size)
	if ea&(size-1) != 0 {
		panic(t.trapAt(t.pc, msgUnaligned))
	}
	isWait := op == ir.OpMemoryAtomicWait32 || op == ir.OpMemoryAtomicWait64
	if isWait && !m.Shared() {
		panic(t.trapAt(t.pc, msgExpectedShared))
	}
	mem := m.bytes()
	if carry || beyond(ea, size, uint64(len(mem))) {
		panic(t.trapAt(t.pc, msgMemOOB))
	}
	switch {
	case op == ir.OpMemoryAtomicNotify:
		l[in.a] = uint64(m.notify(ea, uint32(l[in.c])))
	case isWait:
		expected := l[in.b+1]
		if size == 4 {
			expected = uint64(uint32(expected))
		}
		l[in.a] = uint64(t.wait(m, mem, ea, size, expected, int64(l[in.b+2])))
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

// Byte order. A native word read from memory holds the value of its bytes
// in the host's order, wasm's are little endian: on a big-endian host le32
// and le64 convert between the two (each is its own inverse); on a
// little-endian one they are the identity and compile away.

func le32(v uint32) uint32 {
	if bigEndian {
		return bits.ReverseBytes32(v)
	}
	return v
}

func le64(v uint64) uint64 {
	if bigEndian {
		return bits.ReverseBytes64(v)
	}
	return v
}

// subword locates a 1- or 2-byte value inside its aligned 32-bit word: the
// word, the value's shift and mask in the native word. Read the value with
// subGet and write it with subPut.
func subword(mem []byte, ea, size uint64) (p *uint32, shift uint32, mask uint32) {
	shift = uint32(8 * (ea & 3))
	if bigEndian {
		shift = 32 - 8*uint32(size) - shift
	}
	return ptr32(mem, ea&^3), shift, uint32(1)<<(8*size) - 1
}

// subGet extracts a sub-word value from the native word w.
func subGet(w, shift, mask uint32, size uint64) uint32 { return subLE(w>>shift&mask, size) }

// subPut returns w with the sub-word value v put in place.
func subPut(w, shift, mask uint32, size uint64, v uint32) uint32 {
	return w&^(mask<<shift) | subLE(v&mask, size)<<shift
}

// subLE converts a sub-word value between the native field and wasm's byte
// order (a 16-bit field holds its two bytes swapped on big-endian hosts).
func subLE(v uint32, size uint64) uint32 {
	if bigEndian && size == 2 {
		return uint32(bits.ReverseBytes16(uint16(v)))
	}
	return v
}

func atomicLoad(mem []byte, ea, size uint64) uint64 {
	switch size {
	case 8:
		return le64(atomic.LoadUint64(ptr64(mem, ea)))
	case 4:
		return uint64(le32(atomic.LoadUint32(ptr32(mem, ea))))
	}
	p, sh, m := subword(mem, ea, size)
	return uint64(subGet(atomic.LoadUint32(p), sh, m, size))
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

func rmw64(kind int, old, v uint64) uint64 {
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
// Bitwise operations and exchanges work on native words directly (with the
// operand in memory order); arithmetic on a big-endian host needs the value
// in wasm's order, so it takes a compare-and-swap loop there.
func atomicRMW(mem []byte, ea, size uint64, kind int, v uint64) uint64 {
	switch size {
	case 8:
		p := ptr64(mem, ea)
		switch {
		case kind == rmwAdd && !bigEndian:
			return atomic.AddUint64(p, v) - v
		case kind == rmwSub && !bigEndian:
			return atomic.AddUint64(p, -v) + v
		case kind == rmwAnd:
			return le64(atomic.AndUint64(p, le64(v)))
		case kind == rmwOr:
			return le64(atomic.OrUint64(p, le64(v)))
		case kind == rmwXchg:
			return le64(atomic.SwapUint64(p, le64(v)))
		}
		for {
			old := atomic.LoadUint64(p)
			if atomic.CompareAndSwapUint64(p, old, le64(rmw64(kind, le64(old), v))) {
				return le64(old)
			}
		}
	case 4:
		p, w := ptr32(mem, ea), uint32(v)
		switch {
		case kind == rmwAdd && !bigEndian:
			return uint64(atomic.AddUint32(p, w) - w)
		case kind == rmwSub && !bigEndian:
			return uint64(atomic.AddUint32(p, -w) + w)
		case kind == rmwAnd:
			return uint64(le32(atomic.AndUint32(p, le32(w))))
		case kind == rmwOr:
			return uint64(le32(atomic.OrUint32(p, le32(w))))
		case kind == rmwXchg:
			return uint64(le32(atomic.SwapUint32(p, le32(w))))
		}
		for {
			old := atomic.LoadUint32(p)
			if atomic.CompareAndSwapUint32(p, old, le32(rmw32(kind, le32(old), w))) {
				return uint64(le32(old))
			}
		}
	}
	p, sh, m := subword(mem, ea, size)
	for {
		old := atomic.LoadUint32(p)
		cur := subGet(old, sh, m, size)
		if atomic.CompareAndSwapUint32(p, old, subPut(old, sh, m, size, rmw32(kind, cur, uint32(v)))) {
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
			if le64(old) != expected || atomic.CompareAndSwapUint64(p, old, le64(repl)) {
				return le64(old)
			}
		}
	case 4:
		p := ptr32(mem, ea)
		for {
			old := atomic.LoadUint32(p)
			if le32(old) != uint32(expected) || atomic.CompareAndSwapUint32(p, old, le32(uint32(repl))) {
				return uint64(le32(old))
			}
		}
	}
	p, sh, m := subword(mem, ea, size)
	for {
		old := atomic.LoadUint32(p)
		cur := subGet(old, sh, m, size)
		if cur != uint32(expected)&m || atomic.CompareAndSwapUint32(p, old, subPut(old, sh, m, size, uint32(repl))) {
			return uint64(cur)
		}
	}
}
