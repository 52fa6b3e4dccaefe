package wasi

import (
	"os"
	"syscall"
	"time"
	"unsafe"
)

// Timestamps through utimensat(2), which os and syscall do not expose with
// the two things WASI needs: AT_SYMLINK_NOFOLLOW (os.Root.Chtimes always
// follows) and a file descriptor rather than a name (futimens).

// From the Linux UAPI, the same on every architecture; package syscall
// keeps them unexported.
const (
	utimeOmit         = 1<<30 - 2 // tv_nsec: leave this time unchanged
	atSymlinkNoFollow = 0x100
)

func timespec(t time.Time) syscall.Timespec {
	if t.IsZero() {
		return syscall.Timespec{Nsec: utimeOmit} // leave unchanged, as Chtimes does
	}
	return syscall.NsecToTimespec(t.UnixNano())
}

// utimensat sets the times of path relative to dirfd, or of dirfd itself
// when path is "" (the kernel's futimens).
func utimensat(dirfd uintptr, path string, atim, mtim time.Time, flags int) error {
	ts := [2]syscall.Timespec{timespec(atim), timespec(mtim)}
	var p *byte
	if path != "" {
		var err error
		if p, err = syscall.BytePtrFromString(path); err != nil {
			return err
		}
	}
	_, _, e := syscall.Syscall6(syscall.SYS_UTIMENSAT, dirfd, uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(&ts)), uintptr(flags), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// control runs fn on f's descriptor, kept open meanwhile.
func control(f *os.File, fn func(fd uintptr) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(fd) }); err != nil {
		return err
	}
	return ferr
}

// setFileTimes sets an open file's times: the file itself, whatever has
// become of the name it was opened by.
func setFileTimes(e *fdEntry, atim, mtim time.Time) error {
	return control(e.file, func(fd uintptr) error { return utimensat(fd, "", atim, mtim, 0) })
}

// setTimesNoFollow sets the times of base, a single name component (not
// "." or ".."), in directory dir of root, without following base if it is
// a symlink. dir is opened through root, so it is inside the sandbox, and
// a lone component relative to it cannot lead out.
func setTimesNoFollow(root *os.Root, dir, base string, atim, mtim time.Time) error {
	// O_DIRECTORY: opening a FIFO someone put in dir's place must fail,
	// not block.
	d, err := root.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	return control(d, func(fd uintptr) error {
		return utimensat(fd, base, atim, mtim, atSymlinkNoFollow)
	})
}
