package ir_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/ir/internal/opgen"
)

// TestGeneratedFresh fails when op_gen.go was not regenerated after an edit
// of the opcode table.
func TestGeneratedFresh(t *testing.T) {
	want, err := opgen.Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("op_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("ir/op_gen.go is stale: run `go generate ./ir` (or `make generate`)")
	}
}

func TestOpLookupsRoundTrip(t *testing.T) {
	for op := ir.Op(0); op < ir.NumOps; op++ {
		in := op.Info()
		if got, ok := ir.LookupCode(in.Prefix, in.Code); !ok || got != op {
			t.Errorf("%s: LookupCode(%#x, %#x) = %v, %v", in.Name, in.Prefix, in.Code, got, ok)
		}
		// Rows that share a text name with an earlier row (typed select,
		// the nullable ref.test and ref.cast) are chosen by their immediates.
		sharesName := op == ir.OpSelectTyped || op == ir.OpRefTestNull || op == ir.OpRefCastNull
		if got, ok := ir.LookupOp(in.Name); !ok || (got != op && !sharesName) {
			t.Errorf("%s: LookupOp = %v, %v", in.Name, got, ok)
		}
		for _, a := range in.Aliases {
			if got, _ := ir.LookupOp(a); got != op {
				t.Errorf("alias %s of %s resolves to %v", a, in.Name, got)
			}
		}
		if in.Imm == ir.ImmMemArg || in.Imm == ir.ImmMemArgLane {
			if in.Size == 0 {
				t.Errorf("%s: memory instruction without natural size", in.Name)
			}
		} else if in.Size != 0 {
			t.Errorf("%s: size on a non-memory instruction", in.Name)
		}
	}
}

func TestThreadsOpsPresent(t *testing.T) {
	want := map[string]uint32{
		"memory.atomic.notify": 0x00, "memory.atomic.wait32": 0x01, "memory.atomic.wait64": 0x02,
		"atomic.fence": 0x03, "i32.atomic.load": 0x10, "i64.atomic.store32": 0x1d,
		"i32.atomic.rmw.add": 0x1e, "i64.atomic.rmw32.xchg_u": 0x47, "i64.atomic.rmw32.cmpxchg_u": 0x4e,
		"i32.atomic.wait": 0x01, "i64.atomic.wait": 0x02, "atomic.notify": 0x00,
	}
	for name, code := range want {
		op, ok := ir.LookupOp(name)
		if !ok || op.Info().Prefix != 0xfe || op.Info().Code != code {
			t.Errorf("%s: got %v (%#x)", name, op, op.Info().Code)
		}
	}
	n := 0
	for op := ir.Op(0); op < ir.NumOps; op++ {
		if op.Info().Feature == ir.FeatureThreads {
			n++
			if op != ir.OpAtomicFence && (!op.IsAtomic() || op.Info().Size == 0) {
				t.Errorf("%s: not marked atomic", op)
			}
		}
	}
	// 4 (notify, 2 waits, fence) + 7 loads + 7 stores + 7 rmw ops x 7 widths.
	if n != 4+7+7+49 {
		t.Errorf("threads ops = %d, want %d", n, 4+7+7+49)
	}
	if a := ir.OpI64AtomicRmwCmpxchg.NaturalAlign(); a != 3 {
		t.Errorf("i64.atomic.rmw.cmpxchg natural align = %d", a)
	}
}
