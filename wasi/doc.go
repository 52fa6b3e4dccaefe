// Package wasi runs WebAssembly commands against WASI preview 1
// ("wasi_snapshot_preview1") and the wasi-threads proposal on watt's
// interpreter.
//
// A System is the host side of WASI: arguments, environment, clocks,
// randomness, stdio on io.Reader/io.Writer, and files through preopened
// directories. Each directory fd is an *os.Root, so a guest can never reach
// outside its preopens: absolute paths, ".." above a directory fd and
// symlinks leading outside are refused with ENOTCAPABLE (absolute symlink
// targets with EPERM). Errors are WASI errno values; functions this
// package does not implement (sockets, proc_raise, fd_allocate) return
// ENOSYS, and so do imports of unknown WASI functions. Every thread shares
// the one fd table. No guest request can make the host allocate without
// bound: reads and writes are cut short at 16 MiB, every guest array
// (iovecs, poll_oneoff's subscriptions and events, argv) is checked whole
// against memory in 64-bit arithmetic before it is used, so no address
// wraps past 2^32, and paths are limited to 4096 bytes. No host wait —
// stdin, a stdout nobody drains, a poll_oneoff sleep, opening a FIFO,
// reading or writing a pipe — outlives the process: stdin is read by a
// pump goroutine one chunk ahead (so poll_oneoff knows when it is
// readable), every wait selects on the thread's context, and a system
// call that can block indefinitely runs on a helper goroutine the thread
// can stop waiting for (see blocking.go).
//
// A Process runs a command: Run instantiates the module, calls _start, and
// returns its exit status. With wasi-threads ("wasi" "thread-spawn", or the
// older "thread_spawn") each spawned thread is a new instance of the same
// module with the same imports — so the same shared memory, which the host
// creates from the module's memory import, and the same WASI state — running
// wasi_thread_start(tid, start_arg) on its own goroutine. The process ends
// when _start returns (status 0), when any thread calls proc_exit (its
// status), or when any thread traps (TrapStatus, as wasmtime); the other
// threads are then cancelled through their context, blocked waits
// included, and Run returns once all of them have stopped, which is at
// once whatever they were doing. Config.MaxThreads bounds the threads
// running at once (DefaultMaxThreads).
//
// A system call Go cannot interrupt (open(2) of a FIFO nobody opens the
// other end of, say) is not waited for: its helper goroutine is abandoned
// and stays blocked after Run returns, until the call returns on its own
// or Close closes the file under it. It then releases what it got (closes
// the file it opened) and touches nothing else: not guest memory, not the
// fd table, not Config's writers. A command (wasm-interp --wasi) exits
// and takes it along; an embedder sees one parked goroutine per such call.
// Likewise a Write to Config.Stdout or Stderr already under way when the
// process ends finishes on its own goroutine. Host functions given in
// Config.Imports should honour their context for the same reason.
package wasi
