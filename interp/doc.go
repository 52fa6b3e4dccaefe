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
// A Store owns functions, tables, memories, globals and tags; Instantiate
// links a compiled Module against imports, runs segment initialisation and
// the start function, and returns an Instance whose exports can be called.
//
// # References
//
// A reference is a single Go pointer to an Object: a function, a GC struct
// or array, an i31 value, a host value or an exception; null is nil.
// Objects are ordinary Go values that Go's garbage collector reclaims.
// extern.convert_any and any.convert_extern keep the referent (the static
// type says which hierarchy a reference is in), i31 values of small
// magnitude are preallocated, and host values are boxed as they enter.
//
// The value stack stays a []uint64 for numbers: a reference-typed slot
// keeps its referent in thread.refs, a []*Object indexed like the value
// stack (the slot's word is unused). The compiler knows every slot's static
// type, so it emits reference-aware moves (copy.ref, move.refs,
// return.refs, ...) only where references flow; functions without
// reference operands, locals or results compile as before, and a thread
// allocates refs only once it enters a function that uses references.
// Reference instructions run out of the main loop's line (exec_ref.go,
// gc.go, array.go), so that the loop's code for numeric instructions is
// unchanged.
//
// Structs keep numeric fields a word each and reference fields in a
// separate slice, in field order (a subtype's fields sit where its
// supertype's do); small structs are one allocation. Arrays keep reference
// elements in a slice and numeric ones packed at their element size (a
// byte array takes a byte per element). Casts compare an object's
// canonical type (ir.TypeStore, shared with the validator: iso-recursive
// canonicalization, so equivalent types of different modules are one
// TypeID) along its declared supertype chain; call_indirect and imports
// compare canonical types too.
//
// Values (the API's) carry function, struct, array and exception
// references as Value.Ref, and host and i31 values unboxed, so that they
// compare by value; a reference of a concrete type comes back typed by its
// abstract kind (struct, array or func). References handed in (arguments,
// Global.Set, Table.Set, host results) are checked against the type they
// fill and must belong to the store: wasm code relies on its static types.
//
// # Exceptions
//
// try_table and legacy try/catch/delegate compile to per-function handler
// tables (pc ranges, catch clauses, the handler to search next) and
// landing pads; entering and leaving a try executes nothing (but one jump
// over a try_table's pads), so code without throws pays nothing. A throw
// unwinds the interpreter's own frames, searching their tables; an
// exception no frame catches leaves Function.Call as an *Exception error
// (also an *ir.Error of kind Trap, "uncaught exception"). A host function
// that returns one throws it into its wasm caller, so exceptions cross host
// functions; tags are compared by identity. An uncaught exception in a
// script's (thread …) or a WASI thread ends that thread like a trap.
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
//     tear between its halves; a reference is one pointer and never
//     tears), and contents are published as immutable slice headers, so
//     growth (serialised per table or memory) never shows a torn one. A
//     write racing with a growth that has to move the contents may be lost;
//   - GC objects and exceptions are per-thread in wasm 3.0, but they can
//     cross threads through a shared instance's globals and tables. Their
//     fields are single words and pointers (numeric array elements: bytes
//     at their size, accessed as linear memory is), written whole, and an
//     object's type and slice headers never change after allocation, so
//     racing accesses are memory-safe and race like wasm values; exception
//     payloads are immutable. Under -race all of them go through atomics,
//     so the detector reports only the interpreter's own races.
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
// Tail calls (return_call, return_call_indirect, return_call_ref) reuse the
// caller's frame.
// References belong to their Store and are refused by another one. An
// array beyond 1 GiB fails with the Exhaustion error "out of memory".
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
// compare-and-branch. Constants that loops use other than as immediates
// get slots of their own, filled on entry. Pairs that compiled C runs most
// are fused into superinstructions: address arithmetic into loads and
// stores, a counter's increment into the loop's compare-and-branch,
// multiply-adds, shifts into masks and xors, copies in pairs (fuse.go).
// Module.Disassemble shows the compiled code; code.go documents it.
//
// The loop (exec.go) is one switch in one function, because Go has neither
// computed goto nor guaranteed tail calls. What makes it fast is what the
// loop keeps in registers: only the instruction pointer, the frame's
// slots, memory 0 and the current function. Everything else is in the
// thread, and every path that calls a helper leaves through an outer loop
// that reloads that state, so no value is live across a call and the
// compiler saves no registers on the way round the loop: an instruction
// costs its own work plus about seven machine instructions (the op load,
// the jump table, the step and the jump back). Operand slots are accessed
// without bounds checks through frameSlots, whose safety rests on
// invariants checked when code is compiled and when frames are entered
// (slots.go). Calls and returns within an instance switch frames in place,
// pushing frames without pointers (no write barriers) and allocating
// nothing once a thread's stack has grown; threads are pooled across
// calls. BENCHMARKS.md has the measurements.
package interp
