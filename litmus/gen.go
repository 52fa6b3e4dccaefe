package litmus

import (
	"fmt"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// Wasm text for a test's threads. The runner and the .wast emitter both
// render each instruction as one folded wasm instruction on an address
// base plus a per-location offset, so that what runs is the test's own
// instruction sequence, nothing more.

// regLocal is the wasm local holding register r.
func regLocal(th *Thread, r int) string { return "$r." + th.Regs[r].Name }

func valType(t ir.ValType) string {
	if t == ir.I64 {
		return "i64"
	}
	return "i32"
}

// constExpr renders a constant of width t.
func constExpr(v uint64, t ir.ValType) string {
	if t == ir.I64 {
		return fmt.Sprintf("(i64.const %d)", int64(v))
	}
	return fmt.Sprintf("(i32.const %d)", int32(uint32(v)))
}

func operandExpr(th *Thread, a Operand, t ir.ValType) string {
	if a.Reg >= 0 {
		return "(local.get " + regLocal(th, a.Reg) + ")"
	}
	return constExpr(a.Const, t)
}

// instrText renders in as a folded instruction. base is the address
// expression and off the location's offset from it.
func (t *Test) instrText(th *Thread, in *Instr, base string, off int) string {
	addr := base
	memarg := ""
	if off != 0 {
		memarg = fmt.Sprintf(" offset=%d", off)
	}
	var args []string
	for i, a := range in.Args {
		ty := in.argType()
		if in.Kind == Wait && i == 1 {
			ty = ir.I64
		}
		args = append(args, operandExpr(th, a, ty))
	}
	var e string
	switch in.Kind {
	case Fence:
		return "(atomic.fence)"
	case Store:
		return fmt.Sprintf("(%s%s %s %s)", in.opName(), memarg, addr, args[0])
	default:
		e = fmt.Sprintf("(%s%s %s", in.opName(), memarg, addr)
		for _, a := range args {
			e += " " + a
		}
		e += ")"
	}
	if in.Dst >= 0 {
		return fmt.Sprintf("(local.set %s %s)", regLocal(th, in.Dst), e)
	}
	return "(drop " + e + ")"
}

// regDecls declares the thread's registers as locals.
func regDecls(th *Thread) string {
	var b strings.Builder
	for r, reg := range th.Regs {
		fmt.Fprintf(&b, " (local %s %s)", regLocal(th, r), valType(reg.Type))
	}
	return b.String()
}

// Fault is a deliberate defect injected into the compiled test, for testing
// that the verdicts catch a broken memory.
type Fault uint8

const (
	NoFault Fault = iota
	// LoseStore drops the first store of the first thread that has one in
	// every even-numbered round, as a memory that loses writes would.
	LoseStore
)

// layout places a batch of instances of a test in one shared memory:
//
//	0      barrier arrival counter      (own cache line)
//	64     barrier generation           (own cache line)
//	128    number of threads asleep in the barrier
//	256    delay table: batch × threads i32 spin counts
//	inst   instances: batch × locations, each location on its own line
//	res    results: batch × registers, 8 bytes each
type layout struct {
	batch, threads int
	locStride      int // bytes between locations of one instance
	instStride     int
	nregs          int   // registers of all threads
	regBase        []int // per thread: index of its first register
	delay          int
	inst           int
	res            int
	pages          int
}

const (
	ctrlCount    = 0
	ctrlGen      = 64
	ctrlSleepers = 128
	delayBase    = 256
)

func newLayout(t *Test, batch, locStride int) layout {
	l := layout{batch: batch, threads: len(t.Threads), locStride: locStride}
	l.instStride = locStride * len(t.Locs)
	for _, th := range t.Threads {
		l.regBase = append(l.regBase, l.nregs)
		l.nregs += len(th.Regs)
	}
	l.delay = delayBase
	l.inst = alignUp(l.delay+4*batch*l.threads, 4096)
	l.res = alignUp(l.inst+l.instStride*batch, 64)
	end := l.res + 8*l.nregs*batch
	l.pages = (end + ir.PageSize - 1) / ir.PageSize
	if l.pages == 0 {
		l.pages = 1
	}
	return l
}

func alignUp(n, a int) int { return (n + a - 1) / a * a }

// harness renders the runner's module: one shared memory and, per thread,
// an exported function "p<i>"(first, end) that runs rounds first..end-1:
// meet the other threads at a barrier, spin for the round's delay, run the
// thread's instructions on the round's instance, store its registers.
//
// The barrier spins (threads stay hot, so their accesses overlap), and
// falls back to memory.atomic.wait32 after spin checks so that more threads
// than processors still make progress.
func (t *Test) harness(l layout, spin int, stagger bool, fault Fault) string {
	var b strings.Builder
	fmt.Fprintf(&b, "(module\n  (memory (export \"mem\") %d %d shared)\n", l.pages, l.pages)
	faultThread := -1
	if fault == LoseStore {
		for i, th := range t.Threads {
			for _, in := range th.Instrs {
				if in.Kind == Store && faultThread < 0 {
					faultThread = i
				}
			}
		}
	}
	for i := range t.Threads {
		th := &t.Threads[i]
		fmt.Fprintf(&b, "  (func (export \"p%d\") (param $k i32) (param $end i32)\n", i)
		fmt.Fprintf(&b, "    (local $a i32) (local $g i32) (local $s i32) (local $d i32)%s\n", regDecls(th))
		b.WriteString("    (block $exit (loop $round\n")
		b.WriteString("      (br_if $exit (i32.ge_u (local.get $k) (local.get $end)))\n")
		fmt.Fprintf(&b, `      (local.set $g (i32.atomic.load (i32.const %[1]d)))
      (if (i32.eq (i32.atomic.rmw.add (i32.const %[2]d) (i32.const 1)) (i32.const %[3]d))
        (then
          (i32.atomic.store (i32.const %[2]d) (i32.const 0))
          (i32.atomic.store (i32.const %[1]d) (i32.add (local.get $g) (i32.const 1)))
          (if (i32.atomic.load (i32.const %[4]d))
            (then (drop (memory.atomic.notify (i32.const %[1]d) (i32.const -1))))))
        (else
          (local.set $s (i32.const %[5]d))
          (block $go (loop $spin
            (br_if $go (i32.ne (i32.atomic.load (i32.const %[1]d)) (local.get $g)))
            (if (local.get $s) (then (local.set $s (i32.sub (local.get $s) (i32.const 1))) (br $spin)))
            (drop (i32.atomic.rmw.add (i32.const %[4]d) (i32.const 1)))
            (drop (memory.atomic.wait32 (i32.const %[1]d) (local.get $g) (i64.const -1)))
            (drop (i32.atomic.rmw.sub (i32.const %[4]d) (i32.const 1)))
            (br $spin)))))
`, ctrlGen, ctrlCount, l.threads-1, ctrlSleepers, spin)
		if stagger {
			fmt.Fprintf(&b, `      (local.set $d (i32.load offset=%d (i32.mul (local.get $k) (i32.const %d))))
      (block $dd (loop $dl
        (br_if $dd (i32.eqz (local.get $d)))
        (local.set $d (i32.sub (local.get $d) (i32.const 1)))
        (br $dl)))
`, l.delay+4*i, 4*l.threads)
		}
		fmt.Fprintf(&b, "      (local.set $a (i32.add (i32.const %d) (i32.mul (local.get $k) (i32.const %d))))\n", l.inst, l.instStride)
		lost := false
		for j := range th.Instrs {
			in := &th.Instrs[j]
			text := t.instrText(th, in, "(local.get $a)", in.Loc*l.locStride)
			if i == faultThread && in.Kind == Store && !lost {
				lost = true
				text = "(if (i32.and (local.get $k) (i32.const 1)) (then " + text + "))"
			}
			b.WriteString("      " + text + "\n")
		}
		if len(th.Regs) > 0 {
			fmt.Fprintf(&b, "      (local.set $a (i32.add (i32.const %d) (i32.mul (local.get $k) (i32.const %d))))\n", l.res, 8*l.nregs)
			for r := range th.Regs {
				b.WriteString("      " + storeReg(th, r, "(local.get $a)", 8*(l.regBase[i]+r)) + "\n")
			}
		}
		b.WriteString("      (local.set $k (i32.add (local.get $k) (i32.const 1)))\n")
		b.WriteString("      (br $round)))\n  )\n")
	}
	b.WriteString(")\n")
	return b.String()
}

// storeReg stores register r at base+off (an i32 register in 4 bytes, an
// i64 in 8).
func storeReg(th *Thread, r int, base string, off int) string {
	op := "i32.store"
	if th.Regs[r].Type == ir.I64 {
		op = "i64.store"
	}
	memarg := ""
	if off != 0 {
		memarg = fmt.Sprintf(" offset=%d", off)
	}
	return fmt.Sprintf("(%s%s %s (local.get %s))", op, memarg, base, regLocal(th, r))
}
