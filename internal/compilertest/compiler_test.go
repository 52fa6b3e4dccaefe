// Package compilertest checks watt against real compiler output: C built by
// clang for wasm32 with atomics and bulk memory (shared imported memory,
// passive segments, a start function that initialises memory once across
// threads) and a GOOS=wasip1 Go program. Every module must decode and
// validate with threads enabled, exactly as wabt's wasm-validate accepts it.
package compilertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

var threads = ir.Wasm2Features().With(ir.FeatureThreads, true)

func checkValid(t *testing.T, name string, data []byte) *ir.Module {
	t.Helper()
	src := ir.NewSource(name, data, true)
	m, err := binary.Decode(src, threads)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	if err := validate.Module(m, src, threads); err != nil {
		t.Fatalf("validate %s: %v", name, err)
	}
	return m
}

// TestCommittedCFixtures validates the small binaries built from
// testdata/c/*.c (committed so the test runs without clang).
func TestCommittedCFixtures(t *testing.T) {
	for _, name := range []string{"atomics", "tables"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "c", name+".wasm"))
			if err != nil {
				t.Fatal(err)
			}
			m := checkValid(t, name+".wasm", data)
			if len(m.Imports) == 0 || m.Imports[0].Kind != ir.ExternMemory || !m.Imports[0].Memory.Shared {
				t.Errorf("%s: expected an imported shared memory, got imports %+v", name, m.Imports)
			}
			if m.Start == nil {
				t.Errorf("%s: expected clang's __wasm_init_memory start function", name)
			}
		})
	}
}

// TestClangRebuild rebuilds the C fixtures with the local clang, so a newer
// compiler's output is checked too.
func TestClangRebuild(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not on PATH (apt-get install clang lld)")
	}
	if _, err := exec.LookPath("wasm-ld"); err != nil {
		t.Skip("wasm-ld not on PATH (apt-get install lld)")
	}
	out := t.TempDir()
	cmd := exec.Command("sh", filepath.Join("..", "..", "testdata", "c", "build.sh"), out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, msg)
	}
	for _, name := range []string{"atomics", "tables"} {
		data, err := os.ReadFile(filepath.Join(out, name+".wasm"))
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, name+".wasm", data)
	}
}

// TestGoWasip1 builds a GOOS=wasip1 Go program (≈2.7 MB of wasm) and
// validates it.
func TestGoWasip1(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program; skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	out := filepath.Join(t.TempDir(), "hello.wasm")
	cmd := exec.Command(goTool, "build", "-o", out, "./testdata/go/wasihello")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m := checkValid(t, "hello.wasm", data)
	if len(m.Funcs) < 1000 {
		t.Errorf("Go program has only %d functions; decode lost some?", len(m.Funcs))
	}
}
