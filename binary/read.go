package binary

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/watt-wasm/watt/ir"
)

// decoder holds the state of one Decode call.
//
// It reads with a single cursor over the whole input, exactly as the spec
// interpreter does: a section or function body is not cut off at its
// declared size; the size is checked once its contents have been read
// ("section size mismatch"). This is what makes malformed input fail with
// the same message as the reference decoder (a missing `end` at the last
// function reads into the next section, say).
//
// Errors abort decoding through a panic carrying a decodeBailout, recovered
// in Decode; nothing else is ever recovered.
type decoder struct {
	src      *ir.Source
	data     []byte
	pos      int
	features ir.Features
	m        *ir.Module

	// Instruction decoding (decode_code.go).
	scratch []ir.Instr    // instructions of all open blocks, innermost last
	frames  []decodeFrame // open block, loop and if instructions
	arena   []ir.Instr    // chunk that short bodies are carved from

	// The fast path for function bodies (decode_fast.go).
	counts []int32 // instructions per block arm, from scanBody
	bodies []bodyScan

	fastOpTable [256]ir.Op // fastOps' table, for fastOpsFor
	fastOpsFor  ir.Features
	fastOpsSet  bool
	scanFrames  []scanFrame
	fastFrames  []fastFrame

	funcDecls    int    // entries in the function section
	codeEntries  int    // entries in the code section
	dataCount    int    // -1 when there is no data count section
	firstDataUse ir.Pos // first memory.init or data.drop, for "data count section required"
	namesDecoded bool   // a name section went into m.Names
	elemItems    bool   // reading element segment items: ref.func needs no feature
}

// decodeBailout is the panic value that carries a decoding error to Decode.
type decodeBailout struct{ err *ir.Error }

// fail aborts decoding with a Malformed error at byte offset off.
func (d *decoder) fail(off int, format string, args ...any) {
	panic(decodeBailout{&ir.Error{Src: d.src, Pos: ir.PosAt(off), Kind: ir.Malformed, Msg: fmt.Sprintf(format, args...)}})
}

// failEOF reports reading past the end of the input. It is kept out of line
// so the hot readers stay small enough to inline.
//
//go:noinline
func (d *decoder) failEOF() {
	d.fail(len(d.data), "unexpected end of section or function")
}

func (d *decoder) eof() bool { return d.pos >= len(d.data) }

// remaining is the number of unread bytes.
func (d *decoder) remaining() int { return len(d.data) - d.pos }

// readByte reads one byte.
func (d *decoder) readByte() byte {
	if d.pos >= len(d.data) {
		d.failEOF()
	}
	b := d.data[d.pos]
	d.pos++
	return b
}

// readBytes returns the next n bytes (a subslice of the input).
func (d *decoder) readBytes(n int) []byte {
	if n < 0 || n > d.remaining() {
		d.failEOF()
	}
	b := d.data[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return b
}

// readZeroByte reads a reserved byte that must be zero (memory.size's
// memory index without multi-memory, atomic.fence's flags). It is one byte,
// not a LEB128: 0x80 0x00 is malformed.
func (d *decoder) readZeroByte() {
	off := d.pos
	if d.readByte() != 0 {
		d.fail(off, "zero byte expected")
	}
}

// readU32 reads an unsigned LEB128 of at most 32 bits.
func (d *decoder) readU32() uint32 {
	// Fast path: most indices and counts are a single byte.
	if d.pos < len(d.data) {
		if b := d.data[d.pos]; b < 0x80 {
			d.pos++
			return uint32(b)
		}
	}
	return uint32(d.readUnsigned(32))
}

// readU64 reads an unsigned LEB128 of at most 64 bits.
func (d *decoder) readU64() uint64 { return d.readUnsigned(64) }

// readUnsigned reads an unsigned LEB128 of at most bits bits, with the
// spec's limits: at most ceil(bits/7) bytes ("integer representation too
// long") and the unused bits of the last byte zero ("integer too large").
func (d *decoder) readUnsigned(bits int) uint64 {
	var x uint64
	shift := 0
	for n := bits; ; n -= 7 {
		if n <= 0 {
			d.fail(d.pos, "integer representation too long")
		}
		b := d.readByte()
		if n < 7 && uint64(b&0x7f) >= 1<<n {
			d.fail(d.pos-1, "integer too large")
		}
		x |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return x
		}
		shift += 7
	}
}

// readSigned reads a signed LEB128 of at most bits bits. The unused bits of
// the last byte must all equal the sign bit ("integer too large").
func (d *decoder) readSigned(bits int) int64 {
	var x int64
	shift := 0
	for n := bits; ; n -= 7 {
		if n <= 0 {
			d.fail(d.pos, "integer representation too long")
		}
		b := d.readByte()
		if n < 7 {
			high := -1 << (n - 1) // the unused bits and the sign bit
			mask := byte(high & 0x7f)
			if m := b & mask; m != 0 && m != mask {
				d.fail(d.pos-1, "integer too large")
			}
		}
		x |= int64(b&0x7f) << shift
		shift += 7
		if b&0x80 == 0 {
			if shift < 64 && b&0x40 != 0 {
				x |= -1 << shift // sign-extend
			}
			return x
		}
	}
}

// readS32 reads a signed LEB128 of at most 32 bits.
func (d *decoder) readS32() int32 {
	if d.pos < len(d.data) {
		if b := d.data[d.pos]; b < 0x80 {
			d.pos++
			return int32(int8(b<<1) >> 1) // sign-extend bit 6
		}
	}
	return int32(d.readSigned(32))
}

// readLength reads a u32 length or vector count and checks that it is not
// larger than the bytes left: every element takes at least one byte, so a
// larger count can only be malformed ("length out of bounds").
func (d *decoder) readLength() int {
	off := d.pos
	n := d.readU32()
	if uint64(n) > uint64(len(d.data)-off) { // counted from the length itself, as the spec does
		d.fail(off, "length out of bounds")
	}
	return int(n)
}

// capFor bounds a preallocation for n elements of at least minSize bytes
// each by what the remaining input can hold, so that a hostile count never
// makes us allocate more than the input justifies.
func (d *decoder) capFor(n, minSize int) int {
	return min(n, d.remaining()/minSize)
}

// readName reads a UTF-8 name.
func (d *decoder) readName() string {
	off := d.pos
	b := d.readBytes(d.readLength())
	if !utf8.Valid(b) {
		d.fail(off, "malformed UTF-8 encoding")
	}
	return string(b)
}

// readFixed32 and readFixed64 read little-endian IEEE bits.
func (d *decoder) readFixed32() uint32 {
	b := d.readBytes(4)
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func (d *decoder) readFixed64() uint64 {
	b := d.readBytes(8)
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// grown returns s with room for at least one more element, doubling its
// capacity when it is full: append grows a large slice by a quarter, which
// copies the stack of a deep nest several times over.
func grown[S ~[]E, E any](s S) S {
	if len(s) == cap(s) {
		return slices.Grow(s, len(s)+1)
	}
	return s
}
