package interp_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
)

// Every failure of running code comes back as an *ir.Error that wraps the
// *interp.Trap: errors.As finds it, with the spec's message, the function
// and the position.
func TestErrorsAsTrap(t *testing.T) {
	inst := instantiate(t, `(module
  (func $div (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $deep (export "deep") (call $deep))
  (func (export "loop") (loop $l (br $l))))`)

	_, err := inst.Call(context.Background(), "div", interp.I32(1), interp.I32(0))
	var trap *interp.Trap
	if !errors.As(err, &trap) {
		t.Fatalf("errors.As(%v, *Trap) = false", err)
	}
	if trap.Kind != ir.Trap || trap.Msg != "integer divide by zero" || trap.Func != "div" {
		t.Errorf("trap = %+v", trap)
	}
	if p := trap.Src.Position(trap.Pos); p.Line != 3 {
		t.Errorf("trap at %v, want line 3", p)
	}
	// The *ir.Error is still what the API documents, and says the same.
	var e *ir.Error
	if !errors.As(err, &e) || e.Kind != ir.Trap || e.Msg != "integer divide by zero (in div)" {
		t.Errorf("*ir.Error = %+v", e)
	}
	if trap.Error() != err.Error() {
		t.Errorf("trap says %q, error says %q", trap.Error(), err.Error())
	}

	_, err = inst.Call(context.Background(), "deep")
	if !errors.As(err, &trap) || trap.Kind != ir.Exhaustion || trap.Msg != "call stack exhausted" {
		t.Errorf("deep: %v, trap %+v", err, trap)
	}

	_, err = inst.Call(interp.WithFuel(context.Background(), 100), "loop")
	if !errors.As(err, &trap) || trap.Kind != ir.Exhaustion || trap.Msg != "fuel exhausted" {
		t.Errorf("fuel: %v, trap %+v", err, trap)
	}

	// Cancellation stops a running call with a trap too.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err = inst.Call(ctx, "loop")
	if !errors.As(err, &trap) || !strings.HasPrefix(trap.Msg, "interrupted") {
		t.Errorf("cancelled: %v, trap %+v", err, trap)
	}
}

// A start function's trap fails instantiation (Uninstantiable), and the
// trap is still found.
func TestErrorsAsTrapStart(t *testing.T) {
	_, err := interp.Instantiate(interp.NewStore(), compile(t, `(module
  (func $start unreachable)
  (start $start))`), nil)
	var e *ir.Error
	if !errors.As(err, &e) || e.Kind != ir.Uninstantiable {
		t.Fatalf("error %v, want uninstantiable", err)
	}
	var trap *interp.Trap
	if !errors.As(err, &trap) || trap.Msg != "unreachable executed" || trap.Func != "start" {
		t.Errorf("trap = %+v", trap)
	}
}
