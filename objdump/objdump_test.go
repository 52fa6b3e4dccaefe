package objdump_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/objdump"
	"github.com/watt-wasm/watt/wat"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// encode compiles a text module as wat2wasm --debug-names does, for the
// features of wabt 1.0.32 (its element segment forms) or of 3.0.
func encode(t testing.TB, text string, wasm3 bool) []byte {
	t.Helper()
	m, err := wat.ParseModule(ir.NewSource("t.wat", []byte(text), false), ir.AllFeaturesOn())
	if err != nil {
		t.Fatal(err)
	}
	features := ir.Wasm2Features()
	if wasm3 {
		features = ir.DefaultFeatures()
	}
	b, err := binary.Encode(m, binary.EncodeOptions{DebugNames: true, Features: features})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGolden dumps testdata/*.wat with every view; the .golden files are
// wabt 1.0.32's output for `wasm-objdump -h -x -d -s` of the same binary
// (but the three global initializers wabt prints from uninitialised memory)
// (the differential test in internal/cli compares with wabt itself over
// the whole suite). wasm3.wat is WebAssembly 3.0, which wabt 1.0.32 cannot
// read: its golden is watt's output, checked by hand, with wabt's layout
// where wabt has one (its legacy exceptions, multi-memory memargs, struct
// and array types are as wabt prints them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.wat")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			opts := objdump.Options{Headers: true, Details: true, Disassemble: true, Raw: true}
			if err := objdump.Dump(&out, io.Discard, "m.wasm", encode(t, string(text), filepath.Base(f) == "wasm3.wat"), opts); err != nil {
				t.Fatal(err)
			}
			golden := f[:len(f)-len(".wat")] + ".golden"
			if *update {
				os.WriteFile(golden, out.Bytes(), 0o666)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("output differs from %s:\n%s", golden, out.String())
			}
		})
	}
}

// TestSectionNotFound: -j with a section the module lacks is reported
// after the details and again after the raw contents, as wabt does.
func TestSectionNotFound(t *testing.T) {
	var out, errs bytes.Buffer
	wasm := encode(t, `(module (func))`, false)
	err := objdump.Dump(&out, &errs, "m.wasm", wasm, objdump.Options{Headers: true, Details: true, Raw: true, Section: "nosuch"})
	if !errors.Is(err, objdump.ErrSectionNotFound) {
		t.Fatalf("err = %v, want ErrSectionNotFound", err)
	}
	if errs.String() != "Section not found: nosuch\nSection not found: nosuch\n" {
		t.Errorf("stderr %q", errs.String())
	}
	// Headers ignore -j; details print nothing.
	if !bytes.Contains(out.Bytes(), []byte("Type start=")) || bytes.Contains(out.Bytes(), []byte("Type[")) {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestMalformed: every pass prints what it read, then the error.
func TestMalformed(t *testing.T) {
	wasm := encode(t, `(module (func))`, false)
	wasm = wasm[:len(wasm)-1]
	var out bytes.Buffer
	err := objdump.Dump(&out, io.Discard, "m.wasm", wasm, objdump.Options{Headers: true})
	var e *objdump.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *objdump.Error", err)
	}
	if !bytes.Contains(out.Bytes(), []byte("Type start=")) {
		t.Errorf("headers before the error missing:\n%s", out.String())
	}
}

func FuzzDump(f *testing.F) {
	f.Add(encode(f, `(module
  (import "m" "f" (func $f (param i32)))
  (memory 1 2 shared) (table 2 funcref)
  (global $g (mut i64) (i64.const 1))
  (func (export "run") (param i32) (result i32) (local f32)
    (block (result i32) (i32.atomic.rmw.add (local.get 0) (i32.const 1)))
    (call $f (i32.const 2)) (br_table 0 0 (i32.const 0)))
  (elem (i32.const 0) func 0 1) (data (i32.const 8) "x"))`, false))
	if text, err := os.ReadFile("testdata/wasm3.wat"); err == nil {
		f.Add(encode(f, string(text), true))
	}
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := objdump.Options{Headers: true, Details: true, Disassemble: true, Raw: true}
		objdump.Dump(io.Discard, io.Discard, "f.wasm", data, opts)
		opts.Section = "name"
		objdump.Dump(io.Discard, io.Discard, "f.wasm", data, opts)
	})
}

// TestDeepNestingIndentCapped disassembles a nest deeper than the
// indentation cap: lines stop growing at 1,000 levels, so a
// deep nest's output grows linearly with its depth, not with its square.
func TestDeepNestingIndentCapped(t *testing.T) {
	const capLevels = 1000 // objdump's maxIndentLevels, as wasm2wat's 2,000 columns
	const depth = 3 * capLevels
	body := []byte{0} // no locals
	for range depth {
		body = append(body, 0x02, 0x40) // block
	}
	for range depth {
		body = append(body, 0x0b)
	}
	body = append(body, 0x0b)
	var mod []byte
	mod = append(mod, "\x00asm\x01\x00\x00\x00"...)
	mod = append(mod, 1, 4, 1, 0x60, 0, 0) // type section: [] -> []
	mod = append(mod, 3, 2, 1, 0)          // function section
	code := append(uleb(uint64(len(body))), body...)
	code = append([]byte{1}, code...)
	mod = append(append(append(mod, 10), uleb(uint64(len(code)))...), code...)
	var out bytes.Buffer
	if err := objdump.Dump(&out, io.Discard, "deep.wasm", mod, objdump.Options{Disassemble: true}); err != nil {
		t.Fatal(err)
	}
	longest, blocks := 0, 0
	for _, line := range strings.Split(out.String(), "\n") {
		longest = max(longest, len(line))
		if strings.Contains(line, "| ") && strings.HasSuffix(line, " block") {
			blocks++
		}
	}
	if blocks != depth {
		t.Errorf("%d block lines, want %d", blocks, depth)
	}
	if longest > 2*capLevels+80 {
		t.Errorf("longest line %d bytes: the indentation is not capped", longest)
	}
}

func uleb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}
