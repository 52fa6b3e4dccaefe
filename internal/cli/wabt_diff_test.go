package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/internal/testsuite/scriptmods"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/spectest"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

// Differential tests of the tools wabt also has (wasm-strip, wasm-objdump,
// wat-desugar, wast2json): the same input through wabt 1.0.32's tool and
// through watt's, over every module of the threads suite and the
// repository's own modules; where wabt succeeds, watt's output must be
// byte for byte the same. TestMatchesWabt builds the corpus once (text
// modules encoded by watt, which the binary tests show is wabt's encoding)
// and runs one subtest per tool. watt's tools run in-process, wabt's as
// processes on a small pool. In -short mode every 8th module is used.

// diffAll is set by WATT_DIFF_ALL=1: every module through every tool.
// By default the tools that take one module a run (wasm-strip, wat-desugar)
// see a sample, to keep the test quick; README's claims were checked with
// WATT_DIFF_ALL=1.
var diffAll = os.Getenv("WATT_DIFF_ALL") != ""

// diffSample reports whether module i is in a 1-in-every sample.
func diffSample(i, every int) bool { return diffAll || i%every == 0 }

// diffModule is one module of the corpus.
type diffModule struct {
	name     string // "address.wast:12", for messages
	text     string // the module's text; "" for a binary module
	wasm     []byte // the binary: watt's encoding of the text (with names), or the (module binary)
	wasmFile string // wasm written out, for wabt
	textFile string // text written out ("" for binary modules)
}

// diffCorpus lists the threads suite's modules and the repository's, the
// text ones encoded for the threads suite's features (2.0 + threads: the
// element segment forms wabt writes).
func diffCorpus(t *testing.T, dir string) []diffModule {
	t.Helper()
	mods := diffSuiteModules(t, testsuite.Files(t), testsuite.Features, func(path string) string { return testsuite.Rel(t, path) })
	root := filepath.Join("..", "..")
	for _, glob := range []string{"testdata/threads/*.wat", "examples/*/*.wat"} {
		files, _ := filepath.Glob(filepath.Join(root, glob))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			mods = append(mods, diffModule{name: strings.TrimPrefix(f, root+"/"), text: string(data)})
		}
	}
	for _, glob := range []string{"testdata/*/*.wasm", "testdata/*/*/*.wasm", "bench/interp/programs/*.wasm"} {
		files, _ := filepath.Glob(filepath.Join(root, glob))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			mods = append(mods, diffModule{name: strings.TrimPrefix(f, root+"/"), wasm: data})
		}
	}
	if testing.Short() {
		var some []diffModule
		for i := 0; i < len(mods); i += 8 {
			some = append(some, mods[i])
		}
		mods = some
	}
	diffWriteModules(dir, "m", mods, testsuite.Features)
	return mods
}

// diffCoreCorpus lists a sample of the 3.0 core suite's modules (one in
// every, all with WATT_DIFF_ALL), encoded with 3.0's features.
func diffCoreCorpus(t *testing.T, dir string, every int) []diffModule {
	t.Helper()
	coreDir := testsuite.CoreDir(t)
	all := diffSuiteModules(t, testsuite.CoreFiles(t), testsuite.CoreFeatures, func(path string) string {
		rel, _ := filepath.Rel(coreDir, path)
		return filepath.ToSlash(rel)
	})
	var mods []diffModule
	for i := range all {
		if diffSample(i, every) {
			mods = append(mods, all[i])
		}
	}
	diffWriteModules(dir, "c", mods, testsuite.CoreFeatures)
	return mods
}

// diffSuiteModules cuts the .wast files into their modules (malformed
// text ones left out).
func diffSuiteModules(t *testing.T, files []string, features ir.Features, rel func(string) string) []diffModule {
	var mods []diffModule
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := rel(path)
		cut, err := scriptmods.ModulesFor(rel, data, features)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, m := range cut {
			name := fmt.Sprintf("%s:%d", m.File, m.Line)
			switch m.Kind {
			case wat.ModuleBinary:
				mods = append(mods, diffModule{name: name, wasm: m.Binary})
			case wat.ModuleText:
				if m.Command == "assert_malformed" {
					continue
				}
				mods = append(mods, diffModule{name: name, text: m.Text})
			}
		}
	}
	return mods
}

