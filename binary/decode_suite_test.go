package binary

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
)

// suiteFeatures are the features the threads suite is run with.
func suiteFeatures() ir.Features { return ir.Wasm2Features().With(ir.FeatureThreads, true) }

// TestDecodeSuite decodes every `(module binary …)` of the threads suite:
// those under assert_malformed must fail with the expected message (as a
// prefix, as the spec runner matches), all others must decode.
func TestDecodeSuite(t *testing.T) {
	var malformed, valid int
	for _, path := range testsuite.Files(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		bins, _, err := collectWastModules(name, string(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, b := range bins {
			m, err := Decode(ir.NewSource(name, b.Binary, true), suiteFeatures())
			if b.Command == "assert_malformed" {
				malformed++
				var e *ir.Error
				switch {
				case err == nil:
					t.Errorf("%s:%d: decoded, want error %q", name, b.Line, b.Want)
				case !errors.As(err, &e):
					t.Errorf("%s:%d: error %T is not an *ir.Error", name, b.Line, err)
				case !strings.HasPrefix(e.Msg, b.Want):
					t.Errorf("%s:%d: error %q, want %q", name, b.Line, e.Msg, b.Want)
				case e.Kind != ir.Malformed || !e.Pos.IsValid():
					t.Errorf("%s:%d: error %v has kind %v, pos %v", name, b.Line, e, e.Kind, e.Pos)
				}
				continue
			}
			valid++
			if err != nil {
				t.Errorf("%s:%d (%s): %v", name, b.Line, b.Command, err)
			} else if m == nil {
				t.Errorf("%s:%d: nil module without error", name, b.Line)
			}
		}
	}
	t.Logf("%d malformed binary modules rejected, %d others decoded", malformed, valid)
	if malformed == 0 || valid == 0 {
		t.Errorf("found %d malformed and %d other binary modules: the suite extraction is broken", malformed, valid)
	}
}
