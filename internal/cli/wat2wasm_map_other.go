//go:build !unix

package cli

import "io"

// readInputMapped reads the input as readInput does (mapping files is
// only done on unix systems).
func readInputMapped(name string, stdin io.Reader) (display string, data []byte, release func(), err error) {
	display, data, err = readInput(name, stdin)
	return display, data, func() {}, err
}
