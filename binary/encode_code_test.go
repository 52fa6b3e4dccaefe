package binary

import (
	"bytes"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// encodeBothWays encodes m with the code section written sequentially and
// in parallel (forced, whatever the size): same bytes, same error.
func encodeBothWays(t *testing.T, where string, m *ir.Module, opts EncodeOptions) ([]byte, error) {
	t.Helper()
	old := encodeParallelMin.Swap(math.MaxInt64)
	seq, seqErr := Encode(m, opts)
	encodeParallelMin.Store(0)
	par, parErr := Encode(m, opts)
	encodeParallelMin.Store(old)
	if errString(seqErr) != errString(parErr) {
		t.Fatalf("%s: sequential error %v, parallel error %v", where, seqErr, parErr)
	}
	if !bytes.Equal(seq, par) {
		t.Fatalf("%s: parallel encoding differs:\n%x\n%x", where, seq, par)
	}
	encodeParallelMin.Store(0)
	parts, partsErr := EncodeBuffers(m, opts)
	encodeParallelMin.Store(old)
	if errString(partsErr) != errString(seqErr) || !bytes.Equal(bytes.Join(parts, nil), seq) {
		t.Fatalf("%s: EncodeBuffers differs from Encode (error %v)", where, partsErr)
	}
	return seq, seqErr
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestEncodeCodeParallel encodes every text module of the core suite (with
// and without debug names) both ways, and modules the encoder rejects in
// some body, and bodies carrying code metadata.
func TestEncodeCodeParallel(t *testing.T) {
	n := 0
	for _, path := range testsuite.CoreFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := testsuite.CoreRel(t, path)
		script, err := wat.ParseScript(ir.NewSource(rel, data, false), testsuite.CoreFeatures)
		if err != nil {
			continue
		}
		var walk func(cmds []wat.Command)
		walk = func(cmds []wat.Command) {
			for _, c := range cmds {
				var mc *wat.ModuleCommand
				switch c := c.(type) {
				case *wat.ModuleCommand:
					mc = c
				case *wat.AssertModule:
					mc = c.Module
				case *wat.ThreadCommand:
					walk(c.Commands)
				}
				if mc != nil && mc.Module != nil {
					n++
					encodeBothWays(t, rel, mc.Module, EncodeOptions{})
					encodeBothWays(t, rel, mc.Module, EncodeOptions{DebugNames: true, Features: ir.Wasm2Features()})
				}
			}
		}
		walk(script.Commands)
	}
	t.Logf("%d modules", n)

	// Errors: the first in function order wins.
	m := &ir.Module{Types: ir.TypeDefs([]ir.FuncType{{}})}
	for i := range 100 {
		f := ir.Func{Body: []ir.Instr{{Op: ir.OpNop}}}
		if i == 37 || i == 80 {
			f.Body = append(f.Body, ir.Instr{Op: ir.OpEnd, Pos: ir.Pos(i)})
		}
		m.Funcs = append(m.Funcs, f)
	}
	var e *ir.Error
	if _, err := encodeBothWays(t, "errors", m, EncodeOptions{}); !errors.As(err, &e) || e.Pos != ir.Pos(37) {
		t.Errorf("errors: got %v, want the error of function 37", err)
	}
	// Code metadata in functions of several chunks.
	for i := range m.Funcs {
		m.Funcs[i].Body = []ir.Instr{{Op: ir.OpNop}, {Op: ir.OpI32Const, Value: uint64(i)}, {Op: ir.OpDrop}}
		if i%7 == 3 {
			m.Funcs[i].Body[1].SetMeta([]ir.CodeMeta{{Name: "branch_hint", Data: []byte{1}}})
		}
		if i%11 == 5 {
			m.Funcs[i].Body[2].SetMeta([]ir.CodeMeta{{Name: "other", Data: []byte{2, 3}}})
		}
	}
	m.Datas = []ir.Data{{Mode: ir.SegmentPassive, Init: []byte("x")}}
	m.Funcs[50].Body = append(m.Funcs[50].Body, ir.Instr{Op: ir.OpDataDrop})
	if b, err := encodeBothWays(t, "metadata", m, EncodeOptions{}); err != nil || !bytes.Contains(b, []byte("metadata.code.branch_hint")) || !bytes.Contains(b, []byte("metadata.code.other")) {
		t.Errorf("metadata: %v, no code metadata sections in %x", err, b)
	}
}
