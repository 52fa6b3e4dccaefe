package binary

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/watt-wasm/watt/ir"
)

// Tests of the WebAssembly 3.0 constructs: each module is encoded to the
// bytes the spec's encoder (and wasm-tools) write, and decoding those bytes
// with the 3.0 features gives the module back.

var (
	refFunc     = ir.Ref(false, ir.HeapFunc)
	refNull0    = ir.Ref(true, ir.HeapIndex(0))
	ref0        = ir.Ref(false, ir.HeapIndex(0))
	wasm3       = ir.DefaultFeatures()
	wasm3Legacy = ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true)
)

func TestEncodeDecodeWasm3(t *testing.T) {
	funcType := ir.TypeDefs([]ir.FuncType{{}})
	tests := []struct {
		name string
		m    *ir.Module
		want string // the sections after the header
	}{
		{"struct and array in a rec group", &ir.Module{
			Types: []ir.TypeDef{
				{Kind: ir.CompStruct, Fields: []ir.FieldType{{Type: ir.I32, Mutable: true}, {Type: ir.I8}, {Type: refNull0}}},
				{Kind: ir.CompArray, Fields: []ir.FieldType{{Type: ir.I16, Mutable: true}}},
			},
			Rec: []ir.RecGroup{{Start: 0, Count: 2}},
		}, "01 0f 01 4e 02 5f 03 7f 01 78 00 63 00 00 5e 77 01"},
		{"rec groups of one and none stay", &ir.Module{
			Types: funcType,
			Rec:   []ir.RecGroup{{Start: 0, Count: 0}, {Start: 0, Count: 1}, {Start: 1, Count: 0}},
		}, "01 0a 03 4e 00 4e 01 60 00 00 4e 00"},
		{"only an empty rec group", &ir.Module{Rec: []ir.RecGroup{{}}}, "01 03 01 4e 00"},
		{"sub types", &ir.Module{
			Types: []ir.TypeDef{
				{Kind: ir.CompFunc, Open: true},
				{Kind: ir.CompFunc, Supers: []uint32{0}},
				{Kind: ir.CompFunc, Open: true, Supers: []uint32{0}},
				{Kind: ir.CompFunc}, // sub final without supertypes: plain
			},
		}, "01 15 04 50 00 60 00 00 4f 01 00 60 00 00 50 01 00 60 00 00 60 00 00"},
		{"reference value types", &ir.Module{
			Types: []ir.TypeDef{{Kind: ir.CompFunc, FuncType: ir.FuncType{
				Params:  []ir.ValType{ir.AnyRef, refFunc, refNull0, ref0, ir.ExnRef, ir.NullRef, ir.Ref(false, ir.HeapNoExn)},
				Results: []ir.ValType{ir.I31Ref},
			}}},
		}, "01 10 01 60 07 6e 64 70 63 00 64 00 69 71 64 74 01 6c"},
		{"tags", &ir.Module{
			Types:    funcType,
			Imports:  []ir.Import{{Module: "m", Name: "t", Kind: ir.ExternTag, Tag: 0}},
			Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1}}}},
			Tags:     []ir.Tag{{Type: 0}},
			Globals:  []ir.Global{{Type: ir.GlobalType{Type: ir.I32}, Init: []ir.Instr{{Op: ir.OpI32Const}}}},
			Exports:  []ir.Export{{Name: "e", Kind: ir.ExternTag, Index: 1}},
		}, "01 04 01 60 00 00 02 08 01 01 6d 01 74 04 00 00 05 03 01 00 01 0d 03 01 00 00 06 06 01 7f 00 41 00 0b 07 05 01 01 65 04 01"},
		{"table initializer and table64", &ir.Module{
			Types: funcType,
			Funcs: []ir.Func{{}},
			Tables: []ir.Table{
				{Type: ir.TableType{Elem: refFunc, Limits: ir.Limits{Min: 1}}, Init: []ir.Instr{{Op: ir.OpRefFunc}}},
				{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 2, Max: 1 << 33, HasMax: true, Is64: true}}},
				{Type: ir.TableType{Elem: ir.ExternRef, Limits: ir.Limits{Min: 1}}, Init: []ir.Instr{{Op: ir.OpRefNull, Index: uint32(ir.HeapExtern)}}},
			},
		}, "01 04 01 60 00 00 03 02 01 00 04 1a 03 40 00 64 70 00 01 d2 00 0b 70 05 02 80 80 80 80 20 40 00 6f 00 01 d0 6f 0b 0a 04 01 02 00 0b"},
		{"u64 limits of a 32-bit memory, memory64", &ir.Module{
			Memories: []ir.Memory{
				{Type: ir.MemoryType{Limits: ir.Limits{Min: 1 << 32}}},
				{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1 << 48, HasMax: true, Is64: true}}},
				{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true, Is64: true}, Shared: true}},
			},
		}, "05 13 03 00 80 80 80 80 10 05 01 80 80 80 80 80 80 40 07 01 02"},
		{"element segments", &ir.Module{
			Types:  funcType,
			Funcs:  []ir.Func{{}},
			Tables: []ir.Table{{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 1}}}},
			Elems: []ir.Elem{
				// (ref func) indices, active in table 0: the short form.
				{Mode: ir.SegmentActive, Offset: []ir.Instr{{Op: ir.OpI32Const}}, Type: refFunc, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
				// funcref expressions with a null, active in table 0: flags 4.
				{Mode: ir.SegmentActive, Offset: []ir.Instr{{Op: ir.OpI32Const}}, Type: ir.FuncRef,
					Init: [][]ir.Instr{{{Op: ir.OpRefNull, Index: uint32(ir.HeapFunc)}}}},
				// (ref func) expressions that are not all ref.func: flags 6 with table 0.
				{Mode: ir.SegmentActive, Offset: []ir.Instr{{Op: ir.OpI32Const}}, Type: refFunc,
					Init: [][]ir.Instr{{{Op: ir.OpGlobalGet}}}},
				// A concrete type, passive: flags 5.
				{Mode: ir.SegmentPassive, Type: refNull0, Init: [][]ir.Instr{{{Op: ir.OpRefNull, Index: 0}}}},
				// (ref func) indices, declarative.
				{Mode: ir.SegmentDeclarative, Type: refFunc, Init: [][]ir.Instr{encodeTestRefFunc(0)}},
			},
		}, "01 04 01 60 00 00 03 02 01 00 04 04 01 70 00 01 " +
			"09 25 05 00 41 00 0b 01 00 04 41 00 0b 01 d0 70 0b 06 00 41 00 0b 64 70 01 23 00 0b 05 63 00 01 d0 00 0b 03 00 01 00 " +
			"0a 04 01 02 00 0b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := encodeTestMust(t, tt.m, EncodeOptions{})
			want := encodeTestHex(t, encodeTestHeader+tt.want)
			if !bytes.Equal(got, want) {
				t.Fatalf("got  % x\nwant % x", got, want)
			}
			m := decodeTestMust(t, got, ir.AllFeaturesOn())
			if diff := diffModules(tt.m, m); diff != "" {
				t.Errorf("decoded (-encoded +decoded):\n%s", diff)
			}
		})
	}
}

