package objdump

import (
	"math/bits"
	"strconv"
)

// hexFloat formats IEEE bits with sigBits fraction and expBits exponent
// bits as wabt writes floats: "-0x1.8p+3", "0x0p+0", subnormals
// normalised ("0x1.p-1074"), "inf", "nan", "nan:0x123".
func hexFloat(v uint64, sigBits, expBits uint) string {
	const digits = "0123456789abcdef"
	var b []byte
	bias := int(1)<<(expBits-1) - 1
	if v>>(sigBits+expBits)&1 != 0 {
		b = append(b, '-')
	}
	exp := int(v>>sigBits&(1<<expBits-1)) - bias
	sig := v & (1<<sigBits - 1)
	if exp == bias+1 {
		if sig == 0 {
			return string(append(b, "inf"...))
		}
		b = append(b, "nan"...)
		if sig != 1<<(sigBits-1) {
			b = append(b, ":0x"...)
			b = strconv.AppendUint(b, sig, 16)
		}
		return string(b)
	}
	if sig == 0 && exp == -bias {
		return string(append(b, "0x0p+0"...))
	}
	b = append(b, "0x1"...)
	sig <<= 64 - sigBits
	if sig != 0 {
		if exp == -bias {
			lz := bits.LeadingZeros64(sig)
			sig <<= uint(lz) + 1
			exp -= lz
		}
		b = append(b, '.')
		for sig != 0 {
			b = append(b, digits[sig>>60])
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
	return string(strconv.AppendInt(b, int64(exp), 10))
}
