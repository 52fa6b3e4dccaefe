package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

const wast2jsonDescription = `read a file in the wasm spec test format, check it for errors, and
convert it to a JSON file and associated wasm binary files.

The JSON and the modules are wabt's, byte for byte. The threads proposal's
commands, which wabt does not read, are written as
  {"type": "thread", "line": N, "name": "$T", "shared_modules": ["$M", ...],
   "commands": [ ...the thread's commands, in the same format... ]}
  {"type": "wait", "line": N, "thread": "$T"}
(spectest-interp reads them back). Without -o the JSON is written in the
current directory as the input's base name with .json; modules go next to
the JSON as NAME.0.wasm, NAME.1.wasm, ... (NAME.N.wat for quoted text
modules under assert_malformed/assert_invalid). Nothing is written unless
the whole script converts.`

const wast2jsonExamples = `# parse spec-test.wast, and write files to spec-test.json. Modules are
# written to spec-test.0.wasm, spec-test.1.wasm, etc.
$ wast2json spec-test.wast -o spec-test.json`

// Wast2JSON is the wast2json tool.
func Wast2JSON(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal("wast2json", stderr, &code)
	var (
		input, output string
		verbose       int
		features      = ir.DefaultFeatures()
		debugNames    bool
		noCheck       bool
	)
	cmd := &command{
		name:        "wast2json",
		usage:       "[options] filename",
		description: wast2jsonDescription,
		examples:    wast2jsonExamples,
		positional:  singleFile(&input),
		stdout:      stdout,
		stderr:      stderr,
	}
	cmd.opts = cmd.commonOptions(&verbose)
	cmd.opts = append(cmd.opts, unsupportedOptions(
		option{long: "debug-parser", help: "Turn on debugging the parser of wast files"},
	)...)
	cmd.opts = append(cmd.opts, featureOptions(&features)...)
	cmd.opts = append(cmd.opts,
		option{short: 'o', long: "output", metavar: "FILE", help: "output JSON file",
			set: func(v string) error { output = v; return nil }},
	)
	cmd.opts = append(cmd.opts, unsupportedOptions(
		option{short: 'r', long: "relocatable", help: "Create a relocatable wasm binary (not supported by watt)"},
		option{long: "no-canonicalize-leb128s", help: "Write all LEB128 sizes as 5-bytes (not supported by watt)"},
	)...)
	cmd.opts = append(cmd.opts,
		option{long: "debug-names", help: "Write debug names to the generated binary file",
			set: func(string) error { debugNames = true; return nil }},
		option{long: "no-check", help: "Don't check for invalid modules",
			set: func(string) error { noCheck = true; return nil }},
	)
	if ok, code := cmd.parse(args); !ok {
		return code
	}
	if input == "" {
		fmt.Fprintf(stderr, "wast2json: expected filename argument.\nTry '--help' for more information.\n")
		return 1
	}
	if output == "" {
		if input == stdinName {
			output = "-.json"
		} else {
			output = defaultOutputName(input, ".json")
		}
	}
	name, data, err := readInput(input, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "wast2json: %v\n", err)
		return 1
	}
	src := ir.NewSource(name, data, false)
	if err := checkNotEmpty(src, "a module field or a command"); err != nil {
		fmt.Fprint(stderr, ir.Format(err))
		return 1
	}
	script, err := wat.ParseScript(src, features)
	if err != nil {
		fmt.Fprint(stderr, ir.Format(err))
		return 1
	}
	w := &specWriter{
		src: src, features: features, check: !noCheck,
		encode: encodeOptions(features, debugNames),
		prefix: strings.TrimSuffix(output, filepath.Ext(output)),
	}
	if output == stdinName {
		w.prefix = "-"
	}
	w.json.WriteString(`{"source_filename": `)
	writeJSONString(&w.json, name)
	w.json.WriteString(",\n \"commands\": [\n")
	w.commands(script.Commands, &specScope{named: map[string]*ir.Module{}}, "  ")
	w.json.WriteString("]}\n")
	if w.err != nil {
		fmt.Fprint(stderr, ir.Format(w.err))
		return 1
	}
	for _, f := range w.files {
		if err := writeOutput(f.name, f.data, stdout); err != nil {
			fmt.Fprintf(stderr, "wast2json: %v\n", err)
			return 1
		}
		if verbose > 0 {
			fmt.Fprintf(stderr, "wrote %s (%d bytes)\n", f.name, len(f.data))
		}
	}
	if err := writeOutput(output, []byte(w.json.String()), stdout); err != nil {
		fmt.Fprintf(stderr, "wast2json: %v\n", err)
		return 1
	}
	return 0
}

