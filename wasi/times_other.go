//go:build !linux

package wasi

import (
	"io/fs"
	"os"
	"path"
	"time"
)

// setFileTimes sets an open file's times by the name it was opened with:
// without utimensat, this is the best os offers.
func setFileTimes(e *fdEntry, atim, mtim time.Time) error {
	if e.parent == nil {
		return ENOTSUP
	}
	return e.parent.Chtimes(e.name, atim, mtim)
}

// setTimesNoFollow sets the times of dir/base unless it is a symlink,
// whose own times os cannot set here (ENOTSUP): it never follows it.
func setTimesNoFollow(root *os.Root, dir, base string, atim, mtim time.Time) error {
	name := path.Join(dir, base)
	fi, err := root.Lstat(name)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return ENOTSUP
	}
	return root.Chtimes(name, atim, mtim)
}
