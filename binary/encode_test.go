package binary

import (
	"bytes"
	"encoding/hex"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// encodeTestHex turns "00 61 73 6d" (spaces and newlines allowed) into bytes.
func encodeTestHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

const encodeTestHeader = "00 61 73 6d 01 00 00 00"

func encodeTestMust(t *testing.T, m *ir.Module, opts EncodeOptions) []byte {
	t.Helper()
	b, err := Encode(m, opts)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return b
}

// encodeTestSections splits a module into its sections' contents by id
// (customs by name), checking the framing on the way.
func encodeTestSections(t *testing.T, b []byte) (ids []byte, contents [][]byte) {
	t.Helper()
	if !bytes.HasPrefix(b, encodeTestHex(t, encodeTestHeader)) {
		t.Fatalf("missing header: % x", b)
	}
	b = b[8:]
	for len(b) > 0 {
		id := b[0]
		size, n := encodeTestReadULEB(b[1:])
		if n < 0 || 1+n+int(size) > len(b) {
			t.Fatalf("bad section framing at % x", b)
		}
		ids = append(ids, id)
		contents = append(contents, b[1+n:1+n+int(size)])
		b = b[1+n+int(size):]
	}
	return ids, contents
}

// encodeTestBody encodes a module with one function [] -> [] (plus what
// setup adds) and returns that function's body bytes after the locals.
func encodeTestBody(t *testing.T, setup func(m *ir.Module), body ...ir.Instr) []byte {
	t.Helper()
	m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Type: 0, Body: body}}}
	if setup != nil {
		setup(m)
	}
	ids, contents := encodeTestSections(t, encodeTestMust(t, m, EncodeOptions{}))
	for i, id := range ids {
		if id != sectionCode {
			continue
		}
		c := contents[i]
		if c[0] != byte(len(m.Funcs)) {
			t.Fatalf("code section count % x", c[:1])
		}
		size, n := encodeTestReadULEB(c[1:])
		fn := c[1+n : 1+n+int(size)]
		if fn[0] != 0 {
			t.Fatalf("unexpected locals in % x", fn)
		}
		return fn[1:]
	}
	t.Fatal("no code section")
	return nil
}

func TestEncodeEmptyModule(t *testing.T) {
	got := encodeTestMust(t, &ir.Module{}, EncodeOptions{})
	if want := encodeTestHex(t, encodeTestHeader); !bytes.Equal(got, want) {
		t.Errorf("got % x, want % x", got, want)
	}
}

func TestEncodeNilModule(t *testing.T) {
	if b, err := Encode(nil, EncodeOptions{}); err == nil || b != nil {
		t.Errorf("Encode(nil) = % x, %v; want an error", b, err)
	}
}

