package cli

import (
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// checkNotEmpty reports text that holds no token at all (nothing, or only
// white space, comments and annotations) as wabt does: an error at the end
// of the input. The parser accepts such a text as an empty module, which a
// (module quote) needs, but a file with nothing in it is a mistake.
func checkNotEmpty(src *ir.Source, expected string) error {
	if !wat.Blank(src.Data) {
		return nil
	}
	d := src.Data
	return &ir.Error{Src: src, Pos: ir.PosAt(len(d)), Kind: ir.Malformed,
		Msg: "unexpected end of input, expected " + expected}
}
