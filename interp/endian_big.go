//go:build armbe || arm64be || mips || mips64 || mips64p32 || ppc || ppc64 || s390 || s390x || sparc || sparc64

package interp

// bigEndian reports whether the host stores a word's most significant byte
// first. Wasm memory is little endian; atomics, which access it through
// native words, convert (see atomic.go). TestEndianness checks the value.
const bigEndian = true
