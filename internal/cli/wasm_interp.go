package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wasi"
	"github.com/watt-wasm/watt/wat"
)

const wasmInterpDescription = `read a file in the wasm binary format (or the text format: a file
not starting with the wasm magic number is parsed as text), and run it in
watt's interpreter.

Threads really run: with --wasi, a wasi-threads program's "wasi"
"thread-spawn" starts a goroutine per thread over one shared memory. --wasi
runs _start and exits with the program's status (134 if any thread traps,
as wasmtime does); it implies --enable-threads, which wasi-threads
binaries need. --dir=DIR preopens DIR under its own name, --dir=HOST::GUEST
under another; the guest can reach nothing outside its preopens.
--max-threads=N bounds the threads running at once (thread-spawn returns
-EAGAIN beyond), so a guest spawning in a loop cannot grow without bound.`

const wasmInterpExamples = `# parse binary file test.wasm, and type-check it
$ wasm-interp test.wasm

# parse test.wasm and run all its exported functions
$ wasm-interp test.wasm --run-all-exports

# call one export with arguments
$ wasm-interp test.wasm --run-export=add --argument=i32:1 --argument=i64:2

# run a WASI command (threads included) with a directory and arguments
$ wasm-interp --wasi --dir=. prog.wasm -- -v input.txt`

