package binary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite/scriptmods"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// requireWabt skips the test when one of the wabt tools is not on PATH.
func requireWabt(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (wabt 1.0.32) not on PATH", tool)
		}
	}
}

// wabtModule is one module wabt compiled from a script.
type wabtModule struct {
	line    int
	command string
	bytes   []byte
}

// wast2jsonModules compiles a script with wast2json and returns the
// modules it wrote, except those of assert_malformed and those whose source
// is already binary (skip holds their lines). It reports false when
// wast2json rejects the script (wabt 1.0.32 lacks thread and wait, say).
func wast2jsonModules(t *testing.T, path, dir string, skip map[int]bool) ([]wabtModule, bool) {
	out := filepath.Join(dir, "out.json")
	cmd := exec.Command("wast2json", "--enable-threads", path, "-o", out)
	if err := cmd.Run(); err != nil {
		return nil, false
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var script struct {
		Commands []struct {
			Type     string `json:"type"`
			Line     int    `json:"line"`
			Filename string `json:"filename"`
		} `json:"commands"`
	}
	if err := json.Unmarshal(raw, &script); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	var mods []wabtModule
	for _, c := range script.Commands {
		if !strings.HasSuffix(c.Filename, ".wasm") || c.Type == "assert_malformed" || skip[c.Line] {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, c.Filename))
		if err != nil {
			t.Fatal(err)
		}
		mods = append(mods, wabtModule{c.Line, c.Type, b})
	}
	return mods, true
}

// wat2wasmModules compiles the script's text modules one by one with
// wat2wasm, leaving out those wabt rejects.
func wat2wasmModules(t *testing.T, texts []scriptmods.Module, dir string) []wabtModule {
	var mods []wabtModule
	for i, tm := range texts {
		if tm.Command == "assert_malformed" {
			continue
		}
		wat := filepath.Join(dir, fmt.Sprintf("m%d.wat", i))
		wasm := filepath.Join(dir, fmt.Sprintf("m%d.wasm", i))
		if err := os.WriteFile(wat, []byte(tm.Text), 0o666); err != nil {
			t.Fatal(err)
		}
		if err := exec.Command("wat2wasm", "--enable-threads", "--no-check", wat, "-o", wasm).Run(); err != nil {
			continue // wabt 1.0.32 cannot compile it
		}
		b, err := os.ReadFile(wasm)
		if err != nil {
			t.Fatal(err)
		}
		mods = append(mods, wabtModule{tm.Line, tm.Command, b})
	}
	return mods
}

// encoderWorks reports whether the concurrently written encoder is in;
// until it is, the round trip checks only the decoding half.
func encoderWorks() bool {
	_, err := Encode(&ir.Module{}, EncodeOptions{})
	return err == nil
}

// TestDecodeRoundTrip takes every text module of the suite through wabt
// (wat2wasm --enable-threads) and checks that Decode accepts its output,
// that Encode reproduces wabt's bytes exactly, and that decoding the
// re-encoded bytes gives the same IR.
func TestDecodeRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs wabt on the whole suite; skipped with -short")
	}
	requireWabt(t, "wast2json", "wat2wasm")
	files := testsuite.Files(t)
	encode := encoderWorks()
	if !encode {
		t.Log("binary.Encode is not implemented yet: checking decoding only")
	}
	var total atomic.Int64
	t.Run("suite", func(t *testing.T) {
		for _, path := range files {
			name := strings.TrimSuffix(filepath.Base(path), ".wast")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				bins, texts, err := collectWastModules(name, string(src))
				if err != nil {
					t.Fatal(err)
				}
				skip := map[int]bool{}
				for _, b := range bins {
					skip[b.Line] = true
				}
				dir := t.TempDir()
				mods, ok := wast2jsonModules(t, path, dir, skip)
				if !ok {
					mods = wat2wasmModules(t, texts, dir)
				}
				textAt := map[int]string{}
				for _, tm := range texts {
					textAt[tm.Line] = tm.Text
				}
				failures := 0
				for _, mod := range mods {
					err := decodeRoundTrip(mod.bytes, encode)
					if err == nil && textAt[mod.line] != "" {
						err = compareWithText(mod.bytes, textAt[mod.line])
					}
					if err != nil && mod.command == "assert_invalid" && strings.Contains(err.Error(), "data count section required") {
						// wabt writes no data count section for a module
						// without data segments, so data.drop 0 there is
						// malformed in binary: wasm-validate says so too.
						continue
					}
					if err != nil {
						if failures++; failures <= 5 {
							t.Errorf("%s.wast:%d: %v", name, mod.line, err)
						}
					}
				}
				if failures > 5 {
					t.Errorf("... and %d more failures", failures-5)
				}
				total.Add(int64(len(mods)))
			})
		}
	})
	t.Logf("%d modules compiled by wabt round-tripped (encoder checked: %v)", total.Load(), encode)
	if total.Load() == 0 {
		t.Error("no module was compiled: is wabt working?")
	}
}

// decodeRoundTrip checks one wabt-compiled module: decode, encode back to
// the same bytes, decode again to the same IR.
func decodeRoundTrip(wasm []byte, encode bool) error {
	m, err := Decode(ir.NewSource("wabt.wasm", wasm, true), suiteFeatures())
	if err != nil {
		return fmt.Errorf("decode: %v", err)
	}
	if !encode {
		return nil
	}
	out, err := Encode(m, EncodeOptions{DebugNames: m.Name != "" || !namesEmpty(&m.Names), Features: suiteFeatures()})
	if err != nil {
		return fmt.Errorf("encode: %v", err)
	}
	if !bytes.Equal(out, wasm) {
		i := 0
		for i < len(out) && i < len(wasm) && out[i] == wasm[i] {
			i++
		}
		return fmt.Errorf("re-encoded bytes differ at offset %#x (lengths %d, wabt %d)\n got % x\nwant % x",
			i, len(out), len(wasm), window(out, i), window(wasm, i))
	}
	m2, err := Decode(ir.NewSource("reencoded.wasm", out, true), suiteFeatures())
	if err != nil {
		return fmt.Errorf("decode of re-encoded bytes: %v", err)
	}
	if diff := diffModules(m, m2); diff != "" {
		return fmt.Errorf("IR changed by encode and decode (-first +second):\n%s", diff)
	}
	return nil
}

