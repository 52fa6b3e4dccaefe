// Command interp-bench compares watt's interpreter with other wasm
// interpreters on single-thread CPU workloads (our own C compiled with
// clang, programs/*.c: fib, an i64 loop, a sieve, a matmul, a CoreMark-style
// mix, a call-heavy and a memory-heavy program), each run checking its own
// checksum: wazero's interpreter in process, and wasm3, WAMR's iwasm and
// wabt's wasm-interp when they are on PATH. It also measures watt on
// threads (Mandelbrot on 1 and 2 goroutines, a wait/notify ping-pong) and
// the time to get a 3.6 MB Go wasip1 module ready to run.
//
//	go run .                  time everything (make bench-interp)
//	go run . -count           machine instructions per wasm instruction, under valgrind
//	go run . -ops             watt's dynamic op mix and fall-through pairs
//	go run . -only coremark,calls -engines watt -cpuprofile cpu.prof
//
// It lives in its own module so that watt itself never depends on wazero.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

var (
	runs       = flag.Int("runs", 5, "timed runs per engine and program (best and median are reported)")
	wabtRuns   = flag.Int("wabt-runs", 1, "runs of wabt's wasm-interp, which is slow (0: leave it out)")
	only       = flag.String("only", "", "comma-separated programs to run (default all); also mandelbrot, pingpong, gomodule")
	engineList = flag.String("engines", "", "comma-separated engines (default all found): watt, wazero, wasm3, iwasm, wabt")
	cpuprof    = flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file (-engines defaults to watt)")
	countFlag  = flag.Bool("count", false, "count machine instructions with valgrind (cachegrind) on the -small programs instead of timing")
	opsFlag    = flag.Bool("ops", false, "print watt's dynamic op mix and fall-through pairs on the -small programs instead of timing")
	top        = flag.Int("top", 25, "-ops: rows of ops and pairs to print")
	goModPath  = flag.String("gomodule", "", "GOOS=wasip1 module for the start-up measurement (default: build bench/goprog)")
	childFlag  = flag.String("child", "", "internal: run `-child ENGINE FILE` once and print its checksum")
)

func main() {
	flag.Parse()
	if *childFlag != "" {
		if flag.NArg() != 1 {
			check(fmt.Errorf("-child ENGINE FILE"))
		}
		childMain(*childFlag, flag.Arg(0))
		return
	}
	ctx := context.Background()
	if *cpuprof != "" {
		if *engineList == "" {
			*engineList = "watt"
		}
		f, err := os.Create(*cpuprof)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	want := func(name string) bool { return *only == "" || strings.Contains(","+*only+",", ","+name+",") }
	var progs []program
	for _, p := range programs {
		if want(p.name) {
			progs = append(progs, p)
		}
	}
	es := engines(*wabtRuns, *engineList)
	header(es)
	switch {
	case *opsFlag:
		opsMode(ctx, progs, *top)
		return
	case *countFlag:
		countMode(ctx, es, progs)
		return
	}
	if len(progs) > 0 {
		timeMode(ctx, es, progs)
	}
	if want("mandelbrot") {
		mandelbrot(ctx, *runs)
	}
	if want("pingpong") {
		pingPong(ctx, *runs)
	}
	if want("gomodule") {
		path, cleanup := goModule(*goModPath)
		compileTime(ctx, path, *runs)
		cleanup()
	}
	fmt.Printf("\nLoad average at the end: %s\n", loadAvg())
}

func header(es []*engine) {
	fmt.Printf("## interp-bench\n\n")
	fmt.Printf("Commit %s, %s. Machine: %s, %d CPUs, %s/%s, %s; first touch of a fresh page: %v.\n",
		commit(), time.Now().UTC().Format("2006-01-02 15:04 MST"), cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), pageFaultCost())
	fmt.Printf("Load average (1, 5, 15 min) at the start: %s.\n\nEngines:\n\n", loadAvg())
	for _, e := range es {
		how := "separate process: times include process start and module loading (see the empty row)"
		if e.inproc {
			how = "in this process: times are the call alone, after decoding, compiling and instantiating"
		}
		fmt.Printf("- %s: %s; %s\n", e.name, e.version, how)
	}
}