// diffWriteModules encodes the text modules for features (those that
// parse; those that do not are not wabt's business here) and writes every
// module out, as prefixN.wasm (and prefixN.wat).
func diffWriteModules(dir, prefix string, mods []diffModule, features ir.Features) {
	diffParallel(len(mods), func(i int) {
		m := &mods[i]
		if m.text != "" {
			m.textFile = filepath.Join(dir, fmt.Sprintf("%s%d.wat", prefix, i))
			if err := os.WriteFile(m.textFile, []byte(m.text), 0o666); err != nil {
				panic(err)
			}
			mod, err := wat.ParseModule(ir.NewSource(m.name, []byte(m.text), false), ir.AllFeaturesOn())
			if err != nil {
				return
			}
			if m.wasm, err = binary.Encode(mod, binary.EncodeOptions{DebugNames: true, Features: features}); err != nil {
				m.wasm = nil
				return
			}
		}
		m.wasmFile = filepath.Join(dir, fmt.Sprintf("%s%d.wasm", prefix, i))
		if err := os.WriteFile(m.wasmFile, m.wasm, 0o666); err != nil {
			panic(err)
		}
	})
}

// diffParallel runs f(0..n-1) on a small pool: processes of wabt's tools
// dominate, and more than a few at once only thrash on CI's 2 cores.
func diffParallel(n int, f func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(4, max(2, 2*runtime.NumCPU())); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// runWabt runs one of wabt's tools; failed reports a non-zero exit, err
// that it could not run at all.
func runWabt(tool string, args ...string) (stdout, stderr []byte, failed bool, err error) {
	path := filepath.Join(wabtDir(), tool)
	for attempt := 1; ; attempt++ {
		var o, e bytes.Buffer
		cmd := exec.Command(path, args...)
		cmd.Stdout, cmd.Stderr = &o, &e
		err = cmd.Run()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return o.Bytes(), e.Bytes(), false, nil
		case errors.As(err, &exit):
			return o.Bytes(), e.Bytes(), true, nil
		case errors.Is(err, syscall.EAGAIN) && attempt < 20:
			// A busy machine can refuse to fork for a moment.
			time.Sleep(time.Duration(attempt) * 20 * time.Millisecond)
		default:
			return nil, nil, false, err
		}
	}
}

// runWatt runs one of watt's tools in-process.
// wabtFeatures gives watt's tools wabt 1.0.32's default feature set (the
// WebAssembly 2.0 standard), which the suite modules compared here are
// written for; watt's own default is 3.0.
const wabtFeatures = "--features=wasm2"

func runWatt(tool func([]string, io.Reader, io.Writer, io.Writer) int, args ...string) (stdout, stderr []byte, failed bool) {
	var o, e bytes.Buffer
	code := tool(args, strings.NewReader(""), &o, &e)
	return o.Bytes(), e.Bytes(), code != 0
}

// diffReport collects a differential test's mismatches and prints the
// first few in full.
type diffReport struct {
	t        *testing.T
	mu       sync.Mutex
	n        int
	compared int
	skipped  int            // wabt failed: nothing to compare
	designed map[string]int // modules that differ by design, by reason
}

// diffShown is how many differences a report prints in full.
var diffShown = 20

func (r *diffReport) errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.n <= diffShown {
		r.t.Errorf(format, args...)
	}
}

// design counts a module whose output differs from wabt's for reasons
// that are by design (none: it is the same).
func (r *diffReport) design(reasons ...string) {
	if len(reasons) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.designed == nil {
		r.designed = map[string]int{}
	}
	for _, reason := range reasons {
		r.designed[reason]++
	}
}

func (r *diffReport) done(what string) {
	if r.n > diffShown {
		r.t.Errorf("... and %d more differences", r.n-diffShown)
	}
	r.t.Logf("%s: %d compared, %d that wabt rejects skipped", what, r.compared, r.skipped)
	reasons := make([]string, 0, len(r.designed))
	for reason := range r.designed {
		reasons = append(reasons, reason)
	}
	sort.Strings(reasons)
	for _, reason := range reasons {
		r.t.Logf("%s: by design (%d runs): %s", what, r.designed[reason], reason)
	}
}

