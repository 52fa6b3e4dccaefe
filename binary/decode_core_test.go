package binary

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// coreBinaryModule is one `(module binary …)` of a core suite script.
type coreBinaryModule struct {
	file    string
	line    int
	command string // "module", "assert_malformed", "assert_invalid", ...
	want    string
	bytes   []byte
}

// coreBinaryModules lists the binary modules of every core suite file. A
// file the text parser cannot read yet (3.0 text syntax it lacks) is
// listed in unparsed; its binary modules are missing from the result.
func coreBinaryModules(t *testing.T) (mods []coreBinaryModule, unparsed []string) {
	t.Helper()
	for _, path := range testsuite.CoreFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := testsuite.CoreRel(t, path)
		src := ir.NewSource(rel, data, false)
		script, err := wat.ParseScript(src, testsuite.CoreFeatures)
		if err != nil {
			unparsed = append(unparsed, rel)
			continue
		}
		add := func(m *wat.ModuleCommand, command, want string) {
			if m.Kind == wat.ModuleBinary {
				mods = append(mods, coreBinaryModule{rel, src.Position(m.Pos).Line, command, want, m.Binary})
			}
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
					add(c.Module, coreAssertName[c.Kind], c.Message)
				case *wat.ThreadCommand:
					walk(c.Commands)
				}
			}
		}
		walk(script.Commands)
	}
	return mods, unparsed
}

var coreAssertName = map[ir.ErrorKind]string{
	ir.Malformed: "assert_malformed", ir.Invalid: "assert_invalid",
	ir.Unlinkable: "assert_unlinkable", ir.Uninstantiable: "assert_uninstantiable",
}

// Numbers of binary modules of the core suite this test checks, so that a
// change in the extraction (or the suite) shows up instead of silently
// testing less. They grow as the text parser learns the 3.0 syntax of
// more files.
const (
	coreMinMalformed = 707
	coreMinDecoded   = 79
)

// TestDecodeCoreSuite decodes every `(module binary …)` of the WebAssembly
// 3.0 core suite with the suite's features: those under assert_malformed
// must fail with the expected message (a prefix, as the spec runner
// matches), all others must decode.
func TestDecodeCoreSuite(t *testing.T) {
	mods, unparsed := coreBinaryModules(t)
	var malformed, decoded int
	for _, b := range mods {
		m, err := Decode(ir.NewSource(b.file, b.bytes, true), testsuite.CoreFeatures)
		if b.command == "assert_malformed" {
			malformed++
			var e *ir.Error
			switch {
			case err == nil:
				t.Errorf("%s:%d: decoded, want error %q", b.file, b.line, b.want)
			case !errors.As(err, &e):
				t.Errorf("%s:%d: error %T is not an *ir.Error", b.file, b.line, err)
			case !strings.HasPrefix(e.Msg, b.want):
				t.Errorf("%s:%d: error %q, want %q", b.file, b.line, e.Msg, b.want)
			case e.Kind != ir.Malformed || !e.Pos.IsValid():
				t.Errorf("%s:%d: error %v has kind %v, pos %v", b.file, b.line, e, e.Kind, e.Pos)
			}
			continue
		}
		decoded++
		if err != nil {
			t.Errorf("%s:%d (%s): %v", b.file, b.line, b.command, err)
		} else if m == nil {
			t.Errorf("%s:%d: nil module without error", b.file, b.line)
		}
	}
	t.Logf("core suite: %d malformed binary modules rejected as expected, %d others decoded; %d files the text parser cannot read yet: %v",
		malformed, decoded, len(unparsed), unparsed)
	if malformed < coreMinMalformed || decoded < coreMinDecoded {
		t.Errorf("found %d malformed and %d other binary modules, want at least %d and %d: the extraction lost some",
			malformed, decoded, coreMinMalformed, coreMinDecoded)
	}
}
