package cli

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
)

func TestWasmInterpFormatValue(t *testing.T) {
	for _, tc := range []struct {
		v    interp.Value
		want string
	}{
		{interp.I32(-1), "i32:4294967295"},
		{interp.I64(-2), "i64:18446744073709551614"},
		{interp.F32(2.5), "f32:2.500000"},
		{interp.F64(-3), "f64:-3.000000"},
		{interp.F64(math.NaN()), "f64:nan"},
		{interp.F64(math.Copysign(math.NaN(), -1)), "f64:-nan"},
		{interp.F32(float32(math.Inf(1))), "f32:inf"},
		{interp.V128(0x0000000200000001, 0xffffffff00000003), "v128 i32x4:0x00000001 0x00000002 0x00000003 0xffffffff"},
	} {
		if got := formatValue(tc.v); got != tc.want {
			t.Errorf("formatValue(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestWasmInterpParseArgument(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want interp.Value
		err  string
	}{
		{in: "i32:42", want: interp.I32(42)},
		{in: "i32:-1", want: interp.I32(-1)},
		{in: "i32:4294967295", want: interp.I32(-1)},
		{in: "i32:0x10", want: interp.I32(16)},
		{in: "i64:-5", want: interp.I64(-5)},
		{in: "f32:1.5", want: interp.F32(1.5)},
		{in: "f64:-0.25", want: interp.F64(-0.25)},
		{in: "i32:4294967296", err: "invalid i32 value"},
		{in: "i32", err: "needs TYPE:VALUE"},
		{in: "v128:1", err: "type must be"},
	} {
		got, err := parseArgument(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseArgument(%q) error = %v, want %q", tc.in, err, tc.err)
			}
		case err != nil || got != tc.want:
			t.Errorf("parseArgument(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestWasmInterpExitStatus(t *testing.T) {
	for in, want := range map[int]int{0: 0, 3: 3, 255: 255, 256: 1, -1: 255, 134: 134} {
		if got := exitStatus(in); got != want {
			t.Errorf("exitStatus(%d) = %d, want %d", in, got, want)
		}
	}
}

// TestWasmInterpWASIInProcess runs a WASI command through the tool
// function: stdin to stdout, and proc_exit's status as the exit code.
func TestWasmInterpWASIInProcess(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/echo.wat"
	src := `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 100))
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 4) (i32.load (i32.const 8)))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 256))))`
	if err := writeOutput(path, []byte(src), nil); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := WasmInterp([]string{"--wasi", path}, strings.NewReader("echo me"), &out, &errOut)
	if code != 1 || out.String() != "echo me" || errOut.Len() != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

// TestWasmInterpMatchesWabt runs the same module through wabt's
// wasm-interp and ours and compares the output line for line (no traps:
// wabt words its trap messages differently).
func TestWasmInterpMatchesWabt(t *testing.T) {
	// testscript puts watt's tools first on PATH: ask the harness where
	// wabt's are.
	dir := wabtDir()
	if dir == "" {
		t.Skip("wabt is not installed (apt-get install wabt)")
	}
	wabt := filepath.Join(dir, "wasm-interp")
	wat2wasm := filepath.Join(dir, "wat2wasm")
	tmp := t.TempDir()
	src := filepath.Join(tmp, "m.wat")
	bin := filepath.Join(tmp, "m.wasm")
	if err := os.WriteFile(src, []byte(`(module
  (import "host" "print" (func $print (param i32 i64 f32 f64)))
  (import "env" "get" (func $get (param i32) (result i32 f64)))
  (func (export "i32s") (result i32 i32 i32) i32.const 0 i32.const -1 i32.const 2147483647)
  (func (export "i64s") (result i64 i64) i64.const -9223372036854775808 i64.const 123456789012)
  (func (export "f32s") (result f32 f32 f32 f32) f32.const 0.1 f32.const -0 f32.const 3.4e38 f32.const 1e-10)
  (func (export "f64s") (result f64 f64 f64 f64) f64.const 0.1 f64.const -2.5e-7 f64.const 1e21 f64.const inf)
  (func (export "nans") (result f32 f64) f32.const nan f64.const nan)
  (func (export "void"))
  (func (export "print") (call $print (i32.const -7) (i64.const 8) (f32.const 1.25) (f64.const -0.5)))
  (func (export "dummy") (result i32) (call $get (i32.const 3)) drop)
  (func (export "skipped") (param i32) (result i32) local.get 0))`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(wat2wasm, src, "-o", bin).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, out)
	}
	args := []string{"--run-all-exports", "--host-print", "--dummy-import-func", bin}
	want, err := exec.Command(wabt, args...).Output()
	if err != nil {
		t.Fatalf("wabt's wasm-interp: %v", err)
	}
	var got, errOut bytes.Buffer
	if code := WasmInterp(args, nil, &got, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got.String() != string(want) {
		t.Errorf("output differs from wabt's\nwatt:\n%s\nwabt:\n%s", got.String(), want)
	}
}
