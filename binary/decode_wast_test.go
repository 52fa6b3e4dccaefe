package binary

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// This file holds a small .wast reader for the decoder's tests: it cuts a
// script into s-expressions (strings, line and block comments handled) so
// that the tests can pull out `(module binary …)` forms without depending
// on the wat package.

// wastNode is an atom, a string (bytes unescaped) or a list.
type wastNode struct {
	atom   string
	str    []byte
	isStr  bool
	list   []*wastNode
	isList bool
	line   int
}

func (n *wastNode) head() string {
	if n.isList && len(n.list) > 0 && !n.list[0].isList && !n.list[0].isStr {
		return n.list[0].atom
	}
	return ""
}

// parseWast reads all top-level forms of a script.
func parseWast(src string) ([]*wastNode, error) {
	p := &wastParser{src: src, line: 1}
	var out []*wastNode
	for {
		p.skipSpace()
		if p.err != nil {
			return nil, p.err
		}
		if p.pos >= len(p.src) {
			return out, nil
		}
		n := p.node()
		if p.err != nil {
			return nil, p.err
		}
		out = append(out, n)
	}
}

type wastParser struct {
	src  string
	pos  int
	line int
	err  error
}

func (p *wastParser) errorf(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("line %d: %s", p.line, fmt.Sprintf(format, args...))
	}
}

func (p *wastParser) skipSpace() {
	for p.pos < len(p.src) && p.err == nil {
		c := p.src[p.pos]
		switch {
		case c == '\n':
			p.line++
			p.pos++
		case c == ' ' || c == '\t' || c == '\r':
			p.pos++
		case strings.HasPrefix(p.src[p.pos:], ";;"):
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case strings.HasPrefix(p.src[p.pos:], "(;"):
			depth := 0
			for p.pos < len(p.src) {
				switch {
				case strings.HasPrefix(p.src[p.pos:], "(;"):
					depth++
					p.pos += 2
				case strings.HasPrefix(p.src[p.pos:], ";)"):
					depth--
					p.pos += 2
				default:
					if p.src[p.pos] == '\n' {
						p.line++
					}
					p.pos++
				}
				if depth == 0 {
					break
				}
			}
			if depth != 0 {
				p.errorf("unterminated block comment")
			}
		default:
			return
		}
	}
}

func (p *wastParser) node() *wastNode {
	n := &wastNode{line: p.line}
	switch c := p.src[p.pos]; c {
	case '(':
		p.pos++
		n.isList = true
		for {
			p.skipSpace()
			if p.err != nil {
				return n
			}
			if p.pos >= len(p.src) {
				p.errorf("unclosed list opened on line %d", n.line)
				return n
			}
			if p.src[p.pos] == ')' {
				p.pos++
				return n
			}
			n.list = append(n.list, p.node())
		}
	case ')':
		p.errorf("unexpected )")
		p.pos++
	case '"':
		n.isStr = true
		n.str = p.str()
	default:
		start := p.pos
		for p.pos < len(p.src) && !strings.ContainsRune(" \t\r\n()\";", rune(p.src[p.pos])) {
			p.pos++
		}
		if p.pos == start {
			p.errorf("unexpected %q", p.src[p.pos])
			p.pos++
		}
		n.atom = p.src[start:p.pos]
	}
	return n
}

// str reads a string literal, unescaping \n \t \\ \' \" \hh and \u{…}.
func (p *wastParser) str() []byte {
	p.pos++ // opening quote
	var b []byte
	for {
		if p.pos >= len(p.src) {
			p.errorf("unterminated string")
			return b
		}
		c := p.src[p.pos]
		p.pos++
		switch c {
		case '"':
			return b
		case '\n':
			p.line++
			b = append(b, c)
		case '\\':
			if p.pos >= len(p.src) {
				p.errorf("unterminated string")
				return b
			}
			e := p.src[p.pos]
			p.pos++
			switch e {
			case 'n':
				b = append(b, '\n')
			case 't':
				b = append(b, '\t')
			case 'r':
				b = append(b, '\r')
			case '\\', '\'', '"':
				b = append(b, e)
			case 'u':
				end := strings.IndexByte(p.src[p.pos:], '}')
				if !strings.HasPrefix(p.src[p.pos:], "{") || end < 0 {
					p.errorf("bad \\u escape")
					return b
				}
				r, err := strconv.ParseUint(p.src[p.pos+1:p.pos+end], 16, 32)
				if err != nil {
					p.errorf("bad \\u escape: %v", err)
					return b
				}
				b = append(b, string(rune(r))...)
				p.pos += end + 1
			default:
				if p.pos >= len(p.src) {
					p.errorf("unterminated string")
					return b
				}
				v, err := strconv.ParseUint(p.src[p.pos-1:p.pos+1], 16, 8)
				if err != nil {
					p.errorf("bad escape \\%c", e)
					return b
				}
				b = append(b, byte(v))
				p.pos++
			}
		default:
			b = append(b, c)
		}
	}
}