var jsonLineNumber = regexp.MustCompile(`"line": (\d+),`)

// diffJSONLines compares two wast2json outputs command by command (one a
// line), skipping the commands listed in diffByDesign.
func diffJSONLines(r *diffReport, rel string, want, got []byte) {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	if len(wl) != len(gl) {
		r.errorf("%s: JSON of %d lines from wabt, %d from watt: %s", rel, len(wl), len(gl), firstLineDiff(want, got))
		return
	}
	for i := range wl {
		if bytes.Equal(wl[i], gl[i]) {
			continue
		}
		if m := jsonLineNumber.FindSubmatch(wl[i]); m != nil {
			if _, ok := diffByDesign["wast2json "+rel+":"+string(m[1])]; ok {
				continue
			}
		}
		r.errorf("%s: JSON line %d:\n\twabt %s\n\twatt %s", rel, i+1, wl[i], gl[i])
	}
}

// firstLineDiff describes where two outputs first differ, line-wise for text.
func firstLineDiff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d:\n\twabt %q\n\twatt %q", i+1, w, g)
		}
	}
	return "outputs differ"
}

// diffByDesign lists the modules where watt differs from wabt on purpose,
// by tool and module, with the reason.
var diffByDesign = map[string]string{
	// The spec says these binaries are malformed (assert_malformed); wabt's
	// binary reader, which wasm-strip and wasm-objdump use, lets them pass.
	"wasm-strip binary-leb128.wast:1073":   "a type form written as a 2-byte signed LEB128 (-0x20): wabt reads the form as a signed LEB128, the spec as a byte",
	"wasm-strip binary.wast:113":           "a global's initializer without its end: wabt reads on into the code section",
	"wasm-strip binary.wast:1089":          "br_table with more targets than its count: wabt reads the extra byte as the next instruction",
	"wasm-objdump binary-leb128.wast:1073": "as for wasm-strip",
	"wasm-objdump binary.wast:113":         "as for wasm-strip",
	// The same in the 3.0 core suite.
	"wasm-objdump binary-leb128.wast:1068":  "a type form written as a 2-byte signed LEB128 (-0x20): wabt reads the form as a signed LEB128, the spec as a byte",
	"wasm-objdump binary_leb128_64.wast:17": "a memarg offset of 2^64 (an unused bit of its last byte set): the spec says integer too large, wabt reads it",
	"wat-desugar names.wast:19":             `--generate-names: wabt names a function exported as "" "$", which is not an identifier; watt leaves it unnamed, as its wasm2wat does`,

	// The JSON of one command (file:line).
	"wast2json simd/simd_lane.wast:164": roundHalfEven,
	"wast2json simd/simd_lane.wast:165": roundHalfEven,
	"wast2json simd/simd_lane.wast:265": roundHalfEven,
	"wast2json simd/simd_lane.wast:266": roundHalfEven,
	"wast2json simd/simd_lane.wast:281": roundHalfEven,
	"wast2json simd/simd_lane.wast:282": roundHalfEven,
}

const roundHalfEven = "±0x1.fffffffffffffp-1023 lies halfway between two doubles: watt rounds to even " +
	"(±0x1p-1022) as IEEE 754 and the spec interpreter do; wabt 1.0.32 truncates to the largest subnormal"

// byDesign reports whether tool's difference on module m is listed.
func byDesign(tool string, m *diffModule) bool {
	_, ok := diffByDesign[tool+" "+m.name]
	return ok
}

