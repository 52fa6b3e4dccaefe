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
// bound (reads and writes are cut short at 16 MiB), and no host wait —
// stdin, a stdout nobody drains, a poll_oneoff sleep — outlives the
// process: stdin is read by a pump goroutine one chunk ahead (so
// poll_oneoff knows when it is readable) and every wait selects on the
// thread's context.
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
// included, and Run returns once all of them have stopped.
package wasi
