package interp_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// hugeLocalsWasm is a valid 37-byte module: (func (export "f") (local i32
// × 4,000,000,000)). Its frame would take 32 GB of value stack.
var hugeLocalsWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type 0: [] -> []
	0x03, 0x02, 0x01, 0x00, // func 0: type 0
	0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00, // export "f"
	0x0a, 0x0a, 0x01, 0x08, // code: one body of 8 bytes
	0x01, 0x80, 0xd0, 0xac, 0xf3, 0x0e, 0x7f, // 4e9 locals of type i32
	0x0b,
}

// TestHugeFrameExhausts: a function whose locals cannot fit the value stack
// is valid, so it compiles and instantiates; calling it fails at once with
// "call stack exhausted", and nothing is allocated per local on the way.
func TestHugeFrameExhausts(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	src := ir.NewSource("locals.wasm", hugeLocalsWasm, true)
	m, err := binary.Decode(src, allFeatures)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	mod, err := interp.Compile(m, src, allFeatures)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	_, err = inst.Call(context.Background(), "f")
	checkErr(t, err, ir.Exhaustion, "call stack exhausted")
	if msg := err.Error(); !strings.Contains(msg, `the locals of "f" need 4000000000 value stack slots`) {
		t.Errorf("error %q does not say why", msg)
	}

	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("decoding, compiling and calling allocated %d MiB", n>>20)
	}
}

// TestHugeFramesNextToSmallOnes: in one module, functions with frames too
// large for the value stack (here 2e9 i64 and 2e9 v128 locals, 6e9 slots,
// more than a uint32 counts) exhaust when called, directly, through another
// function or as a tail call, while the module's other functions run.
func TestHugeFramesNextToSmallOnes(t *testing.T) {
	ft := ir.FuncType{Results: []ir.ValType{ir.I32}}
	m := &ir.Module{
		Types: ir.TypeDefs([]ir.FuncType{ft}),
		Funcs: []ir.Func{
			{Type: 0, Locals: []ir.LocalRun{{Count: 2_000_000_000, Type: ir.I64}, {Count: 2_000_000_000, Type: ir.V128}},
				Body: []ir.Instr{{Op: ir.OpLocalGet, Index: 3_999_999_999}, {Op: ir.OpI32x4ExtractLane}}},
			{Type: 0, Locals: []ir.LocalRun{{Count: 3, Type: ir.I32}},
				Body: []ir.Instr{{Op: ir.OpI32Const, Value: 5}, {Op: ir.OpLocalSet, Index: 2}, {Op: ir.OpLocalGet, Index: 2}}},
			{Type: 0, Body: []ir.Instr{{Op: ir.OpCall, Index: 0}}},
			{Type: 0, Body: []ir.Instr{{Op: ir.OpReturnCall, Index: 0}}},
		},
		Exports: []ir.Export{
			{Name: "huge", Kind: ir.ExternFunc, Index: 0},
			{Name: "small", Kind: ir.ExternFunc, Index: 1},
			{Name: "call", Kind: ir.ExternFunc, Index: 2},
			{Name: "tail", Kind: ir.ExternFunc, Index: 3},
		},
	}
	mod, err := interp.Compile(m, nil, allFeatures.With(ir.FeatureTailCall, true))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	for _, name := range []string{"huge", "call", "tail"} {
		_, err := inst.Call(context.Background(), name)
		checkErr(t, err, ir.Exhaustion, "call stack exhausted")
	}
	expect(t, inst, "small", nil, i32(5))
}
