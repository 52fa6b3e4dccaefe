package wat

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/watt-wasm/watt/ir"
)

const parseTestScript = `;; every command form
(module $M (func (export "f") (param i32) (result i32) (local.get 0)))
(module $B binary "\00asm" "\01\00\00\00")
(module quote "(func" " (nop))")
(register "m" $M)
(register "last")
(invoke "f" (i32.const -1))
(get $M "g")
(assert_return (invoke $M "f" (i64.const 0x10) (f32.const -0.5) (f64.const nan:0x4)
                 (v128.const i32x4 1 2 3 4) (ref.null func) (ref.extern 7))
  (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic)
  (v128.const f32x4 nan:canonical 1 nan:arithmetic -inf)
  (ref.null extern) (ref.extern 3) (ref.func) (ref.extern)
  (either (i32.const 0) (i32.const 42)))
(assert_trap (invoke "f") "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_malformed (module quote "(func") "unexpected end")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(assert_uninstantiable (module binary "") "out of bounds")
(thread $T (shared (module $M)) (shared (module $B))
  (register "mem" $M)
  (assert_return (invoke "f") (i32.const 0)))
(wait $T)
`

func TestParseScriptCommands(t *testing.T) {
	src := ir.NewSource("test.wast", []byte(parseTestScript), false)
	s, err := ParseScript(src, parseThreadsOn)
	if err != nil {
		t.Fatal(err)
	}
	i32 := func(v uint64) Value { return Value{Type: ir.I32, Lo: v} }
	want := []Command{
		&ModuleCommand{Name: "M", Kind: ModuleText},
		&ModuleCommand{Name: "B", Kind: ModuleBinary, Binary: []byte("\x00asm\x01\x00\x00\x00")},
		&ModuleCommand{Kind: ModuleQuote, Quote: "(func (nop))"},
		&RegisterCommand{As: "m", Module: "M"},
		&RegisterCommand{As: "last"},
		&ActionCommand{Action: Action{Kind: ActionInvoke, Name: "f", Args: []Value{i32(0xffffffff)}}},
		&ActionCommand{Action: Action{Kind: ActionGet, Module: "M", Name: "g"}},
		&AssertReturn{
			Action: Action{Kind: ActionInvoke, Module: "M", Name: "f", Args: []Value{
				{Type: ir.I64, Lo: 16},
				{Type: ir.F32, Lo: 0xbf000000},
				{Type: ir.F64, Lo: 0x7ff0000000000004},
				{Type: ir.V128, Shape: ShapeI32x4, Lo: 0x0000000200000001, Hi: 0x0000000400000003},
				{Type: ir.FuncRef, Null: true},
				{Type: ir.ExternRef, Lo: 7},
			}},
			Results: []Result{
				{Value: i32(1)},
				{Value: Value{Type: ir.F32}, NaN: [4]NaNPattern{NaNCanonical}},
				{Value: Value{Type: ir.F64}, NaN: [4]NaNPattern{NaNArithmetic}},
				{Value: Value{Type: ir.V128, Shape: ShapeF32x4, Lo: 0x3f800000 << 32, Hi: 0xff800000 << 32},
					NaN: [4]NaNPattern{NaNCanonical, NaNNone, NaNArithmetic, NaNNone}},
				{Value: Value{Type: ir.ExternRef, Null: true}},
				{Value: Value{Type: ir.ExternRef, Lo: 3}},
				{Kind: ResultRefAny, Value: Value{Type: ir.FuncRef}},
				{Kind: ResultRefAny, Value: Value{Type: ir.ExternRef}},
				{Kind: ResultEither, Either: []Result{{Value: i32(0)}, {Value: i32(42)}}},
			},
		},
		&AssertTrap{Action: &Action{Kind: ActionInvoke, Name: "f"}, Message: "unreachable"},
		&AssertTrap{Module: &ModuleCommand{Kind: ModuleText}, Message: "unreachable"},
		&AssertExhaustion{Action: Action{Kind: ActionInvoke, Name: "f"}, Message: "call stack exhausted"},
		&AssertModule{Kind: ir.Malformed, Module: &ModuleCommand{Kind: ModuleQuote, Quote: "(func"}, Message: "unexpected end"},
		&AssertModule{Kind: ir.Invalid, Module: &ModuleCommand{Kind: ModuleText}, Message: "type mismatch"},
		&AssertModule{Kind: ir.Unlinkable, Module: &ModuleCommand{Kind: ModuleText}, Message: "unknown import"},
		&AssertModule{Kind: ir.Uninstantiable, Module: &ModuleCommand{Kind: ModuleBinary, Binary: []byte{}}, Message: "out of bounds"},
		&ThreadCommand{Name: "T", Shared: []string{"M", "B"}, Commands: []Command{
			&RegisterCommand{As: "mem", Module: "M"},
			&AssertReturn{Action: Action{Kind: ActionInvoke, Name: "f"}, Results: []Result{{Value: i32(0)}}},
		}},
		&WaitCommand{Thread: "T"},
	}
	opts := cmp.Options{
		parseIgnorePos,
		cmpopts.IgnoreFields(ModuleCommand{}, "Module", "Start", "End"),
	}
	if diff := cmp.Diff(want, s.Commands, opts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// Positions and spans.
	first := s.Commands[0].(*ModuleCommand)
	if got := parseTestScript[first.Start:first.End]; !strings.HasPrefix(got, "(module $M") || !strings.HasSuffix(got, "(local.get 0)))") {
		t.Errorf("module span = %q", got)
	}
	if p := src.Position(s.Commands[3].Position()); p.Line != 5 || p.Column != 1 {
		t.Errorf("register position %v", p)
	}
	if first.Module == nil || len(first.Module.Funcs) != 1 || first.Module.Name != "M" {
		t.Errorf("module $M not parsed: %+v", first.Module)
	}
	trap := s.Commands[9].(*AssertTrap)
	if trap.Module.Module == nil || trap.Module.Module.Start == nil {
		t.Errorf("assert_trap module not parsed")
	}
}

func TestParseScriptBadModuleInAssertion(t *testing.T) {
	// A text module that does not parse inside an assertion is recorded,
	// and the rest of the script still parses.
	src := `(assert_invalid (module (func (frob))) "x") (module $after)`
	s, err := ParseScript(ir.NewSource("t.wast", []byte(src), false), parseThreadsOn)
	if err != nil {
		t.Fatal(err)
	}
	am := s.Commands[0].(*AssertModule)
	if am.Module.Err == nil || !strings.Contains(am.Module.Err.Error(), "unknown operator frob") || am.Message != "x" {
		t.Errorf("bad module: err %v message %q", am.Module.Err, am.Message)
	}
	if got := src[am.Module.Start:am.Module.End]; got != "(module (func (frob)))" {
		t.Errorf("span %q", got)
	}
	if len(s.Commands) != 2 || s.Commands[1].(*ModuleCommand).Name != "after" {
		t.Errorf("commands after the bad module: %d", len(s.Commands))
	}
}

func TestParseScriptBareModule(t *testing.T) {
	s, err := ParseScript(ir.NewSource("t.wast", []byte(`(func) (memory 0) (func (export "f"))`), false), parseThreadsOn)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Commands) != 1 || len(s.Commands[0].(*ModuleCommand).Module.Funcs) != 2 {
		t.Errorf("bare module script: %+v", s.Commands)
	}
}

func TestParseScriptErrors(t *testing.T) {
	tests := []struct{ src, msg string }{
		{`(frob)`, "unknown command frob"},
		{`(module (func)`, "unexpected end of input"},
		{`(assert_return (frob "f"))`, "unexpected token frob"},
		{`(invoke "f" (i32.const 1x))`, "unknown operator"},
		{`(invoke "f" (i64.const 99999999999999999999))`, "constant out of range"},
		{`(assert_return (invoke "f") (v128.const f32x4 1 2 3))`, "wrong number of lane literals"},
		{`(invoke "f" (f32.const nan:canonical))`, "unexpected token"},
		{`(thread (invoke "f"))`, "unexpected token"},
		{`(wait)`, "unexpected token"},
		{`"x"`, "unexpected token"},
	}
	for _, tt := range tests {
		_, err := ParseScript(ir.NewSource("t.wast", []byte(tt.src), false), parseThreadsOn)
		var e *ir.Error
		if !errors.As(err, &e) || !strings.HasPrefix(e.Msg, tt.msg) {
			t.Errorf("%s: %v, want %q", tt.src, err, tt.msg)
		}
	}
}
