// Package spectest runs WebAssembly spec scripts (.wast), the threads
// proposal's (thread …) and (wait …) commands included: each thread runs on
// its own goroutine over the same shared memories, with hardware atomics
// and real blocking wait/notify.
package spectest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// Options control a run.
type Options struct {
	// Features enabled for every module; zero means wabt's defaults plus
	// threads, which is what the threads proposal's suite needs, unless
	// ExactFeatures is set.
	Features ir.Features
	// ExactFeatures makes a zero Features mean every feature off.
	ExactFeatures bool
	// WaitTimeout bounds each (wait $T) and each action; zero means 60 s.
	// A thread that misses it is cancelled and reported, never waited for
	// forever.
	WaitTimeout time.Duration
	// NoRoundTrip skips the text → binary → IR → binary stability check that
	// is otherwise made for every text module the script instantiates.
	NoRoundTrip bool
	// Output receives what the spectest print functions print (nil: dropped).
	Output io.Writer
	// Trace, when set, receives a line per executed instruction (see
	// interp.Module.Trace).
	Trace io.Writer
	// MaxCallDepth bounds nested calls (interp.Store.MaxCallDepth); zero
	// means the interpreter's default.
	MaxCallDepth int
}

// Outcome is the result of one command.
type Outcome struct {
	Pos  ir.Pos
	Line int
	Cmd  string // "assert_return", "module", …
	Err  *ir.Error
	// Duration is how long the command took (for thread: starting it; for
	// wait: the join).
	Duration time.Duration
}

// Result is the outcome of a whole script.
type Result struct {
	Src      *ir.Source
	Passed   int
	Failed   int
	Outcomes []Outcome
}

// Failures returns the failed commands' errors, in script order.
func (r *Result) Failures() []*ir.Error {
	var out []*ir.Error
	for _, o := range r.Outcomes {
		if o.Err != nil {
			out = append(out, o.Err)
		}
	}
	return out
}

// RunFile reads and runs one .wast file.
func RunFile(ctx context.Context, path string, opts Options) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Run(ctx, ir.NewSource(path, data, false), opts)
}

// DefaultFeatures are the features a run enables when Options.Features is
// zero: the WebAssembly 3.0 standard plus threads and the legacy exception
// instructions (the core suite's legacy/ directory tests them), without the
// pre-standard instruction names, which 3.0 scripts expect rejected.
func DefaultFeatures() ir.Features {
	return ir.DefaultFeatures().With(ir.FeatureThreads, true).With(ir.FeatureLegacyExceptions, true).
		With(ir.FeatureLegacyNames, false)
}

// Run parses and runs a script. A script that does not parse returns the
// parse error; everything after that is reported per command in Result.
func Run(ctx context.Context, src *ir.Source, opts Options) (*Result, error) {
	if opts.Features == 0 && !opts.ExactFeatures {
		opts.Features = DefaultFeatures()
	}
	script, err := wat.ParseScript(src, opts.Features)
	if err != nil {
		return nil, err
	}
	return RunScript(ctx, src, script, opts)
}

// RunScript runs an already parsed script; src resolves its positions.
func RunScript(ctx context.Context, src *ir.Source, script *wat.Script, opts Options) (*Result, error) {
	if opts.Features == 0 && !opts.ExactFeatures {
		opts.Features = DefaultFeatures()
	}
	if opts.WaitTimeout == 0 {
		opts.WaitTimeout = 60 * time.Second
	}
	store := interp.NewStore()
	store.MaxCallDepth = opts.MaxCallDepth
	host, err := HostModule(store, opts.Output)
	if err != nil {
		return nil, err
	}
	res := &Result{Src: src}
	r := newRunner(ctx, src, &opts, store, host, nil)
	r.run(script.Commands)
	r.joinAll()
	r.mergeInto(res)
	return res, nil
}

// runner executes commands for the main script or one thread.
type runner struct {
	ctx      context.Context
	src      *ir.Source
	opts     *Options
	store    *interp.Store
	host     interp.ImportMap
	registry interp.Registry
	named    map[string]*interp.Instance
	current  *interp.Instance
	defs     map[string]*interp.Module // modules by name, for (module instance …)
	lastDef  *interp.Module            // the most recently defined module
	threads  map[string]*thread
	outcomes []Outcome
	started  time.Time // when the current command started
}

