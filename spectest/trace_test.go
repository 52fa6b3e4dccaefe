package spectest

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"
)

// lineCounter counts the trace lines written to it.
type lineCounter struct{ n atomic.Int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n.Add(int64(bytes.Count(p, []byte{'\n'})))
	return len(p), nil
}

// TestSuiteTraced runs the suite with every module traced (interp's
// Module.Trace): tracing must not change a single result.
func TestSuiteTraced(t *testing.T) {
	if testing.Short() {
		t.Skip("traces the whole suite")
	}
	var lines lineCounter
	for _, path := range testsuite.Files(t) {
		t.Run(testsuite.Rel(t, path), func(t *testing.T) {
			t.Parallel()
			res, err := RunFile(context.Background(), path, Options{Features: testsuite.Features, Trace: &lines, NoRoundTrip: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.Failures() {
				t.Errorf("traced: %v", e)
			}
		})
	}
	t.Cleanup(func() {
		if lines.n.Load() == 0 {
			t.Error("no trace lines written")
		}
	})
}
