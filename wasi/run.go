package wasi

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// TrapStatus is the exit status of a process ended by a trap in any of its
// threads. It is wasmtime's on Unix (128 + SIGABRT), so scripts can tell a
// crash from a program's own exit(1).
const TrapStatus = 134

// Thread-spawn import names: the wasi-threads proposal's, and the older
// spelling some toolchains still emit.
const (
	ThreadsModule     = "wasi"
	ThreadSpawn       = "thread-spawn"
	ThreadSpawnLegacy = "thread_spawn"
	threadStartExport = "wasi_thread_start"
	maxThreadID       = 0x1FFFFFFF // wasi-threads: tids fit in 29 bits
)

// DefaultMaxThreads is the default of Config.MaxThreads: how many spawned
// threads may be running at once. Each is a goroutine and an instance of
// the module; 1024 is far more than programs use (wasi-libc's pthreads
// tests need a few dozen) and small enough that a guest spawning in a
// loop fails quickly and cheaply. WAMR's iwasm defaults to 4 threads per
// cluster (--max-threads); wasmtime sets no limit of its own beyond the
// OS's threads.
const DefaultMaxThreads = 1024

// Process is one running WASI command: the main instance and, with
// wasi-threads, one more instance per spawned thread, all sharing the
// WASI state and the imported memory. It ends when _start returns, when
// any thread calls proc_exit, or when any thread traps; then every other
// thread is cancelled (the interpreter checks its context at loop
// back-edges, calls and waits; WASI calls that may block check it too, see
// blocking.go) and waited for, which takes no longer than a thread needs
// to reach its next check.
type Process struct {
	sys     *System
	store   *interp.Store
	mod     *interp.Module
	imports interp.ImportMap

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	tids   atomic.Int32

	maxThreads int32
	live       atomic.Int32 // spawned threads not yet returned

	ran    atomic.Bool
	once   sync.Once
	status int
	err    error
}

// Run runs the WASI command m: it instantiates m with WASI preview 1,
// wasi-threads and cfg.Imports, calls its _start export and returns the
// exit status (0 when _start returns, proc_exit's argument, TrapStatus on a
// trap). err is nil for a normal exit or proc_exit; it describes a trap
// (with TrapStatus) or a module that could not be run (status 1).
func Run(ctx context.Context, m *interp.Module, cfg Config) (status int, err error) {
	p, err := NewProcess(ctx, m, cfg)
	if err != nil {
		return 1, err
	}
	defer p.Close()
	return p.Run()
}

// NewProcess prepares m to run: it opens the WASI state and resolves m's
// imports. A memory import that cfg.Imports does not provide is created
// from its declared type (the wasi-threads convention: the host makes the
// shared memory every thread's instance imports).
func NewProcess(ctx context.Context, m *interp.Module, cfg Config) (*Process, error) {
	maxThreads := cfg.MaxThreads
	switch {
	case maxThreads == 0:
		maxThreads = DefaultMaxThreads
	case maxThreads < 0:
		return nil, fmt.Errorf("wasi: MaxThreads is %d, must not be negative", maxThreads)
	}
	sys, err := NewSystem(cfg)
	if err != nil {
		return nil, err
	}
	store := cfg.Store
	if store == nil {
		store = interp.NewStore()
	}
	p := &Process{sys: sys, store: store, mod: m, imports: interp.ImportMap{},
		maxThreads: int32(min(maxThreads, maxThreadID))}
	p.ctx, p.cancel = context.WithCancel(ctx)
	sys.exit = func(code int32) { p.finish(int(code), nil) }
	if err := p.resolve(cfg.Imports); err != nil {
		sys.Close()
		p.cancel()
		return nil, err
	}
	return p, nil
}

// System returns the process's WASI state.
func (p *Process) System() *System { return p.sys }

// Close releases the WASI state (open files, preopens).
func (p *Process) Close() error {
	p.cancel()
	return p.sys.Close()
}

