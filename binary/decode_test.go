package binary

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/watt-wasm/watt/ir"
)

// Test helpers building binary modules by hand.

func decodeTestModule(sections ...[]byte) []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	for _, s := range sections {
		b = append(b, s...)
	}
	return b
}

// decodeTestSection builds a section from its id and contents.
func decodeTestSection(id byte, contents ...[]byte) []byte {
	body := bytes.Join(contents, nil)
	b := []byte{id}
	b = appendULEB128(b, uint64(len(body)))
	return append(b, body...)
}

// decodeTestCode builds a code section from function bodies given as
// locals and instruction bytes (without the final end).
func decodeTestCode(bodies ...[]byte) []byte {
	content := appendULEB128(nil, uint64(len(bodies)))
	for _, b := range bodies {
		content = appendULEB128(content, uint64(len(b)+1))
		content = append(content, b...)
		content = append(content, 0x0b)
	}
	return decodeTestSection(sectionCode, content)
}

// decodeTestFunc is a module with one function of type [] -> [] and the
// given body (locals included, final end excluded).
func decodeTestFunc(body ...byte) []byte {
	return decodeTestModule(
		decodeTestSection(sectionType, []byte{1, 0x60, 0, 0}),
		decodeTestSection(sectionFunction, []byte{1, 0}),
		decodeTestSection(sectionMemory, []byte{1, 0, 1}),
		decodeTestCode(body),
	)
}

var threadsOn = ir.Wasm2Features().With(ir.FeatureThreads, true)

func decodeTestMust(t *testing.T, wasm []byte, features ir.Features) *ir.Module {
	t.Helper()
	m, err := Decode(ir.NewSource("t.wasm", wasm, true), features)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return m
}

// decodeTestError decodes wasm, which must fail, and returns the error.
func decodeTestError(t *testing.T, wasm []byte, features ir.Features) *ir.Error {
	t.Helper()
	m, err := Decode(ir.NewSource("t.wasm", wasm, true), features)
	if err == nil {
		t.Fatalf("Decode succeeded (%+v), want an error", m)
	}
	var e *ir.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not an *ir.Error", err)
	}
	if m != nil {
		t.Errorf("Decode returned a module with its error")
	}
	return e
}

var ignorePos = cmpopts.IgnoreTypes(ir.Pos(0))

func TestDecodeInstructionTree(t *testing.T) {
	body := []byte{
		0x00,       // no locals
		0x02, 0x40, // block
		0x03, 0x7f, // loop (result i32)
		0x41, 0x7f, // i32.const -1
		0x0c, 0x00, // br 0
		0x0b,       // end loop
		0x04, 0x40, // if
		0x01,                         // nop
		0x05,                         // else
		0x0e, 0x02, 0x00, 0x01, 0x00, // br_table 0 1 0
		0x0b,       // end if
		0x04, 0x00, // if (type 0)
		0x0b,                                                             // end if
		0x0b,                                                             // end block
		0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f, // i64.const min
		0x43, 0x00, 0x00, 0x80, 0x3f, // f32.const 1
		0xfe, 0x03, 0x00, // atomic.fence
		0xfe, 0x10, 0x02, 0x08, // i32.atomic.load align=4 offset=8
		0x3f, 0x00, // memory.size
	}
	m := decodeTestMust(t, decodeTestFunc(body...), threadsOn)
	want := []ir.Instr{
		{Op: ir.OpBlock, Body: []ir.Instr{
			{Op: ir.OpLoop, Block: ir.BlockOf(ir.I32), Body: []ir.Instr{
				{Op: ir.OpI32Const, Value: 0xffffffff},
				{Op: ir.OpBr},
			}},
			{Op: ir.OpIf, Body: []ir.Instr{{Op: ir.OpNop}}, Ext: &ir.InstrExt{Else: []ir.Instr{
				{Op: ir.OpBrTable, Ext: &ir.InstrExt{Labels: []uint32{0, 1}}},
			}}},
			{Op: ir.OpIf, Block: ir.BlockOfIndex(0)},
		}},
		{Op: ir.OpI64Const, Value: 1 << 63},
		{Op: ir.OpF32Const, Value: 0x3f800000},
		{Op: ir.OpAtomicFence},
		{Op: ir.OpI32AtomicLoad, Mem: ir.MemArg{Align: 2, Offset: 8}},
		{Op: ir.OpMemorySize},
	}
	if diff := cmp.Diff(want, m.Funcs[0].Body, ignorePos); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	// Positions are the opcodes' byte offsets.
	code := bytes.Index(decodeTestFunc(body...), body)
	if got, want := m.Funcs[0].Body[0].Body[0].Pos, ir.PosAt(code+3); got != want {
		t.Errorf("loop at %v, want %v", got, want)
	}
}