func TestMatchesWabt(t *testing.T) {
	if wabtDir() == "" {
		t.Skip("wabt 1.0.32 not on PATH (apt-get install wabt): no differential test")
	}
	dir := t.TempDir()
	mods := diffCorpus(t, dir)
	t.Run("wasm-strip", func(t *testing.T) { diffStrip(t, dir, mods) })
	t.Run("wast2json", func(t *testing.T) { diffWast2JSON(t, dir) })
	t.Run("wasm-objdump", func(t *testing.T) { diffObjdump(t, mods) })
	t.Run("wat-desugar", func(t *testing.T) { diffDesugar(t, mods) })
	// The 3.0 core suite's modules, as far as wabt 1.0.32 reads them (the
	// legacy exceptions, memory64, multi-memory, tail calls, relaxed SIMD,
	// extended constants; GC, typed references and try_table it refuses):
	// a sample, all with WATT_DIFF_ALL.
	t.Run("wasm-objdump/3.0", func(t *testing.T) {
		every := diffCoreEvery
		if testing.Short() {
			every *= 4
		}
		diffObjdump(t, diffCoreCorpus(t, t.TempDir(), every))
	})
}

// diffCoreEvery is the core suite's sample for wasm-objdump: one module in
// every.
const diffCoreEvery = 2

// desugarInvalidType is what wabt 1.0.32's wat-desugar writes for the
// type of a call_indirect whose signature is written inline (its
// kInvalidIndex): watt writes the type the signature stands for.
var desugarInvalidType = regexp.MustCompile(`\(type [^()]*\)`)

// The differences of wat-desugar that are by design, counted in the
// report by reason.
const (
	designSelectResult = "a typed select without types: watt keeps its \"(result)\" so that the text reads back as the same (invalid) module; wabt drops it"
	designInvalidType  = "a call_indirect whose signature is written inline: wabt writes its kInvalidIndex, (type 4294967295); watt the type it stands for"
	designConstExpr    = "a constant expression of several instructions: wabt 1.0.32 writes it cut short (unbalanced parentheses; its text does not parse back); watt writes all of it"
	designInvalid      = "an invalid module (under wabt's features): wabt drops what it cannot place (an export of a missing global, an empty offset); watt writes what the source said"
)

// desugarCompare compares two wat-desugar outputs line by line: ok when
// they are the same but for differences by design, whose reasons it
// returns.
func desugarCompare(want, got []byte) (reasons []string, ok bool) {
	if bytes.Equal(want, got) {
		return nil, true
	}
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	if len(wl) != len(gl) {
		return []string{designConstExpr}, desugarWabtBroken(want)
	}
	seen := map[string]bool{}
	for i := range wl {
		if bytes.Equal(wl[i], gl[i]) {
			continue
		}
		reason := ""
		switch {
		case bytes.Equal(wl[i], bytes.ReplaceAll(gl[i], []byte("select (result)"), []byte("select"))):
			reason = designSelectResult
		case bytes.Contains(wl[i], []byte("call_indirect")) && bytes.Contains(wl[i], []byte("(type 4294967295)")) &&
			bytes.Equal(desugarInvalidType.ReplaceAll(wl[i], nil), desugarInvalidType.ReplaceAll(gl[i], nil)):
			reason = designInvalidType
		case desugarWabtBroken(want):
			return []string{designConstExpr}, true
		default:
			return nil, false
		}
		if !seen[reason] {
			seen[reason] = true
			reasons = append(reasons, reason)
		}
	}
	return reasons, true
}

// diffDesugar: wat-desugar --enable-threads of the text modules (a sample
// unless WATT_DIFF_ALL is set), some with -f, some with the naming and
// inlining options.
func diffDesugar(t *testing.T, mods []diffModule) {
	r := &diffReport{t: t}
	diffParallel(len(mods), func(i int) {
		m := &mods[i]
		// One run a module: every 3rd module (all in -short mode, which
		// samples the corpus already), the options rotating.
		if m.textFile == "" || !diffSample(i, 3) && !testing.Short() {
			return
		}
		args := []string{"--enable-threads"}
		switch i % 4 {
		case 1:
			args = append(args, "-f")
		case 2:
			args = append(args, "--generate-names", "--inline-exports", "--inline-imports")
		case 3:
			args = append(args, "-f", "--generate-names")
		}
		args = append(args, m.textFile)
		want, _, wabtFailed, err := runWabt("wat-desugar", args...)
		if err != nil {
			r.errorf("%s: %v", m.name, err)
			return
		}
		if wabtFailed {
			r.mu.Lock()
			r.skipped++
			r.mu.Unlock()
			return
		}
		r.mu.Lock()
		r.compared++
		r.mu.Unlock()
		got, stderr, wattFailed := runWatt(WatDesugar, append([]string{wabtFeatures}, args...)...)
		switch {
		case wattFailed && !byDesign("wat-desugar", m):
			r.errorf("%s: wabt desugars the module, watt fails: %s", m.name, stderr)
		case wattFailed:
			r.design("listed in diffByDesign")
		default:
			reasons, ok := desugarCompare(want, got)
			switch {
			case ok:
				r.design(reasons...)
			case byDesign("wat-desugar", m):
				r.design("listed in diffByDesign")
			case desugarInvalid(m):
				r.design(designInvalid)
			default:
				r.errorf("%s (%s): wat-desugar output differs: %s", m.name, strings.Join(args[1:len(args)-1], " "), firstLineDiff(want, got))
			}
		}
	})
	r.done("wat-desugar")
}

