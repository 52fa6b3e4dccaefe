package wat

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// Numeric literals are checked against the spec's grammar here, so that the
// strconv fallback only ever sees well-formed input.

// literalNat parses an unsigned literal: decimal or 0x-hex digits with
// single underscores between digits. overflow is set when the value does not
// fit in 64 bits.
func literalNat(b []byte) (v uint64, ok, overflow bool) {
	if len(b) == 0 {
		return 0, false, false
	}
	if len(b) > 2 && b[0] == '0' && b[1] == 'x' {
		return literalDigits(b[2:], 16)
	}
	return literalDigits(b, 10)
}

func literalDigits(b []byte, base uint64) (v uint64, ok, overflow bool) {
	if len(b) == 0 {
		return 0, false, false
	}
	if base == 10 && len(b) <= 19 {
		// The common case: up to 19 decimal digits cannot overflow, so
		// no check per digit.
		for _, c := range b {
			d := uint64(c) - '0'
			if d > 9 {
				goto general // an underscore, or not a digit
			}
			v = v*10 + d
		}
		return v, true, false
	}
general:
	v = 0
	prevDigit := false
	for _, c := range b {
		if c == '_' {
			if !prevDigit {
				return 0, false, false
			}
			prevDigit = false
			continue
		}
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false, false
		}
		if d >= base {
			return 0, false, false
		}
		prevDigit = true
		hi, lo := mulAdd(v, base, d)
		if hi != 0 {
			overflow = true
		}
		v = lo
	}
	return v, prevDigit, overflow
}

// mulAdd returns v*m + a, hi non-zero when it does not fit in 64 bits.
func mulAdd(v, m, a uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(v, m)
	lo, carry := bits.Add64(lo, a, 0)
	return hi | carry, lo
}

// literalInt parses an integer literal of the given bit width (32 or 64),
// signed or unsigned, and returns its two's complement bits. msg is empty on
// success, else "unexpected token" (not a number) or "constant out of
// range".
func literalInt(b []byte, bits uint) (uint64, string) {
	// A '+' sign allows the whole unsigned range, as in the spec
	// interpreter and wabt (the grammar's s_N would stop at 2^(N-1)-1).
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	v, ok, overflow := literalNat(b)
	if !ok {
		return 0, "unexpected token"
	}
	mask := uint64(math.MaxUint64) >> (64 - bits)
	switch {
	case overflow:
		return 0, "constant out of range"
	case neg:
		if v > 1<<(bits-1) {
			return 0, "constant out of range"
		}
		return -v & mask, ""
	case v > mask:
		return 0, "constant out of range"
	}
	return v, ""
}

// literalUnsigned parses an unsigned integer of at most bits bits (no sign
// allowed), as used for indices, limits, alignments and lane numbers.
func literalUnsigned(b []byte, bits uint) (uint64, string) {
	v, ok, overflow := literalNat(b)
	if !ok {
		return 0, "unexpected token"
	}
	if overflow || v > uint64(math.MaxUint64)>>(64-bits) {
		return 0, "constant out of range"
	}
	return v, ""
}

// literalFloat parses a float literal into IEEE bits of the given width (32
// or 64): decimal and hex forms rounded to nearest even, inf, nan and
// nan:0x payloads.
func literalFloat(b []byte, bits int) (uint64, string) {
	neg := false
	body := b
	if len(body) > 0 && (body[0] == '+' || body[0] == '-') {
		neg = body[0] == '-'
		body = body[1:]
	}
	mantBits := uint(52)
	expMask := uint64(0x7ff) << 52
	if bits == 32 {
		mantBits, expMask = 23, uint64(0xff)<<23
	}
	sign := uint64(0)
	if neg {
		sign = 1 << (bits - 1)
	}
	switch {
	case string(body) == "inf":
		return sign | expMask, ""
	case string(body) == "nan":
		return sign | expMask | 1<<(mantBits-1), ""
	case len(body) > 4 && string(body[:4]) == "nan:":
		p := body[4:]
		if len(p) < 3 || p[0] != '0' || p[1] != 'x' {
			return 0, "unexpected token"
		}
		v, ok, overflow := literalDigits(p[2:], 16)
		if !ok {
			return 0, "unexpected token"
		}
		if overflow || v == 0 || v >= 1<<mantBits {
			return 0, "constant out of range"
		}
		return sign | expMask | v, ""
	}
	hex := len(body) > 2 && body[0] == '0' && body[1] == 'x'
	if !literalFloatSyntax(body, hex) {
		return 0, "unexpected token"
	}
	// Strip underscores and add the binary exponent Go requires of hex
	// floats; small literals go through a stack buffer.
	var buf [64]byte
	s := buf[:0]
	if neg {
		s = append(s, '-')
	}
	hasExp := false
	for _, c := range body {
		if c != '_' {
			s = append(s, c)
		}
		if hex && (c == 'p' || c == 'P') {
			hasExp = true
		}
	}
	if hex && !hasExp {
		s = append(s, 'p', '0')
	}
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(s), len(s)), bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && math.IsInf(f, 0) {
			return 0, "constant out of range"
		}
		if !math.IsInf(f, 0) && err.(*strconv.NumError).Err == strconv.ErrRange {
			// Underflow: strconv still returns the correctly rounded value.
			return literalFloatBits(f, bits), ""
		}
		return 0, "unexpected token"
	}
	return literalFloatBits(f, bits), ""
}

