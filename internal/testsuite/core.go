package testsuite

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// CoreFeatures are the features the core suite (WebAssembly 3.0) is
// written for: the 3.0 standard plus the legacy exception instructions its
// legacy/ directory tests, without the pre-standard instruction names
// (obsolete-keywords.wast rejects them). Threads are on too: no core file depends on them
// being off, and watt's runner turns them on by default.
var CoreFeatures = ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true).With(ir.FeatureThreads, true).
	With(ir.FeatureLegacyNames, false)

const howToGetCore = "core test suite not found: set $WASM_CORE_TESTSUITE to a checkout of " +
	"github.com/WebAssembly/testsuite (its root: the Wasm 3.0 core tests with legacy/ and custom/), " +
	"or put it at ../shared/testsuite/core beside the repository"

// LookupCore returns the core suite directory and whether it exists:
// $WASM_CORE_TESTSUITE, else ../shared/testsuite/core beside the repository.
func LookupCore() (string, bool) {
	if d := os.Getenv("WASM_CORE_TESTSUITE"); d != "" {
		return d, isDir(d)
	}
	root, ok := repoRoot()
	if !ok {
		return "", false
	}
	d := filepath.Join(root, "..", "shared", "testsuite", "core")
	return d, isDir(d)
}

// CoreDir returns the core suite directory, or skips t.
func CoreDir(t testing.TB) string {
	t.Helper()
	d, ok := LookupCore()
	if !ok {
		t.Skip(howToGetCore)
	}
	return d
}

// CoreFiles lists the core suite's .wast files (legacy/ and custom/
// included), sorted; it skips t when the suite is absent and fails it when
// it is empty.
func CoreFiles(t testing.TB) []string {
	t.Helper()
	dir := CoreDir(t)
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".wast") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .wast files in %s", dir)
	}
	sort.Strings(files)
	return files
}

// CoreRel names a core suite file relative to its directory, with slashes.
func CoreRel(t testing.TB, path string) string {
	rel, err := filepath.Rel(CoreDir(t), path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}