// desugarInvalid reports whether m is an invalid module (under wabt's
// features): designInvalid.
func desugarInvalid(m *diffModule) bool {
	f := testsuite.Features
	mod, err := wat.ParseModule(ir.NewSource(m.name, []byte(m.text), false), f)
	return err != nil || validate.Module(mod, nil, f) != nil
}

// desugarWabtBroken reports whether wabt 1.0.32's output has a constant
// expression of several instructions, which it writes cut short (its
// parentheses do not balance, and the text does not parse back); watt
// writes the whole expression, by design.
func desugarWabtBroken(want []byte) bool {
	return bytes.Count(want, []byte("(")) != bytes.Count(want, []byte(")"))
}

// diffObjdump: wasm-objdump -h -x -d -s of every binary. wabt's tool takes
// many files at once, so the modules of one script go to one run (those
// watt rejects, and every module of a run wabt fails, one by one).
func diffObjdump(t *testing.T, mods []diffModule) {
	args := []string{"-h", "-x", "-d", "-s"}
	var batches [][]int
	last := ""
	misread := 0
	for i := range mods {
		m := &mods[i]
		if m.wasmFile == "" {
			continue
		}
		file, _, _ := strings.Cut(m.name, ":")
		dump, _, failed := runWatt(WasmObjdump, append(args, m.wasmFile)...)
		if !failed && objdumpMisread(dump) {
			misread++
			continue
		}
		if failed || byDesign("wasm-objdump", m) {
			batches = append(batches, []int{i})
			last = ""
			continue
		}
		if file != last || len(batches[len(batches)-1]) >= 64 {
			batches = append(batches, nil)
			last = file
		}
		batches[len(batches)-1] = append(batches[len(batches)-1], i)
	}
	r := &diffReport{t: t}
	var compare func(batch []int)
	compare = func(batch []int) {
		files := make([]string, len(batch))
		for k, i := range batch {
			files[k] = mods[i].wasmFile
		}
		want, _, wabtFailed, err := runWabt("wasm-objdump", append(args, files...)...)
		if err != nil {
			r.errorf("%s: %v", mods[batch[0]].name, err)
			return
		}
		if wabtFailed {
			if len(batch) > 1 {
				for _, i := range batch {
					compare([]int{i})
				}
				return
			}
			r.mu.Lock()
			r.skipped++
			r.mu.Unlock()
			return
		}
		r.mu.Lock()
		r.compared += len(batch)
		r.mu.Unlock()
		got, stderr, wattFailed := runWatt(WasmObjdump, append(args, files...)...)
		if wattFailed {
			if !byDesign("wasm-objdump", &mods[batch[0]]) {
				r.errorf("%s: wabt dumps the module, watt fails: %s", mods[batch[0]].name, stderr)
			} else {
				r.design("listed in diffByDesign")
			}
			return
		}
		line, w, g, reasons, ok := objdumpDiff(want, got)
		switch {
		case ok:
			r.design(reasons...)
		case len(batch) == 1 && byDesign("wasm-objdump", &mods[batch[0]]):
			r.design("listed in diffByDesign")
		default:
			// Name the module: the last file line before the difference.
			name := mods[batch[0]].name
			for k, f := range files {
				if bytes.Contains(want[:min(line, len(want))], []byte(filepath.Base(f)+":\tfile format")) {
					name = mods[batch[k]].name
				}
			}
			r.errorf("%s: wasm-objdump output differs:\n\twabt %s\n\twatt %s", name, w, g)
		}
	}
	diffParallel(len(batches), func(i int) { compare(batches[i]) })
	for range misread {
		r.design(designMisread)
	}
	r.done("wasm-objdump")
}