func TestDecodeLocalsNormalized(t *testing.T) {
	// 2 i32, 0 f32, 3 i32, 1 i64: the empty run goes and the i32 runs merge.
	m := decodeTestMust(t, decodeTestFunc(4, 2, 0x7f, 0, 0x7d, 3, 0x7f, 1, 0x7e), threadsOn)
	want := []ir.LocalRun{{Count: 5, Type: ir.I32}, {Count: 1, Type: ir.I64}}
	if diff := cmp.Diff(want, m.Funcs[0].Locals); diff != "" {
		t.Errorf("locals (-want +got):\n%s", diff)
	}
	// 2^31 + 2^31 locals are too many.
	e := decodeTestError(t, decodeTestFunc(2, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f), threadsOn)
	if !strings.HasPrefix(e.Msg, "too many locals") {
		t.Errorf("error %q, want too many locals", e.Msg)
	}
}

func TestDecodeElemForms(t *testing.T) {
	ref := func(i uint32) []ir.Instr { return []ir.Instr{{Op: ir.OpRefFunc, Index: i}} }
	offset := []ir.Instr{{Op: ir.OpI32Const, Value: 1}}
	tests := []struct {
		name  string
		bytes []byte
		want  ir.Elem
	}{
		{"0 active func indices", []byte{0, 0x41, 1, 0x0b, 1, 0},
			ir.Elem{Mode: ir.SegmentActive, Offset: offset, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}}},
		{"1 passive func indices", []byte{1, 0, 2, 0, 0},
			ir.Elem{Mode: ir.SegmentPassive, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0), ref(0)}}},
		{"2 active table func indices", []byte{2, 1, 0x41, 1, 0x0b, 0, 1, 0},
			ir.Elem{Mode: ir.SegmentActive, Table: 1, Offset: offset, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}}},
		{"3 declarative func indices", []byte{3, 0, 1, 0},
			ir.Elem{Mode: ir.SegmentDeclarative, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}}},
		{"4 active exprs", []byte{4, 0x41, 1, 0x0b, 1, 0xd2, 0, 0x0b},
			ir.Elem{Mode: ir.SegmentActive, Offset: offset, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}}},
		{"5 passive exprs", []byte{5, 0x6f, 1, 0xd0, 0x6f, 0x0b},
			ir.Elem{Mode: ir.SegmentPassive, Type: ir.ExternRef, Init: [][]ir.Instr{{{Op: ir.OpRefNull, Index: uint32(ir.HeapExtern)}}}}},
		{"6 active table exprs", []byte{6, 1, 0x41, 1, 0x0b, 0x70, 0},
			ir.Elem{Mode: ir.SegmentActive, Table: 1, Offset: offset, Type: ir.FuncRef}},
		{"7 declarative exprs", []byte{7, 0x70, 1, 0xd2, 0, 0x0b},
			ir.Elem{Mode: ir.SegmentDeclarative, Type: ir.FuncRef, Init: [][]ir.Instr{ref(0)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decodeTestMust(t, decodeTestModule(decodeTestSection(sectionElem, append([]byte{1}, tt.bytes...))), threadsOn)
			if diff := cmp.Diff([]ir.Elem{tt.want}, m.Elems, ignorePos); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	e := decodeTestError(t, decodeTestModule(decodeTestSection(sectionElem, []byte{1, 8})), threadsOn)
	if !strings.HasPrefix(e.Msg, "malformed elements segment kind") {
		t.Errorf("kind 8: %q", e.Msg)
	}
	e = decodeTestError(t, decodeTestModule(decodeTestSection(sectionElem, []byte{1, 1, 1, 0})), threadsOn)
	if !strings.HasPrefix(e.Msg, "malformed element kind") {
		t.Errorf("element kind 1: %q", e.Msg)
	}
}

func TestDecodeMemoryLimits(t *testing.T) {
	mem := func(b ...byte) []byte {
		return decodeTestModule(decodeTestSection(sectionMemory, append([]byte{1}, b...)))
	}
	m := decodeTestMust(t, mem(0x03, 1, 2), threadsOn)
	want := ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true}, Shared: true}
	if diff := cmp.Diff(want, m.Memories[0].Type); diff != "" {
		t.Errorf("shared memory (-want +got):\n%s", diff)
	}
	// Without threads a shared memory is rejected, naming the flag.
	e := decodeTestError(t, mem(0x03, 1, 2), ir.Wasm2Features())
	if !strings.HasPrefix(e.Msg, "malformed limits flags") || !strings.Contains(e.Msg, "--enable-threads") {
		t.Errorf("shared without threads: %q", e.Msg)
	}
	if got := e.Error(); got != "t.wasm:0xb: "+e.Msg {
		t.Errorf("error text %q: want the flags' offset 0xb", got)
	}
	// memory64 only with its feature.
	m = decodeTestMust(t, mem(0x05, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), ir.Wasm2Features().With(ir.FeatureMemory64, true))
	want = ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1 << 35, HasMax: true, Is64: true}}
	if diff := cmp.Diff(want, m.Memories[0].Type); diff != "" {
		t.Errorf("memory64 (-want +got):\n%s", diff)
	}
	if e := decodeTestError(t, mem(0x04, 1), threadsOn); !strings.HasPrefix(e.Msg, "malformed limits flags") {
		t.Errorf("memory64 flag without memory64: %q", e.Msg)
	}
}

