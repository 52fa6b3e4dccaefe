package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/litmus"
)

const wasmLitmusDescription = `run memory-model litmus tests on watt's interpreter and print how often
each outcome occurs. Tests are .litmus files (litmus7-style: threads of
wasm memory instructions over named locations, see testdata/litmus/) or
the threads suite's litmus scripts (MP.wast, SB_atomic.wast, …); a
directory stands for its .litmus files.

For each test the tool enumerates the sequentially consistent outcomes
(every interleaving) and the outcomes the wasm memory model allows because
non-atomic accesses race, then runs the test N times, each thread on its
own goroutine over one shared memory, and prints each outcome with its
count, percentage and verdict: SC, allowed (racy non-atomic), or
forbidden. The exit status is 1 when a forbidden outcome was observed (or
a test could not be read or run), 0 otherwise.`

const wasmLitmusExamples = `# run the whole catalogue, 100,000 times per test
$ wasm-litmus testdata/litmus

# store buffering, a million runs, with a bar chart
$ wasm-litmus -n 1000000 --svg sb.svg testdata/litmus/SB.litmus

# the threads suite's own litmus files
$ wasm-litmus testsuite/threads/MP.wast testsuite/threads/SB.wast

# print the model's outcomes only, and write .wast versions for other engines
$ wasm-litmus -n 0 --emit-wast out/ testdata/litmus`

// litmusJSON is one test's result for --json.
type litmusJSON struct {
	Test      string           `json:"test"`
	File      string           `json:"file"`
	Runs      int              `json:"runs"`
	Seconds   float64          `json:"seconds"`
	Outcomes  []litmusJSONRow  `json:"outcomes"`
	Question  *litmusJSONQuery `json:"question,omitempty"`
	Forbidden int              `json:"forbidden"`
	Error     string           `json:"error,omitempty"`
}

type litmusJSONRow struct {
	Outcome string           `json:"outcome"`
	Values  map[string]int64 `json:"values"`
	Count   int              `json:"count"`
	Verdict string           `json:"verdict"`
}

type litmusJSONQuery struct {
	Condition string `json:"condition"`
	Count     int    `json:"count"`
	Model     string `json:"model"`
}