// specWriter turns script commands into wabt's JSON and module files.
type specWriter struct {
	src      *ir.Source
	features ir.Features
	check    bool
	encode   binary.EncodeOptions
	prefix   string // output path without ".json": modules are prefix.N.wasm
	json     strings.Builder
	files    []specFile
	count    int // modules written so far
	err      error
	// inAssertion is set while an assertion's module is written: a quoted
	// one is written as its text.
	inAssertion bool
}

type specFile struct {
	name string
	data []byte
}

// specScope is what actions resolve against: the current module and the
// named ones (a thread starts with just its shared modules).
type specScope struct {
	current *ir.Module
	named   map[string]*ir.Module
}

func (w *specWriter) fail(pos ir.Pos, format string, args ...any) {
	if w.err == nil {
		w.err = &ir.Error{Src: w.src, Pos: pos, Kind: ir.Malformed, Msg: fmt.Sprintf(format, args...)}
	}
}

// commands writes one JSON object per command, indent before each,
// separated by ", \n" as wabt separates them.
func (w *specWriter) commands(cmds []wat.Command, scope *specScope, indent string) {
	for i, c := range cmds {
		if i > 0 {
			w.json.WriteString(", \n")
		}
		w.json.WriteString(indent)
		w.command(c, scope, indent)
	}
}

// line is the line wabt writes for a form at pos: that of its keyword,
// which may follow the "(" on a later line.
func (w *specWriter) line(pos ir.Pos) string {
	off := w.src.Position(pos).Offset
	d := w.src.Data
	if off < len(d) && d[off] == '(' {
		off = skipSpaceAndComments(d, off+1)
	}
	return strconv.Itoa(w.src.Position(ir.PosAt(off)).Line)
}

// skipSpaceAndComments returns the offset of the first token at or after
// off.
func skipSpaceAndComments(d []byte, off int) int {
	for off < len(d) {
		switch c := d[off]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			off++
		case c == ';' && off+1 < len(d) && d[off+1] == ';':
			for off < len(d) && d[off] != '\n' {
				off++
			}
		case c == '(' && off+1 < len(d) && d[off+1] == ';':
			depth := 0
			for off+1 < len(d) {
				if d[off] == '(' && d[off+1] == ';' {
					depth++
					off += 2
				} else if d[off] == ';' && d[off+1] == ')' {
					depth--
					off += 2
					if depth == 0 {
						break
					}
				} else {
					off++
				}
			}
		default:
			return off
		}
	}
	return off
}

