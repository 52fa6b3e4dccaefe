package validate_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/binary"
	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// TestCoreSuite is TestSuite for the WebAssembly 3.0 core suite (legacy/
// and custom/ included): every assert_invalid module is rejected with a
// message starting with the expected text, every other module is valid.
// Files the text parser cannot read are counted as skipped.
func TestCoreSuite(t *testing.T) {
	tally := newSuiteTally()
	tally.features = testsuite.CoreFeatures
	for _, file := range testsuite.CoreFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rel := testsuite.CoreRel(t, file)
		src := ir.NewSource(rel, data, false)
		script, err := wat.ParseScript(src, tally.features)
		if err != nil {
			tally.skipped["wat.ParseScript failed on "+rel]++
			t.Logf("%s: %v", rel, err)
			continue
		}
		tally.commands(t, src, script.Commands)
	}
	tally.report(t)
}

// TestCoreSuiteViaWabt runs the core suite's modules through wabt's
// wast2json --enable-all --no-check, binary.Decode and the validator: the
// files wabt 1.0.32 can read (it predates GC and typed references), to
// cover them independently of the wat parser.
func TestCoreSuiteViaWabt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs wast2json on every file; TestCoreSuite covers the same modules")
	}
	if _, err := exec.LookPath("wast2json"); err != nil {
		t.Skip("wast2json (wabt) not on PATH")
	}
	files := testsuite.CoreFiles(t)
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
			cmd := exec.Command("wast2json", "--enable-all", "--no-check", file, "-o", out)
			if _, err := cmd.CombinedOutput(); err != nil {
				msgs[i] = "wast2json cannot read it"
			}
		}()
	}
	wg.Wait()

	tally := newSuiteTally()
	tally.features = testsuite.CoreFeatures
	for i, file := range files {
		rel := testsuite.CoreRel(t, file)
		if msgs[i] != "" {
			tally.skipped[msgs[i]]++
			continue
		}
		var script struct {
			Commands []struct {
				Type     string `json:"type"`
				Line     int    `json:"line"`
				Filename string `json:"filename"`
				Text     string `json:"text"`
			} `json:"commands"`
		}
		data, err := os.ReadFile(filepath.Join(tmps[i], "s.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &script); err != nil {
			t.Fatal(err)
		}
		for _, c := range script.Commands {
			var want expectation
			switch c.Type {
			case "module", "assert_unlinkable", "assert_uninstantiable", "assert_trap":
			case "assert_invalid":
				want.invalid, want.text = true, c.Text
			default:
				continue
			}
			if c.Filename == "" {
				continue
			}
			want.where = fmt.Sprintf("%s:%d", rel, c.Line)
			if why, ok := coreWabtArtifacts[fmt.Sprintf("%s:%d", rel, c.Line)]; ok {
				tally.skipped[why]++
				continue
			}
			if !strings.HasSuffix(c.Filename, ".wasm") {
				tally.skipped["text module ("+c.Type+")"]++
				continue
			}
			bin, err := os.ReadFile(filepath.Join(tmps[i], c.Filename))
			if err != nil {
				t.Fatal(err)
			}
			src := ir.NewSource(rel+":"+c.Filename, bin, true)
			m, err := binary.Decode(src, tally.features)
			if err != nil {
				tally.skipped["decoder rejected ("+c.Type+")"]++
				t.Logf("%s: decode: %v", want.where, err)
				continue
			}
			tally.check(t, m, src, want)
		}
	}
	tally.report(t)
}

// coreWabtArtifacts are core suite modules whose binary from wast2json
// 1.0.32 does not mean what the text means.
var coreWabtArtifacts = map[string]string{
	"func.wast:660": "wast2json 1.0.32 encodes (ref $t) with a pre-standard opcode",
}
