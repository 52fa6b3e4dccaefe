package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkToolResult fails unless a tool run ended in success (0) or a
// reported error (1): exit 2 means a panic reached the CLI boundary.
func checkToolResult(t *testing.T, tool string, code int, stderr string) {
	t.Helper()
	switch code {
	case 0:
	case 1:
		if !strings.Contains(stderr, "error: ") {
			t.Errorf("%s exit 1 without an error message: %q", tool, stderr)
		}
	default:
		t.Fatalf("%s exit %d:\n%s", tool, code, stderr)
	}
}

// FuzzWat2Wasm feeds arbitrary text to wat2wasm (threads on) and, when it
// compiles, the binary to wasm-validate and wasm2wat: every tool must
// succeed or report an error, never crash.
func FuzzWat2Wasm(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(examplesDir, "*.wat"))
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte(addWat))
	f.Add([]byte("(module (memory 1 shared) (func (i32.atomic.load align=2 (i32.const 0))))"))
	f.Fuzz(func(t *testing.T, src []byte) {
		var wasm, stderr bytes.Buffer
		code := Wat2Wasm([]string{"--enable-threads", "--debug-names", "-"}, bytes.NewReader(src), &wasm, &stderr)
		checkToolResult(t, "wat2wasm", code, stderr.String())
		if code != 0 {
			return
		}
		// wat-desugar's text is the same module: it compiles to the same
		// binary.
		var desugared, again, errOut bytes.Buffer
		if code := WatDesugar([]string{"--enable-threads", "-"}, bytes.NewReader(src), &desugared, &errOut); code != 0 {
			t.Fatalf("wat-desugar rejects what wat2wasm compiles (exit %d):\n%s", code, errOut.String())
		}
		if code := Wat2Wasm([]string{"--enable-threads", "--debug-names", "-"}, bytes.NewReader(desugared.Bytes()), &again, &errOut); code != 0 {
			t.Fatalf("wat-desugar's output does not compile:\n%s\n%s", desugared.String(), errOut.String())
		}
		if !bytes.Equal(wasm.Bytes(), again.Bytes()) {
			t.Errorf("wat-desugar's output compiles to another binary:\n%s", desugared.String())
		}
		for name, tool := range map[string]func([]string, io.Reader, io.Writer, io.Writer) int{
			"wasm-validate": WasmValidate, "wasm2wat": Wasm2Wat,
		} {
			var out, errOut bytes.Buffer
			code := tool([]string{"--enable-threads", "-"}, bytes.NewReader(wasm.Bytes()), &out, &errOut)
			if code != 0 {
				t.Errorf("%s rejects what wat2wasm wrote (exit %d):\n%s", name, code, errOut.String())
			}
		}
	})
}

// FuzzWasmTools feeds arbitrary bytes to wasm-validate and wasm2wat.
func FuzzWasmTools(f *testing.F) {
	f.Add(addWasm)
	f.Add(addWasm[:20])
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x05\x04\x01\x03\x01\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for name, tool := range map[string]func([]string, io.Reader, io.Writer, io.Writer) int{
			"wasm-validate": WasmValidate, "wasm2wat": Wasm2Wat,
		} {
			var out, stderr bytes.Buffer
			code := tool([]string{"--enable-all", "-"}, bytes.NewReader(data), &out, &stderr)
			checkToolResult(t, name, code, stderr.String())
		}
		var out, stderr bytes.Buffer
		code := WasmStrip([]string{"-"}, bytes.NewReader(data), &out, &stderr)
		checkToolResult(t, "wasm-strip", code, stderr.String())
		stderr.Reset()
		if code := WasmObjdump([]string{"-h", "-x", "-d", "-s", "-"}, bytes.NewReader(data), io.Discard, &stderr); code > 1 {
			t.Fatalf("wasm-objdump exit %d:\n%s", code, stderr.String())
		}
	})
}
