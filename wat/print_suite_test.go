package wat_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// printSuiteFeatures are the features the threads suite is written for.
var printSuiteFeatures = ir.Wasm2Features().With(ir.FeatureThreads, true)

// printSuiteModule is one valid module of the suite: a text module (text
// and module set) or a binary one (binary set).
type printSuiteModule struct {
	where  string // file:line
	text   string // the (module …) form as written
	module *ir.Module
	binary []byte // the bytes of a (module binary …)
}

// printSuiteModules returns the suite's text modules that are expected to
// be valid: top-level and thread modules, and those of assert_unlinkable
// and assert_uninstantiable. Their text is cut out of the .wast by the
// spans the script parser records. With binaries, the valid
// (module binary …) forms are included too.
func printSuiteModules(t testing.TB, binaries bool) []printSuiteModule {
	t.Helper()
	dir := testsuite.Dir(t)
	printSuiteCache.Lock()
	defer printSuiteCache.Unlock()
	if mods, ok := printSuiteCache.mods[binaries]; ok {
		return mods
	}
	mods := printLoadSuite(t, dir, binaries)
	if !t.Failed() {
		printSuiteCache.mods[binaries] = mods
	}
	return mods
}

// printSuiteCache keeps the parsed suite for the tests that share it.
var printSuiteCache = struct {
	sync.Mutex
	mods map[bool][]printSuiteModule
}{mods: map[bool][]printSuiteModule{}}

func printLoadSuite(t testing.TB, dir string, binaries bool) []printSuiteModule {
	var files []string
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(path, ".wast") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var mods []printSuiteModule
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		src := ir.NewSource(filepath.Base(path), data, false)
		script, err := wat.ParseScript(src, printSuiteFeatures)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		var walk func([]wat.Command)
		add := func(c *wat.ModuleCommand) {
			if c.Kind == wat.ModuleBinary && binaries {
				mods = append(mods, printSuiteModule{where: src.Position(c.Pos).String(), binary: c.Binary})
				return
			}
			if c.Kind != wat.ModuleText || c.Module == nil || c.Start < 0 || c.End > len(data) || c.Start >= c.End {
				return
			}
			mods = append(mods, printSuiteModule{
				where:  src.Position(c.Pos).String(),
				text:   string(data[c.Start:c.End]),
				module: c.Module,
			})
		}
		walk = func(cmds []wat.Command) {
			for _, c := range cmds {
				switch c := c.(type) {
				case *wat.ModuleCommand:
					add(c)
				case *wat.AssertModule:
					if c.Kind == ir.Unlinkable || c.Kind == ir.Uninstantiable {
						add(c.Module)
					}
				case *wat.ThreadCommand:
					walk(c.Commands)
				}
			}
		}
		walk(script.Commands)
	}
	if len(mods) == 0 {
		t.Fatalf("no text modules found under %s", dir)
	}
	return mods
}
