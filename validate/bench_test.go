package validate_test

import (
	"os"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// largeModule generates a module shaped like compiler output: many
// functions mixing locals, arithmetic, memory accesses, nested blocks,
// branches and calls. With funcs=2000 it has about 2.4M instructions
// (roughly a 3 MB binary).
func largeModule(funcs int) *ir.Module {
	m := &ir.Module{
		Types: ir.TypeDefs([]ir.FuncType{
			sig(ts(i32, i32), i32),
			sig(ts(i32, i64), i64),
		}),
		Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1}}}},
		Globals:  []ir.Global{{Type: ir.GlobalType{Type: i32, Mutable: true}, Init: body(i32c(0))}},
	}
	for f := 0; f < funcs; f++ {
		var b []ir.Instr
		for k := 0; k < 40; k++ {
			inner := body(
				op("local.get", 0), mem("i32.load"), op("local.get", 1), op("i32.add"), op("local.tee", 2),
				op("local.get", 3), op("i32.mul"), op("local.set", 3),
				op("local.get", 0), op("local.get", 2), i32c(7), op("i32.and"), mem("i32.store8"),
				op("local.get", 4), i64c(3), op("i64.shl"), op("local.get", 2), ir.Instr{Op: ir.OpI64ExtendI32U}, op("i64.xor"), op("local.set", 4),
				op("local.get", 3), i32c(100), op("i32.gt_u"), op("br_if", 0),
				op("global.get", 0), i32c(1), op("i32.add"), op("global.set", 0),
			)
			b = append(b,
				block(noBT, loop(noBT, inner...)),
				op("local.get", 2), op("local.get", 3), op("call", uint32(f)), op("drop"),
				op("local.get", 3), ifElse(bv(i32), body(op("local.get", 2)), body(i32c(0), op("local.get", 2), op("i32.sub"))),
				op("local.set", 2),
			)
		}
		b = append(b, op("local.get", 2))
		m.Funcs = append(m.Funcs, ir.Func{
			Type:   0,
			Locals: []ir.LocalRun{{Count: 2, Type: i32}, {Count: 1, Type: i64}},
			Body:   b,
		})
	}
	return m
}

func countInstrs(b []ir.Instr) int {
	n := 0
	for i := range b {
		n += 1 + countInstrs(b[i].Body) + countInstrs(b[i].ElseBody())
	}
	return n
}

func BenchmarkValidate(b *testing.B) {
	m := largeModule(2000)
	n := 0
	for i := range m.Funcs {
		n += countInstrs(m.Funcs[i].Body)
	}
	if err := validate.Module(m, nil, ir.Wasm2Features()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := validate.Module(m, nil, ir.Wasm2Features()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/instr")
}

// BenchmarkDecodeValidate measures what wasm-validate does: decode the
// binary, then validate it (compare with wabt: `make bench`).
func BenchmarkDecodeValidate(b *testing.B) {
	bin, err := binary.Encode(largeModule(2000), binary.EncodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(bin)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		src := ir.NewSource("large.wasm", bin, true)
		m, err := binary.Decode(src, ir.Wasm2Features())
		if err != nil {
			b.Fatal(err)
		}
		if err := validate.Module(m, src, ir.Wasm2Features()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateFile validates the binary named by $WATT_BENCH_WASM,
// e.g. a Go program built with GOOS=wasip1 GOARCH=wasm, the issue's
// real-world yardstick. Decoding is outside the timed loop.
func BenchmarkValidateFile(b *testing.B) {
	path := os.Getenv("WATT_BENCH_WASM")
	if path == "" {
		b.Skip("set WATT_BENCH_WASM to a .wasm file")
	}
	bin, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	src := ir.NewSource(path, bin, true)
	features := ir.Wasm2Features().With(ir.FeatureThreads, true)
	m, err := binary.Decode(src, features)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(bin)))
	b.ReportAllocs()
	for b.Loop() {
		if err := validate.Module(m, src, features); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLargeModuleValid keeps the benchmark's module honest: it must be valid.
func TestLargeModuleValid(t *testing.T) {
	if err := validate.Module(largeModule(3), nil, ir.Wasm2Features()); err != nil {
		t.Fatal(err)
	}
}
