//go:build !unix

package cli

import "github.com/rogpeppe/go-internal/testscript"

// mkfifoCmd: scripts guard their FIFO lines with [unix].
func mkfifoCmd(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("mkfifo: no FIFOs on this system")
}
