package wat_test

import (
	"io"
	"os"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// printBigModule builds a module of about 3 MB in the binary format: funcs
// functions mixing the common instruction shapes (locals, constants of
// every type, arithmetic, memory accesses with offsets, atomics, calls,
// nested blocks and branches).
func printBigModule(tb testing.TB, funcs int) *ir.Module {
	op := func(name string) ir.Op { return printOp(tb, name) }
	var (
		localGet = op("local.get")
		localSet = op("local.set")
		i32Const = op("i32.const")
		i64Const = op("i64.const")
		f32Const = op("f32.const")
		f64Const = op("f64.const")
		i32Add   = op("i32.add")
		i32Load  = op("i32.load")
		i32Store = op("i32.store")
		f64Load  = op("f64.load")
		f64Mul   = op("f64.mul")
		atomAdd  = op("i32.atomic.rmw.add")
		drop     = op("drop")
		block    = op("block")
		loop     = op("loop")
		brIf     = op("br_if")
		ifOp     = op("if")
		call     = op("call")
	)
	m := &ir.Module{
		Types: ir.TypeDefs([]ir.FuncType{
			{Params: []ir.ValType{ir.I32, ir.I32}, Results: []ir.ValType{ir.I32}},
		}),
		Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 16, HasMax: true}, Shared: true}}},
	}
	for f := range funcs {
		var body []ir.Instr
		for k := range 12 {
			v := uint64(f*31 + k)
			inner := []ir.Instr{
				{Op: localGet, Index: 0},
				{Op: i32Const, Value: v},
				{Op: i32Add},
				{Op: localGet, Index: 1},
				{Op: i32Load, Mem: ir.MemArg{Align: 2, Offset: v % 64}},
				{Op: i32Add},
				{Op: localSet, Index: 2},
				{Op: localGet, Index: 1},
				{Op: f64Load, Mem: ir.MemArg{Align: 3, Offset: 8}},
				{Op: f64Const, Value: 0x3fb999999999999a + v},
				{Op: f64Mul},
				{Op: drop},
				{Op: localGet, Index: 0},
				{Op: localGet, Index: 2},
				{Op: atomAdd, Mem: ir.MemArg{Align: 2, Offset: 16}},
				{Op: localGet, Index: 2},
				{Op: brIf, Index: 1},
				{Op: drop},
			}
			body = append(body,
				ir.Instr{Op: block, Body: []ir.Instr{{Op: loop, Body: inner}}},
				ir.Instr{Op: localGet, Index: 0},
				ir.Instr{Op: ifOp, Body: []ir.Instr{
					{Op: localGet, Index: 1},
					{Op: localGet, Index: 2},
					{Op: i32Store, Mem: ir.MemArg{Align: 0, Offset: v}},
				}, Ext: &ir.InstrExt{Else: []ir.Instr{
					{Op: i64Const, Value: v << 20},
					{Op: drop},
					{Op: f32Const, Value: 0x3f800000 + v},
					{Op: drop},
				}}},
			)
		}
		body = append(body,
			ir.Instr{Op: localGet, Index: 0},
			ir.Instr{Op: localGet, Index: 1},
			ir.Instr{Op: call, Index: uint32(f / 2)},
		)
		m.Funcs = append(m.Funcs, ir.Func{Locals: []ir.LocalRun{{Count: 1, Type: ir.I32}}, Body: body})
	}
	return m
}

func BenchmarkPrint(b *testing.B) {
	m := printBigModule(b, 3000)
	if path := os.Getenv("WATT_PRINT_BENCH_WASM"); path != "" {
		// Keep the binary, to time wabt's wasm2wat on the same module.
		data, err := binary.Encode(m, binary.EncodeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o666); err != nil {
			b.Fatal(err)
		}
		b.Logf("wrote %s: %d bytes", path, len(data))
	}
	for _, bc := range []struct {
		name string
		opts wat.PrintOptions
	}{
		{"default", wat.PrintOptions{}},
		{"fold-exprs", wat.PrintOptions{FoldExprs: true}},
		{"generate-names", wat.PrintOptions{GenerateNames: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n printCounter
			b.ReportAllocs()
			for b.Loop() {
				n = 0
				if err := wat.Print(&n, m, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(n))
		})
	}
}

// printCounter counts what is written to it.
type printCounter int64

func (c *printCounter) Write(p []byte) (int, error) {
	*c += printCounter(len(p))
	return len(p), nil
}

var _ io.Writer = (*printCounter)(nil)
