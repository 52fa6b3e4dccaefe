package wat

import "github.com/watt-wasm/watt/ir"

// Script is a parsed .wast file: its commands in order.
type Script struct {
	Commands []Command
}

// Command is one script command: *ModuleCommand, *InstanceCommand,
// *RegisterCommand, *ActionCommand, *AssertReturn, *AssertTrap,
// *AssertExhaustion, *AssertException, *AssertModule, *ThreadCommand or
// *WaitCommand.
type Command interface {
	// Position is where the command's '(' is.
	Position() ir.Pos
}

// ModuleKind says how a script module is written.
type ModuleKind uint8

const (
	ModuleText   ModuleKind = iota // (module …fields…): parsed into Module
	ModuleBinary                   // (module binary "…"*): bytes in Binary
	ModuleQuote                    // (module quote "…"*): text in Quote
)

// ModuleCommand defines a module: (module $name? …), and, unless it is a
// definition, instantiates it at once (the instance takes the same name).
type ModuleCommand struct {
	Pos  ir.Pos
	Name string // $name without '$', "" if absent
	Kind ModuleKind
	// Definition is set for (module definition $name? …): the module is
	// only defined (decoded and validated), under Name; InstanceCommands
	// instantiate it, as often as they like. Assertions on a module
	// ignore it (the spec interpreter's grammar allows it there too).
	Definition bool
	// Module is the parsed module (ModuleText). For modules inside
	// assertions, a text module that failed to parse has Module nil and
	// Err set, so that the runner can report that one assertion.
	Module *ir.Module
	Err    error
	Binary []byte // ModuleBinary: the concatenated strings
	Quote  string // ModuleQuote: the concatenated strings, a module body
	// Start and End are the byte span of the whole (module …) form in the
	// source, so tools can cut its text out.
	Start, End int
}

// InstanceCommand is (module instance $instance? $module?): a new instance
// of a module defined before (by (module definition …) or a plain module
// command), named Instance for later actions, registers and gets.
type InstanceCommand struct {
	Pos      ir.Pos
	Instance string // "" if unnamed
	Module   string // the defined module's name; "" means the most recent module
}

// RegisterCommand is (register "as" $module?): it makes a module's exports
// importable under the name As.
type RegisterCommand struct {
	Pos    ir.Pos
	As     string
	Module string // "" means the most recent module
}

// ActionKind is invoke or get.
type ActionKind uint8

const (
	ActionInvoke ActionKind = iota // (invoke $m? "name" arg*)
	ActionGet                      // (get $m? "name")
)

// Action calls an exported function or reads an exported global.
type Action struct {
	Pos    ir.Pos
	Kind   ActionKind
	Module string // "" means the most recent module
	Name   string
	Args   []Value
}

// ActionCommand is an action on its own: its results are ignored.
type ActionCommand struct {
	Pos    ir.Pos
	Action Action
}

// V128Shape is how a v128 constant's lanes are written.
type V128Shape uint8

const (
	ShapeNone V128Shape = iota // not a v128
	ShapeI8x16
	ShapeI16x8
	ShapeI32x4
	ShapeI64x2
	ShapeF32x4
	ShapeF64x2
)

