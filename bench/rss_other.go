//go:build !unix

package main

import "os"

// maxRSSKB is unknown off Unix.
func maxRSSKB(*os.ProcessState) int64 { return 0 }
