//go:build race

package wasi

// gzipInputSize is one chunk under the race detector, where the
// interpreter is several times slower.
const gzipInputSize = 40_000
