//go:build linux

package interp

import (
	"fmt"
	"syscall"
)

// heapReserveMax is the largest shared memory kept on the Go heap; larger
// ones are reserved with mmap.
const heapReserveMax = 64 << 20

// reserve returns n zeroed bytes for a shared memory's whole maximum; the
// buffer never moves. Every slice of it must stay valid as long as it can
// be used, whatever happens to the Memory (Memory.Bytes promises that), so:
//
//   - up to heapReserveMax it is an ordinary Go allocation, whose lifetime
//     the garbage collector ties to every slice of it;
//   - beyond, zeroing the whole maximum on allocation (as the Go heap does
//     when it reuses memory) would cost seconds and gigabytes, so it is an
//     anonymous mapping, backed only where touched. The collector cannot
//     see slices of it, so it is never unmapped: when its Memory is
//     unreachable, release returns its pages to the system and a slice
//     still held reads zeros. What stays is the address range (the
//     maximum's size, from the 128 TiB of a 64-bit process).
//
// mapped reports the second case: release applies.
func reserve(n uint64) (b []byte, mapped bool, err error) {
	if n <= heapReserveMax {
		return alignedBytes(n), false, nil
	}
	b, err = syscall.Mmap(-1, 0, int(n), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return nil, false, fmt.Errorf("reserving %d bytes of shared memory: %v", n, err)
	}
	return b, true, nil
}

// release gives a mapped reservation's pages back to the system once its
// Memory is unreachable, keeping the range mapped (see reserve).
func release(b []byte) {
	syscall.Madvise(b, syscall.MADV_DONTNEED)
}
