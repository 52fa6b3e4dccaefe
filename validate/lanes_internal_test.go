package validate

import (
	"testing"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// TestLaneCounts: every op with a lane immediate gets its lane count from
// the opcode table; a new row the derivation misses shows up here.
func TestLaneCounts(t *testing.T) {
	for op := ir.Op(0); op < ir.NumOps; op++ {
		switch op.Info().Imm {
		case ir.ImmLane, ir.ImmMemArgLane, ir.ImmShuffle:
			switch n := laneCounts[op]; n {
			case 2, 4, 8, 16, 32:
			default:
				t.Errorf("%s: lane count %d", op, n)
			}
		default:
			if laneCounts[op] != 0 {
				t.Errorf("%s: lane count on an op without lanes", op)
			}
		}
	}
	if laneCounts[ir.OpI16x8ReplaceLane] != 8 || laneCounts[ir.OpV128Load32Lane] != 4 || laneCounts[ir.OpF64x2ExtractLane] != 2 {
		t.Error("lane counts do not follow the shapes")
	}
}

// TestFrameSize pins the control frame at 128 bytes: indexing the control
// stack, which the fast path does for every instruction, is then a shift.
func TestFrameSize(t *testing.T) {
	if s := unsafe.Sizeof(frame{}); s != 128 {
		t.Errorf("frame is %d bytes, want 128", s)
	}
}
