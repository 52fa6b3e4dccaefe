package wasi

import (
	"io/fs"
	"os"
	"strings"
)

// Path resolution. Every path a guest passes is relative to a directory fd
// whose *os.Root is the sandbox: os.Root refuses ".." above the root and
// symlinks that lead outside it (ENOTCAPABLE). Absolute paths are refused
// here first.

// dirPath resolves (fd, path) to the directory's root and a clean relative
// name.
func (s *System) dirPath(c *call, fdArg, ptrArg, lenArg int) (*fdEntry, string, Errno) {
	e, errno := s.get(c.i32(fdArg))
	if errno != ESUCCESS {
		return nil, "", errno
	}
	if e.root == nil {
		return nil, "", ENOTDIR
	}
	n := c.i32(lenArg)
	if n > maxPathLen {
		return nil, "", ENAMETOOLONG
	}
	name, errno := cleanPath(c.m.str(c.i32(ptrArg), n))
	return e, name, errno
}

// cleanPath checks a guest path. It stays as the guest wrote it: ".."
// after a symlink means the link target's parent, which only os.Root's
// component-by-component walk gets right (and refuses when it escapes).
func cleanPath(p string) (string, Errno) {
	switch {
	case p == "":
		return "", ENOENT
	case strings.IndexByte(p, 0) >= 0:
		return "", EINVAL
	case strings.HasPrefix(p, "/"):
		return "", ENOTCAPABLE
	}
	return p, ESUCCESS
}

func (s *System) pathOpen(c *call) Errno {
	dir, name, errno := s.dirPath(c, 0, 2, 3)
	if errno != ESUCCESS {
		return errno
	}
	follow := c.i32(1)&lookupFollow != 0
	oflags := c.i32(4)
	rights := c.i64(5)
	fdflags := uint16(c.i32(7))

	if !follow {
		if fi, err := dir.root.Lstat(name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return ELOOP
		}
	}
	fi, statErr := dir.root.Stat(name)
	isDir := statErr == nil && fi.IsDir()
	if oflags&oflagDirectory != 0 {
		if statErr != nil {
			return errnoOf(statErr)
		}
		if !isDir {
			return ENOTDIR
		}
	}
	write := rights&rightFdWrite != 0
	if isDir {
		if oflags&(oflagCreat|oflagExcl) == oflagCreat|oflagExcl {
			return EEXIST
		}
		if oflags&oflagTrunc != 0 {
			return EISDIR
		}
		sub, err := dir.root.OpenRoot(name)
		if err != nil {
			return errnoOf(err)
		}
		f, err := sub.Open(".")
		if err != nil {
			sub.Close()
			return errnoOf(err)
		}
		return s.install(c, &fdEntry{kind: fileDirectory, file: f, root: sub, parent: dir.root, name: name})
	}

	flag := os.O_RDONLY
	switch read := rights&rightFdRead != 0; {
	case write && read:
		flag = os.O_RDWR
	case write:
		flag = os.O_WRONLY
	}
	if oflags&oflagTrunc != 0 && flag == os.O_RDONLY {
		// O_TRUNC needs write access; wasi-libc asks for it with rights.
		flag = os.O_RDWR
	}
	if oflags&oflagCreat != 0 {
		flag |= os.O_CREATE
	}
	if oflags&oflagExcl != 0 {
		flag |= os.O_EXCL
	}
	if oflags&oflagTrunc != 0 {
		flag |= os.O_TRUNC
	}
	if fdflags&fdflagAppend != 0 {
		flag |= os.O_APPEND
	}
	if fdflags&fdflagsSync != 0 {
		flag |= os.O_SYNC
	}
	// Opening a FIFO blocks until its other end is opened: open on a
	// helper the thread can stop waiting for (see blocking). A file opened
	// after the thread gave up is closed by the helper, never installed.
	f, err := blocking(c.ctx, s, func() (*os.File, error) {
		return dir.root.OpenFile(name, flag, 0o666)
	}, func(f *os.File) { f.Close() })
	if err != nil {
		return errnoOf(err)
	}
	kind := uint8(fileRegular)
	if fi, err := f.Stat(); err == nil {
		kind = filetypeOf(fi.Mode())
	}
	e := &fdEntry{kind: kind, file: f, parent: dir.root, name: name}
	e.flags.Store(uint32(fdflags & (fdflagAppend | fdflagNonblock | fdflagsSync)))
	return s.install(c, e)
}

