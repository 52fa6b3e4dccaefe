package litmus

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// Reading the threads suite's litmus scripts (MP.wast, SB_atomic.wast, …)
// directly. Their shape:
//
//	(module $Mem (memory (export "shared") 1 1 shared))
//	(register "mem")
//	(thread $T1 (shared (module $Mem))
//	  (register "mem" $Mem)
//	  (module (memory (import "mem" "shared") 1 1 shared)
//	    (func (export "run") …straight-line loads and stores…))
//	  (invoke "run"))
//	…
//	(wait $T1) …
//	(module $Check (memory (import "mem" "shared") 1 1 shared)
//	  (func (export "check") (result i32) …loads of the result slots…))
//	(assert_return (invoke $Check "check") (i32.const 1))
//
// Each thread's invoked function is lifted into litmus instructions by
// evaluating its body symbolically: constants and locals are tracked, every
// load result becomes a register, and every address must be a constant, so
// each access names a location ("[24]" for address 24). The outcome is the
// final values of the addresses the check function loads. The check itself
// is kept and run on each outcome, so the histogram can show whether the
// suite's own assertion agrees with the model's verdict.

// wastCheck is a script's final assertion: a function of the check module
// whose result must equal want.
type wastCheck struct {
	mod  *interp.Module
	mem  ir.MemoryType
	fn   string
	want []wat.Result
	locs []int // observed locations (their addresses are in addr)
	addr []uint64
}

var threadsFeatures = ir.DefaultFeatures().With(ir.FeatureThreads, true)

// ParseWast reads a threads-suite litmus script. Scripts that are not
// litmus tests (loops, computed addresses, several calls per thread) are
// refused with the position of what does not fit.
func ParseWast(src *ir.Source) (*Test, error) {
	script, err := wat.ParseScript(src, threadsFeatures)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(src.Name), filepath.Ext(src.Name))
	lf := &lifter{src: src, t: &Test{Name: name + ".wast", Src: src,
		Doc: "lifted from " + filepath.Base(src.Name)}, locAt: map[uint64]int{}}
	var mem *ir.MemoryType
	var checkMod *wat.ModuleCommand
	for _, c := range script.Commands {
		switch c := c.(type) {
		case *wat.ModuleCommand:
			if c.Kind != wat.ModuleText || c.Module == nil {
				return nil, lf.errorf(c.Pos, "litmus scripts use text modules")
			}
			if mem == nil {
				mt, err := lf.sharedMemory(c)
				if err != nil {
					return nil, err
				}
				mem = &mt
				continue
			}
			checkMod = c
		case *wat.RegisterCommand, *wat.WaitCommand:
		case *wat.ThreadCommand:
			if err := lf.thread(c); err != nil {
				return nil, err
			}
		case *wat.AssertReturn:
			if checkMod == nil || lf.t.check != nil {
				return nil, lf.errorf(c.Pos, "not a litmus script: only the final check may be asserted outside threads")
			}
			if err := lf.check(checkMod, c, *mem); err != nil {
				return nil, err
			}
		default:
			return nil, lf.errorf(c.Position(), "not a litmus script: unexpected command")
		}
	}
	t := lf.t
	if len(t.Threads) == 0 {
		return nil, lf.errorf(0, "not a litmus script: no threads")
	}
	if len(t.Threads) > MaxThreads {
		return nil, lf.errorf(0, "at most %d threads, got %d", MaxThreads, len(t.Threads))
	}
	lf.sortLocs()
	if t.check != nil {
		for i, a := range t.check.addr {
			l, ok := lf.locAt[a]
			if !ok {
				return nil, lf.errorf(0, "the check reads address %d, which no thread accesses", a)
			}
			t.check.locs[i] = l
			t.Observe = append(t.Observe, Obs{Thread: -1, Index: l})
		}
	} else {
		all := make([]int, len(t.Locs))
		for i := range all {
			all[i] = i
		}
		t.Observe = defaultObserve(t, all)
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	return t, nil
}

type lifter struct {
	src   *ir.Source
	t     *Test
	locAt map[uint64]int // address -> location index
	addr  []uint64       // per location
}

func (lf *lifter) errorf(pos ir.Pos, format string, args ...any) error {
	return ir.Errorf(lf.src, pos, ir.Malformed, format, args...)
}