// TestEncodeDecodeWasm3Instrs checks the bytes of 3.0 instructions and that
// they decode back, on the general and the fast path.
func TestEncodeDecodeWasm3Instrs(t *testing.T) {
	setTypes := func(m *ir.Module) {
		m.Types = append(m.Types,
			ir.TypeDef{Kind: ir.CompStruct, Fields: []ir.FieldType{{Type: ir.I32}}},
			ir.TypeDef{Kind: ir.CompArray, Fields: []ir.FieldType{{Type: ir.I8, Mutable: true}}},
			ir.FuncTypeDef(ir.FuncType{Results: []ir.ValType{ir.I32, ir.I32}}))
		m.Tags = []ir.Tag{{Type: 0}}
		m.Memories = []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1}}}, {Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Is64: true}}}}
		m.Datas = []ir.Data{{Mode: ir.SegmentPassive}}
	}
	brOnCast := ir.Instr{Op: ir.OpBrOnCastFail, Index: 0}
	brOnCast.SetCastTypes(ir.AnyRef, ir.Ref(false, ir.HeapIndex(1)))
	selectRef := ir.Instr{Op: ir.OpSelectTyped}
	selectRef.SetSelectTypes([]ir.ValType{ref0})
	tryTable := ir.Instr{Op: ir.OpTryTable, Block: ir.BlockOf(refNull0), Body: []ir.Instr{{Op: ir.OpRefNull, Index: 0}}}
	tryTable.SetCatches([]ir.CatchClause{{Kind: ir.CatchRef, Tag: 0, Label: 0}, {Kind: ir.CatchAll, Label: 1}})
	legacy := ir.Instr{Op: ir.OpTry, Body: []ir.Instr{{Op: ir.OpThrow}}}
	legacy.SetHandlers([]ir.Handler{{Tag: 0, Body: []ir.Instr{{Op: ir.OpRethrow}}}, {All: true, Body: []ir.Instr{{Op: ir.OpNop}}}})
	delegate := ir.Instr{Op: ir.OpTry, Block: ir.BlockOfIndex(3), Body: []ir.Instr{{Op: ir.OpUnreachable}}}
	delegate.SetDelegate(0)
	tests := []struct {
		name string
		body []ir.Instr
		want string
	}{
		{"struct.get", []ir.Instr{{Op: ir.OpStructGet, Index: 1, Index2: 0}}, "fb 02 01 00"},
		{"array.new_fixed", []ir.Instr{{Op: ir.OpArrayNewFixed, Index: 2, Index2: 300}}, "fb 08 02 ac 02"},
		{"array.new_data", []ir.Instr{{Op: ir.OpArrayNewData, Index: 2, Index2: 0}}, "fb 09 02 00"},
		{"ref.null concrete", []ir.Instr{{Op: ir.OpRefNull, Index: 1}}, "d0 01"},
		{"ref.null none", []ir.Instr{{Op: ir.OpRefNull, Index: uint32(ir.HeapNone)}}, "d0 71"},
		{"ref.test null", []ir.Instr{{Op: ir.OpRefTestNull, Index: uint32(ir.Ref(true, ir.HeapI31))}}, "fb 15 6c"},
		{"ref.cast concrete", []ir.Instr{{Op: ir.OpRefCast, Index: uint32(ir.Ref(false, ir.HeapIndex(64)))}}, "fb 16 c0 00"},
		{"br_on_cast_fail", []ir.Instr{brOnCast}, "fb 19 01 00 6e 01"},
		{"select (ref 0)", []ir.Instr{selectRef}, "1c 01 64 00"},
		{"block (ref null 0)", []ir.Instr{{Op: ir.OpBlock, Block: ir.BlockOf(refNull0), Body: []ir.Instr{{Op: ir.OpRefNull, Index: 0}}}}, "02 63 00 d0 00 0b"},
		{"try_table", []ir.Instr{tryTable}, "1f 63 00 02 01 00 00 02 01 d0 00 0b"},
		{"legacy try catch catch_all", []ir.Instr{legacy}, "06 40 08 00 07 00 09 00 19 01 0b"},
		{"legacy try delegate", []ir.Instr{delegate}, "06 03 00 18 00"},
		{"throw_ref", []ir.Instr{{Op: ir.OpThrowRef}}, "0a"},
		{"call_ref", []ir.Instr{{Op: ir.OpCallRef, Index: 0}}, "14 00"},
		{"memarg with a memory index and a 64-bit offset", []ir.Instr{{Op: ir.OpI64Load, Mem: ir.MemArg{Align: 3, Memory: 1, Offset: 1 << 40}}}, "29 43 01 80 80 80 80 80 20"},
		{"memarg of memory 0", []ir.Instr{{Op: ir.OpI32Store8, Mem: ir.MemArg{Align: 0, Offset: 3}}}, "3a 00 03"},
		{"memory.size 1", []ir.Instr{{Op: ir.OpMemorySize, Index: 1}}, "3f 01"},
		{"i8x16.relaxed_swizzle", []ir.Instr{{Op: ir.OpI8x16RelaxedSwizzle}}, "fd 80 02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := encodeTestBody(t, setTypes, tt.body...)
			if want := encodeTestHex(t, tt.want+" 0b"); !bytes.Equal(got, want) {
				t.Fatalf("got  % x\nwant % x", got, want)
			}
			m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}}), Funcs: []ir.Func{{Body: tt.body}}}
			setTypes(m)
			wasm := encodeTestMust(t, m, EncodeOptions{})
			for _, fast := range []bool{true, false} {
				fastBodies = fast
				got := decodeTestMust(t, wasm, wasm3Legacy)
				fastBodies = true
				if diff := cmp.Diff(tt.body, got.Funcs[0].Body, ignorePos); diff != "" {
					t.Errorf("fast path %v: decoded (-want +got):\n%s", fast, diff)
				}
			}
		})
	}
}

