package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
)

const wasmStripDescription = `Remove sections of a WebAssembly binary file.

Every custom section (names, producers, DWARF, ...) is dropped; the other
sections are kept byte for byte, their sizes rewritten as minimal LEB128s,
as wabt does. Without -o the file is replaced (atomically: a failure leaves
it as it was). The module must be well-formed (it is read with every
feature on, and not validated); a malformed custom section is dropped like
any other. "-" as filename reads standard input and, without -o, writes
standard output.`

const wasmStripExamples = `# Remove all custom sections from test.wasm
$ wasm-strip test.wasm`

// WasmStrip is the wasm-strip tool.
func WasmStrip(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("wasm-strip", stderr, &code)
	var input, output string
	cmd := &command{
		name:        "wasm-strip",
		usage:       "[options] filename",
		description: wasmStripDescription,
		examples:    wasmStripExamples,
		positional:  singleFile(&input),
		stdout:      stdout,
		stderr:      stderr,
	}
	var verbose int // wasm-strip has no -v; commonOptions needs a target
	cmd.opts = cmd.commonOptions(&verbose)[:2]
	cmd.opts = append(cmd.opts,
		option{short: 'o', long: "output", metavar: "FILE", help: "output wasm binary file",
			set: func(v string) error { output = v; return nil }},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if input == "" {
		fmt.Fprintf(stderr, "wasm-strip: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	if output == "" {
		output = input // in place; "-" is stdin in, stdout out
	}
	name, data, err := readInput(input, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "wasm-strip: %v\n", err)
		return 1
	}
	stripped, err := stripCustomSections(ir.NewSource(name, data, true))
	if err != nil {
		fmt.Fprint(stderr, ir.Format(err))
		return 1
	}
	if err := writeOutput(output, stripped, stdout); err != nil {
		fmt.Fprintf(stderr, "wasm-strip: %v\n", err)
		return 1
	}
	return 0
}

// stripCustomSections returns the module without its custom sections. The
// section headers must be sound, and the module without custom sections
// must decode (with every feature on); errors are positioned in src.
func stripCustomSections(src *ir.Source) ([]byte, error) {
	data := src.Data
	fail := func(off int, format string, args ...any) error {
		return &ir.Error{Src: src, Pos: ir.PosAt(off), Kind: ir.Malformed, Msg: fmt.Sprintf(format, args...)}
	}
	if !binary.HasMagic(data) {
		return nil, fail(0, "magic header not detected")
	}
	if len(data) < 8 || !bytes.Equal(data[4:8], []byte{1, 0, 0, 0}) {
		return nil, fail(4, "unknown binary version")
	}
	out := append(make([]byte, 0, len(data)), data[:8]...)
	// kept maps offsets in out back to data, section by section.
	type kept struct{ out, in, size int }
	var spans []kept
	for off := 8; off < len(data); {
		id := data[off]
		size, n := uleb(data[off+1:])
		if n == 0 {
			return nil, fail(off+1, "malformed section size")
		}
		start := off + 1 + n
		if uint64(size) > uint64(len(data)-start) {
			return nil, fail(off+1, "section size extends past the end of the module")
		}
		end := start + int(size)
		if id != 0 {
			out = append(out, id)
			out = appendULEB(out, uint64(size))
			spans = append(spans, kept{out: len(out), in: start, size: int(size)})
			out = append(out, data[start:end]...)
		}
		off = end
	}
	// The decoder checks everything else; its positions are in out.
	_, err := binary.Decode(ir.NewSource(src.Name, out, true), ir.AllFeaturesOn())
	if err == nil {
		return out, nil
	}
	var e *ir.Error
	var list ir.ErrorList
	switch {
	case errors.As(err, &list) && len(list) > 0:
		e = list[0]
	case errors.As(err, &e):
	default:
		return nil, err
	}
	off := 0
	if e.Pos.IsValid() {
		off = e.Src.Position(e.Pos).Offset
		for _, s := range spans {
			if off >= s.out-1 && off <= s.out+s.size {
				off = s.in + off - s.out
				break
			}
		}
	}
	return nil, &ir.Error{Src: src, Pos: ir.PosAt(off), Kind: e.Kind, Msg: e.Msg}
}

// appendULEB appends v as a minimal unsigned LEB128.
func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
