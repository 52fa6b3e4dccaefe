package validate_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
)

// suiteFeatures are the features the threads suite is written for.
var suiteFeatures = ir.DefaultFeatures().With(ir.FeatureThreads, true)

// suiteDir finds the threads-proposal test suite, or skips the test.
func suiteDir(t testing.TB) string {
	dirs := []string{os.Getenv("WASM_TESTSUITE"), "../../shared/testsuite/threads", "/work/shared/testsuite/threads"}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	t.Skip("threads test suite not found: set $WASM_TESTSUITE to a checkout of " +
		"https://github.com/WebAssembly/threads/tree/main/test/core (or place it at ../shared/testsuite/threads)")
	return ""
}

// suiteFiles lists the suite's .wast files, subdirectories included.
func suiteFiles(t testing.TB) []string {
	dir := suiteDir(t)
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".wast") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// suiteTally counts suite outcomes by expected message, so that failures
// are reported per message.
type suiteTally struct {
	pass, fail map[string]int
	skipped    map[string]int // reason -> count
}

func newSuiteTally() *suiteTally {
	return &suiteTally{pass: map[string]int{}, fail: map[string]int{}, skipped: map[string]int{}}
}

func (s *suiteTally) report(t *testing.T) {
	keys := map[string]bool{}
	for k := range s.pass {
		keys[k] = true
	}
	for k := range s.fail {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	tp, tf := 0, 0
	for _, k := range names {
		fmt.Fprintf(&b, "  %-50q pass %4d fail %d\n", k, s.pass[k], s.fail[k])
		tp += s.pass[k]
		tf += s.fail[k]
	}
	for k, n := range s.skipped {
		fmt.Fprintf(&b, "  skipped %d: %s\n", n, k)
	}
	t.Logf("suite: %d passed, %d failed\n%s", tp, tf, b.String())
}

// expectation is what the suite says about one module: valid, or invalid
// with a message prefix.
type expectation struct {
	where   string // file:line
	invalid bool
	text    string
}

// check validates m and records the outcome against want.
func (s *suiteTally) check(t *testing.T, m *ir.Module, src *ir.Source, want expectation) {
	err := validate.Module(m, src, suiteFeatures)
	key := "(valid)"
	if want.invalid {
		key = want.text
	}
	ok := false
	switch {
	case !want.invalid:
		ok = err == nil
		if !ok {
			t.Errorf("%s: valid module rejected: %v", want.where, err)
		}
	case err == nil:
		t.Errorf("%s: invalid module accepted, want %q", want.where, want.text)
	default:
		var list ir.ErrorList
		if !errors.As(err, &list) || len(list) == 0 || list[0].Kind != ir.Invalid {
			t.Errorf("%s: error %v is not an ir.ErrorList of Invalid errors", want.where, err)
			break
		}
		ok = strings.HasPrefix(list[0].Msg, want.text)
		if !ok {
			t.Errorf("%s: got %q, want prefix %q", want.where, list[0].Msg, want.text)
		}
	}
	if ok {
		s.pass[key]++
	} else {
		s.fail[key]++
	}
}

// TestSuiteViaWabt runs the suite's modules through wabt's wast2json (which
// turns every module, assert_invalid ones included, into a .wasm file
// without validating it), binary.Decode and the validator. It covers text
// modules independently of the wat parser; files wast2json cannot read (the
// threads proposal's (thread …) scripts, newer table syntax) are left to
// TestSuite.
func TestSuiteViaWabt(t *testing.T) {
	files := suiteFiles(t)
	if _, err := exec.LookPath("wast2json"); err != nil {
		t.Skip("wast2json (wabt) not on PATH")
	}
	// Convert all files first, a few wast2json processes at a time.
	tmps := make([]string, len(files))
	msgs := make([]string, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0)+1)
	for i, file := range files {
		tmps[i] = t.TempDir()
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out := filepath.Join(tmps[i], "s.json")
			cmd := exec.Command("wast2json", "--enable-threads", "--no-check", file, "-o", out)
			if msg, err := cmd.CombinedOutput(); err != nil {
				msgs[i] = "wast2json cannot read " + filepath.Base(file) + ": " + firstLine(string(msg))
			}
		}()
	}
	wg.Wait()

	tally := newSuiteTally()
	for i, file := range files {
		tmp := tmps[i]
		out := filepath.Join(tmp, "s.json")
		if msgs[i] != "" {
			tally.skipped[msgs[i]]++
			continue
		}
		var script struct {
			Commands []struct {
				Type       string `json:"type"`
				Line       int    `json:"line"`
				Filename   string `json:"filename"`
				Text       string `json:"text"`
				ModuleType string `json:"module_type"`
			} `json:"commands"`
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &script); err != nil {
			t.Fatal(err)
		}
		for _, c := range script.Commands {
			var want expectation
			switch c.Type {
			case "module", "assert_unlinkable", "assert_uninstantiable":
			case "assert_invalid":
				want.invalid, want.text = true, c.Text
			default:
				continue
			}
			want.where = fmt.Sprintf("%s:%d", file, c.Line)
			if why, ok := wabtArtifacts[fmt.Sprintf("%s:%d", filepath.Base(file), c.Line)]; ok {
				tally.skipped[why]++
				continue
			}
			if !strings.HasSuffix(c.Filename, ".wasm") {
				tally.skipped["text module ("+c.Type+")"]++
				continue
			}
			bin, err := os.ReadFile(filepath.Join(tmp, c.Filename))
			if err != nil {
				t.Fatal(err)
			}
			src := ir.NewSource(filepath.Base(file)+":"+c.Filename, bin, true)
			m, err := binary.Decode(src, suiteFeatures)
			if err != nil {
				// A module the decoder refuses never reaches the validator:
				// that is the decoder's business (and its tests').
				tally.skipped["decoder rejected ("+c.Type+")"]++
				t.Logf("%s: decode: %v", want.where, err)
				continue
			}
			tally.check(t, m, src, want)
		}
	}
	tally.report(t)
}

// wabtArtifacts are suite modules whose meaning wast2json changes, so the
// binary it writes does not test what the suite means (TestSuite reads them
// from the text instead).
var wabtArtifacts = map[string]string{
	"select.wast:324": "wast2json writes (select (result)) as an untyped select",
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
