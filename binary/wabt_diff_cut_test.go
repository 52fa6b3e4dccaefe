package binary

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// wabtDiffCutter cuts text modules out of a script without parsing it: it
// only balances parentheses, skipping strings and comments.
type wabtDiffCutter struct {
	file string
	src  string
	mods []wabtDiffModule

	lineAt, line int // src[:lineAt] has line-1 newlines
}

// wabtDiffCommands are the assertions whose first argument may be a text
// module to compare.
var wabtDiffCommands = map[string]bool{
	"assert_invalid": true, "assert_trap": true, "assert_unlinkable": true,
	"assert_uninstantiable": true, "assert_exhaustion": true,
}

func wabtDiffCutModules(file, src string) ([]wabtDiffModule, error) {
	c := &wabtDiffCutter{file: file, src: src, line: 1}
	i := c.skipTrivia(0)
	for i < len(src) {
		if src[i] != '(' {
			return nil, fmt.Errorf("line %d: expected a command, found %q", c.lineOf(i), src[i])
		}
		end, err := c.formEnd(i)
		if err != nil {
			return nil, err
		}
		c.command(i, end)
		i = c.skipTrivia(end)
	}
	return c.mods, nil
}

// command handles the form src[start:end].
func (c *wabtDiffCutter) command(start, end int) {
	head, _ := c.atom(start + 1)
	switch {
	case head == "module":
		c.module(start, end, false)
	case wabtDiffCommands[head]:
		if kids := c.children(start, end); len(kids) > 0 {
			if h, _ := c.atom(kids[0][0] + 1); h == "module" {
				c.module(kids[0][0], kids[0][1], head == "assert_invalid")
			}
		}
	case head == "thread":
		// A thread's body is a sequence of commands.
		for _, k := range c.children(start, end) {
			c.command(k[0], k[1])
		}
	}
}

// module records src[start:end] unless it is a binary or quoted module.
func (c *wabtDiffCutter) module(start, end int, noCheck bool) {
	_, i := c.atom(start + 1) // "module"
	next, i := c.atom(c.skipTrivia(i))
	if strings.HasPrefix(next, "$") {
		next, _ = c.atom(c.skipTrivia(i))
	}
	if next == "binary" || next == "quote" {
		return
	}
	c.mods = append(c.mods, wabtDiffModule{file: c.file, line: c.lineOf(start), text: c.src[start:end], noCheck: noCheck})
}

// children returns the [start, end) of each parenthesised argument of the
// well-formed form src[start:end].
func (c *wabtDiffCutter) children(start, end int) [][2]int {
	var kids [][2]int
	_, i := c.atom(start + 1)
	for i = c.skipTrivia(i); i < end-1; i = c.skipTrivia(i) {
		switch c.src[i] {
		case '(':
			kidEnd, _ := c.formEnd(i)
			kids = append(kids, [2]int{i, kidEnd})
			i = kidEnd
		case '"':
			i = c.stringEnd(i)
		default:
			if _, i = c.atom(i); c.src[i] == ')' {
				i++
			}
		}
	}
	return kids
}

// atom reads a keyword or other token at i and returns it and its end.
func (c *wabtDiffCutter) atom(i int) (string, int) {
	start := i
	for i < len(c.src) && !strings.ContainsRune(" \t\r\n();\"", rune(c.src[i])) {
		i++
	}
	return c.src[start:i], i
}

// skipTrivia skips white space and comments.
func (c *wabtDiffCutter) skipTrivia(i int) int {
	for i < len(c.src) {
		switch {
		case strings.ContainsRune(" \t\r\n", rune(c.src[i])):
			i++
		case strings.HasPrefix(c.src[i:], ";;"):
			for i < len(c.src) && c.src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(c.src[i:], "(;"):
			i = c.blockCommentEnd(i)
		default:
			return i
		}
	}
	return i
}

// blockCommentEnd returns the end of the (possibly nested) block comment at i.
func (c *wabtDiffCutter) blockCommentEnd(i int) int {
	depth := 0
	for i < len(c.src) {
		switch {
		case strings.HasPrefix(c.src[i:], "(;"):
			depth++
			i += 2
		case strings.HasPrefix(c.src[i:], ";)"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return i
}

// stringEnd returns the end of the string literal at i.
func (c *wabtDiffCutter) stringEnd(i int) int {
	for i++; i < len(c.src); i++ {
		switch c.src[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// formEnd returns the end of the parenthesised form at start.
func (c *wabtDiffCutter) formEnd(start int) (int, error) {
	depth := 0
	for i := start; i < len(c.src); {
		switch {
		case strings.HasPrefix(c.src[i:], "(;"), strings.HasPrefix(c.src[i:], ";;"):
			i = c.skipTrivia(i)
		case c.src[i] == '"':
			i = c.stringEnd(i)
		case c.src[i] == '(':
			depth++
			i++
		case c.src[i] == ')':
			depth--
			i++
			if depth == 0 {
				return i, nil
			}
		default:
			i++
		}
	}
	return 0, fmt.Errorf("line %d: unbalanced parentheses", c.lineOf(start))
}

// lineOf returns the line of offset i; offsets are asked for in increasing
// order, so the count continues from the previous one.
func (c *wabtDiffCutter) lineOf(i int) int {
	if i < c.lineAt {
		c.lineAt, c.line = 0, 1
	}
	c.line += strings.Count(c.src[c.lineAt:i], "\n")
	c.lineAt = i
	return c.line
}

func TestWabtDiffCutter(t *testing.T) {
	src := `;; (module $commented)
(; (module $block (; nested ;) ;)
(module $a (func) ;; )
  (data "(\")"))
(module binary "\00asm")
(module $q quote "(func)")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_trap (invoke "f") "unreachable")
(assert_malformed (module quote "(func") "unexpected end")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(thread $T (shared (module $Mem))
  (register "mem" $Mem)
  (module (memory (import "mem" "shared") 1 1 shared))
  (invoke "run"))
(assert_return (invoke "f") (i32.const 1))
`
	mods, err := wabtDiffCutModules("x.wast", src)
	if err != nil {
		t.Fatal(err)
	}
	want := []wabtDiffModule{
		{file: "x.wast", line: 3, text: "(module $a (func) ;; )\n  (data \"(\\\")\"))"},
		{file: "x.wast", line: 7, text: "(module (func (result i32)))", noCheck: true},
		{file: "x.wast", line: 10, text: `(module (import "x" "y" (func)))`},
		{file: "x.wast", line: 13, text: `(module (memory (import "mem" "shared") 1 1 shared))`},
	}
	if len(mods) != len(want) {
		t.Fatalf("got %d modules %+v, want %d", len(mods), mods, len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(mods[i], want[i]) {
			t.Errorf("module %d: got %+v, want %+v", i, mods[i], want[i])
		}
	}
	if _, err := wabtDiffCutModules("bad.wast", "(module (func)"); err == nil {
		t.Error("unbalanced input: no error")
	}
}