// objdumpUndefined matches watt's lines for the initializers wabt 1.0.32
// prints from uninitialised memory (a single v128.const, ref.func,
// ref.null or non-constant instruction: what wabt prints there varies from
// run to run, " - init f64=<garbage>", " - init i32=<garbage>" or nothing,
// not even the newline). Before " - init" the line must match.
var objdumpUndefined = regexp.MustCompile(`^(.*?) - init (v128=.*|ref\.func:.*|ref\.null [a-z]+|\([a-z0-9_.]+\))$`)

// The differences of wasm-objdump that are by design, counted in the
// report by reason.
const (
	designUndefined = "an initializer wabt 1.0.32 prints from uninitialised memory (a single v128.const, ref.func, ref.null or non-constant instruction): watt prints it"
	designRenamed   = "the relaxed dot products, which wabt 1.0.32 disassembles under their pre-standard names: watt writes the standard's"
	designOffset    = "a memarg offset above 2^32-1 (memory64), which wabt 1.0.32 prints cut to 32 bits: watt prints it whole"
	designMisread   = "call_ref or return_call_ref, which wabt 1.0.32 reads in the pre-standard encoding (without the type index), so that its disassembly goes wrong from there: not compared"
)

// objdumpDiff compares two outputs line by line, allowing the differences
// by design (whose reasons it returns); at the first other difference it
// returns the offset in wabt's output and both lines.
func objdumpDiff(want, got []byte) (off int, w, g []byte, reasons []string, ok bool) {
	seen := map[string]bool{}
	note := func(reason string) {
		if !seen[reason] {
			seen[reason] = true
			reasons = append(reasons, reason)
		}
	}
	for len(got) > 0 {
		gl, grest, _ := bytes.Cut(got, []byte("\n"))
		if m := objdumpUndefined.FindSubmatch(gl); m != nil && bytes.HasPrefix(want[off:], m[1]) {
			if rest := want[off+len(m[1]):]; !bytes.HasPrefix(rest, gl[len(m[1]):]) {
				note(designUndefined)
			}
			off += len(m[1])
			if rest := want[off:]; bytes.HasPrefix(rest, []byte(" - init ")) {
				if i := bytes.IndexByte(rest, '\n'); i >= 0 {
					off += i + 1
				}
			}
			got = grest
			continue
		}
		wl, _, _ := bytes.Cut(want[off:], []byte("\n"))
		reason, eq := objdumpLineEqual(wl, gl)
		if !eq {
			return off, wl, gl, reasons, false
		}
		if reason != "" {
			note(reason)
		}
		off += len(wl) + 1
		got = grest
	}
	if off < len(want) {
		wl, _, _ := bytes.Cut(want[off:], []byte("\n"))
		return off, wl, nil, reasons, false
	}
	return 0, nil, nil, reasons, true
}

// objdumpRenamed are the instructions wabt 1.0.32 disassembles under the
// relaxed SIMD proposal's names, which the standard changed: watt prints
// the standard's.
var objdumpRenamed = map[string]string{
	"i16x8.relaxed_dot_i8x16_i7x16_s":     "i16x8.dot_i8x16_i7x16_s",
	"i32x4.relaxed_dot_i8x16_i7x16_add_s": "i32x4.dot_i8x16_i7x16_add_s",
}

