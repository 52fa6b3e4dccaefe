package cli

import (
	"context"
	"encoding/json"
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
one shared memory. Files run in parallel; each failure is printed as
file.wast:line:col: message, then a summary per file and a total line
"N passed, N failed". Unlike wabt, threads is on by default (this is the
threads proposal's runner); --disable-threads turns it off. Every text
module is also round-tripped through the binary format.`

const spectestExamples = `# run the whole threads proposal suite
$ spectest-interp testsuite/*.wast testsuite/simd/*.wast testsuite/threads/*.wast

# run the litmus tests 1000 times each
$ spectest-interp --repeat=1000 testsuite/threads/*.wast

# machine-readable results
$ spectest-interp --json test.wast`

// fileReport is one file's results, as printed and as JSON.
type fileReport struct {
	File     string          `json:"file"`
	Passed   int             `json:"passed"`
	Failed   int             `json:"failed"`
	Failures []failureReport `json:"failures,omitempty"`
	Error    string          `json:"error,omitempty"` // the file did not parse or load
}

type failureReport struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Command string `json:"command"`
	Message string `json:"message"`
	Text    string `json:"text"` // file:line:col: message
}

// SpectestInterp is the spectest-interp tool.
func SpectestInterp(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var (
		files     []string
		verbose   int
		features  = spectest.DefaultFeatures()
		jsonOut   bool
		repeat    = 1
		timeout   = 60 * time.Second
		noRound   bool
		jobs      = runtime.GOMAXPROCS(0)
		quietPass bool
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
	cmd.opts = cmd.commonOptions(&verbose)
	cmd.opts = append(cmd.opts, featureOptions(&features)...)
	cmd.opts = append(cmd.opts,
		option{long: "json", help: "Print results as JSON",
			set: func(string) error { jsonOut = true; return nil }},
		option{long: "repeat", metavar: "N", help: "Run each file N times (for the memory-model litmus tests)",
			set: func(v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return usagef("--repeat needs a positive number, got '%s'", v)
				}
				repeat = n
				return nil
			}},
		option{long: "timeout", metavar: "DURATION", help: "Limit for each (wait) and each action (default 60s)",
			set: func(v string) error {
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return usagef("--timeout needs a duration such as 30s, got '%s'", v)
				}
				timeout = d
				return nil
			}},
		option{short: 'j', long: "jobs", metavar: "N", help: "Files run in parallel (default: number of CPUs)",
			set: func(v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return usagef("--jobs needs a positive number, got '%s'", v)
				}
				jobs = n
				return nil
			}},
		option{long: "no-round-trip", help: "Skip the text -> binary -> text module round trip",
			set: func(string) error { noRound = true; return nil }},
		option{short: 'q', long: "quiet", help: "Print only failures and the total",
			set: func(string) error { quietPass = true; return nil }},
	)
	// wabt's interpreter limits: accepted for compatibility; watt's stacks
	// grow as needed and the call depth limit is the store's.
	for _, o := range []option{
		{short: 'V', long: "value-stack-size", metavar: "SIZE", help: "Accepted for wabt compatibility; watt's stack grows"},
		{short: 'C', long: "call-stack-size", metavar: "SIZE", help: "Accepted for wabt compatibility; watt's stack grows"},
		{short: 't', long: "trace", help: "Accepted for wabt compatibility; no effect"},
	} {
		o.hidden = true
		o.set = func(string) error { return nil }
		cmd.opts = append(cmd.opts, o)
	}
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "spectest-interp: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	opts := spectest.Options{Features: features, ExactFeatures: true, WaitTimeout: timeout, NoRoundTrip: noRound}
	if verbose > 0 {
		opts.Output = &lockedWriter{w: stdout}
	}

	reports := make([]fileReport, len(files))
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				reports[i] = runSpecFile(files[i], repeat, opts)
			}
		}()
	}
	for i := range files {
		work <- i
	}
	close(work)
	wg.Wait()

	var passed, failed int
	for _, r := range reports {
		passed += r.Passed
		failed += r.Failed
	}
	if jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Files  []fileReport `json:"files"`
			Passed int          `json:"passed"`
			Failed int          `json:"failed"`
		}{reports, passed, failed})
	} else {
		for _, r := range reports {
			if r.Error != "" {
				fmt.Fprintln(stdout, r.Error)
			}
			for _, f := range r.Failures {
				fmt.Fprintln(stdout, f.Text)
			}
			if !quietPass || r.Failed > 0 {
				fmt.Fprintf(stdout, "%s: %d passed, %d failed\n", r.File, r.Passed, r.Failed)
			}
		}
		fmt.Fprintf(stdout, "total: %d passed, %d failed\n", passed, failed)
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// runSpecFile runs one file repeat times. A file that cannot be read or
// parsed counts as one failure.
func runSpecFile(path string, repeat int, opts spectest.Options) fileReport {
	rep := fileReport{File: path}
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
			if o.Err == nil {
				continue
			}
			p := o.Err.Position()
			text := o.Err.Error()
			if repeat > 1 {
				text += fmt.Sprintf(" (run %d of %d)", n+1, repeat)
			}
			rep.Failures = append(rep.Failures, failureReport{
				Line: p.Line, Column: p.Column, Command: o.Cmd, Message: o.Err.Msg, Text: text,
			})
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
