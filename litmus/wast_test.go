package litmus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/watt-wasm/watt/internal/testsuite"
	"github.com/watt-wasm/watt/ir"
)

var suiteLitmus = []string{"MP", "MP_atomic", "SB", "SB_atomic", "LB", "LB_atomic"}

func parseWastFile(t *testing.T, path string) *Test {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lt, err := ParseWast(ir.NewSource(path, data, false))
	if err != nil {
		t.Fatalf("%s", ir.Format(err))
	}
	return lt
}

// The suite's litmus scripts are read directly, and the model agrees with
// the scripts' own assertions: every outcome the model allows passes the
// script's check, and for the atomic scripts the check accepts exactly the
// SC outcomes among all combinations of the values involved.
func TestWastSuite(t *testing.T) {
	dir := testsuite.Dir(t)
	for _, name := range suiteLitmus {
		t.Run(name, func(t *testing.T) {
			lt := parseWastFile(t, filepath.Join(dir, "threads", name+".wast"))
			m := mustModel(t, lt)
			if got := lt.Name; got != name+".wast" {
				t.Errorf("name %q", got)
			}
			for _, o := range m.Allowed {
				if pass, ok := lt.SuiteCheck(o); !ok || !pass {
					t.Errorf("allowed outcome %s fails the script's check (%s)", lt.Format(o), lt.suiteCheck(o))
				}
			}
			if lt.AllAtomic() != strings.HasSuffix(name, "_atomic") {
				t.Errorf("AllAtomic = %v", lt.AllAtomic())
			}
			if !lt.AllAtomic() {
				return
			}
			// Every combination of the values seen in allowed outcomes,
			// plus 0 and a value nobody writes.
			vals := map[uint64]bool{0: true, 7: true}
			for _, o := range m.Allowed {
				for _, v := range o {
					vals[v] = true
				}
			}
			combos := []Outcome{{}}
			for range lt.Observe {
				var next []Outcome
				for _, c := range combos {
					for v := range vals {
						next = append(next, append(append(Outcome{}, c...), v))
					}
				}
				combos = next
			}
			for _, o := range combos {
				pass, _ := lt.SuiteCheck(o)
				if sc := m.Verdict(o) == SC; pass != sc {
					t.Errorf("%s: script's check says %v, model says %v", lt.Format(o), pass, m.Verdict(o))
				}
			}
		})
	}
}

// A lifted script's threads are the functions' memory instructions, with
// locations named by address.
func TestWastLift(t *testing.T) {
	lt, err := ParseWast(ir.NewSource("mp.wast", []byte(`(module $Mem (memory (export "shared") 1 1 shared))
(register "mem")
(thread $T1 (shared (module $Mem))
  (register "mem" $Mem)
  (module (memory (import "mem" "shared") 1 1 shared)
    (func (export "run")
      (i32.store (i32.const 0) (i32.const 42))
      (atomic.fence)
      (i64.atomic.store offset=8 (i32.const 0) (i64.const 1))))
  (invoke "run"))
(thread $T2 (shared (module $Mem))
  (register "mem" $Mem)
  (module (memory (import "mem" "shared") 1 1 shared)
    (func (export "run") (local i64 i32)
      (local.set 0 (i64.atomic.load (i32.const 8)))
      (local.set 1 (i32.load (i32.const 0)))
      (i64.store (i32.const 24) (local.get 0))
      (i32.store (i32.const 32) (local.tee 1 (local.get 1)))))
  (invoke "run"))
(wait $T1)
(wait $T2)
(module $Check (memory (import "mem" "shared") 1 1 shared)
  (func (export "check") (result i32)
    (i32.and (i64.eq (i64.load (i32.const 24)) (i64.const 1)) (i32.eq (i32.load (i32.const 32)) (i32.const 0)))))
(assert_return (invoke $Check "check") (i32.const 0))
`), false))
	if err != nil {
		t.Fatalf("%s", ir.Format(err))
	}
	var got []string
	for i := range lt.Threads {
		th := &lt.Threads[i]
		for j := range th.Instrs {
			got = append(got, th.Name+": "+lt.instrString(th, &th.Instrs[j]))
		}
	}
	want := []string{
		"T1: i32.store [0] 42",
		"T1: atomic.fence",
		"T1: i64.atomic.store [8] 1",
		"T2: r0 = i64.atomic.load [8]",
		"T2: r1 = i32.load [0]",
		"T2: i64.store [24] r0",
		"T2: i32.store [32] r1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lifted (-want +got):\n%s", diff)
	}
	m := mustModel(t, lt)
	var sets []string
	for _, o := range m.Allowed {
		pass, _ := lt.SuiteCheck(o)
		sets = append(sets, lt.Format(o)+" "+m.Verdict(o).String()+map[bool]string{true: " pass", false: " FAIL"}[pass])
	}
	// The check asserts that "flag seen, data missed" does not happen: the
	// fences make it forbidden, and the other outcomes pass.
	wantSets := []string{"[24]=0 [32]=0 SC pass", "[24]=0 [32]=42 SC pass", "[24]=1 [32]=42 SC pass"}
	if diff := cmp.Diff(wantSets, sets); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	h, err := Run(context.Background(), lt, m, Options{Runs: 200})
	if err != nil || h.Forbidden() != 0 {
		t.Errorf("run: %v, %d forbidden", err, h.Forbidden())
	}
}

