package litmus

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/spectest"
)

func emitTo(t *testing.T, dir string, lt *Test) string {
	t.Helper()
	var b bytes.Buffer
	if err := EmitWast(&b, lt, mustModel(t, lt)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, lt.Name+".wast")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runWast(t *testing.T, path string) *spectest.Result {
	t.Helper()
	res, err := spectest.RunFile(context.Background(), path, spectest.Options{})
	if err != nil {
		t.Fatalf("%s", ir.Format(err))
	}
	return res
}

// Every catalogue entry, emitted as a .wast script, passes watt's own spec
// runner (threads, waits and the (either …) assertion), several times.
func TestEmitCatalogue(t *testing.T) {
	dir := t.TempDir()
	for _, lt := range loadCatalogue(t) {
		path := emitTo(t, dir, lt)
		for range 5 {
			res := runWast(t, path)
			if res.Failed > 0 || res.Passed == 0 {
				data, _ := os.ReadFile(path)
				t.Fatalf("%s: %d failed: %v\n%s", lt.Name, res.Failed, res.Failures(), data)
			}
		}
		// The emitted script reads back as the same litmus test: its
		// check loads the observed values in order, so the lifted test
		// has the same outcomes with the same verdicts.
		back := parseWastFile(t, path)
		if got, want := len(back.Threads), len(lt.Threads); got != want {
			t.Errorf("%s: emitted script lifts to %d threads, want %d", lt.Name, got, want)
		}
		m, mb := mustModel(t, lt), mustModel(t, back)
		if len(m.Allowed) != len(mb.Allowed) {
			t.Errorf("%s: %d allowed outcomes, %d after emit and lift", lt.Name, len(m.Allowed), len(mb.Allowed))
		}
		for _, o := range m.Allowed {
			if v, vb := m.Verdict(o), mb.Verdict(o); v != vb {
				t.Errorf("%s: %s is %v, after emit and lift %v", lt.Name, lt.Format(o), v, vb)
			}
		}
	}
}

// The suite's own scripts, lifted and emitted again, pass too.
func TestEmitSuite(t *testing.T) {
	dir := testsuite.Dir(t)
	out := t.TempDir()
	for _, name := range suiteLitmus {
		lt := parseWastFile(t, filepath.Join(dir, "threads", name+".wast"))
		if res := runWast(t, emitTo(t, out, lt)); res.Failed > 0 {
			t.Errorf("%s: %v", name, res.Failures())
		}
	}
}

// The emitted assertion fails when a forbidden outcome occurs: removing
// the store that a thread's own later load must see makes the script fail.
func TestEmitCatchesForbidden(t *testing.T) {
	lt := mustParse(t, `WASM Own
{ x=0; y=5; }
 P0                     | P1                     ;
 i32.atomic.store x 1   | r1 = i32.atomic.load y ;
 r0 = i32.atomic.load x |                        ;
`)
	dir := t.TempDir()
	path := emitTo(t, dir, lt)
	data, _ := os.ReadFile(path)
	text := string(data)
	// y=5 is initialised by a data segment.
	if !strings.Contains(text, `(data (i32.const 64) "\05\00\00\00")`) {
		t.Errorf("no data segment for y:\n%s", text)
	}
	if res := runWast(t, path); res.Failed != 0 {
		t.Fatalf("clean script fails: %v", res.Failures())
	}
	broken := strings.Replace(text, "(i32.atomic.store (i32.const 0) (i32.const 1))", "(nop)", 1)
	if broken == text {
		t.Fatalf("store not found in:\n%s", text)
	}
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runWast(t, path)
	if res.Failed != 1 || !strings.Contains(res.Failures()[0].Msg, "either") {
		t.Errorf("broken script: %d failed: %v", res.Failed, res.Failures())
	}
}
