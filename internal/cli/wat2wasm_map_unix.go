//go:build unix

package cli

import (
	"io"
	"os"
	"syscall"
)

// mapMinSize is the size from which wat2wasm maps its input instead of
// reading it: below it a read costs less than setting up a mapping.
const mapMinSize = 1 << 20

// readInputMapped is readInput for wat2wasm's large inputs: a regular file
// of at least mapMinSize bytes is mapped read-only rather than copied into
// a fresh buffer. The pages then come straight from the page cache, many
// per fault (the kernel maps the neighbours of a faulting page too), with
// no zeroing and no copy; reading 97 MB of text otherwise costs 24,000
// faults on fresh heap pages. The parser only reads its input, and nothing
// that outlives the call keeps a slice of it (names and strings are
// copied), so release unmaps it when the tool is done. Anything else, or a
// failed mapping, falls back to readInput.
//
// A file truncated by another process while it is being read faults
// (SIGBUS) on the pages that went away; wat2wasm's caller sets
// debug.SetPanicOnFault so that this becomes an internal error, not a
// crash, on the goroutine that reads the text.
func readInputMapped(name string, stdin io.Reader) (display string, data []byte, release func(), err error) {
	release = func() {}
	if name != stdinName {
		if f, err := os.Open(name); err == nil {
			fi, err := f.Stat()
			if err == nil && fi.Mode().IsRegular() && fi.Size() >= mapMinSize && int64(int(fi.Size())) == fi.Size() {
				b, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
				f.Close()
				if err == nil {
					return name, b, func() { syscall.Munmap(b) }, nil
				}
			} else {
				f.Close()
			}
		}
	}
	display, data, err = readInput(name, stdin)
	return display, data, release, err
}
