package wat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
)

// withParallel runs f with the parallel parse forced on every module
// (minBytes 0) or off (math.MaxInt64).
func withParallel(minBytes int64, f func()) {
	old := parallelMinBytes.Swap(minBytes)
	defer parallelMinBytes.Store(old)
	f()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// parseBothWays parses data as a module sequentially and with every body
// and data segment deferred to workers, and reports any difference in the
// IR or the error.
func parseBothWays(t *testing.T, name string, data []byte, features ir.Features) {
	t.Helper()
	var seq, par *ir.Module
	var seqErr, parErr error
	withParallel(math.MaxInt64, func() { seq, seqErr = ParseModule(ir.NewSource(name, data, false), features) })
	withParallel(0, func() { par, parErr = ParseModule(ir.NewSource(name, data, false), features) })
	if errText(seqErr) != errText(parErr) {
		t.Fatalf("%s: sequential error %v, parallel error %v", name, seqErr, parErr)
	}
	if !reflect.DeepEqual(seq, par) {
		t.Fatalf("%s: parallel parse differs (-sequential +parallel):\n%s", name, cmp.Diff(seq, par))
	}
}

// TestParallelParseMatchesSequential parses every script of the core and
// threads suites, every text module in them and every quoted module (most
// of them malformed) both ways: same IR, same errors.
func TestParallelParseMatchesSequential(t *testing.T) {
	var files []string
	if dir, ok := testsuite.LookupCore(); ok {
		m, _ := filepath.Glob(filepath.Join(dir, "*.wast"))
		files = append(files, m...)
		for _, sub := range []string{"legacy", "custom", "simd", "gc", "memory64", "multi-memory", "relaxed-simd"} {
			m, _ := filepath.Glob(filepath.Join(dir, sub, "*.wast"))
			files = append(files, m...)
		}
	}
	if dir, ok := testsuite.Lookup(); ok {
		m, _ := filepath.Glob(filepath.Join(dir, "threads", "*.wast"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no test suite")
	}
	features := ir.AllFeaturesOn().With(ir.FeatureLegacyNames, false)
	modules := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var seq, par *Script
		var seqErr, parErr error
		withParallel(math.MaxInt64, func() { seq, seqErr = ParseScript(ir.NewSource(path, data, false), features) })
		withParallel(0, func() { par, parErr = ParseScript(ir.NewSource(path, data, false), features) })
		if errText(seqErr) != errText(parErr) {
			t.Fatalf("%s: sequential error %v, parallel error %v", path, seqErr, parErr)
		}
		if seqErr != nil {
			continue
		}
		if !reflect.DeepEqual(seq, par) {
			t.Fatalf("%s: parallel parse differs (-sequential +parallel):\n%s", path, cmp.Diff(seq, par, cmp.Comparer(func(a, b error) bool { return errText(a) == errText(b) })))
		}
		for _, c := range seq.Commands {
			walkModuleCommands(c, func(mc *ModuleCommand) {
				modules++
				switch mc.Kind {
				case ModuleQuote:
					parseBothWays(t, path+": quote", []byte(mc.Quote), features)
				case ModuleText:
					parseBothWays(t, path+": module", data[mc.Start:mc.End], features)
				}
			})
		}
	}
	t.Logf("%d files, %d modules; %d parsed with deferred jobs, %d of them again sequentially", len(files), modules,
		parallelStats.deferred.Load(), parallelStats.retried.Load())
}

// walkModuleCommands calls f for the module commands of c, those in
// assertions and threads included.
func walkModuleCommands(c Command, f func(*ModuleCommand)) {
	switch c := c.(type) {
	case *ModuleCommand:
		f(c)
	case *AssertModule:
		f(c.Module)
	case *ThreadCommand:
		for _, c := range c.Commands {
			walkModuleCommands(c, f)
		}
	}
}

// TestParallelParseLarge parses a large generated module both ways, and
// the same module with errors put in at random places: the parallel parse
// falls back to the sequential one, which reports the first error.
func TestParallelParseLarge(t *testing.T) {
	data := benchModuleText(1 << 20)
	features := ir.Wasm2Features().With(ir.FeatureThreads, true)
	d0, r0 := parallelStats.deferred.Load(), parallelStats.retried.Load()
	parseBothWays(t, "large.wat", data, features)
	if d, r := parallelStats.deferred.Load()-d0, parallelStats.retried.Load()-r0; d != 1 || r != 0 {
		t.Fatalf("large module: %d deferred, %d retried; want 1 and 0", d, r)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		bad := append([]byte(nil), data...)
		at := rng.IntN(len(bad))
		switch i % 4 {
		case 0:
			bad = append(bad[:at], bad[at+1:]...)
		case 1:
			bad = append(bad[:at], append([]byte(" i32.bogus )"), bad[at:]...)...)
		case 2:
			bad[at] = '('
		case 3:
			bad = append(bad[:at], append([]byte(` "\q" `), bad[at:]...)...)
		}
		parseBothWays(t, fmt.Sprintf("bad%d.wat", i), bad, features)
	}
}

// TestParallelParseTypes covers the bail-outs for implicit types: a body
// that uses an inline signature no earlier field has, and one whose
// signature a later function's header appends.
func TestParallelParseTypes(t *testing.T) {
	features := ir.DefaultFeatures()
	for i, src := range []string{
		`(func (call_indirect (param i32) (i32.const 0) (i32.const 0))) (func (param f32)) (table 1 funcref)`,
		`(func (call_indirect (param f32) (local.get 0) (i32.const 0)) (param f32)) (func (param i64)) (func (param f32)) (table 1 funcref)`,
		`(func (param f32)) (func (call_indirect (param f32) (f32.const 0) (i32.const 0))) (table 1 funcref)`,
		`(type (func (param i32))) (func (block (param i32) (drop)) (i32.const 1)) (func (param i32 i32))`,
		`(func $a (local $x i32) (local.set $x (i32.const 1))) (func $b (param $y i64) (local.get $y) drop) (data (i32.const 0) "ab") (data $d (i32.const 1) "\01") (memory 1)`,
		`(func (local $x i32) (local.get $y))`,
		`(func) (data (i32.const 0) "a" "\q")`,
		`(func) (data (i32.const 0) "a") (data (i32.const 0) "b" (i32.const 1))`,
	} {
		r0 := parallelStats.retried.Load()
		parseBothWays(t, "types.wat", []byte(src), features)
		// 0 and 1 bail out on types; 2 and 3 use a type of an
		// earlier field; 4 parses; 5, 6 and 7 fail in a job.
		if retried := parallelStats.retried.Load() != r0; retried != (i <= 1 || i >= 5) {
			t.Errorf("module %d: retried %v", i, retried)
		}
	}
}

// FuzzParseParallel parses every input both ways: sequentially and with
// its bodies and data segments deferred to workers (forced, whatever the
// size), which must give the same IR or the same error.
func FuzzParseParallel(f *testing.F) {
	parseFuzzSeeds(f)
	features := ir.AllFeaturesOn().With(ir.FeatureLegacyNames, false)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxInput {
			return
		}
		parseBothWays(t, "fuzz.wat", data, features)
	})
}
