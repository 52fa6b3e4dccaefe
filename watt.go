// Package watt runs WebAssembly from Go in one call: give it a module as
// text (.wat) or binary (.wasm) bytes, and it parses or decodes, validates,
// compiles and instantiates it on watt's interpreter.
//
//	inst, err := watt.Instantiate(ctx, src)
//	res, err := inst.Call(ctx, "add", interp.I32(1), interp.I32(2))
//
// Host functions are plain Go functions (see interp.Store.NewFunc for the
// types they may take and return):
//
//	inst, err := watt.Instantiate(ctx, src, watt.WithFuncs("env", map[string]any{
//		"log": func(x int32) { fmt.Println(x) },
//	}))
//
// What comes back is the interp package's: an *interp.Instance whose
// exports any number of goroutines may call at once, shared memories and
// atomics included (*interp.Memory has Go accessors for its contents).
// Errors are *ir.Error values positioned in the source (name:line:col for
// text, name:0xoffset for binary, see WithName); for traps errors.As finds
// the *interp.Trap.
//
// The packages underneath do one step each and can be used on their own:
// wat (text), binary (binary format), validate, interp (compile and run),
// wasi (WASI preview 1 and wasi-threads), spectest (.wast scripts).
package watt

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// DefaultFeatures is the feature set Compile and Instantiate use unless
// WithFeatures says otherwise: the WebAssembly 3.0 standard
// (ir.DefaultFeatures) plus threads, since running threaded code is what
// watt's interpreter is for.
func DefaultFeatures() ir.Features { return ir.DefaultFeatures().With(ir.FeatureThreads, true) }

// An Option configures Compile or Instantiate.
type Option func(*config)

type config struct {
	features    ir.Features
	hasFeatures bool
	name        string
	store       *interp.Store
	imports     interp.Imports
	funcs       map[string]map[string]any
}

// WithFeatures sets the features the module is read, validated and
// compiled with, instead of DefaultFeatures.
func WithFeatures(f ir.Features) Option {
	return func(c *config) { c.features, c.hasFeatures = f, true }
}

// WithName names the source in error messages ("add.wat:3:5: …"). The
// default is "module.wat" for text and "module.wasm" for binary input.
func WithName(name string) Option { return func(c *config) { c.name = name } }

// WithStore makes Instantiate create the instance in s, where other
// instances and host functions may already live (imports must belong to
// the instance's store). The default is a new store, which
// Instance.Store returns. Compile ignores it.
func WithStore(s *interp.Store) Option { return func(c *config) { c.store = s } }

// WithImports resolves the module's imports, after those WithFuncs
// provides. Compile ignores it.
func WithImports(imports interp.Imports) Option { return func(c *config) { c.imports = imports } }

// WithFuncs provides Go functions as the imports of module module, by
// field name: each value is a Go function as interp.Store.NewFunc takes
// it, registered in the instance's store. Several WithFuncs may name the
// same module; a later one wins for a field both give. Compile ignores it.
func WithFuncs(module string, funcs map[string]any) Option {
	return func(c *config) {
		if c.funcs == nil {
			c.funcs = map[string]map[string]any{}
		}
		if c.funcs[module] == nil {
			c.funcs[module] = map[string]any{}
		}
		maps.Copy(c.funcs[module], funcs)
	}
}

func configure(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	if !c.hasFeatures {
		c.features = DefaultFeatures()
	}
	return c
}

// Compile reads a module from src, in the binary format if it starts with
// the wasm magic number "\x00asm" and in the text format otherwise,
// validates it and compiles it for the interpreter. The result can be
// instantiated any number of times (interp.Instantiate), in any stores,
// concurrently. src may be reused once Compile returns.
func Compile(src []byte, opts ...Option) (*interp.Module, error) {
	return compile(src, configure(opts))
}

func compile(data []byte, c *config) (*interp.Module, error) {
	// The module keeps its source for error positions, and decoded data
	// segments may point into it: own a copy.
	data = bytes.Clone(data)
	isBinary := binary.HasMagic(data)
	name := c.name
	if name == "" {
		name = "module.wat"
		if isBinary {
			name = "module.wasm"
		}
	}
	src := ir.NewSource(name, data, isBinary)
	var m *ir.Module
	var err error
	if isBinary {
		m, err = binary.Decode(src, c.features)
	} else {
		m, err = wat.ParseModule(src, c.features)
	}
	if err != nil {
		return nil, err
	}
	return interp.Compile(m, src, c.features)
}

// Instantiate compiles src (see Compile) and instantiates it: imports are
// linked (WithFuncs, WithImports), segments initialised and the start
// function run with ctx. Errors are those of Compile and of
// interp.InstantiateContext.
func Instantiate(ctx context.Context, src []byte, opts ...Option) (*interp.Instance, error) {
	c := configure(opts)
	mod, err := compile(src, c)
	if err != nil {
		return nil, err
	}
	store := c.store
	if store == nil {
		store = interp.NewStore()
	}
	funcs := interp.ImportMap{}
	for _, module := range slices.Sorted(maps.Keys(c.funcs)) {
		funcs[module] = map[string]interp.Extern{}
		for _, name := range slices.Sorted(maps.Keys(c.funcs[module])) {
			f, err := store.NewFunc(c.funcs[module][name])
			if err != nil {
				return nil, fmt.Errorf("watt: import %q %q: %w", module, name, err)
			}
			funcs[module][name] = f
		}
	}
	imports := interp.ImportFunc(func(module, name string) (interp.Extern, bool) {
		if e, ok := funcs.Resolve(module, name); ok {
			return e, true
		}
		if c.imports != nil {
			return c.imports.Resolve(module, name)
		}
		return nil, false
	})
	return interp.InstantiateContext(ctx, store, mod, imports)
}
