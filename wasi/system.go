package wasi

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// ModuleName is the import module of WASI preview 1.
const ModuleName = "wasi_snapshot_preview1"

// firstPreopen is the fd of Config.Dirs[0]; guests find preopens by
// asking fd_prestat_get for 3, 4, … until EBADF.
const firstPreopen = 3

// Config describes the world a guest sees.
type Config struct {
	// Args are the program's arguments, the program name first.
	Args []string
	// Env holds "NAME=VALUE" entries.
	Env []string
	// Stdin, Stdout and Stderr back fds 0, 1 and 2; nil reads nothing and
	// discards output.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Dirs are the preopened directories, fds 3, 4, … in order.
	Dirs []Dir
	// Rand backs random_get; nil means crypto/rand.
	Rand io.Reader
	// Trace, when set, receives one line per WASI call:
	// "wasi: fd_write(i32:1, …) => errno success".
	Trace io.Writer

	// MaxThreads limits the threads a process may have running at once
	// besides its main thread (Run only): thread-spawn beyond it fails
	// with -EAGAIN, as pthread_create does when a process is out of
	// threads, instead of letting a guest grow without bound. 0 means
	// DefaultMaxThreads; it must not be negative.
	MaxThreads int

	// Store is the store to instantiate in (Run only); nil makes a new one.
	Store *interp.Store
	// Imports resolves imports of modules other than WASI's (Run only).
	Imports interp.Imports
}

// Dir is a preopened directory: Host on the host, Guest the name the guest
// sees (fd_prestat_dir_name). The guest cannot reach outside Host.
type Dir struct {
	Host, Guest string
}

// System is the state behind the wasi_snapshot_preview1 functions: args,
// environment, and one fd table shared by every thread of the process.
type System struct {
	cfg Config
	mem atomic.Pointer[interp.Memory]

	mu  sync.Mutex // guards fds
	fds map[uint32]*fdEntry

	traceMu sync.Mutex

	// blocked counts the goroutines running host calls that may block
	// in the kernel (see blocking), abandoned ones included.
	blocked sync.WaitGroup

	// exit ends the process with a status; proc_exit calls it. Run sets it
	// to end every thread; by default it only records the status.
	exit     func(status int32)
	exitCode atomic.Int32
	exited   atomic.Bool
}

// NewSystem opens the preopened directories and sets up fds 0-2. Close
// releases the directories and any files the guest left open.
func NewSystem(cfg Config) (*System, error) {
	if err := validEnv(cfg.Env); err != nil {
		return nil, err
	}
	s := &System{cfg: cfg, fds: map[uint32]*fdEntry{}}
	s.fds[0] = &fdEntry{kind: fileCharDevice, in: newStdinPump(cfg.Stdin), stdio: true, stdin: true}
	s.fds[1] = &fdEntry{kind: fileCharDevice, w: cfg.Stdout, stdio: true}
	s.fds[2] = &fdEntry{kind: fileCharDevice, w: cfg.Stderr, stdio: true}
	for i, d := range cfg.Dirs {
		e, err := openPreopen(d)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.fds[uint32(firstPreopen+i)] = e
	}
	return s, nil
}

// Close closes every open fd.
func (s *System) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for fd, e := range s.fds {
		e.close()
		delete(s.fds, fd)
	}
	return nil
}

// SetMemory binds the memory the WASI functions read and write: the
// imported shared memory of a threads program, or a command's exported
// "memory" once it is instantiated.
func (s *System) SetMemory(m *interp.Memory) { s.mem.Store(m) }

// Exited reports whether proc_exit was called, and with what status.
func (s *System) Exited() (int32, bool) { return s.exitCode.Load(), s.exited.Load() }

// fault is the panic value of an out-of-range guest pointer; the host
// function wrapper turns it into EFAULT.
type fault struct{}

// guest is a view of the bound memory for one host call. Shared memories
// never move, and an unshared one cannot grow during a host call, so one
// Bytes() per call is enough.
type guest struct{ b []byte }

func (s *System) guest() guest {
	m := s.mem.Load()
	if m == nil {
		return guest{}
	}
	return guest{m.Bytes()}
}

