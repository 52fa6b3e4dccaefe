package validate_test

import (
	"reflect"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// FuzzValidate decodes arbitrary bytes and validates whatever decodes:
// whatever the module, validation must return (an error or nil) without
// panicking or hanging. Seeds are the hand-built test modules, encoded.
func FuzzValidate(f *testing.F) {
	var seeds []*ir.Module
	for _, c := range validCases() {
		seeds = append(seeds, c.m)
	}
	for _, c := range threadsValidCases() {
		seeds = append(seeds, c.m)
	}
	for _, c := range invalidCases() {
		seeds = append(seeds, c.m)
	}
	for _, c := range threadsInvalidCases() {
		seeds = append(seeds, c.m)
	}
	for _, c := range w3Cases() {
		seeds = append(seeds, c.m)
	}
	for _, m := range seeds {
		if b, err := binary.Encode(m, binary.EncodeOptions{}); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src := ir.NewSource("fuzz.wasm", data, true)
		m, err := binary.Decode(src, ir.AllFeaturesOn())
		if err != nil {
			return
		}
		for _, feats := range []ir.Features{ir.AllFeaturesOn(), ir.Wasm2Features()} {
			err := validate.Module(m, src, feats)
			if list, ok := err.(ir.ErrorList); err != nil && (!ok || len(list) == 0) {
				t.Fatalf("error is not a non-empty ir.ErrorList: %#v", err)
			}
			// Neither the fast path nor checking bodies in parallel
			// changes the errors.
			restore := validate.SetFastChecks(false)
			slow := validate.Module(m, src, feats)
			restore()
			if !reflect.DeepEqual(err, slow) {
				t.Fatalf("fast path: %v\nwithout: %v", err, slow)
			}
			restore = validate.SetParallelMin(0)
			par := validate.Module(m, src, feats)
			restore()
			if !reflect.DeepEqual(err, par) {
				t.Fatalf("in parallel: %v\nsequentially: %v", par, err)
			}
		}
	})
}
