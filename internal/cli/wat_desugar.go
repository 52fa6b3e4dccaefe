package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

const watDesugarDescription = `read a file in the wasm s-expression format and format it.

The module is written as wabt writes it: folded expressions unfolded
(unless -f), inline exports, imports, data and element segments as fields of
their own, but fields in the order of the text, names and labels as
written, "(type N)" where the text has one, and the types the text implies
last. The module is not validated. The first module of a script is
written.`

const watDesugarExamples = `# write output to stdout
$ wat-desugar test.wat

# write output to test2.wat
$ wat-desugar test.wat -o test2.wat

# generate names for indexed variables
$ wat-desugar --generate-names test.wat`

// WatDesugar is the wat-desugar tool.
func WatDesugar(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("wat-desugar", stderr, &code)
	var (
		input    string
		output   = stdinName
		features = ir.DefaultFeatures()
		opts     wat.PrintOptions
	)
	flag := func(dst *bool) func(string) error {
		return func(string) error { *dst = true; return nil }
	}
	cmd := &command{
		name:        "wat-desugar",
		usage:       "[options] filename",
		description: watDesugarDescription,
		examples:    watDesugarExamples,
		positional:  singleFile(&input),
		stdout:      stdout,
		stderr:      stderr,
	}
	var verbose int // wat-desugar has no -v
	cmd.opts = cmd.commonOptions(&verbose)[:2]
	cmd.opts = append(cmd.opts,
		option{short: 'o', long: "output", metavar: "FILE", help: "Output file for the formatted file",
			set: func(v string) error { output = v; return nil }},
	)
	cmd.opts = append(cmd.opts, unsupportedOptions(
		option{long: "debug-parser", help: "Turn on debugging the parser of wat files"},
	)...)
	cmd.opts = append(cmd.opts,
		option{short: 'f', long: "fold-exprs", help: "Write folded expressions where possible", set: flag(&opts.FoldExprs)},
		option{long: "inline-exports", help: "Write all exports inline", set: flag(&opts.InlineExports)},
		option{long: "inline-imports", help: "Write all imports inline", set: flag(&opts.InlineImports)},
	)
	cmd.opts = append(cmd.opts, featureOptions(&features)...)
	cmd.opts = append(cmd.opts,
		option{long: "generate-names", help: "Give auto-generated names to non-named functions, types, etc.",
			set: flag(&opts.GenerateNames)},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if input == "" {
		fmt.Fprintf(stderr, "wat-desugar: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	name, data, err := readInput(input, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "wat-desugar: %v\n", err)
		return 1
	}
	src := ir.NewSource(name, data, false)
	if err := checkNotEmpty(src, "a module field or a command"); err != nil {
		fmt.Fprint(stderr, ir.Format(err))
		return 1
	}
	m, err := firstModule(src, features)
	if err != nil {
		fmt.Fprint(stderr, ir.Format(err))
		return 1
	}
	opts.Layout = textLayout(src, m.Module, m.Start, m.End)
	opts.Features = features // the text is for these: element list forms
	err = writeOutputWith(output, stdout, func(w io.Writer) error {
		return wat.Print(w, m.Module, opts)
	})
	var list ir.ErrorList
	var one *ir.Error
	switch {
	case err == nil:
		return 0
	case errors.As(err, &list) || errors.As(err, &one):
		fmt.Fprint(stderr, ir.Format(err))
	default:
		fmt.Fprintf(stderr, "wat-desugar: %v\n", err)
	}
	return 1
}

// firstModule parses a script (a module is a script of one) and returns
// its first text module, as wabt's wat-desugar reads its input.
func firstModule(src *ir.Source, features ir.Features) (*wat.ModuleCommand, error) {
	script, err := wat.ParseScript(src, features)
	if err != nil {
		return nil, err
	}
	for _, c := range script.Commands {
		if mc, ok := c.(*wat.ModuleCommand); ok {
			if mc.Kind != wat.ModuleText || mc.Module == nil {
				break
			}
			return mc, nil
		}
	}
	return nil, &ir.Error{Src: src, Pos: ir.PosAt(0), Kind: ir.Malformed, Msg: "no text module in the file"}
}
