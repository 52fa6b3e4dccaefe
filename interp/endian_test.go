package interp

import (
	"encoding/binary"
	"testing"
)

// TestEndianness checks the build-constrained bigEndian constant against
// the host running the test.
func TestEndianness(t *testing.T) {
	native := binary.NativeEndian.Uint16([]byte{1, 0}) != 1
	if bigEndian != native {
		t.Fatalf("bigEndian = %v, but the host is big endian: %v; fix the build constraints of endian_*.go", bigEndian, native)
	}
}
