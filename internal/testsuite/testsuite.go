// Package testsuite locates the official threads-proposal test suite for
// watt's tests. The suite is data outside the repository: $WASM_TESTSUITE
// when set, else ../shared/testsuite/threads beside the repository. Tests
// skip, saying how to get it, when neither exists.
package testsuite

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// Features are the features the threads suite is written for: the
// WebAssembly 2.0 standard plus threads. (Under 3.0's features some of its
// malformed-binary assertions no longer hold: with multi-memory, the byte
// after memory.size is a memory index, not a reserved zero.)
var Features = ir.Wasm2Features().With(ir.FeatureThreads, true)

const howToGet = "threads test suite not found: set $WASM_TESTSUITE to the test/core " +
	"directory of a checkout of github.com/WebAssembly/threads, or put it at ../shared/testsuite/threads " +
	"beside the repository"

// Lookup returns the suite directory and whether it exists.
func Lookup() (string, bool) {
	if d := os.Getenv("WASM_TESTSUITE"); d != "" {
		return d, isDir(d)
	}
	root, ok := repoRoot()
	if !ok {
		return "", false
	}
	d := filepath.Join(root, "..", "shared", "testsuite", "threads")
	return d, isDir(d)
}

// Dir returns the suite directory, or skips t.
func Dir(t testing.TB) string {
	t.Helper()
	d, ok := Lookup()
	if !ok {
		t.Skip(howToGet)
	}
	return d
}

// Files lists the suite's .wast files (subdirectories included), sorted;
// it skips t when the suite is absent and fails it when it is empty.
func Files(t testing.TB) []string {
	t.Helper()
	dir := Dir(t)
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

// Rel names a suite file relative to the suite directory, with slashes
// ("threads/MP.wast"), for subtest names.
func Rel(t testing.TB, path string) string {
	rel, err := filepath.Rel(Dir(t), path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

func isDir(d string) bool {
	fi, err := os.Stat(d)
	return err == nil && fi.IsDir()
}

// repoRoot walks up from the working directory (a package directory while
// testing) to the directory holding watt's go.mod.
func repoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/watt-wasm/watt\n") {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
