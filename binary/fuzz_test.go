package binary

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// fuzzSeedWat are a few threads-suite text files whose compiled modules
// seed FuzzDecode when wabt is around: atomics, shared memory, SIMD, bulk
// memory, reference types and tables between them.
var fuzzSeedWat = []string{"threads/atomic.wast", "simd/simd_lane.wast", "bulk.wast", "table_copy.wast", "br_table.wast", "elem.wast"}

// FuzzDecode feeds arbitrary bytes to Decode: it must never panic or hang,
// and whatever it accepts must survive encoding: encode → decode gives the
// same IR, and encoding that again gives the same bytes.
func FuzzDecode(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, features := range []ir.Features{suiteFeatures(), ir.AllFeaturesOn()} {
			m, err := Decode(ir.NewSource("fuzz.wasm", data, true), features)
			if err != nil {
				if _, ok := err.(ir.ErrorList); !ok {
					t.Fatalf("error of type %T, want ir.ErrorList", err)
				}
				continue
			}
			if hasEmptyTypedSelect(m) {
				// The encoder writes wabt's bytes, 0x1b, for a typed select
				// without types, so the IR cannot come back unchanged.
				continue
			}
			opts := EncodeOptions{DebugNames: m.Name != "" || !namesEmpty(&m.Names), Features: features}
			out, err := Encode(m, opts)
			if err != nil {
				continue // not every decodable module is representable (e.g. name maps of absent entities)
			}
			m2, err := Decode(ir.NewSource("reencoded.wasm", out, true), features)
			if err != nil {
				t.Fatalf("decoding the re-encoded module: %v\ninput    % x\nencoding % x", err, data, out)
			}
			// The encoder leaves out empty sections, so a custom section
			// that followed one comes back attached to an earlier section;
			// where customs go is checked by the byte comparison below.
			clearCustomAfter(m)
			clearCustomAfter(m2)
			// wabt, and so the encoder, writes a block whose type index
			// names a [] -> [] or [] -> [t] signature in the short form.
			shortenBlockTypes(m)
			// Without typed function references, (ref func) segments
			// come back as funcref.
			funcIndexElemTypes(m, features)
			if diff := diffModules(m, m2); diff != "" {
				t.Fatalf("encode → decode changed the IR:\n%s", diff)
			}
			m3, _ := Decode(ir.NewSource("reencoded.wasm", out, true), features)
			out2, err := Encode(m3, opts)
			if err != nil || !bytes.Equal(out, out2) {
				t.Fatalf("encoding is not stable: %v\nfirst  % x\nsecond % x", err, out, out2)
			}
		}
	})
}

