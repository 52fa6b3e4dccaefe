//go:build !race

package interp

// Values that wasm code may race on by design, other than memory bytes:
// globals and table elements. A race on them is the guest's, never the
// interpreter's: each is one word, read and written whole (on 64-bit hosts
// a racing read sees some written value; on 32-bit ones it may mix the
// halves of two, as a torn non-atomic wasm access may), and none is ever a
// Go pointer (references are handles checked on use), so plain accesses
// are memory-safe. race.go has the atomic versions that keep the race
// detector's reports about the interpreter's own state.

func loadWord(p *uint64) uint64     { return *p }
func storeWord(p *uint64, v uint64) { *p = v }

// copyWords copies src to dst (overlap-safe).
func copyWords(dst, src []uint64) { copy(dst, src) }

// fillWords sets every element of dst to v.
func fillWords(dst []uint64, v uint64) {
	for i := range dst {
		dst[i] = v
	}
}

// memCopyFrom copies the contents of a memory in use, src, into dst (a new
// buffer of a growing memory).
func memCopyFrom(dst, src []byte) { copy(dst, src) }
