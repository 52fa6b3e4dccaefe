//go:build !race && !(amd64 || arm64 || 386 || riscv64 || loong64 || ppc64le || wasm)

package interp

import "encoding/binary"

// Plain memory accesses, portable version (see mem_le.go for little-endian
// hosts). Non-atomic wasm accesses to shared memory are racy by the memory
// model's design; see race.go for -race builds.

func ld8(m []byte, ea uint64) byte    { return m[ea] }
func ld16(m []byte, ea uint64) uint16 { return binary.LittleEndian.Uint16(m[ea:]) }
func ld32(m []byte, ea uint64) uint32 { return binary.LittleEndian.Uint32(m[ea:]) }
func ld64(m []byte, ea uint64) uint64 { return binary.LittleEndian.Uint64(m[ea:]) }

func st8(m []byte, ea uint64, v byte)    { m[ea] = v }
func st16(m []byte, ea uint64, v uint16) { binary.LittleEndian.PutUint16(m[ea:], v) }
func st32(m []byte, ea uint64, v uint32) { binary.LittleEndian.PutUint32(m[ea:], v) }
func st64(m []byte, ea uint64, v uint64) { binary.LittleEndian.PutUint64(m[ea:], v) }

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
