// Package litmus runs memory-model litmus tests on watt's interpreter and
// judges every outcome against the WebAssembly threads memory model.
//
// A litmus test is a few threads of straight-line memory instructions
// over named shared locations. The package computes what the memory model
// says about it, runs it many times on real goroutines over one shared
// memory, and counts how often each outcome occurs:
//
//	m, _ := litmus.NewModel(test)                      // SC and allowed outcomes
//	h, _ := litmus.Run(ctx, test, m, litmus.Options{Runs: 100_000})
//	h.Print(os.Stdout, false)                          // outcome, count, %, verdict
//
// # The text format
//
// Tests are written as litmus7 writes them, with wasm instructions in the
// cells (testdata/litmus/ holds the catalogue):
//
//	WASM SB  (* comments like this, anywhere *)
//	"Store buffering."
//	{ x=0; y=0; }
//	 P0              | P1              ;
//	 i32.store x 1   | i32.store y 1   ;
//	 r0 = i32.load y | r1 = i32.load x ;
//	exists (0:r0=0 /\ 1:r1=0)
//
// The header names the test; the optional string documents it; the braces
// give initial values (unlisted locations start at 0; "i64 x=…" makes a
// 64-bit location). The table's first row names the threads P0, P1, …; each
// further row holds one instruction (or nothing) per thread:
//
//	r = i32.load x            r = i32.atomic.load x       (i64.… likewise)
//	i32.store x v             i32.atomic.store x v
//	[r =] i32.atomic.rmw.OP x v                          OP: add sub and or xor xchg
//	[r =] i32.atomic.rmw.cmpxchg x expected replacement
//	atomic.fence
//	[r =] memory.atomic.wait32 x expected timeout-ns     (wait64 on i64 locations; -1: forever)
//	[r =] memory.atomic.notify x count
//
// Values are constants or registers assigned earlier in the same thread;
// each register is assigned once. Every location is one aligned word, and
// all accesses to it have its width. "locations [x; y]" adds final values
// of locations to the outcome, which otherwise is every register; the
// question "exists C", "~exists C" or "forall C" uses N:reg=v and loc=v
// atoms with /\ (and), \/ (or), ~ (not) and parentheses, and any location
// it names is observed too.
//
// ParseWast reads the threads suite's litmus scripts (MP.wast, SB.wast,
// LB.wast and their _atomic variants) directly, lifting each thread's
// function into the same instructions; see wast.go.
//
// # Verdicts
//
// Each outcome gets one of three verdicts:
//
//   - SC: some interleaving of the threads produces it. SCOutcomes finds
//     them all by exhaustive interleaving (threads are straight-line, so
//     this is exact), wait and notify included.
//   - Racy ("allowed (racy non-atomic)"): not SC, but allowed by the weak
//     model because non-atomic accesses race. The model (model.go) is the
//     JavaScript memory model's axioms, on which the threads proposal's
//     model is built: sequentially consistent atomics, coherent reads only
//     with respect to happens-before, no ordering for racing non-atomic
//     accesses. Every racy outcome comes with a witness execution listing
//     its data races.
//   - Forbidden: neither. An engine that produces one is broken.
//
// When every access to a shared location is atomic, the allowed outcomes
// are exactly the SC ones: wasm atomics are sequentially consistent
// (threads proposal Overview, "Atomic Memory Accesses"). Such tests never
// consult the weak model, so a non-SC outcome of an atomic test is always
// forbidden. (The tests also check that the weak model, asked anyway, agrees.)
//
// For non-atomic accesses the model is deliberately the language-level
// one, weaker than any hardware: racing reads of one location need not be
// coherent, so CoRR, CoRW and CoWR have racy outcomes that x86 and ARM
// never show for aligned words, because compilers may reorder or merge
// non-atomic accesses (the JS model allows it, and wasm engines compile
// wasm with such compilers). What survives a race is happens-before:
// program order between two writes (CoWW), a read never seeing its own
// thread's later write, and whatever fences or atomics synchronize.
// atomic.fence is an atomic read-modify-write of a location only fences
// use (which is how watt implements it), so two fences synchronize in the
// order they run: with fences, MP, SB, LB, R, S, 2+2W and ISA2 are SC
// only, while IRIW and WRC stay racy, since a non-atomic write that no
// fence follows is never synchronized with. Values never come out of thin
// air: cyclic value dependencies are excluded.
//
// # Running
//
// Run compiles the test into one wasm module (text, parsed by package wat,
// validated and compiled by package interp: the real interpreter and its
// real shared memory), with one exported function per thread. A batch of
// rounds (Options.Batch) is laid out in one shared memory, each round on
// its own fresh copy of the locations, each location on its own cache
// line; the threads start once per batch, on goroutines (optionally
// pinned to CPUs), and meet at a spin barrier before every round, then
// spin a random 0..Options.Stagger iterations so that many relative
// timings are tried. After each batch the registers and final values are
// read back and counted. A time limit, a cancelled context or a trap stops
// the run, never a hang: waits are interrupted, and a test that could
// deadlock is refused before it runs.
//
// Options.Fault injects a defect (a store lost every other round) into the
// compiled code, to test that the verdicts catch a broken memory.
//
// EmitWast writes a test as a .wast script with (thread …), (wait …) and
// an (either …) assertion over the allowed outcomes, so that other engines
// can run the catalogue; WriteSVG draws histograms as bar charts.
package litmus