// sharedMemory checks the script's first module: a shared memory, no data.
func (lf *lifter) sharedMemory(c *wat.ModuleCommand) (ir.MemoryType, error) {
	m := c.Module
	if len(m.Memories) != 1 || !m.Memories[0].Type.Shared {
		return ir.MemoryType{}, lf.errorf(c.Pos, "not a litmus script: the first module must define one shared memory")
	}
	if len(m.Datas) > 0 || len(m.Funcs) > 0 {
		return ir.MemoryType{}, lf.errorf(c.Pos, "not a litmus script: the first module must define only the shared memory (no data, no code)")
	}
	return m.Memories[0].Type, nil
}

// exported finds the exported function name in m.
func exported(m *ir.Module, name string) (*ir.Func, bool) {
	for _, e := range m.Exports {
		if e.Kind == ir.ExternFunc && e.Name == name {
			i := int(e.Index) - m.NumImported(ir.ExternFunc)
			if i >= 0 && i < len(m.Funcs) {
				return &m.Funcs[i], true
			}
		}
	}
	return nil, false
}

// thread lifts one (thread …): one module, one call of one function.
func (lf *lifter) thread(c *wat.ThreadCommand) error {
	var mod *wat.ModuleCommand
	var call *wat.Action
	for _, cmd := range c.Commands {
		switch cmd := cmd.(type) {
		case *wat.RegisterCommand:
		case *wat.ModuleCommand:
			if mod != nil || cmd.Kind != wat.ModuleText || cmd.Module == nil {
				return lf.errorf(cmd.Pos, "a litmus thread has one text module")
			}
			mod = cmd
		case *wat.ActionCommand:
			if call != nil {
				return lf.errorf(cmd.Pos, "a litmus thread calls one function once")
			}
			call = &cmd.Action
		case *wat.AssertReturn:
			if call != nil {
				return lf.errorf(cmd.Pos, "a litmus thread calls one function once")
			}
			call = &cmd.Action
		default:
			return lf.errorf(cmd.Position(), "not a litmus thread: unexpected command")
		}
	}
	if mod == nil || call == nil || call.Kind != wat.ActionInvoke {
		return lf.errorf(c.Pos, "a litmus thread defines a module and invokes one of its functions")
	}
	if len(call.Args) > 0 {
		return lf.errorf(call.Pos, "a litmus thread's function takes no arguments")
	}
	f, ok := exported(mod.Module, call.Name)
	if !ok {
		return lf.errorf(call.Pos, "no exported function %q in the thread's module", call.Name)
	}
	name := c.Name
	if name == "" {
		name = fmt.Sprintf("P%d", len(lf.t.Threads))
	}
	lf.t.Threads = append(lf.t.Threads, Thread{Name: name})
	return lf.body(&lf.t.Threads[len(lf.t.Threads)-1], mod.Module, f)
}

// sym is a value on the symbolic stack: a constant or a register.
type sym struct {
	reg int
	c   uint64
	t   ir.ValType
}

