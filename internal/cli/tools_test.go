package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addWat and addWasm are a small module and wabt 1.0.32's encoding of it.
const addWat = `(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add))
`

var addWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01,
	0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09,
	0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
}

// runTool runs one tool in-process with stdin and returns its exit code,
// stdout and stderr.
func runTool(tool func([]string, io.Reader, io.Writer, io.Writer) int, stdin string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := tool(args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestWat2WasmStdinToStdout(t *testing.T) {
	code, stdout, stderr := runTool(Wat2Wasm, addWat, "-")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !bytes.Equal([]byte(stdout), addWasm) {
		t.Errorf("stdout = % x\nwant     % x", stdout, addWasm)
	}
}

func TestWat2WasmErrorLayout(t *testing.T) {
	src := "(module\n  (func (result i32)\n    (i32.nonsense)))\n"
	code, stdout, stderr := runTool(Wat2Wasm, src, "-", "-o", filepath.Join(t.TempDir(), "out.wasm"))
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	lines := strings.Split(stderr, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "<stdin>:3:6: error: ") ||
		lines[1] != "    (i32.nonsense)))" || lines[2] != "     ^^^^^^^^^^^^" {
		t.Errorf("stderr is not file:line:col: error: msg, source line, caret:\n%s", stderr)
	}
}

func TestWat2WasmErrorKeepsPreviousOutput(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "bad.wat"), filepath.Join(dir, "bad.wasm")
	for name, data := range map[string]string{in: "(module (func (result i32)))", out: "previous"} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := runTool(Wat2Wasm, "", in); code != 1 || !strings.Contains(stderr, "type mismatch") {
		t.Fatalf("exit %d, stderr %q; want 1 and a type mismatch", code, stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != "previous" {
		t.Errorf("output file changed to %q on error", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left behind: %v", entries)
	}
}

func TestWasm2WatStdin(t *testing.T) {
	code, stdout, stderr := runTool(Wasm2Wat, string(addWasm), "-")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := `(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (func (;0;) (type 0) (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (export "add" (func 0)))
`
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestWasmValidate(t *testing.T) {
	if code, stdout, stderr := runTool(WasmValidate, string(addWasm), "-"); code != 0 || stdout != "" || stderr != "" {
		t.Errorf("valid module: exit %d, stdout %q, stderr %q; want 0 and silence", code, stdout, stderr)
	}
	// Function 0 returns i32 but its body is empty.
	invalid := append([]byte{}, addWasm[:len(addWasm)-11]...)
	invalid = append(invalid, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b)
	code, _, stderr := runTool(WasmValidate, string(invalid), "-")
	if code != 1 || !strings.HasPrefix(stderr, "<stdin>:0x") || !strings.Contains(stderr, "error: type mismatch") {
		t.Errorf("invalid module: exit %d, stderr %q; want 1 and <stdin>:0x…: error: type mismatch", code, stderr)
	}
	code, _, stderr = runTool(WasmValidate, "\x00asm\x01\x00\x00\x00\x01", "-")
	if code != 1 || !strings.HasPrefix(stderr, "<stdin>:0x") {
		t.Errorf("truncated module: exit %d, stderr %q; want 1 and a positioned error", code, stderr)
	}
}