// TestEncodeImmediateShapes checks every immediate shape's bytes (checked
// against wat2wasm --enable-threads).
func TestEncodeImmediateShapes(t *testing.T) {
	var shuffle ir.Instr
	shuffle.SetV128Bytes([16]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	v128 := shuffle
	v128.Op = ir.OpV128Const
	shuffle.Op = ir.OpI8x16Shuffle
	types := func(m *ir.Module) {
		m.Types = append(m.Types, ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{ir.I32}}), ir.FuncTypeDef(ir.FuncType{Results: []ir.ValType{ir.I64}}),
			ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}}))
	}
	nop := ir.Instr{Op: ir.OpNop}
	tests := []struct {
		name string
		in   ir.Instr
		want string
	}{
		{"none", ir.Instr{Op: ir.OpI32Add}, "6a"},
		{"block empty", ir.Instr{Op: ir.OpBlock, Body: []ir.Instr{nop}}, "02 40 01 0b"},
		{"block value", ir.Instr{Op: ir.OpBlock, Block: ir.BlockOf(ir.I32)}, "02 7f 0b"},
		{"loop index", ir.Instr{Op: ir.OpLoop, Block: ir.BlockOfIndex(1)}, "03 01 0b"},
		{"block index of [] -> [i64] uses the short form", ir.Instr{Op: ir.OpBlock, Block: ir.BlockOfIndex(2)}, "02 7e 0b"},
		{"block index of [] -> [] uses 0x40", ir.Instr{Op: ir.OpBlock, Block: ir.BlockOfIndex(0)}, "02 40 0b"},
		{"block index out of range stays an index", ir.Instr{Op: ir.OpBlock, Block: ir.BlockOfIndex(64)}, "02 c0 00 0b"},
		{"if else", ir.Instr{Op: ir.OpIf, Block: ir.BlockOfIndex(3), Body: []ir.Instr{nop}, Ext: &ir.InstrExt{Else: []ir.Instr{nop}}}, "04 03 01 05 01 0b"},
		{"if with empty else", ir.Instr{Op: ir.OpIf, Ext: &ir.InstrExt{Else: []ir.Instr{}}}, "04 40 0b"},
		{"label", ir.Instr{Op: ir.OpBrIf, Index: 300}, "0d ac 02"},
		{"br_table", ir.Instr{Op: ir.OpBrTable, Ext: &ir.InstrExt{Labels: []uint32{0, 1}}, Index: 2}, "0e 02 00 01 02"},
		{"func", ir.Instr{Op: ir.OpCall, Index: 200}, "10 c8 01"},
		{"call_indirect", ir.Instr{Op: ir.OpCallIndirect, Index: 1, Index2: 2}, "11 01 02"},
		{"local", ir.Instr{Op: ir.OpLocalTee, Index: 128}, "22 80 01"},
		{"global", ir.Instr{Op: ir.OpGlobalSet, Index: 1}, "24 01"},
		{"table", ir.Instr{Op: ir.OpTableGrow, Index: 2}, "fc 0f 02"},
		{"memory", ir.Instr{Op: ir.OpMemorySize}, "3f 00"},
		{"memarg", ir.Instr{Op: ir.OpI32Load, Mem: ir.MemArg{Align: 2, Offset: 65536}}, "28 02 80 80 04"},
		{"memarg with memory index", ir.Instr{Op: ir.OpI64Store, Mem: ir.MemArg{Align: 3, Offset: 1, Memory: 1}}, "37 43 01 01"},
		{"memarg 64-bit offset", ir.Instr{Op: ir.OpI32Load8U, Mem: ir.MemArg{Offset: 1 << 32}}, "2d 00 80 80 80 80 10"},
		{"atomic memarg", ir.Instr{Op: ir.OpI32AtomicRmwCmpxchg, Mem: ir.MemArg{Align: 2, Offset: 4}}, "fe 48 02 04"},
		{"wait64", ir.Instr{Op: ir.OpMemoryAtomicWait64, Mem: ir.MemArg{Align: 3}}, "fe 02 03 00"},
		{"notify", ir.Instr{Op: ir.OpMemoryAtomicNotify, Mem: ir.MemArg{Align: 2}}, "fe 00 02 00"},
		{"memarg lane", ir.Instr{Op: ir.OpV128Load8Lane, Mem: ir.MemArg{Offset: 1}, Lane: 15}, "fd 54 00 01 0f"},
		{"lane", ir.Instr{Op: ir.OpI8x16ExtractLaneS, Lane: 3}, "fd 15 03"},
		{"simd opcode above 0x7f", ir.Instr{Op: ir.OpF32x4Abs}, "fd e0 01"},
		{"shuffle", shuffle, "fd 0d 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"},
		{"v128", v128, "fd 0c 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"},
		{"table pair", ir.Instr{Op: ir.OpTableCopy, Index: 1, Index2: 2}, "fc 0e 01 02"},
		{"memory pair", ir.Instr{Op: ir.OpMemoryCopy}, "fc 0a 00 00"},
		{"table init", ir.Instr{Op: ir.OpTableInit, Index: 3, Index2: 1}, "fc 0c 03 01"},
		{"memory init", ir.Instr{Op: ir.OpMemoryInit, Index: 2}, "fc 08 02 00"},
		{"data", ir.Instr{Op: ir.OpDataDrop, Index: 1}, "fc 09 01"},
		{"elem", ir.Instr{Op: ir.OpElemDrop, Index: 1}, "fc 0d 01"},
		{"i32 -1", ir.Instr{Op: ir.OpI32Const, Value: 0xffffffff}, "41 7f"},
		{"i32 sign-extended bits", ir.Instr{Op: ir.OpI32Const, Value: 0xffffffffffffffff}, "41 7f"},
		{"i32 min", ir.Instr{Op: ir.OpI32Const, Value: 0x80000000}, "41 80 80 80 80 78"},
		{"i32 64", ir.Instr{Op: ir.OpI32Const, Value: 64}, "41 c0 00"},
		{"i64 min", ir.Instr{Op: ir.OpI64Const, Value: 1 << 63}, "42 80 80 80 80 80 80 80 80 80 7f"},
		{"f32", ir.Instr{Op: ir.OpF32Const, Value: 0x3f800000}, "43 00 00 80 3f"},
		{"f64", ir.Instr{Op: ir.OpF64Const, Value: 0x3ff0000000000000}, "44 00 00 00 00 00 00 f0 3f"},
		{"select", ir.Instr{Op: ir.OpSelect}, "1b"},
		{"typed select", ir.Instr{Op: ir.OpSelectTyped, Ext: &ir.InstrExt{Types: []ir.ValType{ir.I32}}}, "1c 01 7f"},
		{"typed select without types is plain select", ir.Instr{Op: ir.OpSelectTyped}, "1b"},
		{"ref type", ir.Instr{Op: ir.OpRefNull, Index: uint32(ir.HeapExtern)}, "d0 6f"},
		{"ref.func", ir.Instr{Op: ir.OpRefFunc}, "d2 00"},
		{"fence", ir.Instr{Op: ir.OpAtomicFence}, "fe 03 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := encodeTestBody(t, types, tt.in)
			want := encodeTestHex(t, tt.want+" 0b")
			if !bytes.Equal(got, want) {
				t.Errorf("got % x, want % x", got, want)
			}
		})
	}
}

