package main

import (
	"os"
	"strings"
	"syscall"
	"time"
)

// loadAvg is /proc/loadavg's 1, 5 and 15 minute averages.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "-"
	}
	if f := strings.Fields(string(data)); len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "-"
}

// load1 is the one-minute load average.
func load1() string {
	first, _, _ := strings.Cut(loadAvg(), " ")
	return first
}

// thp reads a transparent huge page setting (enabled, defrag): the word
// in brackets.
func thp(name string) string {
	data, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/" + name)
	if err != nil {
		return "-"
	}
	s := string(data)
	if i := strings.IndexByte(s, '['); i >= 0 {
		if j := strings.IndexByte(s[i:], ']'); j > 0 {
			return s[i+1 : i+j]
		}
	}
	return strings.TrimSpace(s)
}

// cpuMHz is the first CPU's current clock from /proc/cpuinfo.
func cpuMHz() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "-"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "cpu MHz" {
			return strings.TrimSpace(v) + " MHz"
		}
	}
	return "-"
}

// pageFaultCost touches every page of a fresh 64 MiB anonymous mapping
// once and returns the mean time per 4 KiB page: the first-touch cost
// (kernel fault and zeroing, and on a VM possibly the host's own fault)
// that a tool running without garbage collection pays for every page it
// allocates. It differs a lot between machines.
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

// minorFaults is this process's minor page faults so far.
func minorFaults() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Minflt
}