func (w *specWriter) command(c wat.Command, scope *specScope, indent string) {
	j := &w.json
	switch c := c.(type) {
	case *wat.ModuleCommand:
		j.WriteString(`{"type": "module", "line": ` + w.line(c.Pos))
		if c.Name != "" {
			j.WriteString(`, "name": `)
			writeJSONString(j, "$"+c.Name)
		}
		m, file := w.module(c, true)
		j.WriteString(`, "filename": `)
		writeJSONString(j, filepath.Base(file))
		j.WriteString("}")
		scope.current = m
		if c.Name != "" {
			scope.named[c.Name] = m
		}
	case *wat.RegisterCommand:
		j.WriteString(`{"type": "register", "line": ` + w.line(c.Pos))
		if c.Module != "" {
			j.WriteString(`, "name": `)
			writeJSONString(j, "$"+c.Module)
		}
		j.WriteString(`, "as": `)
		writeJSONString(j, c.As)
		j.WriteString("}")
	case *wat.ActionCommand:
		j.WriteString(`{"type": "action", "line": ` + w.line(c.Action.Pos) + `, "action": `)
		w.action(&c.Action)
		j.WriteString(`, "expected": `)
		w.resultTypes(&c.Action, scope)
		j.WriteString("}")
	case *wat.AssertReturn:
		j.WriteString(`{"type": "assert_return", "line": ` + w.line(c.Action.Pos) + `, "action": `)
		w.action(&c.Action)
		w.resolve(&c.Action, scope)
		j.WriteString(`, "expected": [`)
		for i := range c.Results {
			if i > 0 {
				j.WriteString(", ")
			}
			w.result(&c.Results[i])
		}
		j.WriteString("]}")
	case *wat.AssertTrap:
		if c.Module != nil {
			w.assertModule("assert_uninstantiable", c.Pos, c.Module, c.Message, true)
			return
		}
		j.WriteString(`{"type": "assert_trap", "line": ` + w.line(c.Action.Pos) + `, "action": `)
		w.action(c.Action)
		j.WriteString(`, "text": `)
		writeJSONString(j, c.Message)
		j.WriteString(`, "expected": `)
		w.resultTypes(c.Action, scope)
		j.WriteString("}")
	case *wat.AssertExhaustion:
		j.WriteString(`{"type": "assert_exhaustion", "line": ` + w.line(c.Action.Pos) + `, "action": `)
		w.action(&c.Action)
		j.WriteString(`, "text": `)
		writeJSONString(j, c.Message)
		j.WriteString(`, "expected": `)
		w.resultTypes(&c.Action, scope)
		j.WriteString("}")
	case *wat.AssertModule:
		kind := map[ir.ErrorKind]string{ir.Malformed: "assert_malformed", ir.Invalid: "assert_invalid",
			ir.Unlinkable: "assert_unlinkable", ir.Uninstantiable: "assert_uninstantiable"}[c.Kind]
		w.assertModule(kind, c.Pos, c.Module, c.Message, c.Kind != ir.Malformed && c.Kind != ir.Invalid)
	case *wat.ThreadCommand:
		j.WriteString(`{"type": "thread", "line": ` + w.line(c.Pos))
		if c.Name != "" {
			j.WriteString(`, "name": `)
			writeJSONString(j, "$"+c.Name)
		}
		j.WriteString(`, "shared_modules": [`)
		inner := &specScope{named: map[string]*ir.Module{}}
		for i, name := range c.Shared {
			if i > 0 {
				j.WriteString(", ")
			}
			writeJSONString(j, "$"+name)
			inner.named[name] = scope.named[name]
		}
		j.WriteString(`], "commands": [`)
		if len(c.Commands) > 0 {
			j.WriteString("\n")
			w.commands(c.Commands, inner, indent+"  ")
		}
		j.WriteString("]}")
	case *wat.WaitCommand:
		j.WriteString(`{"type": "wait", "line": ` + w.line(c.Pos) + `, "thread": `)
		writeJSONString(j, "$"+c.Thread)
		j.WriteString("}")
	default:
		w.fail(c.Position(), "wast2json: unsupported command %T", c)
	}
}

// assertModule writes an assertion on a module: its file and the expected
// message. check says whether the module must be valid (it only fails to
// link or to start).
func (w *specWriter) assertModule(kind string, pos ir.Pos, mc *wat.ModuleCommand, text string, check bool) {
	j := &w.json
	// The line is the module's, as wabt writes it.
	j.WriteString(`{"type": "` + kind + `", "line": ` + w.line(mc.Pos))
	w.inAssertion = true
	_, file := w.module(mc, check)
	w.inAssertion = false
	j.WriteString(`, "filename": `)
	writeJSONString(j, filepath.Base(file))
	j.WriteString(`, "text": `)
	writeJSONString(j, text)
	if mc.Kind == wat.ModuleQuote {
		j.WriteString(`, "module_type": "text"}`)
	} else {
		j.WriteString(`, "module_type": "binary"}`)
	}
}