// WasmInterp is the wasm-interp tool.
func WasmInterp(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var (
		file         string
		progArgs     []string
		verbose      int
		features     = ir.DefaultFeatures()
		runAll       bool
		runExports   []exportCall
		callDepth    int
		trace        bool
		hostPrint    bool
		dummyImports bool
		useWASI      bool
		dirs         []wasi.Dir
		env          []string
		maxThreads   int
	)
	cmd := &command{
		name:        "wasm-interp",
		usage:       "[options] filename [arg]...",
		description: wasmInterpDescription,
		examples:    wasmInterpExamples,
		positional: func(arg string) error {
			if file == "" {
				file = arg
			} else {
				progArgs = append(progArgs, arg)
			}
			return nil
		},
		stdout: stdout,
		stderr: stderr,
	}
	cmd.opts = cmd.commonOptions(&verbose)
	cmd.opts = append(cmd.opts, featureOptions(&features)...)
	cmd.opts = append(cmd.opts,
		option{short: 'V', long: "value-stack-size", metavar: "SIZE", help: "Size in elements of the value stack", hidden: true,
			set: func(string) error {
				return usagef("option '--value-stack-size' is not supported by watt (the value stack grows as needed, up to 64 MiB)")
			}},
		option{short: 'C', long: "call-stack-size", metavar: "SIZE", help: "Size in elements of the call stack (watt: the call depth limit)",
			set: func(v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return usagef("--call-stack-size needs a positive number, got '%s'", v)
				}
				callDepth = n
				return nil
			}},
		option{short: 't', long: "trace", help: "Trace execution: one line per instruction (with --wasi, and every WASI call, to stderr)",
			set: func(string) error { trace = true; return nil }},
		option{long: "wasi", help: "Assume input module is WASI compliant (Export  WASI API the the module and invoke _start function)",
			set: func(string) error { useWASI = true; return nil }},
		option{short: 'e', long: "env", metavar: "ENV", help: "Pass the given environment string in the WASI runtime",
			set: func(v string) error {
				if !strings.Contains(v, "=") || strings.HasPrefix(v, "=") {
					return usagef("--env needs NAME=VALUE, got '%s'", v)
				}
				env = append(env, v)
				return nil
			}},
		option{short: 'd', long: "dir", metavar: "DIR", help: "Pass the given directory the the WASI runtime (HOST::GUEST maps it)",
			set: func(v string) error {
				host, guest, ok := strings.Cut(v, "::")
				if !ok {
					guest = host
				}
				if host == "" || guest == "" {
					return usagef("--dir needs DIR or HOST::GUEST, got '%s'", v)
				}
				dirs = append(dirs, wasi.Dir{Host: host, Guest: guest})
				return nil
			}},
		option{long: "max-threads", metavar: "N", extra: true, help: fmt.Sprintf("With --wasi, let at most N spawned threads run at once; thread-spawn fails beyond (default %d)", wasi.DefaultMaxThreads),
			set: func(v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return usagef("--max-threads needs a positive number, got '%s'", v)
				}
				maxThreads = n
				return nil
			}},
		option{long: "run-all-exports", help: "Run all the exported functions, in order. Useful for testing",
			set: func(string) error { runAll = true; return nil }},
		option{long: "run-export", metavar: "NAME", extra: true, help: "Run the exported function NAME (repeatable)",
			set: func(v string) error { runExports = append(runExports, exportCall{name: v}); return nil }},
		option{long: "argument", metavar: "TYPE:VALUE", extra: true, help: "Argument for the --run-export before it, e.g. i32:42 (repeatable)",
			set: func(v string) error {
				if len(runExports) == 0 {
					return usagef("--argument must follow the --run-export it is for")
				}
				val, err := parseArgument(v)
				if err != nil {
					return err
				}
				last := &runExports[len(runExports)-1]
				last.args = append(last.args, val)
				return nil
			}},
		option{long: "host-print", help: `Include an importable function named "host.print" for printing to stdout`,
			set: func(string) error { hostPrint = true; return nil }},
		option{long: "dummy-import-func", help: "Provide a dummy implementation of all imported functions. The function will log the call and return an appropriate zero value.",
			set: func(string) error { dummyImports = true; return nil }},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if file == "" {
		fmt.Fprintf(stderr, "wasm-interp: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	if useWASI {
		features = features.With(ir.FeatureThreads, true)
	}
	mod, err := loadModule(file, stdin, features)
	if err != nil {
		printError(stderr, err)
		return 1
	}
	if verbose > 0 && mod.Src.Binary {
		printSections(stderr, mod.Src.Data)
	}
	outW := stdout
	if trace && !useWASI {
		// A line per instruction: buffer them (flushed on return).
		bw := bufio.NewWriterSize(stdout, 64<<10)
		defer bw.Flush()
		outW = bw
	}
	out := &lockedWriter{w: outW}
	errOut := &lockedWriter{w: stderr}
	if trace {
		// One line per executed instruction, as wabt's --trace; with
		// --wasi on stderr, since the program owns stdout.
		if useWASI {
			mod = mod.Trace(errOut)
		} else {
			mod = mod.Trace(out)
		}
	}
	store := interp.NewStore()
	store.MaxCallDepth = callDepth
	hosts := &hostImports{store: store, mod: mod, out: out, print: hostPrint, dummy: dummyImports}

	if useWASI {
		cfg := wasi.Config{
			Args:       append([]string{file}, progArgs...),
			Env:        env,
			Stdin:      stdin,
			Stdout:     out,
			Stderr:     errOut,
			Dirs:       dirs,
			MaxThreads: maxThreads,
			Store:      store,
			Imports:    hosts.resolver(),
		}
		if trace {
			// The program owns stdout: trace WASI calls to stderr.
			cfg.Trace = cfg.Stderr
			fmt.Fprintf(cfg.Stderr, ">>> running export \"_start\":\n")
		}
		status, err := wasi.Run(context.Background(), mod, cfg)
		if err != nil {
			printError(stderr, err)
		}
		return exitStatus(status)
	}

	inst, err := interp.Instantiate(store, mod, hosts.resolver())
	if err != nil {
		fmt.Fprintf(stderr, "error initializing module: %s", ir.Format(err))
		return 1
	}
	status := 0
	run := func(name string, args []interp.Value) bool {
		f := inst.Func(name)
		if f == nil {
			fmt.Fprintf(stderr, "wasm-interp: unknown function export %q\n", name)
			return false
		}
		if trace {
			fmt.Fprintf(out, ">>> running export %q:\n", name)
		}
		res, err := f.Call(context.Background(), args...)
		fmt.Fprintf(out, "%s(%s) =>%s\n", name, formatValues(args), formatResults(res, err))
		return err == nil
	}
	if runAll {
		mods := mod.IR
		for _, ex := range mods.Exports {
			f, ok := inst.Export(ex.Name).(*interp.Function)
			// wabt runs only the exports it can call without arguments.
			if ex.Kind != ir.ExternFunc || !ok || len(f.Type().Params) > 0 {
				continue
			}
			run(ex.Name, nil)
		}
	}
	for _, c := range runExports {
		if !run(c.name, c.args) {
			status = 1
		}
	}
	return status
}

// exportCall is one --run-export with the --argument options after it.
type exportCall struct {
	name string
	args []interp.Value
}

