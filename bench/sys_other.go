//go:build !linux

package main

import "time"

func loadAvg() string                  { return "-" }
func load1() string                    { return "-" }
func thp(string) string                { return "-" }
func cpuMHz() string                   { return "-" }
func pageFaultCost() (d time.Duration) { return d }
func minorFaults() int64               { return 0 }
