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

// gcModule generates a module of GC code: struct and array accesses,
// casts, br_on_cast, call_ref and non-nullable locals (whose
// initialisation is tracked), with subtyping on the operand stack.
func gcModule(funcs int) *ir.Module {
	m := &ir.Module{Types: []ir.TypeDef{
		fnDef(nil),                          // 0
		open(structDef(mut(i32), mut(i64))), // 1
		open(structDef(mut(i32), mut(i64), fld(nref(1))), 1), // 2 <: 1
		arrayDef(mut(i32)),           // 3
		fnDef(ts(nref(1), i32), i32), // 4
	}}
	brCast := brOnCast(false, 0, nref(1), rref(2))
	for f := 0; f < funcs; f++ {
		var b []ir.Instr
		for k := 0; k < 40; k++ {
			b = append(b,
				// A non-null local set from a fresh struct.
				op("local.get", 1), i64c(7), op("local.get", 0), op("struct.new", 2), op("local.set", 2),
				op("local.get", 2), op("local.get", 1), op("struct.set", 1, 0),
				op("local.get", 2), op("struct.get", 2, 1), op("drop"),
				block(bv(rref(2)), op("local.get", 0), brCast, refCast(rref(2))),
				op("struct.get", 2, 2), op("local.set", 0),
				op("local.get", 1), op("array.new_default", 3), op("local.set", 3),
				op("local.get", 3), op("local.get", 1), i32c(1), op("array.set", 3),
				op("local.get", 3), op("array.len"), op("local.get", 1), op("i32.add"), op("local.set", 1),
				op("local.get", 0), op("local.get", 1), ir.Instr{Op: ir.OpRefFunc, Index: uint32(f)}, op("call_ref", 4), op("local.set", 1),
			)
		}
		b = append(b, op("local.get", 1))
		m.Funcs = append(m.Funcs, ir.Func{Type: 4, Locals: locals(rref(2), nref(3)), Body: b})
	}
	m.Elems = []ir.Elem{{Mode: ir.SegmentDeclarative, Type: funcref}}
	for f := 0; f < funcs; f++ {
		m.Elems[0].Init = append(m.Elems[0].Init, []ir.Instr{{Op: ir.OpRefFunc, Index: uint32(f)}})
	}
	return m
}

// BenchmarkValidateGC validates GC code (2000 functions, about 1.3M
// instructions).
func BenchmarkValidateGC(b *testing.B) {
	m := gcModule(2000)
	n := 0
	for i := range m.Funcs {
		n += countInstrs(m.Funcs[i].Body)
	}
	if err := validate.Module(m, nil, ir.DefaultFeatures()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := validate.Module(m, nil, ir.DefaultFeatures()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/instr")
}

// TestGCModuleValid keeps BenchmarkValidateGC's module honest.
func TestGCModuleValid(t *testing.T) {
	if err := validate.Module(gcModule(3), nil, ir.DefaultFeatures()); err != nil {
		t.Fatal(err)
	}
}