// Scripts that are not litmus tests are refused at the construct that
// does not fit.
func TestWastErrors(t *testing.T) {
	mem := "(module $Mem (memory (export \"shared\") 1 1 shared))\n"
	thread := func(body string) string {
		return mem + "(thread $T (shared (module $Mem)) (register \"mem\" $Mem)\n" +
			"  (module (memory (import \"mem\" \"shared\") 1 1 shared) (func (export \"run\") (local i32)\n" + body + "))\n" +
			"  (invoke \"run\"))\n"
	}
	for _, c := range []struct{ src, want string }{
		{"(module (func))", "x.wast:1:1: not a litmus script: the first module must define one shared memory"},
		{thread("(loop (br 0))"), "x.wast:4:2: loop: litmus threads are straight-line code (no blocks, loops or branches)"},
		{thread("(i32.store (i32.load (i32.const 0)) (i32.const 1))"), "x.wast:4:2: i32.store: the address must be a constant (litmus locations are fixed addresses)"},
		{thread("(i32.store (i32.const 0) (i32.const 1)) (i64.store (i32.const 0) (i64.const 1))"), "x.wast:4:42: i64.store: address 0 is accessed as i32 elsewhere (mixed-size accesses are not modelled)"},
		{thread("(i32.store (i32.const 8) (i32.const 1)) (i64.store (i32.const 4) (i64.const 1))"), "x.wast:4:42: i64.store: address 4 is not aligned to 8 bytes"},
		{thread("(i32.store8 (i32.const 0) (i32.const 1))"), "x.wast:4:2: unsupported instruction i32.store8: a location is one i32 or i64 word, sub-word accesses are not modelled"},
		{thread("(drop (i32.add (i32.const 1) (i32.const 2)))"), "x.wast:4:8: unsupported instruction i32.add: litmus threads are loads, stores, RMWs, fences, wait and notify over constant addresses"},
		{mem + "(assert_return (invoke \"f\"))", "x.wast:2:1: not a litmus script: only the final check may be asserted outside threads"},
		{mem, "x.wast: not a litmus script: no threads"},
	} {
		_, err := ParseWast(ir.NewSource("x.wast", []byte(c.src), false))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s\n got %v\nwant %s", c.src, err, c.want)
		}
	}
}

// The suite's scripts that are not litmus tests are refused, not run.
func TestWastSuiteNonLitmus(t *testing.T) {
	dir := testsuite.Dir(t)
	for _, name := range []string{"wait_notify", "atomic", "thread"} {
		data, err := os.ReadFile(filepath.Join(dir, "threads", name+".wast"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseWast(ir.NewSource(name+".wast", data, false)); err == nil {
			t.Errorf("%s.wast accepted as a litmus test", name)
		}
	}
}
