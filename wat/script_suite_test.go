package wat

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// suiteDir finds the official threads-proposal test suite, or skips.
func parseSuiteDir(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("WASM_TESTSUITE"); dir != "" {
		return dir
	}
	dir := filepath.Join("..", "..", "shared", "testsuite", "threads")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("threads test suite not found: set $WASM_TESTSUITE to a checkout of " +
			"https://github.com/WebAssembly/threads/tree/main/test/core or put it in ../shared/testsuite/threads")
	}
	return dir
}

// suiteFiles lists every .wast file under the suite directory.
func parseSuiteFiles(t testing.TB) []string {
	var files []string
	err := filepath.WalkDir(parseSuiteDir(t), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".wast") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no .wast files in the test suite directory")
	}
	return files
}

var parseSuiteFeatures = ir.DefaultFeatures().With(ir.FeatureThreads, true)

// TestSuiteParses parses every suite script; every text module must parse,
// every quoted module in assert_malformed must be rejected, every other
// quoted module must parse.
func TestSuiteParses(t *testing.T) {
	var scripts, modules, malformed int
	for _, path := range parseSuiteFiles(t) {
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
