//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func mkfifoCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo NAME")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o600))
}

// fifoExitWAT: a thread opens "fifo" in the first preopen, which blocks
// until someone opens the other end; _start waits until the thread is
// about to open it, gives it 20 ms, and calls proc_exit(3).
const fifoExitWAT = `(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (data (i32.const 100) "fifo")
  (func (export "wasi_thread_start") (param i32 i32)
    (i32.atomic.store (i32.const 0) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (drop (call $open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 4)
                      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 200))))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
    (drop (memory.atomic.wait32 (i32.const 12) (i32.const 0) (i64.const 20000000)))
    (call $exit (i32.const 3))))`

// TestWasmInterpExitWhileOpeningFIFO: wasm-interp --wasi returns the
// status of proc_exit at once, although another thread of the program is
// blocked in the kernel opening a FIFO (as a command, it then exits, and
// that goroutine with it).
func TestWasmInterpExitWhileOpeningFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// Opening read-write never blocks on Linux and lets a blocked opener
	// go: no goroutine stays in open(2) after the test.
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			f.Close()
		}
	})
	prog := filepath.Join(t.TempDir(), "fifo.wat")
	if err := os.WriteFile(prog, []byte(fifoExitWAT), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- WasmInterp([]string{"--wasi", "--dir=" + dir + "::/d", prog}, strings.NewReader(""), &out, &errOut)
	}()
	select {
	case code := <-done:
		if code != 3 || errOut.Len() != 0 {
			t.Fatalf("exit %d, stderr %q; want 3", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("wasm-interp did not return within 10s: waiting for the thread blocked opening the FIFO?")
	}
}
