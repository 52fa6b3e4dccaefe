package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// deepNest is issue 10's depth: a million nested blocks must work in every
// tool.
const deepNest = 1_000_000

// deepWat writes a module of deepNest nested blocks, loops or ifs, folded
// or flat, around a br to the outermost label.
func deepWat(kind string, folded bool) []byte {
	var open, close string
	switch {
	case kind == "if" && folded:
		open, close = "(if (i32.const 1) (then ", "))"
	case kind == "if":
		open, close = "i32.const 1 if ", "end "
	case folded:
		open, close = "("+kind+" ", ")"
	default:
		open, close = kind+" ", "end "
	}
	var b bytes.Buffer
	b.Grow(deepNest*(len(open)+len(close)) + 64)
	b.WriteString("(module (func ")
	for range deepNest {
		b.WriteString(open)
	}
	b.WriteString("br 999999 ")
	for range deepNest {
		b.WriteString(close)
	}
	b.WriteString("))")
	return b.Bytes()
}

// deepCounter counts the bytes and lines written and the lines holding a
// block header, without keeping the text (wasm2wat writes gigabytes for
// a million levels: indentation stops growing at 2,000 columns).
type deepCounter struct {
	n, lines, headers int
	header            []byte
	tail              []byte
}

func (w *deepCounter) Write(b []byte) (int, error) {
	w.n += len(b)
	w.lines += bytes.Count(b, []byte("\n"))
	seam := append(w.tail[:len(w.tail):len(w.tail)], b[:min(len(b), len(w.header)-1)]...)
	w.headers += bytes.Count(b, w.header) + bytes.Count(seam, w.header) - bytes.Count(w.tail, w.header)
	if len(b) >= 32 {
		w.tail = append(w.tail[:0], b[len(b)-32:]...)
	} else {
		w.tail = append(w.tail, b...)
		w.tail = w.tail[max(0, len(w.tail)-32):]
	}
	return len(b), nil
}

// TestToolsDeepNesting runs wat2wasm on a million nested blocks, loops and
// ifs, folded and flat, then wasm-validate and wasm2wat (flat and -f) on
// the binary, with a 64 MB goroutine stack limit: nothing recurses per
// nesting level (issue 10; wasm-interp is the interpreter's business).
func TestToolsDeepNesting(t *testing.T) {
	stack := debug.SetMaxStack(64 << 20)
	t.Cleanup(func() { debug.SetMaxStack(stack) })
	// The runtime settings of the tools' mains (TuneOneShot): the IR stays
	// live, so collections would only rescan it.
	gc, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(2<<30)
	t.Cleanup(func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) })
	dir := t.TempDir()
	kinds := []string{"block", "loop", "if"}
	if testing.Short() {
		kinds = kinds[:1] // about 3 s of CPU each; wat, binary and validate test all three
	}
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) { deepTools(t, dir, kind) })
	}
	if !testing.Short() {
		t.Run("exceptions", func(t *testing.T) { deepTools(t, dir, "exceptions") })
	}
}

// deepTryLevels are the levels of the "exceptions" nest, outermost first
// (level i is deepTryLevels[i%4]): try_table with a catch clause, a legacy
// try nesting in its do body, one nesting in its catch arm, one ending in
// delegate.
var deepTryLevels = [][4]string{ // flat open, flat close, folded open, folded close
	{"try_table (catch_all 0) ", "end ", "(try_table (catch_all 0) ", ")"},
	{"try ", "catch_all end ", "(try (do ", ") (catch_all))"},
	{"try catch 0 ", "end ", "(try (do) (catch 0 ", "))"},
	{"try ", "delegate 0 ", "(try (do ", ") (delegate 0))"},
}

// deepTryWat writes a module of deepNest nested exception blocks around a
// br to the outermost label.
func deepTryWat(folded bool) []byte {
	k := 0
	if folded {
		k = 2
	}
	var b bytes.Buffer
	b.Grow(deepNest * 24)
	b.WriteString("(module (tag) (func ")
	for i := range deepNest {
		b.WriteString(deepTryLevels[i%4][k])
	}
	b.WriteString("br 999999 ")
	for i := deepNest - 1; i >= 0; i-- {
		b.WriteString(deepTryLevels[i%4][k+1])
	}
	b.WriteString("))")
	return b.Bytes()
}

// deepTools runs the tools on the deep nests of one kind ("exceptions":
// deepTryWat's, with the legacy exceptions on).
func deepTools(t *testing.T, dir, kind string) {
	var wasm []byte
	var features []string
	header := kind + "  ;; label = @"
	if kind == "exceptions" {
		features = []string{"--enable-legacy-exceptions"}
		header = " ;; label = @"
	}
	for _, folded := range []bool{true, false} {
		name := kind + map[bool]string{true: "-folded", false: "-flat"}[folded]
		in, out := filepath.Join(dir, name+".wat"), filepath.Join(dir, name+".wasm")
		src := deepWat(kind, folded)
		if kind == "exceptions" {
			src = deepTryWat(folded)
		}
		if err := os.WriteFile(in, src, 0o666); err != nil {
			t.Fatal(err)
		}
		if code, stdout, stderr := runTool(Wat2Wasm, "", append(features, in, "-o", out)...); code != 0 {
			t.Fatalf("wat2wasm %s: exit %d\n%s%s", name, code, stdout, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if wasm != nil && !bytes.Equal(b, wasm) {
			t.Fatalf("wat2wasm: folded and flat %s nests encode differently", kind)
		}
		wasm = b
	}
	path := filepath.Join(dir, kind+"-flat.wasm")
	if code, stdout, stderr := runTool(WasmValidate, "", append(features, path)...); code != 0 {
		t.Fatalf("wasm-validate %s: exit %d\n%s%s", kind, code, stdout, stderr)
	}
	// wasm-validate has checked the module: the folded run skips it.
	for _, flags := range [][]string{nil, {"-f", "--no-check"}} {
		w := &deepCounter{header: []byte(header)}
		var stderr strings.Builder
		if code := Wasm2Wat(append(append(flags, features...), path), strings.NewReader(""), w, &stderr); code != 0 {
			t.Fatalf("wasm2wat %v %s: exit %d\n%s", flags, kind, code, stderr.String())
		}
		if w.headers != deepNest || w.lines < deepNest || w.lines > 4*deepNest+10 || w.n > w.lines*2050 {
			t.Errorf("wasm2wat %v %s: %d bytes in %d lines, %d block headers; want %d headers, lines of at most 2,050 columns",
				flags, kind, w.n, w.lines, w.headers, deepNest)
		}
	}
}
