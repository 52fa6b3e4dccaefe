//go:build race

package wasi

const raceEnabled = true

// mandelbrotThreads are fewer under the race detector, where the
// interpreter is several times slower.
var mandelbrotThreads = []string{"1", "4"}
