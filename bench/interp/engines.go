package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// program is one benchmark workload: programs/NAME.wasm exports a
// parameterless run that returns an i32 checksum (and traps when the
// checksum is wrong); NAME-small.wasm is the same code on less work, for
// instruction counting under valgrind.
type program struct {
	name        string
	what        string
	full, small uint32 // the checksums run returns (bench.h's EXPECT_FULL, EXPECT_SMALL)
}

// programs are the single-thread workloads, in the order printed. The
// checksums repeat the C sources' constants: the harness checks every
// engine's answer, and the program checks its own.
var programs = []program{
	{"fib", "recursive fib(35)", 9227465, 196418},
	{"loop", "i64 xorshift/multiply loop, 50M iterations", 0xab8fa46d, 0x04bd6ea0},
	{"sieve", "byte sieve, 1 MiB x 4", 0x00014069, 0x000059d8},
	{"matmul", "200x200 f64 matrix multiply", 0x8dddced9, 0x038463e6},
	{"coremark", "CoreMark-style: list, matrix, state machine, CRC", 0x414bee9b, 0x696f70c7},
	{"calls", "tak, call_indirect dispatch, 6-arg leaves, ackermann, struct returns", 0x190ab5f5, 0xc066fc70},
	{"memory", "radix sort, hash table, packed records, byte copies", 0x1d733588, 0xc6340605},
}

// targetSet are the programs of issue 12's goal: geometric mean no slower
// than wasm3's, each within 10%.
var targetSet = []string{"fib", "loop", "sieve", "matmul", "coremark"}

func (p program) path(small bool) string {
	if small {
		return filepath.Join(programsDir, p.name+"-small.wasm")
	}
	return filepath.Join(programsDir, p.name+".wasm")
}

func (p program) want(small bool) uint32 {
	if small {
		return p.small
	}
	return p.full
}

const programsDir = "programs"

// sample is one timed run of one engine.
type sample struct {
	wall, cpu time.Duration
}

// engine runs a program's run export once.
type engine struct {
	name    string
	version string
	// inproc engines run in this process (time: the call alone, after
	// instantiation); the others are separate processes (time: the whole
	// process, start-up and module loading included; see the empty row).
	inproc bool
	// run times one call of run on a fresh instance and returns the
	// checksum.
	run func(ctx context.Context, path string) (uint32, sample, error)
	// argv is the command line that runs path's run export in a process:
	// the engine itself, or this harness as a child for in-process engines
	// (for valgrind).
	argv func(path string) []string
	// maxRuns limits the runs of a slow engine (0: no limit).
	maxRuns int
}

// engines lists watt, wazero's interpreter, and whichever of wasm3, WAMR's
// iwasm and wabt's wasm-interp are on PATH.
func engines(wabtRuns int, only string) []*engine {
	self, _ := os.Executable()
	child := func(name string) func(string) []string {
		return func(path string) []string { return []string{self, "-child", name, path} }
	}
	es := []*engine{
		{name: "watt", version: wattVersion(), inproc: true, run: runWatt, argv: child("watt")},
		{name: "wazero", version: "wazero " + moduleVersion("github.com/tetratelabs/wazero") + " interpreter", inproc: true, run: runWazero, argv: child("wazero")},
	}
	if p, err := exec.LookPath("wasm3"); err == nil {
		es = append(es, processEngine("wasm3", p, firstLine(p, "--version"),
			func(path string) []string { return []string{p, "--func", "run", path} }, 0))
	}
	if p, err := exec.LookPath("iwasm"); err == nil {
		es = append(es, processEngine("iwasm", p, firstLine(p, "--version"),
			func(path string) []string { return []string{p, "--interp", "-f", "run", path} }, 0))
	}
	if p, err := exec.LookPath("wasm-interp"); err == nil && wabtRuns > 0 {
		es = append(es, processEngine("wabt", p, "wabt wasm-interp "+firstLine(p, "--version"),
			func(path string) []string { return []string{p, path, "--run-all-exports"} }, wabtRuns))
	}
	if only != "" {
		var keep []*engine
		for _, e := range es {
			if strings.Contains(","+only+",", ","+e.name+",") {
				keep = append(keep, e)
			}
		}
		es = keep
	}
	return es
}