// body evaluates a function body symbolically into th's instructions.
func (lf *lifter) body(th *Thread, m *ir.Module, f *ir.Func) error {
	ft := m.Types[f.Type]
	if len(ft.Params) > 0 {
		return lf.errorf(f.Pos, "a litmus thread's function takes no parameters")
	}
	var locals []sym
	for _, run := range f.Locals {
		for i := uint32(0); i < run.Count; i++ {
			if run.Type != ir.I32 && run.Type != ir.I64 {
				return lf.errorf(f.Pos, "litmus registers are i32 or i64, not %v", run.Type)
			}
			locals = append(locals, sym{reg: -1, t: run.Type})
		}
	}
	var stack []sym
	pop := func() sym {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		return s
	}
	operand := func(s sym) Operand {
		if s.reg >= 0 {
			return Operand{Reg: s.reg}
		}
		return Const(s.c & mask(s.t))
	}
	for i := range f.Body {
		in := &f.Body[i]
		op := in.Op
		name := op.Info().Name
		switch op {
		case ir.OpNop, ir.OpEnd:
			continue
		case ir.OpReturn:
			return nil
		case ir.OpI32Const:
			stack = append(stack, sym{reg: -1, c: in.Value, t: ir.I32})
			continue
		case ir.OpI64Const:
			stack = append(stack, sym{reg: -1, c: in.Value, t: ir.I64})
			continue
		case ir.OpLocalGet:
			stack = append(stack, locals[in.Index])
			continue
		case ir.OpLocalSet:
			locals[in.Index] = pop()
			continue
		case ir.OpLocalTee:
			locals[in.Index] = stack[len(stack)-1]
			continue
		case ir.OpDrop:
			pop()
			continue
		}
		spec, ok := instrSpecs[name]
		if !ok {
			if op.Info().Imm == ir.ImmBlock {
				return lf.errorf(in.Pos, "%s: litmus threads are straight-line code (no blocks, loops or branches)", name)
			}
			if strings.Contains(name, "load") || strings.Contains(name, "store") || strings.Contains(name, "rmw") {
				return lf.errorf(in.Pos, "%s", unknownInstr(name))
			}
			return lf.errorf(in.Pos, "unsupported instruction %s: litmus threads are loads, stores, RMWs, fences, wait and notify over constant addresses", name)
		}
		li := Instr{Pos: in.Pos, Kind: spec.kind, Atomic: spec.atomic, Type: spec.typ, Op: spec.op, Loc: -1, Dst: -1}
		args := make([]sym, spec.args)
		for k := spec.args - 1; k >= 0; k-- {
			args[k] = pop()
		}
		if spec.kind != Fence {
			a := pop()
			if a.reg >= 0 {
				return lf.errorf(in.Pos, "%s: the address must be a constant (litmus locations are fixed addresses)", name)
			}
			loc, err := lf.loc(uint64(uint32(a.c))+in.Mem.Offset, spec, in.Pos, name)
			if err != nil {
				return err
			}
			li.Loc = loc
		}
		for k, a := range args {
			if (spec.kind == Wait && k == 1) || spec.kind == Notify {
				if a.reg >= 0 {
					return lf.errorf(in.Pos, "%s: the timeout or count must be a constant", name)
				}
			}
			li.Args = append(li.Args, operand(a))
		}
		if len(op.Info().Results) > 0 || spec.kind == Wait || spec.kind == Notify || spec.kind == RMW || spec.kind == Cmpxchg {
			rt := spec.typ
			if spec.kind == Wait || spec.kind == Notify {
				rt = ir.I32
			}
			li.Dst = len(th.Regs)
			th.Regs = append(th.Regs, Reg{Name: fmt.Sprintf("r%d", len(th.Regs)), Type: rt})
			stack = append(stack, sym{reg: li.Dst, t: rt})
		}
		if len(th.Instrs) >= MaxInstrs {
			return lf.errorf(in.Pos, "at most %d memory instructions per thread", MaxInstrs)
		}
		th.Instrs = append(th.Instrs, li)
	}
	return nil
}

// loc returns the location at address a, checking that every access to it
// has the same width and that locations do not overlap.
func (lf *lifter) loc(a uint64, spec instrSpec, pos ir.Pos, name string) (int, error) {
	size := uint64(4)
	if spec.typ == ir.I64 {
		size = 8
	}
	if l, ok := lf.locAt[a]; ok {
		if spec.kind != Notify && lf.t.Locs[l].Type != spec.typ {
			return 0, lf.errorf(pos, "%s: address %d is accessed as %v elsewhere (mixed-size accesses are not modelled)", name, a, lf.t.Locs[l].Type)
		}
		return l, nil
	}
	if a%size != 0 {
		return 0, lf.errorf(pos, "%s: address %d is not aligned to %d bytes", name, a, size)
	}
	for l, b := range lf.addr {
		bs := uint64(4)
		if lf.t.Locs[l].Type == ir.I64 {
			bs = 8
		}
		if a < b+bs && b < a+size {
			return 0, lf.errorf(pos, "%s: address %d overlaps the location at %d", name, a, b)
		}
	}
	lf.locAt[a] = len(lf.t.Locs)
	lf.addr = append(lf.addr, a)
	lf.t.Locs = append(lf.t.Locs, Loc{Name: fmt.Sprintf("[%d]", a), Type: spec.typ, Pos: pos})
	return len(lf.t.Locs) - 1, nil
}

