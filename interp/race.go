//go:build race

package interp

import (
	"sync/atomic"
	"unsafe"
)

// Under the race detector every memory access goes through atomics on the
// containing aligned 32-bit word, so that wasm's (intentionally racy)
// non-atomic accesses to shared memory do not drown out reports about the
// interpreter's own state. Memories are 8-byte aligned and a multiple of
// 4 bytes long, so the containing word is always inside the slice.

func word(m []byte, ea uint64) *uint32 {
	inBounds(m, ea, 1)
	return (*uint32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(m)), ea&^3))
}

// byteShift is the shift of byte ea inside its native 32-bit word.
func byteShift(ea uint64) uint64 {
	if bigEndian {
		return 8 * (3 - ea&3)
	}
	return 8 * (ea & 3)
}

func ld8(m []byte, ea uint64) byte {
	return byte(atomic.LoadUint32(word(m, ea)) >> byteShift(ea))
}

func st8(m []byte, ea uint64, v byte) {
	p, sh := word(m, ea), byteShift(ea)
	for {
		old := atomic.LoadUint32(p)
		if atomic.CompareAndSwapUint32(p, old, old&^(0xff<<sh)|uint32(v)<<sh) {
			return
		}
	}
}

// inBounds panics unless m[ea:ea+n] exists. (Not `_ = m[i]`: the race
// detector counts that as a plain read.)
func inBounds(m []byte, ea uint64, n int) {
	if ea+uint64(n) > uint64(len(m)) {
		panic("interp: memory access out of range")
	}
}

func ldN(m []byte, ea uint64, n int) uint64 {
	inBounds(m, ea, n)
	var v uint64
	for i := 0; i < n; i++ {
		v |= uint64(ld8(m, ea+uint64(i))) << (8 * i)
	}
	return v
}

func stN(m []byte, ea uint64, n int, v uint64) {
	inBounds(m, ea, n)
	for i := 0; i < n; i++ {
		st8(m, ea+uint64(i), byte(v>>(8*i)))
	}
}

func ld16(m []byte, ea uint64) uint16 { return uint16(ldN(m, ea, 2)) }
func ld32(m []byte, ea uint64) uint32 { return uint32(ldN(m, ea, 4)) }
func ld64(m []byte, ea uint64) uint64 { return ldN(m, ea, 8) }

func st16(m []byte, ea uint64, v uint16) { stN(m, ea, 2, uint64(v)) }
func st32(m []byte, ea uint64, v uint32) { stN(m, ea, 4, uint64(v)) }
func st64(m []byte, ea uint64, v uint64) { stN(m, ea, 8, v) }

// memCopy copies n bytes within m from src to dst, overlap-safe.
func memCopy(m []byte, dst, src, n uint64) {
	if dst > src {
		for i := n; i > 0; i-- {
			st8(m, dst+i-1, ld8(m, src+i-1))
		}
		return
	}
	for i := uint64(0); i < n; i++ {
		st8(m, dst+i, ld8(m, src+i))
	}
}

// memCopyBetween copies n bytes from src at s to dst at d (two memories,
// so they do not overlap).
func memCopyBetween(dst []byte, d uint64, src []byte, s, n uint64) {
	for i := uint64(0); i < n; i++ {
		st8(dst, d+i, ld8(src, s+i))
	}
}

// memWrite copies data into m at dst.
func memWrite(m []byte, dst uint64, data []byte) {
	for i, b := range data {
		st8(m, dst+uint64(i), b)
	}
}

// memFill sets n bytes of m at dst to v.
func memFill(m []byte, dst, n uint64, v byte) {
	for i := uint64(0); i < n; i++ {
		st8(m, dst+i, v)
	}
}

// Globals and table elements (see word_norace.go).

func loadWord(p *uint64) uint64     { return atomic.LoadUint64(p) }
func storeWord(p *uint64, v uint64) { atomic.StoreUint64(p, v) }

// copyWords copies src to dst (overlap-safe).
func copyWords(dst, src []uint64) {
	if len(src) > len(dst) {
		src = src[:len(dst)]
	}
	if len(src) == 0 {
		return
	}
	if &dst[0] == &src[0] {
		return
	}
	if uintptr(unsafe.Pointer(&dst[0])) > uintptr(unsafe.Pointer(&src[0])) {
		for i := len(src) - 1; i >= 0; i-- {
			atomic.StoreUint64(&dst[i], atomic.LoadUint64(&src[i]))
		}
		return
	}
	for i := range src {
		atomic.StoreUint64(&dst[i], atomic.LoadUint64(&src[i]))
	}
}

// fillWords sets every element of dst to v.
func fillWords(dst []uint64, v uint64) {
	for i := range dst {
		atomic.StoreUint64(&dst[i], v)
	}
}

// memCopyFrom copies the contents of a memory in use, src, into dst (a new
// buffer of a growing memory), reading src a 32-bit word at a time as the
// accessors above write it.
func memCopyFrom(dst, src []byte) {
	n := min(len(dst), len(src))
	i := 0
	for ; i+4 <= n; i += 4 {
		w := atomic.LoadUint32((*uint32)(unsafe.Pointer(&src[i])))
		*(*uint32)(unsafe.Pointer(&dst[i])) = w
	}
	for ; i < n; i++ {
		dst[i] = ld8(src, uint64(i))
	}
}
