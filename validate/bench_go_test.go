package validate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// BenchmarkDecodeValidateGo is wasm-validate's work on a real module:
// decode, then validate, testdata/go/wasihello built for GOOS=wasip1 (a
// 2–3 MB module with about 1,800 functions and 700,000 instructions).
// Compare with `wasm-validate hello.wasm` from wabt. It is skipped when the
// Go toolchain cannot build the program.
func BenchmarkDecodeValidateGo(b *testing.B) {
	out := filepath.Join(b.TempDir(), "hello.wasm")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/go/wasihello")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("building the Go wasm program: %v\n%s", err, msg)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	features := ir.Wasm2Features()
	b.SetBytes(int64(len(bin)))
	b.ReportAllocs()
	for b.Loop() {
		src := ir.NewSource("hello.wasm", bin, true)
		m, err := binary.Decode(src, features)
		if err != nil {
			b.Fatal(err)
		}
		if err := validate.Module(m, src, features); err != nil {
			b.Fatal(err)
		}
	}
}