// objdumpLineEqual compares a line of wabt's output with watt's, allowing
// the differences that are by design (designRenamed, designOffset), whose
// reason it returns.
func objdumpLineEqual(w, g []byte) (reason string, ok bool) {
	if bytes.Equal(w, g) {
		return "", true
	}
	wf, gf := bytes.Fields(w), bytes.Fields(g)
	if len(wf) != len(gf) || len(wf) == 0 {
		return "", false
	}
	for i := range wf {
		if bytes.Equal(wf[i], gf[i]) {
			continue
		}
		if objdumpRenamed[string(gf[i])] == string(wf[i]) {
			reason = designRenamed
			continue
		}
		if i != len(wf)-1 {
			return "", false
		}
		wv, err1 := strconv.ParseUint(string(wf[i]), 10, 64)
		gv, err2 := strconv.ParseUint(string(gf[i]), 10, 64)
		if err1 == nil && err2 == nil && gv > math.MaxUint32 && uint64(uint32(gv)) == wv {
			return designOffset, true
		}
		return "", false
	}
	return reason, true
}

// objdumpMisread reports whether watt's dump of a module shows an
// instruction wabt 1.0.32 reads in a pre-standard encoding, so that its
// disassembly goes wrong from there: call_ref and return_call_ref, which it
// reads without their type index.
func objdumpMisread(dump []byte) bool {
	return bytes.Contains(dump, []byte("| call_ref ")) || bytes.Contains(dump, []byte("| return_call_ref "))
}

// diffWast2JSON: wast2json --enable-threads of every suite file; the JSON
// and every module file must be the same. Where wabt cannot read a file
// (the threads/ scripts, whose commands it does not know, and a few it
// cannot parse), watt's JSON must run under spectest-interp with the
// results of the .wast (TestWast2JSONRunsLikeWast).
func diffWast2JSON(t *testing.T, dir string) {
	files := testsuite.Files(t)
	if testing.Short() {
		var some []string
		for i := 0; i < len(files); i += 8 {
			some = append(some, files[i])
		}
		files = some
	}
	r := &diffReport{t: t}
	diffParallel(len(files), func(i int) {
		path, rel := files[i], testsuite.Rel(t, files[i])
		wabtDir, wattDir := filepath.Join(dir, fmt.Sprintf("j%d.wabt", i)), filepath.Join(dir, fmt.Sprintf("j%d.watt", i))
		os.Mkdir(wabtDir, 0o777)
		os.Mkdir(wattDir, 0o777)
		defer os.RemoveAll(wabtDir)
		defer os.RemoveAll(wattDir)
		_, _, wabtFailed, err := runWabt("wast2json", "--enable-threads", path, "-o", filepath.Join(wabtDir, "s.json"))
		if err != nil {
			r.errorf("%s: %v", rel, err)
			return
		}
		_, stderr, wattFailed := runWatt(Wast2JSON, wabtFeatures, "--enable-threads", path, "-o", filepath.Join(wattDir, "s.json"))
		if wabtFailed {
			r.mu.Lock()
			r.skipped++
			r.mu.Unlock()
			return
		}
		r.mu.Lock()
		r.compared++
		r.mu.Unlock()
		if wattFailed {
			r.errorf("%s: wabt converts the script, watt fails: %s", rel, stderr)
			return
		}
		want, _ := os.ReadDir(wabtDir)
		got, _ := os.ReadDir(wattDir)
		if len(want) != len(got) {
			r.errorf("%s: wabt writes %d files, watt %d", rel, len(want), len(got))
			return
		}
		for k := range want {
			if want[k].Name() != got[k].Name() {
				r.errorf("%s: file %d is %s in wabt's output, %s in watt's", rel, k, want[k].Name(), got[k].Name())
				return
			}
			a, _ := os.ReadFile(filepath.Join(wabtDir, want[k].Name()))
			b, _ := os.ReadFile(filepath.Join(wattDir, got[k].Name()))
			if strings.HasSuffix(want[k].Name(), ".json") {
				diffJSONLines(r, rel, a, b)
			} else if !bytes.Equal(a, b) {
				r.errorf("%s: %s differs: %s", rel, want[k].Name(), firstLineDiff(a, b))
			}
		}
	})
	r.done("wast2json")
}