// module writes a module's file and returns its IR (nil when it cannot be
// known: a quoted or malformed module) and the file's name. Binary modules
// are written as they are, quoted ones as their text, text modules
// encoded; check validates text modules first.
func (w *specWriter) module(mc *wat.ModuleCommand, check bool) (*ir.Module, string) {
	n := w.count
	w.count++
	name := fmt.Sprintf("%s.%d.wasm", w.prefix, n)
	switch mc.Kind {
	case wat.ModuleBinary:
		w.files = append(w.files, specFile{name, mc.Binary})
		m, _ := binary.Decode(ir.NewSource(name, mc.Binary, true), w.features)
		return m, name
	case wat.ModuleQuote:
		if !w.inAssertion {
			// A module command's quoted text is a module like any other
			// (wabt 1.0.32 crashes on it): parsed, checked, encoded.
			src := ir.NewSource(fmt.Sprintf("%s:%s (module quote)", w.src.Name, w.line(mc.Pos)), []byte(mc.Quote), false)
			m, err := wat.ParseModule(src, w.features)
			if err != nil {
				if w.err == nil {
					w.err = err
				}
				return nil, name
			}
			mc = &wat.ModuleCommand{Pos: mc.Pos, Name: mc.Name, Kind: wat.ModuleText, Module: m}
			if check && w.check {
				if err := validate.Module(m, src, w.features); err != nil && w.err == nil {
					w.err = err
				}
				check = false
			}
			break
		}
		name = fmt.Sprintf("%s.%d.wat", w.prefix, n)
		w.files = append(w.files, specFile{name, []byte(mc.Quote)})
		return nil, name
	}
	if mc.Err != nil || mc.Module == nil {
		if w.err == nil {
			w.err = mc.Err
			if w.err == nil {
				w.fail(mc.Pos, "module did not parse")
			}
		}
		return nil, name
	}
	if check && w.check {
		if err := validate.Module(mc.Module, w.src, w.features); err != nil && w.err == nil {
			w.err = err
		}
	}
	data, err := binary.Encode(mc.Module, w.encode)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.files = append(w.files, specFile{name, data})
	return mc.Module, name
}

func (w *specWriter) action(a *wat.Action) {
	j := &w.json
	if a.Kind == wat.ActionGet {
		j.WriteString(`{"type": "get"`)
	} else {
		j.WriteString(`{"type": "invoke"`)
	}
	if a.Module != "" {
		j.WriteString(`, "module": `)
		writeJSONString(j, "$"+a.Module)
	}
	j.WriteString(`, "field": `)
	writeJSONString(j, a.Name)
	if a.Kind == wat.ActionInvoke {
		j.WriteString(`, "args": [`)
		for i := range a.Args {
			if i > 0 {
				j.WriteString(", ")
			}
			w.value(&a.Args[i], nil)
		}
		j.WriteString("]")
	}
	j.WriteString("}")
}

// resolve finds the export an action names, as wabt does before writing
// it: an unknown module or export is an error.
func (w *specWriter) resolve(a *wat.Action, scope *specScope) []ir.ValType {
	m := scope.current
	if a.Module != "" {
		var ok bool
		if m, ok = scope.named[a.Module]; !ok {
			w.fail(a.Pos, "unknown module $%s", a.Module)
			return nil
		}
	}
	if m == nil {
		w.fail(a.Pos, "unknown module")
		return nil
	}
	for _, ex := range m.Exports {
		if ex.Name != a.Name {
			continue
		}
		switch {
		case a.Kind == wat.ActionInvoke && ex.Kind == ir.ExternFunc:
			if ti, ok := m.FuncTypeIndex(ex.Index); ok && int(ti) < len(m.Types) {
				return m.Types[ti].Results
			}
			return nil
		case a.Kind == wat.ActionGet && ex.Kind == ir.ExternGlobal:
			if gt, ok := globalType(m, ex.Index); ok {
				return []ir.ValType{gt.Type}
			}
			return nil
		}
	}
	if a.Kind == wat.ActionGet {
		w.fail(a.Pos, "unknown global export %q", a.Name)
	} else {
		w.fail(a.Pos, "unknown function export %q", a.Name)
	}
	return nil
}

// resultTypes writes the types an action returns, as wabt writes them for
// action, assert_trap and assert_exhaustion. (wabt 1.0.32 leaves out the
// ", " between two types, which is not JSON; watt writes it.)
func (w *specWriter) resultTypes(a *wat.Action, scope *specScope) {
	j := &w.json
	j.WriteString("[")
	for i, t := range w.resolve(a, scope) {
		if i > 0 {
			j.WriteString(", ")
		}
		j.WriteString(`{"type": "` + jsonTypeName(t) + `"}`)
	}
	j.WriteString("]")
}