// wastBinaryModule is one `(module binary …)` of a script and the command
// around it.
type wastBinaryModule struct {
	file    string
	line    int
	command string // "module", "assert_malformed", "assert_invalid", ...
	bytes   []byte
	want    string // expected message of assertions
}

// textModule is one text `(module …)` of a script, source included.
type wastTextModule struct {
	file    string
	line    int
	command string
	text    string
}

// collectWastModules walks a script's forms and returns its binary modules
// and its text modules (not quoted ones).
func collectWastModules(file, src string) ([]wastBinaryModule, []wastTextModule, error) {
	forms, err := parseWast(src)
	if err != nil {
		return nil, nil, err
	}
	var bins []wastBinaryModule
	var texts []wastTextModule
	var walk func(n *wastNode, command, want string)
	walk = func(n *wastNode, command, want string) {
		if !n.isList {
			return
		}
		if n.head() == "module" {
			args := n.list[1:]
			if len(args) > 0 && !args[0].isList && !args[0].isStr && strings.HasPrefix(args[0].atom, "$") {
				args = args[1:]
			}
			switch {
			case len(args) > 0 && args[0].atom == "binary":
				var b []byte
				for _, s := range args[1:] {
					b = append(b, s.str...)
				}
				bins = append(bins, wastBinaryModule{file, n.line, command, b, want})
			case len(args) > 0 && args[0].atom == "quote":
			default:
				texts = append(texts, wastTextModule{file, n.line, command, wastSource(src, n)})
			}
			return
		}
		h := n.head()
		if strings.HasPrefix(h, "assert_") {
			command = h
			if last := n.list[len(n.list)-1]; last.isStr {
				want = string(last.str)
			}
		}
		for _, c := range n.list {
			walk(c, command, want)
		}
	}
	for _, f := range forms {
		walk(f, "module", "")
	}
	return bins, texts, nil
}

// wastSource returns the source text of a list node, found again from its
// starting line by matching parentheses (strings and comments skipped).
func wastSource(src string, n *wastNode) string {
	lineStart := 0
	for l := 1; l < n.line; l++ {
		lineStart += strings.IndexByte(src[lineStart:], '\n') + 1
	}
	start := lineStart + strings.Index(src[lineStart:], "(module")
	p := &wastParser{src: src, pos: start, line: n.line}
	p.node()
	return src[start:p.pos]
}

func TestParseWast(t *testing.T) {
	src := `;; comment (module binary "\00")
(; block (; nested ;) comment ;)
(module $m binary "\00asm" "\01\00\00\00")
(assert_malformed (module binary "\00a\u{41}\"\\") "magic header not detected")
(assert_invalid (module (func)) "type mismatch")
(module quote "(func)")`
	bins, texts, err := collectWastModules("x.wast", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(bins) != 2 {
		t.Fatalf("got %d binary modules, want 2", len(bins))
	}
	if got := string(bins[0].bytes); got != "\x00asm\x01\x00\x00\x00" || bins[0].command != "module" || bins[0].line != 3 {
		t.Errorf("first module: %q %s line %d", got, bins[0].command, bins[0].line)
	}
	if got := string(bins[1].bytes); got != "\x00aA\"\\" || bins[1].command != "assert_malformed" || bins[1].want != "magic header not detected" {
		t.Errorf("second module: %q %s %q", got, bins[1].command, bins[1].want)
	}
	if len(texts) != 1 || texts[0].text != "(module (func))" || texts[0].command != "assert_invalid" {
		t.Errorf("text modules: %+v", texts)
	}
	if _, _, err := collectWastModules("bad.wast", `(module "unterminated`); err == nil {
		t.Error("unterminated string: no error")
	}
}