// TestEncodeEveryOp encodes every opcode of the table and checks the bytes
// start with its prefix and LEB128 code: no instruction is left out.
func TestEncodeEveryOp(t *testing.T) {
	for op := ir.Op(0); op < ir.NumOps; op++ {
		if op == ir.OpElse || op == ir.OpEnd {
			continue
		}
		info := op.Info()
		in := ir.Instr{Op: op, Mem: ir.MemArg{Align: uint32(op.NaturalAlign())}, Index: uint32(ir.HeapFunc)}
		switch info.Imm {
		case ir.ImmSelect:
			in.SetSelectTypes([]ir.ValType{ir.I64})
		case ir.ImmRefType:
			in.SetRefType(ir.Ref(op == ir.OpRefTestNull || op == ir.OpRefCastNull, ir.HeapFunc))
		case ir.ImmBrOnCast:
			in.SetCastTypes(ir.AnyRef, ir.EqRef)
		}
		got := encodeTestBody(t, nil, in)
		var want []byte
		if info.Prefix != 0 {
			want = append(want, info.Prefix)
			want = appendULEB128(want, uint64(info.Code))
		} else {
			want = append(want, byte(info.Code))
		}
		if !bytes.HasPrefix(got, want) {
			t.Errorf("%s: encoded as % x, want prefix % x", info.Name, got, want)
		}
		if got[len(got)-1] != 0x0b {
			t.Errorf("%s: body % x does not end with end", info.Name, got)
		}
	}
}

func TestEncodeLocalsAreRunLengthMerged(t *testing.T) {
	m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Locals: []ir.LocalRun{
		{Count: 2, Type: ir.I32}, {Count: 0, Type: ir.F32}, {Count: 3, Type: ir.I32},
		{Count: 1, Type: ir.I64}, {Count: 1, Type: ir.V128}, {Count: 1, Type: ir.V128},
	}}}}
	got := encodeTestMust(t, m, EncodeOptions{})
	want := encodeTestHex(t, encodeTestHeader+`
		01 04 01 60 00 00  03 02 01 00
		0a 0a 01 08 03 05 7f 01 7e 02 7b 0b`)
	if !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got, want)
	}
}

func TestEncodeLimitsFlags(t *testing.T) {
	tests := []struct {
		name string
		mt   ir.MemoryType
		want string
	}{
		{"min", ir.MemoryType{Limits: ir.Limits{Min: 1}}, "00 01"},
		{"min max", ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}}, "01 01 02"},
		{"shared", ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}, Shared: true}, "03 01 02"},
		{"shared without max (invalid, still encodable)", ir.MemoryType{Limits: ir.Limits{Min: 1}, Shared: true}, "02 01"},
		{"max pages", ir.MemoryType{Limits: ir.Limits{Max: 65536, HasMax: true}, Shared: true}, "03 00 80 80 04"},
		{"memory64", ir.MemoryType{Limits: ir.Limits{Min: 1 << 40, Is64: true}}, "04 80 80 80 80 80 20"},
		{"memory64 max", ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true, Is64: true}}, "05 01 02"},
		{"memory64 shared", ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true, Is64: true}, Shared: true}, "07 01 02"},
	}
	for _, tt := range tests {
		m := &ir.Module{Memories: []ir.Memory{{Type: tt.mt}}}
		got := encodeTestMust(t, m, EncodeOptions{})
		body := encodeTestHex(t, "01 "+tt.want)
		want := append(encodeTestHex(t, encodeTestHeader+" 05"), byte(len(body)))
		want = append(want, body...)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: got % x, want % x", tt.name, got, want)
		}
		// The same memory type imported.
		m = &ir.Module{Imports: []ir.Import{{Module: "m", Name: "n", Kind: ir.ExternMemory, Memory: tt.mt}}}
		ids, contents := encodeTestSections(t, encodeTestMust(t, m, EncodeOptions{}))
		if wantImp := append(encodeTestHex(t, "01 01 6d 01 6e 02"), body[1:]...); len(ids) != 1 || !bytes.Equal(contents[0], wantImp) {
			t.Errorf("%s import: got % x, want % x", tt.name, contents, wantImp)
		}
	}
	tab := &ir.Module{Tables: []ir.Table{{Type: ir.TableType{Elem: ir.ExternRef, Limits: ir.Limits{Min: 1, Max: 200, HasMax: true}}}}}
	if got, want := encodeTestMust(t, tab, EncodeOptions{}), encodeTestHex(t, encodeTestHeader+" 04 06 01 6f 01 01 c8 01"); !bytes.Equal(got, want) {
		t.Errorf("table: got % x, want % x", got, want)
	}
}

