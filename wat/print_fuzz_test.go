package wat_test

import (
	"io"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// FuzzPrint decodes arbitrary bytes and prints whatever decodes, under
// every option: Print must neither panic nor fail on a decoded module.
func FuzzPrint(f *testing.F) {
	for _, m := range []*ir.Module{printThreadsModule(&testing.T{}), printNamedModule(&testing.T{})} {
		if data, err := binary.Encode(m, binary.EncodeOptions{DebugNames: true}); err == nil {
			f.Add(data, byte(0))
			f.Add(data, byte(0xff))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, flags byte) {
		m, err := binary.Decode(ir.NewSource("fuzz.wasm", data, true), ir.AllFeaturesOn())
		if err != nil {
			return
		}
		opts := wat.PrintOptions{
			FoldExprs:     flags&1 != 0,
			InlineExports: flags&2 != 0,
			InlineImports: flags&4 != 0,
			GenerateNames: flags&8 != 0,
			NoDebugNames:  flags&16 != 0,
		}
		if err := wat.Print(io.Discard, m, opts); err != nil {
			t.Fatalf("Print of a decoded module: %v", err)
		}
	})
}
