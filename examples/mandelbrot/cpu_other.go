//go:build !unix

package main

import "time"

// cpuTime is unknown here; the timing line then shows wall time only.
func cpuTime() time.Duration { return 0 }
