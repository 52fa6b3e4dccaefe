package cli

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// wabtDir is the directory of wabt's tools, "" when wabt is not installed.
// It is looked up before testscript puts watt's own tools, which have the
// same names, first on PATH.
var wabtDir string

func TestMain(m *testing.M) {
	wabtDir = findWabt()
	testscript.Main(m, map[string]func(){
		"wat2wasm": func() { os.Exit(Wat2Wasm(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// findWabt returns the directory of wabt's wat2wasm on PATH, skipping a
// watt build installed under the same name.
func findWabt() string {
	p, err := exec.LookPath("wat2wasm")
	if err != nil {
		return ""
	}
	out, err := exec.Command(p, "--version").Output()
	if err != nil || bytes.Contains(out, []byte("watt")) {
		return ""
	}
	return filepath.Dir(p)
}

// TestScripts runs the end-to-end scripts in testdata/script. Besides the
// tools, scripts get:
//
//	[wabt]           condition: wabt is installed; $WABT is its directory
//	hex FILE         prints FILE's bytes as hex, 16 per line
//	$EXAMPLES        the testdata/threads directory
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("WABT", wabtDir)
			env.Setenv("EXAMPLES", examples)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "wabt" {
				return wabtDir != "", nil
			}
			return false, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"hex": hexCmd,
		},
	})
}

func hexCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: hex FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	for len(data) > 0 {
		n := min(16, len(data))
		ts.Stdout().Write([]byte(hex.EncodeToString(data[:n]) + "\n"))
		data = data[n:]
	}
}
