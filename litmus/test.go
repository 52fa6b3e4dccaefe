package litmus

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// Test is one litmus test: threads of straight-line memory operations over
// named shared locations, an initial state, the values that make up an
// outcome, and optionally a question about outcomes (the exists clause).
type Test struct {
	Name string
	Doc  string     // the quoted comment under the header, if any
	Src  *ir.Source // where the test was read from (positions in errors)

	Locs    []Loc
	Threads []Thread
	// Observe lists the values an outcome is made of, in print order:
	// every register of every thread, then final values of locations.
	Observe []Obs
	// Cond is the question, nil if the test asks none.
	Cond *Cond

	// check is set for tests read from .wast files: the file's own
	// assertion, evaluated on outcomes for comparison.
	check *wastCheck
}

// Loc is a shared memory location: one aligned i32 or i64 word. All
// accesses to a location have its width; the model has no mixed-size or
// overlapping accesses.
type Loc struct {
	Name string
	Type ir.ValType // ir.I32 or ir.I64
	Init uint64     // initial value, wrapped to Type
	Pos  ir.Pos     // first mention
}

// Thread is one thread's code and registers.
type Thread struct {
	Name   string // "P0"
	Instrs []Instr
	Regs   []Reg
}

// Reg is a thread-local register (a wasm local in the compiled code).
type Reg struct {
	Name string
	Type ir.ValType
}

// Kind is what an instruction does to memory.
type Kind uint8

const (
	Load    Kind = iota // Dst = [Loc]
	Store               // [Loc] = Args[0]
	RMW                 // Dst = [Loc]; [Loc] = Dst op Args[0]
	Cmpxchg             // Dst = [Loc]; if Dst == Args[0] { [Loc] = Args[1] }
	Fence               // atomic.fence
	Wait                // Dst = memory.atomic.waitN Loc, expected Args[0], timeout Args[1]
	Notify              // Dst = memory.atomic.notify Loc, count Args[0]
)

// RMWOp is the operation of an RMW instruction.
type RMWOp uint8

const (
	OpAdd RMWOp = iota
	OpSub
	OpAnd
	OpOr
	OpXor
	OpXchg
)

var rmwNames = [...]string{"add", "sub", "and", "or", "xor", "xchg"}

func (op RMWOp) String() string { return rmwNames[op] }

// apply computes the value an RMW writes, wrapped to width by the caller.
func (op RMWOp) apply(old, v uint64) uint64 {
	switch op {
	case OpAdd:
		return old + v
	case OpSub:
		return old - v
	case OpAnd:
		return old & v
	case OpOr:
		return old | v
	case OpXor:
		return old ^ v
	}
	return v
}

// Instr is one instruction of a thread.
type Instr struct {
	Pos    ir.Pos
	Kind   Kind
	Atomic bool       // loads and stores: the atomic form; RMW, Cmpxchg, Wait, Notify, Fence are always atomic
	Type   ir.ValType // access width (ir.I32 or ir.I64); notify: ir.I32
	Op     RMWOp      // RMW only
	Loc    int        // index into Test.Locs; -1 for Fence
	Dst    int        // register index into the thread's Regs; -1 if the result is dropped or there is none
	Args   []Operand
}

// Operand is a constant or a register of the same thread.
type Operand struct {
	Reg   int    // register index, or -1 for a constant
	Const uint64 // the constant, wrapped to the instruction's width
}

// Const returns a constant operand.
func Const(v uint64) Operand { return Operand{Reg: -1, Const: v} }

// Obs is one component of an outcome: a register's final value (Thread >=
// 0) or a location's final value (Thread == -1).
type Obs struct {
	Thread int
	Index  int // register index in the thread, or location index
}

// Outcome is the values of a test's Observe list, in order; each value is
// wrapped to its width.
type Outcome []uint64

// key is an Outcome as a map key.
func (o Outcome) key() string {
	var b strings.Builder
	for i, v := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(v, 16))
	}
	return b.String()
}

// mask returns the value mask of a width.
func mask(t ir.ValType) uint64 {
	if t == ir.I64 {
		return ^uint64(0)
	}
	return 0xffffffff
}

// signed renders a value of width t as a signed decimal, which is how
// litmus values are written.
func signed(v uint64, t ir.ValType) string {
	if t == ir.I64 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatInt(int64(int32(uint32(v))), 10)
}

// ObsName names an observable: "0:r0" for register r0 of thread 0, the
// location's name for a location.
func (t *Test) ObsName(o Obs) string {
	if o.Thread >= 0 {
		return fmt.Sprintf("%d:%s", o.Thread, t.Threads[o.Thread].Regs[o.Index].Name)
	}
	return t.Locs[o.Index].Name
}

// obsType is an observable's width.
func (t *Test) obsType(o Obs) ir.ValType {
	if o.Thread >= 0 {
		return t.Threads[o.Thread].Regs[o.Index].Type
	}
	return t.Locs[o.Index].Type
}

// Signed returns component i of an outcome as a signed number of its width.
func (t *Test) Signed(o Outcome, i int) int64 {
	if t.obsType(t.Observe[i]) == ir.I64 {
		return int64(o[i])
	}
	return int64(int32(uint32(o[i])))
}

// Format renders an outcome as litmus7 does: "0:r0=0 1:r1=1 x=2".
func (t *Test) Format(o Outcome) string {
	var b strings.Builder
	for i, obs := range t.Observe {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.ObsName(obs))
		b.WriteByte('=')
		b.WriteString(signed(o[i], t.obsType(obs)))
	}
	return b.String()
}

