package wasi

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestMutexStress: 64 threads × 10,000 increments under a futex mutex end
// with the exact count.
func TestMutexStress(t *testing.T) {
	m := compileFile(t, "../testdata/threads/wasi_mutex.wat")
	r := run(t, m, Config{Args: []string{"wasi_mutex"}})
	if r.status != 0 || r.err != nil {
		t.Fatalf("status %d, err %v", r.status, r.err)
	}
	if r.stdout != "count: 640000\n" {
		t.Fatalf("stdout = %q", r.stdout)
	}
}

// TestProcExitFromThread: proc_exit(3) in a worker while the others and
// the main thread sleep in wait ends the process with status 3 (Run only
// returns once every thread has stopped, so a hang would fail the test by
// its timeout).
func TestProcExitFromThread(t *testing.T) {
	m := compileFile(t, "../testdata/threads/wasi_exit.wat")
	r := run(t, m, Config{})
	if r.status != 3 || r.err != nil {
		t.Fatalf("status %d, err %v; want 3, nil", r.status, r.err)
	}
}

// TestTrapInThread: a trap in any thread ends the process with TrapStatus
// and reports the trap.
func TestTrapInThread(t *testing.T) {
	m := compileWAT(t, "trap.wat", `(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32) unreachable)
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))`)
	r := run(t, m, Config{})
	if r.status != TrapStatus || r.err == nil || !strings.Contains(r.err.Error(), "unreachable") {
		t.Fatalf("status %d, err %v", r.status, r.err)
	}
}

// TestMainReturnCancelsThreads: _start returning ends the process even
// though a thread still sleeps.
func TestMainReturnCancelsThreads(t *testing.T) {
	m := compileWAT(t, "main.wat", `(module
  (import "wasi" "thread_spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then unreachable))))`)
	r := run(t, m, Config{})
	if r.status != 0 || r.err != nil {
		t.Fatalf("status %d, err %v", r.status, r.err)
	}
}

// TestNotACommand: a module without _start is an error, not a crash.
func TestNotACommand(t *testing.T) {
	m := compileWAT(t, "lib.wat", `(module (func (export "f")))`)
	r := run(t, m, Config{})
	if r.status != 1 || r.err == nil {
		t.Fatalf("status %d, err %v", r.status, r.err)
	}
}

// TestUnknownWASIImport links to an ENOSYS stub.
func TestUnknownWASIImport(t *testing.T) {
	m := compileWAT(t, "nosys.wat", `(module
  (import "wasi_snapshot_preview1" "sock_open" (func $f (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (call $exit (call $f (i32.const 0)))))`)
	r := run(t, m, Config{})
	if r.status != int(ENOSYS) {
		t.Fatalf("status %d, err %v; want ENOSYS=%d", r.status, r.err, ENOSYS)
	}
}

// TestMandelbrot: the wasi-threads Mandelbrot writes a valid PGM, the same
// image for any number of threads.
func TestMandelbrot(t *testing.T) {
	m := compileFile(t, "../testdata/threads/wasi_mandelbrot.wat")
	var first string
	for _, n := range mandelbrotThreads {
		r := run(t, m, Config{Args: []string{"mandelbrot", n}})
		if r.status != 0 || r.err != nil {
			t.Fatalf("%s threads: status %d, err %v", n, r.status, r.err)
		}
		header := "P5\n160 100\n255\n"
		if !strings.HasPrefix(r.stdout, header) || len(r.stdout) != len(header)+160*100 {
			t.Fatalf("%s threads: output is not a 160x100 PGM (%d bytes)", n, len(r.stdout))
		}
		img := r.stdout[len(header):]
		if !strings.Contains(img, "\x00") || strings.Count(img, "\x00") == len(img) {
			t.Fatalf("%s threads: image has no set or only the set", n)
		}
		if first == "" {
			first = r.stdout
		} else if r.stdout != first {
			t.Fatalf("%s threads: image differs from the one-thread image", n)
		}
	}
}

