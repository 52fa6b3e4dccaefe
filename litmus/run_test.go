package litmus

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/watt-wasm/watt/ir"
)

// Every catalogue test runs on the interpreter without a forbidden
// outcome, and every run is counted once.
func TestRunCatalogue(t *testing.T) {
	for _, lt := range loadCatalogue(t) {
		m := mustModel(t, lt)
		h, err := Run(context.Background(), lt, m, Options{Runs: 300, Batch: 128, Stagger: 4, Timeout: time.Minute})
		if err != nil {
			t.Fatalf("%s: %v", lt.Name, err)
		}
		total := 0
		for _, r := range h.Rows() {
			total += r.Count
		}
		if h.Runs != 300 || total != 300 {
			t.Errorf("%s: %d runs, %d counted", lt.Name, h.Runs, total)
		}
		if f := h.Forbidden(); f > 0 {
			var b bytes.Buffer
			h.Print(&b, false)
			t.Errorf("%s: %d forbidden outcomes:\n%s", lt.Name, f, b.String())
		}
	}
}

// A memory that loses stores is caught: with the fault injected, the
// thread's own store is missing from its next load in every other round.
func TestRunBrokenMemory(t *testing.T) {
	lt := mustParse(t, `WASM Own
{ x=0; y=0; }
 P0                     | P1                     ;
 i32.atomic.store x 1   | r1 = i32.atomic.load y ;
 r0 = i32.atomic.load x |                        ;
`)
	m := mustModel(t, lt)
	h, err := Run(context.Background(), lt, m, Options{Runs: 100, Batch: 100, Fault: LoseStore})
	if err != nil {
		t.Fatal(err)
	}
	if f := h.Forbidden(); f != 50 {
		t.Errorf("%d forbidden outcomes, want 50 (one per even round)", f)
	}
	if got := h.Count(Outcome{0, 0}); got != 50 {
		t.Errorf("0:r0=0 1:r1=0 counted %d times, want 50", got)
	}
	var b bytes.Buffer
	h.Print(&b, false)
	for _, want := range []string{"0:r0=0 1:r1=0     50   50.000%  forbidden", "FORBIDDEN: 50 of 100 runs"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
	// Without the fault, the same test is clean.
	h, err = Run(context.Background(), lt, m, Options{Runs: 100})
	if err != nil || h.Forbidden() != 0 {
		t.Errorf("clean run: %v, %d forbidden", err, h.Forbidden())
	}
}

// A run that exceeds its time limit stops with ErrTimeout and keeps the
// rounds it completed.
func TestRunTimeout(t *testing.T) {
	lt := mustParse(t, `WASM SB
{ x=0; y=0; }
 P0              | P1              ;
 i32.store x 1   | i32.store y 1   ;
 r0 = i32.load y | r1 = i32.load x ;
`)
	m := mustModel(t, lt)
	h, err := Run(context.Background(), lt, m, Options{Runs: 1 << 30, Batch: 1000, Timeout: time.Nanosecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want a timeout", err)
	}
	if !strings.Contains(err.Error(), "runs done)") || h.Runs >= 1<<30 {
		t.Errorf("%v; %d runs", err, h.Runs)
	}
	// A cancelled context stops it too.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, lt, m, Options{Runs: 10}); err == nil {
		t.Error("no error from a cancelled run")
	}
}

func TestRunOptions(t *testing.T) {
	lt := mustParse(t, `WASM SB
{ x=0; y=0; }
 P0              | P1              ;
 i32.store x 1   | i32.store y 1   ;
 r0 = i32.load y | r1 = i32.load x ;
`)
	m := mustModel(t, lt)
	// Affinity pins each thread to a CPU on Linux and is refused elsewhere.
	h, err := Run(context.Background(), lt, m, Options{Runs: 200, Batch: 50, Affinity: true, Stagger: 3, LocStride: 8, Seed: 7})
	if runtime.GOOS == "linux" {
		if err != nil || h.Runs != 200 {
			t.Errorf("affinity run: %v, %d runs", err, h.Runs)
		}
	} else if err == nil {
		t.Error("affinity accepted off Linux")
	}
	if _, err := Run(context.Background(), lt, m, Options{Runs: 1, LocStride: 12}); err == nil {
		t.Error("a stride that misaligns locations was accepted")
	}
	// Zero runs: the model's outcomes, all with count 0.
	h, err = Run(context.Background(), lt, m, Options{})
	if err != nil || h.Runs != 0 || len(h.Rows()) != 4 {
		t.Errorf("model only: %v, %d runs, %d rows", err, h.Runs, len(h.Rows()))
	}
}

// The harness of a test with more threads than processors still
// completes (the barrier blocks instead of spinning).
func TestRunOversubscribed(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, lt := range loadCatalogue(t) {
		if lt.Name != "IRIW_atomic" && lt.Name != "NotifyOne" {
			continue
		}
		h, err := Run(context.Background(), lt, mustModel(t, lt), Options{Runs: 100, Timeout: time.Minute})
		if err != nil || h.Runs != 100 || h.Forbidden() != 0 {
			t.Errorf("%s: %v, %d runs, %d forbidden", lt.Name, err, h.Runs, h.Forbidden())
		}
	}
}

// BenchmarkRound measures one round (barrier, stagger, the test's
// instructions, the registers stored and counted) of SB and MP+wait.
func BenchmarkRound(b *testing.B) {
	for _, text := range []string{sbText, `WASM MP+wait
{ x=0; y=0; }
 P0                            | P1                               ;
 i32.store x 42                | r1 = memory.atomic.wait32 y 0 -1 ;
 i32.atomic.store y 1          | r2 = i32.load x                  ;
 r0 = memory.atomic.notify y 1 |                                  ;
`} {
		lt, err := Parse(ir.NewSource("bench.litmus", []byte(text), false))
		if err != nil {
			b.Fatal(err)
		}
		m, err := NewModel(lt)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(lt.Name, func(b *testing.B) {
			h, err := Run(context.Background(), lt, m, Options{Runs: b.N, Stagger: 8, Affinity: runtime.GOOS == "linux"})
			if err != nil || h.Runs != b.N {
				b.Fatal(err)
			}
		})
	}
}
