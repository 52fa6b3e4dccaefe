package litmus

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/watt-wasm/watt/ir"
)

// catalogueDir is the catalogue, relative to this package.
const catalogueDir = "../testdata/litmus"

// expected outcome sets, computed by hand (the reasoning is in the
// comments): sc is the SC set, racy the outcomes allowed only because
// non-atomic accesses race. Outcomes are written as Test.Format prints
// them.
var expected = map[string]struct{ sc, racy []string }{
	// MP: P1 reads the flag y (r0) then the data x (r1). Under SC, seeing
	// the flag implies seeing the data: r0=1 r1=0 needs P0's stores (or
	// P1's loads) reordered, which only racing non-atomics allow; an
	// atomic or a fence on both sides restores SC.
	"MP":          {sc: []string{"1:r0=0 1:r1=0", "1:r0=0 1:r1=1", "1:r0=1 1:r1=1"}, racy: []string{"1:r0=1 1:r1=0"}},
	"MP_atomic":   {sc: []string{"1:r0=0 1:r1=0", "1:r0=0 1:r1=1", "1:r0=1 1:r1=1"}},
	"MP+fences":   {sc: []string{"1:r0=0 1:r1=0", "1:r0=0 1:r1=1", "1:r0=1 1:r1=1"}},
	"SB":          {sc: []string{"0:r0=0 1:r1=1", "0:r0=1 1:r1=0", "0:r0=1 1:r1=1"}, racy: []string{"0:r0=0 1:r1=0"}},
	"SB_atomic":   {sc: []string{"0:r0=0 1:r1=1", "0:r0=1 1:r1=0", "0:r0=1 1:r1=1"}},
	"SB+fences":   {sc: []string{"0:r0=0 1:r1=1", "0:r0=1 1:r1=0", "0:r0=1 1:r1=1"}},
	"LB":          {sc: []string{"0:r0=0 1:r1=0", "0:r0=0 1:r1=1", "0:r0=1 1:r1=0"}, racy: []string{"0:r0=1 1:r1=1"}},
	"LB_atomic":   {sc: []string{"0:r0=0 1:r1=0", "0:r0=0 1:r1=1", "0:r0=1 1:r1=0"}},
	"LB+fences":   {sc: []string{"0:r0=0 1:r1=0", "0:r0=0 1:r1=1", "0:r0=1 1:r1=0"}},
	"IRIW":        {sc: allBut(4, "1010"), racy: []string{iriw("1010")}},
	"IRIW_atomic": {sc: allBut(4, "1010")},
	// Fences in the readers only order through happens-before; the writes
	// are non-atomic and unsynchronized, so the readers may still disagree.
	"IRIW+fences": {sc: allBut(4, "1010"), racy: []string{iriw("1010")}},
	// WRC and ISA2: only "the end of the chain without its start" is not
	// SC. WRC+fences stays racy: P0's write is never synchronized with.
	"WRC":         {sc: chain("1:r0", "2:r1", "2:r2"), racy: []string{"1:r0=1 2:r1=1 2:r2=0"}},
	"WRC_atomic":  {sc: chain("1:r0", "2:r1", "2:r2")},
	"WRC+fences":  {sc: chain("1:r0", "2:r1", "2:r2"), racy: []string{"1:r0=1 2:r1=1 2:r2=0"}},
	"ISA2":        {sc: chain("1:r0", "2:r1", "2:r2"), racy: []string{"1:r0=1 2:r1=1 2:r2=0"}},
	"ISA2_atomic": {sc: chain("1:r0", "2:r1", "2:r2")},
	"ISA2+fences": {sc: chain("1:r0", "2:r1", "2:r2")},
	// 2+2W: the last write to each location is one of the two; both being
	// the first-in-program-order ones needs a cycle.
	"2+2W":        {sc: []string{"x=1 y=2", "x=2 y=1", "x=2 y=2"}, racy: []string{"x=1 y=1"}},
	"2+2W_atomic": {sc: []string{"x=1 y=2", "x=2 y=1", "x=2 y=2"}},
	"2+2W+fences": {sc: []string{"x=1 y=2", "x=2 y=1", "x=2 y=2"}},
	// R: y=2 last means y=1 came before it, so x=1 came before P1's load.
	"R":        {sc: []string{"1:r0=0 y=1", "1:r0=1 y=1", "1:r0=1 y=2"}, racy: []string{"1:r0=0 y=2"}},
	"R_atomic": {sc: []string{"1:r0=0 y=1", "1:r0=1 y=1", "1:r0=1 y=2"}},
	"R+fences": {sc: []string{"1:r0=0 y=1", "1:r0=1 y=1", "1:r0=1 y=2"}},
	"S":        {sc: []string{"1:r0=0 x=1", "1:r0=0 x=2", "1:r0=1 x=1"}, racy: []string{"1:r0=1 x=2"}},
	"S_atomic": {sc: []string{"1:r0=0 x=1", "1:r0=0 x=2", "1:r0=1 x=1"}},
	"S+fences": {sc: []string{"1:r0=0 x=1", "1:r0=0 x=2", "1:r0=1 x=1"}},
	// Coherence: racing non-atomic reads are not coherent in the wasm/JS
	// model, so CoRR, CoRW and CoWR have racy outcomes; program order
	// between two writes still holds (CoWW), and a read never sees its own
	// thread's later write (CoRW: r0=1 is in neither set).
	"CoRR":        {sc: []string{"1:r0=0 1:r1=0", "1:r0=0 1:r1=1", "1:r0=1 1:r1=1"}, racy: []string{"1:r0=1 1:r1=0"}},
	"CoRR_atomic": {sc: []string{"1:r0=0 1:r1=0", "1:r0=0 1:r1=1", "1:r0=1 1:r1=1"}},
	"CoRW":        {sc: []string{"0:r0=0 x=1", "0:r0=0 x=2", "0:r0=2 x=1"}, racy: []string{"0:r0=2 x=2"}},
	"CoRW_atomic": {sc: []string{"0:r0=0 x=1", "0:r0=0 x=2", "0:r0=2 x=1"}},
	"CoWR":        {sc: []string{"0:r0=1 x=1", "0:r0=1 x=2", "0:r0=2 x=2"}, racy: []string{"0:r0=2 x=1"}},
	"CoWR_atomic": {sc: []string{"0:r0=1 x=1", "0:r0=1 x=2", "0:r0=2 x=2"}},
	"CoWW":        {sc: []string{"x=2", "x=3"}},
	"CoWW_atomic": {sc: []string{"x=2", "x=3"}},
	// One cmpxchg wins (reads 0), the other reads the winner's value.
	"CAS": {sc: []string{"0:r0=0 1:r1=1 x=1", "0:r0=2 1:r1=0 x=2"}},
	// P1 either waits and is woken by P0's notify (r0=1 woken, r1=0) or
	// sees the flag already set (r1=1, nobody to wake); either way the
	// data write happens before P1's read.
	"MP+wait":        {sc: []string{"0:r0=0 1:r1=1 1:r2=42", "0:r0=1 1:r1=0 1:r2=42"}},
	"MP+wait_atomic": {sc: []string{"0:r0=0 1:r1=1 1:r2=42", "0:r0=1 1:r1=0 1:r2=42"}},
	// A zero-timeout wait returns 1 if it sees the other store, 2 if not.
	"SB+wait": {sc: []string{"0:r0=1 1:r1=1", "0:r0=1 1:r1=2", "0:r0=2 1:r1=1"}},
	// Waiters that checked before the store are woken, the first by the
	// count-1 notify and any second by the notify-all.
	"NotifyOne": {sc: []string{"0:r0=0 1:r1=0 2:r2=1 2:r3=1", "0:r0=0 1:r1=1 2:r2=1 2:r3=0",
		"0:r0=1 1:r1=0 2:r2=1 2:r3=0", "0:r0=1 1:r1=1 2:r2=0 2:r3=0"}},
}

