package interp

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/watt-wasm/watt/ir"
)

const (
	// checkInterval is how many back-edges and calls run between checks of
	// cancellation.
	checkInterval = 1024
	// maxStackSlots bounds the value stack (64 MiB); deeper recursion is
	// "call stack exhausted".
	maxStackSlots = 1 << 23
	// pooledStackSlots is the largest stack a pooled thread keeps.
	pooledStackSlots = 1 << 16
)

// thread is one goroutine's execution state: the value stack and the call
// frames. Threads are pooled so calls allocate nothing once warm.
type thread struct {
	stack   []uint64
	refs    []*Object   // references, slot for slot beside stack once code using them ran (see enterRefs)
	frames  []frame     // callers' frames: frames[:depth]; the length is what is allocated
	callers []*Function // callers of crossFrame frames, by depth
	depth   int

	// The executing frame, as run's loop leaves it for its helpers and
	// its reload (see run): the function, its frame base in stack and a
	// pc (after the instruction a helper runs; where the loop goes on).
	fn *Function
	fp int
	pc int

	ctx      context.Context
	stop     *atomic.Bool // set when ctx is done; per call, so a late cancel cannot reach the next call
	ticks    int          // back-edges and calls left before the next checkpoint
	fuel     int64        // remaining fuel beyond ticks, when fuelOn
	fuelOn   bool
	maxDepth int
}

var threadPool = sync.Pool{New: func() any {
	return &thread{stack: make([]uint64, 1024), frames: make([]frame, 64)}
}}

type fuelKey struct{}

// depthKey carries the call depth into host functions, for calls they make.
type depthKey struct{}

// depthCtx adds depth to a context without growing a chain: re-entered
// calls nest arbitrarily deep, and lookups through a chain would cost
// O(depth) each.
type depthCtx struct {
	context.Context // the caller's context, never a depthCtx
	depth           int
}

func (c *depthCtx) Value(k any) any {
	if _, ok := k.(depthKey); ok {
		return c.depth
	}
	return c.Context.Value(k)
}

func withDepth(ctx context.Context, frames int) context.Context {
	if dc, ok := ctx.(*depthCtx); ok {
		return &depthCtx{dc.Context, dc.depth + frames}
	}
	return &depthCtx{ctx, frames}
}

// WithFuel returns a context that limits each call made with it to n units
// of fuel: one unit per loop back-edge and per call. Running out fails the
// call with an Exhaustion error "fuel exhausted".
func WithFuel(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, fuelKey{}, n)
}

// enter makes room for fc's frame at fp, zeroes its declared locals and
// fills its constant slots.
func (t *thread) enter(fc *funcCode, fp int) {
	need := fp + int(fc.frame)
	if need > len(t.stack) {
		t.growStack(need, fc)
	}
	clear(t.stack[fp+int(fc.params) : fp+int(fc.locals)])
	copy(t.stack[fp+int(fc.locals):], fc.consts)
	if fc.usesRefs {
		t.enterRefs(fc, fp)
	}
}

// enterRefs readies thread.refs for entering fc, which uses references,
// at fp: refs is allocated (to the value stack's length) only once a
// thread runs code that uses references, so that code without them never
// pays for it, and declared reference locals start null.
func (t *thread) enterRefs(fc *funcCode, fp int) {
	if len(t.refs) < len(t.stack) {
		t.growRefs()
	}
	if fc.refLocals {
		clear(t.refs[fp+int(fc.params) : fp+int(fc.locals)])
	}
}

// growRefs makes refs as long as the value stack.
func (t *thread) growRefs() {
	r := make([]*Object, len(t.stack))
	copy(r, t.refs)
	t.refs = r
}

// growStack makes the value stack at least need slots long, for entering
// callee (nil for host calls and arguments): beyond maxStackSlots that is
// "call stack exhausted".
func (t *thread) growStack(need int, callee *funcCode) {
	if need > maxStackSlots {
		msg := msgCallStackExhausted
		if callee != nil && callee.hugeFrame > 0 {
			msg += fmt.Sprintf(": the locals of %s need %d value stack slots, beyond the limit of %d",
				callee.name, callee.hugeFrame, maxStackSlots)
		}
		panic(newTrap(ir.Exhaustion, msg).at(t.code(), t.pc))
	}
	n := 2 * len(t.stack)
	for n < need {
		n *= 2
	}
	s := make([]uint64, min(n, maxStackSlots))
	copy(s, t.stack)
	t.stack = s
}

