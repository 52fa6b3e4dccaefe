package wat_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// print3Legacy is a module of the legacy exception instructions, which
// wabt 1.0.32 knows (--enable-exceptions).
const print3Legacy = `(module
  (import "m" "t" (tag (param f32)))
  (tag $e (export "e") (param i32))
  (tag $e2)
  (func $f (param i32) (result i32)
    (try $t (result i32)
      (do (local.get 0) (throw $e))
      (catch $e (drop) (i32.const 1) (drop) (rethrow $t))
      (catch 0 (drop) (i32.const 3))
      (catch_all (i32.const 2)))
    (try (do nop) (delegate 0))
    (block $b (try (do nop) (delegate $b)))
    drop
    try (result i32)
      i32.const 1
    catch $e2
      i32.const 2
    catch_all
      i32.const 3
    end))`

// TestPrintLegacyExceptionsMatchesWasm2wat compares the printing of the
// legacy exception instructions with wasm2wat's, flat and folded, with and
// without generated names.
func TestPrintLegacyExceptionsMatchesWasm2wat(t *testing.T) {
	for _, tool := range []string{"wat2wasm", "wasm2wat"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not on PATH: install wabt 1.0.32 to run the differential test", tool)
		}
	}
	dir := t.TempDir()
	wat0, wasm := filepath.Join(dir, "m.wat"), filepath.Join(dir, "m.wasm")
	if err := os.WriteFile(wat0, []byte(print3Legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("wat2wasm", "--enable-exceptions", wat0, "-o", wasm).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, out)
	}
	m, err := wat.ParseModule(ir.NewSource("m.wat", []byte(print3Legacy), false), ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		flags []string
		opts  wat.PrintOptions
	}{
		{nil, wat.PrintOptions{NoDebugNames: true}},
		{[]string{"--fold-exprs"}, wat.PrintOptions{NoDebugNames: true, FoldExprs: true}},
		{[]string{"--generate-names"}, wat.PrintOptions{NoDebugNames: true, GenerateNames: true}},
		{[]string{"--fold-exprs", "--generate-names", "--inline-exports", "--inline-imports"},
			wat.PrintOptions{NoDebugNames: true, FoldExprs: true, GenerateNames: true, InlineExports: true, InlineImports: true}},
	} {
		want, err := exec.Command("wasm2wat", append([]string{"--enable-exceptions", wasm}, v.flags...)...).Output()
		if err != nil {
			t.Fatalf("wasm2wat %v: %v", v.flags, err)
		}
		var got bytes.Buffer
		if err := wat.Print(&got, m, v.opts); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want) {
			t.Errorf("%v:\ngot:\n%s\nwant:\n%s", v.flags, got.String(), want)
		}
	}
}

// TestPrint3Layout fixes the layout of the WebAssembly 3.0 forms wabt
// 1.0.32 has none for: the spec's text, in wabt's style.
func TestPrint3Layout(t *testing.T) {
	src := `(module
  (rec (type $node (sub (struct (field $next (ref null $node)) (field $v (mut i64))))))
  (type $leaf (sub final $node (struct (field (ref null $node)) (field (mut i64)))))
  (type $bytes (array (mut i8)))
  (type $ft (func (param i32) (result i32)))
  (tag $e (param i32))
  (table $t i64 2 (ref null $ft) (ref.null $ft))
  (global $g i32 (i32.add (i32.const 1) (i32.const 2)))
  (elem $d declare func $f)
  (data $x (offset (i32.const 1) (i32.const 2) (i32.sub)) "")
  (memory 1)
  (func $f (param $n (ref null $node)) (result i32)
    (block $out (result i32)
      (try_table (result i32) (catch $e $out)
        (@metadata.code.branch_hint "\01")
        (if (result i32) (ref.is_null (local.get $n))
          (then (throw $e (i32.const 1)))
          (else (i32.wrap_i64 (struct.get $node $v (local.get $n))))))))
  (@custom "c" (after data) "\00"))`
	want := `(module
  (rec
    (type $node (sub (struct (field $next (ref null $node)) (field $v (mut i64))))))
  (type $leaf (sub final $node (struct (field (ref null $node)) (field (mut i64)))))
  (type $bytes (array (mut i8)))
  (type $ft (func (param i32) (result i32)))
  (type (;4;) (func (param i32)))
  (type (;5;) (func (param (ref null $node)) (result i32)))
  (func $f (type 5) (param $n (ref null $node)) (result i32)
    (block (result i32)  ;; label = @1
      (try_table (result i32) (catch $e 0 (;@1;))  ;; label = @2
        (@metadata.code.branch_hint "\01") (if (result i32)  ;; label = @3
          (ref.is_null
            (local.get $n))
          (then
            (throw $e
              (i32.const 1)))
          (else
            (i32.wrap_i64
              (struct.get $node $v
                (local.get $n))))))))
  (table $t i64 2 (ref null $ft) (ref.null $ft))
  (memory (;0;) 1)
  (tag $e (type 4) (param i32))
  (global $g i32 (i32.const 1) (i32.const 2) (i32.add))
  (elem $d declare func $f)
  (data $x (offset (i32.const 1) (i32.const 2) (i32.sub)) "")
  (@custom "c" (after data) "\00"))
`
	features := ir.DefaultFeatures()
	m, err := wat.ParseModule(ir.NewSource("m.wat", []byte(src), false), features)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := wat.Print(&got, m, wat.PrintOptions{FoldExprs: true, Annotations: true, Features: features}); err != nil {
		t.Fatal(err)
	}
	if got.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", got.String(), want)
	}
}
