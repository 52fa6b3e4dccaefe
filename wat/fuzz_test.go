package wat

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
)

// fuzzMaxInput bounds the inputs the parser fuzz targets look at. Large
// inputs cost the fuzzer per byte (mutation, coverage, minimisation) and
// find nothing small ones do not; the suite tests parse whole files.
const fuzzMaxInput = 8 << 10

// fuzzSeedMax bounds the size of one seed taken from the suite.
const fuzzSeedMax = 2 << 10

// parseFuzzSeeds adds a few small hand-written inputs and, when the
// official suite is present, the small commands of a few of its scripts,
// one seed each (read here, never copied into the repository): whole
// scripts as seeds made every mutation cost a parse of up to 85 KB, and
// the fuzzer ran a few dozen inputs a second.
func parseFuzzSeeds(f *testing.F) {
	for _, s := range []string{
		"",
		"(module)",
		"(module (func (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))",
		"(memory 1 1 shared) (func (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))",
		"(func block $l loop br_if $l end end)",
		"(func (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3))) drop)",
		"(table funcref (elem $f)) (func $f) (data \"\\00\\u{41}\")",
		"(assert_return (invoke \"f\" (v128.const f32x4 1 2 3 4)) (f32.const nan:canonical))",
		"(thread $T (shared (module $M)) (invoke \"f\")) (wait $T)",
	} {
		f.Add([]byte(s))
	}
	dir, _ := testsuite.Lookup()
	for _, name := range []string{"threads/atomic.wast", "address.wast", "elem.wast", "float_literals.wast", "simd/simd_lane.wast", "block.wast", "br_table.wast", "data.wast", "memory.wast"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		for _, seed := range fuzzSeedCommands(data, 40) {
			f.Add(seed)
		}
	}
}

// fuzzSeedCommands returns the text of up to max commands of script data
// that are at most fuzzSeedMax bytes long.
func fuzzSeedCommands(data []byte, max int) [][]byte {
	s, err := ParseScript(ir.NewSource("seed.wast", data, false), ir.AllFeaturesOn())
	if err != nil {
		return nil
	}
	var seeds [][]byte
	for _, c := range s.Commands {
		start := c.Position().Offset()
		if start < 0 || start >= len(data) || data[start] != '(' {
			continue
		}
		end, ok := scanSkipForm(data, start+1)
		if !ok || end-start > fuzzSeedMax {
			continue
		}
		seeds = append(seeds, data[start:end])
		if len(seeds) == max {
			break
		}
	}
	return seeds
}

func FuzzParseModule(f *testing.F) {
	parseFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxInput {
			return
		}
		_, err := ParseModule(ir.NewSource("fuzz.wat", data, false), parseThreadsOn)
		parseCheckError(t, "fuzz", data, err)
	})
}

func FuzzParseScript(f *testing.F) {
	parseFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxInput {
			return
		}
		s, err := ParseScript(ir.NewSource("fuzz.wast", data, false), parseThreadsOn)
		parseCheckError(t, "fuzz", data, err)
		if err == nil {
			for _, c := range s.Commands {
				if off := c.Position().Offset(); off < 0 || off >= len(data) {
					t.Fatalf("command position %d outside the input", off)
				}
			}
		}
	})
}

// FuzzParseScript3 parses scripts under every feature (WebAssembly 3.0,
// legacy exceptions, threads): annotations, quoted identifiers, GC types,
// exceptions. Seeds come from the core suite when it is present.
func FuzzParseScript3(f *testing.F) {
	for _, s := range []string{
		`(module (@custom "x" (before global) "a") (@name "M") (func $"a b" (@metadata.code.branch_hint "\01") (if (i32.const 0) (then))))`,
		`(rec (type $a (sub (struct (field $x (ref null $b))))) (type $b (array (mut i8)))) (func (struct.get $a $x (ref.null $a)) drop)`,
		`(tag $e (param i32)) (func (block $b (try_table (catch $e $b) (throw $e (i32.const 1)))) (try (do) (catch $e drop) (catch_all)) (try (do) (delegate 0)))`,
		`(table i64 1 (ref null func) (ref.null func)) (elem (table 0) (i64.const 0) func) (global i32 (i32.add (i32.const 1) (i32.const 2)))`,
		`(module definition $M) (module instance $I $M) (assert_return (invoke "f") (ref.null) (ref.struct) (ref.host 1))`,
	} {
		f.Add([]byte(s))
	}
	if dir, ok := testsuite.LookupCore(); ok {
		for _, name := range []string{"annotations.wast", "id.wast", "type-rec.wast", "try_table.wast", "legacy/try_catch.wast", "custom/custom_annot.wast", "br_on_cast.wast"} {
			if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				f.Add(data)
			}
		}
	}
	features := ir.AllFeaturesOn().With(ir.FeatureLegacyNames, false)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScript(ir.NewSource("fuzz.wast", data, false), features)
		parseCheckError(t, "fuzz", data, err)
		if err == nil {
			for _, c := range s.Commands {
				if off := c.Position().Offset(); off < 0 || off >= len(data) {
					t.Fatalf("command position %d outside the input", off)
				}
			}
		}
	})
}
