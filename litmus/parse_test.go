package litmus

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/watt-wasm/watt/ir"
)

func TestParse(t *testing.T) {
	lt := mustParse(t, `WASM All+kinds (* every instruction form *)
"A comment
 on two lines."
{ x=0; i64 w=-2; f=0; }
 P0                                 | P1                                ;
 i32.store x 0x10                   | r0 = i64.atomic.rmw.sub w 1       ;
 r1 = i32.atomic.load x             | r1 = i64.atomic.rmw.cmpxchg w r0 5 ;
 atomic.fence                       | i64.store w r1                    ;
 r2 = memory.atomic.wait32 f 0 1000 | r2 = memory.atomic.notify f 2     ;
 i32.atomic.rmw.xchg x r1           |                                   ;
locations [w; f]
~exists (0:r1=16 /\ ~(1:r0=-2 \/ w=3))
`)
	if lt.Name != "All+kinds" || lt.Doc != "A comment on two lines." {
		t.Errorf("name %q doc %q", lt.Name, lt.Doc)
	}
	var got []string
	for i := range lt.Threads {
		th := &lt.Threads[i]
		for j := range th.Instrs {
			got = append(got, th.Name+": "+lt.instrString(th, &th.Instrs[j]))
		}
	}
	want := []string{
		"P0: i32.store x 16",
		"P0: r1 = i32.atomic.load x",
		"P0: atomic.fence",
		"P0: r2 = memory.atomic.wait32 f 0 1000",
		"P0: i32.atomic.rmw.xchg x r1",
		"P1: r0 = i64.atomic.rmw.sub w 1",
		"P1: r1 = i64.atomic.rmw.cmpxchg w r0 5",
		"P1: i64.store w r1",
		"P1: r2 = memory.atomic.notify f 2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instructions (-want +got):\n%s", diff)
	}
	if w := lt.Locs[1]; w.Name != "w" || w.Type != ir.I64 || int64(w.Init) != -2 {
		t.Errorf("location w: %+v", w)
	}
	var obs []string
	for _, o := range lt.Observe {
		obs = append(obs, lt.ObsName(o))
	}
	if diff := cmp.Diff([]string{"0:r1", "0:r2", "1:r0", "1:r1", "1:r2", "w", "f"}, obs); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
	if got := lt.Cond.Format(lt); got != `~exists (0:r1=16 /\ ~(1:r0=-2 \/ w=3))` {
		t.Errorf("condition %s", got)
	}
	// The non-atomic stores are to locations only their own thread uses:
	// nothing can race.
	if !lt.AllAtomic() {
		t.Error("AllAtomic false, but no shared location has a non-atomic access")
	}
}

// Bad input is refused with the position of the mistake and a message
// that says what was expected.
func TestParseErrors(t *testing.T) {
	head := "WASM T\n{ x=0; y=0; }\n P0 | P1 ;\n"
	for _, c := range []struct{ src, want string }{
		{"", `test.litmus:1:1: expected the header "WASM <name>", got end of file`},
		{"X86 SB\n", `test.litmus:1:1: expected the header "WASM <name>", got "X86"`},
		{"WASM SB\n{ x=0 y=0; }", `test.litmus:2:7: expected ';' or '}' after the initial value, got "y"`},
		{"WASM SB\n{ x=0; x=1; }", `test.litmus:2:8: location x is initialised twice`},
		{"WASM T\n{}\n P0 | P2 ;\n", `test.litmus:3:7: thread 1 must be called P1, not P2`},
		{head + " i32.store x 1 ;\n", `test.litmus:4:2: row has 1 cells, want 2 (one per thread)`},
		{head + " i32.store x 1 | i32.store y 1 | i32.store y 2 ;\n", `test.litmus:4:2: row has more than 2 cells`},
		{head + " i32.lod x | ;\n", `test.litmus:4:2: unknown instruction i32.lod (loads, stores, atomic RMWs, cmpxchg, atomic.fence, memory.atomic.wait32/64 and notify)`},
		{head + " r0 = i32.load8_u x | ;\n", `test.litmus:4:7: unsupported instruction i32.load8_u: a location is one i32 or i64 word, sub-word accesses are not modelled`},
		{head + " i32.load x | ;\n", `test.litmus:4:2: i32.load needs a destination register: r0 = i32.load …`},
		{head + " r0 = i32.store x 1 | ;\n", `test.litmus:4:2: i32.store has no result to assign`},
		{head + " i32.store x r9 | ;\n", `test.litmus:4:14: register r9 is used before it is assigned in P0`},
		{head + " r0 = i32.load x | ;\n r0 = i32.load y | ;\n", `test.litmus:5:2: register r0 is assigned twice (use a new register for each result)`},
		{head + " r0 = i32.load x | i64.store x 1 ;\n", `test.litmus:4:30: location x is i32, but this access is i64 (mixed-size accesses are not modelled)`},
		{head + " i32.store x 4294967296 | ;\n", `test.litmus:4:14: constant out of range for i32`},
		{head + " r0 = memory.atomic.wait32 x 0 r0 | ;\n", `test.litmus:4:32: the timeout of memory.atomic.wait32 must be a constant`},
		{head + " r0 = memory.atomic.wait32 x r5 1 | ;\n", `test.litmus:4:30: register r5 is used before it is assigned in P0`},
		{head + " r0 = i32.load x | ;\n r1 = memory.atomic.wait32 x 0 r0 | ;\n", `test.litmus:5:32: the timeout of memory.atomic.wait32 must be a constant`},
		{head + " r0 = memory.atomic.notify x 1 | r1 = i32.load y ;\n i32.store y r0 | ;\n", `test.litmus:5:2: register r0 holds a notify count: it can only be stored to a location nothing else accesses`},
		{head + " i32.store x 1 | ;\nexists (1:r0=1)", `test.litmus:5:11: thread 1 has no register r0`},
		{head + " i32.store x 1 | ;\nexists (z=1)", `test.litmus:5:9: unknown location z (registers are written N:reg)`},
		{head + " i32.store x 1 | ;\nexists (x=1", `test.litmus:5:12: expected ")", got end of file`},
		{head + " i32.store x 1 | ;\n", `test.litmus: test T observes nothing: assign a register or list locations [x]`},
		{head + " (* open", `test.litmus:4:2: unterminated comment`},
		{head + " i32.store x 1 @ | ;\n", `test.litmus:4:16: unexpected character '@'`},
	} {
		_, err := Parse(ir.NewSource("test.litmus", []byte(c.src), false))
		if err == nil {
			t.Errorf("%q: no error, want %s", c.src, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.src, err, c.want)
		}
	}
}

func TestParseTooLarge(t *testing.T) {
	src := "WASM Big\n{ x=0; }\n P0 ;\n"
	for i := 0; i <= MaxInstrs; i++ {
		src += " i32.store x 1 ;\n"
	}
	_, err := Parse(ir.NewSource("big.litmus", []byte(src), false))
	if err == nil || err.Error() != "big.litmus:20:2: at most 16 instructions per thread" {
		t.Errorf("got %v", err)
	}
}

// An initial value that does not fit the location's width, which only the
// accesses decide, is reported at the value.
func TestParseInitRange(t *testing.T) {
	_, err := Parse(ir.NewSource("t.litmus", []byte("WASM T\n{ x=4294967296; }\n P0 ;\n r0 = i32.load x ;\n"), false))
	if err == nil || err.Error() != "t.litmus:2:5: constant out of range for i32" {
		t.Errorf("got %v", err)
	}
}