// printError prints watt's errors as wabt does (file:line:col: error: …
// with the source line) and others after the tool's name.
func printError(w io.Writer, err error) {
	var e *ir.Error
	var list ir.ErrorList
	if errors.As(err, &e) || errors.As(err, &list) {
		fmt.Fprint(w, ir.Format(err))
		return
	}
	fmt.Fprintf(w, "wasm-interp: %v\n", err)
}

// exitStatus maps a WASI exit status to a process's: the low byte, as
// POSIX exit does (exit(-1) is 255), except that a nonzero status never
// becomes success (256 is 1, not 0).
func exitStatus(status int) int {
	if b := status & 0xff; b != 0 || status == 0 {
		return b
	}
	return 1
}

// loadModule reads, parses or decodes, validates and compiles a module.
func loadModule(name string, stdin io.Reader, features ir.Features) (*interp.Module, error) {
	display, data, err := readInput(name, stdin)
	if err != nil {
		return nil, err
	}
	var m *ir.Module
	var src *ir.Source
	// An empty file is a binary missing its magic number, as in wabt.
	if len(data) == 0 || binary.HasMagic(data) {
		src = ir.NewSource(display, data, true)
		m, err = binary.Decode(src, features)
	} else {
		src = ir.NewSource(display, data, false)
		if err := checkNotEmpty(src, "a module field or a module"); err != nil {
			return nil, err
		}
		m, err = wat.ParseModule(src, features)
	}
	if err != nil {
		return nil, err
	}
	return interp.Compile(m, src, features)
}

// parseArgument parses --argument's TYPE:VALUE.
func parseArgument(s string) (interp.Value, error) {
	typ, val, ok := strings.Cut(s, ":")
	if !ok {
		return interp.Value{}, usagef("--argument needs TYPE:VALUE, got '%s'", s)
	}
	bad := usagef("invalid %s value '%s'", typ, val)
	switch typ {
	case "i32":
		if n, err := strconv.ParseInt(val, 0, 32); err == nil {
			return interp.I32(int32(n)), nil
		}
		if n, err := strconv.ParseUint(val, 0, 32); err == nil {
			return interp.I32(int32(uint32(n))), nil
		}
	case "i64":
		if n, err := strconv.ParseInt(val, 0, 64); err == nil {
			return interp.I64(n), nil
		}
		if n, err := strconv.ParseUint(val, 0, 64); err == nil {
			return interp.I64(int64(n)), nil
		}
	case "f32":
		if f, err := strconv.ParseFloat(val, 32); err == nil {
			return interp.F32(float32(f)), nil
		}
	case "f64":
		if f, err := strconv.ParseFloat(val, 64); err == nil {
			return interp.F64(f), nil
		}
	default:
		return interp.Value{}, usagef("--argument type must be i32, i64, f32 or f64, got '%s'", typ)
	}
	return interp.Value{}, bad
}

// trapSuffix is the " (in func)" the interpreter appends to trap messages;
// wabt's output has the bare message.
var trapSuffix = regexp.MustCompile(` \(in [^()]*\)$`)

func formatResults(res []interp.Value, err error) string {
	if err != nil {
		msg := err.Error()
		if e, ok := err.(*ir.Error); ok {
			msg = e.Msg
		}
		return " error: " + trapSuffix.ReplaceAllString(msg, "")
	}
	if len(res) == 0 {
		return ""
	}
	return " " + formatValues(res)
}

func formatValues(vs []interp.Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = formatValue(v)
	}
	return strings.Join(parts, ", ")
}

// formatValue writes a value as wabt does: integers unsigned, floats with
// C's %f.
func formatValue(v interp.Value) string {
	switch v.Type {
	case ir.I32:
		return "i32:" + strconv.FormatUint(uint64(uint32(v.Lo)), 10)
	case ir.I64:
		return "i64:" + strconv.FormatUint(v.Lo, 10)
	case ir.F32:
		return "f32:" + cFloat(float64(v.Float32()))
	case ir.F64:
		return "f64:" + cFloat(v.Float64())
	case ir.V128:
		return fmt.Sprintf("v128 i32x4:0x%08x 0x%08x 0x%08x 0x%08x",
			uint32(v.Lo), uint32(v.Lo>>32), uint32(v.Hi), uint32(v.Hi>>32))
	case ir.FuncRef:
		return "funcref:" + strconv.FormatUint(v.Lo, 10)
	case ir.ExternRef:
		return "externref:" + strconv.FormatUint(v.Lo, 10)
	}
	return v.String()
}

// cFloat formats like printf("%f").
func cFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}