// TestBlockedHostCallsAreCancelled: threads blocked in the host — reading
// a stdin that never delivers, sleeping an hour in poll_oneoff — do not
// keep the process alive once _start returns.
func TestBlockedHostCallsAreCancelled(t *testing.T) {
	m := compileWAT(t, "blocked.wat", `(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (if (local.get $arg)
      (then
        ;; one-hour relative clock subscription at 256, event at 512
        (i32.store8 (i32.const 264) (i32.const 0))
        (i32.store (i32.const 272) (i32.const 1))
        (i64.store (i32.const 280) (i64.const 3600000000000))
        (drop (call $poll (i32.const 256) (i32.const 512) (i32.const 1) (i32.const 600))))
      (else
        (i32.store (i32.const 16) (i32.const 1024))
        (i32.store (i32.const 20) (i32.const 100))
        (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24))))))
  (func (export "_start")
    (local $n i32)
    (drop (call $spawn (i32.const 0)))
    (drop (call $spawn (i32.const 1)))
    ;; wait until both threads are about to block
    (block $both
      (loop $wait
        (local.set $n (i32.atomic.load (i32.const 0)))
        (br_if $both (i32.ge_u (local.get $n) (i32.const 2)))
        (drop (memory.atomic.wait32 (i32.const 0) (local.get $n) (i64.const -1)))
        (br $wait)))))`)
	stdin, w := io.Pipe()
	defer w.Close()
	r := run(t, m, Config{Stdin: stdin})
	if r.status != 0 || r.err != nil {
		t.Fatalf("status %d, err %v", r.status, r.err)
	}
}

// TestBlockedWriterDoesNotHang: the main thread blocks writing to a stdout
// nobody reads; proc_exit(5) from a worker still ends the process.
func TestBlockedWriterDoesNotHang(t *testing.T) {
	m := compileWAT(t, "writer.wat", `(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32)
    ;; wait (up to 10ms) for the main thread to start writing, then exit
    (drop (memory.atomic.wait32 (i32.const 32) (i32.const 0) (i64.const 10000000)))
    (call $exit (i32.const 5)))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (i32.store (i32.const 16) (i32.const 100))
    (i32.store (i32.const 20) (i32.const 10))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (unreachable)))`)
	pr, pw := io.Pipe()
	defer pr.Close()
	status, err := Run(context.Background(), m, Config{Stdout: pw})
	if status != 5 || err != nil {
		t.Fatalf("status %d, err %v; want 5", status, err)
	}
}

// spawnLoopWAT spawns sleeping threads until thread-spawn fails (at most
// 5000), then exits with the number spawned, or -1 if the failure was not
// -EAGAIN.
const spawnLoopWAT = `(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const -1))))
  (func (export "_start")
    (local $n i32) (local $r i32)
    (block $done
      (loop $more
        (local.set $r (call $spawn (i32.const 0)))
        (br_if $done (i32.lt_s (local.get $r) (i32.const 0)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $n) (i32.const 5000)))))
    (call $exit (select (local.get $n) (i32.const -1) (i32.eq (local.get $r) (i32.const -6))))))`

// TestThreadLimit: a guest spawning in a loop gets -EAGAIN once
// MaxThreads threads are running (DefaultMaxThreads when unset), and the
// process still ends normally.
func TestThreadLimit(t *testing.T) {
	m := compileWAT(t, "spawnloop.wat", spawnLoopWAT)
	for _, tc := range []struct{ max, want int }{{3, 3}, {1, 1}, {0, DefaultMaxThreads}} {
		r := run(t, m, Config{MaxThreads: tc.max})
		if r.status != tc.want || r.err != nil {
			t.Errorf("MaxThreads %d: status %d, err %v; want %d threads, then -EAGAIN", tc.max, r.status, r.err, tc.want)
		}
	}
	if _, err := Run(context.Background(), m, Config{MaxThreads: -1}); err == nil {
		t.Error("MaxThreads -1 accepted")
	}
}

// TestThreadLimitCountsLiveThreads: the limit is on threads running at
// once: when a thread returns, its slot is free again.
func TestThreadLimitCountsLiveThreads(t *testing.T) {
	m := compileWAT(t, "reuse.wat", `(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32))
  (func (export "_start")
    (local $i i32)
    ;; ten short-lived threads one after the other with MaxThreads 1:
    ;; each spawn retries (yielding) until the previous thread is gone
    (block $fail
      (loop $next
        (block $ok
          (loop $retry
            (br_if $ok (i32.gt_s (call $spawn (i32.const 0)) (i32.const 0)))
            (drop (call $yield))
            (br_if $retry (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10000000)))
            (br $fail)))
        (br_if $next (i32.lt_u (i32.atomic.rmw.add (i32.const 0) (i32.const 1)) (i32.const 9))))
      (call $exit (i32.const 0)))
    (call $exit (i32.const 1))))`)
	r := run(t, m, Config{MaxThreads: 1})
	if r.status != 0 || r.err != nil {
		t.Fatalf("status %d, err %v", r.status, r.err)
	}
}
