//go:build unix

package wasi

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// hangTimeout is how long a test waits for something that should happen
// at once before declaring a hang: a failure detector, not a deadline.
const hangTimeout = 10 * time.Second

// fifoOpenWAT: a thread announces itself, then opens "fifo" in the first
// preopen for reading, which blocks until a writer comes; _start waits for
// the announcement, sleeps 20 ms so the open is under way, then ends the
// process with %s.
const fifoOpenWAT = `(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (data (i32.const 100) "fifo")
  (func (export "wasi_thread_start") (param i32 i32)
    (i32.atomic.store (i32.const 0) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (i32.store (i32.const 8)
      (call $open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 4)
                  (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 200))))
  (func (export "_start")
    (i32.store (i32.const 200) (i32.const -1)) ;; no fd yet
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then unreachable))
    (block $started
      (loop $wait
        (br_if $started (i32.atomic.load (i32.const 0)))
        (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
        (br $wait)))
    (drop (memory.atomic.wait32 (i32.const 12) (i32.const 0) (i64.const 20000000)))
    %s))`

// fifoDir makes a directory holding a FIFO named "fifo". At cleanup it
// opens the FIFO read-write, which never blocks on Linux and lets any
// opener still blocked in the kernel go: no test leaves a goroutine stuck
// in open(2) behind.
func fifoDir(t *testing.T) (dir string, release func()) {
	dir = t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	release = func() {
		if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			f.Close()
		}
	}
	t.Cleanup(release)
	return dir, release
}

// within runs f and fails the test if it has not returned within
// hangTimeout.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(hangTimeout):
		t.Fatalf("%s did not return within %v: waiting for a host call blocked in the kernel?", what, hangTimeout)
	}
}

// TestExitWhileOpeningFIFO: proc_exit in one thread, or a trap, ends the
// process at once although another thread is blocked opening a FIFO (a
// system call Go cannot interrupt). The goroutine left in open(2) is
// abandoned: once the open completes it closes the file and touches
// nothing — no fd appears in the table, nothing is written to guest
// memory.
func TestExitWhileOpeningFIFO(t *testing.T) {
	for _, tc := range []struct {
		name, end  string
		wantStatus int
	}{
		{"proc_exit", "(call $exit (i32.const 3))", 3},
		{"trap", "(unreachable)", TrapStatus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, release := fifoDir(t)
			m := compileWAT(t, "fifo.wat", fmt.Sprintf(fifoOpenWAT, tc.end))
			p, err := NewProcess(context.Background(), m, Config{Dirs: []Dir{{Host: dir, Guest: "/d"}}})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			var status int
			within(t, "Run", func() { status, err = p.Run() })
			if status != tc.wantStatus || (err != nil) != (tc.wantStatus == TrapStatus) {
				t.Fatalf("status %d, err %v; want %d", status, err, tc.wantStatus)
			}
			mem := p.System().mem.Load()
			before := append([]byte(nil), mem.Bytes()...)
			fds := p.System().openFDs()

			// Let the abandoned open complete, and wait for its goroutine.
			release()
			within(t, "the abandoned open", p.System().blocked.Wait)
			if got := p.System().openFDs(); got != fds {
				t.Errorf("the abandoned open left %d fds open, want %d", got, fds)
			}
			if fd := int32(binary.LittleEndian.Uint32(mem.Bytes()[200:])); fd != -1 {
				t.Errorf("an fd (%d) was written to guest memory", fd)
			}
			if string(mem.Bytes()) != string(before) {
				t.Errorf("guest memory changed after Run returned")
			}
		})
	}
}

// openFDs counts the open fds.
func (s *System) openFDs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.fds)
}

// fifoTransferWAT: two threads open a FIFO read-write (which does not
// block) and then block: thread 1 reading "fifo" (nothing comes), thread 2
// writing 1 MiB to "pipe" (nobody reads: it fills). _start waits until
// both are about to block, sleeps 20 ms, and calls proc_exit(4).
const fifoTransferWAT = `(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  ;; Passive, as wasi-threads toolchains emit them: every thread's instance
  ;; would otherwise write the names again while another thread reads them.
  (data $fifo "fifo")
  (data $pipe "pipe")
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $fd i32) (local $i i32)
    ;; "fifo" (arg 1) or "pipe" (arg 2); fd at 200 + 4*arg
    (if (call $open (i32.const 3) (i32.const 1)
                    (select (i32.const 100) (i32.const 110) (i32.eq (local.get $arg) (i32.const 1)))
                    (i32.const 4)
                    (i32.const 0) (i64.const 66) (i64.const 0) (i32.const 0)
                    (i32.add (i32.const 200) (i32.shl (local.get $arg) (i32.const 2))))
      (then unreachable))
    (local.set $fd (i32.load (i32.add (i32.const 200) (i32.shl (local.get $arg) (i32.const 2)))))
    ;; 16 iovecs of its own at 1024 + 128*arg, each the 56 KiB from 8192
    ;; that no thread writes (reading uses the first), so that the threads'
    ;; accesses do not race
    (loop $iov
      (i32.store (i32.add (i32.add (i32.const 1024) (i32.shl (local.get $arg) (i32.const 7)))
                          (i32.shl (local.get $i) (i32.const 3)))
                 (i32.const 8192))
      (i32.store (i32.add (i32.add (i32.const 1028) (i32.shl (local.get $arg) (i32.const 7)))
                          (i32.shl (local.get $i) (i32.const 3)))
                 (i32.const 57344))
      (br_if $iov (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 16))))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (if (i32.eq (local.get $arg) (i32.const 1))
      (then (drop (call $read (local.get $fd) (i32.const 1152) (i32.const 1) (i32.const 300))))
      (else (drop (call $write (local.get $fd) (i32.const 1280) (i32.const 16) (i32.const 304))))))
  (func (export "_start")
    (local $n i32)
    (memory.init $fifo (i32.const 100) (i32.const 0) (i32.const 4))
    (memory.init $pipe (i32.const 110) (i32.const 0) (i32.const 4))
    (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable))
    (if (i32.le_s (call $spawn (i32.const 2)) (i32.const 0)) (then unreachable))
    (block $started
      (loop $wait
        (local.set $n (i32.atomic.load (i32.const 0)))
        (br_if $started (i32.ge_u (local.get $n) (i32.const 2)))
        (drop (memory.atomic.wait32 (i32.const 0) (local.get $n) (i64.const -1)))
        (br $wait)))
    (drop (memory.atomic.wait32 (i32.const 12) (i32.const 0) (i64.const 20000000)))
    (call $exit (i32.const 4))))`

// TestExitWhileTransferringOnFIFO: threads blocked reading an empty FIFO
// and writing a full one do not keep the process from ending; closing the
// process's files then frees the abandoned transfers.
func TestExitWhileTransferringOnFIFO(t *testing.T) {
	dir, _ := fifoDir(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := compileWAT(t, "transfer.wat", fifoTransferWAT)
	p, err := NewProcess(context.Background(), m, Config{Dirs: []Dir{{Host: dir, Guest: "/d"}}})
	if err != nil {
		t.Fatal(err)
	}
	var status int
	within(t, "Run", func() { status, err = p.Run() })
	p.Close()
	if status != 4 || err != nil {
		t.Fatalf("status %d, err %v; want 4", status, err)
	}
	within(t, "the abandoned transfers", p.System().blocked.Wait)
}
