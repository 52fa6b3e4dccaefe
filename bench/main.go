// Command bench compares watt's command-line tools with wabt's on large
// inputs: wall time (best and median of -runs), throughput in MB/s of input,
// CPU time and peak resident memory of the child process (GNU time's %M, or
// getrusage without it). It is what `make bench`
// runs; BENCHMARKS.md records its output.
//
// Inputs are generated into -out (bench/out/, git-ignored):
//
//	go.wat        wasm2wat of bench/goprog built for GOOS=wasip1 (~97 MB)
//	go-flat.wat   the same with leading whitespace stripped (~18.8 MB)
//	atomics.wat   bench/gen's module of atomic instructions (~10 MB)
//
// and the binaries goprog.wasm and atomics.wasm feed the wasm-validate and
// wasm2wat comparisons.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watt-wasm/watt/bench/gen"
)

func main() {
	runs := flag.Int("runs", 3, "runs per tool and input (best and median are reported)")
	out := flag.String("out", "bench/out", "directory for generated inputs, outputs and results.md")
	reuse := flag.Bool("reuse", false, "reuse inputs already in -out instead of regenerating them")
	atomicsSize := flag.Int("atomics-size", 10_000_000, "size in bytes of the generated atomics module")
	only := flag.String("only", "", "comma-separated subset of tools to compare: wat2wasm,wasm-validate,wasm2wat")
	profile := flag.String("profile", "", "instead of comparing: run wat2wasm's pipeline in process on the text inputs already in -out, print stage times, allocation and page faults, and write CPU and allocation profiles into this directory")
	profileInput := flag.String("profile-input", "", "with -profile: the one input to profile (default: each of go.wat, go-flat.wat, atomics.wat in a process of its own)")
	flag.Parse()
	if *profile != "" {
		if err := profileMain(*profile, *profileInput, *out, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*runs, *out, *reuse, *atomicsSize, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// tools are the binaries compared: watt's are built into out/bin, wabt's
// come from PATH (looked up before anything else can shadow them).
type tools struct {
	watt, wabt string // directories; wabt is "" when it is not installed
}

func (t tools) path(impl, name string) string {
	if impl == "watt" {
		return filepath.Join(t.watt, name)
	}
	return filepath.Join(t.wabt, name)
}

func run(runs int, out string, reuse bool, atomicsSize int, only string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var tl tools
	if p, err := exec.LookPath("wat2wasm"); err == nil {
		tl.wabt = filepath.Dir(p)
	} else {
		fmt.Fprintln(os.Stderr, "bench: wabt not on PATH; measuring watt alone")
	}
	tl.watt = filepath.Join(out, "bin")
	logf("building watt's tools into %s", tl.watt)
	if err := goCmd(nil, "build", "-o", tl.watt+string(filepath.Separator),
		"./cmd/wat2wasm", "./cmd/wasm2wat", "./cmd/wasm-validate"); err != nil {
		return err
	}
	in, err := prepareInputs(tl, out, reuse, atomicsSize)
	if err != nil {
		return err
	}

	impls := []string{"watt"}
	if tl.wabt != "" {
		impls = append(impls, "wabt")
	}
	var cases []benchCase
	want := func(tool string) bool { return only == "" || slices.Contains(strings.Split(only, ","), tool) }
	if want("wat2wasm") {
		cases = append(cases,
			benchCase{tool: "wat2wasm", input: in.goWat, output: ".wasm"},
			benchCase{tool: "wat2wasm", input: in.goFlat, output: ".wasm"},
			benchCase{tool: "wat2wasm", input: in.atomicsWat, output: ".wasm", args: []string{"--enable-threads"}},
		)
	}
	if want("wasm-validate") {
		cases = append(cases,
			benchCase{tool: "wasm-validate", input: in.goWasm},
			benchCase{tool: "wasm-validate", input: in.atomicsWasm, args: []string{"--enable-threads"}},
		)
	}
	if want("wasm2wat") {
		cases = append(cases,
			benchCase{tool: "wasm2wat", input: in.goWasm, output: ".wat"},
			benchCase{tool: "wasm2wat", input: in.atomicsWasm, output: ".wat", args: []string{"--enable-threads"}},
		)
	}

	var report bytes.Buffer
	writeHeader(&report, tl, runs, in)
	for _, c := range cases {
		res, err := c.measure(tl, impls, runs, out)
		if err != nil {
			return err
		}
		writeRows(&report, c, res)
	}
	fmt.Fprintf(&report, "\nLoad average at the end: %s.\n", loadAvg())
	os.Stdout.Write(report.Bytes())
	resultsFile := filepath.Join(out, "results.md")
	logf("results written to %s", resultsFile)
	return os.WriteFile(resultsFile, report.Bytes(), 0o644)
}

// inputs are the generated files' paths.
type inputs struct {
	goWasm, goWat, goFlat, atomicsWat, atomicsWasm string
}

func prepareInputs(tl tools, out string, reuse bool, atomicsSize int) (inputs, error) {
	in := inputs{
		goWasm:      filepath.Join(out, "goprog.wasm"),
		goWat:       filepath.Join(out, "go.wat"),
		goFlat:      filepath.Join(out, "go-flat.wat"),
		atomicsWat:  filepath.Join(out, "atomics.wat"),
		atomicsWasm: filepath.Join(out, "atomics.wasm"),
	}
	have := func(p string) bool {
		_, err := os.Stat(p)
		return reuse && err == nil
	}
	// Text comes from wabt's wasm2wat when available, so watt's parser is
	// not only fed its own printer's output.
	printer := tl.path("watt", "wasm2wat")
	compiler := tl.path("watt", "wat2wasm")
	if tl.wabt != "" {
		printer, compiler = tl.path("wabt", "wasm2wat"), tl.path("wabt", "wat2wasm")
	}
	if !have(in.goWasm) {
		logf("building bench/goprog for wasip1/wasm")
		if err := goCmd([]string{"GOOS=wasip1", "GOARCH=wasm"}, "build", "-o", in.goWasm, "./bench/goprog"); err != nil {
			return in, err
		}
	}
	if !have(in.goWat) {
		logf("%s %s", printer, in.goWasm)
		if err := runQuiet(printer, in.goWasm, "-o", in.goWat); err != nil {
			return in, err
		}
	}
	if !have(in.goFlat) {
		logf("stripping indentation into %s", in.goFlat)
		if err := stripIndent(in.goWat, in.goFlat); err != nil {
			return in, err
		}
	}
	if !have(in.atomicsWat) {
		logf("generating %s (%d bytes)", in.atomicsWat, atomicsSize)
		f, err := os.Create(in.atomicsWat)
		if err != nil {
			return in, err
		}
		err = gen.Atomics(f, atomicsSize)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return in, err
		}
	}
	if !have(in.atomicsWasm) {
		if err := runQuiet(compiler, "--enable-threads", in.atomicsWat, "-o", in.atomicsWasm); err != nil {
			return in, err
		}
	}
	return in, nil
}

// stripIndent copies src to dst without each line's leading whitespace.
func stripIndent(src, dst string) error {
	r, err := os.Open(src)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.Create(dst)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		bw.Write(bytes.TrimLeft(sc.Bytes(), " \t"))
		bw.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		w.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func goCmd(env []string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %v", strings.Join(args, " "), err)
	}
	return nil
}

func runQuiet(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// benchCase is one tool on one input.
type benchCase struct {
	tool, input string
	output      string // extension of the -o file; "" for no output
	args        []string
}

// sample is one timed run.
type sample struct {
	wall      time.Duration
	cpu       time.Duration // user + system time of the child: less sensitive to other load than wall time
	sys       time.Duration // the system part: mostly page faults on fresh memory
	faults    int64         // minor page faults (GNU time's %R; 0 without it)
	rssKB     int64
	loadStart string // one-minute load average just before the run
	loadEnd   string // and just after
}

// result is the runs of one implementation on one case.
type result struct {
	impl      string
	samples   []sample
	outputSum [sha256.Size]byte // of the last run's output file, to compare implementations
	inputSize int64
}

func (c benchCase) measure(tl tools, impls []string, runs int, out string) ([]result, error) {
	info, err := os.Stat(c.input)
	if err != nil {
		return nil, err
	}
	res := make([]result, len(impls))
	for i, impl := range impls {
		res[i] = result{impl: impl, inputSize: info.Size()}
	}
	// Alternate implementations run by run, and rotate which goes first, so
	// a burst of load on a shared machine (or a warm-up effect) does not
	// land on one of them only.
	for r := 0; r < runs; r++ {
		for k := range impls {
			i := (k + r) % len(impls)
			impl := impls[i]
			args := append([]string{}, c.args...)
			args = append(args, c.input)
			var outFile string
			if c.output != "" {
				outFile = filepath.Join(out, "result-"+impl+c.output)
				args = append(args, "-o", outFile)
			}
			logf("run %d/%d: %s %s", r+1, runs, tl.path(impl, c.tool), strings.Join(args, " "))
			load := load1()
			s, err := timeRun(tl.path(impl, c.tool), args)
			if err != nil {
				return nil, err
			}
			s.loadStart, s.loadEnd = load, load1()
			res[i].samples = append(res[i].samples, s)
			if outFile != "" && r == runs-1 {
				// Hash, don't hold: the harness's own memory must stay small
				// (see timeRun).
				if res[i].outputSum, err = fileSum(outFile); err != nil {
					return nil, err
				}
				os.Remove(outFile)
			}
		}
	}
	return res, nil
}

// timeRun runs one command and measures its wall time, CPU time (user and
// system), minor page faults and peak RSS. The RSS comes from GNU time (/usr/bin/time -f %M) when it is
// installed: Go starts children with vfork, so a child's getrusage maxrss
// also counts the harness's own resident memory at the time of exec, which
// would hide a tool smaller than the harness. Without GNU time the rusage
// value is used, and the harness keeps its own memory small.
func timeRun(name string, args []string) (sample, error) {
	var rssFile string
	if _, err := os.Stat(gnuTime); err == nil {
		f, err := os.CreateTemp("", "bench-rss-*")
		if err != nil {
			return sample{}, err
		}
		f.Close()
		rssFile = f.Name()
		defer os.Remove(rssFile)
		args = append([]string{"-f", "%M %R", "-o", rssFile, name}, args...)
		name = gnuTime
	}
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	ps := cmd.ProcessState
	// CPU time: wait4 counts the children GNU time waited for.
	s := sample{wall: wall, cpu: ps.UserTime() + ps.SystemTime(), sys: ps.SystemTime(), rssKB: maxRSSKB(ps)}
	if rssFile != "" {
		data, err := os.ReadFile(rssFile)
		if err != nil {
			return sample{}, err
		}
		// The last line is ours; GNU time may write a "Command exited"
		// line before it.
		fields := strings.Fields(string(data))
		if len(fields) < 2 {
			return sample{}, fmt.Errorf("%s wrote no RSS and faults: %q", gnuTime, data)
		}
		if s.rssKB, err = strconv.ParseInt(fields[len(fields)-2], 10, 64); err != nil {
			return sample{}, fmt.Errorf("%s: bad RSS %q", gnuTime, data)
		}
		if s.faults, err = strconv.ParseInt(fields[len(fields)-1], 10, 64); err != nil {
			return sample{}, fmt.Errorf("%s: bad fault count %q", gnuTime, data)
		}
	}
	return s, nil
}

// gnuTime is GNU time, used for exact peak RSS when present.
const gnuTime = "/usr/bin/time"

// fileSum hashes a file without reading it into memory whole.
func fileSum(name string) (sum [sha256.Size]byte, err error) {
	f, err := os.Open(name)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

func writeHeader(w io.Writer, tl tools, runs int, in inputs) {
	wabtVersion := "not installed"
	if tl.wabt != "" {
		if v, err := exec.Command(tl.path("wabt", "wat2wasm"), "--version").Output(); err == nil {
			wabtVersion = strings.TrimSpace(string(v))
		}
	}
	fmt.Fprintf(w, "Commit %s, %s; %s, GOMAXPROCS %d; wabt %s; %d runs each, tools alternating (order rotating), best and median.\n\n",
		commit(), time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.Version(), runtime.GOMAXPROCS(0), wabtVersion, runs)
	fmt.Fprintf(w, "Machine: %s, %d CPUs, %s/%s, %s; transparent huge pages %s (defrag %s); first touch of a fresh 4 KiB page %v; load average (1, 5, 15 min) at the start: %s.\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, cpuMHz(), thp("enabled"), thp("defrag"), pageFaultCost(), loadAvg())
	fmt.Fprintf(w, "Inputs (sha256 prefix identifies them across machines):\n\n")
	for _, f := range []string{in.goWasm, in.goWat, in.goFlat, in.atomicsWat, in.atomicsWasm} {
		if info, err := os.Stat(f); err == nil {
			sum, _ := fileSum(f)
			fmt.Fprintf(w, "- %s: %d bytes, sha256 %x\n", filepath.Base(f), info.Size(), sum[:8])
		}
	}
	fmt.Fprintf(w, "\nCPU is user + system time (median), sys the system part (mostly the kernel faulting in fresh pages), faults the minor page faults, load the one-minute load average seen before and after this tool's runs (lowest–highest).\n\n")
	fmt.Fprintf(w, "| tool | input | size | impl | best | median | MB/s (median) | CPU | sys | faults | peak RSS | load | output |\n")
	fmt.Fprintf(w, "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n")
}

func writeRows(w io.Writer, c benchCase, res []result) {
	for _, r := range res {
		walls := make([]time.Duration, len(r.samples))
		cpus := make([]time.Duration, len(r.samples))
		syss := make([]time.Duration, len(r.samples))
		rss := make([]int64, len(r.samples))
		faults := make([]int64, len(r.samples))
		var loads []float64
		for i, s := range r.samples {
			walls[i], cpus[i], syss[i], rss[i], faults[i] = s.wall, s.cpu, s.sys, s.rssKB, s.faults
			for _, l := range []string{s.loadStart, s.loadEnd} {
				if v, err := strconv.ParseFloat(l, 64); err == nil {
					loads = append(loads, v)
				}
			}
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		slices.Sort(syss)
		slices.Sort(rss)
		slices.Sort(faults)
		best, median := walls[0], walls[len(walls)/2]
		mb := float64(r.inputSize) / 1e6
		same := "-"
		if c.output != "" && len(res) > 1 {
			same = "differs from wabt"
			if r.outputSum == res[len(res)-1].outputSum {
				same = "identical"
			}
		}
		if r.impl == "wabt" {
			same = "-"
		}
		args := strings.Join(c.args, " ")
		if args != "" {
			args = " " + args
		}
		load := "-"
		if len(loads) > 0 {
			load = fmt.Sprintf("%.2f–%.2f", slices.Min(loads), slices.Max(loads))
		}
		fmt.Fprintf(w, "| %s%s | %s | %.1f MB | %s | %.3f s | %.3f s | %.1f | %.3f s | %.3f s | %d | %.0f MB | %s | %s |\n",
			c.tool, args, filepath.Base(c.input), mb, r.impl, best.Seconds(), median.Seconds(),
			mb/median.Seconds(), cpus[len(cpus)/2].Seconds(), syss[len(syss)/2].Seconds(), faults[len(faults)/2],
			float64(rss[len(rss)/2])/1024, load, same)
	}
}

// cpuModel reads the CPU name from /proc/cpuinfo (Linux), else GOARCH.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// commit is the repository's HEAD, short, with "-dirty" when tracked files
// have uncommitted changes.
func commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += "-dirty"
	}
	return c
}
