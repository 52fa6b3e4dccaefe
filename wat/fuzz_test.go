package wat

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
)

// fuzzSeeds adds a few small hand-written inputs and, when the official
// suite is present, a few of its scripts (read here, never copied into the
// repository).
func parseFuzzSeeds(f *testing.F) {
	for _, s := range []string{
		"",
		"(module)",
		"(module (func (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))",
		"(memory 1 1 shared) (func (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))",
		"(func block $l loop br_if $l end end)",
		"(table funcref (elem $f)) (func $f) (data \"\\00\\u{41}\")",
		"(assert_return (invoke \"f\" (v128.const f32x4 1 2 3 4)) (f32.const nan:canonical))",
		"(thread $T (shared (module $M)) (invoke \"f\")) (wait $T)",
	} {
		f.Add([]byte(s))
	}
	dir, _ := testsuite.Lookup()
	for _, name := range []string{"threads/atomic.wast", "address.wast", "elem.wast", "float_literals.wast", "simd/simd_lane.wast"} {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			f.Add(data)
		}
	}
}

func FuzzParseModule(f *testing.F) {
	parseFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseModule(ir.NewSource("fuzz.wat", data, false), parseThreadsOn)
		parseCheckError(t, "fuzz", data, err)
	})
}

func FuzzParseScript(f *testing.F) {
	parseFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
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
