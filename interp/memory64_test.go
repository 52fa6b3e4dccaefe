package interp_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// TestEveryMemoryOpOnEveryPath walks the opcode table's memory
// instructions (plain, vector and atomic accesses, memory.size, grow,
// fill, copy and init) and runs each on memory 0 (32-bit: the loop's inline
// path), on memory 1 (32-bit) and on memory 2 (64-bit) of one module,
// whose three memories start with the same bytes: results, traps and the
// bytes afterwards must agree.
func TestEveryMemoryOpOnEveryPath(t *testing.T) {
	pattern := make([]byte, 64)
	for i := range pattern {
		pattern[i] = byte(7*i + 1)
	}
	lim := ir.Limits{Min: 1, Max: 1, HasMax: true}
	lim64 := lim
	lim64.Is64 = true
	m := &ir.Module{
		Memories: []ir.Memory{
			{Type: ir.MemoryType{Limits: lim, Shared: true}},
			{Type: ir.MemoryType{Limits: lim, Shared: true}},
			{Type: ir.MemoryType{Limits: lim64, Shared: true}},
		},
		Datas: []ir.Data{{Mode: ir.SegmentPassive, Init: pattern}},
		Exports: []ir.Export{
			{Name: "mem0", Kind: ir.ExternMemory, Index: 0},
			{Name: "mem1", Kind: ir.ExternMemory, Index: 1},
			{Name: "mem2", Kind: ir.ExternMemory, Index: 2},
		},
	}
	for mem := uint32(0); mem < 3; mem++ {
		zero := ir.Instr{Op: ir.OpI32Const}
		if mem == 2 {
			zero.Op = ir.OpI64Const
		}
		// Each function first copies the pattern into its memory, so every
		// call starts from the same bytes.
		m.Funcs = append(m.Funcs, ir.Func{Type: uint32(len(m.Types)), Body: []ir.Instr{
			zero, {Op: ir.OpI32Const}, {Op: ir.OpI32Const, Value: 64},
			{Op: ir.OpMemoryInit, Index: 0, Index2: mem},
		}})
		m.Types = append(m.Types, ir.FuncTypeDef(ir.FuncType{}))
		m.Exports = append(m.Exports, ir.Export{Name: fmt.Sprintf("reset%d", mem), Kind: ir.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	type opCase struct {
		op   ir.Op
		args [3][]interp.Value
	}
	var cases []opCase
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		switch info.Imm {
		case ir.ImmMemArg, ir.ImmMemArgLane, ir.ImmMemory, ir.ImmMemoryPair, ir.ImmMemoryInit:
		default:
			continue
		}
		if info.Special || op == ir.OpDataDrop {
			continue
		}
		c := opCase{op: op}
		for mem := uint32(0); mem < 3; mem++ {
			params := append([]ir.ValType(nil), info.Params...)
			addrs := map[int]bool{}
			switch op {
			case ir.OpMemorySize:
			case ir.OpMemoryFill, ir.OpMemoryCopy:
				addrs[0], addrs[1], addrs[2] = true, op == ir.OpMemoryCopy, true
			default:
				addrs[0] = true
			}
			var args []interp.Value
			for i, p := range params {
				v := interp.Zero(p)
				switch {
				case addrs[i]:
					if mem == 2 {
						params[i] = ir.I64
						v = i64(8)
					} else {
						v = i32(8)
					}
					if i > 0 {
						v.Lo = 3 // a source or a length
					}
				case op == ir.OpMemoryAtomicWait32 || op == ir.OpMemoryAtomicWait64:
					if p == ir.I64 && i == 2 {
						v = i64(0) // never block
					} else {
						v.Lo = 5 // never the memory's value
					}
				case p == ir.I32:
					v = i32(3)
				case p == ir.I64:
					v = i64(0x0102030405060708)
				case p == ir.F32:
					v = f32(0x40490fdb)
				case p == ir.F64:
					v = f64(0x400921fb54442d18)
				case p == ir.V128:
					v = interp.V128(0x1122334455667788, 0x99aabbccddeeff00)
				}
				args = append(args, v)
			}
			c.args[mem] = args
			in := ir.Instr{Op: op}
			switch info.Imm {
			case ir.ImmMemArg, ir.ImmMemArgLane:
				in.Mem = ir.MemArg{Offset: 8, Align: op.NaturalAlign(), Memory: mem}
				in.Lane = 1
			case ir.ImmMemory:
				in.Index = mem
			case ir.ImmMemoryPair:
				in.Index, in.Index2 = mem, mem
			case ir.ImmMemoryInit:
				in.Index, in.Index2 = 0, mem
			}
			results := append([]ir.ValType(nil), info.Results...)
			if (op == ir.OpMemorySize || op == ir.OpMemoryGrow) && mem == 2 {
				results[0] = ir.I64
			}
			body := []ir.Instr{{Op: ir.OpCall, Index: mem}}
			for i := range params {
				body = append(body, ir.Instr{Op: ir.OpLocalGet, Index: uint32(i)})
			}
			body = append(body, in)
			m.Types = append(m.Types, ir.FuncTypeDef(ir.FuncType{Params: params, Results: results}))
			m.Funcs = append(m.Funcs, ir.Func{Type: uint32(len(m.Types) - 1), Body: body})
			m.Exports = append(m.Exports, ir.Export{Name: fmt.Sprintf("%s/%d", info.Name, mem), Kind: ir.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
		}
		cases = append(cases, c)
	}
	mod, err := interp.Compile(m, nil, features3)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	inst, err := interp.Instantiate(interp.NewStore(), mod, nil)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	ran := 0
	for _, c := range cases {
		var outs [3]string
		var bytesAfter [3][]byte
		for mem := 0; mem < 3; mem++ {
			res, err := inst.Call(context.Background(), fmt.Sprintf("%s/%d", c.op, mem), c.args[mem]...)
			switch {
			case err != nil:
				msg, _, _ := strings.Cut(err.Error(), " (in ")
				outs[mem] = "error: " + msg
			default:
				for _, r := range res {
					if r.Type == ir.I64 && (c.op == ir.OpMemorySize || c.op == ir.OpMemoryGrow) {
						r = i32(int32(r.Lo)) // i64 sizes compare as the i32 ones
					}
					outs[mem] += r.String() + " "
				}
			}
			bytesAfter[mem] = inst.Memory(fmt.Sprintf("mem%d", mem)).Bytes()[:80]
		}
		for mem := 1; mem < 3; mem++ {
			if outs[mem] != outs[0] {
				t.Errorf("%s on memory %d: %s; on memory 0: %s", c.op, mem, outs[mem], outs[0])
			}
			if !bytes.Equal(bytesAfter[mem], bytesAfter[0]) {
				t.Errorf("%s on memory %d leaves % x; on memory 0: % x", c.op, mem, bytesAfter[mem], bytesAfter[0])
			}
		}
		if testing.Verbose() {
			t.Logf("%s: %s", c.op, outs[0])
		}
		ran++
	}
	if ran < 80 {
		t.Errorf("only %d memory instructions ran; the walk is broken", ran)
	}
	t.Logf("%d memory instructions ran on 3 memories", ran)
}
