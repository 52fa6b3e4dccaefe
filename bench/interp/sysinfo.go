package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// commit is the repository's HEAD, short, with "-dirty" when the work tree
// has uncommitted changes (tracked files; untracked ones are ignored).
func commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += "-dirty"
	}
	return c
}

// loadAvg is /proc/loadavg's 1, 5 and 15 minute averages ("-" elsewhere).
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "-"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "-"
	}
	return strings.Join(f[:3], " ")
}

// load1 is the one-minute load average (shown before and after each
// program).
func load1() string {
	l := loadAvg()
	first, _, _ := strings.Cut(l, " ")
	return first
}

// cpuModel reads the CPU name from /proc/cpuinfo (Linux), else GOARCH.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func minimum(ds []time.Duration) time.Duration {
	return slices.Min(ds)
}

func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += math.Log(x)
	}
	return math.Exp(s / float64(len(xs)))
}

func secs(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "interp-bench:", err)
		os.Exit(1)
	}
}

// logf reports progress on stderr (the results go to stdout).
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "interp-bench: "+format+"\n", args...)
}