func TestDecodeFeatureGates(t *testing.T) {
	tests := []struct {
		name     string
		body     []byte
		features ir.Features
		flag     string
	}{
		{"atomic.fence", []byte{0, 0xfe, 0x03, 0x00}, ir.Wasm2Features(), "--enable-threads"},
		{"i32.atomic.load", []byte{0, 0x41, 0, 0xfe, 0x10, 2, 0, 0x1a}, ir.Wasm2Features(), "--enable-threads"},
		{"v128.const", append([]byte{0, 0xfd, 0x0c}, make([]byte, 16)...), ir.Wasm2Features().With(ir.FeatureSIMD, false), "--enable-simd"},
		{"v128 local", []byte{1, 1, 0x7b}, ir.Wasm2Features().With(ir.FeatureSIMD, false), "--enable-simd"},
		{"return_call", []byte{0, 0x12, 0}, ir.Wasm2Features(), "--enable-tail-call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decodeTestError(t, decodeTestFunc(tt.body...), tt.features)
			if !strings.Contains(e.Msg, tt.flag) {
				t.Errorf("error %q does not name %s", e.Msg, tt.flag)
			}
			// With every feature on, the same bytes decode.
			decodeTestMust(t, decodeTestFunc(tt.body...), ir.AllFeaturesOn())
		})
	}
}

// TestDecodeElemWithoutReferenceTypes: element segments of function
// indices, in the MVP form or as ref.func expressions, need no reference
// types; ref.null items and declarative segments do (issue 10).
func TestDecodeElemWithoutReferenceTypes(t *testing.T) {
	noRefs := ir.DefaultFeatures().With(ir.FeatureReferenceTypes, false)
	module := func(elem ...byte) []byte {
		return decodeTestModule(
			decodeTestSection(sectionType, []byte{1, 0x60, 0, 0}),
			decodeTestSection(sectionFunction, []byte{1, 0}),
			decodeTestSection(sectionTable, []byte{1, 0x70, 0, 1}),
			decodeTestSection(sectionElem, append([]byte{1}, elem...)),
			decodeTestCode([]byte{0}),
		)
	}
	for name, elem := range map[string][]byte{
		"function indices": {0, 0x41, 0, 0x0b, 1, 0},
		"ref.func items":   {4, 0x41, 0, 0x0b, 1, 0xd2, 0, 0x0b},
		"passive ref.func": {5, 0x70, 1, 0xd2, 0, 0x0b},
	} {
		m := decodeTestMust(t, module(elem...), noRefs)
		if init := m.Elems[0].Init; len(init) != 1 || init[0][0].Op != ir.OpRefFunc {
			t.Errorf("%s: items %v", name, init)
		}
	}
	for name, elem := range map[string][]byte{
		"ref.null item": {4, 0x41, 0, 0x0b, 1, 0xd0, 0x70, 0x0b},
		"declarative":   {3, 0, 1, 0},
	} {
		if e := decodeTestError(t, module(elem...), noRefs); !strings.Contains(e.Msg, "--enable-reference-types") {
			t.Errorf("%s: error %q does not name --enable-reference-types", name, e.Msg)
		}
		decodeTestMust(t, module(elem...), ir.DefaultFeatures())
	}
}

