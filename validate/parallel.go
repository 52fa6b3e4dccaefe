package validate

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/watt-wasm/watt/ir"
)

// Function bodies are independent of each other: each is checked against
// the module context (moduleChecker), which is complete before the first
// body is looked at and only read from then on. Large modules are
// therefore checked by several goroutines, each with its own funcChecker
// (operand and control stacks). Every function keeps its first error, and
// the errors are added to the list in function order, where the sequential
// loop would have added them: the result is the same either way.

// parallelMinInstrs is the size (instructions in all bodies) below which bodies are checked on the calling goroutine: starting
// workers costs more than it saves on small modules.
const parallelMinInstrs = 1 << 14

// parallelMin is parallelMinInstrs, a variable so that tests can force
// either path.
var parallelMin = parallelMinInstrs

// funcBatch is how many functions a worker takes at a time.
const funcBatch = 8

// funcError checks one function with fc and returns its first error. (A
// function whose type is unknown was reported with the declarations.)
func (mc *moduleChecker) funcError(fc *funcChecker, f *ir.Func) *ir.Error {
	ft := mc.typeAt(f.Type)
	if ft == nil {
		return nil
	}
	return fc.checkFunc(f, ft)
}

// checkFuncs checks every function body, in parallel when it pays off.
func (mc *moduleChecker) checkFuncs() {
	funcs := mc.m.Funcs
	workers := runtime.GOMAXPROCS(0)
	if workers > 1 {
		size := 0
		for i := range funcs {
			if size = countUpTo(funcs[i].Body, size, parallelMin); size >= parallelMin {
				break
			}
		}
		if size < parallelMin {
			workers = 1
		}
	}
	workers = min(workers, len(funcs))
	batch := funcBatch
	if len(funcs) < 4*workers*funcBatch {
		batch = 1
	}
	if workers <= 1 {
		for i := range funcs {
			if err := mc.funcError(&mc.fc, &funcs[i]); err != nil {
				mc.errs.Add(err)
			}
		}
		return
	}

	errs := make([]*ir.Error, len(funcs))
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		panicked atomic.Pointer[any]
	)
	work := func(fc *funcChecker) {
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
				next.Store(int64(len(funcs))) // stop the others early
			}
		}()
		for {
			lo := int(next.Add(int64(batch))) - batch
			if lo >= len(funcs) {
				return
			}
			for i := lo; i < min(lo+batch, len(funcs)); i++ {
				errs[i] = mc.funcError(fc, &funcs[i])
			}
		}
	}
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(&funcChecker{mc: mc})
		}()
	}
	work(&mc.fc)
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(*p) // as the sequential loop would have, on the caller's goroutine
	}
	for _, err := range errs {
		if err != nil {
			mc.errs.Add(err)
		}
	}
}

// countUpTo adds the instructions of body, nested ones included, to n,
// stopping once limit is reached. Nested bodies wait on a work list, not
// the goroutine stack.
func countUpTo(body []ir.Instr, n, limit int) int {
	var buf [16][]ir.Instr
	pending := append(buf[:0], body)
	for len(pending) > 0 && n < limit {
		body := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		n += len(body)
		for i := 0; i < len(body) && n < limit; i++ {
			if in := &body[i]; in.Body != nil || in.Ext != nil {
				pending = append(pending, in.Body)
				if els := in.ElseBody(); len(els) > 0 {
					pending = append(pending, els)
				}
				for _, h := range in.Handlers() { // a legacy try's arms
					pending = append(pending, h.Body)
				}
			}
		}
	}
	return n
}