// thread is a running (thread $T …) command.
type thread struct {
	name   string
	pos    ir.Pos
	cancel context.CancelFunc
	done   chan struct{}
	r      *runner
	joined bool
}

func newRunner(ctx context.Context, src *ir.Source, opts *Options, store *interp.Store, host interp.ImportMap, shared map[string]*interp.Instance) *runner {
	named := make(map[string]*interp.Instance, len(shared))
	for k, v := range shared {
		named[k] = v
	}
	return &runner{
		ctx: ctx, src: src, opts: opts, store: store, host: host,
		registry: interp.Registry{}, named: named, threads: map[string]*thread{},
		defs: map[string]*interp.Module{},
	}
}

// Resolve implements interp.Imports: registered modules, then spectest.
func (r *runner) Resolve(module, name string) (interp.Extern, bool) {
	if _, ok := r.registry[module]; ok {
		return r.registry.Resolve(module, name)
	}
	return r.host.Resolve(module, name)
}

func (r *runner) record(c wat.Command, cmd string, err error) {
	o := Outcome{Pos: c.Position(), Line: r.src.Position(c.Position()).Line, Cmd: cmd, Duration: time.Since(r.started)}
	if err != nil {
		var e *ir.Error
		if errors.As(err, &e) && e.Src == r.src {
			if !e.Pos.IsValid() {
				// No position of its own (an action interrupted by its
				// timeout): the command's.
				withPos := *e
				withPos.Pos = c.Position()
				e = &withPos
			}
			o.Err = e
		} else {
			o.Err = &ir.Error{Src: r.src, Pos: c.Position(), Kind: errKind(err), Msg: cmd + ": " + err.Error()}
		}
	}
	r.outcomes = append(r.outcomes, o)
}

func errKind(err error) ir.ErrorKind {
	var e *ir.Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ir.Trap
}

func (r *runner) run(cmds []wat.Command) {
	for _, c := range cmds {
		r.started = time.Now()
		if r.ctx.Err() != nil {
			r.record(c, "cancelled", r.ctx.Err())
			continue
		}
		switch c := c.(type) {
		case *wat.ModuleCommand:
			r.record(c, "module", r.module(c))
		case *wat.InstanceCommand:
			r.record(c, "module instance", r.instanceCmd(c))
		case *wat.AssertException:
			r.record(c, "assert_exception", r.assertException(c))
		case *wat.RegisterCommand:
			r.record(c, "register", r.register(c))
		case *wat.ActionCommand:
			_, err := r.action(&c.Action)
			r.record(c, actionName(&c.Action), err)
		case *wat.AssertReturn:
			r.record(c, "assert_return", r.assertReturn(c))
		case *wat.AssertTrap:
			r.record(c, "assert_trap", r.assertTrap(c))
		case *wat.AssertExhaustion:
			r.record(c, "assert_exhaustion", r.assertExhaustion(c))
		case *wat.AssertModule:
			r.record(c, assertName(c.Kind), r.assertModule(c))
		case *wat.ThreadCommand:
			r.record(c, "thread", r.startThread(c))
		case *wat.WaitCommand:
			r.record(c, "wait", r.wait(c))
		default:
			r.record(c, "unknown", fmt.Errorf("unsupported command %T", c))
		}
	}
}

func actionName(a *wat.Action) string {
	if a.Kind == wat.ActionGet {
		return "get"
	}
	return "invoke"
}

func assertName(k ir.ErrorKind) string {
	switch k {
	case ir.Malformed:
		return "assert_malformed"
	case ir.Invalid:
		return "assert_invalid"
	case ir.Unlinkable:
		return "assert_unlinkable"
	case ir.Uninstantiable:
		return "assert_uninstantiable"
	}
	return "assert_" + k.String()
}

