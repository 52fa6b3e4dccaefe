// Package interp is watt's reference interpreter: it compiles a validated
// ir.Module into flat per-function code and runs it, threads proposal
// included.
//
// # Model
//
// Compile validates a module and translates every function body into a
// slice of fixed-size instructions. Operand-stack positions are static in
// WebAssembly, so each instruction names its operand and result slots
// relative to the frame base of a []uint64 value stack (v128 takes two
// slots); branches carry resolved target pcs and the value moves they need.
//
// A Store owns functions, tables, memories and globals; Instantiate links a
// compiled Module against imports, runs segment initialisation and the start
// function, and returns an Instance whose exports can be called.
//
// # Concurrency
//
// Stores, Modules and Instances are safe for concurrent use: instantiation
// serialises on the store, and any number of goroutines may call exported
// functions at the same time, each on its own execution state. What wasm
// code touches concurrently must be designed for it, as in the threads
// proposal itself:
//
//   - shared memories may be used by any number of goroutines; atomics are
//     sequentially consistent, non-atomic accesses are plain (racy by the
//     wasm memory model's design), growth is serialised and the buffer never
//     moves;
//   - unshared memories, tables and mutable globals cannot be shared
//     between threads by wasm itself, but goroutines sharing an instance
//     (or a spec script's threads sharing a module) reach them all the
//     same. That is memory-safe: a global or table element is read and
//     written a word at a time (values race as wasm values do; a v128 may
//     tear between its halves), and contents are published as immutable
//     slice headers, so growth (serialised per table or memory) never shows
//     a torn one. A write racing with a growth that has to move the
//     contents may be lost.
//
// # From Go
//
// Store.NewFunc makes a host function of a plain Go function, its wasm
// signature read off the Go types (func(a, b int32) int32 is (param i32
// i32) (result i32)). A Memory's accessors (ReadUint32Le, WriteFloat64Le,
// Read, Write, ReadString, …) read and write it as wasm code does, its
// Atomic methods as wasm's atomics do; out of bounds or misaligned, they
// return errors rather than panic. Trap errors wrap the *Trap:
// errors.As(err, &trap) finds it, errors.Is the error a host function
// trapped with. The root package, watt, reads .wat or .wasm bytes and
// validates, compiles and instantiates them in one call.
//
// # Errors and limits
//
// Traps inside the interpreter are panics of *Trap; every API entry recovers
// them into an *ir.Error whose Msg starts with the spec's text ("integer
// divide by zero", "unaligned atomic", …), followed by the function's name;
// its Pos locates the trapping instruction. Call depth beyond
// Store.MaxCallDepth (calls re-entered from host functions included) and a
// value stack beyond 64 MiB fail with the Exhaustion error "call stack
// exhausted"; so does every call of a function whose locals alone exceed
// the value stack (the module is valid: it compiles and instantiates, and
// nothing is allocated per declared local). Cancelling a call's context stops it at the next loop
// back-edge, call or wait ("interrupted"); WithFuel bounds the back-edges
// and calls it may run ("fuel exhausted").
//
// Tail calls (return_call, return_call_indirect) reuse the caller's frame.
// Not supported: memory64 and multiple memories (Compile rejects them).
// Funcref values are handles of their Store and mean nothing in another one.
//
// # Speed
//
// Lazy operands make local.get and constants free: instructions read
// locals' slots and immediates directly, results are computed straight into
// the local a local.set names, and a compare feeding br_if or if becomes one
// compare-and-branch. Calls switch frames inside the one loop and allocate
// nothing once a thread's stack has grown; threads are pooled across calls.
// Module.Disassemble shows the compiled code.
package interp