// timeMode times every engine on every program, engines alternating (the
// order rotates every round, so a burst of load does not land on one engine
// only), and prints best, median, CPU time and ratios.
func timeMode(ctx context.Context, es []*engine, progs []program) {
	fmt.Printf("\n### Single-thread programs\n\n")
	fmt.Printf("%d runs per engine (wabt: %d), engines alternating, order rotating each round. \"vs watt\" is the engine's median time over watt's (above 1: watt is faster). ns/instr is per executed wasm instruction (counted by running an instrumented copy once).\n\n", *runs, *wabtRuns)
	// Start-up of the process engines: the empty program.
	empty := program{name: "empty", what: "returns 0: process start, module loading, one call"}
	results := map[string]map[string]*result{}
	measure := func(p program, count int64) {
		path := p.path(false)
		res := map[string]*result{}
		for _, e := range es {
			res[e.name] = &result{}
		}
		before := load1()
		for r := 0; r < *runs; r++ {
			for i := range es {
				e := es[(i+r)%len(es)]
				if e.maxRuns > 0 && r >= e.maxRuns {
					continue
				}
				v, s, err := e.run(ctx, path)
				check(err)
				if v != p.full {
					check(fmt.Errorf("%s on %s: checksum 0x%08x, want 0x%08x", e.name, path, v, p.full))
				}
				res[e.name].walls = append(res[e.name].walls, s.wall)
				res[e.name].cpus = append(res[e.name].cpus, s.cpu)
			}
		}
		after := load1()
		results[p.name] = res
		var compiles []time.Duration
		for range 5 {
			_, c, err := loadWatt(path)
			check(err)
			compiles = append(compiles, c)
		}
		compile := median(compiles)
		fmt.Printf("#### %s: %s\n\n", p.name, p.what)
		if count > 0 {
			fmt.Printf("%d wasm instructions; ", count)
		}
		fmt.Printf("watt compiles the module (decode, validate, compile; median of 5) in %v; load %s → %s.\n\n", compile.Round(time.Microsecond), before, after)
		fmt.Printf("| engine | runs | best | median | CPU (median) | ns/instr (median) | vs watt (median) | vs watt (CPU) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
		w := res["watt"]
		for _, e := range es {
			rs := res[e.name]
			if len(rs.walls) == 0 {
				continue
			}
			ns := "-"
			if count > 0 {
				ns = fmt.Sprintf("%.2f", float64(median(rs.walls).Nanoseconds())/float64(count))
			}
			ratio, cpuRatio := "-", "-"
			if w != nil && len(w.walls) > 0 && count > 0 {
				ratio = fmt.Sprintf("%.2fx", float64(median(rs.walls))/float64(median(w.walls)))
				if median(w.cpus) > 0 {
					cpuRatio = fmt.Sprintf("%.2fx", float64(median(rs.cpus))/float64(median(w.cpus)))
				}
			}
			fmt.Printf("| %s | %d | %s | %s | %s | %s | %s | %s |\n", e.name, len(rs.walls), secs(minimum(rs.walls)), secs(median(rs.walls)), secs(median(rs.cpus)), ns, ratio, cpuRatio)
		}
		fmt.Println()
	}
	measure(empty, 0)
	for _, p := range progs {
		measure(p, wasmInstructions(ctx, p.path(false)))
	}

	// Summary: medians and ratios, geometric means.
	fmt.Printf("#### Summary (median wall time; in brackets the engine's time over watt's, above 1: watt is faster)\n\n| program |")
	for _, e := range es {
		fmt.Printf(" %s |", e.name)
	}
	fmt.Printf("\n|---|")
	for range es {
		fmt.Printf("---:|")
	}
	fmt.Println()
	ratios := map[string][]float64{}
	cpuRatios := map[string][]float64{}
	for _, p := range progs {
		fmt.Printf("| %s |", p.name)
		w := results[p.name]["watt"]
		for _, e := range es {
			rs := results[p.name][e.name]
			if len(rs.walls) == 0 {
				fmt.Printf(" - |")
				continue
			}
			if w == nil || e.name == "watt" {
				fmt.Printf(" %s |", secs(median(rs.walls)))
				continue
			}
			r := float64(median(rs.walls)) / float64(median(w.walls))
			ratios[e.name] = append(ratios[e.name], r)
			if median(w.cpus) > 0 {
				cpuRatios[e.name] = append(cpuRatios[e.name], float64(median(rs.cpus))/float64(median(w.cpus)))
			}
			fmt.Printf(" %s (%.2fx) |", secs(median(rs.walls)), r)
		}
		fmt.Println()
	}
	if results[progs[0].name]["watt"] != nil {
		fmt.Printf("| geometric mean of ratios, wall (CPU) |")
		for _, e := range es {
			if e.name == "watt" || len(ratios[e.name]) == 0 {
				fmt.Printf(" |")
				continue
			}
			fmt.Printf(" %.2fx (%.2fx) |", geomean(ratios[e.name]), geomean(cpuRatios[e.name]))
		}
		fmt.Println()
		goal(results, es)
	}
}

// result is one engine's samples on one program.
type result struct{ walls, cpus []time.Duration }

// goal checks issue 12's target: over fib, loop, sieve, matmul and
// coremark, watt's time over wasm3's has a geometric mean of at most 1 and
// is at most 1.10 on each program.
func goal(results map[string]map[string]*result, es []*engine) {
	var have bool
	for _, e := range es {
		have = have || e.name == "wasm3"
	}
	if !have {
		fmt.Printf("\nIssue 12's goal (watt vs wasm3) not checked: wasm3 is not on PATH.\n")
		return
	}
	var xs, cs []float64
	var parts []string
	worst, worstName := 0.0, ""
	for _, name := range targetSet {
		res, ok := results[name]
		if !ok || len(res["watt"].walls) == 0 || len(res["wasm3"].walls) == 0 {
			fmt.Printf("\nIssue 12's goal not checked: %s was not run.\n", name)
			return
		}
		x := float64(median(res["watt"].walls)) / float64(median(res["wasm3"].walls))
		c := float64(median(res["watt"].cpus)) / float64(median(res["wasm3"].cpus))
		xs, cs = append(xs, x), append(cs, c)
		parts = append(parts, fmt.Sprintf("%s %.2f (%.2f)", name, x, c))
		if x > worst {
			worst, worstName = x, name
		}
	}
	g := geomean(xs)
	verdict := "met"
	if g > 1 || worst > 1.10 {
		verdict = "not met"
	}
	fmt.Printf("\nIssue 12's goal, watt's median time over wasm3's (CPU in brackets; the goal: geometric mean at most 1.00, each at most 1.10): %s; geometric mean %.2f (%.2f), worst %s %.2f: **%s**.\n",
		strings.Join(parts, ", "), g, geomean(cs), worstName, worst, verdict)
}