// load turns a script module into IR: text is already parsed, binary is
// decoded, quote is parsed now. roundTrip asks for the binary stability
// check of text modules.
func (r *runner) load(c *wat.ModuleCommand, roundTrip bool) (*ir.Module, *ir.Source, error) {
	line := r.src.Position(c.Pos).Line
	switch c.Kind {
	case wat.ModuleBinary:
		src := ir.NewSource(fmt.Sprintf("%s:%d (module binary)", r.src.Name, line), c.Binary, true)
		m, err := binary.Decode(src, r.opts.Features)
		return m, src, err
	case wat.ModuleQuote:
		src := ir.NewSource(fmt.Sprintf("%s:%d (module quote)", r.src.Name, line), []byte(c.Quote), false)
		m, err := wat.ParseModule(src, r.opts.Features)
		return m, src, err
	}
	if c.Err != nil {
		return nil, r.src, c.Err
	}
	if roundTrip && !r.opts.NoRoundTrip {
		if err := r.roundTrip(c.Module); err != nil {
			return nil, r.src, &ir.Error{Src: r.src, Pos: c.Pos, Kind: ir.Malformed, Msg: "round trip: " + err.Error()}
		}
	}
	return c.Module, r.src, nil
}

// roundTrip checks text → IR → binary → IR → binary: both binaries equal.
func (r *runner) roundTrip(m *ir.Module) error {
	// The element segment forms depend on the features (function
	// references); the zero value would mean 3.0's, and legacy names is a
	// text-only feature the encoder ignores.
	enc := binary.EncodeOptions{DebugNames: true, Features: r.opts.Features | ir.Features(ir.FeatureLegacyNames)}
	b1, err := binary.Encode(m, enc)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	m2, err := binary.Decode(ir.NewSource("roundtrip.wasm", b1, true), r.opts.Features)
	if err != nil {
		return fmt.Errorf("decode of encoded module: %w", err)
	}
	b2, err := binary.Encode(m2, enc)
	if err != nil {
		return fmt.Errorf("re-encode: %w", err)
	}
	if !bytes.Equal(b1, b2) {
		i := 0
		for i < len(b1) && i < len(b2) && b1[i] == b2[i] {
			i++
		}
		return fmt.Errorf("binary changed after decode and re-encode (first difference at byte 0x%x of %d/%d)", i, len(b1), len(b2))
	}
	return nil
}

// instantiate compiles (validating) and instantiates a loaded module.
func (r *runner) instantiate(m *ir.Module, src *ir.Source) (*interp.Instance, error) {
	cm, err := interp.Compile(m, src, r.opts.Features)
	if err != nil {
		return nil, err
	}
	return r.instantiateCompiled(cm)
}

func (r *runner) instantiateCompiled(cm *interp.Module) (*interp.Instance, error) {
	if r.opts.Trace != nil {
		cm = cm.Trace(r.opts.Trace)
	}
	ctx, cancel := context.WithTimeout(r.ctx, r.opts.WaitTimeout)
	defer cancel()
	return interp.InstantiateContext(ctx, r.store, cm, r)
}

// module defines a module and, unless it is (module definition …),
// instantiates it.
func (r *runner) module(c *wat.ModuleCommand) error {
	m, src, err := r.load(c, true)
	if err != nil {
		return err
	}
	cm, err := interp.Compile(m, src, r.opts.Features)
	if err != nil {
		return err
	}
	r.lastDef = cm
	if c.Name != "" {
		r.defs[c.Name] = cm
	}
	if c.Definition {
		return nil
	}
	inst, err := r.instantiateCompiled(cm)
	if err != nil {
		return err
	}
	r.current = inst
	if c.Name != "" {
		r.named[c.Name] = inst
	}
	return nil
}

// defined returns the module a (module instance …) names.
func (r *runner) defined(c *wat.InstanceCommand) (*interp.Module, error) {
	if c.Module == "" {
		if r.lastDef == nil {
			return nil, errors.New("no module defined")
		}
		return r.lastDef, nil
	}
	cm, ok := r.defs[c.Module]
	if !ok {
		return nil, fmt.Errorf("unknown module $%s", c.Module)
	}
	return cm, nil
}

