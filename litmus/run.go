package litmus

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// Options control a run.
type Options struct {
	// Runs is how many times the test runs (rounds). Zero runs nothing:
	// the histogram lists the model's outcomes with zero counts.
	Runs int
	// Batch is how many rounds one spawn of the threads runs, each round
	// on its own fresh instance of the locations (default 10,000).
	Batch int
	// Stagger, when positive, delays each thread in each round by a
	// random 0..Stagger spin-loop iterations after the start barrier, so
	// that different relative timings are tried.
	Stagger int
	// Affinity pins thread i to the i-th CPU the process may use (Linux
	// only; elsewhere it is an error). It applies only to tests with no
	// more threads than CPUs and no wait instruction: a pinned thread that
	// sleeps makes every wake-up a hand-off to that one OS thread, which
	// measured 5 to 15 times slower than letting Go place the goroutines,
	// and two pinned threads sharing a CPU only take turns.
	Affinity bool
	// Timeout bounds the whole run (0: no limit besides ctx).
	Timeout time.Duration
	// Seed seeds the stagger delays (0: a fixed default).
	Seed uint64
	// LocStride is the distance in bytes between the locations of one
	// instance (default 64, a cache line each).
	LocStride int
	// Spin is how many times a thread checks the barrier before it
	// blocks in memory.atomic.wait32 (0: 1024, or 64 when there are more
	// threads than GOMAXPROCS).
	Spin int
	// Fault injects a defect (testing only).
	Fault Fault
}

// DefaultBatch is the default number of rounds per spawn.
const DefaultBatch = 10_000

// ErrTimeout reports a run that hit its time limit; the histogram then
// holds the rounds completed before it.
var ErrTimeout = errors.New("timed out")