// install adds e to the fd table and stores its number at path_open's
// result pointer.
func (s *System) install(c *call, e *fdEntry) Errno {
	p := c.i32(8)
	c.m.u32(p) // fault before opening a file the guest cannot learn about
	fd, errno := s.add(e)
	if errno != ESUCCESS {
		e.close()
		return errno
	}
	c.m.put32(p, fd)
	return ESUCCESS
}

func (s *System) pathCreateDirectory(c *call) Errno {
	dir, name, errno := s.dirPath(c, 0, 1, 2)
	if errno != ESUCCESS {
		return errno
	}
	return errnoOf(dir.root.Mkdir(name, 0o777))
}

func (s *System) pathFilestatGet(c *call) Errno {
	dir, name, errno := s.dirPath(c, 0, 2, 3)
	if errno != ESUCCESS {
		return errno
	}
	var fi fs.FileInfo
	var err error
	if c.i32(1)&lookupFollow != 0 {
		fi, err = dir.root.Stat(name)
	} else {
		fi, err = dir.root.Lstat(name)
	}
	if err != nil {
		return errnoOf(err)
	}
	putFilestat(c.m, c.i32(4), fi)
	return ESUCCESS
}

func (s *System) pathFilestatSetTimes(c *call) Errno {
	dir, name, errno := s.dirPath(c, 0, 2, 3)
	if errno != ESUCCESS {
		return errno
	}
	atim, mtim, errno := times(c.i64(4), c.i64(5), c.i32(6))
	if errno != ESUCCESS {
		return errno
	}
	// os.Root.Chtimes follows a final symlink; without SYMLINK_FOLLOW the
	// link's own times must change, which needs the final component
	// handled apart. ".", ".." and a trailing slash name directories,
	// never a symlink left unfollowed: os.Root does those.
	if c.i32(1)&lookupFollow == 0 {
		if parent, base, ok := splitLast(name); ok {
			return errnoOf(setTimesNoFollow(dir.root, parent, base, atim, mtim))
		}
	}
	return errnoOf(dir.root.Chtimes(name, atim, mtim))
}

// splitLast splits a guest path into its directory and final component,
// without cleaning (see cleanPath). ok is false when the final component
// is not a plain name: "", "." or "..".
func splitLast(name string) (dir, base string, ok bool) {
	dir, base = ".", name
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dir, base = name[:i], name[i+1:]
	}
	return dir, base, base != "" && base != "." && base != ".."
}

// maxSymlinks bounds the symlinks followed in one lookup, as Linux's
// MAXSYMLINKS: a loop is ELOOP.
const maxSymlinks = 40

// resolveLinks follows name while its final component is a symlink, inside
// root, and returns a path to the same file whose final component is not
// a symlink. Earlier components are left to os.Root, which follows them
// itself and refuses any step outside. An absolute target could only lead
// outside: ENOTCAPABLE.
func resolveLinks(root *os.Root, name string) (string, Errno) {
	for range maxSymlinks {
		fi, err := root.Lstat(name)
		if err != nil {
			return "", errnoOf(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return name, ESUCCESS
		}
		target, err := root.Readlink(name)
		if err != nil {
			return "", errnoOf(err)
		}
		switch {
		case target == "":
			return "", ENOENT
		case strings.HasPrefix(target, "/"):
			return "", ENOTCAPABLE
		}
		// Relative to the link's directory, and not cleaned: ".." after a
		// symlinked directory means that directory's parent.
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			target = name[:i+1] + target
		}
		name = target
	}
	return "", ELOOP
}