// TestDecodeWasm3FeatureGates: every 3.0 construct is rejected, naming its
// flag, when its feature is off, and decodes with the 3.0 features.
func TestDecodeWasm3FeatureGates(t *testing.T) {
	typ := decodeTestSection(sectionType, []byte{1, 0x60, 0, 0})
	all := ir.AllFeaturesOn()
	tests := []struct {
		name    string
		wasm    []byte
		off     ir.Feature
		msg     string
		enabled ir.Features // where the bytes decode (default: all features)
	}{
		{"rec", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x4e, 0})), ir.FeatureGC, "malformed definition type", 0},
		{"sub", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x50, 0, 0x60, 0, 0})), ir.FeatureGC, "malformed definition type", 0},
		{"struct", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x5f, 0})), ir.FeatureGC, "malformed definition type", 0},
		{"array", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x5e, 0x78, 0})), ir.FeatureGC, "malformed definition type", 0},
		{"anyref param", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x60, 1, 0x6e, 0})), ir.FeatureGC, "malformed value type", 0},
		{"exnref param", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x60, 1, 0x69, 0})), ir.FeatureExceptions, "malformed value type", 0},
		{"(ref null 0) param", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x60, 1, 0x63, 0, 0})), ir.FeatureFunctionReferences, "malformed value type", 0},
		{"(ref any) local", decodeTestFunc(1, 1, 0x64, 0x6e), ir.FeatureGC, "malformed heap type", 0},
		{"i31ref table", decodeTestModule(decodeTestSection(sectionTable, []byte{1, 0x6c, 0, 0})), ir.FeatureGC, "malformed reference type", 0},
		{"table initializer", decodeTestModule(decodeTestSection(sectionTable, []byte{1, 0x40, 0, 0x70, 0, 0, 0xd0, 0x70, 0x0b})), ir.FeatureFunctionReferences, "malformed reference type", 0},
		{"table64", decodeTestModule(decodeTestSection(sectionTable, []byte{1, 0x70, 0x04, 0})), ir.FeatureMemory64, "malformed limits flags", 0},
		{"memory64", decodeTestModule(decodeTestSection(sectionMemory, []byte{1, 0x04, 0})), ir.FeatureMemory64, "malformed limits flags", 0},
		{"tag section", decodeTestModule(typ, decodeTestSection(sectionTag, []byte{1, 0, 0})), ir.FeatureExceptions, "malformed section id", 0},
		{"tag import", decodeTestModule(typ, decodeTestSection(sectionImport, []byte{1, 1, 'm', 1, 't', 4, 0, 0})), ir.FeatureExceptions, "malformed import kind", 0},
		{"tag export", decodeTestModule(decodeTestSection(sectionExport, []byte{1, 1, 'e', 4, 0})), ir.FeatureExceptions, "malformed export kind", 0},
		{"throw", decodeTestFunc(0, 0x08, 0), ir.FeatureExceptions, "illegal opcode 08", 0},
		{"try_table", decodeTestFunc(0, 0x1f, 0x40, 0, 0x0b), ir.FeatureExceptions, "illegal opcode 1f", 0},
		{"legacy try", decodeTestFunc(0, 0x06, 0x40, 0x0b), ir.FeatureLegacyExceptions, "illegal opcode 06", 0},
		{"legacy catch", decodeTestFunc(0, 0x06, 0x40, 0x07, 0, 0x0b), ir.FeatureLegacyExceptions, "illegal opcode 06", 0},
		{"struct.new", decodeTestFunc(0, 0xfb, 0, 0, 0x1a), ir.FeatureGC, "illegal opcode fb 0", 0},
		{"call_ref", decodeTestFunc(0, 0x14, 0), ir.FeatureFunctionReferences, "illegal opcode 14", 0},
		{"ref.null any", decodeTestFunc(0, 0xd0, 0x6e, 0x1a), ir.FeatureGC, "malformed heap type", 0},
		{"ref.null 0", decodeTestFunc(0, 0xd0, 0x00, 0x1a), ir.FeatureFunctionReferences, "malformed heap type", 0},
		{"block (ref null 0)", decodeTestFunc(0, 0x02, 0x63, 0, 0x0b), ir.FeatureFunctionReferences, "malformed value type", 0},
		{"memory index in a memarg", decodeTestFunc(0, 0x41, 0, 0x28, 0x42, 0, 0, 0x1a), ir.FeatureMultiMemory, "malformed memop flags", 0},
		{"relaxed simd", decodeTestFunc(0, 0xfd, 0x80, 0x02), ir.FeatureRelaxedSIMD, "illegal opcode fd 100", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decodeTestError(t, tt.wasm, all.With(tt.off, false))
			if !strings.HasPrefix(e.Msg, tt.msg) || !strings.Contains(e.Msg, tt.off.Flag()) {
				t.Errorf("error %q, want %q naming %s", e.Msg, tt.msg, tt.off.Flag())
			}
			if !e.Pos.IsValid() || e.Kind != ir.Malformed {
				t.Errorf("error %v: kind %v, pos %v", e, e.Kind, e.Pos)
			}
			enabled := tt.enabled
			if enabled == 0 {
				enabled = all
			}
			decodeTestMust(t, tt.wasm, enabled)
		})
	}
}