func (p *Process) resolve(extra interp.Imports) error {
	var wasiFuncs map[string]interp.Extern
	set := func(mod, name string, e interp.Extern) {
		if p.imports[mod] == nil {
			p.imports[mod] = map[string]interp.Extern{}
		}
		p.imports[mod][name] = e
	}
	for _, im := range p.mod.IR.Imports {
		switch {
		case im.Module == ModuleName && im.Kind == ir.ExternFunc:
			if wasiFuncs == nil {
				wasiFuncs = p.sys.Funcs(p.store)
			}
			ft := p.mod.IR.Types[im.Func].FuncType
			if f, ok := wasiFuncs[im.Name].(*interp.Function); ok && f.Type().Equal(ft) {
				set(im.Module, im.Name, f)
			} else {
				// Unknown or misdeclared WASI function: link it to a
				// stub failing with ENOSYS rather than refusing the module.
				set(im.Module, im.Name, StubFunc(p.store, ft))
			}
		case im.Module == ThreadsModule && (im.Name == ThreadSpawn || im.Name == ThreadSpawnLegacy) && im.Kind == ir.ExternFunc:
			ft := ir.FuncType{Params: []ir.ValType{ir.I32}, Results: []ir.ValType{ir.I32}}
			spawn := p.spawn
			if p.sys.cfg.Trace != nil {
				spawn = func(ctx context.Context, args []interp.Value) ([]interp.Value, error) {
					res, err := p.spawn(ctx, args)
					if err == nil {
						p.sys.trace(im.Name, args, res[0].String())
					}
					return res, err
				}
			}
			set(im.Module, im.Name, p.store.NewHostFunc(ft, spawn))
		default:
			if extra != nil {
				if e, ok := extra.Resolve(im.Module, im.Name); ok {
					set(im.Module, im.Name, e)
					if mem, ok := e.(*interp.Memory); ok {
						p.sys.SetMemory(mem)
					}
					continue
				}
			}
			if im.Kind == ir.ExternMemory {
				mem, err := interp.NewMemory(im.Memory)
				if err != nil {
					return &ir.Error{Src: p.mod.Src, Pos: im.Pos, Kind: ir.Unlinkable, Msg: err.Error()}
				}
				set(im.Module, im.Name, mem)
				p.sys.SetMemory(mem)
			}
		}
	}
	return nil
}

// finish records how the process ended; the first call wins. It cancels
// every thread.
func (p *Process) finish(status int, err error) {
	p.once.Do(func() {
		p.status, p.err = status, err
	})
	p.cancel()
}

// Run instantiates the module, runs _start and waits for every thread. A
// process runs once.
func (p *Process) Run() (int, error) {
	if !p.ran.CompareAndSwap(false, true) {
		return 1, errors.New("wasi: process already ran")
	}
	inst, err := interp.InstantiateContext(p.ctx, p.store, p.mod, p.imports)
	if err != nil {
		if code, ok := p.sys.Exited(); ok { // proc_exit in a start function
			p.finish(int(code), nil)
			p.wg.Wait()
			return p.status, p.err
		}
		p.finish(1, err)
		p.wg.Wait()
		return p.status, p.err
	}
	if p.sys.mem.Load() == nil {
		if mem := inst.Memory("memory"); mem != nil {
			p.sys.SetMemory(mem)
		}
	}
	start := inst.Func("_start")
	if start == nil {
		p.finish(1, errors.New("module has no _start function (not a WASI command)"))
	} else if !start.Type().Equal(ir.FuncType{}) {
		p.finish(1, fmt.Errorf("_start has type %v, want []->[]", start.Type()))
	} else if _, err := start.Call(p.ctx); err != nil {
		p.finish(TrapStatus, err)
	} else {
		p.finish(0, nil)
	}
	p.wg.Wait()
	return p.status, p.err
}

// spawn implements thread-spawn(start_arg) -> tid: a new instance of the
// module with the same imports (so the same shared memory and WASI state)
// runs wasi_thread_start(tid, start_arg) on its own goroutine. Errors are
// negative results, as the proposal specifies: -EAGAIN when the process
// has MaxThreads threads running already (or has ended, or has used up
// the 2^29 thread ids), as for anything else that stops a thread from
// starting.
func (p *Process) spawn(ctx context.Context, args []interp.Value) ([]interp.Value, error) {
	fail := []interp.Value{interp.I32(-int32(EAGAIN))}
	if p.ctx.Err() != nil {
		return fail, nil
	}
	// Take a slot first, so threads spawning concurrently cannot all pass
	// the check; give it back on every failure.
	if p.live.Add(1) > p.maxThreads {
		p.live.Add(-1)
		return fail, nil
	}
	started := false
	defer func() {
		if !started {
			p.live.Add(-1)
		}
	}()
	tid := p.tids.Add(1)
	if tid > maxThreadID || tid <= 0 {
		return fail, nil
	}
	inst, err := interp.InstantiateContext(p.ctx, p.store, p.mod, p.imports)
	if err != nil {
		return fail, nil
	}
	f := inst.Func(threadStartExport)
	if f == nil || !f.Type().Equal(ir.FuncType{Params: []ir.ValType{ir.I32, ir.I32}}) {
		return fail, nil
	}
	started = true
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer p.live.Add(-1)
		if _, err := f.Call(p.ctx, interp.I32(tid), args[0]); err != nil {
			p.finish(TrapStatus, err)
		}
	}()
	return []interp.Value{interp.I32(tid)}, nil
}