// addFuzzSeeds adds the suite's binary modules (valid and malformed), the
// repository's compiled C fixtures, and, with wabt, a few compiled suite
// scripts.
func addFuzzSeeds(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	if fixtures, _ := filepath.Glob(filepath.Join("..", "testdata", "c", "*.wasm")); len(fixtures) > 0 {
		for _, p := range fixtures {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	dir, _ := testsuite.Lookup()
	for _, name := range []string{"binary.wast", "binary-leb128.wast", "custom.wast"} {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		bins, _, err := collectWastModules(name, string(src))
		if err != nil {
			continue
		}
		for _, b := range bins {
			f.Add(b.Binary)
		}
	}
	// The 3.0 core suite's binary modules, and modules with a bit of
	// every 3.0 construct.
	if core, ok := testsuite.LookupCore(); ok {
		for _, name := range []string{"binary.wast", "binary-gc.wast", "binary-leb128.wast", "custom.wast", "align.wast"} {
			data, err := os.ReadFile(filepath.Join(core, name))
			if err != nil {
				continue
			}
			script, err := wat.ParseScript(ir.NewSource(name, data, false), testsuite.CoreFeatures)
			if err != nil {
				continue
			}
			for _, c := range script.Commands {
				var mc *wat.ModuleCommand
				switch c := c.(type) {
				case *wat.ModuleCommand:
					mc = c
				case *wat.AssertModule:
					mc = c.Module
				}
				if mc != nil && mc.Kind == wat.ModuleBinary {
					f.Add(mc.Binary)
				}
			}
		}
	}
	for _, m := range wasm3SeedModules() {
		if b, err := Encode(m, EncodeOptions{DebugNames: true}); err == nil {
			f.Add(b)
		}
	}
	if _, err := exec.LookPath("wast2json"); err != nil {
		return
	}
	tmp := f.TempDir()
	for _, name := range fuzzSeedWat {
		out := filepath.Join(tmp, filepath.Base(name)+".json")
		if exec.Command("wast2json", "--enable-threads", filepath.Join(dir, name), "-o", out).Run() != nil {
			continue
		}
		mods, _ := filepath.Glob(filepath.Join(tmp, filepath.Base(name)+".*.wasm"))
		for i, p := range mods {
			if i >= 20 {
				break
			}
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}

func clearCustomAfter(m *ir.Module) {
	for i := range m.Customs {
		m.Customs[i].After = 0
	}
}

// walkInstrs calls f on every instruction of m, nested ones included.
func walkInstrs(m *ir.Module, f func(*ir.Instr)) {
	var walk func(body []ir.Instr)
	walk = func(body []ir.Instr) {
		for i := range body {
			f(&body[i])
			walk(body[i].Body)
			walk(body[i].ElseBody())
		}
	}
	for i := range m.Funcs {
		walk(m.Funcs[i].Body)
	}
	for i := range m.Globals {
		walk(m.Globals[i].Init)
	}
	for i := range m.Elems {
		walk(m.Elems[i].Offset)
		for _, e := range m.Elems[i].Init {
			walk(e)
		}
	}
	for i := range m.Datas {
		walk(m.Datas[i].Offset)
	}
}

// shortenBlockTypes rewrites block types given by the index of a function type
// without params and with at most one result to the short form.
func shortenBlockTypes(m *ir.Module) {
	walkInstrs(m, func(in *ir.Instr) {
		bt := &in.Block
		if in.Op.Info().Imm != ir.ImmBlock || bt.Kind() != ir.BlockIndex || int(bt.Index) >= len(m.Types) {
			return
		}
		// Only a function type has the short forms; an index naming
		// another type (an invalid module, which the decoder accepts)
		// stays an index.
		if ft := m.Types[bt.Index]; ft.Kind == ir.CompFunc && len(ft.Params) == 0 && len(ft.Results) <= 1 {
			*bt = ir.BlockType{}
			if len(ft.Results) == 1 {
				*bt = ir.BlockOf(ft.Results[0])
			}
		}
	})
}

// funcIndexElemTypes gives every element segment that the encoder writes
// as function indices the type that form decodes to. With typed function
// references that is (ref func), the only type written so; without them it
// is funcref, and (ref func) segments of ref.func elements become funcref.
func funcIndexElemTypes(m *ir.Module, features ir.Features) {
	if features.Has(ir.FeatureFunctionReferences) {
		return
	}
	for i := range m.Elems {
		el := &m.Elems[i]
		if el.Type != ir.Ref(false, ir.HeapFunc) {
			continue
		}
		indices := true
		for _, init := range el.Init {
			indices = indices && len(init) == 1 && init[0].Op == ir.OpRefFunc
		}
		if indices {
			el.Type = ir.FuncRef
		}
	}
}

// hasEmptyTypedSelect reports whether m has a typed select (0x1c) with an
// empty type vector.
func hasEmptyTypedSelect(m *ir.Module) bool {
	found := false
	walkInstrs(m, func(in *ir.Instr) {
		found = found || in.Op == ir.OpSelectTyped && len(in.SelectTypes()) == 0
	})
	return found
}

// untypeEmptySelects turns typed selects without types into plain ones,
// as wabt writes them.
func untypeEmptySelects(m *ir.Module) {
	walkInstrs(m, func(in *ir.Instr) {
		if in.Op == ir.OpSelectTyped && len(in.SelectTypes()) == 0 {
			in.Op = ir.OpSelect
			in.SetSelectTypes(nil)
		}
	})
}

// FuzzDecodeFastPath: the fast path for bodies and constant expressions
// (decode_fast.go) gives exactly what the general path gives, errors
// included.
func FuzzDecodeFastPath(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, features := range []ir.Features{suiteFeatures(), ir.AllFeaturesOn()} {
			m1, err1 := Decode(ir.NewSource("fuzz.wasm", data, true), features)
			fastBodies = false
			m2, err2 := Decode(ir.NewSource("fuzz.wasm", data, true), features)
			fastBodies = true
			if !reflect.DeepEqual(err1, err2) {
				t.Fatalf("fast path error %v, general path %v", err1, err2)
			}
			if !reflect.DeepEqual(m1, m2) {
				t.Fatalf("fast and general paths decode differently:\n%s", diffModules(m1, m2))
			}
			old := parallelDecodeMin
			parallelDecodeMin = 0 // bodies in parallel whenever there are a few
			m3, err3 := Decode(ir.NewSource("fuzz.wasm", data, true), features)
			parallelDecodeMin = old
			if !reflect.DeepEqual(err3, err2) {
				t.Fatalf("parallel fast path error %v, general path %v", err3, err2)
			}
			if !reflect.DeepEqual(m3, m2) {
				t.Fatalf("parallel fast path and general path decode differently:\n%s", diffModules(m3, m2))
			}
		}
	})
}

// wasm3SeedModules are small modules using the WebAssembly 3.0 constructs:
// GC types in recursion groups, typed references, tags and both kinds of
// exception handling, table initializers, 64-bit and multiple memories and
// tables, code metadata, field and tag names.
func wasm3SeedModules() []*ir.Module {
	hint := ir.Instr{Op: ir.OpBrIf}
	hint.SetMeta([]ir.CodeMeta{{Name: "branch_hint", Data: []byte{1}}})
	cast := ir.Instr{Op: ir.OpBrOnCast}
	cast.SetCastTypes(ir.AnyRef, ir.Ref(false, ir.HeapIndex(0)))
	tryTable := ir.Instr{Op: ir.OpTryTable, Block: ir.BlockOf(ir.ExnRef), Body: []ir.Instr{{Op: ir.OpUnreachable}}}
	tryTable.SetCatches([]ir.CatchClause{{Kind: ir.CatchAllRef, Label: 0}})
	try := ir.Instr{Op: ir.OpTry, Body: []ir.Instr{{Op: ir.OpThrow}}}
	try.SetHandlers([]ir.Handler{{Tag: 0, Body: []ir.Instr{{Op: ir.OpRethrow}}}, {All: true}})
	sel := ir.Instr{Op: ir.OpSelectTyped}
	sel.SetSelectTypes([]ir.ValType{ir.Ref(true, ir.HeapIndex(0))})
	types := []ir.TypeDef{
		{Kind: ir.CompStruct, Open: true, Fields: []ir.FieldType{{Type: ir.I8, Mutable: true}, {Type: ir.Ref(true, ir.HeapIndex(1))}}},
		{Kind: ir.CompArray, Supers: nil, Fields: []ir.FieldType{{Type: ir.I16}}},
		{Kind: ir.CompStruct, Supers: []uint32{0}, Fields: []ir.FieldType{{Type: ir.I8, Mutable: true}, {Type: ir.Ref(true, ir.HeapIndex(1))}}},
		ir.FuncTypeDef(ir.FuncType{Params: []ir.ValType{ir.AnyRef}, Results: []ir.ValType{ir.Ref(false, ir.HeapIndex(0))}}),
		ir.FuncTypeDef(ir.FuncType{}),
	}
	return []*ir.Module{{
		Types:   types,
		Rec:     []ir.RecGroup{{Start: 0, Count: 3}, {Start: 3, Count: 0}},
		Imports: []ir.Import{{Module: "m", Name: "t", Kind: ir.ExternTag, Tag: 4}},
		Funcs: []ir.Func{{Type: 3, Locals: []ir.LocalRun{{Count: 1, Type: ir.Ref(true, ir.HeapIndex(2))}}, Body: []ir.Instr{
			{Op: ir.OpBlock, Block: ir.BlockOf(ir.Ref(false, ir.HeapIndex(0))), Body: []ir.Instr{
				{Op: ir.OpLocalGet}, cast, {Op: ir.OpDrop}, {Op: ir.OpI32Const}, hint, {Op: ir.OpUnreachable},
			}},
			{Op: ir.OpBlock, Block: ir.BlockOf(ir.ExnRef), Body: []ir.Instr{tryTable}}, {Op: ir.OpThrowRef},
			try, {Op: ir.OpRefNull, Index: 0}, {Op: ir.OpRefNull, Index: 0}, {Op: ir.OpI32Const}, sel,
			{Op: ir.OpStructGetS, Index: 0, Index2: 0}, {Op: ir.OpI64Load, Mem: ir.MemArg{Align: 3, Memory: 1, Offset: 1 << 33}},
			{Op: ir.OpArrayNewData, Index: 1}, {Op: ir.OpDataDrop},
		}}},
		Tables:   []ir.Table{{Type: ir.TableType{Elem: ir.Ref(false, ir.HeapFunc), Limits: ir.Limits{Min: 1, Is64: true}}, Init: []ir.Instr{{Op: ir.OpRefFunc}}}},
		Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1}}}, {Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1 << 40, HasMax: true, Is64: true}}}},
		Tags:     []ir.Tag{{Type: 4}},
		Exports:  []ir.Export{{Name: "t", Kind: ir.ExternTag, Index: 1}},
		Elems:    []ir.Elem{{Mode: ir.SegmentDeclarative, Type: ir.Ref(false, ir.HeapFunc), Init: [][]ir.Instr{{{Op: ir.OpRefFunc}}}}},
		Datas:    []ir.Data{{Mode: ir.SegmentPassive, Init: []byte("x")}},
		Names:    ir.Names{Fields: map[uint32]ir.NameMap{0: {1: "next"}}, Tags: ir.NameMap{1: "e"}, Types: ir.NameMap{0: "node"}},
	}}
}
