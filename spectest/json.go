package spectest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// JSON scripts are what wabt's wast2json writes: a .json command list plus
// one .wasm (or .wat, for text modules under assert_malformed) per module.
// RunJSONFile lets scripts written for wabt's spectest-interp run unchanged.
// The threads proposal's commands, which wabt does not convert, are read
// in the form watt's wast2json writes them:
//
//	{"type": "thread", "line": N, "name": "$T", "shared_modules": ["$M"], "commands": [...]}
//	{"type": "wait", "line": N, "thread": "$T"}

type jsonScript struct {
	SourceFilename string        `json:"source_filename"`
	Commands       []jsonCommand `json:"commands"`
}

type jsonCommand struct {
	Type       string      `json:"type"`
	Line       int         `json:"line"`
	Name       string      `json:"name"`
	As         string      `json:"as"`
	Filename   string      `json:"filename"`
	Text       string      `json:"text"`
	ModuleType string      `json:"module_type"`
	Action     *jsonAction `json:"action"`
	Expected   []jsonValue `json:"expected"`
	// thread and wait
	SharedModules []string      `json:"shared_modules"`
	Commands      []jsonCommand `json:"commands"`
	Thread        string        `json:"thread"`
}

type jsonAction struct {
	Type   string      `json:"type"`
	Module string      `json:"module"`
	Field  string      `json:"field"`
	Args   []jsonValue `json:"args"`
}

type jsonValue struct {
	Type     string          `json:"type"`
	LaneType string          `json:"lane_type"`
	Value    json.RawMessage `json:"value"`
	Values   []jsonValue     `json:"values"` // either
}

// RunJSONFile runs a wast2json script.
func RunJSONFile(ctx context.Context, path string, opts Options) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var js jsonScript
	if err := json.Unmarshal(data, &js); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	// Positions refer to lines of the original .wast; a source of that many
	// empty lines gives every command its line number.
	name := js.SourceFilename
	if name == "" {
		name = path
	}
	maxLine := 1
	var lines func(cmds []jsonCommand)
	lines = func(cmds []jsonCommand) {
		for _, c := range cmds {
			maxLine = max(maxLine, c.Line)
			lines(c.Commands)
		}
	}
	lines(js.Commands)
	src := ir.NewSource(name, bytes.Repeat([]byte{'\n'}, maxLine), false)
	dir := filepath.Dir(path)
	cmds, err := convertAll(js.Commands, src, dir, name)
	if err != nil {
		return nil, err
	}
	return RunScript(ctx, src, &wat.Script{Commands: cmds}, opts)
}

func convertAll(in []jsonCommand, src *ir.Source, dir, name string) ([]wat.Command, error) {
	var out []wat.Command
	for _, c := range in {
		cmd, err := c.convert(src, dir)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, c.Line, err)
		}
		if t, ok := cmd.(*wat.ThreadCommand); ok {
			if t.Commands, err = convertAll(c.Commands, src, dir, name); err != nil {
				return nil, err
			}
		}
		out = append(out, cmd)
	}
	return out, nil
}

// linePos is the position of the start of line in a source of empty lines.
func linePos(_ *ir.Source, line int) ir.Pos { return ir.PosAt(max(line-1, 0)) }

func (c *jsonCommand) module(src *ir.Source, dir string) (*wat.ModuleCommand, error) {
	data, err := os.ReadFile(filepath.Join(dir, c.Filename))
	if err != nil {
		return nil, err
	}
	m := &wat.ModuleCommand{Pos: linePos(src, c.Line), Name: strings.TrimPrefix(c.Name, "$"), Kind: wat.ModuleBinary, Binary: data}
	if c.ModuleType == "text" {
		m.Kind, m.Binary, m.Quote = wat.ModuleQuote, nil, string(data)
	}
	return m, nil
}

func (c *jsonCommand) convert(src *ir.Source, dir string) (wat.Command, error) {
	pos := linePos(src, c.Line)
	switch c.Type {
	case "module":
		return c.module(src, dir)
	case "register":
		return &wat.RegisterCommand{Pos: pos, As: c.As, Module: strings.TrimPrefix(c.Name, "$")}, nil
	case "action", "assert_return", "assert_trap", "assert_exhaustion":
		a, err := c.Action.convert(pos)
		if err != nil {
			return nil, err
		}
		switch c.Type {
		case "action":
			return &wat.ActionCommand{Pos: pos, Action: a}, nil
		case "assert_trap":
			return &wat.AssertTrap{Pos: pos, Action: &a, Message: c.Text}, nil
		case "assert_exhaustion":
			return &wat.AssertExhaustion{Pos: pos, Action: a, Message: c.Text}, nil
		}
		ar := &wat.AssertReturn{Pos: pos, Action: a}
		for _, v := range c.Expected {
			r, err := v.result(pos)
			if err != nil {
				return nil, err
			}
			ar.Results = append(ar.Results, r)
		}
		return ar, nil
	case "assert_malformed", "assert_invalid", "assert_unlinkable", "assert_uninstantiable":
		m, err := c.module(src, dir)
		if err != nil {
			return nil, err
		}
		kinds := map[string]ir.ErrorKind{"assert_malformed": ir.Malformed, "assert_invalid": ir.Invalid,
			"assert_unlinkable": ir.Unlinkable, "assert_uninstantiable": ir.Uninstantiable}
		return &wat.AssertModule{Pos: pos, Kind: kinds[c.Type], Module: m, Message: c.Text}, nil
	case "thread":
		t := &wat.ThreadCommand{Pos: pos, Name: strings.TrimPrefix(c.Name, "$")}
		for _, m := range c.SharedModules {
			t.Shared = append(t.Shared, strings.TrimPrefix(m, "$"))
		}
		return t, nil // the caller converts the commands
	case "wait":
		return &wat.WaitCommand{Pos: pos, Thread: strings.TrimPrefix(c.Thread, "$")}, nil
	}
	return nil, fmt.Errorf("unknown command type %q", c.Type)
}

