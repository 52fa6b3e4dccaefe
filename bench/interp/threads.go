package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

func compileText(path string) *interp.Module {
	text, err := os.ReadFile(path)
	check(err)
	features := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	m, err := wat.ParseModule(ir.NewSource(path, text, false), features)
	check(err)
	cm, err := interp.Compile(m, nil, features)
	check(err)
	return cm
}

// mandelbrot renders the Mandelbrot image (800x600, 400 iterations) on 1
// and on 2 goroutines, alternating, each goroutine its own instance over
// one shared memory, with two programs: testdata/threads/mandelbrot.wat,
// which claims one pixel per i32.atomic.rmw.add (the two cores fight over
// the counter's cache line and store to neighbouring bytes: a contention
// test), and programs/mandelbrot_rows.wat, which claims a row at a time
// (the engine's scaling). Every image must equal the first.
func mandelbrot(ctx context.Context, runs int) {
	const w, h, maxIter = 800, 600, 400
	var ref []byte
	for i, v := range []struct{ path, display, claim string }{
		{filepath.Join("..", "..", "testdata", "threads", "mandelbrot.wat"), "testdata/threads/mandelbrot.wat", "pixels claimed one at a time with i32.atomic.rmw.add"},
		{filepath.Join(programsDir, "mandelbrot_rows.wat"), "programs/mandelbrot_rows.wat", "rows claimed one at a time with i32.atomic.rmw.add"},
	} {
		cm := compileText(v.path)
		render := func(n int) (sample, []byte) {
			mem, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 16, Max: 256, HasMax: true}, Shared: true})
			check(err)
			store := interp.NewStore()
			insts := make([]*interp.Instance, n)
			for i := range insts {
				insts[i], err = interp.Instantiate(store, cm, interp.ImportMap{"env": {"memory": mem}})
				check(err)
			}
			var wg sync.WaitGroup
			var total int32
			var mu sync.Mutex
			s := timeInProcess(func() {
				for _, inst := range insts {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res, err := inst.Call(ctx, "run", interp.I32(w), interp.I32(h), interp.I32(maxIter))
						check(err)
						mu.Lock()
						total += res[0].Int32()
						mu.Unlock()
					}()
				}
				wg.Wait()
			})
			if total != w*h {
				check(fmt.Errorf("mandelbrot: %s on %d goroutines rendered %d pixels, want %d", v.display, n, total, w*h))
			}
			return s, append([]byte(nil), mem.Bytes()[4:4+w*h]...)
		}
		walls := map[int][]time.Duration{}
		cpus := map[int][]time.Duration{}
		before := load1()
		for r := 0; r < runs; r++ {
			for _, n := range []int{1, 2} {
				s, img := render(n)
				if ref == nil {
					ref = img
				} else if string(img) != string(ref) {
					check(fmt.Errorf("mandelbrot: %s: image differs with %d goroutines", v.display, n))
				}
				walls[n] = append(walls[n], s.wall)
				cpus[n] = append(cpus[n], s.cpu)
			}
		}
		if i == 0 {
			fmt.Printf("\n### Threads\n")
		}
		fmt.Printf("\nMandelbrot (%s, %dx%d, %d iterations, %s; image checked identical), %d runs alternating, load %s → %s:\n\n", v.display, w, h, maxIter, v.claim, runs, before, load1())
		fmt.Printf("| goroutines | best | median | CPU (median) | speedup (best) | speedup (median) |\n|---:|---:|---:|---:|---:|---:|\n")
		for _, n := range []int{1, 2} {
			fmt.Printf("| %d | %s | %s | %s | %.2fx | %.2fx |\n", n, secs(minimum(walls[n])), secs(median(walls[n])), secs(median(cpus[n])),
				float64(minimum(walls[1]))/float64(minimum(walls[n])), float64(median(walls[1]))/float64(median(walls[n])))
		}
	}
}

// pingPong passes a token between two goroutines with wait32/notify
// (programs/pingpong.wat) and reports the time per round trip (two
// blocking handoffs).
func pingPong(ctx context.Context, runs int) {
	cm := compileText(filepath.Join(programsDir, "pingpong.wat"))
	const rounds = 100000
	one := func() (sample, int32) {
		mem, err := interp.NewMemory(ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}, Shared: true})
		check(err)
		store := interp.NewStore()
		var insts [2]*interp.Instance
		for i := range insts {
			insts[i], err = interp.Instantiate(store, cm, interp.ImportMap{"env": {"memory": mem}})
			check(err)
		}
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		woken := make([]int32, 2)
		s := timeInProcess(func() {
			for me := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := insts[me].Call(ctx, "run", interp.I32(rounds), interp.I32(int32(me)))
					if err == nil {
						woken[me] = res[0].Int32()
					}
					errs[me] = err
				}()
			}
			wg.Wait()
		})
		for _, err := range errs {
			if err != nil {
				check(fmt.Errorf("pingpong: %v", err))
			}
		}
		return s, woken[0] + woken[1]
	}
	var walls, cpus, blocked []time.Duration
	before := load1()
	for r := 0; r < runs; r++ {
		s, woken := one()
		walls, cpus = append(walls, s.wall), append(cpus, s.cpu)
		blocked = append(blocked, time.Duration(woken))
	}
	per := func(d time.Duration) string { return fmt.Sprintf("%.2f µs", float64(d.Nanoseconds())/1e3/rounds) }
	fmt.Printf("\nwait/notify ping-pong (programs/pingpong.wat): two goroutines pass a token %d times each way, blocking in memory.atomic.wait32 every time; %d runs, load %s → %s:\n\n", rounds, runs, before, load1())
	fmt.Printf("| | best | median | CPU (median) |\n|---|---:|---:|---:|\n")
	fmt.Printf("| total | %s | %s | %s |\n", secs(minimum(walls)), secs(median(walls)), secs(median(cpus)))
	fmt.Printf("| per round trip | %s | %s | %s |\n", per(minimum(walls)), per(median(walls)), per(median(cpus)))
	fmt.Printf("\nWaits that blocked and were woken (median of runs): %d of %d handoffs.\n", int64(median(blocked)), 2*rounds)
}
