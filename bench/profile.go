package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"time"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

// profileMain profiles one input, or each text input in a fresh process of
// its own (so heaps, faults and the cumulative allocation profile start from
// zero for each).
func profileMain(dir, input, out string, runs int) error {
	if input != "" {
		return profileWat2Wasm(os.Stdout, dir, runs, input)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for i, name := range []string{"go.wat", "go-flat.wat", "atomics.wat"} {
		if i == 0 {
			fmt.Printf("In-process wat2wasm pipeline, %d runs per mode, median per stage; commit %s, load %s.\n\n", runs, commit(), loadAvg())
			fmt.Printf("| input | GC | stage | median | allocated | objects | minor faults |\n|---|---|---|---:|---:|---:|---:|\n")
		}
		cmd := exec.Command(self, "-profile", dir, "-profile-input", filepath.Join(out, name), "-runs", strconv.Itoa(runs))
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		// With asynchronous preemption on, a long-running loop's samples
		// land partly on runtime.asyncPreempt (the signal's entry point),
		// not where the time went.
		cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("profiling %s: %v", name, err)
		}
	}
	fmt.Printf("\nLoad at the end %s. Profiles (GC off, as the tool runs) in %s: go tool pprof -top %s\n", loadAvg(), dir, filepath.Join(dir, "go.wat.cpu.pprof"))
	return nil
}

// profileWat2Wasm runs wat2wasm's pipeline in this process on each text
// input, stage by stage (read, wat.ParseModule, validate.Module,
// binary.Encode), runs times, first as the tool runs (no GC below a 2 GiB
// soft limit, as cli.TuneOneShot sets) and then with the collector on
// (GOGC=100), and prints each stage's median time, bytes and objects
// allocated and minor page faults. It writes a CPU profile of the tool-mode
// runs and an allocation profile to dir (NAME.cpu.pprof,
// NAME.allocs.pprof), for `go tool pprof`.
func profileWat2Wasm(w io.Writer, dir string, runs int, file string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	runtime.MemProfileRate = 64 << 10
	features := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	base := filepath.Base(file)
	for _, gcOn := range []bool{false, true} {
		stages := []*profStage{{name: "read"}, {name: "parse (scan, parse, resolve)"}, {name: "validate"}, {name: "encode"}, {name: "total"}}
		var cpuFile *os.File
		if !gcOn {
			f, err := os.Create(filepath.Join(dir, base+".cpu.pprof"))
			if err != nil {
				return err
			}
			cpuFile = f
		}
		for r := 0; r < runs; r++ {
			// Start every run from a heap returned to the OS, as a new
			// process does.
			debug.SetGCPercent(100)
			debug.FreeOSMemory()
			if gcOn {
				debug.SetMemoryLimit(-1)
			} else {
				debug.SetGCPercent(-1)
				debug.SetMemoryLimit(2 << 30)
			}
			if cpuFile != nil && r == 0 {
				if err := pprof.StartCPUProfile(cpuFile); err != nil {
					return err
				}
			}
			var data []byte
			var m *ir.Module
			var out []byte
			var err error
			steps := []func(){
				func() { data, err = os.ReadFile(file) },
				func() { m, err = wat.ParseModule(ir.NewSource(file, data, false), features) },
				func() { err = validate.Module(m, nil, features) },
				func() { out, err = binary.Encode(m, binary.EncodeOptions{}) },
			}
			var total stageCounters
			total.start()
			for i, step := range steps {
				var c stageCounters
				c.start()
				step()
				c.stop()
				if err != nil {
					return fmt.Errorf("%s: %s: %v", base, stages[i].name, err)
				}
				stages[i].add(c)
			}
			total.stop()
			stages[len(stages)-1].add(total)
			_ = out
		}
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
			f, err := os.Create(filepath.Join(dir, base+".allocs.pprof"))
			if err != nil {
				return err
			}
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
			if err != nil {
				return err
			}
		}
		mode := "off (tool)"
		if gcOn {
			mode = "on (GOGC=100)"
		}
		for _, s := range stages {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %.0f MB | %d | %d |\n", base, mode, s.name,
				medianDur(s.walls).Round(time.Millisecond), float64(s.alloc)/1e6, s.objects, s.faults)
		}
	}
	return nil
}

// stageCounters measures one stage: wall time, allocation, page faults.
type stageCounters struct {
	t0             time.Time
	ms0            runtime.MemStats
	f0             int64
	wall           time.Duration
	alloc, objects uint64
	faults         int64
}

func (c *stageCounters) start() {
	runtime.ReadMemStats(&c.ms0)
	c.f0 = minorFaults()
	c.t0 = time.Now()
}

func (c *stageCounters) stop() {
	c.wall = time.Since(c.t0)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c.alloc, c.objects = ms.TotalAlloc-c.ms0.TotalAlloc, ms.Mallocs-c.ms0.Mallocs
	c.faults = minorFaults() - c.f0
}

// profStage is one stage's measurements over the runs.
type profStage struct {
	name           string
	walls          []time.Duration
	alloc, objects uint64
	faults         int64
}

// add records a run: its time; allocation and faults are kept from the
// last run (they hardly vary between runs).
func (s *profStage) add(c stageCounters) {
	s.walls = append(s.walls, c.wall)
	s.alloc, s.objects, s.faults = c.alloc, c.objects, c.faults
}

func medianDur(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
