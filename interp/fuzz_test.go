package interp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// FuzzRun decodes arbitrary bytes and, when they make a valid module,
// instantiates it and calls every exported function with zero arguments
// under a fuel budget and a timeout. Whatever happens must come back as an
// error value — no panic, no hang, no "internal error".
func FuzzRun(f *testing.F) {
	for _, src := range []string{fibSrc, loopSrc, sieveSrc, matmulSrc, atomicsSrc, spinSrc} {
		m, err := wat.ParseModule(ir.NewSource("seed.wat", []byte(src), false), allFeatures)
		if err != nil {
			f.Fatal(err)
		}
		bin, err := binary.Encode(m, binary.EncodeOptions{})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bin)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src := ir.NewSource("fuzz.wasm", data, true)
		m, err := binary.Decode(src, allFeatures)
		if err != nil {
			return
		}
		mod, err := interp.Compile(m, src, allFeatures)
		if err != nil {
			if strings.Contains(err.Error(), "interp: cannot compile") {
				t.Fatalf("valid module failed to compile: %v", err)
			}
			return
		}
		ctx, cancel := context.WithTimeout(interp.WithFuel(context.Background(), 100_000), 5*time.Second)
		defer cancel()
		inst, err := interp.InstantiateContext(ctx, interp.NewStore(), mod, interp.ImportFunc(func(string, string) (interp.Extern, bool) { return nil, false }))
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatal(err)
			}
			return
		}
		for _, name := range inst.ExportNames() {
			fn := inst.Func(name)
			if fn == nil {
				continue
			}
			args := make([]interp.Value, len(fn.Type().Params))
			for i, ty := range fn.Type().Params {
				args[i] = interp.Zero(ty)
			}
			if _, err := fn.Call(ctx, args...); err != nil && strings.Contains(err.Error(), "internal error") {
				t.Fatalf("%s: %v", name, err)
			}
		}
	})
}
