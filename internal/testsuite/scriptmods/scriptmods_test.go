package scriptmods

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/watt-wasm/watt/wat"
)

func TestModules(t *testing.T) {
	script := `(module $M (memory 1 1 shared))
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_invalid (module (func (result i32))) "type mismatch")
(thread $T (shared (module $M))
  (module (func)))
(assert_malformed (module quote "(func") "unexpected end")
`
	mods, err := Modules("x.wast", []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	want := []Module{
		{File: "x.wast", Line: 1, Command: "module", Kind: wat.ModuleText, Text: "(module $M (memory 1 1 shared))"},
		{File: "x.wast", Line: 2, Command: "assert_malformed", Want: "unexpected end", Kind: wat.ModuleBinary,
			Text: `(module binary "\00asm")`, Binary: []byte("\x00asm")},
		{File: "x.wast", Line: 3, Command: "assert_invalid", Want: "type mismatch", Kind: wat.ModuleText,
			Text: "(module (func (result i32)))"},
		{File: "x.wast", Line: 5, Command: "module", Kind: wat.ModuleText, Text: "(module (func))"},
		{File: "x.wast", Line: 6, Command: "assert_malformed", Want: "unexpected end", Kind: wat.ModuleQuote,
			Text: `(module quote "(func")`},
	}
	for i, m := range mods {
		if (m.Parsed != nil) != (m.Kind == wat.ModuleText) {
			t.Errorf("module %d (%v): Parsed %v", i, m.Kind, m.Parsed)
		}
	}
	ignoreParsed := cmpopts.IgnoreFields(Module{}, "Parsed")
	if diff := cmp.Diff(want, mods, cmpopts.EquateEmpty(), ignoreParsed); diff != "" {
		t.Errorf("Modules (-want +got):\n%s", diff)
	}
}