func (g guest) slice(p, n uint32) []byte { return g.span(p, uint64(n)) }

// span is slice for lengths computed from guest values (count × element
// size), which can exceed 32 bits. The check is in 64-bit arithmetic: in
// 32 bits, an array running past the end of a 4 GiB memory would wrap
// around to address 0 instead of faulting. Callers check a whole array
// with one span and then index the returned slice, never adding offsets
// to guest addresses themselves.
func (g guest) span(p uint32, n uint64) []byte {
	end := uint64(p) + n
	if n > uint64(len(g.b)) || end > uint64(len(g.b)) {
		panic(fault{})
	}
	return g.b[p:end:end]
}

func (g guest) u8(p uint32) uint8      { return g.slice(p, 1)[0] }
func (g guest) u16(p uint32) uint16    { return binary.LittleEndian.Uint16(g.slice(p, 2)) }
func (g guest) u32(p uint32) uint32    { return binary.LittleEndian.Uint32(g.slice(p, 4)) }
func (g guest) u64(p uint32) uint64    { return binary.LittleEndian.Uint64(g.slice(p, 8)) }
func (g guest) put8(p uint32, v uint8) { g.slice(p, 1)[0] = v }
func (g guest) put16(p uint32, v uint16) {
	binary.LittleEndian.PutUint16(g.slice(p, 2), v)
}
func (g guest) put32(p uint32, v uint32) {
	binary.LittleEndian.PutUint32(g.slice(p, 4), v)
}
func (g guest) put64(p uint32, v uint64) {
	binary.LittleEndian.PutUint64(g.slice(p, 8), v)
}
func (g guest) str(p, n uint32) string { return string(g.slice(p, n)) }

// Limits on one read or write call, so that no guest request can make the
// host allocate without bound: at most maxIovecs buffers (POSIX IOV_MAX),
// and at most maxTransfer bytes, beyond which the transfer is short (as
// POSIX allows).
const (
	maxIovecs   = 1024
	maxTransfer = 16 << 20
)

// iovecs returns the buffers of an iovec array (8 bytes each: pointer,
// length), cut to maxTransfer bytes in all.
func (g guest) iovecs(p, n uint32) ([][]byte, Errno) {
	if n > maxIovecs {
		return nil, EINVAL
	}
	arr := g.slice(p, n*8) // the whole array must be in memory
	out := make([][]byte, 0, n)
	room := maxTransfer
	for i := uint32(0); i < n && room > 0; i++ {
		b := g.slice(binary.LittleEndian.Uint32(arr[8*i:]), binary.LittleEndian.Uint32(arr[8*i+4:]))
		if len(b) > room {
			b = b[:room]
		}
		room -= len(b)
		out = append(out, b)
	}
	return out, ESUCCESS
}

// call is the environment of one host call.
type call struct {
	ctx context.Context
	s   *System
	m   guest
	a   []interp.Value
}

func (c *call) i32(i int) uint32 { return uint32(c.a[i].Lo) }
func (c *call) i64(i int) uint64 { return c.a[i].Lo }

// fn is one WASI function: its wasm signature (parameters; the result is
// always one i32 errno) and implementation.
type fn struct {
	params string // one letter per parameter: i = i32, I = i64
	impl   func(c *call) Errno
}

var (
	i32 = ir.I32
	i64 = ir.I64
)

func (f fn) funcType() ir.FuncType {
	ft := ir.FuncType{Results: []ir.ValType{i32}}
	for _, c := range f.params {
		if c == 'I' {
			ft.Params = append(ft.Params, i64)
		} else {
			ft.Params = append(ft.Params, i32)
		}
	}
	return ft
}

// host wraps impl as an interp host function. A bad guest pointer is
// EFAULT; nothing a guest passes can crash the host.
func (s *System) host(name string, f fn) interp.HostFunc {
	return func(ctx context.Context, args []interp.Value) (res []interp.Value, err error) {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(fault); !ok {
					err = fmt.Errorf("wasi: %s: internal error: %v", name, r)
					return
				}
				res = []interp.Value{interp.I32(int32(EFAULT))}
			}
		}()
		c := &call{ctx: ctx, s: s, m: s.guest(), a: args}
		errno := f.impl(c)
		if s.cfg.Trace != nil {
			s.trace(name, args, errno.String())
		}
		return []interp.Value{interp.I32(int32(errno))}, nil
	}
}

