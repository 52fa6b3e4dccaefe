package binary

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/watt-wasm/watt/internal/testsuite/scriptmods"

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// The differential test: every text module of the threads suite goes through
// wabt's wat2wasm --enable-threads and through wat.ParseModule + Encode; when
// wabt accepts the module, the two binaries must be identical, with and
// without --debug-names. Set WATT_WABT_DIFF_DIR to a directory to get the
// text and both binaries of each mismatch written there.

// wabtDiffModule is one text module cut out of a .wast script.
// wabtDiffCommands are the commands whose text modules are compared: plain
// modules (top level or in a thread) and the valid-to-parse modules of
// assertions (assert_invalid's get --no-check on both sides).
var wabtDiffCommands = map[string]bool{
	"module": true, "assert_invalid": true, "assert_trap": true,
	"assert_unlinkable": true, "assert_uninstantiable": true,
}

type wabtDiffModule struct {
	file    string
	line    int
	text    string
	noCheck bool     // under assert_invalid: wabt gets --no-check
	enable  []string // more features for both sides ("memory64")
}

// wabtDiffOutcome is what happened to one module.
type wabtDiffOutcome struct {
	wabtRejected bool
	runErr       error // wat2wasm could not run, or a check of its output failed
	parseErr     error
	encodeErr    error
	diff         string // first difference without names, "" when identical
	namesDiff    string // first difference with --debug-names
	// roundTripDiff is where Encode(Decode(ours)) differs from ours.
	roundTripDiff string
}

// wabtDiffSummary counts the outcomes of a comparison run.
type wabtDiffSummary struct {
	modules, compared, identical, namesIdentical, rejected int
}

func TestEncodeMatchesWabt(t *testing.T) {
	wat2wasm := wabtDiffLookPath(t)
	var mods []wabtDiffModule
	for _, path := range testsuite.Files(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := testsuite.Rel(t, path)
		cut, err := scriptmods.Modules(rel, src)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, m := range cut {
			if m.Kind == wat.ModuleText && wabtDiffCommands[m.Command] {
				mods = append(mods, wabtDiffModule{file: m.File, line: m.Line, text: m.Text, noCheck: m.Command == "assert_invalid"})
			}
		}
	}
	if testing.Short() {
		// A quick pass: every 8th module.
		var some []wabtDiffModule
		for i := 0; i < len(mods); i += 8 {
			some = append(some, mods[i])
		}
		mods = some
	}
	s := wabtDiffCompareAll(t, wat2wasm, mods)
	t.Logf("%d text modules: compared %d modules, %d identical (%d identical with --debug-names); wabt rejected %d",
		s.modules, s.compared, s.identical, s.namesIdentical, s.rejected)
}

func wabtDiffLookPath(t *testing.T) string {
	wat2wasm, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Skip("wat2wasm not on PATH: install wabt 1.0.32 (apt-get install wabt) to run the differential test")
	}
	return wat2wasm
}

// wabtDiffCompareAll runs the comparison on a small worker pool and reports
// every failure (the first 40 in full).
func wabtDiffCompareAll(t *testing.T, wat2wasm string, mods []wabtDiffModule) wabtDiffSummary {
	tmp := t.TempDir()
	dumpDir := os.Getenv("WATT_WABT_DIFF_DIR")
	outcomes := make([]wabtDiffOutcome, len(mods))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(4, max(2, 2*runtime.NumCPU())); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				outcomes[i] = wabtDiffRun(wat2wasm, tmp, i, &mods[i], dumpDir)
			}
		}()
	}
	for i := range mods {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	s := wabtDiffSummary{modules: len(mods)}
	failures := 0
	report := func(m *wabtDiffModule, format string, args ...any) {
		failures++
		if failures <= 40 {
			t.Errorf("%s:%d: %s", m.file, m.line, fmt.Sprintf(format, args...))
		}
	}
	for i := range outcomes {
		o, m := &outcomes[i], &mods[i]
		switch {
		case o.wabtRejected:
			s.rejected++
			t.Logf("%s:%d: wat2wasm rejects the module, not compared", m.file, m.line)
		case o.runErr != nil:
			report(m, "%v", o.runErr)
		case o.parseErr != nil:
			report(m, "wabt accepts the module, wat.ParseModule fails: %v", o.parseErr)
		case o.encodeErr != nil:
			report(m, "Encode: %v", o.encodeErr)
		default:
			s.compared++
			if o.diff == "" {
				s.identical++
			} else {
				report(m, "binary differs from wat2wasm: %s", o.diff)
			}
			if o.namesDiff == "" {
				s.namesIdentical++
			} else if o.diff == "" {
				report(m, "binary with --debug-names differs from wat2wasm: %s", o.namesDiff)
			}
			if o.roundTripDiff != "" {
				report(m, "binary -> Decode -> Encode is not stable: %s", o.roundTripDiff)
			}
		}
	}
	if failures > 40 {
		t.Errorf("... and %d more failures", failures-40)
	}
	return s
}

// wabtDiffPlainEvery says how often wat2wasm also runs without
// --debug-names. The other modules compare against the --debug-names output
// minus its name section, which is what wat2wasm writes without the flag;
// the sampled runs check that this still holds. It halves the processes.
const wabtDiffPlainEvery = 16

