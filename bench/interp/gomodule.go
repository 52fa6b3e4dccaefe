package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// goModule returns the path of a GOOS=wasip1 Go module: path when given,
// else bench/goprog (JSON, gzip, HMAC, fmt, sort, time) built into a
// temporary directory.
func goModule(path string) (string, func()) {
	if path != "" {
		return path, func() {}
	}
	dir, err := os.MkdirTemp("", "interp-bench-")
	check(err)
	out := filepath.Join(dir, "goprog.wasm")
	cmd := exec.Command("go", "build", "-o", out, "./bench/goprog")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	cmd.Stderr = os.Stderr
	check(cmd.Run())
	return out, func() { os.RemoveAll(dir) }
}

// compileTime measures what it costs watt to get a large module ready to
// run: decode, validate, and interp.Compile (which validates again, then
// compiles every function), each the best and median of runs, with the
// bytes each step allocates; and wazero's interpreter's CompileModule for
// comparison.
func compileTime(ctx context.Context, path string, runs int) {
	data, err := os.ReadFile(path)
	check(err)
	features := ir.DefaultFeatures()
	type step struct {
		name  string
		f     func()
		walls []time.Duration
		alloc uint64
	}
	var m *ir.Module
	steps := []*step{
		{name: "decode (binary.Decode)", f: func() {
			m, err = binary.Decode(ir.NewSource(path, data, true), features)
			check(err)
		}},
		{name: "validate (validate.Module)", f: func() { check(validate.Module(m, nil, features)) }},
		{name: "validate + compile (interp.Compile)", f: func() {
			_, err := interp.Compile(m, nil, features)
			check(err)
		}},
		{name: "wazero interpreter CompileModule", f: func() {
			r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
			_, err := r.CompileModule(ctx, data)
			check(err)
			r.Close(ctx)
		}},
	}
	before := load1()
	for r := 0; r < runs; r++ {
		for _, s := range steps {
			runtime.GC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			start := time.Now()
			s.f()
			s.walls = append(s.walls, time.Since(start))
			runtime.ReadMemStats(&m1)
			s.alloc = m1.TotalAlloc - m0.TotalAlloc
		}
	}
	fmt.Printf("\n### Start-up: a %.1f MB Go wasip1 module\n\n", float64(len(data))/1e6)
	fmt.Printf("%s (%d functions), in process, best and median of %d, GC on (GOGC=100), load %s → %s:\n\n", filepath.Base(path), len(m.Funcs), runs, before, load1())
	fmt.Printf("| step | best | median | allocated |\n|---|---:|---:|---:|\n")
	for _, s := range steps {
		fmt.Printf("| %s | %s | %s | %.0f MB |\n", s.name, secs(minimum(s.walls)), secs(median(s.walls)), float64(s.alloc)/1e6)
	}
	fmt.Printf("\nwatt's compile alone (interp.Compile minus validate.Module, medians): %s\n",
		secs(median(steps[2].walls)-median(steps[1].walls)))
}
