package cli

import "github.com/watt-wasm/watt/ir"

// checkNotEmpty reports text that holds no token at all (nothing, or only
// white space, comments and annotations, which the text format treats
// alike) as wabt does: an error at the end of the input.
// The parser accepts such a text as an empty module, which a (module quote)
// needs, but a file with nothing in it is a mistake. Unterminated block
// comments are left to the parser, which reports them.
func checkNotEmpty(src *ir.Source, expected string) error {
	d := src.Data
	for i := 0; i < len(d); {
		switch c := d[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == ';' && i+1 < len(d) && d[i+1] == ';':
			i = skipLineComment(d, i)
		case c == '(' && i+1 < len(d) && d[i+1] == ';':
			end, ok := skipBlockComment(d, i)
			if !ok {
				return nil // unterminated: the parser says so
			}
			i = end
		case c == '(' && i+1 < len(d) && d[i+1] == '@':
			end, ok := skipAnnotation(d, i)
			if !ok {
				return nil // malformed: the parser says so
			}
			i = end
		default:
			return nil
		}
	}
	return &ir.Error{Src: src, Pos: ir.PosAt(len(d)), Kind: ir.Malformed,
		Msg: "unexpected end of input, expected " + expected}
}

// skipAnnotation returns the offset after the annotation (@…) at d[i:],
// with its nested parentheses, strings and comments; ok is false when it
// does not end.
func skipAnnotation(d []byte, i int) (end int, ok bool) {
	depth := 0
	for i < len(d) {
		switch c := d[i]; {
		case c == '"':
			for i++; i < len(d) && d[i] != '"'; i++ {
				if d[i] == '\\' {
					i++
				}
			}
			if i >= len(d) {
				return 0, false
			}
			i++
		case c == ';' && i+1 < len(d) && d[i+1] == ';':
			i = skipLineComment(d, i)
		case c == '(' && i+1 < len(d) && d[i+1] == ';':
			end, ok := skipBlockComment(d, i)
			if !ok {
				return 0, false
			}
			i = end
		case c == '(':
			depth++
			i++
		case c == ')':
			depth--
			i++
			if depth == 0 {
				return i, true
			}
		default:
			i++
		}
	}
	return 0, false
}

// skipBlockComment returns the offset after the (possibly nested) block
// comment (;…;) at d[i:]; ok is false when it does not end.
func skipBlockComment(d []byte, i int) (end int, ok bool) {
	depth := 0
	for i+1 < len(d) {
		switch {
		case d[i] == '(' && d[i+1] == ';':
			depth++
			i += 2
		case d[i] == ';' && d[i+1] == ')':
			depth--
			i += 2
			if depth == 0 {
				return i, true
			}
		default:
			i++
		}
	}
	return 0, false
}

// skipLineComment returns the offset of the end of the line comment ;;…
// at d[i:]: a newline, or a carriage return alone (3.0's text format ends
// a line comment at either).
func skipLineComment(d []byte, i int) int {
	for i < len(d) && d[i] != '\n' && d[i] != '\r' {
		i++
	}
	return i
}