// WasmLitmus is the wasm-litmus tool.
func WasmLitmus(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("wasm-litmus", stderr, &code)
	var (
		inputs  []string
		verbose int
		opts    = litmus.Options{Runs: 100_000, Stagger: defaultStagger, Timeout: 60 * time.Second, Affinity: runtime.GOOS == "linux"}
		svgFile string
		emitDir string
		jsonOut bool
		quiet   bool
		procs   int
	)
	positiveInt := func(name string, dst *int, allowZero bool) func(string) error {
		return func(v string) error {
			n, err := strconv.Atoi(strings.ReplaceAll(v, "_", ""))
			if err != nil || n < 0 || (n == 0 && !allowZero) {
				return usagef("--%s needs a positive number, got '%s'", name, v)
			}
			*dst = n
			return nil
		}
	}
	cmd := &command{
		name:        "wasm-litmus",
		usage:       "[options] file.litmus|file.wast|dir...",
		description: wasmLitmusDescription,
		examples:    wasmLitmusExamples,
		positional:  func(arg string) error { inputs = append(inputs, arg); return nil },
		stdout:      stdout,
		stderr:      stderr,
	}
	cmd.opts = cmd.commonOptions(&verbose)
	cmd.opts = append(cmd.opts,
		option{short: 'n', long: "runs", metavar: "N", help: "Run each test N times (default 100000; 0: print the model only)",
			set: positiveInt("runs", &opts.Runs, true)},
		option{long: "batch", metavar: "N", help: "Rounds per start of the threads, each on fresh locations (default 10000)",
			set: positiveInt("batch", &opts.Batch, false)},
		option{long: "stagger", metavar: "N", help: fmt.Sprintf("Delay each thread by 0..N random spins per round (default %d; 0: none)", defaultStagger),
			set: positiveInt("stagger", &opts.Stagger, true)},
		option{long: "affinity", help: "Pin thread i to the i-th CPU (Linux, the default; tests without waits, one thread per CPU)",
			set: func(string) error { opts.Affinity = true; return nil }},
		option{long: "no-affinity", help: "Let the Go scheduler place the threads",
			set: func(string) error { opts.Affinity = false; return nil }},
		option{long: "procs", metavar: "N", help: "Set GOMAXPROCS (default: number of CPUs)",
			set: positiveInt("procs", &procs, false)},
		option{long: "seed", metavar: "N", help: "Seed of the stagger delays",
			set: func(v string) error {
				n, err := strconv.ParseUint(v, 10, 64)
				if err != nil {
					return usagef("--seed needs a number, got '%s'", v)
				}
				opts.Seed = n
				return nil
			}},
		option{long: "timeout", metavar: "DURATION", help: "Limit for each test's runs (default 60s)",
			set: func(v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return usagef("--timeout needs a duration such as 30s, got '%s'", v)
				}
				opts.Timeout = d
				return nil
			}},
		option{long: "svg", metavar: "FILE", help: "Draw the histograms as a bar chart (SVG)",
			set: func(v string) error { svgFile = v; return nil }},
		option{long: "emit-wast", metavar: "DIR", help: "Write each test as a .wast script with (thread …) and (either …)",
			set: func(v string) error { emitDir = v; return nil }},
		option{long: "json", help: "Print results as JSON",
			set: func(string) error { jsonOut = true; return nil }},
		option{short: 'q', long: "quiet", help: "Print only tests with forbidden outcomes, and a summary",
			set: func(string) error { quiet = true; return nil }},
		// A test hook: a broken memory must give "forbidden" and exit 1.
		option{long: "fault", metavar: "KIND", hidden: true, help: "Inject a fault: lose-store",
			set: func(v string) error {
				if v != "lose-store" {
					return usagef("--fault: unknown fault '%s' (lose-store)", v)
				}
				opts.Fault = litmus.LoseStore
				return nil
			}},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if len(inputs) == 0 {
		fmt.Fprintf(stderr, "wasm-litmus: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	if procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	}
	tests, failed := loadLitmusTests(inputs, stdin, stderr)
	if emitDir != "" {
		if err := os.MkdirAll(emitDir, 0o755); err != nil {
			fmt.Fprintf(stderr, "wasm-litmus: %v\n", err)
			return 1
		}
	}
	var (
		hists     []*litmus.Histogram
		reports   []litmusJSON
		forbidden int
	)
	for _, lt := range tests {
		t := lt.test
		rep := litmusJSON{Test: t.Name, File: lt.file}
		m, err := litmus.NewModel(t)
		if err != nil {
			fmt.Fprintf(stderr, "%s: error: %v\n", lt.file, err)
			failed = true
			rep.Error = err.Error()
			reports = append(reports, rep)
			continue
		}
		if emitDir != "" {
			if err := emitWast(emitDir, lt, m, stdout); err != nil {
				fmt.Fprintf(stderr, "wasm-litmus: %v\n", err)
				failed = true
			}
		}
		h, runErr := litmus.Run(context.Background(), t, m, opts)
		if runErr != nil {
			failed = true
			rep.Error = runErr.Error()
		}
		hists = append(hists, h)
		f := h.Forbidden()
		if f > 0 {
			forbidden++
		}
		switch {
		case jsonOut:
			reports = append(reports, jsonReport(rep, h))
		case !quiet || f > 0 || runErr != nil:
			h.Print(stdout, verbose > 0)
			fmt.Fprintln(stdout)
		}
		if runErr != nil {
			fmt.Fprintf(stderr, "%s: error: %v\n", lt.file, runErr)
		}
	}
	if jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(reports)
	} else if len(tests) > 1 || quiet {
		fmt.Fprintf(stdout, "%d tests, %d with forbidden outcomes\n", len(tests), forbidden)
	}
	if svgFile != "" && len(hists) > 0 {
		placement := "threads placed by Go"
		if opts.Affinity {
			placement = "threads pinned to CPUs"
		}
		note := fmt.Sprintf("watt's interpreter on %s/%s, %d CPUs, GOMAXPROCS %d, stagger %d, %s",
			runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), opts.Stagger, placement)
		var buf bytes.Buffer
		if err := litmus.WriteSVG(&buf, hists, note); err == nil {
			err = writeOutput(svgFile, buf.Bytes(), stdout)
			if err != nil {
				fmt.Fprintf(stderr, "wasm-litmus: %v\n", err)
				failed = true
			}
		}
	}
	if forbidden > 0 || failed {
		return 1
	}
	return 0
}

