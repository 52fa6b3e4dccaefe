package spectest

import (
	"context"
	"fmt"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"
)

// TestSuite runs every command of the official suite: one subtest per file
// (named by its path under the suite) and, below it, one per command named
// by its line, so `go test -run 'Suite/threads/MP.wast/line_45'` works.
func TestSuite(t *testing.T) {
	for _, path := range testsuite.Files(t) {
		t.Run(testsuite.Rel(t, path), func(t *testing.T) {
			t.Parallel()
			res, err := RunFile(context.Background(), path, Options{Features: testsuite.Features})
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
