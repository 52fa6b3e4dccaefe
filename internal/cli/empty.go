package cli

import "github.com/watt-wasm/watt/ir"

// checkNotEmpty reports text that holds no token at all (nothing, or only
// white space and comments) as wabt does: an error at the end of the input.
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
			for i < len(d) && d[i] != '\n' {
				i++
			}
		case c == '(' && i+1 < len(d) && d[i+1] == ';':
			depth := 0
			for {
				if i+1 >= len(d) {
					return nil // unterminated: the parser says so
				}
				switch {
				case d[i] == '(' && d[i+1] == ';':
					depth++
					i += 2
				case d[i] == ';' && d[i+1] == ')':
					depth--
					i += 2
				default:
					i++
				}
				if depth == 0 {
					break
				}
			}
		default:
			return nil
		}
	}
	return &ir.Error{Src: src, Pos: ir.PosAt(len(d)), Kind: ir.Malformed,
		Msg: "unexpected end of input, expected " + expected}
}