// iriw formats an IRIW outcome from four digits r0 r1 r2 r3.
func iriw(d string) string {
	return "2:r0=" + d[0:1] + " 2:r1=" + d[1:2] + " 3:r2=" + d[2:3] + " 3:r3=" + d[3:4]
}

// allBut lists every IRIW outcome over 0/1 except one.
func allBut(n int, except string) []string {
	var out []string
	for i := 0; i < 1<<n; i++ {
		d := ""
		for k := n - 1; k >= 0; k-- {
			d += string('0' + byte(i>>k&1))
		}
		if d != except {
			out = append(out, iriw(d))
		}
	}
	return out
}

// chain lists every 0/1 outcome of three registers except 1 1 0.
func chain(a, b, c string) []string {
	var out []string
	for i := 0; i < 8; i++ {
		if i == 6 {
			continue
		}
		out = append(out, a+"="+string('0'+byte(i>>2&1))+" "+b+"="+string('0'+byte(i>>1&1))+" "+c+"="+string('0'+byte(i&1)))
	}
	return out
}

func loadCatalogue(t *testing.T) []*Test {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(catalogueDir, "*.litmus"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogue in %s", catalogueDir)
	}
	var tests []*Test
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lt, err := Parse(ir.NewSource(f, data, false))
		if err != nil {
			t.Fatalf("%s", ir.Format(err))
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".litmus"); lt.Name != want {
			t.Errorf("%s: test is called %s", f, lt.Name)
		}
		tests = append(tests, lt)
	}
	return tests
}

