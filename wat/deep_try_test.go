package wat

import (
	"fmt"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// The exception blocks nest as deep as the others: a million levels that
// cycle through try_table (with a catch clause), a legacy try nesting in
// its do body (with a catch_all arm), one nesting in its catch arm, and one
// ending in delegate. One text exercises every frame kind of the parser
// and every arm of the printer.

// deepTryLevels are the four kinds of level, outermost first; level i is
// deepTryLevels[i%4].
var deepTryLevels = []struct {
	flatOpen, flatClose, foldOpen, foldClose string
}{
	{"try_table (catch_all 0) ", "end ", "(try_table (catch_all 0) ", ")"},
	{"try ", "catch_all end ", "(try (do ", ") (catch_all))"},
	{"try catch 0 ", "end ", "(try (do) (catch 0 ", "))"},
	{"try ", "delegate 0 ", "(try (do ", ") (delegate 0))"},
}

// deepTryFeatures are 3.0's with the legacy exceptions.
var deepTryFeatures = ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true)

// deepTryText returns a module with a tag and a function of depth nested
// exception blocks around a br to the outermost label.
func deepTryText(depth int, folded bool) string {
	var b strings.Builder
	b.WriteString("(module (tag) (func ")
	for i := range depth {
		l := &deepTryLevels[i%4]
		b.WriteString(map[bool]string{false: l.flatOpen, true: l.foldOpen}[folded])
	}
	fmt.Fprintf(&b, "br %d ", depth-1)
	for i := depth - 1; i >= 0; i-- {
		l := &deepTryLevels[i%4]
		b.WriteString(map[bool]string{false: l.flatClose, true: l.foldClose}[folded])
	}
	b.WriteString("))")
	return b.String()
}

// deepTryModule builds the IR that deepTryText's text parses to.
func deepTryModule(depth int) *ir.Module {
	body := []ir.Instr{{Op: ir.OpBr, Index: uint32(depth - 1)}}
	for i := depth - 1; i >= 0; i-- {
		var in ir.Instr
		switch i % 4 {
		case 0:
			in = ir.Instr{Op: ir.OpTryTable, Body: body}
			in.SetCatches([]ir.CatchClause{{Kind: ir.CatchAll, Label: 0}})
		case 1:
			in = ir.Instr{Op: ir.OpTry, Body: body}
			in.SetHandlers([]ir.Handler{{All: true}})
		case 2:
			in = ir.Instr{Op: ir.OpTry}
			in.SetHandlers([]ir.Handler{{Tag: 0, Body: body}})
		case 3:
			in = ir.Instr{Op: ir.OpTry, Body: body}
			in.SetDelegate(0)
		}
		body = []ir.Instr{in}
	}
	return &ir.Module{
		Types: []ir.TypeDef{ir.FuncTypeDef(ir.FuncType{})},
		Tags:  []ir.Tag{{Type: 0}},
		Funcs: []ir.Func{{Body: body}},
	}
}

// checkDeepTry checks that body is deepTryModule(depth)'s, positions
// aside, level by level, without recursion.
func checkDeepTry(t *testing.T, body []ir.Instr, depth int) {
	t.Helper()
	for i := range depth {
		if len(body) != 1 {
			t.Fatalf("level %d: %d instructions, want 1", i, len(body))
		}
		in := &body[0]
		hs, cs := in.Handlers(), in.Catches()
		l, delegates := in.Delegate()
		ok := false
		switch i % 4 {
		case 0:
			ok = in.Op == ir.OpTryTable && len(cs) == 1 && cs[0] == ir.CatchClause{Kind: ir.CatchAll}
			body = in.Body
		case 1:
			ok = in.Op == ir.OpTry && len(hs) == 1 && hs[0].All && hs[0].Body == nil && !delegates
			body = in.Body
		case 2:
			ok = in.Op == ir.OpTry && in.Body == nil && len(hs) == 1 && !hs[0].All && hs[0].Tag == 0 && !delegates
			if ok {
				body = hs[0].Body
			}
		case 3:
			ok = in.Op == ir.OpTry && len(hs) == 0 && delegates && l == 0
			body = in.Body
		}
		if !ok {
			t.Fatalf("level %d: %s with catches %v, handlers %v, delegate %v %d", i, in.Op, cs, hs, delegates, l)
		}
	}
	if len(body) != 1 || body[0].Op != ir.OpBr || body[0].Index != uint32(depth-1) {
		t.Fatalf("innermost: %v, want br %d", body, depth-1)
	}
}