func literalFloatBits(f float64, bits int) uint64 {
	if bits == 32 {
		return uint64(math.Float32bits(float32(f)))
	}
	return math.Float64bits(f)
}

// literalFloatSyntax checks the spec grammar of an unsigned float:
// num ('.' frac?)? (e sign? num)? in decimal, or the same after 0x in hex
// with p as the exponent marker.
func literalFloatSyntax(b []byte, hex bool) bool {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	expChar := byte('e')
	if hex {
		b = b[2:]
		isDigit = func(c byte) bool { _, ok := scanHexDigit(c); return ok }
		expChar = 'p'
	}
	// digits scans num ::= digit ('_'? digit)* and returns the rest.
	digits := func(b []byte, isDigit func(byte) bool) ([]byte, bool) {
		if len(b) == 0 || !isDigit(b[0]) {
			return b, false
		}
		i := 1
		for i < len(b) {
			if isDigit(b[i]) {
				i++
			} else if b[i] == '_' && i+1 < len(b) && isDigit(b[i+1]) {
				i += 2
			} else {
				break
			}
		}
		return b[i:], true
	}
	rest, ok := digits(b, isDigit)
	if !ok {
		return false
	}
	if len(rest) > 0 && rest[0] == '.' {
		rest = rest[1:]
		if len(rest) > 0 && isDigit(rest[0]) {
			rest, _ = digits(rest, isDigit)
		}
	}
	if len(rest) == 0 {
		return true
	}
	if rest[0] != expChar && rest[0] != expChar-'a'+'A' {
		return false
	}
	rest = rest[1:]
	if len(rest) > 0 && (rest[0] == '+' || rest[0] == '-') {
		rest = rest[1:]
	}
	rest, ok = digits(rest, func(c byte) bool { return c >= '0' && c <= '9' })
	return ok && len(rest) == 0
}

// literalString decodes a string token (quotes included, already checked by
// the scanner) and appends its bytes to dst.
func literalString(dst, raw []byte) []byte {
	raw = raw[1 : len(raw)-1]
	// The decoded string is never longer than its source text: growing
	// once keeps a huge literal at one allocation of at most its size.
	dst = slices.Grow(dst, len(raw))
	for i := 0; i < len(raw); {
		// Copy the run up to the next escape in one go.
		j := i
		for j < len(raw) && raw[j] != '\\' {
			j++
		}
		dst = append(dst, raw[i:j]...)
		if j >= len(raw) {
			break
		}
		i = j
		switch c := raw[i+1]; c {
		case 't':
			dst = append(dst, '\t')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case '"', '\'', '\\':
			dst = append(dst, c)
		case 'u':
			var v rune
			k := i + 3
			for ; raw[k] != '}'; k++ {
				if d, ok := scanHexDigit(raw[k]); ok {
					v = v<<4 | rune(d)
				}
			}
			dst = utf8.AppendRune(dst, v)
			i = k + 1
			continue
		default:
			hi, _ := scanHexDigit(raw[i+1])
			lo, _ := scanHexDigit(raw[i+2])
			dst = append(dst, hi<<4|lo)
			i += 3
			continue
		}
		i += 2
	}
	return dst
}
