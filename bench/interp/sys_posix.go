//go:build linux || darwin

package main

import (
	"syscall"
	"time"
)

// processCPU is this process's user + system time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pageFaultCost touches every page of a fresh 64 MiB anonymous mapping
// once and returns the mean time per 4 KiB page: the first-touch cost that
// a program allocating fresh memory pays (kernel fault, zeroing, and on a
// VM possibly the host's own fault). It differs a lot between machines and
// matters to tools that run without garbage collection.
func pageFaultCost() time.Duration {
	const size = 64 << 20
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return 0
	}
	defer syscall.Munmap(b)
	start := time.Now()
	for i := 0; i < size; i += 4096 {
		b[i] = 1
	}
	return time.Since(start) / (size / 4096)
}
