package wat_test

import (
	"fmt"
	"os"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// Parsing expands the text format's abbreviations (folded instructions,
// inline exports, $names) into plain IR; printing writes wasm2wat's layout.
func ExampleParseModule() {
	src := ir.NewSource("sq.wat", []byte(`(module
  (func $square (export "square") (param $x f64) (result f64)
    (f64.mul (local.get $x) (local.get $x))))`), false)
	m, err := wat.ParseModule(src, ir.DefaultFeatures())
	if err != nil {
		panic(err)
	}
	fmt.Println(len(m.Funcs[0].Body), "instructions,", m.Exports[0].Name, "exports function", m.Exports[0].Index)
	if err := wat.Print(os.Stdout, m, wat.PrintOptions{}); err != nil {
		panic(err)
	}
	// Output:
	// 3 instructions, square exports function 0
	// (module
	//   (type (;0;) (func (param f64) (result f64)))
	//   (func $square (type 0) (param $x f64) (result f64)
	//     local.get $x
	//     local.get $x
	//     f64.mul)
	//   (export "square" (func $square)))
}

// PrintOptions mirror wasm2wat's flags: here folded expressions and
// inline exports.
func ExamplePrint() {
	src := ir.NewSource("sq.wat", []byte(`(module
  (func (export "square") (param f64) (result f64)
    local.get 0
    local.get 0
    f64.mul))`), false)
	m, err := wat.ParseModule(src, ir.DefaultFeatures())
	if err != nil {
		panic(err)
	}
	if err := wat.Print(os.Stdout, m, wat.PrintOptions{FoldExprs: true, InlineExports: true}); err != nil {
		panic(err)
	}
	// Output:
	// (module
	//   (type (;0;) (func (param f64) (result f64)))
	//   (func (;0;) (export "square") (type 0) (param f64) (result f64)
	//     (f64.mul
	//       (local.get 0)
	//       (local.get 0))))
}

// A .wast script is a list of commands; spectest runs them.
func ExampleParseScript() {
	src := ir.NewSource("t.wast", []byte(`
(module (memory 1 1 shared)
  (func (export "cas") (param i32 i32) (result i32)
    (i32.atomic.rmw.cmpxchg (i32.const 0) (local.get 0) (local.get 1))))
(assert_return (invoke "cas" (i32.const 0) (i32.const 7)) (i32.const 0))
(assert_return (invoke "cas" (i32.const 0) (i32.const 9)) (i32.const 7))`), false)
	script, err := wat.ParseScript(src, ir.DefaultFeatures().With(ir.FeatureThreads, true))
	if err != nil {
		panic(err)
	}
	for _, c := range script.Commands {
		fmt.Printf("line %d: %T\n", src.Position(c.Position()).Line, c)
	}
	// Output:
	// line 2: *wat.ModuleCommand
	// line 5: *wat.AssertReturn
	// line 6: *wat.AssertReturn
}