func encodeTestRefFunc(i uint32) []ir.Instr { return []ir.Instr{{Op: ir.OpRefFunc, Index: i}} }

var encodeTestOffset = []ir.Instr{{Op: ir.OpI32Const, Value: 0}}

// TestEncodeElemForms checks that segments take wabt's canonical form
// when encoded for the 2.0 features (where the function-index form has type
// funcref).
func TestEncodeElemForms(t *testing.T) {
	refNullFunc := []ir.Instr{{Op: ir.OpRefNull, Index: uint32(ir.HeapFunc)}}
	refNullExtern := []ir.Instr{{Op: ir.OpRefNull, Index: uint32(ir.HeapExtern)}}
	tests := []struct {
		name string
		el   ir.Elem
		want string
	}{
		{"active table 0 func indices", ir.Elem{Offset: encodeTestOffset, Type: ir.FuncRef, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"00 41 00 0b 01 00"},
		{"passive func indices", ir.Elem{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"01 00 01 00"},
		{"active table 1 func indices", ir.Elem{Table: 1, Offset: encodeTestOffset, Type: ir.FuncRef, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"02 01 41 00 0b 00 01 00"},
		{"declarative func indices", ir.Elem{Mode: ir.SegmentDeclarative, Type: ir.FuncRef, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"03 00 01 00"},
		{"active table 0 expressions", ir.Elem{Offset: encodeTestOffset, Type: ir.FuncRef, Init: [][]ir.Instr{refNullFunc, encodeTestRefFunc(0)}},
			"04 41 00 0b 02 d0 70 0b d2 00 0b"},
		{"passive expressions", ir.Elem{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{refNullFunc}},
			"05 70 01 d0 70 0b"},
		{"externref on table 0 needs the explicit form", ir.Elem{Offset: encodeTestOffset, Type: ir.ExternRef, Init: [][]ir.Instr{refNullExtern}},
			"06 00 41 00 0b 6f 01 d0 6f 0b"},
		{"active table 2 expressions", ir.Elem{Table: 2, Offset: encodeTestOffset, Type: ir.ExternRef, Init: [][]ir.Instr{refNullExtern}},
			"06 02 41 00 0b 6f 01 d0 6f 0b"},
		{"declarative expressions", ir.Elem{Mode: ir.SegmentDeclarative, Type: ir.FuncRef, Init: [][]ir.Instr{refNullFunc}},
			"07 70 01 d0 70 0b"},
		{"empty active segment", ir.Elem{Offset: encodeTestOffset, Type: ir.FuncRef},
			"00 41 00 0b 00"},
		{"ref.func followed by more is an expression", ir.Elem{Mode: ir.SegmentPassive, Type: ir.FuncRef,
			Init: [][]ir.Instr{{{Op: ir.OpRefFunc}, {Op: ir.OpNop}}}}, "05 70 01 d2 00 01 0b"},
	}
	for _, tt := range tests {
		m := &ir.Module{Elems: []ir.Elem{tt.el}}
		ids, contents := encodeTestSections(t, encodeTestMust(t, m, EncodeOptions{Features: threadsOn}))
		want := encodeTestHex(t, "01 "+tt.want)
		if len(ids) != 1 || ids[0] != sectionElem || !bytes.Equal(contents[0], want) {
			t.Errorf("%s: got sections %v % x, want elem % x", tt.name, ids, contents, want)
		}
	}
}

// TestEncodeElemForms3 checks the forms with typed function references
// (the default): the function-index form is for (ref func) segments, a
// funcref segment is written as expressions even when they are all ref.func,
// so that each decodes to its type.
func TestEncodeElemForms3(t *testing.T) {
	refFunc := ir.Ref(false, ir.HeapFunc)
	tests := []struct {
		name string
		el   ir.Elem
		want string
	}{
		{"active table 0 (ref func) indices", ir.Elem{Offset: encodeTestOffset, Type: refFunc, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"00 41 00 0b 01 00"},
		{"passive (ref func) indices", ir.Elem{Mode: ir.SegmentPassive, Type: refFunc, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"01 00 01 00"},
		{"active table 1 (ref func) indices", ir.Elem{Table: 1, Offset: encodeTestOffset, Type: refFunc, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"02 01 41 00 0b 00 01 00"},
		{"active table 0 funcref ref.func", ir.Elem{Offset: encodeTestOffset, Type: ir.FuncRef, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"04 41 00 0b 01 d2 00 0b"},
		{"passive funcref ref.func", ir.Elem{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"05 70 01 d2 00 0b"},
		{"declarative funcref ref.func", ir.Elem{Mode: ir.SegmentDeclarative, Type: ir.FuncRef, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			"07 70 01 d2 00 0b"},
		{"empty funcref segment", ir.Elem{Offset: encodeTestOffset, Type: ir.FuncRef}, "04 41 00 0b 00"},
		{"empty (ref func) segment", ir.Elem{Offset: encodeTestOffset, Type: refFunc}, "00 41 00 0b 00"},
		{"(ref func) expressions on table 0", ir.Elem{Offset: encodeTestOffset, Type: refFunc, Init: [][]ir.Instr{{{Op: ir.OpGlobalGet}}}},
			"06 00 41 00 0b 64 70 01 23 00 0b"},
	}
	for _, tt := range tests {
		m := &ir.Module{Elems: []ir.Elem{tt.el}}
		wasm := encodeTestMust(t, m, EncodeOptions{})
		ids, contents := encodeTestSections(t, wasm)
		want := encodeTestHex(t, "01 "+tt.want)
		if len(ids) != 1 || ids[0] != sectionElem || !bytes.Equal(contents[0], want) {
			t.Errorf("%s: got sections %v % x, want elem % x", tt.name, ids, contents, want)
			continue
		}
		if d := decodeTestMust(t, wasm, ir.DefaultFeatures()); d.Elems[0].Type != tt.el.Type {
			t.Errorf("%s: decodes to type %s", tt.name, d.Elems[0].Type)
		}
	}
}

func TestEncodeDataSegments(t *testing.T) {
	m := &ir.Module{Datas: []ir.Data{
		{Offset: encodeTestOffset, Init: []byte("hi")},
		{Mode: ir.SegmentPassive, Init: []byte{}},
		{Memory: 1, Offset: encodeTestOffset, Init: []byte{0xff}},
	}}
	got := encodeTestMust(t, m, EncodeOptions{})
	want := encodeTestHex(t, encodeTestHeader+"0b 11 03  00 41 00 0b 02 68 69  01 00  02 01 41 00 0b 01 ff")
	if !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got, want)
	}
}

// TestEncodeDataCount checks wabt's rule: the data count section is written
// only when there are data segments and an instruction needs the count.
func TestEncodeDataCount(t *testing.T) {
	data := []ir.Data{{Mode: ir.SegmentPassive, Init: []byte("a")}}
	tests := []struct {
		name  string
		datas []ir.Data
		body  []ir.Instr
		init  []ir.Instr // a global initialiser
		want  bool
	}{
		{"no instruction", data, []ir.Instr{{Op: ir.OpNop}}, nil, false},
		{"data.drop", data, []ir.Instr{{Op: ir.OpDataDrop}}, nil, true},
		{"memory.init nested", data, []ir.Instr{{Op: ir.OpBlock, Body: []ir.Instr{{Op: ir.OpMemoryInit}}}}, nil, true},
		{"data.drop without segments", nil, []ir.Instr{{Op: ir.OpDataDrop}}, nil, false},
		{"data.drop in a global initialiser", data, nil, []ir.Instr{{Op: ir.OpDataDrop}}, true},
	}
	for _, tt := range tests {
		m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Body: tt.body}}, Datas: tt.datas,
			Customs: []ir.Custom{{Name: "after-datacount", After: sectionDataCount}}}
		if tt.init != nil {
			m.Globals = []ir.Global{{Type: ir.GlobalType{Type: ir.I32}, Init: tt.init}}
		}
		ids, contents := encodeTestSections(t, encodeTestMust(t, m, EncodeOptions{}))
		got := bytes.IndexByte(ids, sectionDataCount)
		if (got >= 0) != tt.want {
			t.Errorf("%s: sections %v, want data count = %v", tt.name, ids, tt.want)
			continue
		}
		if got >= 0 && !bytes.Equal(contents[got], []byte{1}) {
			t.Errorf("%s: data count % x", tt.name, contents[got])
		}
		// The custom section stays just before the code section either way.
		if c := bytes.IndexByte(ids, sectionCustom); ids[c+1] != sectionCode || (got >= 0 && got != c-1) {
			t.Errorf("%s: section order %v", tt.name, ids)
		}
	}
}

func TestEncodeSectionOrderAndCustoms(t *testing.T) {
	m := &ir.Module{
		Types:    ir.TypeDefs([]ir.FuncType{{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I64, ir.F32}}, {}}),
		Imports:  []ir.Import{{Module: "env", Name: "f", Kind: ir.ExternFunc, Func: 1}, {Module: "env", Name: "g", Kind: ir.ExternGlobal, Global: ir.GlobalType{Type: ir.F64, Mutable: true}}},
		Funcs:    []ir.Func{{Type: 1}},
		Tables:   []ir.Table{{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 1}}}},
		Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}, Shared: true}}},
		Globals:  []ir.Global{{Type: ir.GlobalType{Type: ir.I32}, Init: []ir.Instr{{Op: ir.OpI32Const, Value: 7}}}},
		Exports:  []ir.Export{{Name: "f", Kind: ir.ExternFunc, Index: 1}, {Name: "mem", Kind: ir.ExternMemory}},
		Start:    &ir.Start{Func: 1},
		Elems:    []ir.Elem{{Offset: encodeTestOffset, Type: ir.Ref(false, ir.HeapFunc), Init: [][]ir.Instr{encodeTestRefFunc(1)}}},
		Datas:    []ir.Data{{Offset: encodeTestOffset, Init: []byte("x")}},
		Customs: []ir.Custom{
			{Name: "first", Data: []byte{1, 2}, After: 0},
			{Name: "after-start", After: sectionStart},
			{Name: "after-table-2", After: sectionTable},
			{Name: "last", After: sectionData},
			{Name: "after-table", After: sectionTable},
		},
	}
	got := encodeTestMust(t, m, EncodeOptions{})
	want := encodeTestHex(t, encodeTestHeader+`
		00 08 05 66 69 72 73 74 01 02
		01 0a 02 60 01 7f 02 7e 7d 60 00 00
		02 12 02 03 65 6e 76 01 66 00 01 03 65 6e 76 01 67 03 7c 01
		03 02 01 01
		04 04 01 70 00 01
		00 0e 0d 61 66 74 65 72 2d 74 61 62 6c 65 2d 32
		00 0c 0b 61 66 74 65 72 2d 74 61 62 6c 65
		05 04 01 03 01 01
		06 06 01 7f 00 41 07 0b
		07 0b 02 01 66 00 01 03 6d 65 6d 02 00
		08 01 01
		00 0c 0b 61 66 74 65 72 2d 73 74 61 72 74
		09 07 01 00 41 00 0b 01 01
		0a 04 01 02 00 0b
		0b 07 01 00 41 00 0b 01 78
		00 05 04 6c 61 73 74`)
	if !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got, want)
	}
}

