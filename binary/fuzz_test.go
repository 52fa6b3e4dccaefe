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
			opts := EncodeOptions{DebugNames: m.Name != "" || !namesEmpty(&m.Names)}
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
			// Segments of function references written as ref.func
			// expressions come back as function indices (wabt's form).
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

// shortenBlockTypes rewrites block types given by an index of a signature
// without params and with at most one result to the short form.
func shortenBlockTypes(m *ir.Module) {
	walkInstrs(m, func(in *ir.Instr) {
		bt := &in.Block
		if in.Op.Info().Imm != ir.ImmBlock || bt.Kind() != ir.BlockIndex || int(bt.Index) >= len(m.Types) {
			return
		}
		if ft := m.Types[bt.Index]; len(ft.Params) == 0 && len(ft.Results) <= 1 {
			*bt = ir.BlockType{}
			if len(ft.Results) == 1 {
				*bt = ir.BlockOf(ft.Results[0])
			}
		}
	})
}

// funcIndexElemTypes gives every element segment that the encoder writes
// as function indices (funcref or (ref func), every element a ref.func)
// the type that form decodes to with features: (ref func) with typed
// function references, funcref before.
func funcIndexElemTypes(m *ir.Module, features ir.Features) {
	t := ir.FuncRef
	if features.Has(ir.FeatureFunctionReferences) {
		t = ir.Ref(false, ir.HeapFunc)
	}
	for i := range m.Elems {
		el := &m.Elems[i]
		if el.Type != ir.FuncRef && el.Type != ir.Ref(false, ir.HeapFunc) {
			continue
		}
		indices := true
		for _, init := range el.Init {
			indices = indices && len(init) == 1 && init[0].Op == ir.OpRefFunc
		}
		if indices {
			el.Type = t
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
