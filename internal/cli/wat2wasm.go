package cli

import (
	"bytes"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

const wat2wasmDescription = `read a file in the wasm text format, check it for errors, and
convert it to the wasm binary format.

Unless --no-check is given the module is validated as the spec defines:
types of every instruction, indices, limits, constant expressions, imports
and exports, and the threads proposal's rules (a shared memory must have a
maximum; atomic accesses must use their natural alignment and need a
memory). Features that are off (threads is off by default) are reported
with the flag that enables them. "-" as filename reads standard input; the
binary then goes to standard output unless -o is given. No output file is
written (or truncated) unless everything succeeded.`

const wat2wasmExamples = `# parse dir/test.wat and write to test.wasm (in the current directory)
$ wat2wasm dir/test.wat

# parse test.wat and write to binary file test.wasm
$ wat2wasm test.wat -o test.wasm

# compile a threads program, writing the binary to stdout
$ wat2wasm --enable-threads mandelbrot.wat -o -

# parse test.wat and print the sizes of the sections written (-vv: and
# of the largest functions) to stderr
$ wat2wasm test.wat -v`

// Wat2Wasm is the wat2wasm tool: text module in, binary module out.
func Wat2Wasm(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("wat2wasm", stderr, &code)
	var (
		input, output string
		verbose       int
		features      = ir.DefaultFeatures()
		debugNames    bool
		noCheck       bool
	)
	cmd := &command{
		name:        "wat2wasm",
		usage:       "[options] filename",
		description: wat2wasmDescription,
		examples:    wat2wasmExamples,
		positional:  singleFile(&input),
		stdout:      stdout,
		stderr:      stderr,
	}
	cmd.opts = cmd.commonOptions(&verbose)
	cmd.opts = append(cmd.opts, unsupportedOptions(
		option{long: "debug-parser", help: "Turn on debugging the parser of wat files"},
		option{short: 'd', long: "dump-module", help: "Print a hexdump of the module to stdout"},
	)...)
	cmd.opts = append(cmd.opts, featureOptions(&features)...)
	cmd.opts = append(cmd.opts,
		option{short: 'o', long: "output", metavar: "FILE",
			help: `Output wasm binary file. Use "-" to write to stdout.`,
			set:  func(v string) error { output = v; return nil }},
	)
	cmd.opts = append(cmd.opts, unsupportedOptions(
		option{short: 'r', long: "relocatable", help: "Create a relocatable wasm binary (not supported by watt)"},
		option{long: "no-canonicalize-leb128s", help: "Write all LEB128 sizes as 5-bytes (not supported by watt)"},
	)...)
	cmd.opts = append(cmd.opts,
		option{long: "debug-names", help: "Write debug names to the generated binary file",
			set: func(string) error { debugNames = true; return nil }},
		option{long: "no-check", help: "Don't check for invalid modules",
			set: func(string) error { noCheck = true; return nil }},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if input == "" {
		fmt.Fprintf(stderr, "wat2wasm: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	if output == "" {
		output = stdinName // stdin in, stdout out
		if input != stdinName {
			output = defaultOutputName(input, ".wasm")
		}
	}

	// A mapped input that shrinks under us faults: an internal error
	// (recoverInternal), not a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	name, data, release, err := readInputMapped(input, stdin)
	defer release()
	if err != nil {
		fmt.Fprintf(stderr, "wat2wasm: %v\n", err)
		return 1
	}
	src := ir.NewSource(name, data, false)
	if err := checkNotEmpty(src, "a module field or a module"); err != nil {
		fmt.Fprint(stderr, ir.Format(err))
		return 1
	}
	m, err := wat.ParseModule(src, features)
	if err != nil {
		fmt.Fprint(stderr, ir.Format(err))
		return 1
	}
	if !noCheck {
		if err := validate.Module(m, src, features); err != nil {
			fmt.Fprint(stderr, ir.Format(err))
			return 1
		}
	}
	// The module in pieces (a large code section's bodies as the encoder's
	// goroutines wrote them), written out one after the other rather than
	// copied into one buffer first.
	parts, err := binary.EncodeBuffers(m, encodeOptions(features, debugNames))
	if err != nil {
		fmt.Fprint(stderr, ir.Format(err))
		return 1
	}
	if err := writeOutputWith(output, stdout, func(w io.Writer) error {
		for _, p := range parts {
			if _, err := w.Write(p); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		fmt.Fprintf(stderr, "wat2wasm: %v\n", err)
		return 1
	}
	if verbose > 0 {
		wasm := bytes.Join(parts, nil)
		// On stderr, as wabt's log: stdout may carry the binary.
		w := stderr
		fmt.Fprintf(w, "%s: %d bytes of text -> %s: %d bytes of wasm (features: %s)\n",
			name, len(data), displayOutput(output), len(wasm), features)
		printSections(w, wasm)
		if verbose > 1 {
			printLargestFuncs(w, wasm, m, 10)
		}
	}
	return 0
}

// displayOutput names an output in messages.
func displayOutput(name string) string {
	if name == stdinName {
		return "<stdout>"
	}
	return name
}

// unsupportedOptions marks wabt options watt recognises but does not
// implement: using one is an error that says so, rather than "unknown
// option" or a silently different result. They are not listed by --help.
func unsupportedOptions(opts ...option) []option {
	for i := range opts {
		o := &opts[i]
		o.hidden = true
		flag := "--" + o.long
		o.set = func(string) error {
			return usagef("option '%s' is not supported by watt", flag)
		}
	}
	return opts
}

// encodeOptions are the encoder's options for a tool's features: the
// element segment forms depend on them (wabt 1.0.32's without function
// references, the spec's with them), so the binary decodes back to the
// same segment types with the same flags.
func encodeOptions(features ir.Features, debugNames bool) binary.EncodeOptions {
	if features == 0 {
		// The zero value means 3.0 to the encoder; legacy names is a
		// text-only feature it ignores, so every feature off still gets
		// the forms without function references.
		features = ir.Features(ir.FeatureLegacyNames)
	}
	return binary.EncodeOptions{DebugNames: debugNames, Features: features}
}
