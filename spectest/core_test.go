package spectest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"
)

// coreCommands is the number of commands in the WebAssembly 3.0 core suite
// (../shared/testsuite/core, 264 files with legacy/ and custom/): every one
// must pass.
const coreCommands = 65308

// TestCoreSuite runs every command of every file of the core suite, as
// spectest-interp does with its default flags: one subtest per file (named
// by its path under the suite) and, below it, one per failing command named
// by its line, so `go test -run 'CoreSuite/files/struct.wast'` works. No
// file is skipped; the total is asserted.
func TestCoreSuite(t *testing.T) {
	files := testsuite.CoreFiles(t)
	var (
		mu             sync.Mutex
		passed, failed int
	)
	t.Run("files", func(t *testing.T) {
		for _, path := range files {
			t.Run(testsuite.CoreRel(t, path), func(t *testing.T) {
				t.Parallel()
				res, err := RunFile(context.Background(), path, Options{Features: testsuite.CoreFeatures})
				if err != nil {
					t.Fatalf("%v", err)
				}
				mu.Lock()
				passed += res.Passed
				failed += res.Failed
				mu.Unlock()
				if res.Passed+res.Failed == 0 {
					t.Fatal("no commands ran")
				}
				for _, o := range res.Outcomes {
					if o.Err != nil {
						t.Run(fmt.Sprintf("line_%d", o.Line), func(t *testing.T) {
							t.Errorf("%s: %s", o.Cmd, o.Err)
						})
					}
				}
			})
		}
	})
	t.Logf("%d files: %d commands passed, %d failed", len(files), passed, failed)
	if passed != coreCommands || failed != 0 {
		t.Errorf("%d commands passed and %d failed, want all %d to pass", passed, failed, coreCommands)
	}
}
