package wat

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// deepNest is the nesting depth of the deep tests: issue 10 asks for a
// million levels in every tool.
const deepNest = 1_000_000

// limitStack lowers the goroutine stack limit for the rest of the test,
// so that code which recursed per nesting level would fail at once
// (fatal error: stack overflow), not only at the default 1 GB.
func limitStack(t *testing.T) {
	old := debug.SetMaxStack(64 << 20)
	t.Cleanup(func() { debug.SetMaxStack(old) })
}

// deepText returns a function of deepNest nested blocks, loops or ifs,
// folded or flat, around a br to the outermost label.
func deepText(kind string, folded bool) string {
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
	var b strings.Builder
	b.Grow(len("(module (func ))") + deepNest*(len(open)+len(close)) + 20)
	b.WriteString("(module (func ")
	for range deepNest {
		b.WriteString(open)
	}
	b.WriteString("br 999999 ")
	for range deepNest {
		b.WriteString(close)
	}
	b.WriteString("))")
	return b.String()
}

// checkDeep checks that body is a chain of deepNest blocks of op ending in
// br 999999.
func checkDeep(t *testing.T, body []ir.Instr, op ir.Op) {
	t.Helper()
	d := 0
	for len(body) > 0 && body[len(body)-1].Op == op {
		d++
		body = body[len(body)-1].Body
	}
	if d != deepNest || len(body) != 1 || body[0].Op != ir.OpBr || body[0].Index != deepNest-1 {
		t.Fatalf("%d nested %s, then %v; want %d then br %d", d, op, body, deepNest, deepNest-1)
	}
}

var deepKinds = []struct {
	name string
	op   ir.Op
}{{"block", ir.OpBlock}, {"loop", ir.OpLoop}, {"if", ir.OpIf}}

// TestParseDeepNesting parses a million nested blocks, loops and ifs,
// folded and flat, with a small stack limit: the parser keeps open blocks
// on the heap (issue 10: a recursive parser died at 1.5 million levels).
func TestParseDeepNesting(t *testing.T) {
	limitStack(t)
	for _, k := range deepKinds {
		for _, folded := range []bool{true, false} {
			name := k.name + map[bool]string{true: "/folded", false: "/flat"}[folded]
			t.Run(name, func(t *testing.T) {
				m, err := ParseModule(ir.NewSource(name, []byte(deepText(k.name, folded)), false), ir.DefaultFeatures())
				if err != nil {
					t.Fatal(err)
				}
				checkDeep(t, m.Funcs[0].Body, k.op)
			})
		}
	}
}

// TestParseDeepOperands: a million folded operands deep.
func TestParseDeepOperands(t *testing.T) {
	limitStack(t)
	src := "(module (func (result i32) " + strings.Repeat("(i32.eqz ", deepNest) + "(i32.const 0)" + strings.Repeat(")", deepNest) + "))"
	m, err := ParseModule(ir.NewSource("ops", []byte(src), false), ir.DefaultFeatures())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Funcs[0].Body); n != deepNest+1 {
		t.Errorf("%d instructions, want %d", n, deepNest+1)
	}
}

// deepModule builds the IR of a function nesting deepNest blocks of op
// (ifs take an i32.const 1 condition) around a br to the outermost label.
func deepModule(op ir.Op) *ir.Module {
	body := []ir.Instr{{Op: ir.OpBr, Index: deepNest - 1}}
	for range deepNest {
		in := ir.Instr{Op: op, Body: body}
		if op == ir.OpIf {
			body = []ir.Instr{{Op: ir.OpI32Const, Value: 1}, in}
		} else {
			body = []ir.Instr{in}
		}
	}
	return &ir.Module{Types: []ir.TypeDef{ir.FuncTypeDef(ir.FuncType{})}, Funcs: []ir.Func{{Body: body}}}
}

// countWriter counts the bytes and lines written and the occurrences of a
// few words, without keeping the text.
type countWriter struct {
	n, lines int
	words    []string
	counts   []int
	tail     []byte // the last bytes, to find words across writes
}

func (w *countWriter) Write(b []byte) (int, error) {
	w.n += len(b)
	w.lines += bytes.Count(b, []byte("\n"))
	for i, word := range w.words {
		// Whole in b, or across the seam with the previous write.
		seam := append(w.tail[:len(w.tail):len(w.tail)], b[:min(len(b), len(word)-1)]...)
		w.counts[i] += bytes.Count(b, []byte(word)) + bytes.Count(seam, []byte(word)) - bytes.Count(w.tail, []byte(word))
	}
	if len(b) >= 16 {
		w.tail = append(w.tail[:0], b[len(b)-16:]...)
	} else {
		w.tail = append(w.tail, b...)
		w.tail = w.tail[max(0, len(w.tail)-16):]
	}
	return len(b), nil
}

// smallIndentCap lowers the indentation cap for the rest of the test: the
// deep tests check the nesting, not 4 GB of spaces (TestPrintIndentCap
// checks the cap itself).
func smallIndentCap(t *testing.T) {
	old := printIndentCap
	printIndentCap = 8
	t.Cleanup(func() { printIndentCap = old })
}