// trace writes one line for a call; the lock keeps threads' lines whole.
func (s *System) trace(name string, args []interp.Value, result string) {
	var b strings.Builder
	b.WriteString("wasi: " + name + "(")
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	b.WriteString(") => " + result + "\n")
	s.traceMu.Lock()
	io.WriteString(s.cfg.Trace, b.String())
	s.traceMu.Unlock()
}

// functions lists every wasi_snapshot_preview1 function by name.
func (s *System) functions() map[string]fn {
	return map[string]fn{
		"args_get":                {"ii", s.argsGet},
		"args_sizes_get":          {"ii", s.argsSizesGet},
		"environ_get":             {"ii", s.environGet},
		"environ_sizes_get":       {"ii", s.environSizesGet},
		"clock_res_get":           {"ii", s.clockResGet},
		"clock_time_get":          {"iIi", s.clockTimeGet},
		"random_get":              {"ii", s.randomGet},
		"sched_yield":             {"", s.schedYield},
		"poll_oneoff":             {"iiii", s.pollOneoff},
		"proc_raise":              {"i", nosys},
		"fd_advise":               {"iIIi", s.fdAdvise},
		"fd_allocate":             {"iII", nosys},
		"fd_close":                {"i", s.fdClose},
		"fd_datasync":             {"i", s.fdSync},
		"fd_sync":                 {"i", s.fdSync},
		"fd_fdstat_get":           {"ii", s.fdFdstatGet},
		"fd_fdstat_set_flags":     {"ii", s.fdFdstatSetFlags},
		"fd_fdstat_set_rights":    {"iII", s.fdFdstatSetRights},
		"fd_filestat_get":         {"ii", s.fdFilestatGet},
		"fd_filestat_set_size":    {"iI", s.fdFilestatSetSize},
		"fd_filestat_set_times":   {"iIIi", s.fdFilestatSetTimes},
		"fd_pread":                {"iiiIi", s.fdPread},
		"fd_pwrite":               {"iiiIi", s.fdPwrite},
		"fd_read":                 {"iiii", s.fdRead},
		"fd_write":                {"iiii", s.fdWrite},
		"fd_prestat_get":          {"ii", s.fdPrestatGet},
		"fd_prestat_dir_name":     {"iii", s.fdPrestatDirName},
		"fd_readdir":              {"iiiIi", s.fdReaddir},
		"fd_renumber":             {"ii", s.fdRenumber},
		"fd_seek":                 {"iIii", s.fdSeek},
		"fd_tell":                 {"ii", s.fdTell},
		"path_create_directory":   {"iii", s.pathCreateDirectory},
		"path_filestat_get":       {"iiiii", s.pathFilestatGet},
		"path_filestat_set_times": {"iiiiIIi", s.pathFilestatSetTimes},
		"path_link":               {"iiiiiii", s.pathLink},
		"path_open":               {"iiiiiIIii", s.pathOpen},
		"path_readlink":           {"iiiiii", s.pathReadlink},
		"path_remove_directory":   {"iii", s.pathRemoveDirectory},
		"path_rename":             {"iiiiii", s.pathRename},
		"path_symlink":            {"iiiii", s.pathSymlink},
		"path_unlink_file":        {"iii", s.pathUnlinkFile},
		"sock_accept":             {"iii", nosys},
		"sock_recv":               {"iiiiii", nosys},
		"sock_send":               {"iiiii", nosys},
		"sock_shutdown":           {"ii", nosys},
	}
}

func nosys(*call) Errno { return ENOSYS }

// Funcs registers the wasi_snapshot_preview1 functions in store and
// returns them by name, proc_exit included.
func (s *System) Funcs(store *interp.Store) map[string]interp.Extern {
	out := map[string]interp.Extern{}
	for name, f := range s.functions() {
		out[name] = store.NewHostFunc(f.funcType(), s.host(name, f))
	}
	out["proc_exit"] = store.NewHostFunc(ir.FuncType{Params: []ir.ValType{i32}}, s.procExit)
	return out
}