// diffModules compares two modules, positions ignored. go-cmp's diff of
// whole instruction trees can take very long when they differ, so the
// modules are first compared cheaply with positions cleared, and only the
// first differing function is diffed.
func diffModules(a, b *ir.Module) string {
	ca, cb := clearPositions(a), clearPositions(b)
	if reflect.DeepEqual(ca, cb) {
		return ""
	}
	ignorePos := cmpopts.IgnoreTypes(ir.Pos(0))
	if len(ca.Funcs) == len(cb.Funcs) {
		for i := range ca.Funcs {
			if !reflect.DeepEqual(ca.Funcs[i], cb.Funcs[i]) {
				return fmt.Sprintf("function %d:\n%s", i, cmp.Diff(a.Funcs[i], b.Funcs[i], ignorePos))
			}
		}
		ca.Funcs, cb.Funcs = nil, nil
	}
	return cmp.Diff(ca, cb, ignorePos)
}

// clearPositions returns a deep copy of m with every ir.Pos zeroed, so that
// reflect.DeepEqual can compare modules from different byte layouts.
func clearPositions(m *ir.Module) *ir.Module {
	var zero func(v reflect.Value) reflect.Value
	posType := reflect.TypeOf(ir.Pos(0))
	zero = func(v reflect.Value) reflect.Value {
		if v.Type() == posType {
			return reflect.Zero(posType)
		}
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return v
			}
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(zero(v.Elem()))
			return p
		case reflect.Struct:
			c := reflect.New(v.Type()).Elem()
			for i := range v.NumField() {
				c.Field(i).Set(zero(v.Field(i)))
			}
			return c
		case reflect.Slice:
			if v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 || v.Type().Elem().Kind() == reflect.Uint32 {
				return v
			}
			c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			for i := range v.Len() {
				c.Index(i).Set(zero(v.Index(i)))
			}
			return c
		}
		return v
	}
	return zero(reflect.ValueOf(m)).Interface().(*ir.Module)
}

// compareWithText checks that decoding wabt's bytes gives the IR that
// wat.ParseModule gives for the module's text, positions and debug names
// aside: the design promises text and binary meet in the same IR.
func compareWithText(wasm []byte, text string) error {
	fromText, err := wat.ParseModule(ir.NewSource("text.wat", []byte(text), false), suiteFeatures())
	if err != nil {
		return nil // wabt accepts some modules the parser rejects on purpose; not this test's business
	}
	fromBinary, err := Decode(ir.NewSource("wabt.wasm", wasm, true), suiteFeatures())
	if err != nil {
		return fmt.Errorf("decode: %v", err)
	}
	fromText.Name, fromText.Names = "", ir.Names{}
	fromBinary.Name, fromBinary.Names = "", ir.Names{}
	// wabt writes the short form of some signatures; see the fuzz target.
	shortenBlockTypes(fromText)
	shortenBlockTypes(fromBinary)
	untypeEmptySelects(fromText)
	if diff := diffModules(fromText, fromBinary); diff != "" {
		return fmt.Errorf("text and binary give different IR (-text +binary):\n%s", diff)
	}
	return nil
}

// window returns up to 16 bytes of b around offset i, for messages.
func window(b []byte, i int) []byte {
	return b[max(0, i-4):min(len(b), i+12)]
}

func namesEmpty(n *ir.Names) bool {
	return len(n.Funcs) == 0 && len(n.Locals) == 0 && len(n.Types) == 0 && len(n.Tables) == 0 &&
		len(n.Memories) == 0 && len(n.Globals) == 0 && len(n.Elems) == 0 && len(n.Datas) == 0 &&
		len(n.Tags) == 0 && len(n.Fields) == 0
}

// TestDecodeDebugNames compiles the repository's threads examples with
// wat2wasm --debug-names and checks that the name section decodes to the
// names wat.ParseModule gives the text.
func TestDecodeDebugNames(t *testing.T) {
	requireWabt(t, "wat2wasm")
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "threads", "*.wat"))
	if len(files) == 0 {
		t.Skip("no testdata/threads/*.wat")
	}
	for _, path := range files {
		out := filepath.Join(t.TempDir(), "out.wasm")
		if msg, err := exec.Command("wat2wasm", "--enable-threads", "--debug-names", path, "-o", out).CombinedOutput(); err != nil {
			t.Logf("skipping %s, which wabt 1.0.32 rejects: %s", path, msg)
			continue
		}
		wasm, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fromText, err := wat.ParseModule(ir.NewSource(path, text, false), suiteFeatures())
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		m, err := Decode(ir.NewSource(out, wasm, true), suiteFeatures())
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if namesEmpty(&m.Names) {
			t.Errorf("%s: no names decoded", path)
		}
		if diff := cmp.Diff(fromText.Names, m.Names); diff != "" || m.Name != fromText.Name {
			t.Errorf("%s: names differ (-text +binary):\n%s\nmodule name %q, text %q", path, diff, m.Name, fromText.Name)
		}
		for _, c := range m.Customs {
			if c.Name == "name" {
				t.Errorf("%s: the decoded name section is also kept as a custom section", path)
			}
		}
	}
}
