package binary_test

import (
	"fmt"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// Text to binary, as wat2wasm does: the same bytes as wabt.
func ExampleEncode() {
	src := ir.NewSource("one.wat", []byte(`(module (func (export "one") (result i32) (i32.const 1)))`), false)
	m, err := wat.ParseModule(src, ir.DefaultFeatures())
	if err != nil {
		panic(err)
	}
	b, err := binary.Encode(m, binary.EncodeOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", b)
	// Output: 00 61 73 6d 01 00 00 00 01 05 01 60 00 01 7f 03 02 01 00 07 07 01 03 6f 6e 65 00 00 0a 06 01 04 00 41 01 0b
}

// Decoding checks the binary syntax; errors carry the offset.
func ExampleDecode() {
	b := []byte("\x00asm\x01\x00\x00\x00" +
		"\x01\x05\x01\x60\x00\x01\x7f" + // type section: () -> i32
		"\x03\x02\x01\x00" + // function section: one function of type 0
		"\x07\x07\x01\x03one\x00\x00" + // export section: "one" is function 0
		"\x0a\x06\x01\x04\x00\x41\x01\x0b") // code: i32.const 1
	m, err := binary.Decode(ir.NewSource("one.wasm", b, true), ir.DefaultFeatures())
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Exports[0].Name, m.Types[m.Funcs[0].Type].FuncType, m.Funcs[0].Body[0].Op)

	_, err = binary.Decode(ir.NewSource("cut.wasm", b[:20], true), ir.DefaultFeatures())
	fmt.Println(err)
	// Output:
	// one [] -> [i32] i32.const
	// cut.wasm:0x14: unexpected end of section or function
}
