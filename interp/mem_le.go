//go:build !race && (amd64 || arm64 || 386 || riscv64 || loong64 || ppc64le || wasm)

package interp

import "unsafe"

// Plain memory accesses on little-endian hosts, where a wasm value's bytes
// are laid out as in Go: one load or store, no bounds checks. Callers have
// already checked ea+size <= len(m) (the interpreter loop does, before it
// calls these). Non-atomic wasm accesses to shared memory are racy by the
// memory model's design; see race.go for -race builds.

func at(m []byte, ea uint64) unsafe.Pointer {
	return unsafe.Add(unsafe.Pointer(unsafe.SliceData(m)), uintptr(ea))
}

func ld8(m []byte, ea uint64) byte    { return *(*byte)(at(m, ea)) }
func ld16(m []byte, ea uint64) uint16 { return *(*uint16)(at(m, ea)) }
func ld32(m []byte, ea uint64) uint32 { return *(*uint32)(at(m, ea)) }
func ld64(m []byte, ea uint64) uint64 { return *(*uint64)(at(m, ea)) }

func st8(m []byte, ea uint64, v byte)    { *(*byte)(at(m, ea)) = v }
func st16(m []byte, ea uint64, v uint16) { *(*uint16)(at(m, ea)) = v }
func st32(m []byte, ea uint64, v uint32) { *(*uint32)(at(m, ea)) = v }
func st64(m []byte, ea uint64, v uint64) { *(*uint64)(at(m, ea)) = v }

// memCopy copies n bytes within m from src to dst, overlap-safe.
func memCopy(m []byte, dst, src, n uint64) { copy(m[dst:dst+n], m[src:src+n]) }

// memCopyBetween copies n bytes from src at s to dst at d (two memories).
func memCopyBetween(dst []byte, d uint64, src []byte, s, n uint64) { copy(dst[d:d+n], src[s:s+n]) }

// memWrite copies data into m at dst.
func memWrite(m []byte, dst uint64, data []byte) { copy(m[dst:], data) }

// memFill sets n bytes of m at dst to v.
func memFill(m []byte, dst, n uint64, v byte) {
	b := m[dst : dst+n]
	for i := range b {
		b[i] = v
	}
}
