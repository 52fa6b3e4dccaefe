package objdump

import (
	"fmt"
	"unicode/utf8"

	"github.com/watt-wasm/watt/ir"
)

// readError is a malformed binary: a message at an offset. Readers panic
// with it; a pass recovers it.
type readError struct {
	off int
	msg string
}

func (e *readError) Error() string { return fmt.Sprintf("0x%x: %s", e.off, e.msg) }

// reader reads the binary format from data[off:end].
type reader struct {
	data []byte
	off  int
	end  int
}

func (r *reader) fail(off int, format string, args ...any) {
	panic(&readError{off, fmt.Sprintf(format, args...)})
}

func (r *reader) eof() bool { return r.off >= r.end }

func (r *reader) u8(what string) byte {
	if r.off >= r.end {
		r.fail(r.off, "unable to read u8: %s", what)
	}
	b := r.data[r.off]
	r.off++
	return b
}

func (r *reader) bytes(n int, what string) []byte {
	if n < 0 || n > r.end-r.off {
		r.fail(r.off, "unable to read %s", what)
	}
	b := r.data[r.off : r.off+n]
	r.off += n
	return b
}

func (r *reader) fixed32(what string) uint32 {
	b := r.bytes(4, what)
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func (r *reader) fixed64(what string) uint64 {
	lo := r.fixed32(what)
	hi := r.fixed32(what)
	return uint64(lo) | uint64(hi)<<32
}

// uleb reads an unsigned LEB128 of at most bits bits, as wabt does: the
// last byte may not carry bits beyond the width.
func (r *reader) uleb(bits int, what string) uint64 {
	start := r.off
	var v uint64
	var shift uint
	maxBytes := (bits + 6) / 7
	for i := 0; ; i++ {
		if r.off >= r.end || i >= maxBytes {
			r.fail(start, "unable to read u%d leb128: %s", bits, what)
		}
		b := r.data[r.off]
		r.off++
		if i == maxBytes-1 {
			// Unused bits of the last byte must be zero.
			used := uint(bits) - shift
			if b&0x80 != 0 || (used < 7 && b>>used != 0) {
				r.fail(start, "unable to read u%d leb128: %s", bits, what)
			}
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return v
		}
		shift += 7
	}
}

// sleb reads a signed LEB128 of at most bits bits; the unused bits of the
// last byte must be the sign's extension.
func (r *reader) sleb(bits int, what string) int64 {
	start := r.off
	var v int64
	var shift uint
	maxBytes := (bits + 6) / 7
	for i := 0; ; i++ {
		if r.off >= r.end || i >= maxBytes {
			r.fail(start, "unable to read i%d leb128: %s", bits, what)
		}
		b := r.data[r.off]
		r.off++
		if i == maxBytes-1 {
			used := uint(bits) - shift // bits of this byte that count, sign included
			if b&0x80 != 0 {
				r.fail(start, "unable to read i%d leb128: %s", bits, what)
			}
			if used < 7 {
				// The payload bits above the value repeat its sign bit.
				extra := (b & 0x7f) >> used
				want := byte(0)
				if b>>(used-1)&1 != 0 {
					want = 1<<(7-used) - 1
				}
				if extra != want {
					r.fail(start, "unable to read i%d leb128: %s", bits, what)
				}
			}
		}
		v |= int64(b&0x7f) << shift
		shift += 7
		if b&0x80 == 0 {
			if shift < 64 && b&0x40 != 0 {
				v |= -1 << shift
			}
			return v
		}
	}
}

func (r *reader) u32(what string) uint32 { return uint32(r.uleb(32, what)) }

// index reads a u32 index or count.
func (r *reader) index(what string) uint32 { return r.u32(what) }

// count reads a vector length; each element takes at least one byte, so a
// count beyond the remaining bytes is malformed.
func (r *reader) count(what string) uint32 {
	start := r.off
	n := r.u32(what)
	if uint64(n) > uint64(r.end-r.off) {
		r.fail(start, "invalid %s: too many entries", what)
	}
	return n
}

func (r *reader) str(what string) string {
	start := r.off
	n := r.u32(what + " length")
	if uint64(n) > uint64(r.end-r.off) {
		r.fail(start, "unable to read string: %s", what)
	}
	b := r.bytes(int(n), what)
	if !utf8.Valid(b) {
		r.fail(start, "invalid utf-8 encoding: %s", what)
	}
	return string(b)
}

// valType reads a value type: a number or vector type's byte, a reference
// type's one-byte abbreviation (funcref, anyref, …), or 0x63/0x64 and a
// heap type (WebAssembly 3.0's (ref null? ht)).
func (r *reader) valType(what string) ir.ValType {
	off := r.off
	b := r.u8(what)
	switch b {
	case byte(ir.I32), byte(ir.I64), byte(ir.F32), byte(ir.F64), byte(ir.V128):
		return ir.ValType(b)
	case refNullPrefix, refPrefix:
		return ir.Ref(b == refNullPrefix, r.heapType(what))
	}
	if h, ok := ir.AbstractHeap(b); ok {
		return ir.Ref(true, h)
	}
	r.fail(off, "malformed %s: 0x%x", what, b)
	return 0
}

// The prefixes of a reference type with an explicit heap type.
const (
	refNullPrefix = 0x63
	refPrefix     = 0x64
)

// storageType reads a struct field's or array's storage type: a value
// type or a packed i8 or i16.
func (r *reader) storageType(what string) ir.ValType {
	if !r.eof() {
		switch b := r.data[r.off]; b {
		case byte(ir.I8), byte(ir.I16):
			r.off++
			return ir.ValType(b)
		}
	}
	return r.valType(what)
}

// heapType reads a heap type: an abstract type's byte (a one-byte
// negative s33) or a type index.
func (r *reader) heapType(what string) ir.HeapType {
	off := r.off
	if !r.eof() {
		if b := r.data[r.off]; b&0xc0 == 0x40 {
			r.off++
			h, ok := ir.AbstractHeap(b)
			if !ok {
				r.fail(off, "malformed heap type in %s: 0x%x", what, b)
			}
			return h
		}
	}
	x := r.sleb(33, what)
	if x < 0 || x > int64(ir.MaxTypeIndex) {
		r.fail(off, "malformed heap type in %s: %d", what, x)
	}
	return ir.HeapIndex(uint32(x))
}

// typeName is a value type's name as wabt prints it (i32, funcref) and, for
// the types wabt 1.0.32 does not know, as the text format writes it
// (anyref, (ref null 3)).
func typeName(t ir.ValType) string { return t.String() }
