package ir_test

import (
	"fmt"
	"os"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// A module built by hand: the IR is plain data, with bodies as trees of
// instructions (the encoder and printer supply each block's end).
func Example() {
	m := &ir.Module{
		Types: []ir.TypeDef{ir.FuncTypeDef(ir.FuncType{
			Params:  []ir.ValType{ir.I32, ir.I32},
			Results: []ir.ValType{ir.I32},
		})},
		Funcs: []ir.Func{{Type: 0, Body: []ir.Instr{
			{Op: ir.OpLocalGet, Index: 0},
			{Op: ir.OpLocalGet, Index: 1},
			{Op: ir.OpI32Add},
		}}},
		Exports: []ir.Export{{Name: "add", Kind: ir.ExternFunc, Index: 0}},
	}
	if err := wat.Print(os.Stdout, m, wat.PrintOptions{}); err != nil {
		panic(err)
	}
	// Output:
	// (module
	//   (type (;0;) (func (param i32 i32) (result i32)))
	//   (func (;0;) (type 0) (param i32 i32) (result i32)
	//     local.get 0
	//     local.get 1
	//     i32.add)
	//   (export "add" (func 0)))
}

// Format prints errors as wabt's tools do: position, message, the source
// line and a caret under the offending token.
func ExampleFormat() {
	src := ir.NewSource("bad.wat", []byte("(module\n  (memory 1 2 shared))"), false)
	_, err := wat.ParseModule(src, ir.DefaultFeatures())
	fmt.Print(ir.Format(err))
	// Output:
	// bad.wat:2:15: error: shared memory requires --enable-threads
	//   (memory 1 2 shared))
	//               ^^^^^^
}

// Features are a bit set named as wabt's --enable-X flags.
func ExampleFeatures() {
	f := ir.Wasm2Features().With(ir.FeatureThreads, true)
	threads, _ := ir.LookupFeature("threads")
	fmt.Println(f.Has(threads), threads.Flag())
	fmt.Println(f.Has(ir.FeatureMemory64), ir.FeatureMemory64.Flag())
	// Output:
	// true --enable-threads
	// false --enable-memory64
}

// Positions are compact offsets; a Source resolves them to line and
// column (text) or a hex offset (binary).
func ExampleSource_Position() {
	text := ir.NewSource("f.wat", []byte("(module\n  (func))"), false)
	bin := ir.NewSource("f.wasm", []byte("\x00asm\x01\x00\x00\x00"), true)
	fmt.Println(text.Position(ir.PosAt(10)))
	fmt.Println(bin.Position(ir.PosAt(4)))
	// Output:
	// f.wat:2:3
	// f.wasm:0x4
}
