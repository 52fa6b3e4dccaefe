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
