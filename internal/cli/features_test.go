package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// featureCases are modules that one feature flag allows or forbids, with
// wabt 1.0.32's verdict: only reference types make funcref a value type
// (an MVP element segment of function indices needs no flag), passive
// segments need bulk memory, and --disable-bulk-memory turns reference
// types off as well (issue 10).
var featureCases = []struct {
	flag, src string
	ok        bool
}{
	{"--disable-reference-types", `(module (table 1 funcref) (func $f) (elem (i32.const 0) $f))`, true},
	{"--disable-reference-types", `(module (table 1 funcref) (func $f) (elem (i32.const 0) func $f))`, true},
	{"--disable-reference-types", `(module (table funcref (elem $f)) (func $f))`, true},
	{"--disable-reference-types", `(module (table 1 funcref) (func $f) (elem (i32.const 0) funcref (ref.func $f)))`, true},
	{"--disable-reference-types", `(module (func $f) (elem func $f))`, true},
	{"--disable-reference-types", `(module (memory 1) (data "x"))`, true},
	{"--disable-reference-types", `(module (type (func)) (table 1 funcref) (func (call_indirect (type 0) (i32.const 0))))`, true},
	{"--disable-reference-types", `(module (func (local externref)))`, false},
	{"--disable-reference-types", `(module (func (param funcref)))`, false},
	{"--disable-reference-types", `(module (func (result externref) unreachable))`, false},
	{"--disable-reference-types", `(module (func (block (result externref) unreachable) drop))`, false},
	{"--disable-reference-types", `(module (global funcref (ref.null func)))`, false},
	{"--disable-reference-types", `(module (table 1 externref))`, false},
	{"--disable-reference-types", `(module (table 1 funcref) (elem (i32.const 0) funcref (ref.null func)))`, false},
	{"--disable-reference-types", `(module (func $f) (elem declare func $f))`, false},
	{"--disable-bulk-memory", `(module (table 1 funcref) (func $f) (elem (i32.const 0) $f))`, true},
	{"--disable-bulk-memory", `(module (memory 1) (data "x"))`, false},
	{"--disable-bulk-memory", `(module (func $f) (elem func $f))`, false},
	{"--disable-bulk-memory", `(module (func $f) (elem declare func $f))`, false},
	{"--disable-bulk-memory", `(module (func (local externref)))`, false},
}

// TestFeatureFlagsAgreeWithWabt runs wat2wasm on each case, and
// wasm-validate and wasm2wat on its binary (built with every feature on),
// with the flag on top of wabt's default features (--features=wasm2; with
// watt's 3.0 defaults exceptions and function references keep reference
// types on, as wabt's rules say): all three must agree with wabt's verdict.
func TestFeatureFlagsAgreeWithWabt(t *testing.T) {
	dir := t.TempDir()
	// Not exec.LookPath: testscript puts watt's own wat2wasm first on PATH.
	var wabt string
	if d := wabtDir(); d != "" {
		wabt = filepath.Join(d, "wat2wasm")
	}
	for i, c := range featureCases {
		in := filepath.Join(dir, "m.wat")
		out := filepath.Join(dir, "m.wasm")
		if err := os.WriteFile(in, []byte(c.src), 0o666); err != nil {
			t.Fatal(err)
		}
		if wabt != "" {
			if err := exec.Command(wabt, c.flag, in, "-o", filepath.Join(dir, "wabt.wasm")).Run(); (err == nil) != c.ok {
				t.Errorf("case %d: wabt's wat2wasm %s says ok=%v, the table %v: %s", i, c.flag, err == nil, c.ok, c.src)
			}
		}
		code, _, stderr := runTool(Wat2Wasm, "", wabtFeatures, c.flag, in, "-o", out)
		if (code == 0) != c.ok {
			t.Errorf("wat2wasm %s %s: exit %d, want ok=%v\n%s", c.flag, c.src, code, c.ok, stderr)
		}
		if !c.ok && !strings.Contains(stderr, "--enable-") {
			t.Errorf("wat2wasm %s %s: the error names no flag:\n%s", c.flag, c.src, stderr)
		}
		if code, _, stderr := runTool(Wat2Wasm, "", "--enable-all", in, "-o", out); code != 0 {
			t.Fatalf("wat2wasm --enable-all %s: %s", c.src, stderr)
		}
		if code, _, stderr := runTool(WasmValidate, "", wabtFeatures, c.flag, out); (code == 0) != c.ok {
			t.Errorf("wasm-validate %s of %s: exit %d, want ok=%v\n%s", c.flag, c.src, code, c.ok, stderr)
		}
		if code, _, stderr := runTool(Wasm2Wat, "", wabtFeatures, c.flag, out); (code == 0) != c.ok {
			t.Errorf("wasm2wat %s of %s: exit %d, want ok=%v\n%s", c.flag, c.src, code, c.ok, stderr)
		}
	}
}

// TestFeatureDependencies3: with 3.0's defaults exceptions and function
// references are on, so wabt's rules keep reference types on after
// --disable-reference-types; turning them off too turns it off.
func TestFeatureDependencies3(t *testing.T) {
	in := filepath.Join(t.TempDir(), "m.wat")
	if err := os.WriteFile(in, []byte(`(module (func (local externref)))`), 0o666); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(filepath.Dir(in), "m.wasm")
	if code, _, stderr := runTool(Wat2Wasm, "", "--disable-reference-types", in, "-o", out); code != 0 {
		t.Errorf("--disable-reference-types with 3.0's defaults: exit %d\n%s", code, stderr)
	}
	for _, args := range [][]string{
		{"--disable-exceptions", "--disable-function-references", "--disable-reference-types"},
		{"--features=-exceptions,-function-references,-reference-types"},
	} {
		code, _, stderr := runTool(Wat2Wasm, "", append(args, in, "-o", out)...)
		if code == 0 || !strings.Contains(stderr, "externref type requires --enable-reference-types") {
			t.Errorf("%v: exit %d, want the reference types error\n%s", args, code, stderr)
		}
	}
}

// TestSpectestInterpAllFeaturesOff: with every feature disabled,
// spectest-interp must not fall back to its defaults (a zero feature set
// used to mean "unset").
func TestSpectestInterpAllFeaturesOff(t *testing.T) {
	script := filepath.Join(t.TempDir(), "mvp.wast")
	src := `(module (func (export "f") (result i32) (i32.const 7)))
(assert_return (invoke "f") (i32.const 7))
(assert_malformed (module quote "(module (func (local externref)))") "externref type requires")
(assert_malformed (module quote "(module (memory 1) (data \"x\"))") "passive data segments require")
(assert_malformed (module quote "(module (func (drop (i32.extend8_s (i32.const 0)))))") "i32.extend8_s: instruction requires")
`
	if err := os.WriteFile(script, []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	args := []string{script}
	for _, fi := range ir.AllFeatures {
		args = append(args, "--disable-"+fi.Name)
	}
	if code, stdout, stderr := runTool(SpectestInterp, "", args...); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	// With the defaults the malformed modules parse, so the script fails.
	if code, _, _ := runTool(SpectestInterp, "", script); code == 0 {
		t.Error("the script passes with the default features too: it tests nothing")
	}
}
