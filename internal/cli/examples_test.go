package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// examplesDir holds the hand-written threads programs.
const examplesDir = "../../testdata/threads"

// wabtTool returns the path of a wabt binary, skipping the test when wabt is
// not installed (CI installs it).
func wabtTool(t *testing.T, name string) string {
	t.Helper()
	dir := wabtDir()
	if dir == "" {
		t.Skipf("wabt's %s is not on PATH; install wabt 1.0.32 (apt-get install wabt) to compare with it", name)
	}
	return filepath.Join(dir, name)
}

// wordRE matches instruction-name-like tokens.
var wordRE = regexp.MustCompile(`[a-z][a-z0-9_.]*`)

// modernize replaces every legacy instruction name (get_local,
// i32.atomic.wait) by its current name, using the opcode table's aliases,
// for comparisons with wabt 1.0.32, which no longer accepts them.
func modernize(src []byte) []byte {
	current := map[string]string{}
	for op := ir.Op(0); op < ir.NumOps; op++ {
		for _, a := range op.Info().Aliases {
			current[a] = op.Info().Name
		}
	}
	return wordRE.ReplaceAllFunc(src, func(w []byte) []byte {
		if name, ok := current[string(w)]; ok {
			return []byte(name)
		}
		return w
	})
}

func exampleFiles(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.wat"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example programs in %s: %v", examplesDir, err)
	}
	return files
}

// compileWatt runs watt's wat2wasm in-process on file.
func compileWatt(t *testing.T, file string, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "watt.wasm")
	var stderr bytes.Buffer
	args = append(append([]string{"--enable-threads"}, args...), file, "-o", out)
	if code := Wat2Wasm(args, nil, nil, &stderr); code != 0 {
		t.Fatalf("wat2wasm %s: exit %d\n%s", file, code, stderr.String())
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return wasm
}

// TestExamplesMatchWabt compiles every testdata/threads program with watt
// and checks the bytes are exactly wabt's, with and without debug names.
func TestExamplesMatchWabt(t *testing.T) {
	for _, file := range exampleFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			for _, extra := range [][]string{nil, {"--debug-names"}} {
				got := compileWatt(t, file, extra...)
				wabt := wabtTool(t, "wat2wasm")
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				modern := filepath.Join(dir, filepath.Base(file))
				if err := os.WriteFile(modern, modernize(src), 0o644); err != nil {
					t.Fatal(err)
				}
				want := filepath.Join(dir, "wabt.wasm")
				args := append(append([]string{"--enable-threads"}, extra...), modern, "-o", want)
				if out, err := exec.Command(wabt, args...).CombinedOutput(); err != nil {
					t.Fatalf("wabt wat2wasm %v: %v\n%s", args, err, out)
				}
				wantBytes, err := os.ReadFile(want)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, wantBytes) {
					t.Errorf("watt and wabt differ (%v): watt %d bytes, wabt %d bytes, first difference at 0x%x",
						extra, len(got), len(wantBytes), firstDiff(got, wantBytes))
				}
			}
		})
	}
}

// TestExamplesNeedThreads checks each example uses the threads proposal:
// without --enable-threads watt rejects it and names the flag.
func TestExamplesNeedThreads(t *testing.T) {
	for _, file := range exampleFiles(t) {
		var stderr bytes.Buffer
		out := filepath.Join(t.TempDir(), "x.wasm")
		if code := Wat2Wasm([]string{file, "-o", out}, nil, nil, &stderr); code != 1 {
			t.Errorf("%s without --enable-threads: exit %d, want 1", file, code)
		}
		if !bytes.Contains(stderr.Bytes(), []byte("--enable-threads")) {
			t.Errorf("%s without --enable-threads: error does not name the flag:\n%s", file, stderr.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: output written despite the error", file)
		}
	}
}

// TestFlatAndFoldedAgree: mutex.wat (folded) and mutex_flat.wat (flat) are
// the same program and must give the same bytes, debug names included.
func TestFlatAndFoldedAgree(t *testing.T) {
	folded := compileWatt(t, filepath.Join(examplesDir, "mutex.wat"), "--debug-names")
	flat := compileWatt(t, filepath.Join(examplesDir, "mutex_flat.wat"), "--debug-names")
	if !bytes.Equal(folded, flat) {
		t.Errorf("mutex.wat and mutex_flat.wat differ at 0x%x", firstDiff(folded, flat))
	}
}

// TestLegacyNamesAgree: legacy.wat compiles to the same bytes as its
// modernized text.
func TestLegacyNamesAgree(t *testing.T) {
	file := filepath.Join(examplesDir, "legacy.wat")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	modern := modernize(src)
	if bytes.Equal(src, modern) {
		t.Fatal("legacy.wat uses no legacy names")
	}
	mfile := filepath.Join(t.TempDir(), "legacy.wat")
	if err := os.WriteFile(mfile, modern, 0o644); err != nil {
		t.Fatal(err)
	}
	a, b := compileWatt(t, file, "--debug-names"), compileWatt(t, mfile, "--debug-names")
	if !bytes.Equal(a, b) {
		t.Errorf("legacy and current names give different binaries, first difference at 0x%x", firstDiff(a, b))
	}
}

func firstDiff(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestExamplesPrintLikeWabt: wasm2wat of each example (with debug names)
// prints exactly wabt's text, folded or not, and that text compiles back to
// the same binary.
func TestExamplesPrintLikeWabt(t *testing.T) {
	for _, file := range exampleFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			wasm := compileWatt(t, file, "--debug-names")
			dir := t.TempDir()
			in := filepath.Join(dir, "in.wasm")
			if err := os.WriteFile(in, wasm, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, extra := range [][]string{nil, {"--fold-exprs"}} {
				args := append(append([]string{"--enable-threads"}, extra...), in)
				var got, stderr bytes.Buffer
				if code := Wasm2Wat(args, nil, &got, &stderr); code != 0 {
					t.Fatalf("wasm2wat %v: exit %d\n%s", args, code, stderr.String())
				}
				text := filepath.Join(dir, "printed.wat")
				if err := os.WriteFile(text, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				if again := compileWatt(t, text, "--debug-names"); !bytes.Equal(again, wasm) {
					t.Errorf("wasm2wat %v output does not compile back to the same binary (differs at 0x%x)",
						extra, firstDiff(again, wasm))
				}
				want, err := exec.Command(wabtTool(t, "wasm2wat"), args...).Output()
				if err != nil {
					t.Fatalf("wabt wasm2wat %v: %v", args, err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Errorf("wasm2wat %v differs from wabt at byte %d", extra, firstDiff(got.Bytes(), want))
				}
			}
		})
	}
}