func (a *jsonAction) convert(pos ir.Pos) (wat.Action, error) {
	if a == nil {
		return wat.Action{}, fmt.Errorf("missing action")
	}
	out := wat.Action{Pos: pos, Module: strings.TrimPrefix(a.Module, "$"), Name: a.Field}
	switch a.Type {
	case "invoke":
		out.Kind = wat.ActionInvoke
	case "get":
		out.Kind = wat.ActionGet
	default:
		return out, fmt.Errorf("unknown action type %q", a.Type)
	}
	for _, v := range a.Args {
		r, err := v.result(pos)
		if err != nil {
			return out, err
		}
		out.Args = append(out.Args, r.Value)
	}
	return out, nil
}

var jsonTypes = map[string]ir.ValType{"i32": ir.I32, "i64": ir.I64, "f32": ir.F32, "f64": ir.F64,
	"v128": ir.V128, "funcref": ir.FuncRef, "externref": ir.ExternRef}

var jsonShapes = map[string]wat.V128Shape{"i8": wat.ShapeI8x16, "i16": wat.ShapeI16x8, "i32": wat.ShapeI32x4,
	"i64": wat.ShapeI64x2, "f32": wat.ShapeF32x4, "f64": wat.ShapeF64x2}

// result converts a JSON value: decimal bit patterns, "nan:canonical" /
// "nan:arithmetic", "null", v128 lanes, "either".
func (v *jsonValue) result(pos ir.Pos) (wat.Result, error) {
	r := wat.Result{Pos: pos}
	if v.Type == "either" {
		r.Kind = wat.ResultEither
		for i := range v.Values {
			alt, err := v.Values[i].result(pos)
			if err != nil {
				return r, err
			}
			r.Either = append(r.Either, alt)
		}
		return r, nil
	}
	t, ok := jsonTypes[v.Type]
	if !ok {
		return r, fmt.Errorf("unknown value type %q", v.Type)
	}
	r.Value.Type = t
	if t == ir.V128 {
		shape, ok := jsonShapes[v.LaneType]
		if !ok {
			return r, fmt.Errorf("unknown lane type %q", v.LaneType)
		}
		var lanes []string
		if err := json.Unmarshal(v.Value, &lanes); err != nil || len(lanes) != shape.Lanes() {
			return r, fmt.Errorf("bad v128 lanes %s", v.Value)
		}
		r.Value.Shape = shape
		bits := shape.LaneBits()
		for i, s := range lanes {
			if p := nanPattern(s); p != wat.NaNNone {
				r.NaN[i] = p
				continue
			}
			n, err := strconv.ParseUint(s, 10, int(bits))
			if err != nil {
				return r, fmt.Errorf("bad lane %q", s)
			}
			off := uint(i) * bits
			if off < 64 {
				r.Value.Lo |= n << off
			} else {
				r.Value.Hi |= n << (off - 64)
			}
		}
		return r, nil
	}
	var s string
	if err := json.Unmarshal(v.Value, &s); err != nil {
		if t.IsRef() && len(v.Value) == 0 {
			r.Kind = wat.ResultRefAny
			return r, nil
		}
		return r, fmt.Errorf("bad value %s", v.Value)
	}
	if t.IsRef() {
		if s == "null" {
			r.Value.Null = true
			return r, nil
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return r, fmt.Errorf("bad reference %q", s)
		}
		r.Value.Lo = n
		return r, nil
	}
	if p := nanPattern(s); p != wat.NaNNone {
		r.NaN[0] = p
		return r, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return r, fmt.Errorf("bad value %q", s)
	}
	r.Value.Lo = n
	return r, nil
}

func nanPattern(s string) wat.NaNPattern {
	switch s {
	case "nan:canonical":
		return wat.NaNCanonical
	case "nan:arithmetic":
		return wat.NaNArithmetic
	}
	return wat.NaNNone
}
