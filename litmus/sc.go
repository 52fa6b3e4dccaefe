package litmus

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// The sequentially consistent outcomes, by exhaustive interleaving.
//
// Every instruction is one indivisible step of one thread, memory is a map
// from location to value, and every interleaving of the threads' steps is
// tried (depth first, remembering visited states, so equal states reached
// by different schedules are explored once). Threads are straight-line
// code, so the enumeration is exact: it finds every SC outcome and nothing
// else.
//
// Wait and notify follow the threads proposal: a wait whose value differs
// returns 1 at once; otherwise the thread joins the location's FIFO queue
// and is suspended until a notify removes it (result 0) or, with a finite
// timeout, until it gives up (result 2) at any later point of the schedule.
// A state in which some threads are suspended forever and nobody else can
// move is a deadlock: the test is refused, since running it could hang.

// maxSCStates bounds the enumeration.
const maxSCStates = 4_000_000

type scState struct {
	pc      []int
	regs    [][]uint64
	mem     []uint64
	waiting []bool  // suspended in a wait (in a queue)
	queues  [][]int // per location: waiting threads, oldest first
}

func (s *scState) clone() *scState {
	c := &scState{
		pc:      append([]int(nil), s.pc...),
		regs:    make([][]uint64, len(s.regs)),
		mem:     append([]uint64(nil), s.mem...),
		waiting: append([]bool(nil), s.waiting...),
		queues:  make([][]int, len(s.queues)),
	}
	for i := range s.regs {
		c.regs[i] = append([]uint64(nil), s.regs[i]...)
	}
	for i := range s.queues {
		c.queues[i] = append([]int(nil), s.queues[i]...)
	}
	return c
}