func TestDecodeReservedBytes(t *testing.T) {
	// Without multi-memory, memory.size's index is one zero byte: 0x80 0x00
	// is not zero. With multi-memory it is a LEB128 index.
	body := []byte{0, 0x3f, 0x80, 0x00, 0x1a}
	if e := decodeTestError(t, decodeTestFunc(body...), threadsOn); !strings.HasPrefix(e.Msg, "zero byte expected") {
		t.Errorf("memory.size 0x80 0x00: %q", e.Msg)
	}
	m := decodeTestMust(t, decodeTestFunc(body...), threadsOn.With(ir.FeatureMultiMemory, true))
	if in := m.Funcs[0].Body[0]; in.Op != ir.OpMemorySize || in.Index != 0 {
		t.Errorf("multi-memory memory.size: %+v", in)
	}
	if e := decodeTestError(t, decodeTestFunc(0, 0xfe, 0x03, 0x01), threadsOn); !strings.HasPrefix(e.Msg, "zero byte expected") {
		t.Errorf("atomic.fence 1: %q", e.Msg)
	}
	// call_indirect's table index is a reserved byte before reference types.
	callIndirect := []byte{0, 0x41, 0, 0x11, 0, 0x01}
	noRefs := threadsOn.With(ir.FeatureReferenceTypes, false)
	if e := decodeTestError(t, decodeTestFunc(callIndirect...), noRefs); !strings.HasPrefix(e.Msg, "zero byte expected") {
		t.Errorf("call_indirect table 1 without reference types: %q", e.Msg)
	}
	if in := decodeTestMust(t, decodeTestFunc(callIndirect...), threadsOn).Funcs[0].Body[1]; in.Index2 != 1 {
		t.Errorf("call_indirect table index %d, want 1", in.Index2)
	}
}

func TestDecodeBlockTypes(t *testing.T) {
	// A negative s33 that is no value type is malformed.
	if e := decodeTestError(t, decodeTestFunc(0, 0x02, 0x80, 0x7f, 0x0b), threadsOn); !strings.HasPrefix(e.Msg, "malformed block type") {
		t.Errorf("block type -128: %q", e.Msg)
	}
	// A type index needs multi-value.
	e := decodeTestError(t, decodeTestFunc(0, 0x02, 0x00, 0x0b), threadsOn.With(ir.FeatureMultiValue, false))
	if !strings.Contains(e.Msg, "--enable-multi-value") {
		t.Errorf("block type index without multi-value: %q", e.Msg)
	}
	// Type indices may be written in more than one byte.
	m := decodeTestMust(t, decodeTestFunc(0, 0x02, 0x80, 0x00, 0x0b), threadsOn)
	if bt := m.Funcs[0].Body[0].Block; bt != ir.BlockOfIndex(0) {
		t.Errorf("block type 0x80 0x00: %+v", bt)
	}
}

