package spectest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// suiteDir finds the official threads proposal suite: ../shared/testsuite/threads
// beside the repository, else $WASM_TESTSUITE.
func suiteDir(t testing.TB) string {
	if d := os.Getenv("WASM_TESTSUITE"); d != "" {
		return d
	}
	d := filepath.Join("..", "..", "shared", "testsuite", "threads")
	if _, err := os.Stat(d); err != nil {
		t.Skip("threads suite not found: put it at ../shared/testsuite/threads or set WASM_TESTSUITE " +
			"(a checkout of github.com/WebAssembly/threads, directory test/core)")
	}
	return d
}

func suiteFiles(t testing.TB) []string {
	dir := suiteDir(t)
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
	sort.Strings(files)
	return files
}

// TestSuite runs every command of the official suite: one subtest per file
// (named by its path under the suite) and, below it, one per command named
// by its line, so `go test -run 'Suite/threads/MP.wast/line_45'` works.
func TestSuite(t *testing.T) {
	dir := suiteDir(t)
	files := suiteFiles(t)
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			res, err := RunFile(context.Background(), path, Options{})
			if err != nil {
				t.Fatalf("%v", err)
			}
			if res.Passed+res.Failed == 0 {
				t.Fatal("no commands ran")
			}
			for _, o := range res.Outcomes {
				t.Run(fmt.Sprintf("line_%d", o.Line), func(t *testing.T) {
					if o.Err != nil {
						t.Errorf("%s: %s", o.Cmd, o.Err)
					}
				})
			}
		})
	}
}
