package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/spectest"
)

const spectestDescription = `read spec scripts (.wast, or wast2json's .json) and run all their
commands: modules, register, invoke/get, every assertion, and the threads
proposal's (thread …) and (wait …), each thread on its own goroutine over
one shared memory. Files run in parallel and each file's result is printed
as soon as it finishes: its failures as file.wast:line:col: message, then
"file.wast: N passed, N failed" (on a terminal, failures and a progress
line instead). A total line "total: N passed, N failed" ends the output.
The exit status is the number of failed commands (at most 255; a file that
does not load counts as one), as wabt's. Unlike wabt, threads is on by
default (this is the threads proposal's runner); --disable-threads turns it
off. Every text module is also round-tripped through the binary format.

--junit FILE writes a JUnit XML report (one testsuite per file, one
testcase per command with its line and time); --json prints JSON lines
instead of text: one record per command, one per file, and a total.`

const spectestExamples = `# run the whole threads proposal suite
$ spectest-interp testsuite/*.wast testsuite/simd/*.wast testsuite/threads/*.wast

# run the litmus tests 1000 times each
$ spectest-interp --repeat=1000 testsuite/threads/*.wast

# in CI: a JUnit report for the test dashboard
$ spectest-interp --junit=spec.xml testsuite/*.wast

# machine-readable results, one JSON object a line
$ spectest-interp --json test.wast`

// fileReport is one file's results.
type fileReport struct {
	File     string
	Passed   int
	Failed   int
	Commands []commandReport
	// Error is set when the file did not load or parse; it counts as one
	// failure.
	Error    string
	Start    time.Time
	Duration time.Duration
}

// commandReport is one command's result.
type commandReport struct {
	Line     int
	Column   int
	Command  string        // "assert_return", "module", …
	Run      int           // 1-based repetition, with --repeat
	Failed   bool          //
	Message  string        // the failure's message
	Text     string        // the failure as file:line:col: message
	Duration time.Duration //
}

// failures lists the failed commands.
func (r *fileReport) failures() []commandReport {
	var out []commandReport
	for _, c := range r.Commands {
		if c.Failed {
			out = append(out, c)
		}
	}
	return out
}