// TestPrintDeepNesting prints a million nested blocks, loops and ifs, flat
// and folded, with a small stack limit: the printer keeps open blocks and
// trees on the heap, and streams its output.
func TestPrintDeepNesting(t *testing.T) {
	limitStack(t)
	smallIndentCap(t)
	for _, k := range deepKinds {
		m := deepModule(k.op)
		for _, fold := range []bool{false, true} {
			t.Run(k.name+map[bool]string{false: "/flat", true: "/fold"}[fold], func(t *testing.T) {
				header := k.name + "  ;; label = @"
				if fold {
					header = "(" + header
				}
				w := &countWriter{words: []string{header, "end", "(then", "br 999999 (;@1;)"}, counts: make([]int, 4)}
				if err := Print(w, m, PrintOptions{FoldExprs: fold}); err != nil {
					t.Fatal(err)
				}
				want := []int{deepNest, deepNest, 0, 1}
				switch {
				case fold && k.op == ir.OpIf:
					want = []int{deepNest, 0, deepNest, 1}
				case fold:
					want[1] = 0
				}
				for i, word := range w.words {
					if w.counts[i] != want[i] {
						t.Errorf("%q written %d times, want %d", word, w.counts[i], want[i])
					}
				}
				if maxLines := 4*deepNest + 10; w.lines > maxLines || w.n > maxLines*(printIndentCap+40) {
					t.Errorf("%d bytes in %d lines, want fewer than %d lines of at most %d columns", w.n, w.lines, maxLines, printIndentCap+40)
				}
			})
		}
	}
}

// TestPrintDeepOperands folds a million operands deep.
func TestPrintDeepOperands(t *testing.T) {
	limitStack(t)
	smallIndentCap(t)
	body := make([]ir.Instr, deepNest+2)
	body[0] = ir.Instr{Op: ir.OpI32Const}
	for i := 1; i <= deepNest; i++ {
		body[i] = ir.Instr{Op: ir.OpI32Eqz}
	}
	body[deepNest+1] = ir.Instr{Op: ir.OpDrop}
	m := &ir.Module{Types: []ir.TypeDef{ir.FuncTypeDef(ir.FuncType{})}, Funcs: []ir.Func{{Body: body}}}
	w := &countWriter{words: []string{"(i32.eqz\n", "(i32.const 0)", "(drop\n"}, counts: make([]int, 3)}
	if err := Print(w, m, PrintOptions{FoldExprs: true}); err != nil {
		t.Fatal(err)
	}
	if w.counts[0] != deepNest || w.counts[1] != 1 || w.counts[2] != 1 {
		t.Errorf("counts %v of %q, want %d, 1, 1", w.counts, w.words, deepNest)
	}
}

// TestPrintIndentCap: indentation grows by two spaces a level, as wabt's,
// up to printMaxIndent columns, and no further.
func TestPrintIndentCap(t *testing.T) {
	const depth = printMaxIndent/2 + 50
	body := []ir.Instr{{Op: ir.OpNop}}
	for range depth {
		body = []ir.Instr{{Op: ir.OpBlock, Body: body}}
	}
	m := &ir.Module{Types: []ir.TypeDef{ir.FuncTypeDef(ir.FuncType{})}, Funcs: []ir.Func{{Body: body}}}
	for _, fold := range []bool{false, true} {
		var b strings.Builder
		if err := Print(&b, m, PrintOptions{FoldExprs: fold}); err != nil {
			t.Fatal(err)
		}
		widest := 0
		for i, line := range strings.Split(b.String(), "\n") {
			indent := len(line) - len(strings.TrimLeft(line, " "))
			widest = max(widest, indent)
			// Line 3 holds the outermost block, at 4 columns.
			if want := min(2*(i-1), printMaxIndent); i >= 3 && i < 3+depth && indent != want {
				t.Fatalf("fold %v: line %d indented by %d, want %d: %.60q", fold, i+1, indent, want, line)
			}
		}
		if widest != printMaxIndent {
			t.Errorf("fold %v: widest indentation %d, want %d", fold, widest, printMaxIndent)
		}
	}
}

// TestParseScriptDeepNesting: a million nested (thread …) commands and
// (either …) results.
func TestParseScriptDeepNesting(t *testing.T) {
	limitStack(t)
	threads := strings.Repeat("(thread $t ", deepNest) + "(wait $t)" + strings.Repeat(")", deepNest)
	s, err := ParseScript(ir.NewSource("threads", []byte(threads), false), ir.DefaultFeatures())
	if err != nil {
		t.Fatal(err)
	}
	d, cmds := 0, s.Commands
	for len(cmds) == 1 {
		th, ok := cmds[0].(*ThreadCommand)
		if !ok {
			break
		}
		d++
		cmds = th.Commands
	}
	if _, ok := cmds[0].(*WaitCommand); d != deepNest || len(cmds) != 1 || !ok {
		t.Errorf("%d nested threads, then %v", d, cmds)
	}

	either := `(assert_return (invoke "f") ` + strings.Repeat("(either ", deepNest) + "(i32.const 1)" + strings.Repeat(")", deepNest) + ")"
	s, err = ParseScript(ir.NewSource("either", []byte(either), false), ir.DefaultFeatures())
	if err != nil {
		t.Fatal(err)
	}
	d, rs := 0, s.Commands[0].(*AssertReturn).Results
	for len(rs) == 1 && rs[0].Kind == ResultEither {
		d++
		rs = rs[0].Either
	}
	if d != deepNest || len(rs) != 1 || rs[0].Value.Lo != 1 {
		t.Errorf("%d nested eithers, then %v", d, rs)
	}
}
