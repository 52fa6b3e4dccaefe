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
	"github.com/watt-wasm/watt/internal/testsuite/scriptmods"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// coreScriptModules lists the modules of every core suite file. A file
// the text parser cannot read is listed in unparsed; its modules are
// missing from the result.
func coreScriptModules(t *testing.T) (mods []scriptmods.Module, unparsed []string) {
	t.Helper()
	for _, path := range testsuite.CoreFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := testsuite.CoreRel(t, path)
		ms, err := scriptmods.ModulesFor(rel, data, testsuite.CoreFeatures)
		if err != nil {
			unparsed = append(unparsed, rel)
			continue
		}
		mods = append(mods, ms...)
	}
	return mods, unparsed
}

// coreBinaryModules lists the binary modules of every core suite file
// (see coreScriptModules).
func coreBinaryModules(t *testing.T) (mods []scriptmods.Module, unparsed []string) {
	all, unparsed := coreScriptModules(t)
	for _, m := range all {
		if m.Kind == wat.ModuleBinary {
			mods = append(mods, m)
		}
	}
	return mods, unparsed
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
		m, err := Decode(ir.NewSource(b.File, b.Binary, true), testsuite.CoreFeatures)
		if b.Command == "assert_malformed" {
			malformed++
			var e *ir.Error
			switch {
			case err == nil:
				t.Errorf("%s:%d: decoded, want error %q", b.File, b.Line, b.Want)
			case !errors.As(err, &e):
				t.Errorf("%s:%d: error %T is not an *ir.Error", b.File, b.Line, err)
			case !strings.HasPrefix(e.Msg, b.Want):
				t.Errorf("%s:%d: error %q, want %q", b.File, b.Line, e.Msg, b.Want)
			case e.Kind != ir.Malformed || !e.Pos.IsValid():
				t.Errorf("%s:%d: error %v has kind %v, pos %v", b.File, b.Line, e, e.Kind, e.Pos)
			}
			continue
		}
		decoded++
		if err != nil {
			t.Errorf("%s:%d (%s): %v", b.File, b.Line, b.Command, err)
		} else if m == nil {
			t.Errorf("%s:%d: nil module without error", b.File, b.Line)
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
		m, err := Decode(ir.NewSource(b.File, b.Binary, true), testsuite.CoreFeatures)
		if err != nil {
			continue
		}
		n++
		opts := EncodeOptions{DebugNames: m.Name != "" || !namesEmpty(&m.Names), Features: testsuite.CoreFeatures}
		out, err := Encode(m, opts)
		if err != nil {
			t.Errorf("%s:%d: encode: %v", b.File, b.Line, err)
			continue
		}
		m2, err := Decode(ir.NewSource("reencoded.wasm", out, true), testsuite.CoreFeatures)
		if err != nil {
			t.Errorf("%s:%d: decoding the re-encoded module: %v", b.File, b.Line, err)
			continue
		}
		if out2, err := Encode(m2, opts); err != nil || !bytes.Equal(out, out2) {
			t.Errorf("%s:%d: encoding is not stable: %v", b.File, b.Line, err)
		}
		clearCustomAfter(m)
		clearCustomAfter(m2)
		shortenBlockTypes(m)
		funcIndexElemTypes(m, testsuite.CoreFeatures)
		if diff := diffModules(m, m2); diff != "" {
			t.Errorf("%s:%d: encode → decode changed the IR:\n%s", b.File, b.Line, diff)
		}
	}
	t.Logf("%d core suite binary modules round-tripped", n)
	if n < coreMinDecoded {
		t.Errorf("only %d modules decoded", n)
	}
}

// coreTextModules lists the text modules of every core suite file that
// the text parser accepts (those under assert_malformed excluded).
func coreTextModules(t *testing.T) (mods []scriptmods.Module) {
	all, _ := coreScriptModules(t)
	for _, m := range all {
		if m.Kind == wat.ModuleText && m.Parsed != nil && m.Command != "assert_malformed" {
			mods = append(mods, m)
		}
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
	fail := func(m scriptmods.Module, format string, args ...any) {
		if failures++; failures <= 20 {
			t.Errorf("%s:%d (%s): %s", m.File, m.Line, m.Command, fmt.Sprintf(format, args...))
		}
	}
	for _, tm := range mods {
		out, err := Encode(tm.Parsed, EncodeOptions{Features: testsuite.CoreFeatures})
		if err != nil {
			fail(tm, "encode: %v", err)
			continue
		}
		back, err := Decode(ir.NewSource("encoded.wasm", out, true), testsuite.CoreFeatures)
		if err != nil {
			if tm.Command == "assert_invalid" && strings.Contains(err.Error(), "data count section required") {
				continue // data.drop without data segments: no data count section to write
			}
			fail(tm, "decode: %v", err)
			continue
		}
		if again, err := Encode(back, EncodeOptions{Features: testsuite.CoreFeatures}); err != nil || !bytes.Equal(again, out) {
			fail(tm, "encoding the decoded module gives other bytes (%v)", err)
		}
		want := clearPositions(tm.Parsed)
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
		out, err = Encode(tm.Parsed, EncodeOptions{DebugNames: true, Features: testsuite.CoreFeatures})
		if err != nil {
			fail(tm, "encode with names: %v", err)
			continue
		}
		if back, err = Decode(ir.NewSource("named.wasm", out, true), testsuite.CoreFeatures); err == nil {
			if diff := cmp.Diff(tm.Parsed.Names, back.Names, cmpopts.EquateEmpty()); diff != "" || tm.Parsed.Name != back.Name {
				fail(tm, "names differ (-text +decoded):\n%s\nmodule name %q, decoded %q", diff, tm.Parsed.Name, back.Name)
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
