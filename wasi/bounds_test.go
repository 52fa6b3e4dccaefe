package wasi

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// memTop is the size of a full 32-bit memory: 4 GiB, where a guest
// address plus a length can pass 2^32 without leaving memory first.
const memTop = 1 << 32

// bigHarness is a harness over a 4 GiB shared memory (address space only:
// pages are backed when touched) with one preopened directory.
func bigHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	if ^uint(0) == math.MaxUint32 {
		t.Skip("a 4 GiB memory needs a 64-bit host")
	}
	cfg.Dirs = []Dir{{Host: t.TempDir(), Guest: "/d"}}
	mt := ir.MemoryType{Limits: ir.Limits{Min: 65536, Max: 65536, HasMax: true}, Shared: true}
	return newHarnessMem(t, cfg, mt)
}

// guards returns copies of the first and last 64 bytes of memory: a call
// whose addresses wrap around 2^32 writes at the bottom of memory after
// writing (or reading) at the top.
func (h *harness) guards() []byte {
	m := h.mem.Bytes()
	return append(append([]byte(nil), m[:64]...), m[len(m)-64:]...)
}

// TestAddressWrap: a pointer and length that run past the end of a 4 GiB
// memory fault as a whole (EFAULT, nothing written), rather than wrapping
// around to address 0 in 32-bit arithmetic.
func TestAddressWrap(t *testing.T) {
	h := bigHarness(t, Config{Args: []string{"prog", "x"}, Env: []string{"A=1", "B=2"}})
	m := h.mem.Bytes()
	top := func(k uint32) uint32 { return uint32(memTop - uint64(k)) }
	// call makes one call that must fault and write nothing.
	call := func(what, name string, args ...any) {
		t.Helper()
		before := h.guards()
		if got := h.call(name, args...); got != EFAULT {
			t.Errorf("%s = %v, want fault", what, got)
		}
		if !bytes.Equal(h.guards(), before) {
			t.Errorf("%s wrote to memory (wrapped around 2^32?)", what)
		}
	}
	for i := 0; i < 64; i++ {
		m[i], m[len(m)-1-i] = 0xAA, 0xAA
	}

	call("fd_prestat_get at 2^32-4", "fd_prestat_get", 3, top(4))
	// argv: 2 pointers (8 bytes) at 2^32-4; then the strings' buffer
	// ending exactly at 2^32 before "x\0" would wrap to 0.
	call("args_get pointers at 2^32-4", "args_get", top(4), 128)
	call("args_get strings at 2^32-5", "args_get", top(64), top(5))
	call("environ_get pointers at 2^32-4", "environ_get", top(4), 128)
	call("environ_get strings at 2^32-4", "environ_get", top(64), top(4))

	// poll_oneoff: two ready subscriptions (fd_write on stdout).
	sub := func(p uint32) {
		b := m[uint64(p) : uint64(p)+subSize]
		clear(b)
		binary.LittleEndian.PutUint64(b, 9)
		b[8] = eventFdWrite
		binary.LittleEndian.PutUint32(b[16:], 1)
	}
	sub(top(subSize)) // the second one would be read at 0
	nev := uint32(4096)
	call("poll_oneoff subscriptions at 2^32-48", "poll_oneoff", top(subSize), top(64), 2, nev)
	sub(1024)
	sub(1024 + subSize)
	call("poll_oneoff events at 2^32-32", "poll_oneoff", 1024, top(eventSize), 2, nev)
	if t.Failed() {
		// Addresses wrap: what follows would allocate for 2^32 entries.
		t.FailNow()
	}
	// 2^32-1 subscriptions: refused before reading (or allocating for)
	// any of them.
	call("poll_oneoff of 2^32-1 subscriptions", "poll_oneoff", 0, 0, uint32(0xFFFFFFFF), nev)
	call("poll_oneoff of 2^32/48+1 subscriptions", "poll_oneoff", 0, 0, uint32(memTop/subSize+1), nev)
}

// TestArgsSizeOverflow: argument strings totalling 4 GiB or more cannot be
// described by args_sizes_get's u32: EOVERFLOW, not a truncated size.
func TestArgsSizeOverflow(t *testing.T) {
	long := "A=" + strings.Repeat("a", 4093) // 4 KiB with its NUL
	args := make([]string, 1<<20)            // 4 GiB in all, one shared backing string
	for i := range args {
		args[i] = long
	}
	h := newHarness(t, Config{Args: args, Env: args})
	cnt, size := h.alloc(4), h.alloc(4)
	if e := h.call("args_sizes_get", cnt, size); e != EOVERFLOW {
		t.Errorf("args_sizes_get = %v (size %d), want overflow", e, h.u32(size))
	}
	if e := h.call("environ_sizes_get", cnt, size); e != EOVERFLOW {
		t.Errorf("environ_sizes_get = %v (size %d), want overflow", e, h.u32(size))
	}
}