// TestDecodeWasm3Malformed checks the messages for malformed 3.0
// constructs.
func TestDecodeWasm3Malformed(t *testing.T) {
	tests := []struct {
		name string
		wasm []byte
		msg  string
	}{
		{"bad composite type", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x5d})), "malformed definition type"},
		{"bad storage type", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x5e, 0x76, 0})), "malformed storage type"},
		{"bad field mutability", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x5e, 0x78, 2})), "malformed mutability"},
		{"bad heap type", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x60, 1, 0x63, 0x60, 0})), "malformed heap type"},
		{"bad reference type", decodeTestModule(decodeTestSection(sectionTable, []byte{1, 0x7f, 0, 0})), "malformed reference type"},
		{"table initializer without zero", decodeTestModule(decodeTestSection(sectionTable, []byte{1, 0x40, 1, 0x70, 0, 0, 0xd0, 0x70, 0x0b})), "zero byte expected"},
		{"tag attribute", decodeTestModule(decodeTestSection(sectionType, []byte{1, 0x60, 0, 0}), decodeTestSection(sectionTag, []byte{1, 1, 0})), "zero byte expected"},
		{"tag after global", decodeTestModule(decodeTestSection(sectionGlobal, []byte{0}), decodeTestSection(sectionTag, []byte{0})), "unexpected content after last section"},
		{"section 14", decodeTestModule([]byte{14, 0}), "malformed section id"},
		{"catch clause kind", decodeTestFunc(0, 0x1f, 0x40, 1, 4, 0, 0x0b), "malformed catch clause"},
		{"br_on_cast flags", decodeTestFunc(0, 0xfb, 0x18, 4, 0, 0x6e, 0x6e), "malformed br_on_cast flags"},
		{"memop flags 0x80", decodeTestFunc(0, 0x41, 0, 0x28, 0x80, 0x01, 0, 0x1a), "malformed memop flags"},
		{"catch outside try", decodeTestFunc(0, 0x07, 0), "illegal opcode 07"},
		{"delegate in catch", decodeTestFunc(0, 0x06, 0x40, 0x07, 0, 0x18, 0, 0x0b), "malformed legacy try"},
		{"catch after catch_all", decodeTestFunc(0, 0x06, 0x40, 0x19, 0x07, 0, 0x0b), "malformed legacy try"},
		{"array.new_data without data count", decodeTestFunc(0, 0xfb, 0x09, 0, 0, 0x1a), "data count section required"},
		{"limits flag 8", decodeTestModule(decodeTestSection(sectionMemory, []byte{1, 0x08, 0})), "malformed limits flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fast := range []bool{true, false} {
				fastBodies = fast
				e := decodeTestError(t, tt.wasm, wasm3Legacy)
				fastBodies = true
				if !strings.HasPrefix(e.Msg, tt.msg) {
					t.Errorf("fast path %v: error %q, want %q", fast, e.Msg, tt.msg)
				}
			}
		})
	}
}

