package spectest

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSharedInstance runs testdata/threads/shared_instance.wast, whose
// threads share a whole instance: its globals, table and unshared memory,
// and the spectest host's table and memory, are used and grown by three
// goroutines at once. The interpreter must stay memory-safe; run it under
// the race detector too:
//
//	go test -race ./spectest/ -run TestSharedInstance
func TestSharedInstance(t *testing.T) {
	runShared(t, "shared_instance.wast")
}

// TestSharedReferences runs testdata/threads/shared_gc.wast: three
// goroutines share an instance whose globals, tables, struct fields and
// array elements hold references (GC objects, i31 values, functions,
// exceptions), and race on them. Run it under the race detector too:
//
//	go test -race ./spectest/ -run TestSharedReferences
func TestSharedReferences(t *testing.T) {
	runShared(t, "shared_gc.wast")
}

func runShared(t *testing.T, name string) {
	res, err := RunFile(context.Background(), filepath.Join("..", "testdata", "threads", name), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed == 0 {
		t.Fatal("no commands ran")
	}
	for _, o := range res.Outcomes {
		if o.Err != nil {
			t.Errorf("line %d: %s: %s", o.Line, o.Cmd, o.Err)
		}
	}
}
