package ir_test

import (
	"testing"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

// TestInstrSize pins the size of Instr: decode, validate and parse time and
// memory grow with it (millions of instructions per large module). Rare
// immediates belong in InstrExt.
func TestInstrSize(t *testing.T) {
	if got := unsafe.Sizeof(ir.Instr{}); got > 80 {
		t.Errorf("unsafe.Sizeof(ir.Instr{}) = %d, want <= 80", got)
	}
}

func TestInstrExtAccessorsNilSafe(t *testing.T) {
	var in ir.Instr
	if in.ElseBody() != nil || in.BrLabels() != nil || in.SelectTypes() != nil || in.V128Hi() != 0 {
		t.Errorf("accessors on an Instr without Ext = %v %v %v %d", in.ElseBody(), in.BrLabels(), in.SelectTypes(), in.V128Hi())
	}
	if in.V128Bytes() != [16]byte{} {
		t.Errorf("V128Bytes without Ext = %v", in.V128Bytes())
	}
}

// TestInstrExtNilWhenEmpty checks the invariant that Ext is nil when all its
// fields are zero or empty, which the setters keep.
func TestInstrExtNilWhenEmpty(t *testing.T) {
	var in ir.Instr
	in.SetElseBody([]ir.Instr{})
	in.SetBrLabels(nil)
	in.SetSelectTypes([]ir.ValType{})
	in.SetV128Hi(0)
	in.SetV128Bytes([16]byte{1, 2, 3, 4, 5, 6, 7, 8})
	if in.Ext != nil {
		t.Fatalf("Ext = %+v after setting only empty values, want nil", in.Ext)
	}
	if in.Value != 0x0807060504030201 {
		t.Errorf("Value = %#x", in.Value)
	}

	in.SetV128Bytes([16]byte{8: 0xff, 15: 0x80})
	if in.Ext == nil || in.V128Hi() != 0x80000000000000ff || in.Value != 0 {
		t.Fatalf("after SetV128Bytes: Value %#x, V128Hi %#x", in.Value, in.V128Hi())
	}
	if b := in.V128Bytes(); b != ([16]byte{8: 0xff, 15: 0x80}) {
		t.Errorf("V128Bytes = %v", b)
	}
	in.SetBrLabels([]uint32{1})
	in.SetV128Hi(0)
	if in.Ext == nil || len(in.BrLabels()) != 1 {
		t.Fatalf("Ext = %+v, want labels kept", in.Ext)
	}
	in.SetBrLabels(nil)
	if in.Ext != nil {
		t.Errorf("Ext = %+v after clearing every field, want nil", in.Ext)
	}
}

// TestInstrExtCopiesIndependent checks that the setters do not write
// through an Ext that a copy of the instruction shares.
func TestInstrExtCopiesIndependent(t *testing.T) {
	var a ir.Instr
	a.SetElseBody([]ir.Instr{{Op: ir.OpNop}})
	b := a
	b.SetElseBody(nil)
	b.SetSelectTypes([]ir.ValType{ir.I32})
	if len(a.ElseBody()) != 1 || a.SelectTypes() != nil {
		t.Errorf("original changed through a copy: else %v, types %v", a.ElseBody(), a.SelectTypes())
	}
	if b.ElseBody() != nil || len(b.SelectTypes()) != 1 {
		t.Errorf("copy: else %v, types %v", b.ElseBody(), b.SelectTypes())
	}
}