// checkpoint runs every checkInterval back-edges or calls: it stops on
// cancellation and accounts fuel.
func (t *thread) checkpoint(pc int) {
	if t.stop != nil && t.stop.Load() {
		msg := msgInterrupted
		if t.ctx != nil && t.ctx.Err() != nil {
			msg += ": " + t.ctx.Err().Error()
		}
		panic(newTrap(ir.Trap, msg).at(t.code(), pc))
	}
	if !t.fuelOn {
		t.ticks = checkInterval
		return
	}
	if t.fuel <= 0 {
		panic(newTrap(ir.Exhaustion, msgFuelExhausted).at(t.code(), pc))
	}
	// Take the next slice of fuel; the event that got us here spends one.
	n := min(t.fuel, checkInterval)
	t.fuel -= n
	t.ticks = int(n) - 1
}

func (t *thread) trapAt(pc int, msg string) *Trap {
	return newTrap(ir.Trap, msg).at(t.code(), pc)
}

// code returns the executing function's code (nil when a host function
// is called from outside wasm).
func (t *thread) code() *funcCode {
	if t.fn == nil {
		return nil
	}
	return t.fn.code
}

// memSlow handles a failed bounds check against the cached memory slice: a
// shared memory may have grown meanwhile, so look again before trapping.
func (t *thread) memSlow(inst *Instance, pc int, end uint64) []byte {
	mem := inst.memBytes()
	if end > uint64(len(mem)) {
		panic(t.trapAt(pc, msgMemOOB))
	}
	return mem
}

// callHost calls a host function with its arguments at t.stack[fp:]
// (references at t.refs[fp:]). It returns the exception the host function
// lets through, if any, for the caller to throw.
func (t *thread) callHost(f *Function, fp int) *Object {
	if f.refSig && len(t.refs) < len(t.stack) {
		t.growRefs()
	}
	args := make([]Value, len(f.typ.Params))
	p := fp
	for i, ty := range f.typ.Params {
		if ty.IsRef() {
			args[i] = refValue(f.store, ty, t.refs[p])
		} else {
			args[i] = Value{Type: ty, Lo: t.stack[p]}
			if ty == ir.V128 {
				args[i].Hi = t.stack[p+1]
			}
		}
		p += ty.Slots()
	}
	ctx := t.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := f.host(withDepth(ctx, t.depth+1), args)
	if err != nil {
		if x, ok := err.(*Exception); ok && x.obj.rt.tag.store == f.store {
			// The host function lets an exception through (one a call
			// back into wasm threw, or its own): it propagates in the
			// caller, as if the host function had thrown it.
			return x.obj
		}
		switch e := err.(type) {
		case *ir.Error:
			panic(&Trap{Kind: e.Kind, Msg: e.Msg, Cause: e})
		case *Trap:
			panic(e)
		}
		tr := t.trapAt(t.pc, err.Error())
		tr.Cause = err
		panic(tr)
	}
	if len(res) != len(f.typ.Results) {
		panic(t.trapAt(t.pc, fmt.Sprintf("host function returned %d results, want %d", len(res), len(f.typ.Results))))
	}
	if need := fp + int(slots(f.typ.Results)); need > len(t.stack) {
		t.growStack(need, nil)
	}
	p = fp
	for i, ty := range f.typ.Results {
		if ty.IsRef() {
			o, err := toRef(f.store, res[i], ty)
			if err != nil {
				panic(t.trapAt(t.pc, fmt.Sprintf("host function result %d: %v", i, err)))
			}
			t.refs[p] = o
			p++
			continue
		}
		if res[i].Type != ty {
			panic(t.trapAt(t.pc, fmt.Sprintf("host function result %d is %v, want %v", i, res[i].Type, ty)))
		}
		v := res[i].normalize()
		t.stack[p] = v.Lo
		if ty == ir.V128 {
			t.stack[p+1] = v.Hi
		}
		p += ty.Slots()
	}
	return nil
}

