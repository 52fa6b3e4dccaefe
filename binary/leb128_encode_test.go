package binary

import (
	"bytes"
	"math"
	"testing"
)

func TestAppendULEB128(t *testing.T) {
	tests := []struct {
		v    uint64
		want []byte
	}{
		{0, []byte{0x00}},
		{1, []byte{0x01}},
		{63, []byte{0x3f}},
		{64, []byte{0x40}},
		{127, []byte{0x7f}},
		{128, []byte{0x80, 0x01}},
		{624485, []byte{0xe5, 0x8e, 0x26}},
		{16383, []byte{0xff, 0x7f}},
		{16384, []byte{0x80, 0x80, 0x01}},
		{math.MaxUint32, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}},
		{1 << 32, []byte{0x80, 0x80, 0x80, 0x80, 0x10}},
		{math.MaxUint64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
	}
	for _, tt := range tests {
		got := appendULEB128([]byte{0xaa}, tt.v)
		if !bytes.Equal(got[1:], tt.want) || got[0] != 0xaa {
			t.Errorf("appendULEB128(%d) = % x, want aa % x", tt.v, got, tt.want)
		}
		if n := sizeULEB128(tt.v); n != len(tt.want) {
			t.Errorf("sizeULEB128(%d) = %d, want %d", tt.v, n, len(tt.want))
		}
		buf := make([]byte, 10)
		if n := putULEB128(buf, tt.v); !bytes.Equal(buf[:n], tt.want) {
			t.Errorf("putULEB128(%d) wrote % x, want % x", tt.v, buf[:n], tt.want)
		}
	}
}

func TestAppendSLEB128(t *testing.T) {
	tests := []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0x00}},
		{1, []byte{0x01}},
		{-1, []byte{0x7f}},
		{63, []byte{0x3f}},
		{64, []byte{0xc0, 0x00}}, // bit 6 set: needs a second byte to stay positive
		{-64, []byte{0x40}},
		{-65, []byte{0xbf, 0x7f}},
		{-123456, []byte{0xc0, 0xbb, 0x78}},
		{math.MaxInt32, []byte{0xff, 0xff, 0xff, 0xff, 0x07}},
		{math.MinInt32, []byte{0x80, 0x80, 0x80, 0x80, 0x78}},
		{math.MaxUint32, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}}, // a u32 type index as s33
		{math.MaxInt64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}},
		{math.MinInt64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}},
	}
	for _, tt := range tests {
		if got := appendSLEB128(nil, tt.v); !bytes.Equal(got, tt.want) {
			t.Errorf("appendSLEB128(%d) = % x, want % x", tt.v, got, tt.want)
		}
	}
}

// TestLEB128RoundTrip decodes what the writers produce with a reference
// decoder written from the spec, over values around every 7-bit boundary.
func TestLEB128RoundTrip(t *testing.T) {
	var values []uint64
	for shift := 0; shift < 64; shift++ {
		v := uint64(1) << shift
		values = append(values, v-1, v, v+1, ^v, ^(v - 1))
	}
	for _, v := range values {
		b := appendULEB128(nil, v)
		got, n := encodeTestReadULEB(b)
		if got != v || n != len(b) {
			t.Errorf("ULEB %d: decoded %d from % x (%d of %d bytes)", v, got, b, n, len(b))
		}
		if last := b[len(b)-1]; len(b) > 1 && last == 0 {
			t.Errorf("ULEB %d: not the shortest form: % x", v, b)
		}
		s := int64(v)
		b = appendSLEB128(nil, s)
		gots, n := encodeTestReadSLEB(b)
		if gots != s || n != len(b) {
			t.Errorf("SLEB %d: decoded %d from % x (%d of %d bytes)", s, gots, b, n, len(b))
		}
	}
}

func encodeTestReadULEB(b []byte) (uint64, int) {
	var v uint64
	for i, c := range b {
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1
		}
	}
	return v, -1
}

func encodeTestReadSLEB(b []byte) (int64, int) {
	var v int64
	for i, c := range b {
		shift := 7 * i
		v |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			if shift+7 < 64 && c&0x40 != 0 {
				v |= -1 << (shift + 7)
			}
			return v, i + 1
		}
	}
	return v, -1
}