func formatAll(t *Test, os []Outcome) []string {
	out := []string{}
	for _, o := range os {
		out = append(out, t.Format(o))
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// TestCatalogueSC checks the SC enumerator, and the racy outcomes of the
// weak model, against the hand-computed sets of every catalogue entry.
func TestCatalogueSC(t *testing.T) {
	tests := loadCatalogue(t)
	seen := map[string]bool{}
	for _, lt := range tests {
		seen[lt.Name] = true
		want, ok := expected[lt.Name]
		if !ok {
			t.Errorf("%s: no hand-computed outcome set", lt.Name)
			continue
		}
		sc, err := SCOutcomes(lt)
		if err != nil {
			t.Fatalf("%s: %v", lt.Name, err)
		}
		if diff := cmp.Diff(sorted(want.sc), formatAll(lt, sc)); diff != "" {
			t.Errorf("%s: SC outcomes (-want +got):\n%s", lt.Name, diff)
		}
		m, err := NewModel(lt)
		if err != nil {
			t.Fatalf("%s: %v", lt.Name, err)
		}
		var racy []Outcome
		for _, o := range m.Allowed {
			if m.Verdict(o) == Racy {
				racy = append(racy, o)
			}
		}
		if diff := cmp.Diff(sorted(want.racy), formatAll(lt, racy)); diff != "" {
			t.Errorf("%s: racy outcomes (-want +got):\n%s", lt.Name, diff)
		}
	}
	for name := range expected {
		if !seen[name] {
			t.Errorf("expected sets for %s, which is not in the catalogue", name)
		}
	}
}

// TestCatalogueShape checks that the catalogue has what the issue lists:
// each classic shape in a non-atomic and an all-atomic variant, fence and
// wait/notify variants.
func TestCatalogueShape(t *testing.T) {
	names := map[string]*Test{}
	for _, lt := range loadCatalogue(t) {
		names[lt.Name] = lt
	}
	for _, shape := range []string{"MP", "SB", "LB", "IRIW", "WRC", "ISA2", "2+2W", "R", "S", "CoRR", "CoRW", "CoWR", "CoWW"} {
		na, at := names[shape], names[shape+"_atomic"]
		if na == nil || at == nil {
			t.Errorf("%s: missing a variant", shape)
			continue
		}
		if na.AllAtomic() {
			t.Errorf("%s has no non-atomic access", shape)
		}
		if !at.AllAtomic() {
			t.Errorf("%s_atomic has a non-atomic access", shape)
		}
	}
	fences, waits := 0, 0
	for _, lt := range names {
		for _, th := range lt.Threads {
			for _, in := range th.Instrs {
				switch in.Kind {
				case Fence:
					fences++
				case Wait, Notify:
					waits++
				}
			}
		}
	}
	if fences == 0 || waits == 0 {
		t.Errorf("catalogue has %d fences and %d wait/notify instructions", fences, waits)
	}
}