// Call invokes f with args (checked against its signature) and returns its
// results. Traps and exhaustion come back as *ir.Error. ctx cancels a
// running call at its next loop iteration, call or wait; see WithFuel for a
// budget. Any number of goroutines may call functions concurrently.
func (f *Function) Call(ctx context.Context, args ...Value) ([]Value, error) {
	if len(args) != len(f.typ.Params) {
		return nil, &ir.Error{Kind: ir.Trap, Msg: fmt.Sprintf("type mismatch: %d arguments for %v", len(args), f.typ)}
	}
	for i, a := range args {
		// (Reference arguments are checked as they are passed, in invoke.)
		if pt := f.typ.Params[i]; a.Type != pt && !pt.IsRef() {
			return nil, &ir.Error{Kind: ir.Trap, Msg: fmt.Sprintf("type mismatch: argument %d is %v, want %v", i, a.Type, pt)}
		}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, &ir.Error{Kind: ir.Trap, Msg: msgInterrupted + ": " + err.Error()}
	}
	t := threadPool.Get().(*thread)
	res, err := t.invoke(ctx, f, args)
	if len(t.stack) > pooledStackSlots {
		// Do not let one deep recursion pin a huge stack in the pool.
		t.stack = make([]uint64, 1024)
	}
	if len(t.refs) > pooledStackSlots {
		t.refs = nil
	}
	// Objects a pooled thread's refs still point to stay alive until the
	// slots are reused or the pool drops the thread (sync.Pool does at
	// the second garbage collection it is idle): no need to clear them.
	threadPool.Put(t)
	return res, err
}

func (t *thread) invoke(ctx context.Context, f *Function, args []Value) (res []Value, err error) {
	t.ctx = ctx
	t.stop = nil
	t.depth = 0
	t.fn, t.fp, t.pc = nil, 0, 0
	t.ticks = 0
	t.fuel, t.fuelOn = 0, false
	if n, ok := ctx.Value(fuelKey{}).(int64); ok {
		t.fuel, t.fuelOn = n, true
	}
	t.maxDepth = DefaultMaxCallDepth
	if f.store != nil {
		t.maxDepth = f.store.maxDepth()
	}
	// Calls re-entered from host functions count the frames below them, so
	// host-wasm recursion also ends in "call stack exhausted" rather than
	// overflowing the Go stack.
	if outer, ok := ctx.Value(depthKey{}).(int); ok {
		t.maxDepth -= outer
		if t.maxDepth <= 0 {
			return nil, newTrap(ir.Exhaustion, msgCallStackExhausted).Err()
		}
	}
	if ctx.Done() != nil {
		flag := new(atomic.Bool)
		t.stop = flag
		stop := context.AfterFunc(ctx, func() { flag.Store(true) })
		defer stop()
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, errorOf(r)
			if x, ok := r.(*thrown); ok {
				err = newException(x.obj)
			}
		}
		t.ctx = nil
		t.depth = 0
		t.fn = nil
	}()
	if need := int(f.ioSlots); need > len(t.stack) {
		t.growStack(need, nil)
	}
	if f.refSig && len(t.refs) < len(t.stack) {
		t.growRefs()
	}
	p := 0
	for i, a := range args {
		if pt := f.typ.Params[i]; pt.IsRef() {
			// A reference argument must be a value of the parameter's
			// type: wasm code relies on its static types.
			if f.inst != nil {
				pt = f.inst.canon(pt)
			}
			o, err := toRef(f.store, a, pt)
			if err != nil {
				return nil, &ir.Error{Kind: ir.Trap, Msg: fmt.Sprintf("argument %d: %v", i, err)}
			}
			t.refs[p] = o
			p++
			continue
		}
		a = a.normalize()
		t.stack[p] = a.Lo
		if a.Type == ir.V128 {
			t.stack[p+1] = a.Hi
		}
		p += a.Type.Slots()
	}
	if f.host != nil {
		if exn := t.callHost(f, 0); exn != nil {
			return nil, newException(exn)
		}
	} else {
		t.run(f, 0)
	}
	res = make([]Value, len(f.typ.Results))
	p = 0
	for i, ty := range f.typ.Results {
		if ty.IsRef() {
			if f.inst != nil {
				ty = f.inst.canon(ty)
			}
			res[i] = refValue(f.store, ty, t.refs[p])
			p++
			continue
		}
		res[i] = Value{Type: ty, Lo: t.stack[p]}
		if ty == ir.V128 {
			res[i].Hi = t.stack[p+1]
		}
		p += ty.Slots()
	}
	return res, nil
}
