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

// suite says where one official suite lives: $env, else a directory of
// ../shared/testsuite beside the repository.
type suite struct {
	env, dir string
	howToGet string // the skip message when it is missing
}

var threadsSuite = suite{"WASM_TESTSUITE", "threads", "threads test suite not found: set $WASM_TESTSUITE to the test/core " +
	"directory of a checkout of github.com/WebAssembly/threads, or put it at ../shared/testsuite/threads " +
	"beside the repository"}

func (s suite) lookup() (string, bool) {
	if d := os.Getenv(s.env); d != "" {
		return d, isDir(d)
	}
	root, ok := repoRoot()
	if !ok {
		return "", false
	}
	d := filepath.Join(root, "..", "shared", "testsuite", s.dir)
	return d, isDir(d)
}

func (s suite) root(t testing.TB) string {
	t.Helper()
	d, ok := s.lookup()
	if !ok {
		t.Skip(s.howToGet)
	}
	return d
}

// files lists the suite's .wast files (subdirectories included), sorted;
// it skips t when the suite is absent and fails it when it is empty.
func (s suite) files(t testing.TB) []string {
	t.Helper()
	dir := s.root(t)
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

// rel names a suite file relative to the suite directory, with slashes.
func (s suite) rel(t testing.TB, path string) string {
	rel, err := filepath.Rel(s.root(t), path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// Lookup returns the threads suite directory and whether it exists.
func Lookup() (string, bool) { return threadsSuite.lookup() }

// Dir returns the threads suite directory, or skips t.
func Dir(t testing.TB) string { t.Helper(); return threadsSuite.root(t) }

// Files lists the threads suite's .wast files (subdirectories included),
// sorted; it skips t when the suite is absent and fails it when it is empty.
func Files(t testing.TB) []string { t.Helper(); return threadsSuite.files(t) }

// Rel names a threads suite file relative to the suite directory, with
// slashes ("threads/MP.wast"), for subtest names.
func Rel(t testing.TB, path string) string { return threadsSuite.rel(t, path) }

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
