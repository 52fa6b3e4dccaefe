package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// instrument returns a copy of m that counts every wasm instruction it
// executes in a new mutable i64 global, exported as "__instr_count". Each
// straight-line run of instructions gets one `global.get; i64.const k;
// i64.add; global.set` in front of it, where k is the run's length. A run
// ends after any instruction that may not fall through to the next one
// (branches, return, unreachable, br_if whose branch may be taken) and
// around nested blocks, whose bodies are instrumented in turn. The count
// gives "ns per wasm instruction" for every engine: the programs are
// deterministic, so all engines execute the same instructions.
func instrument(m *ir.Module) *ir.Module {
	out := *m
	g := uint32(m.NumImported(ir.ExternGlobal) + len(m.Globals))
	out.Globals = append(append([]ir.Global(nil), m.Globals...), ir.Global{
		Type: ir.GlobalType{Type: ir.I64, Mutable: true},
		Init: []ir.Instr{{Op: ir.OpI64Const}},
	})
	out.Exports = append(append([]ir.Export(nil), m.Exports...), ir.Export{Name: "__instr_count", Kind: ir.ExternGlobal, Index: g})
	out.Funcs = make([]ir.Func, len(m.Funcs))
	for i, f := range m.Funcs {
		f.Body = countBody(f.Body, g)
		out.Funcs[i] = f
	}
	return &out
}

func countBody(body []ir.Instr, g uint32) []ir.Instr {
	out := make([]ir.Instr, 0, len(body)+8)
	start := 0
	flush := func(end int) {
		if end > start {
			out = append(out,
				ir.Instr{Op: ir.OpGlobalGet, Index: g},
				ir.Instr{Op: ir.OpI64Const, Value: uint64(end - start)},
				ir.Instr{Op: ir.OpI64Add},
				ir.Instr{Op: ir.OpGlobalSet, Index: g})
			out = append(out, body[start:end]...)
		}
		start = end
	}
	for i := range body {
		switch body[i].Op {
		case ir.OpBlock, ir.OpLoop, ir.OpIf:
			flush(i + 1) // the block instruction itself counts once
			in := &out[len(out)-1]
			in.Body = countBody(in.Body, g)
			in.SetElseBody(countBody(in.ElseBody(), g))
		case ir.OpBr, ir.OpBrIf, ir.OpBrTable, ir.OpReturn, ir.OpUnreachable:
			flush(i + 1)
		}
	}
	flush(len(body))
	return out
}

// wasmInstructions runs an instrumented copy of the program at path once
// and returns how many wasm instructions its run export executed.
func wasmInstructions(ctx context.Context, path string) int64 {
	data, err := os.ReadFile(path)
	check(err)
	features := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	m, err := binary.Decode(ir.NewSource(path, data, true), features)
	check(err)
	cm, err := interp.Compile(instrument(m), nil, features)
	check(err)
	inst, err := interp.InstantiateContext(ctx, interp.NewStore(), cm, interp.ImportMap{})
	check(err)
	_, err = inst.Call(ctx, "run")
	check(err)
	v, err := inst.Get("__instr_count")
	check(err)
	return v.Int64()
}

// cachegrind runs argv under valgrind's cachegrind without cache
// simulation and returns the number of machine instructions executed
// (I refs) and what the program printed. Counts barely move with other
// load on the machine, unlike times. The large main stack is for WAMR's
// iwasm, which touches its whole stack to place a guard page. (Valgrind
// cannot run every instruction a peer may be built to use: AVX-512 from a
// -march=native build, or WAMR's write of the GS base register; such a
// peer stops with SIGILL here and needs a build without them.)
func cachegrind(argv []string) (int64, string, error) {
	args := append([]string{"--tool=cachegrind", "--cache-sim=no", "--main-stacksize=67108864", "--cachegrind-out-file=/dev/null"}, argv...)
	cmd := exec.Command("valgrind", args...)
	// Go's asynchronous preemption signals upset callgrind and add noise.
	cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, string(out), fmt.Errorf("valgrind %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	m := irefsRE.FindSubmatch(out)
	if m == nil {
		return 0, string(out), fmt.Errorf("valgrind %s: no I refs in its output\n%s", strings.Join(argv, " "), out)
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(string(m[1]), ",", ""), 10, 64)
	return n, string(out), err
}

var irefsRE = regexp.MustCompile(`I\s+refs:\s+([\d,]+)`)

// countMode prints, for each program's -small build and each engine, the
// machine instructions the engine executes per wasm instruction, measured
// with cachegrind: the engine's count on the program minus its count on
// programs/empty.wasm (process start-up, module loading, one empty call).
func countMode(ctx context.Context, es []*engine, progs []program) {
	if _, err := exec.LookPath("valgrind"); err != nil {
		check(fmt.Errorf("-count needs valgrind on PATH"))
	}
	fmt.Printf("\n### Instruction counts (valgrind cachegrind, -small programs)\n\n")
	fmt.Printf("Machine instructions per executed wasm instruction: each engine's count on the program minus its count on empty.wasm (start-up, loading, an empty call). In-process engines run as a child process of the harness. Load does not change these counts (load %s).\n\n", loadAvg())
	base := map[string]int64{}
	for _, e := range es {
		n, out, err := cachegrind(e.argv(filepath.Join(programsDir, "empty.wasm")))
		check(err)
		if v, err := parseResult(out); err != nil || v != 0 {
			check(fmt.Errorf("%s on empty.wasm: result %d, %v", e.name, v, err))
		}
		base[e.name] = n
		logf("%s: empty.wasm %d instructions", e.name, n)
	}
	fmt.Printf("| program | wasm instrs |")
	for _, e := range es {
		fmt.Printf(" %s | per wasm instr |", e.name)
	}
	fmt.Printf("\n|---|---:|")
	for range es {
		fmt.Printf("---:|---:|")
	}
	fmt.Println()
	ratios := map[string][]float64{}
	for _, p := range progs {
		path := p.path(true)
		wasm := wasmInstructions(ctx, path)
		fmt.Printf("| %s | %d |", p.name, wasm)
		var watt float64
		for _, e := range es {
			n, out, err := cachegrind(e.argv(path))
			check(err)
			v, err := parseResult(out)
			check(err)
			if v != p.small {
				check(fmt.Errorf("%s on %s: checksum 0x%08x, want 0x%08x", e.name, path, v, p.small))
			}
			n -= base[e.name]
			per := float64(n) / float64(wasm)
			if e.name == "watt" {
				watt = per
				fmt.Printf(" %d | %.1f |", n, per)
			} else {
				if watt > 0 {
					ratios[e.name] = append(ratios[e.name], per/watt)
					fmt.Printf(" %d | %.1f (%.2fx) |", n, per, per/watt)
				} else {
					fmt.Printf(" %d | %.1f |", n, per)
				}
			}
			logf("%s %s: %d instructions", e.name, p.name, n)
		}
		fmt.Println()
	}
	fmt.Printf("\nGeometric mean of engine/watt instruction ratios (below 1: the engine executes fewer):")
	for _, e := range es[1:] {
		if len(ratios[e.name]) > 0 {
			fmt.Printf(" %s %.2f;", e.name, geomean(ratios[e.name]))
		}
	}
	fmt.Println()
}
