package binary

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// buildGoWasm compiles testdata/go/wasihello for GOOS=wasip1 into a temp
// dir: a real 2–3 MB module with thousands of functions.
func buildGoWasm(b *testing.B) []byte {
	b.Helper()
	out := filepath.Join(b.TempDir(), "hello.wasm")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/go/wasihello")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("building the Go wasm program: %v\n%s", err, msg)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	return wasm
}

func BenchmarkDecode(b *testing.B) {
	wasm := buildGoWasm(b)
	src := ir.NewSource("hello.wasm", wasm, true)
	b.SetBytes(int64(len(wasm)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(src, threadsOn); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeDefaultFeatures decodes the same 2.0 module with
// WebAssembly 3.0's features on (multi-memory and memory64 change how
// memory arguments are read): it must be as fast as BenchmarkDecode.
func BenchmarkDecodeDefaultFeatures(b *testing.B) {
	wasm := buildGoWasm(b)
	src := ir.NewSource("hello.wasm", wasm, true)
	b.SetBytes(int64(len(wasm)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(src, ir.DefaultFeatures()); err != nil {
			b.Fatal(err)
		}
	}
}
