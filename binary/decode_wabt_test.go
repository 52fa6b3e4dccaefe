package binary

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
)

// TestDecodeAgreesWithWabt mutates one byte of modules wabt compiled from
// the suite and runs wasm-validate on each mutant: whatever wabt accepts
// (decodes and validates) is well formed, so Decode must accept it too.
// The other direction is not checked, since wabt's errors mix decoding and
// validation.
func TestDecodeAgreesWithWabt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs wasm-validate hundreds of times; skipped with -short")
	}
	requireWabt(t, "wast2json", "wasm-validate")
	dir := testsuite.Dir(t)
	tmp := t.TempDir()
	var mods [][]byte
	for _, name := range fuzzSeedWat {
		out := filepath.Join(tmp, filepath.Base(name)+".json")
		if exec.Command("wast2json", "--enable-threads", filepath.Join(dir, name), "-o", out).Run() != nil {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(tmp, filepath.Base(name)+".*.wasm"))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Decode(ir.NewSource(p, b, true), suiteFeatures()); err == nil && len(b) > 8 {
				mods = append(mods, b)
			}
		}
	}
	if len(mods) == 0 {
		t.Fatal("wast2json compiled no module")
	}
	rng := rand.New(rand.NewSource(1))
	mutant := filepath.Join(tmp, "mutant.wasm")
	accepted := 0
	const tries = 500
	for i := range tries {
		b := append([]byte(nil), mods[rng.Intn(len(mods))]...)
		at := 8 + rng.Intn(len(b)-8) // keep the header
		if i%2 == 0 {
			b[at] = byte(rng.Intn(256))
		} else {
			// Small changes keep more mutants valid: indices, constants,
			// flags and LEB128 continuation bits.
			b[at] ^= 1 << rng.Intn(8)
		}
		if err := os.WriteFile(mutant, b, 0o666); err != nil {
			t.Fatal(err)
		}
		if exec.Command("wasm-validate", "--enable-threads", mutant).Run() != nil {
			continue
		}
		accepted++
		if _, err := Decode(ir.NewSource("mutant.wasm", b, true), suiteFeatures()); err != nil {
			t.Errorf("wasm-validate accepts the module with byte %#x set to %#x, Decode says: %v\n% x", at, b[at], err, b)
		}
	}
	t.Logf("%d of %d mutants valid for wabt", accepted, tries)
}
