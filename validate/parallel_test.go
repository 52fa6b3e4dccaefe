package validate_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// TestParallelSameErrors: checking bodies in parallel reports exactly what
// the sequential loop reports: each function's first error, in function
// order, between the module-level errors before and after.
func TestParallelSameErrors(t *testing.T) {
	m := largeModule(300)
	// A bad memory (before the bodies) and a bad start (after them).
	m.Memories = append(m.Memories, ir.Memory{Type: ir.MemoryType{Limits: ir.Limits{Min: 2, Max: 1, HasMax: true}}, Pos: 7})
	m.Start = &ir.Start{Func: 1 << 20, Pos: 9}
	for i := range m.Funcs {
		f := &m.Funcs[i]
		switch i % 37 {
		case 3: // a type mismatch deep inside, then a second one
			f.Body[0].Body[0].Body[3] = op("i64.add")
			f.Body[5] = op("f32.neg")
		case 11: // an unknown type
			f.Type = 99
		case 20: // an unknown local at the very end
			f.Body[len(f.Body)-1] = op("local.get", 1000)
		}
		for j := range f.Body {
			f.Body[j].Pos = ir.Pos(1 + 1000*i + j)
		}
	}
	features := ir.Wasm2Features()
	check := func(min int) ir.ErrorList {
		defer validate.SetParallelMin(min)()
		err := validate.Module(m, nil, features)
		list, ok := err.(ir.ErrorList)
		if !ok {
			t.Fatalf("got %T %v, want an ir.ErrorList", err, err)
		}
		return list
	}
	seq := check(math.MaxInt)
	if len(seq) < 20 {
		t.Fatalf("only %d errors: %v", len(seq), seq)
	}
	for range 5 {
		if par := check(0); !reflect.DeepEqual(seq, par) {
			t.Fatalf("parallel errors differ:\n%v\nsequential:\n%v", par, seq)
		}
	}
}