// diffStrip: wasm-strip of every binary.
func diffStrip(t *testing.T, dir string, mods []diffModule) {
	r := &diffReport{t: t}
	diffParallel(len(mods), func(i int) {
		m := &mods[i]
		// wasm-strip takes one file a run. Text modules, all encoded by
		// watt with a name section, exercise the same few paths: every
		// 16th is enough; every binary module of the suite (the odd
		// encodings) and of the repository is stripped.
		if m.wasmFile == "" || m.text != "" && !diffSample(i, 16) && !testing.Short() {
			return
		}
		want, wantOut := filepath.Join(dir, fmt.Sprintf("s%d.wabt.wasm", i)), filepath.Join(dir, fmt.Sprintf("s%d.watt.wasm", i))
		_, _, wabtFailed, err := runWabt("wasm-strip", m.wasmFile, "-o", want)
		if err != nil {
			r.errorf("%s: %v", m.name, err)
			return
		}
		_, stderr, wattFailed := runWatt(WasmStrip, m.wasmFile, "-o", wantOut)
		if wabtFailed {
			r.mu.Lock()
			r.skipped++
			r.mu.Unlock()
			return
		}
		r.mu.Lock()
		r.compared++
		r.mu.Unlock()
		if wattFailed && !byDesign("wasm-strip", m) {
			r.errorf("%s: wabt strips the module, watt fails: %s", m.name, stderr)
			return
		}
		if wattFailed {
			r.design("listed in diffByDesign")
			return
		}
		a, _ := os.ReadFile(want)
		b, _ := os.ReadFile(wantOut)
		if !bytes.Equal(a, b) {
			r.errorf("%s: stripped modules differ (wabt %d bytes, watt %d)", m.name, len(a), len(b))
		}
		os.Remove(want)
		os.Remove(wantOut)
	})
	r.done("wasm-strip")
}

// TestWast2JSONRunsLikeWast: for every suite file (the threads scripts
// included, which wabt cannot convert), watt's wast2json output runs under
// spectest-interp's JSON reader with every command passing, as many
// commands as the .wast has.
func TestWast2JSONRunsLikeWast(t *testing.T) {
	// The threads scripts, whose JSON only watt writes, and a sample of the
	// others (whose JSON is wabt's byte for byte, TestMatchesWabt, and which
	// spectest's own tests run from wabt's JSON).
	var files []string
	for i, f := range testsuite.Files(t) {
		if strings.HasPrefix(testsuite.Rel(t, f), "threads/") || diffSample(i, 8) {
			files = append(files, f)
		}
	}
	dir := t.TempDir()
	for i, path := range files {
		rel := testsuite.Rel(t, path)
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			script, err := wat.ParseScript(ir.NewSource(rel, data, false), testsuite.Features)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, fmt.Sprintf("s%d", i), "s.json")
			os.Mkdir(filepath.Dir(out), 0o777)
			if _, stderr, failed := runWatt(Wast2JSON, wabtFeatures, "--enable-threads", path, "-o", out); failed {
				t.Fatalf("wast2json: %s", stderr)
			}
			res, err := spectest.RunJSONFile(context.Background(), out, spectest.Options{Features: testsuite.Features, NoRoundTrip: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.Failures() {
				pos := fmt.Sprintf("%s:%d", rel, e.Position().Line)
				if _, ok := jsonRunFailures[pos]; !ok {
					t.Errorf("%v", e)
				}
			}
			if want := countCommands(script.Commands); res.Passed+res.Failed != want {
				t.Errorf("%d commands ran from the JSON, the .wast has %d", res.Passed+res.Failed, want)
			}
		})
	}
}

// jsonRunFailures are the commands that fail only through JSON: wast2json
// writes an assert_invalid text module as the binary wabt writes for it,
// and that binary does not always carry the error the text has.
var jsonRunFailures = map[string]string{
	"select.wast:324":      "select (result) encodes as the untyped select (0x1b, as wabt), which is a type mismatch rather than an invalid result arity",
	"memory_init.wast:190": "data.drop without data segments encodes without a data count section (as wabt), which is malformed rather than an unknown data segment",
	"memory_init.wast:227": "memory.init without data segments: as above",
}

func countCommands(cmds []wat.Command) int {
	n := len(cmds)
	for _, c := range cmds {
		if th, ok := c.(*wat.ThreadCommand); ok {
			n += countCommands(th.Commands)
		}
	}
	return n
}
