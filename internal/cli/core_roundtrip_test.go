package cli

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/internal/testsuite/scriptmods"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

// TestCoreWasm2WatRoundTrip checks that wasm2wat prints every valid module
// of the WebAssembly 3.0 core suite (text and binary modules, GC,
// exceptions, memory64 and the rest) as text that wat2wasm turns back into
// the same bytes: binary → IR → text → IR → binary, flat and folded, with
// debug names (quoted where they are not plain identifiers) and custom
// sections (as (@custom …) annotations): wasm2wat --quoted-names
// --custom-sections, when a user asks for exactness. (The text parser's own tests compare IR; this compares the
// bytes a user of the two tools would see.)
func TestCoreWasm2WatRoundTrip(t *testing.T) {
	features := testsuite.CoreFeatures
	files := testsuite.CoreFiles(t)
	var (
		mu            sync.Mutex
		total, failed int
	)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		mods, err := scriptmods.ModulesFor(testsuite.CoreRel(t, path), data, features)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, errs := coreRoundTrip(mods, features)
			mu.Lock()
			defer mu.Unlock()
			total += n
			for _, e := range errs {
				if failed++; failed <= 10 {
					t.Error(e)
				}
			}
		}()
	}
	wg.Wait()
	if failed > 10 {
		t.Errorf("... %d failures in all", failed)
	}
	// The suite has about 2,600 valid modules; far fewer means the walk broke.
	if total < 2000 {
		t.Errorf("only %d modules round-tripped", total)
	}
	t.Logf("%d valid core-suite modules round-trip through wasm2wat and wat2wasm (flat and folded)", total)
}

// coreRoundTrip runs the round trip on a script's valid modules and returns
// how many it checked and what went wrong.
func coreRoundTrip(mods []scriptmods.Module, features ir.Features) (int, []error) {
	var errs []error
	n := 0
	for _, sm := range mods {
		if sm.Command != "module" && sm.Command != "assert_trap" {
			continue // assertions about malformed, invalid or unlinkable modules
		}
		name := fmt.Sprintf("%s:%d", sm.File, sm.Line)
		var m *ir.Module
		var err error
		switch sm.Kind {
		case wat.ModuleText:
			m, err = wat.ParseModule(ir.NewSource(name, []byte(sm.Text), false), features)
		case wat.ModuleBinary:
			m, err = binary.Decode(ir.NewSource(name, sm.Binary, true), features)
		default:
			continue // (module quote …): text checked by the parser's tests
		}
		if err != nil || validate.Module(m, nil, features) != nil {
			continue
		}
		enc := binary.EncodeOptions{DebugNames: true, Features: features}
		want, err := binary.Encode(m, enc)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: encode: %v", name, err))
			continue
		}
		decoded, err := binary.Decode(ir.NewSource(name+".wasm", want, true), features)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: decode: %v", name, err))
			continue
		}
		n++
		for _, fold := range []bool{false, true} {
			var text bytes.Buffer
			if err := wat.Print(&text, decoded, wat.PrintOptions{FoldExprs: fold, Features: features, Annotations: true, QuotedNames: true}); err != nil {
				errs = append(errs, fmt.Errorf("%s: print (fold %v): %v", name, fold, err))
				continue
			}
			back, err := wat.ParseModule(ir.NewSource(name+".wat", text.Bytes(), false), features)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: printed text (fold %v) does not parse: %v\n%s", name, fold, err, text.Bytes()))
				continue
			}
			got, err := binary.Encode(back, enc)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: re-encode (fold %v): %v", name, fold, err))
				continue
			}
			if !bytes.Equal(got, want) {
				errs = append(errs, fmt.Errorf("%s: wasm2wat%s then wat2wasm gives other bytes (%d vs %d)\n%s",
					name, map[bool]string{true: " -f"}[fold], len(got), len(want), text.Bytes()))
			}
		}
	}
	return n, errs
}