// globalType is the type of global index i, imports first.
func globalType(m *ir.Module, i uint32) (ir.GlobalType, bool) {
	for _, im := range m.Imports {
		if im.Kind != ir.ExternGlobal {
			continue
		}
		if i == 0 {
			return im.Global, true
		}
		i--
	}
	if uint64(i) < uint64(len(m.Globals)) {
		return m.Globals[i].Type, true
	}
	return ir.GlobalType{}, false
}

func jsonTypeName(t ir.ValType) string {
	switch t {
	case ir.FuncRef:
		return "funcref"
	case ir.ExternRef:
		return "externref"
	}
	return t.String()
}

var jsonLaneTypes = map[wat.V128Shape]string{wat.ShapeI8x16: "i8", wat.ShapeI16x8: "i16", wat.ShapeI32x4: "i32",
	wat.ShapeI64x2: "i64", wat.ShapeF32x4: "f32", wat.ShapeF64x2: "f64"}

// value writes a constant: bits as an unsigned decimal string, v128 lane
// by lane in the shape it was written in, references as "null" or their
// number. nan holds NaN patterns of an expected result.
func (w *specWriter) value(v *wat.Value, nan *[4]wat.NaNPattern) {
	j := &w.json
	j.WriteString(`{"type": "` + jsonTypeName(v.Type) + `", `)
	pattern := func(i int) string {
		if nan == nil || i >= len(nan) {
			return ""
		}
		switch nan[i] {
		case wat.NaNCanonical:
			return "nan:canonical"
		case wat.NaNArithmetic:
			return "nan:arithmetic"
		}
		return ""
	}
	switch {
	case v.Type == ir.V128:
		shape := v.Shape
		if shape == wat.ShapeNone {
			shape = wat.ShapeI32x4
		}
		j.WriteString(`"lane_type": "` + jsonLaneTypes[shape] + `", "value": [`)
		bits := shape.LaneBits()
		for i := 0; i < shape.Lanes(); i++ {
			if i > 0 {
				j.WriteString(", ")
			}
			if p := pattern(i); p != "" {
				j.WriteString(`"` + p + `"`)
				continue
			}
			off := uint(i) * bits
			word := v.Lo
			if off >= 64 {
				word, off = v.Hi, off-64
			}
			lane := word >> off
			if bits < 64 {
				lane &= 1<<bits - 1
			}
			j.WriteString(`"` + strconv.FormatUint(lane, 10) + `"`)
		}
		j.WriteString("]}")
		return
	case v.Type == ir.FuncRef || v.Type == ir.ExternRef:
		if v.Null {
			j.WriteString(`"value": "null"}`)
		} else {
			j.WriteString(`"value": "` + strconv.FormatUint(v.Lo, 10) + `"}`)
		}
		return
	}
	j.WriteString(`"value": "`)
	switch {
	case pattern(0) != "":
		j.WriteString(pattern(0))
	case v.Type == ir.I32 || v.Type == ir.F32:
		j.WriteString(strconv.FormatUint(uint64(uint32(v.Lo)), 10))
	default:
		j.WriteString(strconv.FormatUint(v.Lo, 10))
	}
	j.WriteString(`"}`)
}

// result writes an expected result: a value (with NaN patterns), any
// reference of a type ({"type": "externref"}, watt's), or watt's
// {"type": "either", "values": [...]}.
func (w *specWriter) result(r *wat.Result) {
	j := &w.json
	switch r.Kind {
	case wat.ResultRefAny:
		j.WriteString(`{"type": "` + jsonTypeName(r.Value.Type) + `"}`)
	case wat.ResultEither:
		j.WriteString(`{"type": "either", "values": [`)
		for i := range r.Either {
			if i > 0 {
				j.WriteString(", ")
			}
			w.result(&r.Either[i])
		}
		j.WriteString("]}")
	default:
		w.value(&r.Value, &r.NaN)
	}
}

// writeJSONString writes s quoted as wabt does: control characters, '"'
// and '\' as \u00XX, every other byte as it is.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' {
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
}
