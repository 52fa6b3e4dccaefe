package ir

import "testing"

func TestAppendHexFloat(t *testing.T) {
	for _, tt := range []struct {
		bits             uint64
		sigBits, expBits uint
		want             string
	}{
		{0x41400000, 23, 8, "0x1.8p+3"},
		{0xc1400000, 23, 8, "-0x1.8p+3"},
		{0, 23, 8, "0x0p+0"},
		{0x80000000, 23, 8, "-0x0p+0"},
		{1, 23, 8, "0x1.p-149"},
		{0x00600000, 23, 8, "0x1.8p-127"},
		{0x7f800000, 23, 8, "inf"},
		{0x7fc00000, 23, 8, "nan"},
		{0xffa00000, 23, 8, "-nan:0x200000"},
		{0x3ff0000000000000, 52, 11, "0x1p+0"},
		{1, 52, 11, "0x1.p-1074"},
		{0x7ff0000000000001, 52, 11, "nan:0x1"},
	} {
		if got := string(AppendHexFloat(nil, tt.bits, tt.sigBits, tt.expBits)); got != tt.want {
			t.Errorf("AppendHexFloat(%#x, %d, %d) = %q, want %q", tt.bits, tt.sigBits, tt.expBits, got, tt.want)
		}
	}
}
