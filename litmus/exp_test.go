package litmus

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

var expFile = flag.String("exp", "", "")
var expN = flag.Int("expn", 100000, "")
var expStagger = flag.Int("expstagger", 0, "")
var expStride = flag.Int("expstride", 64, "")
var expBatch = flag.Int("expbatch", 10000, "")
var expAff = flag.Bool("expaff", false, "")
var expSpin = flag.Int("expspin", 0, "")

func TestExp(t *testing.T) {
	if *expFile == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(*expFile)
	tt, err := Parse(ir.NewSource(*expFile, data, false))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(tt)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Run(context.Background(), tt, m, Options{Runs: *expN, Stagger: *expStagger, LocStride: *expStride, Batch: *expBatch, Affinity: *expAff, Spin: *expSpin})
	h.Print(os.Stdout, true)
	if err != nil {
		t.Fatal(err)
	}
}
