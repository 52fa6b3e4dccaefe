package main

import (
	"context"
	_ "embed"
	"fmt"
	"sync"
	"time"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

//go:embed worker.wat
var workerWAT []byte

// header is where the pixel planes start in the shared memory.
const header = 16

// compileWorker parses and compiles worker.wat (threads enabled).
func compileWorker() (*interp.Module, error) {
	f := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	src := ir.NewSource("worker.wat", workerWAT, false)
	m, err := wat.ParseModule(src, f)
	if err != nil {
		return nil, err
	}
	return interp.Compile(m, src, f)
}

// frame is one rendering: escape counts and the thread that computed each
// pixel.
type frame struct {
	width, height int
	maxIter       int
	counts        []byte
	owners        []byte
	perThread     []int // pixels each thread computed
	elapsed       time.Duration
	cpu           time.Duration // CPU time used meanwhile (0 if unknown)
}

// render runs threads goroutines, each calling run on its own instance of
// the worker, all over one shared memory. The time covers the workers
// only, instantiation included.
func render(ctx context.Context, mod *interp.Module, width, height, maxIter, threads int) (*frame, error) {
	if threads < 1 || threads > 255 {
		return nil, fmt.Errorf("threads must be between 1 and 255")
	}
	need := uint64(header + 2*width*height)
	pages := (need + ir.PageSize - 1) / ir.PageSize
	if pages > 256 {
		return nil, fmt.Errorf("%dx%d does not fit in the worker's 16 MiB memory", width, height)
	}
	mem, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: pages, Max: 256, HasMax: true}, Shared: true})
	if err != nil {
		return nil, err
	}
	store := interp.NewStore()
	imports := interp.ImportMap{"env": {"memory": mem}}

	f := &frame{width: width, height: height, maxIter: maxIter, perThread: make([]int, threads)}
	errs := make([]error, threads)
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime()
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inst, err := interp.InstantiateContext(ctx, store, mod, imports)
			if err != nil {
				errs[t] = err
				return
			}
			res, err := inst.Call(ctx, "run", interp.I32(int32(width)), interp.I32(int32(height)),
				interp.I32(int32(maxIter)), interp.I32(int32(t)))
			if err != nil {
				errs[t] = err
				return
			}
			f.perThread[t] = int(res[0].Int32())
		}()
	}
	wg.Wait()
	f.elapsed, f.cpu = time.Since(start), cpuTime()-cpu0
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	b := mem.Bytes()
	n := width * height
	f.counts = append([]byte(nil), b[header:header+n]...)
	f.owners = append([]byte(nil), b[header+n:header+2*n]...)
	return f, nil
}