func TestDecodeNilSource(t *testing.T) {
	if m, err := Decode(nil, threadsOn); err == nil || m != nil {
		t.Errorf("Decode(nil) = %v, %v; want an error", m, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	typ := decodeTestSection(sectionType, []byte{1, 0x60, 0, 0})
	fn := decodeTestSection(sectionFunction, []byte{1, 0})
	tests := []struct {
		name string
		wasm []byte
		want string
		off  int // expected error offset, -1 to skip
	}{
		{"empty", nil, "unexpected end", 0},
		{"bad magic", []byte("\x00asn\x01\x00\x00\x00"), "magic header not detected", 0},
		{"bad version", []byte("\x00asm\x02\x00\x00\x00"), "unknown binary version", 4},
		{"section id", decodeTestModule([]byte{13, 0}), "malformed section id", 8},
		{"order", decodeTestModule(fn, typ), "unexpected content after last section", 12},
		{"duplicate", decodeTestModule(typ, typ), "unexpected content after last section", 14},
		{"size mismatch", decodeTestModule([]byte{sectionType, 5, 1, 0x60, 0, 0, 0}), "section size mismatch", 10},
		{"section too long", decodeTestModule([]byte{sectionType, 9, 1, 0x60, 0, 0}), "length out of bounds", 9},
		{"hostile count", decodeTestModule([]byte{sectionType, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}), "length out of bounds", 10},
		{"u32 too long", decodeTestModule([]byte{sectionType, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0}), "integer representation too long", 15},
		{"u32 too large", decodeTestModule([]byte{sectionType, 6, 0x80, 0x80, 0x80, 0x80, 0x10, 0}), "integer too large", 14},
		{"function without code", decodeTestModule(typ, fn), "function and code section have inconsistent lengths", -1},
		{"code without function", decodeTestModule(typ, decodeTestCode([]byte{0})), "function and code section have inconsistent lengths", -1},
		{"import kind", decodeTestModule(decodeTestSection(sectionImport, []byte{1, 0, 0, 4})), "malformed import kind", 13},
		{"export kind", decodeTestModule(decodeTestSection(sectionExport, []byte{1, 0, 4, 0})), "malformed export kind", 12},
		{"mutability", decodeTestModule(decodeTestSection(sectionGlobal, []byte{1, 0x7f, 2})), "malformed mutability", 12},
		{"value type", decodeTestModule(decodeTestSection(sectionGlobal, []byte{1, 0x40, 0})), "malformed value type", 11},
		{"table ref type", decodeTestModule(decodeTestSection(sectionTable, []byte{1, 0x7f, 0, 0})), "malformed reference type", 11},
		{"shared table", decodeTestModule(decodeTestSection(sectionTable, []byte{1, 0x70, 3, 0, 1})), "tables cannot be shared", 12},
		{"name utf8", decodeTestModule(decodeTestSection(sectionCustom, []byte{1, 0xff})), "malformed UTF-8 encoding", 10},
		{"illegal opcode", decodeTestFunc(0, 0x06), "illegal opcode", -1},
		{"illegal prefixed opcode", decodeTestFunc(0, 0xfe, 0x7f), "illegal opcode", -1},
		{"ref.null type", decodeTestFunc(0, 0xd0, 0x7f, 0x1a), "malformed heap type", -1},
		{"memop flags", decodeTestFunc(0, 0x41, 0, 0x28, 33, 0, 0x1a), "malformed memop flags", -1},
		{"misplaced else", decodeTestFunc(0, 0x05), "END opcode expected", -1},
		{"missing end", decodeTestModule(typ, fn, []byte{sectionCode, 3, 1, 1, 0}), "unexpected end", -1},
		{"data count required", decodeTestModule(typ, fn, decodeTestCode([]byte{0, 0xfc, 0x09, 0})), "data count section required", -1},
		{"data count mismatch", decodeTestModule(decodeTestSection(sectionDataCount, []byte{1})), "data count and data section have inconsistent lengths", -1},
		{"data kind", decodeTestModule(decodeTestSection(sectionData, []byte{1, 3})), "malformed data segment kind", 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decodeTestError(t, tt.wasm, threadsOn)
			if !strings.HasPrefix(e.Msg, tt.want) {
				t.Errorf("error %q, want %q", e.Msg, tt.want)
			}
			if e.Kind != ir.Malformed {
				t.Errorf("kind %v, want malformed", e.Kind)
			}
			if tt.off >= 0 && e.Pos != ir.PosAt(tt.off) {
				t.Errorf("error at %#x, want %#x", e.Pos.Offset(), tt.off)
			}
		})
	}
}

// TestDecodeHostileNesting decodes a function of 131072 nested blocks:
// the explicit stack keeps it from exhausting the goroutine stack.
func TestDecodeHostileNesting(t *testing.T) {
	const depth = 1 << 17
	body := []byte{0}
	body = append(body, bytes.Repeat([]byte{0x02, 0x40}, depth)...)
	body = append(body, bytes.Repeat([]byte{0x0b}, depth-1)...) // one end short: the function's end closes the last block
	m, err := Decode(ir.NewSource("deep.wasm", decodeTestFunc(body...), true), threadsOn)
	if err == nil {
		t.Fatalf("decoded with the function's end missing: %d instructions", len(m.Funcs[0].Body))
	}
	body = append(body, 0x0b)
	m = decodeTestMust(t, decodeTestFunc(body...), threadsOn)
	n := 0
	for in := m.Funcs[0].Body; len(in) == 1; in = in[0].Body {
		n++
	}
	if n != depth {
		t.Errorf("nesting depth %d, want %d", n, depth)
	}
}

func TestDecodeNameSection(t *testing.T) {
	names := []byte{4, 'n', 'a', 'm', 'e',
		0, 2, 1, 'm', // module name
		1, 4, 1, 0, 1, 'f', // function 0 is "f"
		2, 6, 1, 0, 1, 0, 1, 'x', // local 0 of function 0 is "x"
		7, 4, 1, 0, 1, 'g', // global 0 is "g"
	}
	m := decodeTestMust(t, decodeTestModule(decodeTestSection(sectionCustom, names)), threadsOn)
	want := ir.Names{
		Funcs:   ir.NameMap{0: "f"},
		Locals:  map[uint32]ir.NameMap{0: {0: "x"}},
		Globals: ir.NameMap{0: "g"},
	}
	if diff := cmp.Diff(want, m.Names); diff != "" || m.Name != "m" || len(m.Customs) != 0 {
		t.Errorf("names (-want +got):\n%s\nmodule name %q, customs %v", diff, m.Name, m.Customs)
	}
	// A second name section is kept as a custom section.
	m = decodeTestMust(t, decodeTestModule(decodeTestSection(sectionCustom, names), decodeTestSection(sectionCustom, names)), threadsOn)
	if m.Names.Funcs[0] != "f" || len(m.Customs) != 1 || m.Customs[0].Name != "name" {
		t.Errorf("two name sections: names %+v, customs %v", m.Names, m.Customs)
	}
	// A malformed name section is not an error: it is kept as it is.
	bad := append(append([]byte(nil), names...), 1, 9) // truncated subsection
	m = decodeTestMust(t, decodeTestModule(decodeTestSection(sectionCustom, bad)), threadsOn)
	if m.Name != "" || m.Names.Funcs != nil || len(m.Customs) != 1 || m.Customs[0].Name != "name" {
		t.Errorf("malformed name section: name %q, names %+v, customs %v", m.Name, m.Names, m.Customs)
	}
}

func TestDecodeCustomAfter(t *testing.T) {
	custom := func(name string) []byte {
		return decodeTestSection(sectionCustom, append([]byte{byte(len(name))}, name...), []byte("data"))
	}
	m := decodeTestMust(t, decodeTestModule(
		custom("a"),
		decodeTestSection(sectionType, []byte{0}),
		custom("b"),
		decodeTestSection(sectionDataCount, []byte{0}),
		custom("c"),
	), threadsOn)
	want := []ir.Custom{
		{Name: "a", Data: []byte("data"), After: 0},
		{Name: "b", Data: []byte("data"), After: sectionType},
		{Name: "c", Data: []byte("data"), After: sectionDataCount},
	}
	if diff := cmp.Diff(want, m.Customs, ignorePos); diff != "" {
		t.Errorf("customs (-want +got):\n%s", diff)
	}
}

// TestDecodeEveryOp encodes one instruction of every opcode in the table
// and decodes it back: no opcode is left out of the decoder.
func TestDecodeEveryOp(t *testing.T) {
	if !encoderWorks() {
		t.Skip("binary.Encode is not implemented yet")
	}
	for op := ir.Op(0); op < ir.NumOps; op++ {
		in := ir.Instr{Op: op}
		switch op {
		case ir.OpElse, ir.OpEnd:
			continue // structure, not instructions of their own
		case ir.OpCatch, ir.OpCatchAll, ir.OpDelegate:
			// Arms of a legacy try: a try with that arm.
			in = ir.Instr{Op: ir.OpTry, Body: []ir.Instr{{Op: ir.OpNop}}}
			switch op {
			case ir.OpCatch:
				in.SetHandlers([]ir.Handler{{Tag: 1, Body: []ir.Instr{{Op: ir.OpDrop}}}})
			case ir.OpCatchAll:
				in.SetHandlers([]ir.Handler{{Tag: 0, Body: []ir.Instr{{Op: ir.OpNop}}}, {All: true}})
			default:
				in.SetDelegate(2)
			}
		case ir.OpIf:
			in.Body = []ir.Instr{{Op: ir.OpNop}}
			in.SetElseBody([]ir.Instr{{Op: ir.OpUnreachable}})
		case ir.OpTryTable:
			in.SetCatches([]ir.CatchClause{{Kind: ir.Catch, Tag: 1, Label: 2}, {Kind: ir.CatchAllRef, Label: 3}})
			in.Block = ir.BlockOf(ir.Ref(false, ir.HeapIndex(0)))
		}
		switch op.Info().Imm {
		case ir.ImmHeapType:
			in.SetHeapType(ir.HeapFunc)
		case ir.ImmRefType:
			in.SetRefType(ir.Ref(op == ir.OpRefTestNull || op == ir.OpRefCastNull, ir.HeapAny))
		case ir.ImmBrOnCast:
			in.SetCastTypes(ir.AnyRef, ir.Ref(false, ir.HeapEq))
		case ir.ImmSelect:
			in.SetSelectTypes([]ir.ValType{ir.I32})
		}
		m := &ir.Module{
			Types: ir.TypeDefs([]ir.FuncType{{}}),
			Funcs: []ir.Func{{Body: []ir.Instr{in}}},
			Datas: []ir.Data{{Mode: ir.SegmentPassive}}, // memory.init and data.drop need the data count
		}
		wasm, err := Encode(m, EncodeOptions{})
		if err != nil {
			t.Errorf("%s: encode: %v", op, err)
			continue
		}
		got, err := Decode(ir.NewSource(op.String()+".wasm", wasm, true), ir.AllFeaturesOn())
		if err != nil {
			t.Errorf("%s: %v", op, err)
			continue
		}
		if diff := cmp.Diff(m.Funcs[0].Body, got.Funcs[0].Body, ignorePos); diff != "" {
			t.Errorf("%s (-want +got):\n%s", op, diff)
		}
	}
}

// TestDecodeFixtures decodes the repository's C programs compiled by clang
// (not wabt, so their bytes are not canonical): decoding, encoding and
// decoding again must give the same IR.
func TestDecodeFixtures(t *testing.T) {
	for _, name := range []string{"atomics.wasm", "tables.wasm"} {
		wasm := readTestdata(t, "c", name)
		m := decodeTestMust(t, wasm, threadsOn)
		if len(m.Funcs) == 0 {
			t.Errorf("%s: no functions", name)
		}
		if !encoderWorks() {
			continue
		}
		out, err := Encode(m, EncodeOptions{DebugNames: !namesEmpty(&m.Names), Features: threadsOn})
		if err != nil {
			t.Errorf("%s: encode: %v", name, err)
			continue
		}
		m2 := decodeTestMust(t, out, threadsOn)
		clearCustomAfter(m)
		clearCustomAfter(m2)
		if diff := diffModules(m, m2); diff != "" {
			t.Errorf("%s: IR changed by encode and decode:\n%s", name, diff)
		}
	}
}

func readTestdata(t *testing.T, elem ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeHostileCounts gives counts of about four billion in tiny
// files: each must fail at once, without allocating for the count.
func TestDecodeHostileCounts(t *testing.T) {
	huge := []byte{0xff, 0xff, 0xff, 0xff, 0x0f}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := map[string][]byte{
		"types":     decodeTestModule(decodeTestSection(sectionType, huge)),
		"functions": decodeTestModule(decodeTestSection(sectionFunction, huge)),
		"imports":   decodeTestModule(decodeTestSection(sectionImport, huge)),
		"elements":  decodeTestModule(decodeTestSection(sectionElem, cat([]byte{1, 1, 0}, huge))),
		"data":      decodeTestModule(decodeTestSection(sectionData, cat([]byte{1, 1}, huge))),
		"locals":    decodeTestFunc(cat(huge, []byte{0x7f})...),
		"br_table":  decodeTestFunc(cat([]byte{0, 0x0e}, huge)...),
		"select":    decodeTestFunc(cat([]byte{0, 0x1c}, huge)...),
		"name":      decodeTestModule(decodeTestSection(sectionCustom, huge)),
	}
	for name, wasm := range tests {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		e := decodeTestError(t, wasm, threadsOn)
		runtime.ReadMemStats(&after)
		if !strings.HasPrefix(e.Msg, "length out of bounds") {
			t.Errorf("%s: %q, want length out of bounds", name, e.Msg)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: %d bytes allocated for a %d-byte input", name, n, len(wasm))
		}
	}
}
