package wat

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
)

var parseSuiteFeatures = ir.Wasm2Features().With(ir.FeatureThreads, true)

// TestSuiteParses parses every suite script; every text module must parse,
// every quoted module in assert_malformed must be rejected, every other
// quoted module must parse.
func TestSuiteParses(t *testing.T) {
	var scripts, modules, malformed int
	for _, path := range testsuite.Files(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		src := ir.NewSource(path, data, false)
		s, err := ParseScript(src, parseSuiteFeatures)
		if err != nil {
			t.Errorf("ParseScript: %v", err)
			continue
		}
		scripts++
		var walk func(cmds []Command)
		check := func(m *ModuleCommand, mustFail bool, message string) {
			switch m.Kind {
			case ModuleText:
				modules++
				if m.Err != nil {
					t.Errorf("%s: text module: %v", src.Position(m.Pos), m.Err)
				}
			case ModuleQuote:
				qsrc := ir.NewSource(src.Position(m.Pos).String()+" (quote)", []byte(m.Quote), false)
				_, err := ParseModule(qsrc, parseSuiteFeatures)
				if mustFail {
					malformed++
					var e *ir.Error
					switch {
					case err == nil:
						t.Errorf("%s: assert_malformed quote module parsed: %q", src.Position(m.Pos), m.Quote)
					case !errors.As(err, &e) || !strings.HasPrefix(e.Msg, message):
						// The spec runner matches messages by prefix.
						t.Errorf("%s: got %q, want prefix %q; module %q", src.Position(m.Pos), err, message, m.Quote)
					}
				} else if err != nil {
					t.Errorf("%s: quote module: %v", src.Position(m.Pos), err)
				}
			}
		}
		walk = func(cmds []Command) {
			for _, c := range cmds {
				switch c := c.(type) {
				case *ModuleCommand:
					check(c, false, "")
				case *AssertModule:
					check(c.Module, c.Kind == ir.Malformed, c.Message)
				case *AssertTrap:
					if c.Module != nil {
						check(c.Module, false, "")
					}
				case *ThreadCommand:
					walk(c.Commands)
				}
			}
		}
		walk(s.Commands)
	}
	t.Logf("%d scripts, %d text modules, %d malformed quote modules rejected with the expected message", scripts, modules, malformed)
}
