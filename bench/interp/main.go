// Command interp-bench compares watt's interpreter with wazero's
// interpreter and wabt's wasm-interp on single-thread CPU workloads (C
// compiled with clang: fib(35), a 50M-iteration i64 loop, a byte sieve, a
// 200×200 f64 matmul) and measures the Mandelbrot worker
// (testdata/threads/mandelbrot.wat) on 1 and 2 goroutines over one shared
// memory. It lives in its own module so that watt itself never depends on
// wazero. Run it with `make bench` or `cd bench/interp && go run .`.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

var (
	runs     = flag.Int("runs", 3, "timed runs per engine and program (the best is reported)")
	withWabt = flag.Bool("wabt", true, "also time wabt's wasm-interp (slow: minutes)")
	only     = flag.String("only", "", "comma-separated program names to run (default all)")
	cpuprof  = flag.String("cpuprofile", "", "write a CPU profile of watt's runs to this file")
)

var programs = []string{"fib", "loop", "sieve", "matmul"}

func main() {
	flag.Parse()
	ctx := context.Background()
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	var ratiosWazero, ratiosWabt []float64
	fmt.Printf("%-8s %12s %10s %12s %10s %12s %10s %8s %8s\n",
		"program", "instrs", "watt", "ns/instr", "wazero", "ns/instr", "wabt", "wz/watt", "wabt/watt")
	for _, name := range programs {
		if *only != "" && !strings.Contains(","+*only+",", ","+name+",") {
			continue
		}
		data, err := os.ReadFile(filepath.Join("programs", name+".wasm"))
		check(err)
		m, err := binary.Decode(ir.NewSource(name+".wasm", data, true), ir.DefaultFeatures())
		check(err)
		count := instructionCount(ctx, m)
		watt := best(func() time.Duration { return timeWatt(ctx, m) })
		wz := best(func() time.Duration { return timeWazero(ctx, data) })
		wabt := time.Duration(0)
		if *withWabt {
			wabt = timeWabt(filepath.Join("programs", name+".wasm"))
		}
		ns := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(count) }
		ratiosWazero = append(ratiosWazero, float64(wz)/float64(watt))
		wabtRatio := "-"
		if wabt > 0 {
			ratiosWabt = append(ratiosWabt, float64(wabt)/float64(watt))
			wabtRatio = fmt.Sprintf("%.2fx", float64(wabt)/float64(watt))
		}
		fmt.Printf("%-8s %12d %10s %12.2f %10s %12.2f %10s %8s %8s\n", name, count,
			round(watt), ns(watt), round(wz), ns(wz), round(wabt),
			fmt.Sprintf("%.2fx", float64(wz)/float64(watt)), wabtRatio)
	}
	fmt.Printf("geometric mean speedup of watt: %.2fx vs wazero interpreter", geomean(ratiosWazero))
	if len(ratiosWabt) > 0 {
		fmt.Printf(", %.2fx vs wabt wasm-interp", geomean(ratiosWabt))
	}
	fmt.Println()
	if *only == "" || strings.Contains(*only, "mandelbrot") {
		mandelbrot(ctx)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "interp-bench:", err)
		os.Exit(1)
	}
}

func round(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return d.Round(time.Millisecond).String()
}

func best(f func() time.Duration) time.Duration {
	var ds []time.Duration
	for i := 0; i < *runs; i++ {
		ds = append(ds, f())
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[0]
}

func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += math.Log(x)
	}
	return math.Exp(s / float64(len(xs)))
}

func instantiate(ctx context.Context, m *ir.Module, imports interp.Imports) *interp.Instance {
	cm, err := interp.Compile(m, nil, ir.DefaultFeatures().With(ir.FeatureThreads, true))
	check(err)
	inst, err := interp.InstantiateContext(ctx, interp.NewStore(), cm, imports)
	check(err)
	return inst
}

// instructionCount runs the instrumented program once.
func instructionCount(ctx context.Context, m *ir.Module) int64 {
	inst := instantiate(ctx, instrument(m), interp.ImportMap{})
	_, err := inst.Call(ctx, "run")
	check(err)
	v, err := inst.Get("__instr_count")
	check(err)
	return v.Int64()
}

func timeWatt(ctx context.Context, m *ir.Module) time.Duration {
	inst := instantiate(ctx, m, interp.ImportMap{})
	start := time.Now()
	_, err := inst.Call(ctx, "run")
	check(err)
	return time.Since(start)
}

func timeWazero(ctx context.Context, data []byte) time.Duration {
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	mod, err := r.Instantiate(ctx, data)
	check(err)
	start := time.Now()
	_, err = mod.ExportedFunction("run").Call(ctx)
	check(err)
	return time.Since(start)
}

// timeWabt times wabt's wasm-interp on the whole program (its parse and
// validation of these tiny modules take well under a millisecond).
func timeWabt(path string) time.Duration {
	bin, err := exec.LookPath("wasm-interp")
	if err != nil {
		return 0
	}
	start := time.Now()
	out, err := exec.Command(bin, path, "--run-all-exports").CombinedOutput()
	if err != nil {
		check(fmt.Errorf("wasm-interp %s: %v\n%s", path, err, out))
	}
	return time.Since(start)
}

// mandelbrot renders the worker's image with n goroutines, each running its
// own instance over one shared memory.
func mandelbrot(ctx context.Context) {
	path := filepath.Join("..", "..", "testdata", "threads", "mandelbrot.wat")
	text, err := os.ReadFile(path)
	check(err)
	features := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	m, err := wat.ParseModule(ir.NewSource(path, text, false), features)
	check(err)
	cm, err := interp.Compile(m, nil, features)
	check(err)
	const w, h, maxIter = 800, 600, 400
	render := func(n int) (time.Duration, []byte) {
		mem, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 16, Max: 256, HasMax: true}, Shared: true})
		check(err)
		store := interp.NewStore()
		insts := make([]*interp.Instance, n)
		for i := range insts {
			insts[i], err = interp.Instantiate(store, cm, interp.ImportMap{"env": {"memory": mem}})
			check(err)
		}
		var wg sync.WaitGroup
		start := time.Now()
		for _, inst := range insts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := inst.Call(ctx, "run", interp.I32(w), interp.I32(h), interp.I32(maxIter))
				check(err)
			}()
		}
		wg.Wait()
		return time.Since(start), append([]byte(nil), mem.Bytes()[4:4+w*h]...)
	}
	var one time.Duration
	var ref []byte
	for _, n := range []int{1, 2} {
		d := best(func() time.Duration {
			d, img := render(n)
			if ref == nil {
				ref = img
			} else if string(img) != string(ref) {
				check(fmt.Errorf("mandelbrot: image differs with %d goroutines", n))
			}
			return d
		})
		if n == 1 {
			one = d
		}
		fmt.Printf("mandelbrot %dx%d max_iter=%d, %d goroutine(s): %v (speedup %.2fx)\n", w, h, maxIter, n, d.Round(time.Millisecond), float64(one)/float64(d))
	}
}
