package validate_test

import (
	"fmt"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

// Validation reports every invalid function (the first error in each) and
// module field, with the spec interpreter's message first.
func ExampleModule() {
	features := ir.DefaultFeatures().With(ir.FeatureThreads, true)
	src := ir.NewSource("bad.wat", []byte(`(module
  (memory 1 1 shared)
  (func (result i32) (i64.const 0))
  (func (drop (i32.atomic.load offset=2 align=2 (i32.const 0)))))`), false)
	m, err := wat.ParseModule(src, features)
	if err != nil {
		panic(err)
	}
	fmt.Println(validate.Module(m, src, features))
	// Output:
	// bad.wat:3:23: type mismatch: instruction requires [i32] but stack has [i64] at end of function
	// bad.wat:4:16: atomic alignment must be natural: i32.atomic.load has alignment 2, natural is 4
}
