package wat_test

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// TestPrintRoundTrip prints every valid text module of the threads suite
// and parses the text back: the module must come back unchanged (positions
// aside), under each printer option. Generated names are new names, so
// that variant compares everything but the names.
func TestPrintRoundTrip(t *testing.T) {
	mods := printSuiteModules(t, false)
	variants := []struct {
		name        string
		opts        wat.PrintOptions
		ignoreNames bool
		// Inline exports are written with their entities, so they come
		// back in entity order: compare them as a set.
		exportSet bool
	}{
		{name: "default"},
		{name: "fold-exprs", opts: wat.PrintOptions{FoldExprs: true}},
		{name: "inline", opts: wat.PrintOptions{InlineExports: true, InlineImports: true}, exportSet: true},
		{name: "inline-exports", opts: wat.PrintOptions{InlineExports: true}, exportSet: true},
		{name: "generate-names", opts: wat.PrintOptions{GenerateNames: true, FoldExprs: true}, ignoreNames: true},
		{name: "no-debug-names", opts: wat.PrintOptions{NoDebugNames: true}, ignoreNames: true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			same, failed := 0, 0
			for _, sm := range mods {
				var buf bytes.Buffer
				if err := wat.Print(&buf, sm.module, v.opts); err != nil {
					t.Errorf("%s: Print: %v", sm.where, err)
					continue
				}
				back, err := wat.ParseModule(ir.NewSource("printed.wat", buf.Bytes(), false), printSuiteFeatures)
				if err == nil {
					a, b := *sm.module, *back
					printCanonicalBlockTypes(&a)
					printCanonicalBlockTypes(&b)
					if v.exportSet {
						a.Exports, b.Exports = printSortedExports(a.Exports), printSortedExports(b.Exports)
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
					if failed <= 5 {
						t.Errorf("%s: %v\nprinted:\n%s", sm.where, err, printHead(buf.String(), 40))
					}
					continue
				}
				same++
			}
			t.Logf("%d/%d modules round-trip", same, same+failed)
		})
	}
}

// printModuleDiff compares two modules, positions ignored and nil equal to
// empty, and describes the first difference with cmp.Diff of the smallest
// value that differs. (cmp.Diff of whole modules is exponential in the
// nesting depth when deep instruction trees differ.)
func printModuleDiff(a, b *ir.Module) string {
	path, x, y := printMismatch(reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem(), "Module")
	if path == "" {
		return ""
	}
	return path + " (-original +reparsed):\n" + cmp.Diff(x.Interface(), y.Interface(), cmpopts.IgnoreTypes(ir.Pos(0)), cmpopts.EquateEmpty())
}

var printPosType = reflect.TypeFor[ir.Pos]()

// printMismatch returns the path to the first difference of a and b and
// the two values there, or "" when they are equal.
func printMismatch(a, b reflect.Value, path string) (string, reflect.Value, reflect.Value) {
	if a.Type() == printPosType {
		return "", a, b
	}
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if p, x, y := printMismatch(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
				return p, x, y
			}
		}
		return "", a, b
	case reflect.Slice:
		if a.Len() != b.Len() {
			return path, a, b
		}
		for i := range a.Len() {
			if p, x, y := printMismatch(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p, x, y
			}
		}
		return "", a, b
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path, a, b
			}
			return "", a, b
		}
		return printMismatch(a.Elem(), b.Elem(), path)
	case reflect.Map:
		if a.Len() != b.Len() {
			return path, a, b
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return path, a, b
			}
			if p, x, y := printMismatch(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k)); p != "" {
				return p, x, y
			}
		}
		return "", a, b
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return path, a, b
	}
	return "", a, b
}

// printCanonicalBlockTypes rewrites block types given by a type index
// of a function type with no parameters and at most one result into the short
// form, which is what the binary format (and so wasm2wat) writes for them.
// It copies what it changes: the suite's modules are shared.
func printCanonicalBlockTypes(m *ir.Module) {
	var walk func([]ir.Instr) []ir.Instr
	walk = func(body []ir.Instr) []ir.Instr {
		out := body
		for i := range body {
			in := body[i]
			changed := false
			if in.Op.Info().Imm == ir.ImmBlock && in.Block.Kind() == ir.BlockIndex && int(in.Block.Index) < len(m.Types) {
				if ft := m.Types[in.Block.Index]; ft.Kind == ir.CompFunc && len(ft.Params) == 0 && len(ft.Results) <= 1 {
					in.Block = ir.BlockType{}
					if len(ft.Results) == 1 {
						in.Block = ir.BlockOf(ft.Results[0])
					}
					changed = true
				}
			}
			if nb := walk(in.Body); !printSameSlice(nb, in.Body) {
				in.Body, changed = nb, true
			}
			if ne := walk(in.ElseBody()); !printSameSlice(ne, in.ElseBody()) {
				in.SetElseBody(ne)
				changed = true
			}
			if changed {
				if printSameSlice(out, body) {
					out = slices.Clone(body)
				}
				out[i] = in
			}
		}
		return out
	}
	funcs := slices.Clone(m.Funcs)
	for i := range funcs {
		funcs[i].Body = walk(funcs[i].Body)
	}
	m.Funcs = funcs
}

func printSameSlice(a, b []ir.Instr) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func printSortedExports(es []ir.Export) []ir.Export {
	return slices.SortedFunc(slices.Values(es), func(x, y ir.Export) int { return strings.Compare(x.Name, y.Name) })
}

type printError string

func (e printError) Error() string { return string(e) }

// printHead returns the first n lines of s.
func printHead(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...\n")
	}
	return strings.Join(lines, "")
}
