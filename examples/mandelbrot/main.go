// Command mandelbrot renders the Mandelbrot set with watt's interpreter on
// 1, 2 and 4 threads: one shared memory, one goroutine per thread, each
// running its own instance of worker.wat. It prints the time for each
// thread count, checks that every count produced the same pixels, and
// writes mandelbrot.png and mandelbrot-threads.png (each pixel coloured by
// the thread that computed it, from the run with the most threads).
//
//	go run ./examples/mandelbrot -o examples/mandelbrot
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mandelbrot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	width := fs.Int("width", 600, "image width")
	height := fs.Int("height", 400, "image height")
	maxIter := fs.Int("iterations", 200, "maximum iterations per pixel")
	threadList := fs.String("threads", "1,2,4", "comma-separated thread counts to time")
	outDir := fs.String("o", ".", "directory for the PNG files")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var counts []int
	for _, s := range strings.Split(*threadList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 255 {
			fmt.Fprintf(stderr, "mandelbrot: bad thread count %q\n", s)
			return 2
		}
		counts = append(counts, n)
	}
	mod, err := compileWorker()
	if err != nil {
		fmt.Fprintln(stderr, "mandelbrot:", err)
		return 1
	}
	var first, last *frame
	for _, n := range counts {
		f, err := render(context.Background(), mod, *width, *height, *maxIter, n)
		if err != nil {
			fmt.Fprintln(stderr, "mandelbrot:", err)
			return 1
		}
		cpu := ""
		if f.cpu > 0 {
			cpu = fmt.Sprintf(", cpu %v", f.cpu.Round(1e6))
		}
		fmt.Fprintf(stdout, "%d thread(s): %v%s  (pixels per thread %v)\n", n, f.elapsed.Round(1e6), cpu, f.perThread)
		if first == nil {
			first = f
		} else if !bytes.Equal(first.counts, f.counts) {
			fmt.Fprintf(stderr, "mandelbrot: %d threads rendered different pixels than %d\n", n, counts[0])
			return 1
		}
		last = f
	}
	for name, img := range map[string]image.Image{
		"mandelbrot.png":         picture(last),
		"mandelbrot-threads.png": ownership(last),
	} {
		if err := writePNG(filepath.Join(*outDir, name), img); err != nil {
			fmt.Fprintln(stderr, "mandelbrot:", err)
			return 1
		}
	}
	return 0
}

// shade maps an escape count to a brightness: black inside the set
// (count == maxIter), brightest just outside it.
func shade(c byte, maxIter int) float64 {
	top := min(maxIter, 255)
	if int(c) >= top {
		return 0
	}
	return 0.15 + 0.85*math.Sqrt(float64(c)/float64(top))
}

func picture(f *frame) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, f.width, f.height))
	for i, c := range f.counts {
		s := shade(c, f.maxIter)
		img.Set(i%f.width, i/f.width, color.RGBA{uint8(40 * s), uint8(120 * s), uint8(255 * s), 255})
	}
	return img
}

// threadColors are distinct hues for up to eight threads (then repeated).
var threadColors = []color.RGBA{
	{230, 60, 60, 255}, {60, 170, 230, 255}, {90, 200, 90, 255}, {240, 190, 40, 255},
	{170, 90, 220, 255}, {240, 130, 40, 255}, {40, 200, 180, 255}, {220, 90, 170, 255},
}

// ownership colours each pixel by its thread, dimmed by the picture's
// brightness so the set stays visible.
func ownership(f *frame) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, f.width, f.height))
	for i, o := range f.owners {
		c := threadColors[int(o)%len(threadColors)]
		s := 0.35 + 0.65*shade(f.counts[i], f.maxIter)
		if int(f.counts[i]) >= min(f.maxIter, 255) {
			s = 0.25 // inside the set
		}
		img.Set(i%f.width, i/f.width, color.RGBA{uint8(float64(c.R) * s), uint8(float64(c.G) * s), uint8(float64(c.B) * s), 255})
	}
	return img
}

func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