// wabtDiffRun compares one module; it runs on a worker goroutine, so it
// reports through its result only.
func wabtDiffRun(wat2wasm, tmp string, i int, m *wabtDiffModule, dumpDir string) wabtDiffOutcome {
	var o wabtDiffOutcome
	features := ir.Wasm2Features().With(ir.FeatureThreads, true)
	for _, name := range m.enable {
		f, ok := ir.LookupFeature(name)
		if !ok {
			o.runErr = fmt.Errorf("unknown feature %q", name)
			return o
		}
		features = features.With(f, true)
	}
	in := filepath.Join(tmp, fmt.Sprintf("m%d.wat", i))
	if err := os.WriteFile(in, []byte(m.text), 0o666); err != nil {
		o.runErr = err
		return o
	}
	defer os.Remove(in)
	wantNames, err := wabtDiffWat2wasm(wat2wasm, in, m, true)
	if err != nil {
		var exit *exec.ExitError
		o.wabtRejected = errors.As(err, &exit)
		o.runErr = err
		return o
	}
	want := wabtDiffStripNames(wantNames)
	if i%wabtDiffPlainEvery == 0 {
		plain, err := wabtDiffWat2wasm(wat2wasm, in, m, false)
		if err != nil {
			o.runErr = err
			return o
		}
		if !bytes.Equal(plain, want) {
			o.runErr = fmt.Errorf("wat2wasm without --debug-names is not its --debug-names output minus the name section: %s",
				wabtDiffDescribe(plain, want))
			return o
		}
	}

	mod, err := wat.ParseModule(ir.NewSource(m.file, []byte(m.text), false), features)
	if err != nil {
		o.parseErr = err
		return o
	}
	got, err := Encode(mod, EncodeOptions{Features: features})
	if err != nil {
		o.encodeErr = err
		return o
	}
	gotNames, err := Encode(mod, EncodeOptions{DebugNames: true, Features: features})
	if err != nil {
		o.encodeErr = err
		return o
	}
	o.diff = wabtDiffDescribe(want, got)
	o.namesDiff = wabtDiffDescribe(wantNames, gotNames)
	// Our bytes must survive Decode and Encode unchanged, names included.
	// An invalid module may encode to a malformed binary (memory.init
	// without data segments has no data count section, in wabt's bytes too).
	if back, err := Decode(ir.NewSource(m.file+".wasm", gotNames, true), features); err != nil {
		if !m.noCheck {
			o.roundTripDiff = fmt.Sprintf("Decode of the encoded module: %v", err)
		}
	} else if again, err := Encode(back, EncodeOptions{DebugNames: true, Features: features}); err != nil {
		o.roundTripDiff = fmt.Sprintf("Encode of the decoded module: %v", err)
	} else {
		o.roundTripDiff = wabtDiffDescribe(gotNames, again)
	}
	if dumpDir != "" && (o.diff != "" || o.namesDiff != "") {
		base := filepath.Join(dumpDir, fmt.Sprintf("%s.%d", strings.ReplaceAll(m.file, "/", "_"), m.line))
		os.WriteFile(base+".wat", []byte(m.text), 0o666)
		os.WriteFile(base+".wabt.wasm", wantNames, 0o666)
		os.WriteFile(base+".watt.wasm", gotNames, 0o666)
	}
	return o
}

// wabtDiffWat2wasm runs wat2wasm on a file and returns its output; an
// *exec.ExitError means wabt rejected the module.
func wabtDiffWat2wasm(wat2wasm, in string, m *wabtDiffModule, debugNames bool) ([]byte, error) {
	out := strings.TrimSuffix(in, ".wat")
	args := []string{"--enable-threads"}
	for _, f := range m.enable {
		args = append(args, "--enable-"+f)
	}
	if m.noCheck {
		args = append(args, "--no-check")
	}
	if debugNames {
		args = append(args, "--debug-names")
		out += ".names"
	}
	out += ".wasm"
	args = append(args, in, "-o", out)
	// A busy machine can refuse to fork for a moment: retry then.
	for attempt := 1; ; attempt++ {
		err := exec.Command(wat2wasm, args...).Run()
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EAGAIN) || attempt == 20 {
			return nil, err
		}
		time.Sleep(time.Duration(attempt) * 20 * time.Millisecond)
	}
	defer os.Remove(out)
	return os.ReadFile(out)
}

// wabtDiffStripNames drops a trailing "name" custom section.
func wabtDiffStripNames(b []byte) []byte {
	last := -1
	for pos := 8; pos < len(b); {
		size, n := encodeTestReadULEB(b[pos+1:])
		if n < 0 {
			return b
		}
		last = pos
		pos += 1 + n + int(size)
	}
	if last < 0 || b[last] != sectionCustom {
		return b
	}
	_, n := encodeTestReadULEB(b[last+1:])
	if body := b[last+1+n:]; bytes.HasPrefix(body, []byte("\x04name")) {
		return b[:last]
	}
	return b
}

// wabtDiffDescribe locates the first difference: offset, the section of
// wabt's output it falls in, and the bytes around it.
func wabtDiffDescribe(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	off := 0
	for off < len(want) && off < len(got) && want[off] == got[off] {
		off++
	}
	window := func(b []byte) []byte {
		lo, hi := max(0, off-8), min(len(b), off+16)
		return b[lo:hi]
	}
	return fmt.Sprintf("first difference at 0x%x (%s; sizes wabt %d, watt %d)\n\twabt % x\n\twatt % x",
		off, wabtDiffSectionAt(want, off), len(want), len(got), window(want), window(got))
}

// wabtDiffSectionAt names the section of module b containing offset off.
func wabtDiffSectionAt(b []byte, off int) string {
	pos := 8
	for pos < len(b) {
		id := b[pos]
		size, n := encodeTestReadULEB(b[pos+1:])
		end := pos + 1 + n + int(size)
		if n < 0 || off < end {
			return fmt.Sprintf("section id %d at 0x%x", id, pos)
		}
		pos = end
	}
	return "past the end"
}
