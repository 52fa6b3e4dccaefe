package wasi

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"syscall"
)

// Errno is a WASI preview 1 error number (the witx "errno" enum).
type Errno uint16

// The errno values guests see (wasi_snapshot_preview1's numbering, which is
// not the host's).
const (
	ESUCCESS     Errno = 0
	E2BIG        Errno = 1
	EACCES       Errno = 2
	EAGAIN       Errno = 6
	EBADF        Errno = 8
	EBUSY        Errno = 10
	ECANCELED    Errno = 11
	EEXIST       Errno = 20
	EFAULT       Errno = 21
	EFBIG        Errno = 22
	EINTR        Errno = 27
	EINVAL       Errno = 28
	EIO          Errno = 29
	EISDIR       Errno = 31
	ELOOP        Errno = 32
	EMFILE       Errno = 33
	EMLINK       Errno = 34
	ENAMETOOLONG Errno = 37
	ENFILE       Errno = 41
	ENODEV       Errno = 43
	ENOENT       Errno = 44
	ENOMEM       Errno = 48
	ENOSPC       Errno = 51
	ENOSYS       Errno = 52
	ENOTDIR      Errno = 54
	ENOTEMPTY    Errno = 55
	ENOTSUP      Errno = 58
	ENOTTY       Errno = 59
	ENXIO        Errno = 60
	EOVERFLOW    Errno = 61
	EPERM        Errno = 63
	EPIPE        Errno = 64
	ERANGE       Errno = 68
	EROFS        Errno = 69
	ESPIPE       Errno = 70
	ETIMEDOUT    Errno = 73
	ETXTBSY      Errno = 74
	EXDEV        Errno = 75
	ENOTCAPABLE  Errno = 76
)

var errnoNames = map[Errno]string{
	ESUCCESS: "success", E2BIG: "2big", EACCES: "acces", EAGAIN: "again", EBADF: "badf",
	EBUSY: "busy", ECANCELED: "canceled", EEXIST: "exist", EFAULT: "fault", EFBIG: "fbig",
	EINTR: "intr", EINVAL: "inval", EIO: "io", EISDIR: "isdir", ELOOP: "loop", EMFILE: "mfile",
	EMLINK: "mlink", ENAMETOOLONG: "nametoolong", ENFILE: "nfile", ENODEV: "nodev",
	ENOENT: "noent", ENOMEM: "nomem", ENOSPC: "nospc", ENOSYS: "nosys", ENOTDIR: "notdir",
	ENOTEMPTY: "notempty", ENOTSUP: "notsup", ENOTTY: "notty", ENXIO: "nxio",
	EOVERFLOW: "overflow", EPERM: "perm", EPIPE: "pipe", ERANGE: "range", EROFS: "rofs",
	ESPIPE: "spipe", ETIMEDOUT: "timedout", ETXTBSY: "txtbsy", EXDEV: "xdev",
	ENOTCAPABLE: "notcapable",
}

// String returns the witx name ("noent").
func (e Errno) String() string {
	if s, ok := errnoNames[e]; ok {
		return s
	}
	return "errno(" + strconv.Itoa(int(e)) + ")"
}

func (e Errno) Error() string { return "wasi: " + e.String() }

// hostErrnos maps the host's errno values to WASI's. The names exist in
// package syscall on every platform Go supports (Windows invents them), so
// no build tags are needed.
var hostErrnos = map[syscall.Errno]Errno{
	syscall.E2BIG: E2BIG, syscall.EACCES: EACCES, syscall.EAGAIN: EAGAIN,
	syscall.EBADF: EBADF, syscall.EBUSY: EBUSY, syscall.EEXIST: EEXIST,
	syscall.EFAULT: EFAULT, syscall.EFBIG: EFBIG, syscall.EINTR: EINTR,
	syscall.EINVAL: EINVAL, syscall.EIO: EIO, syscall.EISDIR: EISDIR,
	syscall.ELOOP: ELOOP, syscall.EMFILE: EMFILE, syscall.EMLINK: EMLINK,
	syscall.ENAMETOOLONG: ENAMETOOLONG, syscall.ENFILE: ENFILE,
	syscall.ENODEV: ENODEV, syscall.ENOENT: ENOENT, syscall.ENOMEM: ENOMEM,
	syscall.ENOSPC: ENOSPC, syscall.ENOSYS: ENOSYS, syscall.ENOTDIR: ENOTDIR,
	syscall.ENOTEMPTY: ENOTEMPTY, syscall.ENOTTY: ENOTTY, syscall.ENXIO: ENXIO,
	syscall.EPERM: EPERM, syscall.EPIPE: EPIPE, syscall.ERANGE: ERANGE,
	syscall.EROFS: EROFS, syscall.ESPIPE: ESPIPE, syscall.ETIMEDOUT: ETIMEDOUT,
	syscall.ETXTBSY: ETXTBSY, syscall.EXDEV: EXDEV,
}

// errnoOf translates a Go error from the os package into a WASI errno.
// os.Root reports an escape from the sandbox with an unexported error whose
// text is stable ("path escapes from parent"); it becomes ENOTCAPABLE.
func errnoOf(err error) Errno {
	if err == nil {
		return ESUCCESS
	}
	var en Errno
	if errors.As(err, &en) {
		return en
	}
	if strings.Contains(err.Error(), "path escapes from parent") {
		return ENOTCAPABLE
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		if e, ok := hostErrnos[se]; ok {
			return e
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ENOENT
	case errors.Is(err, fs.ErrExist):
		return EEXIST
	case errors.Is(err, fs.ErrPermission):
		return EPERM
	case errors.Is(err, fs.ErrClosed):
		return EBADF
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ECANCELED
	case errors.Is(err, io.ErrShortWrite):
		return EIO
	}
	return EIO
}
