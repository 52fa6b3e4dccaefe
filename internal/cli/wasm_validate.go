package cli

import (
	"fmt"
	"io"

	"github.com/watt-wasm/watt/ir"
)

const wasmValidateDescription = `Read a file in the WebAssembly binary format, and validate it.

Checks the binary syntax, then validates the module as the spec defines,
threads rules included: a shared memory must have a maximum, atomic
accesses must use their natural alignment, and proposals that are off
(threads is off by default) are rejected with the flag that enables them.
Prints nothing and exits 0 when the module is valid; prints the error and
exits 1 otherwise. "-" as filename reads standard input.`

const wasmValidateExamples = `# validate binary file test.wasm
$ wasm-validate test.wasm

# validate a threads module and summarise it
$ wasm-validate --enable-threads -v mandelbrot.wasm`

// WasmValidate is the wasm-validate tool.
func WasmValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("wasm-validate", stderr, &code)
	var (
		input    string
		verbose  int
		features = ir.DefaultFeatures()
	)
	cmd := &command{
		name:        "wasm-validate",
		usage:       "[options] filename",
		description: wasmValidateDescription,
		examples:    wasmValidateExamples,
		positional:  singleFile(&input),
		stdout:      stdout,
		stderr:      stderr,
	}
	cmd.opts = cmd.commonOptions(&verbose)
	cmd.opts = append(cmd.opts, featureOptions(&features)...)
	// Validation never looks at names or custom sections, and the decoder
	// already ignores a malformed name section: both options are no-ops.
	noop := func(string) error { return nil }
	cmd.opts = append(cmd.opts,
		option{long: "no-debug-names", help: "Ignore debug names in the binary file", set: noop},
		option{long: "ignore-custom-section-errors", help: "Ignore errors in custom sections", set: noop},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	m, src, code := readBinaryModule(cmd, input, stdin, features, true)
	if m == nil {
		return code
	}
	if verbose > 0 {
		// -v reports go to stderr, as wabt's log does.
		stdout := stderr
		fmt.Fprintf(stdout, "%s: valid (features: %s)\n", src.Name, features)
		fmt.Fprintf(stdout, "  %d types, %d imports, %d functions, %d tables, %d memories, %d globals, %d exports, %d elem segments, %d data segments\n",
			len(m.Types), len(m.Imports), len(m.Funcs), len(m.Tables), len(m.Memories),
			len(m.Globals), len(m.Exports), len(m.Elems), len(m.Datas))
		fmt.Fprintf(stdout, "  %d shared memories (imported or defined)\n", countShared(m))
		printSections(stdout, src.Data)
	}
	return 0
}

// countShared counts the module's shared memories, imports included.
func countShared(m *ir.Module) int {
	n := 0
	for _, im := range m.Imports {
		if im.Kind == ir.ExternMemory && im.Memory.Shared {
			n++
		}
	}
	for _, mem := range m.Memories {
		if mem.Type.Shared {
			n++
		}
	}
	return n
}
