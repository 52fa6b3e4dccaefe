package interp

import (
	"fmt"

	"github.com/watt-wasm/watt/ir"
)

// Trap messages: the spec's exact texts (the .wast runner matches them by
// prefix).
const (
	msgUnreachable          = "unreachable executed" // the reference interpreter's text (the suite matches "unreachable")
	msgMemOOB               = "out of bounds memory access"
	msgTableOOB             = "out of bounds table access"
	msgDivZero              = "integer divide by zero"
	msgIntOverflow          = "integer overflow"
	msgInvalidConversion    = "invalid conversion to integer"
	msgUndefinedElement     = "undefined element"
	msgUninitializedElement = "uninitialized element"
	msgIndirectMismatch     = "indirect call type mismatch"
	msgCallStackExhausted   = "call stack exhausted"
	msgUnaligned            = "unaligned atomic"
	msgExpectedShared       = "expected shared memory"
	msgFuelExhausted        = "fuel exhausted"
	msgInterrupted          = "interrupted"

	msgNullStruct  = "null structure reference"
	msgNullArray   = "null array reference"
	msgNullI31     = "null i31 reference"
	msgNullFunc    = "null function reference"
	msgNullExn     = "null exception reference"
	msgNullRef     = "null reference"
	msgArrayOOB    = "out of bounds array access"
	msgCastFailure = "cast failure"
	msgOutOfMemory = "out of memory"
)

// Trap is a run-time failure. Inside the package it travels as a panic; the
// API returns it converted to an *ir.Error (see Trap.Err) that wraps it, so
//
//	var trap *interp.Trap
//	if errors.As(err, &trap) { … trap.Msg, trap.Func … }
//
// finds it in what a call (or an instantiation whose start function
// failed) returns.
type Trap struct {
	Msg  string
	Kind ir.ErrorKind // ir.Trap or ir.Exhaustion
	Src  *ir.Source
	Pos  ir.Pos
	Func string // name of the function that trapped
	// Cause is the error a host function returned, when that is what
	// trapped (errors.Is finds it through the call's error).
	Cause error
}

func (t *Trap) Error() string { return t.Err().Error() }

// Unwrap returns t.Cause.
func (t *Trap) Unwrap() error { return t.Cause }

// Err converts the trap to watt's error type: the spec message first, the
// function after it. The *ir.Error wraps t.
func (t *Trap) Err() *ir.Error {
	msg := t.Msg
	if t.Func != "" {
		msg += " (in " + t.Func + ")"
	}
	return &ir.Error{Src: t.Src, Pos: t.Pos, Kind: t.Kind, Msg: msg, Cause: t}
}

func newTrap(kind ir.ErrorKind, msg string) *Trap { return &Trap{Kind: kind, Msg: msg} }

// at fills in the position of pc (the instruction after the trapping one)
// in fc.
func (t *Trap) at(fc *funcCode, pc int) *Trap {
	if fc == nil || t.Pos.IsValid() || t.Func != "" {
		return t
	}
	t.Func = fc.name
	t.Src = fc.src
	if i := pc - 1; i >= 0 && i < len(fc.pos) {
		t.Pos = fc.pos[i]
	}
	return t
}

// errorOf turns a recovered panic value into an error.
func errorOf(r any) *ir.Error {
	switch e := r.(type) {
	case *Trap:
		return e.Err()
	case *ir.Error:
		return e
	case *thrown:
		return newException(e.obj).Err()
	}
	return &ir.Error{Kind: ir.Trap, Msg: fmt.Sprintf("interp: internal error: %v", r)}
}