// TestDecodeWasm3Alignment: with multi-memory the alignment is the flags'
// low six bits, any of them (the validator checks the range), as the core
// suite's align.wast expects; without it, at most 32.
func TestDecodeWasm3Alignment(t *testing.T) {
	for _, align := range []byte{0, 31, 32, 33, 63} {
		for _, fast := range []bool{true, false} {
			fastBodies = fast
			m := decodeTestMust(t, decodeTestFunc(0, 0x41, 0, 0x28, align, 0, 0x1a), wasm3)
			fastBodies = true
			if got := m.Funcs[0].Body[1].Mem; got != (ir.MemArg{Align: uint32(align)}) {
				t.Errorf("align %d (fast %v): %+v", align, fast, got)
			}
		}
	}
	e := decodeTestError(t, decodeTestFunc(0, 0x41, 0, 0x28, 33, 0, 0x1a), threadsOn)
	if !strings.HasPrefix(e.Msg, "malformed memop flags") {
		t.Errorf("align 33 without multi-memory: %q", e.Msg)
	}
	// Memory index 1, offset 2^40 with memory64.
	m := decodeTestMust(t, decodeTestFunc(0, 0x41, 0, 0x28, 0x42, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x1a), wasm3)
	if got := m.Funcs[0].Body[1].Mem; got != (ir.MemArg{Align: 2, Memory: 1, Offset: 1 << 40}) {
		t.Errorf("memarg: %+v", got)
	}
}

