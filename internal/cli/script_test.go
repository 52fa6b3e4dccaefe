package cli

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// wat2wasmOnPath is what PATH held for "wat2wasm" when the test binary
// started, before testscript put watt's own tools, which have the same
// names, first on PATH.
var wat2wasmOnPath string

func TestMain(m *testing.M) {
	// Only look, never run it here: TestMain also runs in every tool
	// subprocess testscript starts, where "wat2wasm" is this very binary.
	wat2wasmOnPath, _ = exec.LookPath("wat2wasm")
	testscript.Main(m, map[string]func(){
		"wat2wasm":      func() { os.Exit(Wat2Wasm(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"wasm2wat":      func() { os.Exit(Wasm2Wat(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"wasm-validate": func() { os.Exit(WasmValidate(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"wasm-strip":    func() { os.Exit(WasmStrip(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"wasm-objdump":  func() { os.Exit(WasmObjdump(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"wat-desugar":   func() { os.Exit(WatDesugar(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"wast2json":     func() { os.Exit(Wast2JSON(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },

		"wasm-interp": func() { os.Exit(WasmInterp(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"spectest-interp": func() {
			os.Exit(SpectestInterp(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
		"wasm-litmus": func() { os.Exit(WasmLitmus(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

var (
	wabtOnce   sync.Once
	wabtDirVal string
)

// wabtDir is the directory of wabt's tools, "" when wabt is not installed.
// A watt build installed as wat2wasm does not count.
func wabtDir() string {
	wabtOnce.Do(func() {
		if wat2wasmOnPath == "" {
			return
		}
		out, err := exec.Command(wat2wasmOnPath, "--version").Output()
		if err != nil || bytes.Contains(out, []byte("watt")) {
			return
		}
		wabtDirVal = filepath.Dir(wat2wasmOnPath)
	})
	return wabtDirVal
}

// TestScripts runs the end-to-end scripts in testdata/script. Besides the
// tools, scripts get:
//
//	[wabt]           condition: wabt is installed; $WABT is its directory
//	hex FILE         prints FILE's bytes as hex, 16 per line
//	status N CMD...  runs CMD (found on the script's PATH) and checks that
//	                 it exits with status N; its output becomes stdout/stderr
//	$EXAMPLES        the testdata/threads directory
//	mkfifo NAME      makes a FIFO (named pipe)
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("WABT", wabtDir())
			env.Setenv("EXAMPLES", examples)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "wabt" {
				return wabtDir() != "", nil
			}
			return false, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"hex":    hexCmd,
			"mkfifo": mkfifoCmd,
			"status": statusCmd,
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

func statusCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N CMD [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	path := args[1]
	if !strings.Contains(path, "/") {
		for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
			if p := filepath.Join(dir, path); fileExists(p) {
				path = p
				break
			}
		}
	}
	cmd := exec.Command(path, args[2:]...)
	cmd.Dir = ts.Getenv("WORK")
	for _, kv := range []string{"PATH", "HOME", "WORK", "TMPDIR"} {
		cmd.Env = append(cmd.Env, kv+"="+ts.Getenv(kv))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	ts.Stdout().Write(stdout.Bytes())
	ts.Stderr().Write(stderr.Bytes())
	got := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		got = exit.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