func TestEncodeLongBodySize(t *testing.T) {
	// 200 nops: the body size needs two LEB128 bytes, the section too.
	body := make([]ir.Instr, 200)
	for i := range body {
		body[i].Op = ir.OpNop
	}
	m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Body: body}}}
	got := encodeTestMust(t, m, EncodeOptions{})
	want := encodeTestHex(t, encodeTestHeader+"01 04 01 60 00 00 03 02 01 00 0a cd 01 01 ca 01 00")
	want = append(want, bytes.Repeat([]byte{0x01}, 200)...)
	want = append(want, 0x0b)
	if !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got[:40], want[:40])
	}
}

func TestEncodeNameSection(t *testing.T) {
	m := &ir.Module{
		Name:    "m",
		Types:   ir.TypeDefs([]ir.FuncType{{}}),
		Imports: []ir.Import{{Module: "a", Name: "b", Kind: ir.ExternFunc}},
		Funcs:   []ir.Func{{}, {}},
		Names: ir.Names{
			Funcs:    ir.NameMap{2: "g", 0: "imp", 1: ""},
			Locals:   map[uint32]ir.NameMap{1: {1: "l", 0: "p"}, 2: {}},
			Types:    ir.NameMap{0: "t"},
			Memories: ir.NameMap{0: ""},
			Datas:    ir.NameMap{0: "d"},
		},
		Customs: []ir.Custom{{Name: "name", Data: []byte{0xff}, After: sectionData}},
	}
	got := encodeTestMust(t, m, EncodeOptions{DebugNames: true})
	ids, contents := encodeTestSections(t, got)
	last := contents[len(contents)-1]
	want := encodeTestHex(t, `04 6e 61 6d 65
		00 02 01 6d
		01 09 02 00 03 69 6d 70 02 01 67
		02 0d 03 00 00 01 02 00 01 70 01 01 6c 02 00
		04 04 01 00 01 74
		09 04 01 00 01 64`)
	if ids[len(ids)-1] != sectionCustom || !bytes.Equal(last, want) {
		t.Errorf("name section\n got % x\nwant % x", last, want)
	}
	if n := bytes.Count(ids, []byte{sectionCustom}); n != 1 {
		t.Errorf("%d custom sections, want only the generated name section", n)
	}
	// Without DebugNames the verbatim custom section is kept.
	ids, contents = encodeTestSections(t, encodeTestMust(t, m, EncodeOptions{}))
	if ids[len(ids)-1] != sectionCustom || !bytes.Equal(contents[len(contents)-1], encodeTestHex(t, "04 6e 61 6d 65 ff")) {
		t.Errorf("custom name section not kept verbatim: % x", contents)
	}
}