// TestLongSymlinkTarget: path_symlink's target is limited like every other
// path (ENAMETOOLONG), before the host copies it out of guest memory.
func TestLongSymlinkTarget(t *testing.T) {
	h, _ := sandbox(t)
	// Longer than maxPathLen and ending in a NUL: copying it first would
	// give EINVAL (a NUL in a path) instead.
	p, n := h.str(strings.Repeat("a", maxPathLen) + "\x00")
	q, k := h.str("link")
	if e := h.call("path_symlink", p, n, 3, q, k); e != ENAMETOOLONG {
		t.Fatalf("path_symlink with a %d-byte target = %v, want nametoolong", n, e)
	}
	// The whole 4 GiB range of lengths: refused, not read.
	if e := h.call("path_symlink", p, uint32(0xFFFFFFFF), 3, q, k); e != ENAMETOOLONG {
		t.Fatalf("path_symlink with a 4 GiB target = %v, want nametoolong", e)
	}
}

// TestPollManySubscriptions: poll_oneoff reports every ready subscription
// of a large batch, and the host memory it needs does not grow with the
// batch (subscriptions are read from guest memory, not copied).
func TestPollManySubscriptions(t *testing.T) {
	h := newHarness(t, Config{}) // no stdin: always at EOF, so readable
	const n = 400
	subs, evs, nev := h.alloc(n*subSize), h.alloc(n*eventSize), h.alloc(4)
	m := h.mem.Bytes()
	for i := uint32(0); i < n; i++ {
		p := subs + i*subSize
		binary.LittleEndian.PutUint64(m[p:], uint64(i))
		switch i % 4 {
		case 0: // expired relative clock
			m[p+8] = eventClock
			binary.LittleEndian.PutUint32(m[p+16:], clockMonotonic)
		case 1: // stdin at EOF: readable
			m[p+8] = eventFdRead
			binary.LittleEndian.PutUint32(m[p+16:], 0)
		case 2: // bad fd
			m[p+8] = eventFdWrite
			binary.LittleEndian.PutUint32(m[p+16:], 99)
		case 3: // an hour: never fires here
			m[p+8] = eventClock
			binary.LittleEndian.PutUint32(m[p+16:], clockMonotonic)
			binary.LittleEndian.PutUint64(m[p+24:], 3600e9)
		}
	}
	poll := func(k uint32) {
		if e := h.call("poll_oneoff", subs, evs, k, nev); e != ESUCCESS {
			t.Fatalf("poll_oneoff = %v", e)
		}
	}
	poll(n)
	if got := h.u32(nev); got != n/4*3 {
		t.Fatalf("%d events, want %d", got, n/4*3)
	}
	seen := map[uint64]bool{}
	for i := uint32(0); i < h.u32(nev); i++ {
		p := evs + i*eventSize
		u := h.u64(p)
		errno := Errno(binary.LittleEndian.Uint16(m[p+8:]))
		want := ESUCCESS
		if u%4 == 2 {
			want = EBADF
		}
		if u%4 == 3 || seen[u] || errno != want || m[p+10] != m[subs+uint32(u)*subSize+8] {
			t.Fatalf("event %d: userdata %d errno %v type %d", i, u, errno, m[p+10])
		}
		seen[u] = true
	}
	// The arguments are boxed once, outside the measured calls.
	few, many := []any{subs, evs, uint32(8), nev}, []any{subs, evs, uint32(n), nev}
	small := testing.AllocsPerRun(5, func() { h.call("poll_oneoff", few...) })
	large := testing.AllocsPerRun(5, func() { h.call("poll_oneoff", many...) })
	// A little slack for the runtime's own odd allocation (the race
	// detector's); keeping subscriptions costs one per doubling of a
	// slice, a dozen or more here.
	if large > small+3 {
		t.Errorf("poll_oneoff allocates %v times for %d subscriptions, %v for 8", large, n, small)
	}
}

// cancelReader cancels a context on its first Read and counts Reads.
type cancelReader struct {
	cancel context.CancelFunc
	reads  int
}

func (r *cancelReader) Read(p []byte) (int, error) {
	r.reads++
	r.cancel()
	return len(p), nil
}

// TestRandomGetStopsWhenCancelled: a huge random_get stops between chunks
// once its context ends (the process is over) rather than filling the
// whole range first.
func TestRandomGetStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancelReader{cancel: cancel}
	h := bigHarness(t, Config{Rand: r})
	if e := h.callCtx(ctx, "random_get", 0, 1<<20); e != ECANCELED {
		t.Errorf("random_get = %v, want canceled", e)
	}
	if r.reads != 1 {
		t.Errorf("%d reads after the context ended, want 1", r.reads)
	}
}
