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
//   - unshared memories, tables and mutable globals must not be written by
//     one goroutine while another uses them (wasm itself cannot share them
//     between threads).
//
// Traps inside the interpreter are panics of *Trap; every API entry recovers
// them into an *ir.Error whose Msg starts with the spec's text.
package interp
