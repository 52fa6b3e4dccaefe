package interp

import "unsafe"

// frameSlots is the executing function's frame as the interpreter loop sees it:
// a pointer to slot 0 of its part of the value stack. The loop reads and
// writes operand slots through it without bounds checks, which is most of
// what it does (two or three accesses per instruction); checked indexing
// cost a compare and a branch per access and kept the slice's length in a
// register (BENCHMARKS.md, "Where the interpreter's time goes").
//
// This is the one place the loop indexes the value stack without checks,
// and it is safe because of three invariants, each enforced in one place:
//
//  1. Every slot an instruction of a function's code names is below the
//     function's frame size (funcCode.frame): the compiler allocates slots
//     below it, and finalize (code.go) verifies every instruction the loop
//     executes inline before the code can run, failing compilation
//     otherwise.
//  2. Entering a function at fp makes the value stack at least
//     fp+frame slots long (thread.enter, and the loop's call path, which
//     grows the stack first when it is shorter).
//  3. A frameSlots value is made afresh after anything that may reallocate the
//     value stack (calls that grow it go through the loop's reload).
//
// Under the race detector (-race), checkptr also verifies at run time that
// every pointer computed here stays inside the value stack's allocation.
// Instructions run out of the loop (SIMD, bulk, GC, atomics) index
// ordinary slices instead.
type frameSlots struct{ p unsafe.Pointer }

// frameAt returns the frame at stack[fp:]; fp < len(stack) (every frame
// is at least one slot, see finalize).
func frameAt(stack []uint64, fp int) frameSlots {
	return frameSlots{unsafe.Pointer(&stack[fp])}
}

func (l frameSlots) ptr(s uint32) *uint64 { return (*uint64)(unsafe.Add(l.p, uintptr(s)*8)) }

// get returns slot s.
func (l frameSlots) get(s uint32) uint64 { return *l.ptr(s) }

// set stores v in slot s.
func (l frameSlots) set(s uint32, v uint64) { *l.ptr(s) = v }

// at returns the frame whose slot 0 is this frame's slot s (a callee's).
func (l frameSlots) at(s uint32) frameSlots { return frameSlots{unsafe.Add(l.p, uintptr(s)*8)} }