// Run runs t opts.Runs times on watt's interpreter: each thread on its own
// goroutine, all over one shared memory, and classifies every outcome with
// m. On error (time limit, trap) the histogram holds what completed.
func Run(ctx context.Context, t *Test, m *Model, opts Options) (*Histogram, error) {
	h := newHistogram(t, m)
	if opts.Runs <= 0 {
		return h, nil
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	opts.Batch = min(opts.Batch, opts.Runs)
	if opts.LocStride <= 0 {
		opts.LocStride = 64
	}
	if opts.LocStride%8 != 0 {
		return h, fmt.Errorf("location stride %d is not a multiple of 8", opts.LocStride)
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	var cpus []int
	if opts.Affinity {
		var err error
		if cpus, err = allowedCPUs(); err != nil {
			return h, fmt.Errorf("--affinity: %v", err)
		}
		if len(t.Threads) > len(cpus) || t.hasWait() {
			cpus = nil
		}
	}
	l := newLayout(t, opts.Batch, opts.LocStride)
	if l.pages > ir.MaxPages/4 {
		return h, fmt.Errorf("%s: batch of %d needs %d pages of memory; use a smaller batch", t.Name, opts.Batch, l.pages)
	}
	// Spin at the barrier while every thread can have a processor; with
	// more threads than processors, spinning only delays the thread that
	// has to arrive, so block almost at once.
	spin := opts.Spin
	if spin <= 0 {
		spin = 1024
		if len(t.Threads) > runtime.GOMAXPROCS(0) {
			spin = 64
		}
	}
	inst, err := t.instantiate(l, spin, opts.Stagger > 0, opts.Fault)
	if err != nil {
		return h, err
	}
	mem := inst.Memory("mem").Bytes()
	fns := make([]*interp.Function, len(t.Threads))
	for i := range fns {
		fns[i] = inst.Func(fmt.Sprintf("p%d", i))
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x6c69746d7573))
	key := make([]byte, 0, 8*len(t.Observe))
	start := time.Now()
	for done := 0; done < opts.Runs; {
		n := min(opts.Batch, opts.Runs-done)
		l.init(t, mem, n, opts.Stagger, rng)
		if err := runBatch(ctx, fns, n, cpus); err != nil {
			h.Elapsed = time.Since(start)
			if ctx.Err() != nil {
				return h, fmt.Errorf("%s: %w after %v (%d of %d runs done)", t.Name, ErrTimeout, h.Elapsed.Round(time.Millisecond), h.Runs, opts.Runs)
			}
			return h, fmt.Errorf("%s: %v", t.Name, err)
		}
		for k := 0; k < n; k++ {
			key = l.outcomeKey(t, mem, k, key[:0])
			h.add(key, func() Outcome { return l.outcome(t, mem, k) })
		}
		done += n
		h.Runs = done
	}
	h.Elapsed = time.Since(start)
	return h, nil
}

// instantiate compiles the harness through the text parser, the validator
// and the interpreter, as any wasm module.
func (t *Test) instantiate(l layout, spin int, stagger bool, fault Fault) (*interp.Instance, error) {
	features := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	src := ir.NewSource(t.Name+".harness.wat", []byte(t.harness(l, spin, stagger, fault)), false)
	mod, err := wat.ParseModule(src, features)
	if err != nil {
		return nil, fmt.Errorf("%s: internal error: harness does not parse: %v", t.Name, err)
	}
	cm, err := interp.Compile(mod, src, features)
	if err != nil {
		return nil, fmt.Errorf("%s: internal error: harness does not compile: %v", t.Name, err)
	}
	return interp.Instantiate(interp.NewStore(), cm, nil)
}

// runBatch runs rounds 0..n-1 on one goroutine per thread. The first
// failure cancels the others, so a trap never leaves threads waiting at the
// barrier.
func runBatch(ctx context.Context, fns []*interp.Function, n int, cpus []int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for i, f := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if cpus != nil {
				// The thread stays locked: it exits with the goroutine,
				// so no pinned thread returns to Go's pool.
				runtime.LockOSThread()
				if err := pinTo(cpus[i%len(cpus)]); err != nil {
					once.Do(func() { first = fmt.Errorf("pinning thread %d: %v", i, err) })
					cancel()
					return
				}
			}
			if _, err := f.Call(ctx, interp.I32(0), interp.I32(int32(n))); err != nil {
				once.Do(func() { first = fmt.Errorf("P%d: %v", i, err) })
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}

// init resets the control words and writes every instance's initial
// values and the delay table.
func (l *layout) init(t *Test, mem []byte, n, stagger int, rng *rand.Rand) {
	clear(mem[:delayBase])
	for k := 0; k < n; k++ {
		if stagger > 0 {
			for i := 0; i < l.threads; i++ {
				binary.LittleEndian.PutUint32(mem[l.delay+4*(k*l.threads+i):], uint32(rng.IntN(stagger+1)))
			}
		}
		base := l.inst + k*l.instStride
		for j, loc := range t.Locs {
			binary.LittleEndian.PutUint64(mem[base+j*l.locStride:], loc.Init)
		}
	}
}

// value reads observable o of instance k.
func (l *layout) value(t *Test, mem []byte, k int, o Obs) uint64 {
	var off int
	if o.Thread >= 0 {
		off = l.res + 8*(k*l.nregs+l.regBase[o.Thread]+o.Index)
	} else {
		off = l.inst + k*l.instStride + o.Index*l.locStride
	}
	if t.obsType(o) == ir.I64 {
		return binary.LittleEndian.Uint64(mem[off:])
	}
	return uint64(binary.LittleEndian.Uint32(mem[off:]))
}

func (l *layout) outcome(t *Test, mem []byte, k int) Outcome {
	o := make(Outcome, len(t.Observe))
	for i, obs := range t.Observe {
		o[i] = l.value(t, mem, k, obs)
	}
	return o
}

// outcomeKey appends instance k's outcome key (as Outcome.key) to buf
// without allocating.
func (l *layout) outcomeKey(t *Test, mem []byte, k int, buf []byte) []byte {
	for i, obs := range t.Observe {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendHex(buf, l.value(t, mem, k, obs))
	}
	return buf
}

func appendHex(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	if v == 0 {
		return append(b, '0')
	}
	var tmp [16]byte
	i := len(tmp)
	for v != 0 {
		i--
		tmp[i] = digits[v&15]
		v >>= 4
	}
	return append(b, tmp[i:]...)
}

// hasWait reports whether some thread may block in a wait.
func (t *Test) hasWait() bool {
	for _, th := range t.Threads {
		for _, in := range th.Instrs {
			if in.Kind == Wait {
				return true
			}
		}
	}
	return false
}
