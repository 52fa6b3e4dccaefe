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

// TestConstExprShortcutWasm3: the shortcut leaves instructions with bodies
// (try_table, legacy try) and a try's arms to the general path.
func TestConstExprShortcutWasm3(t *testing.T) {
	features := ir.AllFeaturesOn()
	for _, expr := range [][]byte{
		{0x1f, 0x40, 0x00, 0x0b, 0x0b}, {0x06, 0x40, 0x0b, 0x0b}, {0x07, 0x00, 0x0b}, {0x19, 0x0b}, {0x18, 0x00, 0x0b},
		{0xd0, 0x63, 0x0b}, {0xd0, 0x00, 0x0b}, {0xfb, 0x1c, 0x0b}, {0x41, 0x01, 0xfb, 0x1c, 0x0b},
	} {
		mod := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x06, byte(3 + len(expr)), 0x01, 0x7f, 0x00}
		mod = append(mod, expr...)
		m1, err1 := Decode(ir.NewSource("g.wasm", mod, true), features)
		fastBodies = false
		m2, err2 := Decode(ir.NewSource("g.wasm", mod, true), features)
		fastBodies = true
		if !reflect.DeepEqual(err1, err2) || !reflect.DeepEqual(m1, m2) {
			t.Errorf("% x: shortcut gives %v %v, general path %v %v", expr, m1, err1, m2, err2)
		}
	}
}

// TestScanBodyWasm3: the fast path's scan understands the 3.0 immediates
// (typed block and select types, heap types, try_table's catches,
// br_on_cast, memory indices and 64-bit offsets), so such bodies decode as
// fast as 2.0 ones; only a legacy try leaves the body to the general path.
func TestScanBodyWasm3(t *testing.T) {
	tests := []struct {
		name  string
		body  []byte // instructions and the final end
		total int    // instructions, nested ones included; 0: not scanned
	}{
		{"block (ref null 0)", []byte{0x02, 0x63, 0x00, 0xd0, 0x00, 0x0b, 0x1a, 0x0b}, 3},
		{"block (ref 200)", []byte{0x02, 0x64, 0xc8, 0x01, 0x00, 0x0b, 0x0b}, 2},
		{"select (ref null 0) (ref any)", []byte{0x1c, 0x02, 0x63, 0x00, 0x64, 0x6e, 0x0b}, 1},
		{"ref.test (ref 64)", []byte{0xfb, 0x14, 0xc0, 0x00, 0x1a, 0x0b}, 2},
		{"br_on_cast", []byte{0xfb, 0x18, 0x03, 0x00, 0x6e, 0xc0, 0x00, 0x0b}, 1},
		{"try_table", []byte{0x1f, 0x7f, 0x03, 0x00, 0x01, 0x00, 0x01, 0x80, 0x01, 0x00, 0x03, 0x01, 0x41, 0x00, 0x0b, 0x1a, 0x0b}, 3},
		{"memarg with a memory index", []byte{0x41, 0x00, 0x29, 0x43, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x1a, 0x0b}, 3},
		{"array.new_fixed", []byte{0xfb, 0x08, 0x00, 0x80, 0x02, 0x1a, 0x0b}, 2},
		{"legacy try", []byte{0x06, 0x40, 0x07, 0x00, 0x0b, 0x0b}, 0},
	}
	for _, tt := range tests {
		d := &decoder{data: tt.body, features: ir.AllFeaturesOn()}
		_, total, ok := d.scanBody(0, len(tt.body), true)
		if tt.total == 0 {
			if ok {
				t.Errorf("%s: scanned, want the general path", tt.name)
			}
			continue
		}
		if !ok || total != tt.total {
			t.Errorf("%s: scan gives %d instructions, ok %v; want %d", tt.name, total, ok, tt.total)
		}
	}
}
