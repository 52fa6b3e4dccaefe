//go:build race

package interp

import (
	"sync/atomic"
	"unsafe"
)

// Atomic reference accesses for -race builds (see ref_norace.go).

func refPtr(p **Object) *unsafe.Pointer { return (*unsafe.Pointer)(unsafe.Pointer(p)) }

func loadRef(p **Object) *Object     { return (*Object)(atomic.LoadPointer(refPtr(p))) }
func storeRef(p **Object, o *Object) { atomic.StorePointer(refPtr(p), unsafe.Pointer(o)) }

// copyRefs copies src to dst (overlap-safe).
func copyRefs(dst, src []*Object) {
	n := min(len(dst), len(src))
	if n == 0 || &dst[0] == &src[0] {
		return
	}
	if uintptr(unsafe.Pointer(&dst[0])) > uintptr(unsafe.Pointer(&src[0])) {
		for i := n - 1; i >= 0; i-- {
			storeRef(&dst[i], loadRef(&src[i]))
		}
		return
	}
	for i := 0; i < n; i++ {
		storeRef(&dst[i], loadRef(&src[i]))
	}
}

// fillRefs sets every element of dst to o.
func fillRefs(dst []*Object, o *Object) {
	for i := range dst {
		storeRef(&dst[i], o)
	}
}

// copyBytes copies src to dst, two arrays' storage (not overlapping),
// through the accessors linear memory uses.
func copyBytes(dst, src []byte) {
	for i := range min(len(dst), len(src)) {
		st8(dst, uint64(i), ld8(src, uint64(i)))
	}
}