// sameRoot resolves the second (fd, path) of path_link and path_rename.
// Both must be in the same directory fd: os.Root has no cross-root
// operations, so other pairs are EXDEV (the guest's libc then copies).
func (s *System) sameRoot(c *call, dir *fdEntry, fdArg, ptrArg, lenArg int) (string, Errno) {
	dir2, name, errno := s.dirPath(c, fdArg, ptrArg, lenArg)
	if errno != ESUCCESS {
		return "", errno
	}
	if dir2 != dir {
		return "", EXDEV
	}
	return name, ESUCCESS
}

func (s *System) pathLink(c *call) Errno {
	dir, oldName, errno := s.dirPath(c, 0, 2, 3)
	if errno != ESUCCESS {
		return errno
	}
	newName, errno := s.sameRoot(c, dir, 4, 5, 6)
	if errno != ESUCCESS {
		return errno
	}
	// os.Root.Link, like linkat without AT_SYMLINK_FOLLOW, links a symlink
	// itself; SYMLINK_FOLLOW asks for the file it leads to.
	if c.i32(1)&lookupFollow != 0 {
		if oldName, errno = resolveLinks(dir.root, oldName); errno != ESUCCESS {
			return errno
		}
	}
	return errnoOf(dir.root.Link(oldName, newName))
}

func (s *System) pathRename(c *call) Errno {
	dir, oldName, errno := s.dirPath(c, 0, 1, 2)
	if errno != ESUCCESS {
		return errno
	}
	newName, errno := s.sameRoot(c, dir, 3, 4, 5)
	if errno != ESUCCESS {
		return errno
	}
	return errnoOf(dir.root.Rename(oldName, newName))
}

func (s *System) pathReadlink(c *call) Errno {
	dir, name, errno := s.dirPath(c, 0, 1, 2)
	if errno != ESUCCESS {
		return errno
	}
	target, err := dir.root.Readlink(name)
	if err != nil {
		return errnoOf(err)
	}
	buf := c.m.slice(c.i32(3), c.i32(4))
	n := copy(buf, target)
	c.m.put32(c.i32(5), uint32(n))
	return ESUCCESS
}

// pathSymlink refuses absolute targets: they could only point outside the
// sandbox (os.Root would refuse to follow them anyway).
func (s *System) pathSymlink(c *call) Errno {
	// The target is a path like any other: limit its length before
	// copying it out of guest memory.
	if c.i32(1) > maxPathLen {
		return ENAMETOOLONG
	}
	old := c.m.str(c.i32(0), c.i32(1))
	dir, name, errno := s.dirPath(c, 2, 3, 4)
	if errno != ESUCCESS {
		return errno
	}
	if old == "" || strings.HasPrefix(old, "/") {
		return EPERM
	}
	return errnoOf(dir.root.Symlink(old, name))
}

func (s *System) pathRemoveDirectory(c *call) Errno {
	dir, name, errno := s.dirPath(c, 0, 1, 2)
	if errno != ESUCCESS {
		return errno
	}
	fi, err := dir.root.Lstat(name)
	if err != nil {
		return errnoOf(err)
	}
	if !fi.IsDir() {
		return ENOTDIR
	}
	if name == "." {
		return EBUSY
	}
	return errnoOf(dir.root.Remove(name))
}

func (s *System) pathUnlinkFile(c *call) Errno {
	dir, name, errno := s.dirPath(c, 0, 1, 2)
	if errno != ESUCCESS {
		return errno
	}
	fi, err := dir.root.Lstat(name)
	if err != nil {
		return errnoOf(err)
	}
	if fi.IsDir() {
		return EISDIR
	}
	return errnoOf(dir.root.Remove(name))
}
