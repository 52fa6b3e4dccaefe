package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSamePixelsAnyThreadCount: the image does not depend on how many
// threads rendered it, every pixel is computed exactly once, and each
// pixel's owner is one of the threads.
func TestSamePixelsAnyThreadCount(t *testing.T) {
	mod, err := compileWorker()
	if err != nil {
		t.Fatal(err)
	}
	const w, h, iters = 90, 60, 100
	var first *frame
	for _, n := range []int{1, 2, 4, 7} {
		f, err := render(context.Background(), mod, w, h, iters, n)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, p := range f.perThread {
			total += p
		}
		if total != w*h {
			t.Fatalf("%d threads computed %d pixels, want %d", n, total, w*h)
		}
		owned := make([]int, n)
		for _, o := range f.owners {
			if int(o) >= n {
				t.Fatalf("%d threads: pixel owned by thread %d", n, o)
			}
			owned[o]++
		}
		for i := range owned {
			if owned[i] != f.perThread[i] {
				t.Fatalf("%d threads: thread %d owns %d pixels but reported %d", n, i, owned[i], f.perThread[i])
			}
		}
		if first == nil {
			first = f
			if bytes.Count(f.counts, []byte{iters}) == 0 {
				t.Fatal("no pixel inside the set")
			}
		} else if !bytes.Equal(first.counts, f.counts) {
			t.Fatalf("%d threads rendered different pixels than 1", n)
		}
	}
}

// TestRun: the command prints one timing line per thread count and writes
// both PNGs.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"-width=60", "-height=40", "-threads=1,2", "-o", dir}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := strings.Count(out.String(), "thread(s):"); got != 2 {
		t.Fatalf("output:\n%s", out.String())
	}
	for _, name := range []string{"mandelbrot.png", "mandelbrot-threads.png"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil || img.Bounds().Dx() != 60 || img.Bounds().Dy() != 40 {
			t.Fatalf("%s: %v %v", name, err, img.Bounds())
		}
	}
	if code := run([]string{"-threads=0"}, &out, &errOut); code != 2 {
		t.Fatalf("bad thread count: exit %d", code)
	}
}
