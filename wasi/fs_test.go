package wasi

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// harness calls WASI functions directly, with a private memory as the
// guest's: the unit tests of the fd table and the sandbox.
type harness struct {
	t     *testing.T
	sys   *System
	mem   *interp.Memory
	funcs map[string]interp.Extern
	next  uint32 // bump allocator in mem
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	return newHarnessMem(t, cfg, ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}})
}

// newHarnessMem is newHarness with a memory of type mt.
func newHarnessMem(t *testing.T, cfg Config, mt ir.MemoryType) *harness {
	t.Helper()
	sys, err := NewSystem(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	mem, err := interp.NewMemory(mt)
	if err != nil {
		t.Fatal(err)
	}
	sys.SetMemory(mem)
	return &harness{t: t, sys: sys, mem: mem, funcs: sys.Funcs(interp.NewStore()), next: 1024}
}

// alloc reserves n bytes of guest memory (8-aligned).
func (h *harness) alloc(n int) uint32 {
	p := h.next
	h.next += uint32(n+7) &^ 7
	return p
}

// str puts s in guest memory and returns its pointer and length.
func (h *harness) str(s string) (uint32, uint32) {
	p := h.alloc(len(s))
	copy(h.mem.Bytes()[p:], s)
	return p, uint32(len(s))
}

func (h *harness) u32(p uint32) uint32 { return binary.LittleEndian.Uint32(h.mem.Bytes()[p:]) }
func (h *harness) u64(p uint32) uint64 { return binary.LittleEndian.Uint64(h.mem.Bytes()[p:]) }

// call invokes a WASI function; uint32 and int arguments are i32, uint64
// arguments i64. It returns the errno.
func (h *harness) call(name string, args ...any) Errno {
	h.t.Helper()
	return h.callCtx(context.Background(), name, args...)
}

// callCtx is call with a context.
func (h *harness) callCtx(ctx context.Context, name string, args ...any) Errno {
	h.t.Helper()
	f := h.funcs[name].(*interp.Function)
	var vals []interp.Value
	for _, a := range args {
		switch a := a.(type) {
		case int:
			vals = append(vals, interp.I32(int32(a)))
		case uint32:
			vals = append(vals, interp.I32(int32(a)))
		case uint64:
			vals = append(vals, interp.I64(int64(a)))
		default:
			h.t.Fatalf("bad argument %T", a)
		}
	}
	res, err := f.Call(ctx, vals...)
	if err != nil {
		h.t.Fatalf("%s: %v", name, err)
	}
	return Errno(res[0].Int32())
}

// open calls path_open on dirfd and returns the new fd and the errno.
func (h *harness) open(dirfd uint32, path string, oflags uint32, rights uint64, fdflags uint32) (uint32, Errno) {
	p, n := h.str(path)
	out := h.alloc(4)
	e := h.call("path_open", dirfd, lookupFollow, p, n, oflags, rights, uint64(0), fdflags, out)
	return h.u32(out), e
}

// write writes s to fd with fd_write and returns the count.
func (h *harness) write(fd uint32, s string) (uint32, Errno) {
	p, n := h.str(s)
	iov := h.alloc(8)
	binary.LittleEndian.PutUint32(h.mem.Bytes()[iov:], p)
	binary.LittleEndian.PutUint32(h.mem.Bytes()[iov+4:], n)
	out := h.alloc(4)
	e := h.call("fd_write", fd, iov, 1, out)
	return h.u32(out), e
}

// read reads up to n bytes from fd with fd_read.
func (h *harness) read(fd uint32, n int) (string, Errno) {
	buf := h.alloc(n)
	iov := h.alloc(8)
	binary.LittleEndian.PutUint32(h.mem.Bytes()[iov:], buf)
	binary.LittleEndian.PutUint32(h.mem.Bytes()[iov+4:], uint32(n))
	out := h.alloc(4)
	e := h.call("fd_read", fd, iov, 1, out)
	return string(h.mem.Bytes()[buf : buf+h.u32(out)]), e
}

func (h *harness) path(name string, fd uint32, path string) Errno {
	p, n := h.str(path)
	return h.call(name, fd, p, n)
}

const rw = rightFdRead | rightFdWrite

// sandbox makes root/{pub/file.txt, pub/sub/, pub/in -> file.txt,
// pub/out -> ../secret, pub/abs -> /etc/passwd, secret} and preopens pub.
func sandbox(t *testing.T) (*harness, string) {
	root := t.TempDir()
	pub := filepath.Join(root, "pub")
	must(t, os.MkdirAll(filepath.Join(pub, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(pub, "file.txt"), []byte("hello"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "secret"), []byte("secret"), 0o644))
	must(t, os.Symlink("file.txt", filepath.Join(pub, "in")))
	must(t, os.Symlink("../secret", filepath.Join(pub, "out")))
	must(t, os.Symlink("/etc/passwd", filepath.Join(pub, "abs")))
	must(t, os.Symlink("..", filepath.Join(pub, "sub", "up")))
	h := newHarness(t, Config{Dirs: []Dir{{Host: pub, Guest: "/data"}}})
	return h, pub
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSandboxRefusesEscapes(t *testing.T) {
	h, _ := sandbox(t)
	for _, tc := range []struct {
		path string
		want Errno
	}{
		{"../secret", ENOTCAPABLE},
		{"..", ENOTCAPABLE},
		{"sub/../../secret", ENOTCAPABLE},
		{"/etc/passwd", ENOTCAPABLE},
		{"out", ENOTCAPABLE}, // symlink to ../secret
		{"abs", ENOTCAPABLE}, // absolute symlink
		{"sub/up/../secret", ENOTCAPABLE},
		{"in", ESUCCESS}, // symlink inside
		{"sub/../file.txt", ESUCCESS},
		{"missing", ENOENT},
	} {
		fd, e := h.open(3, tc.path, 0, rightFdRead, 0)
		if e != tc.want {
			t.Errorf("path_open(%q) = %v, want %v", tc.path, e, tc.want)
			continue
		}
		if e == ESUCCESS {
			got, e := h.read(fd, 100)
			if e != ESUCCESS || got != "hello" {
				t.Errorf("read %q = %q, %v", tc.path, got, e)
			}
			h.call("fd_close", fd)
		}
	}
	// Creating through an escaping path must fail too, and create nothing.
	if _, e := h.open(3, "../created", oflagCreat, rw, 0); e != ENOTCAPABLE {
		t.Errorf("create ../created = %v", e)
	}
	if e := h.path("path_create_directory", 3, "../newdir"); e != ENOTCAPABLE {
		t.Errorf("mkdir ../newdir = %v", e)
	}
	if e := h.path("path_unlink_file", 3, "../secret"); e != ENOTCAPABLE {
		t.Errorf("unlink ../secret = %v", e)
	}
	// A subdirectory fd is a sandbox of its own: ".." from it is refused.
	sub, e := h.open(3, "sub", oflagDirectory, rightFdRead, 0)
	if e != ESUCCESS {
		t.Fatalf("open sub: %v", e)
	}
	if _, e := h.open(sub, "../file.txt", 0, rightFdRead, 0); e != ENOTCAPABLE {
		t.Errorf("sub/../file.txt from the sub fd = %v", e)
	}
	// Absolute symlink targets are refused at creation.
	p, n := h.str("/etc/passwd")
	q, m := h.str("new-abs")
	if e := h.call("path_symlink", p, n, 3, q, m); e != EPERM {
		t.Errorf("symlink to an absolute path = %v", e)
	}
}

func TestFiles(t *testing.T) {
	h, pub := sandbox(t)

	// prestat names the preopen as configured.
	buf := h.alloc(8)
	if e := h.call("fd_prestat_get", 3, buf); e != ESUCCESS || h.u32(buf+4) != 5 {
		t.Fatalf("fd_prestat_get = %v, len %d", e, h.u32(buf+4))
	}
	name := h.alloc(5)
	if e := h.call("fd_prestat_dir_name", 3, name, 5); e != ESUCCESS || string(h.mem.Bytes()[name:name+5]) != "/data" {
		t.Fatalf("fd_prestat_dir_name = %v", e)
	}
	if e := h.call("fd_prestat_get", 4, buf); e != EBADF {
		t.Fatalf("fd_prestat_get(4) = %v, want badf (end of preopens)", e)
	}

	// Create, write, seek, read, pread, pwrite, tell, size.
	fd, e := h.open(3, "new.txt", oflagCreat|oflagExcl, rw, 0)
	if e != ESUCCESS {
		t.Fatalf("create: %v", e)
	}
	if fd != 4 {
		t.Errorf("new fd = %d, want 4 (lowest free)", fd)
	}
	if n, e := h.write(fd, "hello, world"); e != ESUCCESS || n != 12 {
		t.Fatalf("write = %d, %v", n, e)
	}
	out := h.alloc(8)
	if e := h.call("fd_seek", fd, uint64(7), whenceSet, out); e != ESUCCESS || h.u64(out) != 7 {
		t.Fatalf("seek = %v %d", e, h.u64(out))
	}
	if s, e := h.read(fd, 100); e != ESUCCESS || s != "world" {
		t.Fatalf("read after seek = %q %v", s, e)
	}
	if e := h.call("fd_tell", fd, out); e != ESUCCESS || h.u64(out) != 12 {
		t.Fatalf("tell = %v %d", e, h.u64(out))
	}
	// pwrite then pread at offsets, position unchanged.
	p, n := h.str("HELLO")
	iov := h.alloc(8)
	binary.LittleEndian.PutUint32(h.mem.Bytes()[iov:], p)
	binary.LittleEndian.PutUint32(h.mem.Bytes()[iov+4:], n)
	if e := h.call("fd_pwrite", fd, iov, 1, uint64(0), out); e != ESUCCESS || h.u32(out) != 5 {
		t.Fatalf("pwrite = %v", e)
	}
	rb := h.alloc(16)
	binary.LittleEndian.PutUint32(h.mem.Bytes()[iov:], rb)
	binary.LittleEndian.PutUint32(h.mem.Bytes()[iov+4:], 16)
	if e := h.call("fd_pread", fd, iov, 1, uint64(0), out); e != ESUCCESS || string(h.mem.Bytes()[rb:rb+h.u32(out)]) != "HELLO, world" {
		t.Fatalf("pread = %v %q", e, h.mem.Bytes()[rb:rb+h.u32(out)])
	}
	if e := h.call("fd_filestat_set_size", fd, uint64(5)); e != ESUCCESS {
		t.Fatalf("set_size = %v", e)
	}
	st := h.alloc(64)
	if e := h.call("fd_filestat_get", fd, st); e != ESUCCESS || h.u64(st+32) != 5 || h.mem.Bytes()[st+16] != fileRegular {
		t.Fatalf("filestat = %v size %d type %d", e, h.u64(st+32), h.mem.Bytes()[st+16])
	}
	if e := h.call("fd_sync", fd); e != ESUCCESS {
		t.Fatalf("sync = %v", e)
	}
	if e := h.call("fd_datasync", fd); e != ESUCCESS {
		t.Fatalf("datasync = %v", e)
	}
	fdstat := h.alloc(24)
	if e := h.call("fd_fdstat_get", fd, fdstat); e != ESUCCESS || h.mem.Bytes()[fdstat] != fileRegular {
		t.Fatalf("fdstat = %v", e)
	}
	if e := h.call("fd_fdstat_set_flags", fd, fdflagNonblock); e != ESUCCESS {
		t.Fatalf("set nonblock = %v", e)
	}
	if e := h.call("fd_close", fd); e != ESUCCESS {
		t.Fatalf("close = %v", e)
	}
	if e := h.call("fd_close", fd); e != EBADF {
		t.Fatalf("second close = %v", e)
	}
	if got, _ := os.ReadFile(filepath.Join(pub, "new.txt")); string(got) != "HELLO" {
		t.Fatalf("host sees %q", got)
	}
	if _, e := h.open(3, "new.txt", oflagCreat|oflagExcl, rw, 0); e != EEXIST {
		t.Fatalf("exclusive create of an existing file = %v", e)
	}

	// Append mode.
	fd, _ = h.open(3, "new.txt", 0, rw, fdflagAppend)
	h.write(fd, "!")
	h.call("fd_close", fd)
	if got, _ := os.ReadFile(filepath.Join(pub, "new.txt")); string(got) != "HELLO!" {
		t.Fatalf("append: host sees %q", got)
	}

	// Directories: create, stat, list, rename, remove.
	if e := h.path("path_create_directory", 3, "d"); e != ESUCCESS {
		t.Fatalf("mkdir = %v", e)
	}
	if e := h.path("path_create_directory", 3, "d"); e != EEXIST {
		t.Fatalf("mkdir again = %v", e)
	}
	pp, pn := h.str("d")
	if e := h.call("path_filestat_get", 3, lookupFollow, pp, pn, st); e != ESUCCESS || h.mem.Bytes()[st+16] != fileDirectory {
		t.Fatalf("path_filestat_get(d) = %v", e)
	}
	pp, pn = h.str("in")
	if e := h.call("path_filestat_get", 3, 0, pp, pn, st); e != ESUCCESS || h.mem.Bytes()[st+16] != fileSymlink {
		t.Fatalf("lstat(in) = %v type %d", e, h.mem.Bytes()[st+16])
	}
	op, on := h.str("new.txt")
	np, nn := h.str("d/moved.txt")
	if e := h.call("path_rename", 3, op, on, 3, np, nn); e != ESUCCESS {
		t.Fatalf("rename = %v", e)
	}
	if e := h.path("path_remove_directory", 3, "d"); e != ENOTEMPTY {
		t.Fatalf("rmdir non-empty = %v", e)
	}
	if e := h.path("path_unlink_file", 3, "d"); e != EISDIR {
		t.Fatalf("unlink dir = %v", e)
	}
	if e := h.path("path_remove_directory", 3, "file.txt"); e != ENOTDIR {
		t.Fatalf("rmdir file = %v", e)
	}
	names := h.readdir(t, 3)
	want := ". .. abs d file.txt in out sub"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("readdir = %q, want %q", got, want)
	}
	if e := h.path("path_unlink_file", 3, "d/moved.txt"); e != ESUCCESS {
		t.Fatalf("unlink = %v", e)
	}
	if e := h.path("path_remove_directory", 3, "d"); e != ESUCCESS {
		t.Fatalf("rmdir = %v", e)
	}
	if _, err := os.Stat(filepath.Join(pub, "d")); !os.IsNotExist(err) {
		t.Fatalf("d still exists: %v", err)
	}
	// Errors map to errno values.
	if e := h.call("fd_seek", 1, uint64(0), whenceSet, out); e != ESPIPE {
		t.Errorf("seek on stdout = %v", e)
	}
	if e := h.call("fd_read", 99, iov, 1, out); e != EBADF {
		t.Errorf("read of a closed fd = %v", e)
	}
	if _, e := h.open(3, "file.txt", oflagDirectory, rightFdRead, 0); e != ENOTDIR {
		t.Errorf("open file as directory = %v", e)
	}
	if _, e := h.read(3, 10); e != EISDIR {
		t.Errorf("read a directory = %v", e)
	}
	// Bad pointers are EFAULT, never a crash.
	if e := h.call("fd_write", 1, uint32(0xfffffff0), 1, out); e != EFAULT {
		t.Errorf("bad iovec = %v", e)
	}
	if e := h.call("sock_accept", 3, 0, out); e != ENOSYS {
		t.Errorf("sock_accept = %v", e)
	}
}

// readdir lists a directory fd with a small buffer, so entries are cut and
// resumed by cookie.
func (h *harness) readdir(t *testing.T, fd uint32) []string {
	var names []string
	cookie := uint64(0)
	for {
		const size = 40
		buf := h.alloc(size)
		used := h.alloc(4)
		if e := h.call("fd_readdir", fd, buf, size, cookie, used); e != ESUCCESS {
			t.Fatalf("readdir = %v", e)
		}
		b := h.mem.Bytes()[buf : buf+h.u32(used)]
		progressed := false
		for len(b) >= direntSize {
			n := binary.LittleEndian.Uint32(b[16:])
			if len(b) < direntSize+int(n) {
				break // cut: resume from this entry's cookie
			}
			names = append(names, string(b[direntSize:direntSize+int(n)]))
			cookie = binary.LittleEndian.Uint64(b)
			b = b[direntSize+int(n):]
			progressed = true
		}
		if h.u32(used) < size {
			return sortedTail(names)
		}
		if !progressed {
			t.Fatal("readdir buffer too small for one entry")
		}
	}
}

// sortedTail sorts the entries after "." and "..", whose order is the
// host's.
func sortedTail(names []string) []string {
	tail := append([]string(nil), names[2:]...)
	for i := range tail {
		for j := i + 1; j < len(tail); j++ {
			if tail[j] < tail[i] {
				tail[i], tail[j] = tail[j], tail[i]
			}
		}
	}
	return append(names[:2:2], tail...)
}

func TestStdioArgsEnvClock(t *testing.T) {
	var out bytes.Buffer
	h := newHarness(t, Config{
		Args:   []string{"prog", "a b"},
		Env:    []string{"X=1"},
		Stdin:  strings.NewReader("input"),
		Stdout: &out,
	})
	if s, e := h.read(0, 100); e != ESUCCESS || s != "input" {
		t.Fatalf("stdin = %q %v", s, e)
	}
	if s, e := h.read(0, 100); e != ESUCCESS || s != "" {
		t.Fatalf("stdin at EOF = %q %v", s, e)
	}
	if _, e := h.write(1, "out\n"); e != ESUCCESS || out.String() != "out\n" {
		t.Fatalf("stdout = %q %v", out.String(), e)
	}
	if _, e := h.write(2, "discarded"); e != ESUCCESS {
		t.Fatalf("stderr to nil writer = %v", e)
	}
	if _, e := h.write(0, "x"); e != EBADF {
		t.Fatalf("write to stdin = %v", e)
	}
	cnt, size := h.alloc(4), h.alloc(4)
	h.call("args_sizes_get", cnt, size)
	if h.u32(cnt) != 2 || h.u32(size) != 9 {
		t.Fatalf("args sizes = %d %d", h.u32(cnt), h.u32(size))
	}
	argv, buf := h.alloc(8), h.alloc(8)
	h.call("args_get", argv, buf)
	if p := h.u32(argv + 4); string(h.mem.Bytes()[p:p+4]) != "a b\x00" {
		t.Fatalf("argv[1] = %q", h.mem.Bytes()[p:p+4])
	}
	h.call("environ_sizes_get", cnt, size)
	if h.u32(cnt) != 1 || h.u32(size) != 4 {
		t.Fatalf("environ sizes = %d %d", h.u32(cnt), h.u32(size))
	}
	ts := h.alloc(8)
	if e := h.call("clock_time_get", 0, uint64(1), ts); e != ESUCCESS || h.u64(ts) < 1_600_000_000_000_000_000 {
		t.Fatalf("realtime = %v %d", e, h.u64(ts))
	}
	if e := h.call("clock_res_get", 1, ts); e != ESUCCESS || h.u64(ts) == 0 {
		t.Fatalf("res = %v", e)
	}
	if e := h.call("clock_time_get", 9, uint64(1), ts); e != EINVAL {
		t.Fatalf("bad clock = %v", e)
	}
	rnd := h.alloc(32)
	if e := h.call("random_get", rnd, 32); e != ESUCCESS || bytes.Equal(h.mem.Bytes()[rnd:rnd+32], make([]byte, 32)) {
		t.Fatalf("random_get = %v", e)
	}
	if e := h.call("sched_yield"); e != ESUCCESS {
		t.Fatalf("sched_yield = %v", e)
	}
	// poll_oneoff: a 1ms relative clock fires; an fd subscription is ready.
	subs := h.alloc(2 * subSize)
	evs := h.alloc(2 * eventSize)
	nev := h.alloc(4)
	m := h.mem.Bytes()
	binary.LittleEndian.PutUint64(m[subs:], 42)
	m[subs+8] = eventClock
	binary.LittleEndian.PutUint32(m[subs+16:], clockMonotonic)
	binary.LittleEndian.PutUint64(m[subs+24:], 1_000_000)
	if e := h.call("poll_oneoff", subs, evs, 1, nev); e != ESUCCESS || h.u32(nev) != 1 || h.u64(evs) != 42 {
		t.Fatalf("poll clock = %v n=%d userdata=%d", e, h.u32(nev), h.u64(evs))
	}
	// The clock now an hour, so that only stdin (at EOF) is ready however
	// slowly this runs.
	binary.LittleEndian.PutUint64(m[subs+24:], 3600e9)
	binary.LittleEndian.PutUint64(m[subs+subSize:], 7)
	m[subs+subSize+8] = eventFdRead
	binary.LittleEndian.PutUint32(m[subs+subSize+16:], 0)
	if e := h.call("poll_oneoff", subs, evs, 2, nev); e != ESUCCESS || h.u32(nev) != 1 || h.u64(evs) != 7 {
		t.Fatalf("poll fd = %v n=%d userdata=%d", e, h.u32(nev), h.u64(evs))
	}
	if _, err := NewSystem(Config{Env: []string{"novalue"}}); err == nil {
		t.Fatal("environment entry without '=' accepted")
	}
}

// countWriter counts what it is given.
type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// TestTransferLimits: a guest cannot make the host allocate without bound:
// too many iovecs is EINVAL, too many bytes is a short write.
func TestTransferLimits(t *testing.T) {
	var w countWriter
	h := newHarness(t, Config{Stdout: &w})
	iov := h.alloc(8 * 1024)
	m := h.mem.Bytes()
	for i := 0; i < 1024; i++ {
		// every iovec covers the whole 64 KiB memory: 64 MiB asked for
		binary.LittleEndian.PutUint32(m[iov+8*uint32(i):], 0)
		binary.LittleEndian.PutUint32(m[iov+8*uint32(i)+4:], 65536)
	}
	out := h.alloc(4)
	if e := h.call("fd_write", 1, iov, 1025, out); e != EINVAL {
		t.Fatalf("1025 iovecs = %v, want inval", e)
	}
	if e := h.call("fd_write", 1, iov, 1024, out); e != ESUCCESS || h.u32(out) != maxTransfer || w.n != maxTransfer {
		t.Fatalf("64 MiB write = %v, wrote %d (writer saw %d), want a short write of %d", e, h.u32(out), w.n, maxTransfer)
	}
}

// TestLinksTimesRenumber covers the remaining path and fd calls.
func TestLinksTimesRenumber(t *testing.T) {
	h, pub := sandbox(t)
	// symlink + readlink
	p, n := h.str("file.txt")
	q, m := h.str("link")
	if e := h.call("path_symlink", p, n, 3, q, m); e != ESUCCESS {
		t.Fatalf("symlink = %v", e)
	}
	buf, used := h.alloc(64), h.alloc(4)
	if e := h.call("path_readlink", 3, q, m, buf, 64, used); e != ESUCCESS || string(h.mem.Bytes()[buf:buf+h.u32(used)]) != "file.txt" {
		t.Fatalf("readlink = %v %q", e, h.mem.Bytes()[buf:buf+h.u32(used)])
	}
	// opening a symlink without SYMLINK_FOLLOW is ELOOP
	out := h.alloc(4)
	if e := h.call("path_open", 3, 0, q, m, 0, uint64(rightFdRead), uint64(0), 0, out); e != ELOOP {
		t.Fatalf("open symlink nofollow = %v", e)
	}
	// hard link
	r, k := h.str("hard.txt")
	if e := h.call("path_link", 3, 0, p, n, 3, r, k); e != ESUCCESS {
		t.Fatalf("link = %v", e)
	}
	if got, _ := os.ReadFile(filepath.Join(pub, "hard.txt")); string(got) != "hello" {
		t.Fatalf("hard link reads %q", got)
	}
	// linking or renaming across directory fds is EXDEV
	sub, _ := h.open(3, "sub", oflagDirectory, rightFdRead, 0)
	if e := h.call("path_link", 3, 0, p, n, sub, r, k); e != EXDEV {
		t.Fatalf("cross-fd link = %v", e)
	}
	// times: set mtime through a path and through an fd
	if e := h.call("path_filestat_set_times", 3, lookupFollow, r, k, uint64(0), uint64(2_000_000_000_000_000_000), fstMtim); e != ESUCCESS {
		t.Fatalf("path_filestat_set_times = %v", e)
	}
	if fi, _ := os.Stat(filepath.Join(pub, "hard.txt")); fi.ModTime().UnixNano() != 2_000_000_000_000_000_000 {
		t.Fatalf("mtime = %v", fi.ModTime())
	}
	fd, _ := h.open(3, "hard.txt", 0, rw, 0)
	if e := h.call("fd_filestat_set_times", fd, uint64(0), uint64(1_000_000_000_000_000_000), fstMtim); e != ESUCCESS {
		t.Fatalf("fd_filestat_set_times = %v", e)
	}
	if fi, _ := os.Stat(filepath.Join(pub, "hard.txt")); fi.ModTime().UnixNano() != 1_000_000_000_000_000_000 {
		t.Fatalf("mtime = %v", fi.ModTime())
	}
	if e := h.call("fd_filestat_set_times", fd, uint64(0), uint64(0), fstMtim|fstMtimNow); e != EINVAL {
		t.Fatalf("MTIM with MTIM_NOW = %v", e)
	}
	if e := h.call("fd_advise", fd, uint64(0), uint64(0), 1); e != ESUCCESS {
		t.Fatalf("fd_advise = %v", e)
	}
	if e := h.call("fd_fdstat_set_rights", fd, uint64(0), uint64(0)); e != ESUCCESS {
		t.Fatalf("fd_fdstat_set_rights = %v", e)
	}
	// renumber: fd takes sub's number, sub's old file is closed
	if e := h.call("fd_renumber", fd, sub); e != ESUCCESS {
		t.Fatalf("renumber = %v", e)
	}
	if e := h.call("fd_close", fd); e != EBADF {
		t.Fatalf("old number still open: %v", e)
	}
	if s, e := h.read(sub, 10); e != ESUCCESS || s != "hello" {
		t.Fatalf("read renumbered fd = %q %v", s, e)
	}
	if e := h.call("fd_renumber", 99, sub); e != EBADF {
		t.Fatalf("renumber closed fd = %v", e)
	}
}

// TestRandomCallsNeverCrash calls every WASI function with random
// arguments, over a memory of random bytes: each call must return an
// errno (never trap, panic or hang), and the host outside the sandbox must
// stay untouched.
func TestRandomCallsNeverCrash(t *testing.T) {
	h, _ := sandbox(t)
	outside := filepath.Dir(h.sys.cfg.Dirs[0].Host) // holds pub and secret
	before, _ := os.ReadDir(outside)
	rng := rand.New(rand.NewPCG(3, 4))
	m := h.mem.Bytes()
	var names []string
	for name := range h.sys.functions() {
		names = append(names, name)
	}
	sort.Strings(names)
	for i := 0; i < 3000; i++ {
		if i%100 == 0 {
			for j := range m {
				m[j] = byte(rng.IntN(256))
			}
		}
		name := names[rng.IntN(len(names))]
		f := h.funcs[name].(*interp.Function)
		args := make([]interp.Value, len(f.Type().Params))
		for k, pt := range f.Type().Params {
			var v uint64
			switch rng.IntN(4) {
			case 0:
				v = uint64(rng.IntN(8)) // small: fds, flags
			case 1:
				v = uint64(rng.IntN(65536)) // in-memory pointers
			case 2:
				v = uint64(rng.IntN(64)) // small lengths
			default:
				v = rng.Uint64()
			}
			if pt == ir.I32 {
				args[k] = interp.I32(int32(v))
			} else {
				args[k] = interp.I64(int64(v))
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		res, err := f.Call(ctx, args...)
		expired := ctx.Err() != nil
		cancel()
		if err != nil && expired && strings.HasPrefix(err.Error(), "interrupted") {
			// On a loaded machine the deadline can pass before the
			// interpreter enters the call, which it then refuses.
			continue
		}
		if err != nil {
			t.Fatalf("%s%v: %v", name, args, err)
		}
		if len(res) != 1 {
			t.Fatalf("%s: %d results", name, len(res))
		}
	}
	after, _ := os.ReadDir(outside)
	if len(after) != len(before) {
		t.Fatalf("entries next to the sandbox changed: %d -> %d", len(before), len(after))
	}
	if b, err := os.ReadFile(filepath.Join(outside, "secret")); err != nil || string(b) != "secret" {
		t.Fatalf("the file outside the sandbox changed: %q %v", b, err)
	}
}

// TestPollStdin: an fd_read subscription on stdin is ready only when data
// (or EOF) is there; until then the clock decides.
func TestPollStdin(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	h := newHarness(t, Config{Stdin: pr})
	subs, evs, nev := h.alloc(2*subSize), h.alloc(2*eventSize), h.alloc(4)
	m := h.mem.Bytes()
	// sub 0: fd_read on stdin (userdata 1); sub 1: 5ms clock (userdata 2)
	binary.LittleEndian.PutUint64(m[subs:], 1)
	m[subs+8] = eventFdRead
	binary.LittleEndian.PutUint32(m[subs+16:], 0)
	binary.LittleEndian.PutUint64(m[subs+subSize:], 2)
	m[subs+subSize+8] = eventClock
	binary.LittleEndian.PutUint32(m[subs+subSize+16:], clockMonotonic)
	binary.LittleEndian.PutUint64(m[subs+subSize+24:], 5_000_000)
	if e := h.call("poll_oneoff", subs, evs, 2, nev); e != ESUCCESS || h.u32(nev) != 1 || h.u64(evs) != 2 {
		t.Fatalf("no input: %v, %d events, first userdata %d; want only the clock", e, h.u32(nev), h.u64(evs))
	}
	go pw.Write([]byte("data"))
	// stdin alone, no timeout: waits for the data
	if e := h.call("poll_oneoff", subs, evs, 1, nev); e != ESUCCESS || h.u32(nev) != 1 || h.u64(evs) != 1 {
		t.Fatalf("with input: %v, %d events, userdata %d", e, h.u32(nev), h.u64(evs))
	}
	if s, e := h.read(0, 100); e != ESUCCESS || s != "data" {
		t.Fatalf("read after poll = %q %v", s, e)
	}
	pw.Close()
	if e := h.call("poll_oneoff", subs, evs, 1, nev); e != ESUCCESS || h.u32(nev) != 1 {
		t.Fatalf("at EOF: %v, %d events", e, h.u32(nev))
	}
	if s, e := h.read(0, 100); e != ESUCCESS || s != "" {
		t.Fatalf("read at EOF = %q %v", s, e)
	}
}
