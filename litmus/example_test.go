package litmus_test

import (
	"fmt"
	"strings"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/litmus"
)

// What the memory model says about store buffering: the outcomes
// sequential consistency gives, and the one the races of non-atomic
// accesses allow besides, which atomic accesses forbid. (litmus.Run then
// runs a test on the interpreter and counts what really happens.)
func ExampleNewModel() {
	const sb = `WASM SB
{ x=0; y=0; }
 P0              | P1              ;
 i32.store x 1   | i32.store y 1   ;
 r0 = i32.load y | r1 = i32.load x ;
exists (0:r0=0 /\ 1:r1=0)`
	for _, text := range []string{sb, strings.NewReplacer("i32.", "i32.atomic.", "SB", "SB_atomic").Replace(sb)} {
		test, err := litmus.Parse(ir.NewSource("SB.litmus", []byte(text), false))
		if err != nil {
			panic(err)
		}
		m, err := litmus.NewModel(test)
		if err != nil {
			panic(err)
		}
		fmt.Println(test.Name)
		for _, o := range m.Allowed {
			fmt.Printf("  %s: %v\n", test.Format(o), m.Verdict(o))
		}
		fmt.Println("  exists:", m.CondVerdict())
	}
	// Output:
	// SB
	//   0:r0=0 1:r1=0: allowed (racy non-atomic)
	//   0:r0=0 1:r1=1: SC
	//   0:r0=1 1:r1=0: SC
	//   0:r0=1 1:r1=1: SC
	//   exists: allowed (racy non-atomic)
	// SB_atomic
	//   0:r0=0 1:r1=1: SC
	//   0:r0=1 1:r1=0: SC
	//   0:r0=1 1:r1=1: SC
	//   exists: forbidden
}
