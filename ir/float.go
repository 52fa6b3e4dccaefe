package ir

import (
	"math/bits"
	"strconv"
)

// AppendHexFloat appends the IEEE value with sigBits fraction bits and
// expBits exponent bits as wabt writes floats (FloatWriter::WriteHex;
// wasm2wat and wasm-objdump print them so): "-0x1.8p+3", "0x0p+0",
// subnormals normalised ("0x1.8p-127", "0x1.p-149"), "inf", "nan" for
// the canonical NaN and "nan:0x200000" for other payloads.
func AppendHexFloat(b []byte, v uint64, sigBits, expBits uint) []byte {
	const hex = "0123456789abcdef"
	bias := int(1)<<(expBits-1) - 1
	if v>>(sigBits+expBits)&1 != 0 {
		b = append(b, '-')
	}
	exp := int(v>>sigBits&(1<<expBits-1)) - bias
	sig := v & (1<<sigBits - 1)
	if exp == bias+1 {
		if sig == 0 {
			return append(b, "inf"...)
		}
		b = append(b, "nan"...)
		if sig != 1<<(sigBits-1) {
			b = append(b, ":0x"...)
			b = strconv.AppendUint(b, sig, 16)
		}
		return b
	}
	zero := sig == 0 && exp == -bias
	b = append(b, '0', 'x')
	if zero {
		return append(b, "0p+0"...)
	}
	b = append(b, '1')
	// Left-align the fraction so its first hex digit is the top nybble.
	sig <<= 64 - sigBits
	if sig != 0 {
		if exp == -bias {
			// Subnormal: shift out the leading zeros and the implicit 1.
			lz := bits.LeadingZeros64(sig)
			sig <<= uint(lz) + 1
			exp -= lz
		}
		// wabt writes the point even when the subnormal shift leaves no
		// digits: "0x1.p-149".
		b = append(b, '.')
		for sig != 0 {
			b = append(b, hex[sig>>60])
			sig <<= 4
		}
	}
	b = append(b, 'p')
	if exp < 0 {
		b = append(b, '-')
		exp = -exp
	} else {
		b = append(b, '+')
	}
	return strconv.AppendInt(b, int64(exp), 10)
}