// TestDecodeWasm3ElemTypes: function index segments have type (ref func)
// in 3.0, funcref before typed function references.
func TestDecodeWasm3ElemTypes(t *testing.T) {
	wasm := decodeTestModule(decodeTestSection(sectionElem, []byte{2, 1, 0, 1, 0, 5, 0x70, 1, 0xd2, 0, 0x0b}))
	m := decodeTestMust(t, wasm, wasm3)
	if m.Elems[0].Type != refFunc || m.Elems[1].Type != ir.FuncRef {
		t.Errorf("3.0 types %v, %v; want (ref func), funcref", m.Elems[0].Type, m.Elems[1].Type)
	}
	if m := decodeTestMust(t, wasm, threadsOn); m.Elems[0].Type != ir.FuncRef {
		t.Errorf("2.0 type %v, want funcref", m.Elems[0].Type)
	}
}

// TestNameSectionWasm3: field names (10) and tag names (11) encode after
// the 2.0 subsections and decode back.
func TestNameSectionWasm3(t *testing.T) {
	m := &ir.Module{
		Types: []ir.TypeDef{{Kind: ir.CompStruct, Fields: []ir.FieldType{{Type: ir.I32}, {Type: ir.I64}}}, ir.FuncTypeDef(ir.FuncType{})},
		Tags:  []ir.Tag{{Type: 1}},
		Names: ir.Names{
			Fields: map[uint32]ir.NameMap{0: {0: "x", 1: "y"}, 1: {}},
			Tags:   ir.NameMap{0: "oops"},
		},
	}
	got := encodeTestMust(t, m, EncodeOptions{DebugNames: true})
	ids, contents := encodeTestSections(t, got)
	name := contents[len(contents)-1]
	if ids[len(ids)-1] != sectionCustom {
		t.Fatalf("no name section last: % x", got)
	}
	want := encodeTestHex(t, "04 6e 61 6d 65 02 01 00 0a 09 01 00 02 00 01 78 01 01 79 0b 07 01 00 04 6f 6f 70 73")
	if !bytes.Equal(name, want) {
		t.Errorf("name section\n got % x\nwant % x", name, want)
	}
	d := decodeTestMust(t, got, wasm3)
	m.Names.Fields = map[uint32]ir.NameMap{0: {0: "x", 1: "y"}}
	if diff := cmp.Diff(m.Names, d.Names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

// TestCodeMetadata: branch hints on instructions become a
// metadata.code.branch_hint section before the code section, with offsets
// from the start of each function's locals; decoding keeps the section as
// a custom section and encoding that gives the same bytes.
func TestCodeMetadata(t *testing.T) {
	hint := func(in ir.Instr, data byte) ir.Instr {
		in.SetMeta([]ir.CodeMeta{{Name: "branch_hint", Data: []byte{data}}})
		return in
	}
	m := &ir.Module{
		Types:   ir.TypeDefs([]ir.FuncType{{}}),
		Imports: []ir.Import{{Module: "m", Name: "f", Kind: ir.ExternFunc}},
		Funcs: []ir.Func{
			{Body: []ir.Instr{{Op: ir.OpDataDrop}}},
			{Locals: []ir.LocalRun{{Count: 1, Type: ir.I32}}, Body: []ir.Instr{
				{Op: ir.OpI32Const},
				hint(ir.Instr{Op: ir.OpIf, Body: []ir.Instr{
					{Op: ir.OpI32Const}, hint(ir.Instr{Op: ir.OpBrIf}, 0),
				}}, 1),
			}},
		},
		Datas:   []ir.Data{{Mode: ir.SegmentPassive}},
		Customs: []ir.Custom{{Name: "metadata.code.branch_hint", Data: []byte{0}, After: sectionFunction}},
	}
	got := encodeTestMust(t, m, EncodeOptions{})
	ids, contents := encodeTestSections(t, got)
	wantIDs := []byte{sectionType, sectionImport, sectionFunction, sectionDataCount, sectionCustom, sectionCode, sectionData}
	if !bytes.Equal(ids, wantIDs) {
		// The custom section of the same name is left out: the
		// instructions' metadata replace it.
		t.Fatalf("sections %v, want %v", ids, wantIDs)
	}
	// Function 2 (one import before): the if at offset 5 (after the
	// locals 01 01 7f and i32.const 0), the br_if at offset 9.
	want := encodeTestHex(t, "19 6d65746164617461 2e636f64652e 6272616e63685f68696e74 01 02 02 05 01 01 09 01 00")
	if !bytes.Equal(contents[4], want) {
		t.Errorf("metadata section\n got % x\nwant % x", contents[4], want)
	}
	code := contents[5]
	if fn2 := code[1+1+code[1]:]; !bytes.Equal(fn2[1:][5:6], []byte{0x04}) || !bytes.Equal(fn2[1:][9:10], []byte{0x0d}) {
		t.Errorf("offsets do not point at if and br_if in % x", fn2)
	}
	// Decoding keeps the section raw; encoding gives the same bytes.
	d := decodeTestMust(t, got, wasm3)
	if len(d.Customs) != 1 || d.Customs[0].Name != "metadata.code.branch_hint" {
		t.Fatalf("customs %+v", d.Customs)
	}
	again := encodeTestMust(t, d, EncodeOptions{})
	if !bytes.Equal(again, got) {
		t.Errorf("decode → encode changed the bytes\n got % x\nwant % x", again, got)
	}
}