func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}

func wattVersion() string {
	return "watt " + commit()
}

func firstLine(bin string, args ...string) string {
	out, _ := exec.Command(bin, args...).CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(line)
}

// loadWatt decodes and compiles a program for watt; compile is the time of
// both (the interpreter's compile validates first).
func loadWatt(path string) (*interp.Module, time.Duration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	start := time.Now()
	features := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	m, err := binary.Decode(ir.NewSource(path, data, true), features)
	if err != nil {
		return nil, 0, err
	}
	cm, err := interp.Compile(m, nil, features)
	return cm, time.Since(start), err
}

func runWatt(ctx context.Context, path string) (uint32, sample, error) {
	cm, _, err := loadWatt(path)
	if err != nil {
		return 0, sample{}, err
	}
	inst, err := interp.InstantiateContext(ctx, interp.NewStore(), cm, interp.ImportMap{})
	if err != nil {
		return 0, sample{}, err
	}
	f := inst.Func("run")
	if f == nil {
		return 0, sample{}, fmt.Errorf("%s: no run export", path)
	}
	var res []interp.Value
	s := timeInProcess(func() { res, err = f.Call(ctx) })
	if err != nil {
		return 0, s, err
	}
	return uint32(res[0].Int32()), s, nil
}

func runWazero(ctx context.Context, path string) (uint32, sample, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, sample{}, err
	}
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	mod, err := r.Instantiate(ctx, data)
	if err != nil {
		return 0, sample{}, err
	}
	f := mod.ExportedFunction("run")
	if f == nil {
		return 0, sample{}, fmt.Errorf("%s: no run export", path)
	}
	var res []uint64
	s := timeInProcess(func() { res, err = f.Call(ctx) })
	if err != nil {
		return 0, s, err
	}
	return uint32(res[0]), s, nil
}

// timeInProcess measures f's wall time and the process's CPU time (user +
// system, all threads: garbage collection the call causes counts).
func timeInProcess(f func()) sample {
	cpu0 := processCPU()
	start := time.Now()
	f()
	wall := time.Since(start)
	return sample{wall: wall, cpu: processCPU() - cpu0}
}

// processEngine runs argv(path) as a process and parses the checksum from
// what it prints: wasm3 "Result: N" (signed), iwasm "0xN:i32", wabt
// "run() => i32:N".
func processEngine(name, bin, version string, argv func(string) []string, maxRuns int) *engine {
	e := &engine{name: name, version: version, argv: argv, maxRuns: maxRuns}
	e.run = func(ctx context.Context, path string) (uint32, sample, error) {
		args := argv(path)
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		s := sample{wall: time.Since(start)}
		if ps := cmd.ProcessState; ps != nil {
			s.cpu = ps.UserTime() + ps.SystemTime()
		}
		if err != nil {
			return 0, s, fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out.Bytes())
		}
		v, err := parseResult(out.String())
		if err != nil {
			return 0, s, fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out.Bytes())
		}
		return v, s, nil
	}
	return e
}

var resultRE = regexp.MustCompile(`(?m)(?:Result: (-?\d+)|^(0x[0-9a-fA-F]+):i32|run\(\) => i32:(-?\d+))`)

func parseResult(out string) (uint32, error) {
	m := resultRE.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no i32 result in the output")
	}
	for _, s := range m[1:] {
		if s == "" {
			continue
		}
		v, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return 0, err
		}
		return uint32(v), nil
	}
	return 0, fmt.Errorf("no i32 result in the output")
}

// childMain is `interp-bench -child ENGINE FILE`: run FILE's run export
// once on an in-process engine and print the checksum, as a process of
// its own (for valgrind).
func childMain(name, path string) {
	ctx := context.Background()
	var run func(context.Context, string) (uint32, sample, error)
	switch name {
	case "watt":
		run = runWatt
	case "wazero":
		run = runWazero
	default:
		check(fmt.Errorf("-child: unknown engine %q", name))
	}
	v, _, err := run(ctx, path)
	check(err)
	fmt.Printf("0x%08x:i32\n", v)
}