// SpectestInterp is the spectest-interp tool.
func SpectestInterp(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("spectest-interp", stderr, &code)
	var (
		files     []string
		verbose   int
		features  = spectest.DefaultFeatures()
		jsonOut   bool
		junitFile string
		repeat    = 1
		timeout   = 60 * time.Second
		noRound   bool
		jobs      = runtime.GOMAXPROCS(0)
		quietPass bool
		callDepth int
		trace     bool
	)
	cmd := &command{
		name:        "spectest-interp",
		usage:       "[options] file.wast...",
		description: spectestDescription,
		examples:    spectestExamples,
		positional:  func(arg string) error { files = append(files, arg); return nil },
		stdout:      stdout,
		stderr:      stderr,
	}
	positive := func(name string, dst *int) func(string) error {
		return func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return usagef("--%s needs a positive number, got '%s'", name, v)
			}
			*dst = n
			return nil
		}
	}
	cmd.opts = cmd.commonOptions(&verbose)
	cmd.opts = append(cmd.opts, featureOptions(&features)...)
	cmd.opts = append(cmd.opts,
		option{short: 'V', long: "value-stack-size", metavar: "SIZE", help: "Size in elements of the value stack", hidden: true,
			set: func(string) error {
				return usagef("option '--value-stack-size' is not supported by watt (the value stack grows as needed, up to 64 MiB)")
			}},
		option{short: 'C', long: "call-stack-size", metavar: "SIZE", help: "Size in elements of the call stack (watt: the call depth limit)",
			set: positive("call-stack-size", &callDepth)},
		option{short: 't', long: "trace", help: "Trace execution, one line per instruction, to stdout (runs one file at a time)",
			set: func(string) error { trace = true; return nil }},
		option{long: "json", extra: true, help: "Print JSON lines: one record per command, per file, and a total",
			set: func(string) error { jsonOut = true; return nil }},
		option{long: "junit", metavar: "FILE", extra: true, help: `Write a JUnit XML report to FILE ("-": stdout, instead of the text)`,
			set: func(v string) error { junitFile = v; return nil }},
		option{long: "repeat", metavar: "N", extra: true, help: "Run each file N times (for the memory-model litmus tests)",
			set: positive("repeat", &repeat)},
		option{long: "timeout", metavar: "DURATION", extra: true, help: "Limit for each (wait) and each action (default 60s)",
			set: func(v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return usagef("--timeout needs a duration such as 30s, got '%s'", v)
				}
				timeout = d
				return nil
			}},
		option{short: 'j', long: "jobs", metavar: "N", extra: true, help: "Files run in parallel (default: number of CPUs)",
			set: positive("jobs", &jobs)},
		option{long: "no-round-trip", extra: true, help: "Skip the text -> binary -> text module round trip",
			set: func(string) error { noRound = true; return nil }},
		option{short: 'q', long: "quiet", extra: true, help: "Print only failures and the total",
			set: func(string) error { quietPass = true; return nil }},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "spectest-interp: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	opts := spectest.Options{Features: features, ExactFeatures: true, WaitTimeout: timeout, NoRoundTrip: noRound, MaxCallDepth: callDepth}
	if verbose > 0 {
		// What the spectest module prints is -v output: stderr, so that
		// stdout stays the report.
		opts.Output = &lockedWriter{w: stderr}
	}
	if trace {
		opts.Trace = stdout
		jobs = 1 // one trace at a time
	}

	var rep reporter
	switch {
	case jsonOut:
		rep = &jsonReporter{w: stdout}
	case junitFile == stdinName:
		rep = nopReporter{}
	case isTerminal(stdout) && !trace:
		rep = &progressReporter{w: stdout, files: len(files)}
	default:
		rep = &textReporter{w: stdout, quiet: quietPass}
	}

	start := time.Now()
	reports := make([]fileReport, len(files))
	finished := make(chan int)
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				reports[i] = runSpecFile(files[i], repeat, opts)
				finished <- i
			}
		}()
	}
	go func() {
		for i := range files {
			work <- i
		}
		close(work)
		wg.Wait()
		close(finished)
	}()
	var passed, failed int
	for i := range finished {
		r := &reports[i]
		passed += r.Passed
		failed += r.Failed
		rep.file(r)
	}
	elapsed := time.Since(start)
	rep.total(passed, failed, elapsed)

	if junitFile != "" {
		err := writeOutputWith(junitFile, stdout, func(w io.Writer) error {
			return writeJUnit(w, reports, elapsed)
		})
		if err != nil {
			fmt.Fprintf(stderr, "spectest-interp: %v\n", err)
			return 1
		}
	}
	return failureStatus(failed)
}

// failureStatus is the exit status for n failures. wabt's spectest-interp
// exits with the number of failures, which the system truncates to its low
// byte, so 256 failures exit 0; watt exits n up to 255 and 255 beyond, so
// that failures never look like success.
func failureStatus(n int) int {
	return min(n, 255)
}

// runSpecFile runs one file repeat times. A file that cannot be read or
// parsed counts as one failure.
func runSpecFile(path string, repeat int, opts spectest.Options) fileReport {
	rep := fileReport{File: path, Start: time.Now()}
	defer func() { rep.Duration = time.Since(rep.Start) }()
	for n := 0; n < repeat; n++ {
		var res *spectest.Result
		var err error
		if strings.HasSuffix(path, ".json") {
			res, err = spectest.RunJSONFile(context.Background(), path, opts)
		} else {
			res, err = spectest.RunFile(context.Background(), path, opts)
		}
		if err != nil {
			rep.Failed++
			rep.Error = strings.TrimRight(ir.Format(err), "\n")
			return rep
		}
		rep.Passed += res.Passed
		rep.Failed += res.Failed
		for _, o := range res.Outcomes {
			p := res.Src.Position(o.Pos)
			c := commandReport{Line: p.Line, Column: p.Column, Command: o.Cmd, Run: n + 1, Duration: o.Duration}
			if o.Err != nil {
				c.Failed = true
				c.Message = o.Err.Msg
				c.Text = o.Err.Error()
				if repeat > 1 {
					c.Text += fmt.Sprintf(" (run %d of %d)", n+1, repeat)
				}
			}
			rep.Commands = append(rep.Commands, c)
		}
	}
	return rep
}

// lockedWriter serialises the print output of concurrently running files.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