// instanceCmd is (module instance $I? $M?): a new instance of a defined
// module, the current one from now on.
func (r *runner) instanceCmd(c *wat.InstanceCommand) error {
	cm, err := r.defined(c)
	if err != nil {
		return err
	}
	inst, err := r.instantiateCompiled(cm)
	if err != nil {
		return err
	}
	r.current = inst
	if c.Instance != "" {
		r.named[c.Instance] = inst
	}
	return nil
}

func (r *runner) instance(name string) (*interp.Instance, error) {
	if name == "" {
		if r.current == nil {
			return nil, errors.New("no module defined")
		}
		return r.current, nil
	}
	inst, ok := r.named[name]
	if !ok {
		return nil, fmt.Errorf("unknown module $%s", name)
	}
	return inst, nil
}

func (r *runner) register(c *wat.RegisterCommand) error {
	inst, err := r.instance(c.Module)
	if err != nil {
		return err
	}
	r.registry[c.As] = inst
	return nil
}

func (r *runner) action(a *wat.Action) ([]interp.Value, error) {
	inst, err := r.instance(a.Module)
	if err != nil {
		return nil, err
	}
	if a.Kind == wat.ActionGet {
		v, err := inst.Get(a.Name)
		if err != nil {
			return nil, err
		}
		return []interp.Value{v}, nil
	}
	args := make([]interp.Value, len(a.Args))
	for i, v := range a.Args {
		args[i] = argValue(v)
	}
	ctx, cancel := context.WithTimeout(r.ctx, r.opts.WaitTimeout)
	defer cancel()
	return inst.Call(ctx, a.Name, args...)
}

func (r *runner) assertReturn(c *wat.AssertReturn) error {
	got, err := r.action(&c.Action)
	if err != nil {
		return err
	}
	if len(got) != len(c.Results) {
		return fmt.Errorf("%q returned %d values %s, want %d", c.Action.Name, len(got), formatValues(got), len(c.Results))
	}
	for i := range got {
		if !matchResult(got[i], &c.Results[i]) {
			return fmt.Errorf("%q result %d: got %v, want %s", c.Action.Name, i, got[i], formatResult(&c.Results[i]))
		}
	}
	return nil
}

// expectError checks that err is of kind (one of kinds) with a message that
// starts with want.
func expectError(err error, want string, kinds ...ir.ErrorKind) error {
	if err == nil {
		return fmt.Errorf("expected %s %q, got success", kinds[0], want)
	}
	var e *ir.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("expected %s %q, got %v", kinds[0], want, err)
	}
	kindOK := false
	for _, k := range kinds {
		kindOK = kindOK || e.Kind == k
	}
	if !kindOK {
		return fmt.Errorf("expected %s %q, got %s error: %s", kinds[0], want, e.Kind, e.Msg)
	}
	if !strings.HasPrefix(e.Msg, want) {
		return fmt.Errorf("expected %s %q, got %q", kinds[0], want, e.Msg)
	}
	return nil
}

func (r *runner) assertTrap(c *wat.AssertTrap) error {
	if c.Instance != nil {
		cm, err := r.defined(c.Instance)
		if err != nil {
			return err
		}
		_, err = r.instantiateCompiled(cm)
		return expectError(err, c.Message, ir.Trap, ir.Uninstantiable)
	}
	if c.Module != nil {
		m, src, err := r.load(c.Module, true)
		if err != nil {
			return err
		}
		_, err = r.instantiate(m, src)
		return expectError(err, c.Message, ir.Trap, ir.Uninstantiable)
	}
	_, err := r.action(c.Action)
	return expectError(err, c.Message, ir.Trap)
}

func (r *runner) assertExhaustion(c *wat.AssertExhaustion) error {
	_, err := r.action(&c.Action)
	return expectError(err, c.Message, ir.Exhaustion)
}

