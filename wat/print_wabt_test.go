package wat_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// printVariant is one wasm2wat command line and the options that should
// reproduce it. Modules are assembled once, with --debug-names; wasm2wat
// --no-debug-names of those bytes is its output for a binary without names.
type printVariant struct {
	name    string
	flags   []string
	opts    wat.PrintOptions
	sampled bool // run on every printSampleEvery-th module only, unless WATT_PRINT_FULL is set
}

var printVariants = []printVariant{
	{name: "default", flags: []string{"--no-debug-names"}, opts: wat.PrintOptions{NoDebugNames: true}},
	{name: "debug-names"},
	{name: "fold-exprs", flags: []string{"--fold-exprs", "--no-debug-names"}, opts: wat.PrintOptions{FoldExprs: true, NoDebugNames: true}, sampled: true},
	{name: "inline", flags: []string{"--inline-exports", "--inline-imports"}, opts: wat.PrintOptions{InlineExports: true, InlineImports: true}, sampled: true},
	{name: "generate-names", flags: []string{"--generate-names"}, opts: wat.PrintOptions{GenerateNames: true}, sampled: true},
	{name: "fold-generate-names", flags: []string{"--fold-exprs", "--generate-names", "--no-debug-names"}, opts: wat.PrintOptions{FoldExprs: true, GenerateNames: true, NoDebugNames: true}, sampled: true},
}

// printSampleEvery keeps the differential test to a few seconds: each
// module costs one process per variant. With -short, every variant runs
// on the sample only.
const printSampleEvery = 6

// printTally counts one variant's outcomes.
type printTally struct {
	identical, different, skipped, deviations int
	skips                                     []string // where wabt failed
	diffs                                     []string
}

// TestPrintMatchesWasm2wat is the wabt differential: every valid text
// module of the threads suite is assembled by wat2wasm, decoded by
// binary.Decode and printed; the text must equal wasm2wat's for the same
// bytes, byte for byte, under each variant's flags. The suite's valid
// (module binary …) forms are compared too.
func TestPrintMatchesWasm2wat(t *testing.T) {
	for _, tool := range []string{"wat2wasm", "wasm2wat"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not on PATH: install wabt 1.0.32 to run the differential test", tool)
		}
	}
	mods := printSuiteModules(t, true)
	dir := t.TempDir()
	tallies := make([]printTally, len(printVariants))
	var mu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				outcomes := printCompareModule(dir, i, &mods[i])
				mu.Lock()
				for v, o := range outcomes {
					tl := &tallies[v]
					switch {
					case o == "":
						tl.identical++
					case strings.HasPrefix(o, "skip"):
						tl.skipped++
						tl.skips = append(tl.skips, strings.TrimPrefix(o, "skip: "))
					case o == "unsampled":
					case o == "deviation":
						tl.deviations++
					default:
						tl.different++
						tl.diffs = append(tl.diffs, o)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for i := range mods {
		work <- i
	}
	close(work)
	wg.Wait()
	for v, tl := range tallies {
		total := tl.identical + tl.different
		t.Logf("%-20s identical %d/%d (%d skipped: wabt rejects them; %d known deviations)",
			printVariants[v].name, tl.identical, total, tl.skipped, tl.deviations)
		if len(tl.skips) > 0 {
			slices.Sort(tl.skips)
			t.Logf("%-20s wabt rejects: %s", "", strings.Join(tl.skips[:min(len(tl.skips), 8)], ", "))
		}
		for k, d := range tl.diffs {
			if k == 5 {
				t.Errorf("%s: ... and %d more", printVariants[v].name, len(tl.diffs)-k)
				break
			}
			t.Errorf("%s: %s", printVariants[v].name, d)
		}
		if total == 0 {
			t.Errorf("%s: no module compared", printVariants[v].name)
		}
	}
}

// printCompareModule runs every variant on module i; each outcome is ""
// (identical), "skip: <where>" (wabt cannot handle the module), "deviation" (watt
// differs from wabt 1.0.32 on purpose) or a description of the first
// difference.
func printCompareModule(dir string, i int, sm *printSuiteModule) []string {
	full := os.Getenv("WATT_PRINT_FULL") != ""
	if testing.Short() && !full && i%printSampleEvery != 0 {
		return printAll(len(printVariants), "unsampled")
	}
	outcomes := make([]string, len(printVariants))
	watPath := filepath.Join(dir, fmt.Sprintf("m%d.wat", i))
	wasmPath := filepath.Join(dir, fmt.Sprintf("m%d.wasm", i))
	var err error
	if sm.binary != nil {
		err = os.WriteFile(wasmPath, sm.binary, 0o666)
	} else {
		err = os.WriteFile(watPath, []byte(sm.text), 0o666)
	}
	if err != nil {
		return printAll(len(printVariants), "write: "+err.Error())
	}
	var m *ir.Module
	fail := "skip: " + sm.where + " (wat2wasm)" // wabt cannot assemble the module
	if sm.binary != nil || exec.Command("wat2wasm", "--enable-threads", "--debug-names", watPath, "-o", wasmPath).Run() == nil {
		data, err := os.ReadFile(wasmPath)
		if err == nil {
			m, err = binary.Decode(ir.NewSource(wasmPath, data, true), printSuiteFeatures)
		}
		if err != nil {
			fail = fmt.Sprintf("%s: decode: %v", sm.where, err)
		}
	}
	for v, variant := range printVariants {
		if variant.sampled && !full && i%printSampleEvery != 0 {
			outcomes[v] = "unsampled"
			continue
		}
		if m == nil {
			outcomes[v] = fail
			continue
		}
		if variant.opts.GenerateNames && printHasEmptyExport(m) {
			// wabt 1.0.32 names the entity "$", which no parser reads
			// back; watt does as later wabt releases and skips the name.
			outcomes[v] = "deviation"
			continue
		}
		want, err := exec.Command("wasm2wat", append([]string{"--enable-threads", wasmPath}, variant.flags...)...).Output()
		if err != nil {
			outcomes[v] = "skip: " + sm.where + " (wasm2wat)"
			continue
		}
		var got bytes.Buffer
		if err := wat.Print(&got, m, variant.opts); err != nil {
			outcomes[v] = fmt.Sprintf("%s: Print: %v", sm.where, err)
			continue
		}
		outcomes[v] = printFirstDiff(sm.where, got.Bytes(), want)
	}
	return outcomes
}

// printFirstDiff describes the first differing line of got and want, or
// returns "" when they are equal.
func printFirstDiff(where string, got, want []byte) string {
	if bytes.Equal(got, want) {
		return ""
	}
	g := strings.Split(string(got), "\n")
	w := strings.Split(string(want), "\n")
	for k := 0; ; k++ {
		var gl, wl string
		if k < len(g) {
			gl = g[k]
		}
		if k < len(w) {
			wl = w[k]
		}
		if gl != wl || k >= len(g) || k >= len(w) {
			return fmt.Sprintf("%s: output line %d:\n\tgot:  %q\n\twant: %q", where, k+1, gl, wl)
		}
	}
}

func printAll(n int, s string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func printHasEmptyExport(m *ir.Module) bool {
	for _, e := range m.Exports {
		if e.Name == "" {
			return true
		}
	}
	return false
}