func TestEncodeNameSectionEmpty(t *testing.T) {
	// wat2wasm --debug-names on (module (func)) writes an empty local map.
	m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{}}}
	got := encodeTestMust(t, m, EncodeOptions{DebugNames: true})
	want := encodeTestHex(t, encodeTestHeader+"01 04 01 60 00 00 03 02 01 00 0a 04 01 02 00 0b 00 0a 04 6e 61 6d 65 02 03 01 00 00")
	if !bytes.Equal(got, want) {
		t.Errorf("got  % x\nwant % x", got, want)
	}
}

// TestEncodeErrors checks that unrepresentable modules give an error and no
// bytes, never a panic or a partial module.
func TestEncodeErrors(t *testing.T) {
	fn := func(body ...ir.Instr) *ir.Module {
		return &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Body: body}}}
	}
	pos := ir.PosAt(41)
	tests := []struct {
		name string
		m    *ir.Module
		want string
	}{
		{"op out of table", fn(ir.Instr{Op: ir.NumOps, Pos: pos}), "invalid instruction"},
		{"bare end", fn(ir.Instr{Op: ir.OpEnd, Pos: pos}), "end cannot appear"},
		{"bare else nested", fn(ir.Instr{Op: ir.OpBlock, Body: []ir.Instr{{Op: ir.OpElse, Pos: pos}}}), "else cannot appear"},
		{"else on a block", fn(ir.Instr{Op: ir.OpBlock, Ext: &ir.InstrExt{Else: []ir.Instr{{Op: ir.OpNop}}}, Pos: pos}), "block has an else arm"},
		{"bad block kind", fn(ir.Instr{Op: ir.OpBlock, Block: ir.BlockType{Value: 9}, Pos: pos}), "invalid value type 0x9 in a block type"},
		{"bad block value", fn(ir.Instr{Op: ir.OpBlock, Block: ir.BlockOf(0x40), Pos: pos}), "invalid value type 0x40"},
		{"huge alignment", fn(ir.Instr{Op: ir.OpI32Load, Mem: ir.MemArg{Align: 64}, Pos: pos}), "alignment 2**64"},
		{"ref.null of a bad heap type", fn(ir.Instr{Op: ir.OpRefNull, Index: uint32(ir.HeapFunc) + 0x10, Pos: pos}), "invalid value type"},
		{"bad select type", fn(ir.Instr{Op: ir.OpSelectTyped, Ext: &ir.InstrExt{Types: []ir.ValType{0}}, Pos: pos}), "invalid value type"},
		{"bad local type", &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Locals: []ir.LocalRun{{Count: 1, Type: 0x12}}, Pos: pos}}}, "invalid value type 0x12"},
		{"bad param type", &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{Params: []ir.ValType{1}}})}, "invalid value type"},
		{"bad import kind", &ir.Module{Imports: []ir.Import{{Kind: 7, Pos: pos}}}, "invalid import kind"},
		{"bad export kind", &ir.Module{Exports: []ir.Export{{Kind: 5, Pos: pos}}}, "invalid export kind"},
		{"table of i32", &ir.Module{Tables: []ir.Table{{Type: ir.TableType{Elem: ir.I32}, Pos: pos}}}, "not a reference type"},
		{"array of two", &ir.Module{Types: []ir.TypeDef{{Kind: ir.CompArray, Fields: make([]ir.FieldType, 2), Pos: pos}}}, "array type with 2 element types"},
		{"bad composite kind", &ir.Module{Types: []ir.TypeDef{{Kind: 3, Pos: pos}}}, "invalid composite type kind"},
		{"bad field type", &ir.Module{Types: []ir.TypeDef{{Kind: ir.CompStruct, Fields: []ir.FieldType{{Type: 0x76}}, Pos: pos}}}, "invalid value type 0x76"},
		{"rec beyond types", &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Rec: []ir.RecGroup{{Start: 1, Count: 1, Pos: pos}}}, "recursion group"},
		{"rec overlap", &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}, {}}), Rec: []ir.RecGroup{{Start: 0, Count: 2}, {Start: 1, Count: 0, Pos: pos}}}, "recursion group"},
		{"bad ref type", fn(ir.Instr{Op: ir.OpRefTest, Index: uint32(ir.I32), Pos: pos}), "invalid value type"},
		{"ref.test of a nullable type", fn(ir.Instr{Op: ir.OpRefTest, Index: uint32(ir.AnyRef), Pos: pos}), "does not match the nullability"},
		{"bad catch kind", fn(func() ir.Instr {
			in := ir.Instr{Op: ir.OpTryTable, Pos: pos}
			in.SetCatches([]ir.CatchClause{{Kind: 4}})
			return in
		}()), "invalid catch clause kind"},
		{"try with handlers and delegate", fn(func() ir.Instr {
			in := ir.Instr{Op: ir.OpTry, Pos: pos}
			in.SetHandlers([]ir.Handler{{All: true}})
			in.SetDelegate(0)
			return in
		}()), "both handlers and a delegate"},
		{"bad global type", &ir.Module{Globals: []ir.Global{{Type: ir.GlobalType{Type: 3}, Pos: pos}}}, "invalid value type"},
		{"elem of i32", &ir.Module{Elems: []ir.Elem{{Type: ir.I32, Pos: pos}}}, "not a reference type"},
		{"elem mode", &ir.Module{Elems: []ir.Elem{{Type: ir.FuncRef, Mode: 5, Pos: pos}}}, "invalid element segment mode"},
		{"declarative data", &ir.Module{Datas: []ir.Data{{Mode: ir.SegmentDeclarative, Pos: pos}}}, "invalid data segment mode"},
		{"custom after unknown section", &ir.Module{Customs: []ir.Custom{{Name: "x", After: 14, Pos: pos}}}, "unknown section id 14"},
		{"bad instruction in a global", &ir.Module{Globals: []ir.Global{{Type: ir.GlobalType{Type: ir.I32}, Init: []ir.Instr{{Op: ir.OpEnd, Pos: pos}}}}}, "end cannot appear"},
	}
	for _, tt := range tests {
		b, err := Encode(tt.m, EncodeOptions{DebugNames: true})
		if err == nil || b != nil {
			t.Errorf("%s: got % x, %v; want an error", tt.name, b, err)
			continue
		}
		list, ok := err.(ir.ErrorList)
		if !ok || len(list) != 1 {
			t.Errorf("%s: error %#v, want an ir.ErrorList of one error", tt.name, err)
			continue
		}
		e := list[0]
		if !strings.Contains(e.Msg, tt.want) || !strings.HasPrefix(e.Msg, "binary: ") {
			t.Errorf("%s: error %q, want it to contain %q", tt.name, err, tt.want)
		}
		if e.Pos != pos && tt.name != "bad param type" && tt.name != "rec overlap" {
			t.Errorf("%s: error position %d, want %d", tt.name, e.Pos, pos)
		}
	}
}