var v128ShapeNames = [...]string{"", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"}

// String is the shape's keyword ("i32x4").
func (s V128Shape) String() string {
	if int(s) < len(v128ShapeNames) {
		return v128ShapeNames[s]
	}
	return "<invalid shape>"
}

// Lanes is the number of lanes.
func (s V128Shape) Lanes() int { return 128 / int(s.LaneBits()) }

// LaneBits is the width of one lane in bits.
func (s V128Shape) LaneBits() uint {
	switch s {
	case ShapeI8x16:
		return 8
	case ShapeI16x8:
		return 16
	case ShapeI32x4, ShapeF32x4:
		return 32
	}
	return 64
}

// IsFloat reports whether lanes are floats.
func (s V128Shape) IsFloat() bool { return s == ShapeF32x4 || s == ShapeF64x2 }

// Value is a constant argument or expected result: (i32.const 1),
// (v128.const f32x4 …), (ref.null func), (ref.extern 7), (ref.host 7).
//
// References: (ref.null ht) has Null set and Type the nullable reference
// to ht (ir.FuncRef for (ref.null func), ir.Ref(true, ir.HeapIndex(3)) for
// (ref.null 3)); (ref.extern N) has Type ir.ExternRef and N in Lo: the host
// value N seen from wasm as an externref; (ref.host N) has Type ir.AnyRef
// and N in Lo: the same host value N as a reference in the any hierarchy
// (what any.convert_extern makes of (ref.extern N)); (ref.func N) has Type
// ir.FuncRef and N in Lo.
type Value struct {
	Type ir.ValType
	// Bits are the value's bits: integers in two's complement, floats as
	// IEEE bits (f32 in the low 32), v128 as the low and high 8 bytes
	// little endian, the number of ref.extern, ref.host (or ref.func) in
	// Lo. Unused bits are zero.
	Lo, Hi uint64
	Shape  V128Shape // for v128: the lane shape it was written in
	Null   bool      // ref.null
}

// NaNPattern is a result that matches a class of NaNs.
type NaNPattern uint8

const (
	NaNNone       NaNPattern = iota // exact bits
	NaNCanonical                    // nan:canonical
	NaNArithmetic                   // nan:arithmetic
)

// ResultKind says how a Result matches.
type ResultKind uint8

const (
	ResultValue ResultKind = iota // Value, with NaN patterns where set
	// ResultRefAny is (ref.func), (ref.extern), (ref.struct), (ref.array),
	// (ref.i31), (ref.eq), (ref.exn) or (ref) (also spelt (ref.any)): any
	// non-null reference whose heap type is, or is a subtype of, the heap
	// type of Value.Type (ir.FuncRef, ir.ExternRef, ir.StructRef,
	// ir.ArrayRef, ir.I31Ref, ir.EqRef, ir.ExnRef, ir.AnyRef).
	ResultRefAny
	ResultEither // one of Either
	// ResultRefNull is (ref.null) without a heap type: a null reference of
	// any type. (ref.null ht) is a ResultValue with Value.Null.
	ResultRefNull
)

// Result is an expected result of assert_return.
type Result struct {
	Pos   ir.Pos
	Kind  ResultKind
	Value Value
	// NaN holds per-lane NaN patterns: NaN[0] for an f32 or f64 result,
	// NaN[i] for lane i of an f32x4 or f64x2 result. The lane's bits in
	// Value are then zero and must be ignored.
	NaN    [4]NaNPattern
	Either []Result // ResultEither: the alternatives
}

// HasNaNPattern reports whether any lane is a NaN pattern.
func (r *Result) HasNaNPattern() bool { return r.NaN != [4]NaNPattern{} }

// AssertReturn is (assert_return action result*).
type AssertReturn struct {
	Pos     ir.Pos
	Action  Action
	Results []Result
}

// AssertTrap is (assert_trap action "msg") or (assert_trap module "msg"),
// the latter a module whose instantiation traps (the spec interpreter's
// assert_uninstantiable); exactly one of Action, Module and Instance is
// set (Instance for (assert_trap (module instance …) "msg")).
type AssertTrap struct {
	Pos      ir.Pos
	Action   *Action
	Module   *ModuleCommand
	Instance *InstanceCommand
	Message  string
}

// AssertException is (assert_exception action): the action must throw a
// WebAssembly exception (one not caught inside the module).
type AssertException struct {
	Pos    ir.Pos
	Action Action
}

// AssertExhaustion is (assert_exhaustion action "msg").
type AssertExhaustion struct {
	Pos     ir.Pos
	Action  Action
	Message string
}

// AssertModule is assert_malformed (Kind ir.Malformed), assert_invalid
// (ir.Invalid), assert_unlinkable (ir.Unlinkable) or assert_uninstantiable
// (ir.Uninstantiable) on a module. assert_malformed_custom and
// assert_invalid_custom are Malformed and Invalid with Custom set: the
// error is in a custom section or a custom annotation (@custom, @name,
// @metadata.code.*), which an implementation may also ignore rather than
// reject. Module is set, except for (assert_unlinkable (module instance
// …) "msg"), which sets Instance.
type AssertModule struct {
	Pos      ir.Pos
	Kind     ir.ErrorKind
	Custom   bool
	Module   *ModuleCommand
	Instance *InstanceCommand
	Message  string
}

// ThreadCommand is (thread $name (shared (module $m))* command*): the
// commands run on their own goroutine with a fresh registry in which the
// shared modules are visible.
type ThreadCommand struct {
	Pos      ir.Pos
	Name     string
	Shared   []string // module names, without '$'
	Commands []Command
}

// WaitCommand is (wait $thread): join the thread.
type WaitCommand struct {
	Pos    ir.Pos
	Thread string
}

// Position implementations.

func (c *ModuleCommand) Position() ir.Pos    { return c.Pos }
func (c *InstanceCommand) Position() ir.Pos  { return c.Pos }
func (c *AssertException) Position() ir.Pos  { return c.Pos }
func (c *RegisterCommand) Position() ir.Pos  { return c.Pos }
func (c *ActionCommand) Position() ir.Pos    { return c.Pos }
func (c *AssertReturn) Position() ir.Pos     { return c.Pos }
func (c *AssertTrap) Position() ir.Pos       { return c.Pos }
func (c *AssertExhaustion) Position() ir.Pos { return c.Pos }
func (c *AssertModule) Position() ir.Pos     { return c.Pos }
func (c *ThreadCommand) Position() ir.Pos    { return c.Pos }
func (c *WaitCommand) Position() ir.Pos      { return c.Pos }
