package testsuite

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestFilesFindsTheThreadsDirectory(t *testing.T) {
	files := Files(t)
	var threads int
	for _, f := range files {
		if !strings.HasSuffix(f, ".wast") {
			t.Errorf("not a .wast file: %s", f)
		}
		if strings.HasPrefix(Rel(t, f), "threads/") {
			threads++
		}
	}
	if threads == 0 {
		t.Errorf("no threads/*.wast among %d files", len(files))
	}
}

func TestLookupHonoursEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("WASM_TESTSUITE", dir)
	if got, ok := Lookup(); !ok || got != dir {
		t.Errorf("Lookup() = %q, %v; want %q, true", got, ok, dir)
	}
	t.Setenv("WASM_TESTSUITE", filepath.Join(dir, "missing"))
	if _, ok := Lookup(); ok {
		t.Error("Lookup() found a directory that does not exist")
	}
}
