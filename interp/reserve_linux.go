//go:build linux

package interp

import (
	"fmt"
	"syscall"
)

// reserve maps n bytes of zeroed address space for a shared memory. Pages are
// only backed when touched, so reserving a 4 GiB maximum costs nothing, and
// the mapping never moves.
func reserve(n uint64) ([]byte, error) {
	if n == 0 {
		return []byte{}, nil
	}
	b, err := syscall.Mmap(-1, 0, int(n), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("reserving %d bytes of shared memory: %v", n, err)
	}
	return b, nil
}

// release unmaps a reservation; NewMemory arranges for it to run once the
// Memory is unreachable.
func release(b []byte) {
	if len(b) > 0 {
		syscall.Munmap(b)
	}
}
