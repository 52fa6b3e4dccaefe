package cli

import "runtime/debug"

// TuneOneShot configures the Go runtime for a tool that reads one module,
// writes one result and exits: almost everything it allocates (the IR) stays
// live until the end, so collections only cost time. The garbage collector
// runs only when the heap would pass a soft 2 GiB limit. The cmd/ mains of
// wat2wasm, wasm2wat and wasm-validate call it; in-process tests do not.
func TuneOneShot() {
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(2 << 30)
}
