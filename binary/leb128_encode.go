package binary

// LEB128 writers. The encoder always writes the shortest form, as wabt's
// wat2wasm does (it canonicalises even its reserved section sizes).

// appendULEB128 appends v as an unsigned LEB128.
func appendULEB128(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendSLEB128 appends v as a signed LEB128: the shortest form whose last
// byte's bit 6 carries the sign.
func appendSLEB128(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// sizeULEB128 is the number of bytes appendULEB128 writes for v.
func sizeULEB128(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// putULEB128 writes v at the start of b, which must have room for it, and
// returns the number of bytes written.
func putULEB128(b []byte, v uint64) int {
	i := 0
	for v >= 0x80 {
		b[i] = byte(v) | 0x80
		v >>= 7
		i++
	}
	b[i] = byte(v)
	return i + 1
}
