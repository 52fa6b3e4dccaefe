package interp

import (
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// TestCheckSlots: finalize's check refuses an instruction naming a slot
// beyond the frame, for table ops and superinstructions alike, and refuses
// an op it does not know (so a new superinstruction cannot run unchecked).
func TestCheckSlots(t *testing.T) {
	fc := &funcCode{frame: 4}
	for _, tt := range []struct {
		name string
		in   instr
		want string // "" for accepted, else a substring of the error
	}{
		{"i32.add in frame", instr{op: uint16(ir.OpI32Add), a: 0, b: 1, c: 3}, ""},
		{"i32.add result beyond", instr{op: uint16(ir.OpI32Add), a: 4, b: 1, c: 2}, "slot a=4"},
		{"i32.add operand beyond", instr{op: uint16(ir.OpI32Add), a: 0, b: 1, c: 9}, "slot c=9"},
		{"copy2 straddles the end", instr{op: opCopy2, a: 3, b: 0}, "slot a=3 (width 2)"},
		{"move of c slots", instr{op: opMove, a: 2, b: 0, c: 3}, "slot a=2 (width 3)"},
		{"load-add operand", instr{op: opLoadAdd, a: 0, b: 1, c: 7}, "slot c=7"},
		{"multiply-add addend slot", instr{op: opI32MulAdd, a: 0, b: 1, c: 2, imm: 4}, "slot imm=4"},
		{"copy pair second source", instr{op: opCopyCopy, a: 0, b: 1, c: 2, imm: 3}, ""},
		{"shift immediate is not a slot", instr{op: opI32ShrUAnd, a: 0, b: 1, c: 31, imm: 0xff}, ""},
		{"out of line", instr{op: opStructNew, a: 99, b: 99}, ""},
		{"unknown op", instr{op: numOps + 1}, "op unknown to checkSlots"},
	} {
		got := checkSlots(fc, &tt.in)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: checkSlots = %q, want %q", tt.name, got, tt.want)
		}
	}
}
