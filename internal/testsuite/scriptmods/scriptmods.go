// Package scriptmods lists the modules of a .wast script with the command
// around each, for tests that feed the suite's modules to other tools. It
// is apart from testsuite because it parses with wat, whose own tests use
// testsuite.
package scriptmods

import (
	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// Module is one module of a script, with the command around it.
type Module struct {
	File    string
	Line    int
	Command string // "module", "assert_malformed", "assert_invalid", "assert_trap", ...
	Want    string // the assertion's expected message ("" for plain modules)
	Kind    wat.ModuleKind
	Text    string     // the whole (module …) form as written
	Binary  []byte     // the bytes of a (module binary …)
	Parsed  *ir.Module // a text module as parsed (nil if it did not parse)
}

// Modules parses a script of the threads suite and lists every module in
// it, in script order: top-level ones, those inside (thread …) bodies, and
// those under assertions. file names them in Module.File.
func Modules(file string, data []byte) ([]Module, error) {
	return ModulesFor(file, data, testsuite.Features)
}

// ModulesFor is Modules for a script written for features (the core
// suite's: testsuite.CoreFeatures).
func ModulesFor(file string, data []byte, features ir.Features) ([]Module, error) {
	src := ir.NewSource(file, data, false)
	script, err := wat.ParseScript(src, features)
	if err != nil {
		return nil, err
	}
	var out []Module
	add := func(m *wat.ModuleCommand, command, want string) {
		out = append(out, Module{
			File: file, Line: src.Position(m.Pos).Line, Command: command, Want: want,
			Kind: m.Kind, Text: string(data[m.Start:m.End]), Binary: m.Binary, Parsed: m.Module,
		})
	}
	var walk func(cmds []wat.Command)
	walk = func(cmds []wat.Command) {
		for _, c := range cmds {
			switch c := c.(type) {
			case *wat.ModuleCommand:
				add(c, "module", "")
			case *wat.AssertTrap:
				if c.Module != nil {
					add(c.Module, "assert_trap", c.Message)
				}
			case *wat.AssertModule:
				add(c.Module, assertName[c.Kind], c.Message)
			case *wat.ThreadCommand:
				walk(c.Commands)
			}
		}
	}
	walk(script.Commands)
	return out, nil
}

var assertName = map[ir.ErrorKind]string{
	ir.Malformed: "assert_malformed", ir.Invalid: "assert_invalid",
	ir.Unlinkable: "assert_unlinkable", ir.Uninstantiable: "assert_uninstantiable",
}
