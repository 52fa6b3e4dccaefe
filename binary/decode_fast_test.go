package binary

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// TestFastPathGoProgram decodes a real Go program (testdata/go/wasihello
// for wasip1) with and without the fast path for bodies: the IR must be
// the same.
func TestFastPathGoProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	out := filepath.Join(t.TempDir(), "hello.wasm")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/go/wasihello")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("building the Go wasm program: %v\n%s", err, msg)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	decode := func(fast bool) *ir.Module {
		fastBodies = fast
		defer func() { fastBodies = true }()
		m, err := Decode(ir.NewSource("hello.wasm", wasm, true), threadsOn)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m1, m2 := decode(true), decode(false); !reflect.DeepEqual(m1, m2) {
		t.Fatalf("fast and general paths decode differently:\n%s", diffModules(m1, m2))
	}
	// Cut the code section short at a few places: same errors.
	for _, cut := range []int{len(wasm) / 3, len(wasm) / 2, len(wasm)/2 + 1, 2 * len(wasm) / 3} {
		bad := append([]byte(nil), wasm[:cut]...)
		bad = append(bad, 0x0b, 0x0b, 0x05, 0x0b)
		bad = append(bad, wasm[cut+4:]...)
		_, err1 := Decode(ir.NewSource("bad.wasm", bad, true), threadsOn)
		fastBodies = false
		_, err2 := Decode(ir.NewSource("bad.wasm", bad, true), threadsOn)
		fastBodies = true
		if !reflect.DeepEqual(err1, err2) {
			t.Errorf("cut at %#x: fast path error %v, general path %v", cut, err1, err2)
		}
	}
}

// TestConstExprShortcut: readConstExpr's shortcut for one-instruction
// expressions never takes end or else for an instruction.
func TestConstExprShortcut(t *testing.T) {
	for _, expr := range [][]byte{{0x0b, 0x0b}, {0x05, 0x0b}, {0x41, 0x01, 0x0b}, {0x41, 0x80, 0x01, 0x0b}, {0x23, 0x00, 0x0b}, {0x41, 0x01, 0x41}} {
		// A module with one global of type i32 initialised by expr.
		mod := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x06, byte(3 + len(expr)), 0x01, 0x7f, 0x00}
		mod = append(mod, expr...)
		m1, err1 := Decode(ir.NewSource("g.wasm", mod, true), threadsOn)
		fastBodies = false
		m2, err2 := Decode(ir.NewSource("g.wasm", mod, true), threadsOn)
		fastBodies = true
		if !reflect.DeepEqual(err1, err2) || !reflect.DeepEqual(m1, m2) {
			t.Errorf("% x: shortcut gives %v %v, general path %v %v", expr, m1, err1, m2, err2)
		}
	}
}
