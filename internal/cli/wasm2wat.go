package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

const wasm2watDescription = `Read a file in the WebAssembly binary format, and convert it to
the WebAssembly text format.

Unless --no-check is given the module is validated first, threads rules
included. "-" as filename reads standard input.`

const wasm2watExamples = `# parse binary file test.wasm and write text file test.wast
$ wasm2wat test.wasm -o test.wat

# parse test.wasm, write test.wat, but ignore the debug names, if any
$ wasm2wat test.wasm --no-debug-names -o test.wat`

// Wasm2Wat is the wasm2wat tool: binary module in, text module out
// (stdout unless -o is given).
func Wasm2Wat(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("wasm2wat", stderr, &code)
	var (
		input    string
		output   = stdinName
		verbose  int
		features = ir.DefaultFeatures()
		noCheck  bool
		opts     wat.PrintOptions
	)
	flag := func(dst *bool) func(string) error {
		return func(string) error { *dst = true; return nil }
	}
	cmd := &command{
		name:        "wasm2wat",
		usage:       "[options] filename",
		description: wasm2watDescription,
		examples:    wasm2watExamples,
		positional:  singleFile(&input),
		stdout:      stdout,
		stderr:      stderr,
	}
	cmd.opts = cmd.commonOptions(&verbose)
	cmd.opts = append(cmd.opts,
		option{short: 'o', long: "output", metavar: "FILENAME",
			help: "Output file for the generated wast file, by default use stdout",
			set:  func(v string) error { output = v; return nil }},
		option{short: 'f', long: "fold-exprs", help: "Write folded expressions where possible",
			set: flag(&opts.FoldExprs)},
	)
	cmd.opts = append(cmd.opts, featureOptions(&features)...)
	cmd.opts = append(cmd.opts,
		option{long: "inline-exports", help: "Write all exports inline", set: flag(&opts.InlineExports)},
		option{long: "inline-imports", help: "Write all imports inline", set: flag(&opts.InlineImports)},
		option{long: "no-debug-names", help: "Ignore debug names in the binary file", set: flag(&opts.NoDebugNames)},
		// The decoder already ignores a malformed name section: a no-op.
		option{long: "ignore-custom-section-errors", help: "Ignore errors in custom sections",
			set: func(string) error { return nil }},
		option{long: "generate-names", help: "Give auto-generated names to non-named functions, types, etc.",
			set: flag(&opts.GenerateNames)},
		option{long: "no-check", help: "Don't check for invalid modules", set: flag(&noCheck)},
		option{long: "quoted-names", extra: true, set: flag(&opts.QuotedNames),
			help: "Write debug names that are not plain identifiers quoted ($\"a b\"), not with '_' for each other character"},
		option{long: "custom-sections", extra: true, set: flag(&opts.Annotations),
			help: "Write custom sections as (@custom ...) annotations, which wat2wasm reads back"},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	m, src, code := readBinaryModule(cmd, input, stdin, features, !noCheck)
	if m == nil {
		return code
	}
	if verbose > 0 {
		printSections(stderr, src.Data) // stdout may carry the text
	}
	opts.Features = features // the text is for these: element list forms
	err := writeOutputWith(output, stdout, func(w io.Writer) error {
		return wat.Print(w, m, opts)
	})
	var list ir.ErrorList
	var one *ir.Error
	switch {
	case err == nil:
		return 0
	case errors.As(err, &list) || errors.As(err, &one):
		fmt.Fprint(stderr, ir.Format(err))
	default:
		fmt.Fprintf(stderr, "wasm2wat: %v\n", err)
	}
	return 1
}

// readBinaryModule reads, decodes and (if check) validates the binary
// module named input, printing any error. On failure m is nil and code is
// the exit status.
func readBinaryModule(cmd *command, input string, stdin io.Reader, features ir.Features, check bool) (m *ir.Module, src *ir.Source, code int) {
	if input == "" {
		fmt.Fprintf(cmd.stderr, "%s: expected filename argument.\nTry '--help' for more information.\n", cmd.name)
		return nil, nil, 1
	}
	name, data, err := readInput(input, stdin)
	if err != nil {
		fmt.Fprintf(cmd.stderr, "%s: %v\n", cmd.name, err)
		return nil, nil, 1
	}
	src = ir.NewSource(name, data, true)
	m, err = binary.Decode(src, features)
	if err != nil {
		fmt.Fprint(cmd.stderr, ir.Format(err))
		return nil, src, 1
	}
	if check {
		if err := validate.Module(m, src, features); err != nil {
			fmt.Fprint(cmd.stderr, ir.Format(err))
			return nil, src, 1
		}
	}
	return m, src, 0
}
