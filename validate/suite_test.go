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

	"github.com/watt-wasm/watt/internal/testsuite"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/validate"
	"github.com/watt-wasm/watt/wat"
)

// suiteFeatures are the features the threads suite is written for.
var suiteFeatures = testsuite.Features

// suiteTally counts suite outcomes by expected message, so that failures
// are reported per message.
type suiteTally struct {
	pass, fail map[string]int
	skipped    map[string]int // reason -> count
	features   ir.Features    // the suite's
}

func newSuiteTally() *suiteTally {
	return &suiteTally{pass: map[string]int{}, fail: map[string]int{}, skipped: map[string]int{}, features: suiteFeatures}
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
	// span, when set, is the byte range of the module's text in its
	// source: errors must be positioned inside it.
	span [2]int
}

// check validates m and records the outcome against want.
func (s *suiteTally) check(t *testing.T, m *ir.Module, src *ir.Source, want expectation) {
	err := validate.Module(m, src, s.features)
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
		if !list[0].Pos.IsValid() {
			t.Errorf("%s: error %q has no position", want.where, list[0].Msg)
		} else if off := list[0].Pos.Offset(); want.span != [2]int{} && (off < want.span[0] || off >= want.span[1]) {
			t.Errorf("%s: error %q at offset %d, outside the module [%d, %d)", want.where, list[0].Msg, off, want.span[0], want.span[1])
		}
	}
	if ok {
		s.pass[key]++
	} else {
		s.fail[key]++
	}
}

// TestSuite is the acceptance test: every assert_invalid module of
// the threads suite is rejected with a message starting with the expected
// text, and every other module (top level, in threads, under assert_trap,
// assert_unlinkable and assert_uninstantiable) is accepted. Text modules come
// from wat.ParseScript, quoted ones from wat.ParseModule, binary ones from
// binary.Decode.
func TestSuite(t *testing.T) {
	tally := newSuiteTally()
	for _, file := range testsuite.Files(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		src := ir.NewSource(file, data, false)
		script, err := wat.ParseScript(src, suiteFeatures)
		if err != nil {
			// The parser's own tests cover this; count it so it shows.
			tally.skipped["wat.ParseScript failed on "+filepath.Base(file)]++
			t.Logf("%s: %v", file, err)
			continue
		}
		tally.commands(t, src, script.Commands)
	}
	tally.report(t)
}

// commands checks the modules of a script's commands, threads included.
func (s *suiteTally) commands(t *testing.T, src *ir.Source, cmds []wat.Command) {
	for _, cmd := range cmds {
		switch c := cmd.(type) {
		case *wat.ModuleCommand:
			s.module(t, src, c, expectation{})
		case *wat.AssertTrap:
			if c.Module != nil {
				s.module(t, src, c.Module, expectation{})
			}
		case *wat.AssertModule:
			switch c.Kind {
			case ir.Invalid:
				s.module(t, src, c.Module, expectation{invalid: true, text: c.Message})
			case ir.Unlinkable, ir.Uninstantiable:
				s.module(t, src, c.Module, expectation{})
			}
		case *wat.ThreadCommand:
			s.commands(t, src, c.Commands)
		}
	}
}

// module gets the IR of a script module in whichever form it is written and
// checks it.
func (s *suiteTally) module(t *testing.T, src *ir.Source, c *wat.ModuleCommand, want expectation) {
	want.where = src.Position(c.Pos).String()
	m, msrc := c.Module, src
	var err error
	switch c.Kind {
	case wat.ModuleText:
		err = c.Err
		want.span = [2]int{c.Start, c.End}
	case wat.ModuleBinary:
		msrc = ir.NewSource(want.where+":binary", c.Binary, true)
		m, err = binary.Decode(msrc, s.features)
	case wat.ModuleQuote:
		msrc = ir.NewSource(want.where+":quote", []byte(c.Quote), false)
		m, err = wat.ParseModule(msrc, s.features)
	}
	if err != nil || m == nil {
		// The module never reaches the validator: a parser or decoder
		// matter, tested there. Counted so that it shows in the report.
		s.skipped[fmt.Sprintf("not parsed or decoded (module kind %d, invalid=%v)", c.Kind, want.invalid)]++
		t.Logf("%s: %v", want.where, err)
		return
	}
	s.check(t, m, msrc, want)
}

// TestSuiteViaWabt runs the suite's modules through wabt's wast2json (which
// turns every module, assert_invalid ones included, into a .wasm file
// without validating it), binary.Decode and the validator. It covers text
// modules independently of the wat parser; files wast2json cannot read (the
// threads proposal's (thread …) scripts, newer table syntax) are left to
// TestSuite.
func TestSuiteViaWabt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs wast2json on every file; TestSuite covers the same modules")
	}
	files := testsuite.Files(t)
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