func TestEncodeLargeSectionSizes(t *testing.T) {
	// A 2 MiB data segment: its section size needs a four-byte LEB128.
	init := bytes.Repeat([]byte{0xab}, 1<<21)
	m := &ir.Module{Datas: []ir.Data{{Mode: ir.SegmentPassive, Init: init}}}
	got := encodeTestMust(t, m, EncodeOptions{})
	// count 1, flags 1, length 2^21 (80 80 80 01): 1+1+4+2^21 bytes.
	want := encodeTestHex(t, encodeTestHeader+"0b 86 80 80 01 01 01 80 80 80 01")
	if !bytes.HasPrefix(got, want) || len(got) != len(want)+len(init) {
		t.Errorf("got % x... (%d bytes), want % x... (%d bytes)", got[:len(want)], len(got), want, len(want)+len(init))
	}
}

// TestEncodeDeepNesting encodes and decodes a million nested blocks,
// loops and ifs under a 64 MB stack limit: both keep open blocks on the
// heap (issue 10).
func TestEncodeDeepNesting(t *testing.T) {
	const depth = 1_000_000
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	for _, op := range []ir.Op{ir.OpBlock, ir.OpLoop, ir.OpIf} {
		body := []ir.Instr{{Op: ir.OpNop}}
		for range depth {
			in := ir.Instr{Op: op, Body: body}
			if op == ir.OpIf {
				in.SetElseBody([]ir.Instr{{Op: ir.OpNop}})
				body = []ir.Instr{{Op: ir.OpI32Const}, in}
			} else {
				body = []ir.Instr{in}
			}
		}
		got := encodeTestBody(t, nil, body...)
		perLevel := 3 // op, block type, end
		if op == ir.OpIf {
			perLevel = 7 // i32.const 0, if, block type, else, nop, end
		}
		if want := perLevel*depth + 2; len(got) != want || got[len(got)-1] != 0x0b {
			t.Fatalf("%s: got %d bytes ending % x, want %d", op, len(got), got[max(0, len(got)-4):], want)
		}
		m := decodeTestMust(t, encodeTestMust(t, &ir.Module{Types: []ir.TypeDef{ir.FuncTypeDef(ir.FuncType{})}, Funcs: []ir.Func{{Body: body}}}, EncodeOptions{}), ir.DefaultFeatures())
		d, inner := 0, m.Funcs[0].Body
		for len(inner) > 0 && inner[len(inner)-1].Op == op {
			d++
			inner = inner[len(inner)-1].Body
		}
		if d != depth || len(inner) != 1 || inner[0].Op != ir.OpNop {
			t.Errorf("%s: decoded %d levels, then %v", op, d, inner)
		}
	}
}

func TestEncodeErrorPositionInSource(t *testing.T) {
	src := ir.NewSource("f.wat", []byte("(module\n  (func (bad)))"), false)
	m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Body: []ir.Instr{{Op: ir.NumOps, Pos: ir.PosAt(17)}}}}}
	_, err := Encode(m, EncodeOptions{Source: src})
	if err == nil || !strings.HasPrefix(err.Error(), "f.wat:2:10: binary: invalid instruction") {
		t.Errorf("error %q, want it at f.wat:2:10", err)
	}
}
