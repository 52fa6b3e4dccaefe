package interp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// TestEveryTableOpRuns walks the opcode table: every fixed-signature
// instruction of a feature the interpreter supports is compiled into its
// own function and run on zero arguments. Traps are fine (division by
// zero…); an "interp:" error — unknown or unsupported instruction — is a
// gap. Instructions the validator types itself (control, locals, refs…)
// have dedicated tests.
func TestEveryTableOpRuns(t *testing.T) {
	m := &ir.Module{
		Memories: []ir.Memory{{Type: ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 1, HasMax: true}, Shared: true}}},
		Tables:   []ir.Table{{Type: ir.TableType{Elem: ir.FuncRef, Limits: ir.Limits{Min: 1}}}},
		Datas:    []ir.Data{{Mode: ir.SegmentPassive, Init: []byte("data")}},
		Elems:    []ir.Elem{{Mode: ir.SegmentPassive, Type: ir.FuncRef}},
	}
	var ops []ir.Op
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		if info.Special || info.Feature == ir.FeatureTailCall {
			continue
		}
		in := ir.Instr{Op: op}
		switch info.Imm {
		case ir.ImmMemArg, ir.ImmMemArgLane:
			in.Mem.Align = op.NaturalAlign()
		case ir.ImmF32, ir.ImmF64, ir.ImmI32, ir.ImmI64, ir.ImmV128:
			in.Value = 1
		}
		ft := ir.FuncType{Params: info.Params, Results: info.Results}
		body := make([]ir.Instr, 0, len(info.Params)+1)
		for i := range info.Params {
			body = append(body, ir.Instr{Op: ir.OpLocalGet, Index: uint32(i)})
		}
		body = append(body, in)
		m.Types = append(m.Types, ir.FuncTypeDef(ft))
		idx := uint32(len(m.Funcs))
		m.Funcs = append(m.Funcs, ir.Func{Type: idx, Body: body})
		m.Exports = append(m.Exports, ir.Export{Name: info.Name, Kind: ir.ExternFunc, Index: idx})
		ops = append(ops, op)
	}
	mod, err := interp.Compile(m, nil, ir.AllFeaturesOn())
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	ran := 0
	for _, op := range ops {
		f := inst.Func(op.Info().Name)
		args := make([]interp.Value, len(op.Info().Params))
		for i, ty := range op.Info().Params {
			args[i] = interp.Zero(ty)
		}
		_, err := f.Call(context.Background(), args...)
		var e *ir.Error
		if err != nil && (!errors.As(err, &e) || strings.HasPrefix(e.Msg, "interp:")) {
			t.Errorf("%s: %v", op, err)
		}
		ran++
	}
	if ran < 400 {
		t.Errorf("only %d instructions ran; the walk is broken", ran)
	}
	t.Logf("%d instructions ran", ran)
}
