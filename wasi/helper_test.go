package wasi

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// compileWAT parses and compiles a text module with threads enabled.
func compileWAT(t testing.TB, name, src string) *interp.Module {
	t.Helper()
	f := ir.Wasm2Features().With(ir.FeatureThreads, true)
	source := ir.NewSource(name, []byte(src), false)
	m, err := wat.ParseModule(source, f)
	if err != nil {
		t.Fatalf("%s", ir.Format(err))
	}
	cm, err := interp.Compile(m, source, f)
	if err != nil {
		t.Fatalf("%s", ir.Format(err))
	}
	return cm
}

func compileFile(t testing.TB, path string) *interp.Module {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return compileWAT(t, path, string(data))
}

// result is what a run produced.
type result struct {
	status         int
	err            error
	stdout, stderr string
}

// run runs m with cfg, capturing stdout and stderr.
func run(t testing.TB, m *interp.Module, cfg Config) result {
	t.Helper()
	var out, errOut bytes.Buffer
	cfg.Stdout, cfg.Stderr = &out, &errOut
	if cfg.Stdin == nil {
		cfg.Stdin = strings.NewReader("")
	}
	status, err := Run(context.Background(), m, cfg)
	return result{status, err, out.String(), errOut.String()}
}
