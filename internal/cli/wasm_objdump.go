package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/watt-wasm/watt/objdump"
)

const wasmObjdumpDescription = `Print information about the contents of wasm binaries.

The output is wabt 1.0.32's, byte for byte: -h one line per section, -x
each section's contents (names from the name section, imports and
exports), -d the disassembly of every function body with its bytes, -s a
hex dump of each section; any combination, in that order. -j SECTION
limits -x and -s to one section (a custom section by its name). The module
need not be valid, only well-formed. Files are dumped in order; the first
that fails stops the run.`

const wasmObjdumpExamples = `$ wasm-objdump test.wasm

# headers and the disassembly of the code
$ wasm-objdump -h -d test.wasm

# the name section's entries
$ wasm-objdump -x -j name test.wasm`

// WasmObjdump is the wasm-objdump tool.
func WasmObjdump(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("wasm-objdump", stderr, &code)
	var (
		files []string
		opts  objdump.Options
	)
	flag := func(dst *bool) func(string) error {
		return func(string) error { *dst = true; return nil }
	}
	cmd := &command{
		name:        "wasm-objdump",
		usage:       "[options] filename+",
		description: wasmObjdumpDescription,
		examples:    wasmObjdumpExamples,
		positional:  func(arg string) error { files = append(files, arg); return nil },
		stdout:      stdout,
		stderr:      stderr,
	}
	var verbose int // wasm-objdump has no -v: -h is --headers
	cmd.opts = cmd.commonOptions(&verbose)[:2]
	cmd.opts = append(cmd.opts,
		option{short: 'h', long: "headers", help: "Print headers", set: flag(&opts.Headers)},
		option{short: 'j', long: "section", metavar: "SECTION", help: "Select just one section",
			set: func(v string) error { opts.Section = v; return nil }},
		option{short: 's', long: "full-contents", help: "Print raw section contents", set: flag(&opts.Raw)},
		option{short: 'd', long: "disassemble", help: "Disassemble function bodies", set: flag(&opts.Disassemble)},
	)
	cmd.opts = append(cmd.opts, unsupportedOptions(
		option{long: "debug", help: "Print extra debug information"},
	)...)
	cmd.opts = append(cmd.opts,
		option{short: 'x', long: "details", help: "Show section details", set: flag(&opts.Details)},
	)
	cmd.opts = append(cmd.opts, unsupportedOptions(
		option{short: 'r', long: "reloc", help: "Show relocations inline with disassembly"},
	)...)
	cmd.opts = append(cmd.opts,
		option{long: "section-offsets", help: "Print section offsets instead of file offsets in code disassembly",
			set: flag(&opts.SectionOffsets)},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "wasm-objdump: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	if !opts.Headers && !opts.Details && !opts.Disassemble && !opts.Raw {
		fmt.Fprint(stderr, "At least one of the following switches must be given:\n"+
			" -d/--disassemble\n -h/--headers\n -x/--details\n -s/--full-contents\n")
		return 1
	}
	for _, file := range files {
		name, data, err := readInput(file, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "wasm-objdump: %v\n", err)
			return 1
		}
		err = objdump.Dump(stdout, stderr, name, data, opts)
		var e *objdump.Error
		switch {
		case err == nil:
		case errors.As(err, &e):
			fmt.Fprintf(stderr, "%s:0x%x: error: %s\n", name, e.Offset, e.Msg)
			return 1
		case errors.Is(err, objdump.ErrSectionNotFound):
			return 1
		default:
			fmt.Fprintf(stderr, "wasm-objdump: %v\n", err)
			return 1
		}
	}
	return 0
}