// defaultStagger is the default --stagger: on a 2-core x86 machine it
// makes the store-buffering outcome about ten times more frequent than no
// delay at all (see BENCHMARKS.md).
const defaultStagger = 8

type loadedTest struct {
	file string
	test *litmus.Test
}

// loadLitmusTests reads every input, printing errors as they come; failed
// reports whether any input could not be read.
func loadLitmusTests(inputs []string, stdin io.Reader, stderr io.Writer) (tests []loadedTest, failed bool) {
	var files []string
	for _, in := range inputs {
		if in != stdinName {
			if fi, err := os.Stat(in); err == nil && fi.IsDir() {
				matches, _ := filepath.Glob(filepath.Join(in, "*.litmus"))
				if len(matches) == 0 {
					fmt.Fprintf(stderr, "wasm-litmus: %s: no .litmus files\n", in)
					failed = true
				}
				sort.Strings(matches)
				files = append(files, matches...)
				continue
			}
		}
		files = append(files, in)
	}
	for _, f := range files {
		name, data, err := readInput(f, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "wasm-litmus: %v\n", err)
			failed = true
			continue
		}
		src := ir.NewSource(name, data, false)
		var t *litmus.Test
		if strings.HasSuffix(f, ".wast") {
			t, err = litmus.ParseWast(src)
		} else {
			t, err = litmus.Parse(src)
		}
		if err != nil {
			var list ir.ErrorList
			var e *ir.Error
			if errors.As(err, &list) || errors.As(err, &e) {
				fmt.Fprint(stderr, ir.Format(err))
			} else {
				fmt.Fprintf(stderr, "%s: error: %v\n", name, err)
			}
			failed = true
			continue
		}
		tests = append(tests, loadedTest{file: name, test: t})
	}
	return tests, failed
}

func jsonReport(rep litmusJSON, h *litmus.Histogram) litmusJSON {
	t := h.Test
	rep.Runs = h.Runs
	rep.Seconds = h.Elapsed.Seconds()
	rep.Forbidden = h.Forbidden()
	for _, r := range h.Rows() {
		vals := map[string]int64{}
		for i, obs := range t.Observe {
			vals[t.ObsName(obs)] = t.Signed(r.Outcome, i)
		}
		rep.Outcomes = append(rep.Outcomes, litmusJSONRow{Outcome: t.Format(r.Outcome), Values: vals, Count: r.Count, Verdict: r.Verdict.String()})
	}
	if t.Cond != nil {
		rep.Question = &litmusJSONQuery{Condition: t.Cond.Format(t), Count: h.CondCount(), Model: h.Model.CondVerdict().String()}
	}
	return rep
}

// emitWast writes one test as DIR/NAME.wast (a lifted suite script keeps
// its name, so MP.wast gives MP.wast), never over the file it came from.
func emitWast(dir string, lt loadedTest, m *litmus.Model, stdout io.Writer) error {
	name := strings.TrimSuffix(lt.test.Name, ".wast")
	safe := strings.Map(func(r rune) rune {
		if r == '+' || r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, name)
	out := filepath.Join(dir, safe+".wast")
	if a, err := filepath.Abs(out); err == nil {
		if b, err := filepath.Abs(lt.file); err == nil && a == b {
			return fmt.Errorf("--emit-wast: %s would overwrite its own input", out)
		}
	}
	var buf bytes.Buffer
	if err := litmus.EmitWast(&buf, lt.test, m); err != nil {
		return err
	}
	return writeOutput(out, buf.Bytes(), stdout)
}
