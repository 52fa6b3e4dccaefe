package spectest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// TestJSONScript runs a hand-written wast2json-style script: every value
// form the JSON format has (decimal bits, NaN patterns, v128 lanes,
// references), an assertion that must fail, and a malformed text module.
func TestJSONScript(t *testing.T) {
	dir := t.TempDir()
	src := `(module
	  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
	  (func (export "nan") (result f32) (f32.const nan))
	  (func (export "splat") (param i32) (result v128) (i32x4.splat (local.get 0)))
	  (func (export "null") (result externref) (ref.null extern))
	  (func (export "boom") (unreachable))
	  (global (export "g") i64 (i64.const -1)))`
	m, err := wat.ParseModule(ir.NewSource("m.wat", []byte(src), false), DefaultFeatures())
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := binary.Encode(m, binary.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("s.0.wasm", string(wasm))
	write("s.1.wat", "(module (func (i32.nope)))")
	write("s.json", `{"source_filename": "s.wast", "commands": [
	  {"type": "module", "line": 1, "filename": "s.0.wasm"},
	  {"type": "assert_return", "line": 2, "action": {"type": "invoke", "field": "add", "args": [{"type": "i32", "value": "4294967295"}, {"type": "i32", "value": "2"}]}, "expected": [{"type": "i32", "value": "1"}]},
	  {"type": "assert_return", "line": 3, "action": {"type": "invoke", "field": "nan", "args": []}, "expected": [{"type": "f32", "value": "nan:canonical"}]},
	  {"type": "assert_return", "line": 4, "action": {"type": "invoke", "field": "splat", "args": [{"type": "i32", "value": "7"}]}, "expected": [{"type": "v128", "lane_type": "i32", "value": ["7", "7", "7", "7"]}]},
	  {"type": "assert_return", "line": 5, "action": {"type": "invoke", "field": "null", "args": []}, "expected": [{"type": "externref", "value": "null"}]},
	  {"type": "assert_return", "line": 6, "action": {"type": "get", "field": "g"}, "expected": [{"type": "i64", "value": "18446744073709551615"}]},
	  {"type": "assert_trap", "line": 7, "action": {"type": "invoke", "field": "boom", "args": []}, "text": "unreachable"},
	  {"type": "assert_malformed", "line": 8, "filename": "s.1.wat", "text": "unknown operator", "module_type": "text"},
	  {"type": "assert_return", "line": 9, "action": {"type": "invoke", "field": "add", "args": [{"type": "i32", "value": "1"}, {"type": "i32", "value": "1"}]}, "expected": [{"type": "i32", "value": "3"}]}
	]}`)
	res, err := RunJSONFile(context.Background(), filepath.Join(dir, "s.json"), Options{Features: testsuite.Features})
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed != 8 || res.Failed != 1 {
		t.Fatalf("passed %d, failed %d; want 8 and 1: %v", res.Passed, res.Failed, res.Failures())
	}
	f := res.Failures()[0]
	if p := f.Position(); p.File != "s.wast" || p.Line != 9 || !strings.Contains(f.Msg, "got i32:2") {
		t.Errorf("failure = %v at %v; want s.wast line 9 reporting the actual value", f, p)
	}
}

// TestJSONMatchesWast converts suite files with wabt's wast2json and checks
// that the .json scripts pass just as the .wast files do.
func TestJSONMatchesWast(t *testing.T) {
	tool, err := exec.LookPath("wast2json")
	if err != nil {
		t.Skip("wast2json (wabt) not on PATH")
	}
	dir := testsuite.Dir(t)
	for _, name := range []string{"i32.wast", "linking.wast", "binary.wast", "ref_null.wast", "simd/simd_lane.wast", "threads/atomic.wast"} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "s.json")
			if msg, err := exec.Command(tool, "--enable-threads", filepath.Join(dir, name), "-o", out).CombinedOutput(); err != nil {
				t.Skipf("wast2json rejects %s: %s", name, msg)
			}
			res, err := RunJSONFile(context.Background(), out, Options{Features: testsuite.Features})
			if err != nil {
				t.Fatal(err)
			}
			if res.Passed == 0 || res.Failed != 0 {
				t.Errorf("passed %d, failed %d: %v", res.Passed, res.Failed, res.Failures())
			}
		})
	}
}