// Imports returns the WASI functions as an import map, for instantiating
// a module by hand rather than with Run (bind the memory with SetMemory
// afterwards). Modules importing WASI functions this package does not
// define, or with other signatures, do not link this way; Run links those
// to ENOSYS stubs.
func (s *System) Imports(store *interp.Store) interp.ImportMap {
	return interp.ImportMap{ModuleName: s.Funcs(store)}
}

// StubFunc returns a function of type ft that fails with ENOSYS (or, when
// ft has no i32 result, does nothing): for imports of WASI functions this
// package does not know, so that a module using them still links.
func StubFunc(store *interp.Store, ft ir.FuncType) *interp.Function {
	return store.NewHostFunc(ft, func(ctx context.Context, args []interp.Value) ([]interp.Value, error) {
		res := make([]interp.Value, len(ft.Results))
		for i, t := range ft.Results {
			res[i] = interp.Zero(t)
			if t == ir.I32 {
				res[i] = interp.I32(int32(ENOSYS))
			}
		}
		return res, nil
	})
}

func (s *System) procExit(ctx context.Context, args []interp.Value) ([]interp.Value, error) {
	code := args[0].Int32()
	if s.cfg.Trace != nil {
		s.trace("proc_exit", args, "exit")
	}
	if s.exited.CompareAndSwap(false, true) {
		s.exitCode.Store(code)
	}
	if s.exit != nil {
		s.exit(code)
	}
	return nil, &ir.Error{Kind: ir.Trap, Msg: "exit status " + fmt.Sprint(code)}
}

// stringsSize is the buffer size a string list (argv or environ) needs:
// each string and its NUL.
func stringsSize(list []string) uint64 {
	n := uint64(0)
	for _, a := range list {
		n += uint64(len(a)) + 1
	}
	return n
}

// writeStrings writes a NUL-terminated string list: pointers at ptrs,
// bytes at buf. Both arrays are checked whole before anything is written,
// so a list that does not fit faults without writing part of it (or
// wrapping around 2^32 into the bottom of memory).
func writeStrings(g guest, list []string, ptrs, buf uint32) Errno {
	size := stringsSize(list)
	if size > math.MaxUint32 {
		return EOVERFLOW
	}
	pv := g.span(ptrs, 4*uint64(len(list)))
	bv := g.span(buf, size)
	off := 0
	for i, a := range list {
		// buf+off < buf+size <= 2^32: no wrap.
		binary.LittleEndian.PutUint32(pv[4*i:], buf+uint32(off))
		off += copy(bv[off:], a)
		bv[off] = 0
		off++
	}
	return ESUCCESS
}

// sizes answers args_sizes_get and environ_sizes_get. A list of 4 GiB or
// more cannot be described in a u32 (nor fit in memory): EOVERFLOW, not a
// truncated size.
func sizes(g guest, list []string, countPtr, sizePtr uint32) Errno {
	size := stringsSize(list)
	if size > math.MaxUint32 {
		return EOVERFLOW
	}
	g.put32(countPtr, uint32(len(list)))
	g.put32(sizePtr, uint32(size))
	return ESUCCESS
}

func (s *System) argsGet(c *call) Errno {
	return writeStrings(c.m, s.cfg.Args, c.i32(0), c.i32(1))
}

func (s *System) argsSizesGet(c *call) Errno {
	return sizes(c.m, s.cfg.Args, c.i32(0), c.i32(1))
}

func (s *System) environGet(c *call) Errno {
	return writeStrings(c.m, s.cfg.Env, c.i32(0), c.i32(1))
}

func (s *System) environSizesGet(c *call) Errno {
	return sizes(c.m, s.cfg.Env, c.i32(0), c.i32(1))
}

// validEnv reports whether every entry has the NAME=VALUE shape.
func validEnv(env []string) error {
	for _, e := range env {
		if i := strings.IndexByte(e, '='); i <= 0 {
			return fmt.Errorf("wasi: environment entry %q is not NAME=VALUE", e)
		}
	}
	return nil
}
