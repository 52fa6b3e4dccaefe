package wat_test

import (
	"bytes"
	"cmp"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// coreSuiteModule is one text module of the core suite that must parse:
// its place, its source text and the parsed IR.
type coreSuiteModule struct {
	where  string
	module *ir.Module
}

// coreSuite is the parsed core suite, shared by the tests that read it.
var coreSuite struct {
	sync.Mutex
	loaded  bool
	scripts map[string]*wat.Script // by file path
	srcs    map[string]*ir.Source
	mods    []coreSuiteModule
}

// coreSuiteScripts parses every .wast file of the core suite (skipping t
// when the suite is absent); a file that does not parse fails t.
func coreSuiteScripts(t *testing.T) (map[string]*wat.Script, map[string]*ir.Source, []coreSuiteModule) {
	t.Helper()
	files := testsuite.CoreFiles(t)
	coreSuite.Lock()
	defer coreSuite.Unlock()
	if coreSuite.loaded {
		return coreSuite.scripts, coreSuite.srcs, coreSuite.mods
	}
	scripts := map[string]*wat.Script{}
	srcs := map[string]*ir.Source{}
	var mods []coreSuiteModule
	failed := false
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := testsuite.CoreRel(t, path)
		src := ir.NewSource(rel, data, false)
		s, err := wat.ParseScript(src, testsuite.CoreFeatures)
		if err != nil {
			t.Errorf("ParseScript: %v", err)
			failed = true
			continue
		}
		scripts[path], srcs[path] = s, src
		coreWalk(s.Commands, func(m *wat.ModuleCommand, assert *wat.AssertModule) {
			if m.Kind != wat.ModuleText || m.Module == nil {
				return
			}
			if assert != nil && assert.Kind == ir.Malformed {
				return
			}
			mods = append(mods, coreSuiteModule{where: src.Position(m.Pos).String(), module: m.Module})
		})
	}
	if !failed {
		coreSuite.loaded = true
		coreSuite.scripts, coreSuite.srcs, coreSuite.mods = scripts, srcs, mods
	}
	return scripts, srcs, mods
}

// coreWalk calls f for every module of a script, with the assertion around
// it (nil for a plain module command).
func coreWalk(cmds []wat.Command, f func(m *wat.ModuleCommand, assert *wat.AssertModule)) {
	for _, c := range cmds {
		switch c := c.(type) {
		case *wat.ModuleCommand:
			f(c, nil)
		case *wat.AssertModule:
			if c.Module != nil {
				f(c.Module, c)
			}
		case *wat.AssertTrap:
			if c.Module != nil {
				f(c.Module, nil)
			}
		case *wat.ThreadCommand:
			coreWalk(c.Commands, f)
		}
	}
}

// TestCoreSuiteParses parses every script of the WebAssembly 3.0 core
// suite under its features: every text module must parse; every quoted
// module of assert_malformed must be rejected with the expected message
// (prefix), every other quoted module must parse, except in
// assert_invalid, where the parser may already reject what the spec
// calls a validation error. assert_malformed_custom quoted modules are
// rejected too (their messages are the custom-section handlers').
func TestCoreSuiteParses(t *testing.T) {
	scripts, srcs, _ := coreSuiteScripts(t)
	var textMods, malformed, malformedCustom, quotes int
	for path, s := range scripts {
		src := srcs[path]
		coreWalk(s.Commands, func(m *wat.ModuleCommand, assert *wat.AssertModule) {
			at := src.Position(m.Pos).String()
			switch m.Kind {
			case wat.ModuleText:
				textMods++
				if m.Err != nil {
					t.Errorf("%s: text module: %v", at, m.Err)
				}
			case wat.ModuleQuote:
				_, err := wat.ParseModule(ir.NewSource(at+" (quote)", []byte(m.Quote), false), testsuite.CoreFeatures)
				switch {
				case assert != nil && assert.Kind == ir.Malformed:
					if assert.Custom {
						malformedCustom++
					} else {
						malformed++
					}
					var e *ir.Error
					switch {
					case err == nil:
						t.Errorf("%s: malformed quote module parsed: %q", at, m.Quote)
					case !errors.As(err, &e) || !strings.HasPrefix(e.Msg, assert.Message):
						t.Errorf("%s: got %q, want prefix %q; module %q", at, err, assert.Message, m.Quote)
					}
				case assert != nil && assert.Kind == ir.Invalid:
					// A validation error: the parser may or may not see it.
				default:
					quotes++
					if err != nil {
						t.Errorf("%s: quote module: %v", at, err)
					}
				}
			}
		})
	}
	t.Logf("%d scripts, %d text modules, %d other quote modules parse; %d assert_malformed and %d assert_malformed_custom quote modules rejected",
		len(scripts), textMods, quotes, malformed, malformedCustom)
}

// TestCorePrintRoundTrip prints every text module of the core suite (those
// of assert_malformed aside) and parses the text back under the suite's
// features: the module must come back unchanged, positions aside, under
// each printer option (generated names are new names: that variant
// compares all but the names).
func TestCorePrintRoundTrip(t *testing.T) {
	_, _, mods := coreSuiteScripts(t)
	base := wat.PrintOptions{Features: testsuite.CoreFeatures, Annotations: true, QuotedNames: true}
	variants := []struct {
		name        string
		opts        func(o wat.PrintOptions) wat.PrintOptions
		ignoreNames bool
		exportSet   bool
	}{
		{name: "default", opts: func(o wat.PrintOptions) wat.PrintOptions { return o }},
		{name: "fold-exprs", opts: func(o wat.PrintOptions) wat.PrintOptions { o.FoldExprs = true; return o }},
		{name: "inline", opts: func(o wat.PrintOptions) wat.PrintOptions {
			o.InlineExports, o.InlineImports = true, true
			return o
		}, exportSet: true},
		{name: "generate-names", opts: func(o wat.PrintOptions) wat.PrintOptions {
			o.GenerateNames, o.FoldExprs = true, true
			return o
		}, ignoreNames: true},
		{name: "no-debug-names", opts: func(o wat.PrintOptions) wat.PrintOptions { o.NoDebugNames = true; return o }, ignoreNames: true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			opts := v.opts(base)
			same, failed := 0, 0
			for _, sm := range mods {
				var buf bytes.Buffer
				if err := wat.Print(&buf, sm.module, opts); err != nil {
					t.Errorf("%s: Print: %v", sm.where, err)
					continue
				}
				back, err := wat.ParseModule(ir.NewSource("printed.wat", buf.Bytes(), false), testsuite.CoreFeatures)
				if err == nil {
					a, b := *sm.module, *back
					printCanonicalBlockTypes(&a)
					printCanonicalBlockTypes(&b)
					if v.exportSet {
						a.Exports, b.Exports = coreSortedExports(a.Exports), coreSortedExports(b.Exports)
					}
					if v.ignoreNames {
						a.Name, a.Names, b.Name, b.Names = "", ir.Names{}, "", ir.Names{}
					}
					if diff := printModuleDiff(&a, &b); diff != "" {
						err = printError("module changed: " + diff)
					}
				}
				if err != nil {
					failed++
					if failed <= 8 {
						t.Errorf("%s: %v\nprinted:\n%s", sm.where, err, printHead(buf.String(), 60))
					}
					continue
				}
				same++
			}
			t.Logf("%d/%d modules round-trip", same, same+failed)
		})
	}
}

// coreSortedExports orders exports by name, kind and index (invalid
// modules of the suite export one name twice).
func coreSortedExports(es []ir.Export) []ir.Export {
	return slices.SortedFunc(slices.Values(es), func(x, y ir.Export) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Index, y.Index))
	})
}
