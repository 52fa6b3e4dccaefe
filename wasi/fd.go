package wasi

import (
	"context"
	"encoding/binary"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// File types (witx "filetype").
const (
	fileUnknown     = 0
	fileCharDevice  = 2
	fileDirectory   = 3
	fileRegular     = 4
	fileSymlink     = 7
	fdflagAppend    = 1
	fdflagNonblock  = 4
	fdflagsSync     = 2 | 8 | 16 // dsync, rsync, sync
	allRights       = 1<<30 - 1
	prestatDir      = 0
	direntSize      = 24
	filestatSize    = 64
	fdstatSize      = 24
	whenceSet       = 0
	whenceCur       = 1
	whenceEnd       = 2
	lookupFollow    = 1
	oflagCreat      = 1
	oflagDirectory  = 2
	oflagExcl       = 4
	oflagTrunc      = 8
	rightFdRead     = 1 << 1
	rightFdWrite    = 1 << 6
	fstAtim         = 1
	fstAtimNow      = 2
	fstMtim         = 4
	fstMtimNow      = 8
	maxPathLen      = 4096
	maxOpenFiles    = 1 << 16
	stdinReadChunk  = 64 << 10
	direntNameLimit = 1 << 16
)

// fdEntry is one open file descriptor.
type fdEntry struct {
	kind  uint8
	flags atomic.Uint32 // fdflags; threads may change them concurrently

	stdio bool
	stdin bool       // stdio entry that reads
	in    *stdinPump // stdio: fd 0
	w     io.Writer  // stdio: fds 1 and 2

	file *os.File // regular files and directories
	root *os.Root // directories: the sandbox their paths resolve in

	// parent and name locate the file by the name it was opened with, for
	// fd_filestat_set_times where the host has no futimens.
	parent *os.Root
	name   string

	preopen bool
	guest   string // preopen name

	mu      sync.Mutex // serialises stdio transfers and readdir state
	dirents []dirent   // fd_readdir snapshot, taken at cookie 0
}

type dirent struct {
	name string
	ino  uint64
	typ  uint8
}

func (e *fdEntry) close() error {
	if e.in != nil {
		e.in.close()
	}
	var err error
	if e.file != nil {
		err = e.file.Close()
	}
	if e.root != nil {
		if rerr := e.root.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

func openPreopen(d Dir) (*fdEntry, error) {
	root, err := os.OpenRoot(d.Host)
	if err != nil {
		return nil, err
	}
	f, err := root.Open(".")
	if err != nil {
		root.Close()
		return nil, err
	}
	guest := d.Guest
	if guest == "" {
		guest = d.Host
	}
	return &fdEntry{kind: fileDirectory, file: f, root: root, preopen: true, guest: guest, parent: root, name: "."}, nil
}

// get looks up an open fd.
func (s *System) get(fd uint32) (*fdEntry, Errno) {
	s.mu.Lock()
	e := s.fds[fd]
	s.mu.Unlock()
	if e == nil {
		return nil, EBADF
	}
	return e, ESUCCESS
}

// add installs e at the lowest free fd, as POSIX does.
func (s *System) add(e *fdEntry) (uint32, Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for fd := uint32(0); fd < maxOpenFiles; fd++ {
		if s.fds[fd] == nil {
			s.fds[fd] = e
			return fd, ESUCCESS
		}
	}
	return 0, EMFILE
}

func (s *System) fdClose(c *call) Errno {
	fd := c.i32(0)
	s.mu.Lock()
	e := s.fds[fd]
	delete(s.fds, fd)
	s.mu.Unlock()
	if e == nil {
		return EBADF
	}
	return errnoOf(e.close())
}

func (s *System) fdRenumber(c *call) Errno {
	from, to := c.i32(0), c.i32(1)
	s.mu.Lock()
	e, old := s.fds[from], s.fds[to]
	if e == nil || old == nil {
		s.mu.Unlock()
		return EBADF
	}
	if from != to {
		s.fds[to] = e
		delete(s.fds, from)
	}
	s.mu.Unlock()
	if from != to {
		old.close()
	}
	return ESUCCESS
}

// writeStdio writes to stdout or stderr on a helper goroutine (see
// blocking), which takes the fd's lock itself, so that a writer that
// blocks (a pipe nobody drains) cannot keep a thread, and so the process,
// from ending. A helper still queued for the lock when the process ends
// writes nothing; a Write already under way when it ends finishes on its
// own.
func (s *System) writeStdio(ctx context.Context, e *fdEntry, buf []byte) (int, error) {
	if e.w == nil {
		return len(buf), nil
	}
	return blocking(ctx, s, func() (int, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if ctx.Err() != nil {
			return 0, ECANCELED
		}
		return e.w.Write(buf)
	}, nil)
}

func (s *System) fdRead(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	iovs, errno := c.m.iovecs(c.i32(1), c.i32(2))
	if errno != ESUCCESS {
		return errno
	}
	total := 0
	for _, iov := range iovs {
		total += len(iov)
	}
	var n int
	switch {
	case e.stdio:
		if !e.stdin {
			return EBADF
		}
		if total == 0 {
			break
		}
		b, err := e.in.read(c.ctx, total)
		for _, iov := range iovs {
			k := copy(iov, b)
			b = b[k:]
			n += k
		}
		if err != nil && err != io.EOF && n == 0 {
			return errnoOf(err)
		}
	case e.kind == fileDirectory:
		return EISDIR
	case e.mayBlock():
		k, err := s.readBlocking(c.ctx, e, iovs, -1)
		if err != nil && k == 0 {
			return errnoOf(err)
		}
		n = k
	default:
		for _, iov := range iovs {
			k, err := e.file.Read(iov)
			n += k
			if err == io.EOF {
				break
			}
			if err != nil {
				if n > 0 {
					break
				}
				return errnoOf(err)
			}
			if k < len(iov) {
				break
			}
		}
	}
	c.m.put32(c.i32(3), uint32(n))
	return ESUCCESS
}

// gather copies the iovecs into one buffer, so a write is one Write call:
// lines written by different threads do not interleave inside a call.
func gather(iovs [][]byte) []byte {
	total := 0
	for _, iov := range iovs {
		total += len(iov)
	}
	buf := make([]byte, 0, total)
	for _, iov := range iovs {
		buf = append(buf, iov...)
	}
	return buf
}

func (s *System) fdWrite(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	iovs, errno := c.m.iovecs(c.i32(1), c.i32(2))
	if errno != ESUCCESS {
		return errno
	}
	buf := gather(iovs)
	var n int
	var err error
	switch {
	case e.stdio:
		if e.stdin {
			return EBADF
		}
		n, err = s.writeStdio(c.ctx, e, buf)
	case e.kind == fileDirectory:
		return EISDIR
	case e.mayBlock():
		n, err = s.writeBlocking(c.ctx, e, buf, -1)
	default:
		n, err = e.file.Write(buf)
	}
	if err != nil && n == 0 {
		return errnoOf(err)
	}
	c.m.put32(c.i32(3), uint32(n))
	return ESUCCESS
}

// seekable returns fd's entry if it is a regular file: stdio is a pipe
// (ESPIPE) and a directory has no byte offset (EISDIR).
func (s *System) seekable(fd uint32) (*fdEntry, Errno) {
	e, errno := s.get(fd)
	if errno != ESUCCESS {
		return nil, errno
	}
	if e.stdio {
		return nil, ESPIPE
	}
	if e.kind == fileDirectory {
		return nil, EISDIR
	}
	return e, ESUCCESS
}

// positioned checks the arguments shared by fd_pread and fd_pwrite
// (fd, iovs, iovs_len, offset): a seekable, non-directory file and a
// non-negative offset.
func (s *System) positioned(c *call) (*fdEntry, [][]byte, int64, Errno) {
	e, errno := s.seekable(c.i32(0))
	if errno != ESUCCESS {
		return nil, nil, 0, errno
	}
	off := int64(c.i64(3))
	if off < 0 {
		return nil, nil, 0, EINVAL
	}
	iovs, errno := c.m.iovecs(c.i32(1), c.i32(2))
	return e, iovs, off, errno
}

func (s *System) fdPread(c *call) Errno {
	e, iovs, off, errno := s.positioned(c)
	if errno != ESUCCESS {
		return errno
	}
	if e.mayBlock() {
		n, err := s.readBlocking(c.ctx, e, iovs, off)
		if err != nil && n == 0 {
			return errnoOf(err)
		}
		c.m.put32(c.i32(4), uint32(n))
		return ESUCCESS
	}
	n := 0
	for _, iov := range iovs {
		k, err := e.file.ReadAt(iov, off+int64(n))
		n += k
		if err == io.EOF || k < len(iov) {
			break
		}
		if err != nil {
			if n > 0 {
				break
			}
			return errnoOf(err)
		}
	}
	c.m.put32(c.i32(4), uint32(n))
	return ESUCCESS
}

func (s *System) fdPwrite(c *call) Errno {
	e, iovs, off, errno := s.positioned(c)
	if errno != ESUCCESS {
		return errno
	}
	buf := gather(iovs)
	if e.flags.Load()&fdflagAppend != 0 {
		// os.File refuses WriteAt in append mode; POSIX appends anyway.
		off = -1
	}
	var n int
	var err error
	switch {
	case e.mayBlock():
		n, err = s.writeBlocking(c.ctx, e, buf, off)
	case off < 0:
		n, err = e.file.Write(buf)
	default:
		n, err = e.file.WriteAt(buf, off)
	}
	if err != nil && n == 0 {
		return errnoOf(err)
	}
	c.m.put32(c.i32(4), uint32(n))
	return ESUCCESS
}

func (s *System) fdSeek(c *call) Errno {
	e, errno := s.seekable(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	var whence int
	switch c.i32(2) {
	case whenceSet:
		whence = io.SeekStart
	case whenceCur:
		whence = io.SeekCurrent
	case whenceEnd:
		whence = io.SeekEnd
	default:
		return EINVAL
	}
	pos, err := e.file.Seek(int64(c.i64(1)), whence)
	if err != nil {
		return errnoOf(err)
	}
	c.m.put64(c.i32(3), uint64(pos))
	return ESUCCESS
}

func (s *System) fdTell(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	if e.stdio {
		return ESPIPE
	}
	pos, err := e.file.Seek(0, io.SeekCurrent)
	if err != nil {
		return errnoOf(err)
	}
	c.m.put64(c.i32(1), uint64(pos))
	return ESUCCESS
}

func (s *System) fdSync(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	if e.file == nil {
		return ESUCCESS
	}
	if err := e.file.Sync(); err != nil && e.kind != fileDirectory {
		return errnoOf(err)
	}
	return ESUCCESS
}

func (s *System) fdAdvise(c *call) Errno {
	_, errno := s.get(c.i32(0))
	if errno == ESUCCESS && c.i32(3) > 5 {
		return EINVAL
	}
	return errno
}

func (s *System) fdFdstatGet(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	p := c.i32(1)
	clear(c.m.slice(p, fdstatSize))
	c.m.put8(p, e.kind)
	c.m.put16(p+2, uint16(e.flags.Load()))
	c.m.put64(p+8, allRights)
	c.m.put64(p+16, allRights)
	return ESUCCESS
}

// fdFdstatSetFlags accepts NONBLOCK (recorded; reads of files never block
// long) and the append flag a file already has; changing append or the
// sync flags after opening is not supported.
func (s *System) fdFdstatSetFlags(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	flags := c.i32(1) & 0xffff
	for {
		old := e.flags.Load()
		if (flags^old)&^fdflagNonblock != 0 && !e.stdio {
			return ENOTSUP
		}
		if e.flags.CompareAndSwap(old, old&^fdflagNonblock|flags&fdflagNonblock) {
			return ESUCCESS
		}
	}
}

func (s *System) fdFdstatSetRights(c *call) Errno {
	_, errno := s.get(c.i32(0))
	return errno
}

func (s *System) fdFilestatGet(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	p := c.i32(1)
	if e.stdio {
		clear(c.m.slice(p, filestatSize))
		c.m.put8(p+16, fileCharDevice)
		return ESUCCESS
	}
	fi, err := e.file.Stat()
	if err != nil {
		return errnoOf(err)
	}
	putFilestat(c.m, p, fi)
	return ESUCCESS
}

func (s *System) fdFilestatSetSize(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	if e.file == nil || e.kind == fileDirectory {
		return EINVAL
	}
	return errnoOf(e.file.Truncate(int64(c.i64(1))))
}

func (s *System) fdFilestatSetTimes(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	if e.file == nil {
		return ENOTSUP // stdio: not a host file
	}
	atim, mtim, errno := times(c.i64(1), c.i64(2), c.i32(3))
	if errno != ESUCCESS {
		return errno
	}
	return errnoOf(setFileTimes(e, atim, mtim))
}

// times turns fd/path_filestat_set_times arguments into Chtimes' (a zero
// time leaves that timestamp unchanged).
func times(atim, mtim uint64, flags uint32) (time.Time, time.Time, Errno) {
	var a, m time.Time
	if flags&fstAtim != 0 && flags&fstAtimNow != 0 || flags&fstMtim != 0 && flags&fstMtimNow != 0 {
		return a, m, EINVAL
	}
	switch {
	case flags&fstAtimNow != 0:
		a = time.Now()
	case flags&fstAtim != 0:
		a = time.Unix(0, int64(atim))
	}
	switch {
	case flags&fstMtimNow != 0:
		m = time.Now()
	case flags&fstMtim != 0:
		m = time.Unix(0, int64(mtim))
	}
	return a, m, ESUCCESS
}

func (s *System) fdPrestatGet(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	if !e.preopen {
		return EBADF
	}
	// The whole struct first: p+4 could wrap past 2^32.
	b := c.m.slice(c.i32(1), 8)
	binary.LittleEndian.PutUint32(b, prestatDir) // tag byte and padding
	binary.LittleEndian.PutUint32(b[4:], uint32(len(e.guest)))
	return ESUCCESS
}

func (s *System) fdPrestatDirName(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	if !e.preopen {
		return EBADF
	}
	buf := c.m.slice(c.i32(1), c.i32(2))
	if len(buf) < len(e.guest) {
		return ENAMETOOLONG
	}
	copy(buf, e.guest)
	return ESUCCESS
}

// fdReaddir lists a directory: "." and ".." first, then the entries in the
// host's order. Cookie k resumes at entry k of a snapshot taken at cookie 0.
// The last entry may be cut short when the buffer fills; bufused == buf_len
// tells the guest to call again.
func (s *System) fdReaddir(c *call) Errno {
	e, errno := s.get(c.i32(0))
	if errno != ESUCCESS {
		return errno
	}
	if e.kind != fileDirectory || e.root == nil {
		return ENOTDIR
	}
	buf := c.m.slice(c.i32(1), c.i32(2))
	cookie := c.i64(3)
	e.mu.Lock()
	defer e.mu.Unlock()
	if cookie == 0 || e.dirents == nil {
		list, err := readDir(e.root)
		if err != nil {
			return errnoOf(err)
		}
		e.dirents = list
	}
	used := 0
	for i := cookie; i < uint64(len(e.dirents)) && used < len(buf); i++ {
		d := e.dirents[i]
		var rec [direntSize]byte
		putLE64(rec[0:], i+1)
		putLE64(rec[8:], d.ino)
		putLE32(rec[16:], uint32(len(d.name)))
		rec[20] = d.typ
		used += copy(buf[used:], rec[:])
		used += copy(buf[used:], d.name)
	}
	c.m.put32(c.i32(4), uint32(used))
	return ESUCCESS
}

func putLE64(b []byte, v uint64) {
	for i := 0; i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
}

func putLE32(b []byte, v uint32) {
	for i := 0; i < 4; i++ {
		b[i] = byte(v >> (8 * i))
	}
}

func readDir(root *os.Root) ([]dirent, error) {
	f, err := root.Open(".")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	list := []dirent{{name: ".", typ: fileDirectory}, {name: "..", typ: fileDirectory}}
	if fi, err := f.Stat(); err == nil {
		list[0].ino = statOf(fi).ino
	}
	for _, de := range ents {
		if len(de.Name()) > direntNameLimit {
			continue
		}
		d := dirent{name: de.Name(), typ: filetypeOf(de.Type())}
		if fi, err := de.Info(); err == nil {
			d.ino = statOf(fi).ino
		}
		list = append(list, d)
	}
	return list, nil
}

func filetypeOf(m fs.FileMode) uint8 {
	switch {
	case m.IsRegular():
		return fileRegular
	case m&fs.ModeDir != 0:
		return fileDirectory
	case m&fs.ModeSymlink != 0:
		return fileSymlink
	case m&fs.ModeCharDevice != 0:
		return fileCharDevice
	case m&fs.ModeDevice != 0:
		return 1 // block device
	case m&fs.ModeSocket != 0:
		return 6 // socket_stream
	}
	return fileUnknown
}

// hostStat is what a filestat needs beyond fs.FileInfo.
type hostStat struct {
	dev, ino, nlink uint64
	atim, ctim      int64
}

func putFilestat(g guest, p uint32, fi fs.FileInfo) {
	st := statOf(fi)
	clear(g.slice(p, filestatSize))
	g.put64(p, st.dev)
	g.put64(p+8, st.ino)
	g.put8(p+16, filetypeOf(fi.Mode()))
	g.put64(p+24, st.nlink)
	g.put64(p+32, uint64(fi.Size()))
	g.put64(p+40, uint64(st.atim))
	g.put64(p+48, uint64(fi.ModTime().UnixNano()))
	g.put64(p+56, uint64(st.ctim))
}