// TestParseDeepTry parses a million nested exception blocks, flat and
// folded, under a 64 MB stack limit.
func TestParseDeepTry(t *testing.T) {
	limitStack(t)
	for _, folded := range []bool{false, true} {
		name := map[bool]string{false: "flat", true: "folded"}[folded]
		t.Run(name, func(t *testing.T) {
			m, err := ParseModule(ir.NewSource(name, []byte(deepTryText(deepNest, folded)), false), deepTryFeatures)
			if err != nil {
				t.Fatal(err)
			}
			checkDeepTry(t, m.Funcs[0].Body, deepNest)
		})
	}
}

// TestPrintDeepTry prints a million nested exception blocks, flat and
// folded, under a 64 MB stack limit, counting each kind's keywords.
func TestPrintDeepTry(t *testing.T) {
	limitStack(t)
	smallIndentCap(t)
	m := deepTryModule(deepNest)
	const quarter = deepNest / 4
	for _, fold := range []bool{false, true} {
		t.Run(map[bool]string{false: "flat", true: "fold"}[fold], func(t *testing.T) {
			// countWriter finds words of up to 16 bytes.
			words := []string{"(catch_all 0", "try  ;; label", "catch_all\n", "catch 0\n", "delegate 0\n", "end"}
			want := []int{quarter, 3 * quarter, quarter, quarter, quarter, 3 * quarter}
			if fold {
				words = []string{"(catch_all 0", "(try  ;; label", "(do", "(catch_all)", "(catch 0\n", "(delegate 0)", "end"}
				want = []int{quarter, 3 * quarter, 3 * quarter, quarter, quarter, quarter, 0}
			}
			w := &countWriter{words: words, counts: make([]int, len(words))}
			if err := Print(w, m, PrintOptions{FoldExprs: fold}); err != nil {
				t.Fatal(err)
			}
			for i, word := range words {
				if w.counts[i] != want[i] {
					t.Errorf("%q written %d times, want %d", word, w.counts[i], want[i])
				}
			}
			if maxLines := 6*deepNest + 10; w.lines > maxLines || w.n > maxLines*(printIndentCap+40) {
				t.Errorf("%d bytes in %d lines, want fewer than %d lines of at most %d columns", w.n, w.lines, maxLines, printIndentCap+40)
			}
		})
	}
}

// TestPrintParseTryNest: the printed text of a nest of every kind of
// exception block, flat and folded, with and without generated names,
// parses back to the same code.
func TestPrintParseTryNest(t *testing.T) {
	const depth = 400
	m := deepTryModule(depth)
	for _, opts := range []PrintOptions{{}, {FoldExprs: true}, {GenerateNames: true}, {FoldExprs: true, GenerateNames: true}} {
		var b strings.Builder
		if err := Print(&b, m, opts); err != nil {
			t.Fatal(err)
		}
		back, err := ParseModule(ir.NewSource("printed", []byte(b.String()), false), deepTryFeatures)
		if err != nil {
			t.Fatalf("%+v: %v\n%.2000s", opts, err, b.String())
		}
		checkDeepTry(t, back.Funcs[0].Body, depth)
	}
	// The parser reads what deepTryText writes at this depth too.
	for _, folded := range []bool{false, true} {
		back, err := ParseModule(ir.NewSource("text", []byte(deepTryText(depth, folded)), false), deepTryFeatures)
		if err != nil {
			t.Fatal(err)
		}
		checkDeepTry(t, back.Funcs[0].Body, depth)
	}
}