// AllAtomic reports whether every access to a location that several
// threads use is atomic. Then no two accesses can race, and the allowed
// outcomes are exactly the sequentially consistent ones. (Non-atomic
// accesses to a location only one thread uses, such as the result slots
// of the threads suite's scripts, cannot race.)
func (t *Test) AllAtomic() bool {
	users := make([]int, len(t.Locs)) // a thread index, -1 for several
	for i := range users {
		users[i] = -2
	}
	for i, th := range t.Threads {
		for _, in := range th.Instrs {
			if in.Loc < 0 {
				continue
			}
			switch users[in.Loc] {
			case -2:
				users[in.Loc] = i
			case i, -1:
			default:
				users[in.Loc] = -1
			}
		}
	}
	for _, th := range t.Threads {
		for _, in := range th.Instrs {
			if (in.Kind == Load || in.Kind == Store) && !in.Atomic && users[in.Loc] == -1 {
				return false
			}
		}
	}
	return true
}

// String renders an instruction in the litmus text syntax.
func (t *Test) instrString(th *Thread, in *Instr) string {
	var b strings.Builder
	if in.Dst >= 0 {
		b.WriteString(th.Regs[in.Dst].Name + " = ")
	}
	b.WriteString(in.opName())
	if in.Loc >= 0 {
		b.WriteString(" " + t.Locs[in.Loc].Name)
	}
	for _, a := range in.Args {
		if a.Reg >= 0 {
			b.WriteString(" " + th.Regs[a.Reg].Name)
		} else {
			b.WriteString(" " + signed(a.Const, in.argType()))
		}
	}
	return b.String()
}

// argType is the width of an instruction's operands (wait's timeout is
// always i64, notify's count i32).
func (in *Instr) argType() ir.ValType {
	if in.Kind == Notify {
		return ir.I32
	}
	return in.Type
}

// opName is the wasm instruction name.
func (in *Instr) opName() string {
	w := "i32"
	if in.Type == ir.I64 {
		w = "i64"
	}
	switch in.Kind {
	case Load:
		if in.Atomic {
			return w + ".atomic.load"
		}
		return w + ".load"
	case Store:
		if in.Atomic {
			return w + ".atomic.store"
		}
		return w + ".store"
	case RMW:
		return w + ".atomic.rmw." + in.Op.String()
	case Cmpxchg:
		return w + ".atomic.rmw.cmpxchg"
	case Fence:
		return "atomic.fence"
	case Wait:
		if in.Type == ir.I64 {
			return "memory.atomic.wait64"
		}
		return "memory.atomic.wait32"
	case Notify:
		return "memory.atomic.notify"
	}
	return "?"
}

// reads and writes say how an instruction touches its location (a failed
// cmpxchg only reads, which is decided at run time).
func (in *Instr) reads() bool {
	return in.Kind == Load || in.Kind == RMW || in.Kind == Cmpxchg || in.Kind == Wait
}

func (in *Instr) writes() bool {
	return in.Kind == Store || in.Kind == RMW || in.Kind == Cmpxchg
}

// isAtomic reports whether the access is atomic.
func (in *Instr) isAtomic() bool {
	return in.Atomic || (in.Kind != Load && in.Kind != Store)
}

// waitForever reports whether a wait's timeout is negative (no timeout).
func (in *Instr) waitForever() bool { return int64(in.Args[1].Const) < 0 }

// defaultObserve lists every register, then the given locations without
// repeats.
func defaultObserve(t *Test, locs []int) []Obs {
	var obs []Obs
	for i, th := range t.Threads {
		for r := range th.Regs {
			obs = append(obs, Obs{Thread: i, Index: r})
		}
	}
	seen := map[int]bool{}
	for _, l := range locs {
		if !seen[l] {
			seen[l] = true
			obs = append(obs, Obs{Thread: -1, Index: l})
		}
	}
	return obs
}

// validate checks the rules every test must follow, whatever it was read
// from.
func (t *Test) validate() error {
	if len(t.Threads) == 0 {
		return ir.Errorf(t.Src, 0, ir.Malformed, "test %s has no threads", t.Name)
	}
	events := 0
	accesses := make([]int, len(t.Locs))
	for _, th := range t.Threads {
		for _, in := range th.Instrs {
			if in.Loc >= 0 {
				accesses[in.Loc]++
			}
		}
	}
	for _, th := range t.Threads {
		events += len(th.Instrs)
		for _, in := range th.Instrs {
			// The number of waiters a notify wakes depends on the order of
			// events, which the weak model only knows at the end: such a
			// value may be stored (to report it), but nothing may read it.
			for _, a := range in.Args {
				if a.Reg >= 0 && th.Instrs[regDef(&th, a.Reg)].Kind == Notify && (in.Kind != Store || accesses[in.Loc] != 1) {
					return ir.Errorf(t.Src, in.Pos, ir.Malformed, "register %s holds a notify count: it can only be stored to a location nothing else accesses", th.Regs[a.Reg].Name)
				}
			}
			if in.Kind == Wait {
				if t.Locs[in.Loc].Type != in.Type {
					return ir.Errorf(t.Src, in.Pos, ir.Malformed, "%s on %v location %s", in.opName(), t.Locs[in.Loc].Type, t.Locs[in.Loc].Name)
				}
				events++ // a wait that blocks is two events: check and resume
			}
		}
	}
	events += len(t.Observe)
	if events > maxEventsInModel {
		return ir.Errorf(t.Src, 0, ir.Malformed, "test %s is too large to enumerate (%d events, at most %d)", t.Name, events, maxEventsInModel)
	}
	if len(t.Observe) == 0 {
		return ir.Errorf(t.Src, 0, ir.Malformed, "test %s observes nothing: assign a register or list locations [x]", t.Name)
	}
	return nil
}

// regDef returns the index of the instruction that assigns register r.
func regDef(th *Thread, r int) int {
	for i, in := range th.Instrs {
		if in.Dst == r {
			return i
		}
	}
	return 0
}
