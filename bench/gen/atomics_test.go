package gen

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

func TestAtomicOpsCoverTable(t *testing.T) {
	ops := AtomicOps()
	names := map[string]bool{}
	for _, op := range ops {
		names[op.String()] = true
	}
	for _, want := range []string{"memory.atomic.notify", "memory.atomic.wait32", "memory.atomic.wait64",
		"atomic.fence", "i64.atomic.rmw32.cmpxchg_u", "i32.atomic.store8"} {
		if !names[want] {
			t.Errorf("AtomicOps lacks %s", want)
		}
	}
	if len(ops) < 60 {
		t.Errorf("AtomicOps has %d ops, the threads proposal has 67", len(ops))
	}
}

// TestAtomicsModuleIsValid parses, validates and encodes a small generated
// module with watt, and with wabt when it is installed.
func TestAtomicsModuleIsValid(t *testing.T) {
	var buf bytes.Buffer
	if err := Atomics(&buf, 20000); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 20000 || buf.Len() > 40000 {
		t.Errorf("asked for 20000 bytes, got %d", buf.Len())
	}
	text := buf.String()
	if !strings.Contains(text, "(drop (i32.atomic.rmw.add") || !strings.Contains(text, "\n    i64.atomic.rmw.cmpxchg") {
		t.Error("module lacks either the folded or the flat style")
	}
	features := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	src := ir.NewSource("atomics.wat", buf.Bytes(), false)
	m, err := wat.ParseModule(src, features)
	if err != nil {
		t.Fatal(ir.Format(err))
	}
	if err := validate.Module(m, src, features); err != nil {
		t.Fatal(ir.Format(err))
	}
	got, err := binary.Encode(m, binary.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wabt, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Skip("wabt's wat2wasm is not on PATH; skipping the comparison")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "a.wat"), filepath.Join(dir, "a.wasm")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(wabt, "--enable-threads", in, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wabt rejects the generated module: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("watt and wabt encode the generated module differently (%d vs %d bytes)", len(got), len(want))
	}
}
