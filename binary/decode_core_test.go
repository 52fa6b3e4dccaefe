package binary

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// coreBinaryModule is one `(module binary …)` of a core suite script.
type coreBinaryModule struct {
	file    string
	line    int
	command string // "module", "assert_malformed", "assert_invalid", ...
	want    string
	bytes   []byte
}

// coreBinaryModules lists the binary modules of every core suite file. A
// file the text parser cannot read yet (3.0 text syntax it lacks) is
// listed in unparsed; its binary modules are missing from the result.
func coreBinaryModules(t *testing.T) (mods []coreBinaryModule, unparsed []string) {
	t.Helper()
	for _, path := range testsuite.CoreFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := testsuite.CoreRel(t, path)
		src := ir.NewSource(rel, data, false)
		script, err := wat.ParseScript(src, testsuite.CoreFeatures)
		if err != nil {
			unparsed = append(unparsed, rel)
			continue
		}
		add := func(m *wat.ModuleCommand, command, want string) {
			if m.Kind == wat.ModuleBinary {
				mods = append(mods, coreBinaryModule{rel, src.Position(m.Pos).Line, command, want, m.Binary})
			}
		}
		var walk func(cmds []wat.Command)
		walk = func(cmds []wat.Command) {
			for _, c := range cmds {
				switch c := c.(type) {
				case *wat.ModuleCommand:
					add(c, "module", "")
				case *wat.AssertTrap:
					if c.Module != nil {
						add(c.Module, "assert_trap", c.Message)
					}
				case *wat.AssertModule:
					add(c.Module, coreAssertName[c.Kind], c.Message)
				case *wat.ThreadCommand:
					walk(c.Commands)
				}
			}
		}
		walk(script.Commands)
	}
	return mods, unparsed
}

var coreAssertName = map[ir.ErrorKind]string{
	ir.Malformed: "assert_malformed", ir.Invalid: "assert_invalid",
	ir.Unlinkable: "assert_unlinkable", ir.Uninstantiable: "assert_uninstantiable",
}

// Numbers of binary modules of the core suite this test checks, so that a
// change in the extraction (or the suite) shows up instead of silently
// testing less. They grow as the text parser learns the 3.0 syntax of
// more files.
const (
	coreMinMalformed = 711
	coreMinDecoded   = 99
)

// TestDecodeCoreSuite decodes every `(module binary …)` of the WebAssembly
// 3.0 core suite with the suite's features: those under assert_malformed
// must fail with the expected message (a prefix, as the spec runner
// matches), all others must decode.
func TestDecodeCoreSuite(t *testing.T) {
	mods, unparsed := coreBinaryModules(t)
	var malformed, decoded int
	for _, b := range mods {
		m, err := Decode(ir.NewSource(b.file, b.bytes, true), testsuite.CoreFeatures)
		if b.command == "assert_malformed" {
			malformed++
			var e *ir.Error
			switch {
			case err == nil:
				t.Errorf("%s:%d: decoded, want error %q", b.file, b.line, b.want)
			case !errors.As(err, &e):
				t.Errorf("%s:%d: error %T is not an *ir.Error", b.file, b.line, err)
			case !strings.HasPrefix(e.Msg, b.want):
				t.Errorf("%s:%d: error %q, want %q", b.file, b.line, e.Msg, b.want)
			case e.Kind != ir.Malformed || !e.Pos.IsValid():
				t.Errorf("%s:%d: error %v has kind %v, pos %v", b.file, b.line, e, e.Kind, e.Pos)
			}
			continue
		}
		decoded++
		if err != nil {
			t.Errorf("%s:%d (%s): %v", b.file, b.line, b.command, err)
		} else if m == nil {
			t.Errorf("%s:%d: nil module without error", b.file, b.line)
		}
	}
	t.Logf("core suite: %d malformed binary modules rejected as expected, %d others decoded; %d files the text parser cannot read yet: %v",
		malformed, decoded, len(unparsed), unparsed)
	if malformed < coreMinMalformed || decoded < coreMinDecoded {
		t.Errorf("found %d malformed and %d other binary modules, want at least %d and %d: the extraction lost some",
			malformed, decoded, coreMinMalformed, coreMinDecoded)
	}
}

// TestCoreSuiteBinaryRoundTrip takes every binary module of the core suite
// that decodes through the encoder: encoding and decoding again gives the
// same IR (up to the encoder's canonical forms), and encoding that gives
// the same bytes.
func TestCoreSuiteBinaryRoundTrip(t *testing.T) {
	mods, _ := coreBinaryModules(t)
	n := 0
	for _, b := range mods {
		m, err := Decode(ir.NewSource(b.file, b.bytes, true), testsuite.CoreFeatures)
		if err != nil {
			continue
		}
		n++
		opts := EncodeOptions{DebugNames: m.Name != "" || !namesEmpty(&m.Names), Features: testsuite.CoreFeatures}
		out, err := Encode(m, opts)
		if err != nil {
			t.Errorf("%s:%d: encode: %v", b.file, b.line, err)
			continue
		}
		m2, err := Decode(ir.NewSource("reencoded.wasm", out, true), testsuite.CoreFeatures)
		if err != nil {
			t.Errorf("%s:%d: decoding the re-encoded module: %v", b.file, b.line, err)
			continue
		}
		if out2, err := Encode(m2, opts); err != nil || !bytes.Equal(out, out2) {
			t.Errorf("%s:%d: encoding is not stable: %v", b.file, b.line, err)
		}
		clearCustomAfter(m)
		clearCustomAfter(m2)
		shortenBlockTypes(m)
		funcIndexElemTypes(m, testsuite.CoreFeatures)
		if diff := diffModules(m, m2); diff != "" {
			t.Errorf("%s:%d: encode → decode changed the IR:\n%s", b.file, b.line, diff)
		}
	}
	t.Logf("%d core suite binary modules round-tripped", n)
	if n < coreMinDecoded {
		t.Errorf("only %d modules decoded", n)
	}
}

