package testsuite

import (
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// CoreFeatures are the features the core suite (WebAssembly 3.0) is
// written for: the 3.0 standard plus the legacy exception instructions its
// legacy/ directory tests, without the pre-standard instruction names
// (obsolete-keywords.wast rejects them). Threads are on too: no core file
// depends on them being off, and watt's runner turns them on by default.
var CoreFeatures = ir.DefaultFeatures().With(ir.FeatureLegacyExceptions, true).With(ir.FeatureThreads, true).
	With(ir.FeatureLegacyNames, false)

var coreSuite = suite{"WASM_CORE_TESTSUITE", "core", "core test suite not found: set $WASM_CORE_TESTSUITE to a checkout of " +
	"github.com/WebAssembly/testsuite (its root: the Wasm 3.0 core tests with legacy/ and custom/), " +
	"or put it at ../shared/testsuite/core beside the repository"}

// LookupCore returns the core suite directory and whether it exists:
// $WASM_CORE_TESTSUITE, else ../shared/testsuite/core beside the repository.
func LookupCore() (string, bool) { return coreSuite.lookup() }

// CoreDir returns the core suite directory, or skips t.
func CoreDir(t testing.TB) string { t.Helper(); return coreSuite.root(t) }

// CoreFiles lists the core suite's .wast files (legacy/ and custom/
// included), sorted; it skips t when the suite is absent and fails it when
// it is empty.
func CoreFiles(t testing.TB) []string { t.Helper(); return coreSuite.files(t) }

// CoreRel names a core suite file relative to its directory, with slashes.
func CoreRel(t testing.TB, path string) string { return coreSuite.rel(t, path) }
