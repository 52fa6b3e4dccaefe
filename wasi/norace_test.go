//go:build !race

package wasi

// gzipInputSize keeps TestGoGzip at three chunks.
const gzipInputSize = 150_000