// coreTextModule is one parsed text module of a core suite script.
type coreTextModule struct {
	file, command string
	line          int
	m             *ir.Module
}

// coreTextModules lists the text modules of every core suite file that
// the text parser accepts (those under assert_malformed excluded).
func coreTextModules(t *testing.T) []coreTextModule {
	t.Helper()
	var mods []coreTextModule
	for _, path := range testsuite.CoreFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := testsuite.CoreRel(t, path)
		src := ir.NewSource(rel, data, false)
		script, err := wat.ParseScript(src, testsuite.CoreFeatures)
		if err != nil {
			continue
		}
		add := func(c *wat.ModuleCommand, command string) {
			if c.Kind == wat.ModuleText && c.Module != nil && command != "assert_malformed" {
				mods = append(mods, coreTextModule{rel, command, src.Position(c.Pos).Line, c.Module})
			}
		}
		var walk func(cmds []wat.Command)
		walk = func(cmds []wat.Command) {
			for _, c := range cmds {
				switch c := c.(type) {
				case *wat.ModuleCommand:
					add(c, "module")
				case *wat.AssertTrap:
					if c.Module != nil {
						add(c.Module, "assert_trap")
					}
				case *wat.AssertModule:
					add(c.Module, coreAssertName[c.Kind])
				case *wat.ThreadCommand:
					walk(c.Commands)
				}
			}
		}
		walk(script.Commands)
	}
	return mods
}

// coreMinText is the number of text modules of the core suite the text
// round trip covers.
const coreMinText = 5127

// TestCoreSuiteTextRoundTrip encodes every text module of the core suite
// (as wat.ParseScript gives it) and decodes the bytes: the IR must come
// back (up to the encoder's canonical forms, debug names, and code
// metadata, which come back as the custom section they are written to),
// and encoding the decoded module must give the same bytes.
func TestCoreSuiteTextRoundTrip(t *testing.T) {
	mods := coreTextModules(t)
	failures := 0
	fail := func(m coreTextModule, format string, args ...any) {
		if failures++; failures <= 20 {
			t.Errorf("%s:%d (%s): %s", m.file, m.line, m.command, fmt.Sprintf(format, args...))
		}
	}
	for _, tm := range mods {
		out, err := Encode(tm.m, EncodeOptions{Features: testsuite.CoreFeatures})
		if err != nil {
			fail(tm, "encode: %v", err)
			continue
		}
		back, err := Decode(ir.NewSource("encoded.wasm", out, true), testsuite.CoreFeatures)
		if err != nil {
			if tm.command == "assert_invalid" && strings.Contains(err.Error(), "data count section required") {
				continue // data.drop without data segments: no data count section to write
			}
			fail(tm, "decode: %v", err)
			continue
		}
		if again, err := Encode(back, EncodeOptions{Features: testsuite.CoreFeatures}); err != nil || !bytes.Equal(again, out) {
			fail(tm, "encoding the decoded module gives other bytes (%v)", err)
		}
		want := clearPositions(tm.m)
		want.Name, want.Names = "", ir.Names{}
		shortenBlockTypes(want)
		untypeEmptySelects(want)
		funcIndexElemTypes(want, testsuite.CoreFeatures)
		stripCodeMeta(want, back)
		// The parser gives an empty struct, and an empty custom section,
		// empty slices where the decoder has nil.
		for i := range want.Types {
			if len(want.Types[i].Fields) == 0 {
				want.Types[i].Fields = nil
			}
		}
		for i := range want.Customs {
			if len(want.Customs[i].Data) == 0 {
				want.Customs[i].Data = nil
			}
		}
		clearCustomAfter(want)
		clearCustomAfter(back)
		if diff := diffModules(want, back); diff != "" {
			fail(tm, "text and decoded IR differ (-text +decoded):\n%s", diff)
		}
		// The debug names come back from the name section.
		out, err = Encode(tm.m, EncodeOptions{DebugNames: true, Features: testsuite.CoreFeatures})
		if err != nil {
			fail(tm, "encode with names: %v", err)
			continue
		}
		if back, err = Decode(ir.NewSource("named.wasm", out, true), testsuite.CoreFeatures); err == nil {
			if diff := cmp.Diff(tm.m.Names, back.Names, cmpopts.EquateEmpty()); diff != "" || tm.m.Name != back.Name {
				fail(tm, "names differ (-text +decoded):\n%s\nmodule name %q, decoded %q", diff, tm.m.Name, back.Name)
			}
		}
	}
	if failures > 20 {
		t.Errorf("... and %d more failures", failures-20)
	}
	t.Logf("%d core suite text modules encoded and decoded, %d failures", len(mods), failures)
	if len(mods) < coreMinText {
		t.Errorf("only %d text modules", len(mods))
	}
}

// stripCodeMeta removes the code metadata of text's instructions and the
// code metadata sections they became from decoded.
func stripCodeMeta(text, decoded *ir.Module) {
	walkInstrs(text, func(in *ir.Instr) { in.SetMeta(nil) })
	var keep []ir.Custom
	for _, c := range decoded.Customs {
		if !strings.HasPrefix(c.Name, codeMetaPrefix) {
			keep = append(keep, c)
		}
	}
	decoded.Customs = keep
}
