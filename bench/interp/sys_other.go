//go:build !linux && !darwin

package main

import "time"

// processCPU is unknown here.
func processCPU() time.Duration { return 0 }

// pageFaultCost is unknown here.
func pageFaultCost() time.Duration { return 0 }
