package interp_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden disassembly in testdata/disasm")

// TestDisassembly compiles each testdata/disasm/*.txtar's module.wat and
// compares the compiled code with its golden disasm section: the compiler's
// choices (lazy operands, fused compare-branches, branch moves) are part of
// its contract with the interpreter loop. Run with -update to rewrite.
func TestDisassembly(t *testing.T) {
	files, err := filepath.Glob("testdata/disasm/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			disasm := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "module.wat":
					src = f.Data
				case "disasm":
					disasm = i
				}
			}
			got := compile3(t, string(src)).Disassemble()
			if *update {
				if disasm < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "disasm"})
					disasm = len(ar.Files) - 1
				}
				ar.Files[disasm].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if disasm < 0 {
				t.Fatal("no disasm section; run with -update")
			}
			if diff := cmp.Diff(string(ar.Files[disasm].Data), got); diff != "" {
				t.Errorf("disassembly changed (-golden +got):\n%s", diff)
			}
		})
	}
}
