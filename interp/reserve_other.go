//go:build !linux

package interp

// reserve allocates n zero bytes for a shared memory up front, so the buffer
// never moves. It is Go heap: the garbage collector keeps it as long as any
// slice of it is reachable.
func reserve(n uint64) ([]byte, bool, error) { return alignedBytes(n), false, nil }

func release([]byte) {}
