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
// Funcref values are handles of their Store and mean nothing in another one.
//
// # Memories and tables (WebAssembly 3.0)
//
// An instance has any number of memories, imported and defined, each 32- or
// 64-bit (memory64), shared or not; every memory instruction names its
// memory, atomics and wait/notify included, and memory.copy copies between
// any two (its length is i64 only when both are 64-bit). Effective
// addresses are computed in 64 bits with the carry kept: an address plus an
// offset beyond the memory, or beyond 2^64, traps "out of bounds memory
// access" and never wraps. Tables may be 64-bit too (table64): their
// indices, sizes, growth and segment offsets are i64, call_indirect's
// operand included. Imports must match a memory's or table's address type
// ("incompatible import type").
//
// Memory 0 with 32-bit addresses keeps the loop's inline fast path (2.0
// code compiles and runs as before); any other memory, or a 64-bit memory
// 0, takes a slower path out of the loop.
//
// A 64-bit memory can declare a maximum of up to 2^48 pages (2^64 bytes),
// beyond any host. Its size is bounded by Store.Memory64Limit, by default
// DefaultMemory64Limit (16 GiB): growth beyond it fails (memory.grow
// returns -1, as the spec allows when resources run out), and a module
// whose 64-bit memory's minimum exceeds it fails to instantiate. A shared
// 64-bit memory reserves address space for min(maximum, limit) once and
// never moves, so a declared maximum of 2^48 pages still instantiates; on
// Linux the reservation is mapped lazily and costs no memory until
// touched, elsewhere it is an ordinary Go allocation of that size (lower
// the limit there). 32-bit memories keep their 4 GiB bound.
//
// # Relaxed SIMD
//
// Each relaxed instruction gives one result, the same on every host:
//
//   - i8x16.relaxed_swizzle is i8x16.swizzle (indices of 16 and more select 0);
//   - i32x4.relaxed_trunc_f32x4_s/u and _f64x2_s/u_zero are the saturating
//     truncations (trunc_sat: NaN is 0, out of range saturates);
//   - f32x4/f64x2.relaxed_madd and relaxed_nmadd are not fused: the product
//     is rounded, then added (nmadd negates the rounded product);
//   - i8x16/i16x8/i32x4/i64x2.relaxed_laneselect are v128.bitselect
//     (each bit from the first operand where the mask's bit is 1);
//   - f32x4/f64x2.relaxed_min/max are f32x4/f64x2.min/max (NaN propagates,
//     -0 is less than +0);
//   - i16x8.relaxed_q15mulr_s is i16x8.q15mulr_sat_s (saturates);
//   - i16x8.relaxed_dot_i8x16_i7x16_s and i32x4.relaxed_dot_i8x16_i7x16_add_s
//     take both operands' bytes as signed, and sums wrap (i16 and i32).
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