func (r *runner) assertModule(c *wat.AssertModule) error {
	if c.Instance != nil {
		cm, err := r.defined(c.Instance)
		if err != nil {
			return err
		}
		_, err = r.instantiateCompiled(cm)
		return expectError(err, c.Message, c.Kind)
	}
	m, src, err := r.load(c.Module, c.Kind == ir.Unlinkable || c.Kind == ir.Uninstantiable)
	if c.Kind == ir.Malformed {
		if c.Custom && err == nil {
			return nil // a custom section's error may also be ignored
		}
		return expectError(err, c.Message, ir.Malformed)
	}
	if err != nil {
		if c.Custom && errKind(err) == ir.Malformed {
			return nil
		}
		return err
	}
	if c.Kind == ir.Invalid {
		_, err := interp.Compile(m, src, r.opts.Features)
		if c.Custom && err == nil {
			return nil
		}
		return expectError(err, c.Message, ir.Invalid)
	}
	_, err = r.instantiate(m, src)
	return expectError(err, c.Message, c.Kind)
}

// assertException checks that the action throws a WebAssembly exception
// that nothing caught.
func (r *runner) assertException(c *wat.AssertException) error {
	_, err := r.action(&c.Action)
	var x *interp.Exception
	if errors.As(err, &x) {
		return nil
	}
	if err == nil {
		return errors.New("expected an uncaught exception, got success")
	}
	return fmt.Errorf("expected an uncaught exception, got %v", err)
}

// startThread runs a (thread …) command's body on its own goroutine with a
// fresh registry in which only the (shared …) modules are bound.
func (r *runner) startThread(c *wat.ThreadCommand) error {
	if _, dup := r.threads[c.Name]; dup && c.Name != "" {
		return fmt.Errorf("duplicate thread $%s", c.Name)
	}
	shared := make(map[string]*interp.Instance, len(c.Shared))
	for _, name := range c.Shared {
		inst, ok := r.named[name]
		if !ok {
			return fmt.Errorf("unknown shared module $%s", name)
		}
		shared[name] = inst
	}
	ctx, cancel := context.WithCancel(r.ctx)
	t := &thread{name: c.Name, pos: c.Pos, cancel: cancel, done: make(chan struct{}),
		r: newRunner(ctx, r.src, r.opts, r.store, r.host, shared)}
	r.threads[c.Name] = t
	go func() {
		defer close(t.done)
		t.r.run(c.Commands)
		t.r.joinAll()
	}()
	return nil
}

// wait joins a thread, within the timeout.
func (r *runner) wait(c *wat.WaitCommand) error {
	t, ok := r.threads[c.Thread]
	if !ok {
		return fmt.Errorf("unknown thread $%s", c.Thread)
	}
	if t.joined {
		return fmt.Errorf("thread $%s already waited for", c.Thread)
	}
	return r.join(t)
}

func (r *runner) join(t *thread) error {
	t.joined = true
	timer := time.NewTimer(r.opts.WaitTimeout)
	defer timer.Stop()
	select {
	case <-t.done:
	case <-timer.C:
		t.cancel()
		<-t.done // cancellation stops loops, calls and waits promptly
		r.outcomes = append(r.outcomes, t.r.outcomes...)
		return fmt.Errorf("thread $%s did not finish within %v (cancelled)", t.name, r.opts.WaitTimeout)
	}
	t.cancel()
	r.outcomes = append(r.outcomes, t.r.outcomes...)
	return nil
}

// joinAll joins the threads nobody waited for, so their results still
// count.
func (r *runner) joinAll() {
	for _, t := range r.threads {
		if !t.joined {
			if err := r.join(t); err != nil {
				r.outcomes = append(r.outcomes, Outcome{Pos: t.pos, Line: r.src.Position(t.pos).Line, Cmd: "thread",
					Err: &ir.Error{Src: r.src, Pos: t.pos, Kind: ir.Trap, Msg: err.Error()}})
			}
		}
	}
}

// mergeInto adds the outcomes, in script order, to res.
func (r *runner) mergeInto(res *Result) {
	sort.SliceStable(r.outcomes, func(i, j int) bool { return r.outcomes[i].Pos < r.outcomes[j].Pos })
	for _, o := range r.outcomes {
		if o.Err != nil {
			res.Failed++
		} else {
			res.Passed++
		}
	}
	res.Outcomes = append(res.Outcomes, r.outcomes...)
}
