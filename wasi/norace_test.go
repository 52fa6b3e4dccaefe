//go:build !race

package wasi

const raceEnabled = false

// mandelbrotThreads are the thread counts TestMandelbrot compares.
var mandelbrotThreads = []string{"1", "3", "8"}