// sortLocs orders locations by address, renumbering the instructions.
func (lf *lifter) sortLocs() {
	t := lf.t
	order := make([]int, len(t.Locs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return lf.addr[order[i]] < lf.addr[order[j]] })
	newIndex := make([]int, len(order))
	locs := make([]Loc, len(order))
	addr := make([]uint64, len(order))
	for n, old := range order {
		newIndex[old] = n
		locs[n] = t.Locs[old]
		addr[n] = lf.addr[old]
	}
	for i := range t.Threads {
		for j := range t.Threads[i].Instrs {
			if l := t.Threads[i].Instrs[j].Loc; l >= 0 {
				t.Threads[i].Instrs[j].Loc = newIndex[l]
			}
		}
	}
	t.Locs, lf.addr = locs, addr
	for a, l := range lf.locAt {
		lf.locAt[a] = newIndex[l]
	}
}

// check records the final assertion: the addresses its function loads are
// the outcome, and the compiled module judges outcomes for comparison.
func (lf *lifter) check(c *wat.ModuleCommand, a *wat.AssertReturn, mem ir.MemoryType) error {
	if a.Action.Kind != wat.ActionInvoke || len(a.Action.Args) > 0 {
		return lf.errorf(a.Pos, "not a litmus script: the check is an invoke without arguments")
	}
	f, ok := exported(c.Module, a.Action.Name)
	if !ok {
		return lf.errorf(a.Pos, "no exported function %q in the check module", a.Action.Name)
	}
	chk := &wastCheck{mem: mem, fn: a.Action.Name, want: a.Results}
	seen := map[uint64]bool{}
	var scan func(body []ir.Instr)
	scan = func(body []ir.Instr) {
		for i := range body {
			in := &body[i]
			if spec, ok := instrSpecs[in.Op.Info().Name]; ok && spec.kind == Load && i > 0 && body[i-1].Op == ir.OpI32Const {
				addr := uint64(uint32(body[i-1].Value)) + in.Mem.Offset
				if !seen[addr] {
					seen[addr] = true
					chk.addr = append(chk.addr, addr)
				}
			}
			scan(in.Body)
			scan(in.ElseBody())
		}
	}
	scan(f.Body)
	if len(chk.addr) == 0 {
		return lf.errorf(c.Pos, "the check module loads no constant address")
	}
	chk.locs = make([]int, len(chk.addr))
	mod, err := interp.Compile(c.Module, lf.src, threadsFeatures)
	if err != nil {
		return err
	}
	chk.mod = mod
	lf.t.check = chk
	return nil
}

// suiteCheck runs the script's own check on an outcome: "pass", "FAIL", or
// why it could not run.
func (t *Test) suiteCheck(o Outcome) string {
	c := t.check
	if c == nil {
		return ""
	}
	mem, err := interp.NewMemory(c.mem)
	if err != nil {
		return "error: " + err.Error()
	}
	b := mem.Bytes()
	for i, l := range c.locs {
		v := o[i]
		for k := uint64(0); k < 8 && (k < 4 || t.Locs[l].Type == ir.I64); k++ {
			b[c.addr[i]+k] = byte(v >> (8 * k))
		}
	}
	imports := interp.ImportFunc(func(module, name string) (interp.Extern, bool) { return mem, true })
	inst, err := interp.Instantiate(interp.NewStore(), c.mod, imports)
	if err != nil {
		return "error: " + err.Error()
	}
	res, err := inst.Call(context.Background(), c.fn)
	if err != nil {
		return "error: " + err.Error()
	}
	if len(res) != len(c.want) {
		return "FAIL"
	}
	for i, w := range c.want {
		if w.Kind != wat.ResultValue || w.HasNaNPattern() || res[i].Type != w.Value.Type || res[i].Lo != w.Value.Lo {
			return "FAIL"
		}
	}
	return "pass"
}

// SuiteCheck reports whether the .wast script's own assertion accepts o:
// ok is false when the test has no such assertion.
func (t *Test) SuiteCheck(o Outcome) (pass, ok bool) {
	if t.check == nil {
		return false, false
	}
	return t.suiteCheck(o) == "pass", true
}
