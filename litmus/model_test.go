package litmus

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/watt-wasm/watt/ir"
)

func mustParse(t *testing.T, text string) *Test {
	t.Helper()
	lt, err := Parse(ir.NewSource("test.litmus", []byte(text), false))
	if err != nil {
		t.Fatalf("%s", ir.Format(err))
	}
	return lt
}

func mustModel(t *testing.T, lt *Test) *Model {
	t.Helper()
	m, err := NewModel(lt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The weak model and the SC enumerator are independent implementations.
// For tests whose accesses are all atomic the model must give exactly the
// SC outcomes (NewModel does not even ask it then); for every test, every
// SC outcome must be allowed and every racy one must come with races.
func TestModelAgreesWithSC(t *testing.T) {
	for _, lt := range loadCatalogue(t) {
		sc, err := SCOutcomes(lt)
		if err != nil {
			t.Fatal(err)
		}
		allowed, witness, err := allowedOutcomes(lt)
		if err != nil {
			t.Fatalf("%s: %v", lt.Name, err)
		}
		for _, o := range sc {
			if _, ok := allowed[o.key()]; !ok {
				t.Errorf("%s: SC outcome %s not allowed by the model", lt.Name, lt.Format(o))
			}
		}
		scKeys := map[string]bool{}
		for _, o := range sc {
			scKeys[o.key()] = true
		}
		for k, o := range allowed {
			if scKeys[k] {
				continue
			}
			if lt.AllAtomic() {
				t.Errorf("%s: all-atomic test, but the model allows non-SC %s", lt.Name, lt.Format(o))
			}
			if len(witness[k].Races) == 0 {
				t.Errorf("%s: non-SC outcome %s has no race in its witness", lt.Name, lt.Format(o))
			}
		}
	}
}

func modelSets(t *testing.T, text string) (sc, racy []string) {
	t.Helper()
	lt := mustParse(t, text)
	m := mustModel(t, lt)
	for _, o := range m.Allowed {
		if m.Verdict(o) == SC {
			sc = append(sc, lt.Format(o))
		} else {
			racy = append(racy, lt.Format(o))
		}
	}
	return sc, racy
}

// A data race on the flag makes MP weak; an atomic flag (with non-atomic
// data) is correctly synchronized and so, by data-race freedom, SC only.
func TestModelDRF(t *testing.T) {
	sc, racy := modelSets(t, `WASM MP+flag
{ x=0; y=0; }
 P0                   | P1                     ;
 i32.store x 1        | r0 = i32.atomic.load y ;
 i32.atomic.store y 1 | r1 = i32.load x        ;
`)
	if len(racy) != 0 {
		t.Errorf("racy outcomes %v in a data-race-free test", racy)
	}
	if diff := cmp.Diff([]string{"1:r0=0 1:r1=0", "1:r0=0 1:r1=1", "1:r0=1 1:r1=1"}, sc); diff != "" {
		t.Errorf("SC (-want +got):\n%s", diff)
	}
	// An atomic flag on one side only does not synchronize: a non-atomic
	// store of the flag races with the atomic load.
	_, racy = modelSets(t, `WASM MP+half
{ x=0; y=0; }
 P0            | P1                     ;
 i32.store x 1 | r0 = i32.atomic.load y ;
 i32.store y 1 | r1 = i32.load x        ;
`)
	if diff := cmp.Diff([]string{"1:r0=1 1:r1=0"}, racy); diff != "" {
		t.Errorf("racy (-want +got):\n%s", diff)
	}
}

// Values never come out of thin air: in LB with register stores every
// value read must have been written by someone, and only 0 ever is.
func TestModelNoThinAir(t *testing.T) {
	sc, racy := modelSets(t, `WASM LB+data
{ x=0; y=0; }
 P0              | P1              ;
 r0 = i32.load x | r1 = i32.load y ;
 i32.store y r0  | i32.store x r1  ;
`)
	if diff := cmp.Diff([]string{"0:r0=0 1:r1=0"}, sc); diff != "" || len(racy) != 0 {
		t.Errorf("SC (-want +got):\n%s\nracy: %v", diff, racy)
	}
}

// RMWs, cmpxchg and i64 locations through both enumerators.
func TestModelRMW(t *testing.T) {
	sc, racy := modelSets(t, `WASM ADD
{ i64 x=-1; }
 P0                              | P1                              ;
 r0 = i64.atomic.rmw.add x 1     | r1 = i64.atomic.rmw.add x 1     ;
locations [x;]
`)
	if diff := cmp.Diff([]string{"0:r0=-1 1:r1=0 x=1", "0:r0=0 1:r1=-1 x=1"}, sc); diff != "" || len(racy) != 0 {
		t.Errorf("SC (-want +got):\n%s\nracy: %v", diff, racy)
	}
	// A non-atomic increment races: both may read 0 (a lost update is SC
	// here, since load and store are separate steps).
	sc, _ = modelSets(t, `WASM INC
{ x=0; }
 P0                   | P1                   ;
 r0 = i32.load x      | r1 = i32.atomic.rmw.xchg x 5 ;
 i32.store x 7        |                      ;
locations [x;]
`)
	want := []string{"0:r0=0 1:r1=0 x=7", "0:r0=0 1:r1=7 x=5", "0:r0=5 1:r1=0 x=7"}
	if diff := cmp.Diff(want, sc); diff != "" {
		t.Errorf("SC (-want +got):\n%s", diff)
	}
}

// A wait that nobody notifies, without a timeout, would hang a run: the
// enumerator refuses the test with the schedule that deadlocks.
func TestSCDeadlock(t *testing.T) {
	lt := mustParse(t, `WASM Hang
{ x=0; }
 P0                               | P1            ;
 r0 = memory.atomic.wait32 x 0 -1 | i32.store x 1 ;
`)
	_, err := NewModel(lt)
	if err == nil || !strings.Contains(err.Error(), "can deadlock: P0 wait forever after P0: r0 = memory.atomic.wait32 x 0 -1") {
		t.Fatalf("got %v", err)
	}
	// With a timeout the wait gives up (2), or sees the store (1).
	sc, _ := modelSets(t, `WASM Timeout
{ x=0; }
 P0                                | P1                   ;
 r0 = memory.atomic.wait32 x 0 100 | i32.atomic.store x 1 ;
`)
	if diff := cmp.Diff([]string{"0:r0=1", "0:r0=2"}, sc); diff != "" {
		t.Errorf("SC (-want +got):\n%s", diff)
	}
}

// The verdict of the question and of outcomes outside every set.
func TestVerdicts(t *testing.T) {
	lt := mustParse(t, `WASM SB
{ x=0; y=0; }
 P0              | P1              ;
 i32.store x 1   | i32.store y 1   ;
 r0 = i32.load y | r1 = i32.load x ;
exists (0:r0=0 /\ 1:r1=0)
`)
	m := mustModel(t, lt)
	for _, c := range []struct {
		o    Outcome
		want Verdict
	}{
		{Outcome{0, 1}, SC},
		{Outcome{1, 1}, SC},
		{Outcome{0, 0}, Racy},
		{Outcome{2, 0}, Forbidden},
	} {
		if got := m.Verdict(c.o); got != c.want {
			t.Errorf("%s: %v, want %v", lt.Format(c.o), got, c.want)
		}
	}
	if v := m.CondVerdict(); v != Racy {
		t.Errorf("question: %v", v)
	}
	if w := m.Witness(Outcome{0, 0}); w == nil || len(w.Races) != 2 {
		t.Errorf("witness %+v", w)
	}
	if got := Forbidden.String(); got != "forbidden" {
		t.Errorf("%q", got)
	}
}