func (s *scState) key() string {
	var b []byte
	for i := range s.pc {
		b = binary.AppendUvarint(b, uint64(s.pc[i]))
		if s.waiting[i] {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		for _, r := range s.regs[i] {
			b = binary.AppendUvarint(b, r)
		}
	}
	for _, v := range s.mem {
		b = binary.AppendUvarint(b, v)
	}
	for _, q := range s.queues {
		b = binary.AppendUvarint(b, uint64(len(q)))
		for _, th := range q {
			b = append(b, byte(th))
		}
	}
	return string(b)
}

type scEnum struct {
	t        *Test
	seen     map[string]bool
	outcomes map[string]Outcome
	path     []string // the schedule so far, for deadlock reports
	err      error
}

// SCOutcomes returns the outcomes of t under sequential consistency, sorted.
// It fails if some schedule deadlocks or the test is too large.
func SCOutcomes(t *Test) ([]Outcome, error) {
	e := &scEnum{t: t, seen: map[string]bool{}, outcomes: map[string]Outcome{}}
	s := &scState{
		pc:      make([]int, len(t.Threads)),
		regs:    make([][]uint64, len(t.Threads)),
		mem:     make([]uint64, len(t.Locs)),
		waiting: make([]bool, len(t.Threads)),
		queues:  make([][]int, len(t.Locs)),
	}
	for i, th := range t.Threads {
		s.regs[i] = make([]uint64, len(th.Regs))
	}
	for i, l := range t.Locs {
		s.mem[i] = l.Init
	}
	e.explore(s)
	if e.err != nil {
		return nil, e.err
	}
	return sortedOutcomes(t, e.outcomes), nil
}

func (e *scEnum) explore(s *scState) {
	if e.err != nil {
		return
	}
	k := s.key()
	if e.seen[k] {
		return
	}
	if len(e.seen) >= maxSCStates {
		e.err = fmt.Errorf("%s: too many states to enumerate (more than %d)", e.t.Name, maxSCStates)
		return
	}
	e.seen[k] = true
	moved, done := false, true
	for th := range e.t.Threads {
		code := e.t.Threads[th].Instrs
		if s.pc[th] >= len(code) {
			continue
		}
		done = false
		in := &code[s.pc[th]]
		if s.waiting[th] {
			if in.waitForever() {
				continue
			}
			// Give up waiting: leave the queue, return 2.
			n := s.clone()
			n.waiting[th] = false
			n.queues[in.Loc] = remove(n.queues[in.Loc], th)
			n.finish(th, in, 2)
			e.path = append(e.path, fmt.Sprintf("%s times out", e.t.Threads[th].Name))
			e.explore(n)
			e.path = e.path[:len(e.path)-1]
			moved = true
			continue
		}
		n := s.clone()
		e.step(n, th, in)
		e.path = append(e.path, e.t.Threads[th].Name+": "+e.t.instrString(&e.t.Threads[th], in))
		e.explore(n)
		e.path = e.path[:len(e.path)-1]
		moved = true
	}
	if done {
		o := e.t.outcomeOf(s.regs, s.mem)
		e.outcomes[o.key()] = o
		return
	}
	if !moved {
		var blocked []string
		for th, w := range s.waiting {
			if w {
				blocked = append(blocked, e.t.Threads[th].Name)
			}
		}
		e.err = fmt.Errorf("%s: can deadlock: %s wait forever after %s; give the wait a timeout or make sure a notify follows",
			e.t.Name, strings.Join(blocked, " and "), strings.Join(e.path, "; "))
	}
}

func remove(q []int, th int) []int {
	for i, x := range q {
		if x == th {
			return append(q[:i:i], q[i+1:]...)
		}
	}
	return q
}

// finish sets the instruction's result and moves past it.
func (s *scState) finish(th int, in *Instr, v uint64) {
	if in.Dst >= 0 {
		s.regs[th][in.Dst] = v
	}
	s.pc[th]++
}

func (s *scState) operand(th int, a Operand) uint64 {
	if a.Reg >= 0 {
		return s.regs[th][a.Reg]
	}
	return a.Const
}

// step runs one instruction of thread th (not suspended) on s.
func (e *scEnum) step(s *scState, th int, in *Instr) {
	m := mask(in.Type)
	switch in.Kind {
	case Load:
		s.finish(th, in, s.mem[in.Loc])
	case Store:
		s.mem[in.Loc] = s.operand(th, in.Args[0]) & m
		s.finish(th, in, 0)
	case RMW:
		old := s.mem[in.Loc]
		s.mem[in.Loc] = in.Op.apply(old, s.operand(th, in.Args[0])) & m
		s.finish(th, in, old)
	case Cmpxchg:
		old := s.mem[in.Loc]
		if old == s.operand(th, in.Args[0])&m {
			s.mem[in.Loc] = s.operand(th, in.Args[1]) & m
		}
		s.finish(th, in, old)
	case Fence:
		s.finish(th, in, 0)
	case Wait:
		if s.mem[in.Loc] != s.operand(th, in.Args[0])&m {
			s.finish(th, in, 1)
			return
		}
		s.waiting[th] = true
		s.queues[in.Loc] = append(s.queues[in.Loc], th)
	case Notify:
		count := uint64(uint32(in.Args[0].Const))
		n := uint64(0)
		for n < count && len(s.queues[in.Loc]) > 0 {
			w := s.queues[in.Loc][0]
			s.queues[in.Loc] = s.queues[in.Loc][1:]
			s.waiting[w] = false
			s.finish(w, &e.t.Threads[w].Instrs[s.pc[w]], 0)
			n++
		}
		s.finish(th, in, n)
	}
}

// outcomeOf reads the observed registers and locations.
func (t *Test) outcomeOf(regs [][]uint64, mem []uint64) Outcome {
	o := make(Outcome, len(t.Observe))
	for i, obs := range t.Observe {
		if obs.Thread >= 0 {
			o[i] = regs[obs.Thread][obs.Index]
		} else {
			o[i] = mem[obs.Index]
		}
	}
	return o
}
