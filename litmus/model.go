package litmus

import "fmt"

// The allowed outcomes: an axiomatic model in the style of the JavaScript
// memory model (ECMA-262 §29, "Memory Model"), on which the threads
// proposal builds its own: atomics are sequentially consistent, non-atomic
// accesses that race are weak (no coherence, no ordering), and a program
// without data races behaves sequentially consistently.
//
// Candidate executions. Each thread's instructions become events in program
// order (sb). A cmpxchg is an RMW when it succeeds and a plain atomic read
// when it fails; a wait is an atomic read of its location plus, when it
// blocks, a later resume event (woken or timed out). One initial write
// writes every location before everything; one final read per observed
// location reads after everything. A candidate picks:
//
//   - rf: for every read, the write it reads from (any write to the same
//     location, the initial one included);
//   - mo: a total order of all events extending sb (an interleaving);
//   - the branch of each cmpxchg and wait.
//
// happens-before (hb) is the transitive closure of sb; synchronizes-with
// from an atomic write to an atomic read that reads from it; the total
// order of fences (atomic.fence is an atomic RMW of a location only fences
// touch, so consecutive fences in mo synchronize, which is what watt's
// interpreter does: interp/atomic.go); the total order of the wait/notify
// critical sections of each address (the check-and-enqueue of a wait, a
// notify, a resume); and notify to the resume of each waiter it wakes.
//
// A candidate is valid when:
//
//  1. hb is contained in mo (an atomic read is after the atomic write it
//     reads from);
//  2. coherent reads (§29.7.2): no read happens before the write it reads
//     from, and no write to the location comes between them in hb;
//  3. sequentially consistent atomics (§29.7.4, for same-size accesses):
//     if R reads from W and an atomic write W' to the location lies
//     between them in mo, then not (W and R atomic), not (R atomic and W hb
//     W'), and not (W atomic and W' hb R); final reads count as atomic;
//  4. values follow rf without cycles: a value may not depend on itself
//     (out-of-thin-air results are excluded, as every practical model
//     does; the tests store constants or loaded registers);
//  5. each cmpxchg and wait took the branch its value gives, and waits,
//     notifies and timeouts respect the FIFO queue of the address.
//
// Accesses are aligned words of one width per location, so the model needs
// no tearing rules. Its outcomes contain every SC outcome; for a test whose
// accesses are all atomic they are exactly the SC outcomes (tested).

// maxModelWork bounds the search (candidate steps).
const maxModelWork = 200_000_000

type evKind uint8

const (
	evInit evKind = iota
	evRead
	evWrite
	evRMW
	evFence
	evWaitCheck
	evResume
	evNotify
	evFinal
)

type event struct {
	kind   evKind
	thread int // -1 for init and final reads
	instr  int // instruction index in the thread (-1 for init and final)
	loc    int // -1 for init and fences
	atomic bool
	// waitEq: a wait check that found the expected value (it blocks);
	// casFail: a read that is a failed cmpxchg; woken: a resume by notify.
	waitEq, casFail, woken bool
	check                  int // evResume: its wait check event
}

func (e *event) isRead() bool {
	return e.kind == evRead || e.kind == evRMW || e.kind == evWaitCheck || e.kind == evFinal
}

func (e *event) isWrite() bool { return e.kind == evWrite || e.kind == evRMW }

func (e *event) isCS() bool { return e.kind == evWaitCheck || e.kind == evResume || e.kind == evNotify }

// Witness describes one execution that produces an outcome: the data races
// in it (conflicting accesses, at least one non-atomic, unordered by
// happens-before). A non-SC outcome always has some.
type Witness struct {
	Races [][2]string // "P0: i32.store x 1", "P1: r1 = i32.load x"
}

type modelRun struct {
	t    *Test
	work int
	err  error

	outcomes  map[string]Outcome
	witness   map[string]*Witness
	hasNotify bool

	// the current candidate
	ev       []event
	threads  [][]int // event indices per thread, in sb order
	finals   []int
	evOf     [][]int // per thread, per instruction: its (first) event
	branchOf [][]int // per thread, per instruction: the branch taken (0 for most)
	rf       []int   // per read event: the write event (0 = init)
	cands    [][]int // per read event: candidate writes

	// values under the current rf
	wval   []uint64
	wstate []uint8 // 0 unknown, 1 computing, 2 known

	// the interleaving search
	pos     []int
	placed  []bool
	hb      []uint64 // events that happen before each event
	next    []int    // per thread: index of its next event
	lastF   int
	lastCS  []int
	queue   [][]int // per location: waiting threads (by check event)
	wokenBy []int   // per wait check event: the notify that woke it, -1
	nres    []uint64
	found   bool
}

// allowedOutcomes computes the model's outcomes of t with one witness each.
func allowedOutcomes(t *Test) (map[string]Outcome, map[string]*Witness, error) {
	m := &modelRun{t: t, outcomes: map[string]Outcome{}, witness: map[string]*Witness{}}
	for _, th := range t.Threads {
		for _, in := range th.Instrs {
			if in.Kind == Notify {
				m.hasNotify = true
			}
		}
	}
	// Odometer over the branches of cmpxchg (success, fail) and wait
	// (not-equal, woken, and timed-out when the timeout is finite).
	type bp struct{ th, in, n int }
	var points []bp
	branch := make([][]int, len(t.Threads))
	for i, th := range t.Threads {
		branch[i] = make([]int, len(th.Instrs))
		for j, in := range th.Instrs {
			switch in.Kind {
			case Cmpxchg:
				points = append(points, bp{i, j, 2})
			case Wait:
				n := 3
				if in.waitForever() {
					n = 2
				}
				points = append(points, bp{i, j, n})
			}
		}
	}
	for {
		m.build(branch)
		m.enumRF(0)
		if m.err != nil {
			return nil, nil, m.err
		}
		k := 0
		for ; k < len(points); k++ {
			p := points[k]
			branch[p.th][p.in]++
			if branch[p.th][p.in] < p.n {
				break
			}
			branch[p.th][p.in] = 0
		}
		if k == len(points) {
			break
		}
	}
	return m.outcomes, m.witness, nil
}

// build makes the events of one branch assignment and the candidate writes
// of every read.
func (m *modelRun) build(branch [][]int) {
	t := m.t
	m.ev = []event{{kind: evInit, thread: -1, instr: -1, loc: -1}}
	m.threads = make([][]int, len(t.Threads))
	m.evOf = make([][]int, len(t.Threads))
	m.branchOf = branch
	for i, th := range t.Threads {
		m.evOf[i] = make([]int, len(th.Instrs))
		for j := range th.Instrs {
			in := &th.Instrs[j]
			add := func(e event) int {
				e.thread, e.instr, e.loc = i, j, in.Loc
				m.ev = append(m.ev, e)
				m.threads[i] = append(m.threads[i], len(m.ev)-1)
				return len(m.ev) - 1
			}
			switch in.Kind {
			case Load:
				m.evOf[i][j] = add(event{kind: evRead, atomic: in.Atomic})
			case Store:
				m.evOf[i][j] = add(event{kind: evWrite, atomic: in.Atomic})
			case RMW:
				m.evOf[i][j] = add(event{kind: evRMW, atomic: true})
			case Cmpxchg:
				if branch[i][j] == 0 {
					m.evOf[i][j] = add(event{kind: evRMW, atomic: true})
				} else {
					m.evOf[i][j] = add(event{kind: evRead, atomic: true, casFail: true})
				}
			case Fence:
				m.evOf[i][j] = add(event{kind: evFence, atomic: true})
			case Notify:
				m.evOf[i][j] = add(event{kind: evNotify, atomic: true})
			case Wait:
				c := add(event{kind: evWaitCheck, atomic: true, waitEq: branch[i][j] != 0})
				m.evOf[i][j] = c
				if branch[i][j] != 0 {
					add(event{kind: evResume, atomic: true, woken: branch[i][j] == 1, check: c})
				}
			}
		}
	}
	m.finals = m.finals[:0]
	for _, o := range t.Observe {
		if o.Thread < 0 {
			m.ev = append(m.ev, event{kind: evFinal, thread: -1, instr: -1, loc: o.Index, atomic: true})
			m.finals = append(m.finals, len(m.ev)-1)
		}
	}
	n := len(m.ev)
	m.rf = make([]int, n)
	m.cands = make([][]int, n)
	m.nres = make([]uint64, n) // notify results, set by the search
	for r := range m.ev {
		e := &m.ev[r]
		if !e.isRead() {
			continue
		}
		m.cands[r] = m.candidates(r)
	}
}

// candidates lists the writes a read may read from, leaving out those that
// coherence excludes within one thread: later writes of the reader's own
// thread (the read would happen before them), and writes of its thread
// overwritten before the read (or the initial value, once its own thread
// wrote the location).
func (m *modelRun) candidates(r int) []int {
	e := &m.ev[r]
	var out []int
	own := -1 // the reader's thread's last write to the location before it
	lastOf := map[int]int{}
	for w := 1; w < len(m.ev); w++ {
		x := &m.ev[w]
		if !x.isWrite() || x.loc != e.loc || w == r {
			continue
		}
		if e.kind == evFinal {
			lastOf[x.thread] = w // events are in sb order per thread
			continue
		}
		if x.thread == e.thread {
			if w < r {
				own = w
			}
			continue
		}
		out = append(out, w)
	}
	if e.kind == evFinal {
		out = out[:0]
		for th := range m.t.Threads {
			if w, ok := lastOf[th]; ok {
				out = append(out, w)
			}
		}
		if len(out) == 0 {
			out = append(out, 0)
		}
		return out
	}
	if own >= 0 {
		return append([]int{own}, out...)
	}
	return append([]int{0}, out...)
}

// enumRF picks a write for every read from event i on, then checks values
// and searches for interleavings.
func (m *modelRun) enumRF(i int) {
	if m.err != nil {
		return
	}
	for i < len(m.ev) && !m.ev[i].isRead() {
		i++
	}
	if i == len(m.ev) {
		m.work++
		if m.work > maxModelWork {
			m.err = fmt.Errorf("%s: too large for the weak memory model's exhaustive search", m.t.Name)
			return
		}
		if m.values() {
			m.search()
		}
		return
	}
	for _, w := range m.cands[i] {
		m.rf[i] = w
		m.enumRF(i + 1)
	}
}

// values computes every write's value under rf and checks the branch
// conditions. It fails on cyclic (out-of-thin-air) dependencies.
func (m *modelRun) values() bool {
	n := len(m.ev)
	if cap(m.wval) < n {
		m.wval = make([]uint64, n)
		m.wstate = make([]uint8, n)
	}
	m.wval, m.wstate = m.wval[:n], m.wstate[:n]
	clear(m.wstate)
	for r := range m.ev {
		e := &m.ev[r]
		if e.thread < 0 {
			continue
		}
		in := &m.t.Threads[e.thread].Instrs[e.instr]
		if e.isWrite() {
			if _, ok := m.writeValue(r); !ok {
				return false
			}
		}
		if e.kind == evWaitCheck || in.Kind == Cmpxchg {
			old, ok := m.readValue(r)
			if !ok {
				return false
			}
			exp, ok := m.operand(e.thread, in.Args[0])
			if !ok {
				return false
			}
			equal := old == exp&mask(in.Type)
			switch {
			case e.kind == evWaitCheck && equal != e.waitEq,
				e.casFail && equal,
				e.kind == evRMW && !equal:
				return false
			}
		}
	}
	return true
}

// readValue is the value read event r gets under rf.
func (m *modelRun) readValue(r int) (uint64, bool) {
	w := m.rf[r]
	if w == 0 {
		return m.t.Locs[m.ev[r].loc].Init, true
	}
	return m.writeValue(w)
}

// writeValue is the value write event w (w > 0) stores, following register
// operands and RMW inputs back through rf; a cycle means the value would
// come from thin air.
func (m *modelRun) writeValue(w int) (uint64, bool) {
	switch m.wstate[w] {
	case 2:
		return m.wval[w], true
	case 1:
		return 0, false
	}
	m.wstate[w] = 1
	e := &m.ev[w]
	in := &m.t.Threads[e.thread].Instrs[e.instr]
	var v uint64
	ok := true
	switch in.Kind {
	case Store:
		v, ok = m.operand(e.thread, in.Args[0])
	case RMW:
		var old, arg uint64
		old, ok = m.readValue(w)
		if ok {
			arg, ok = m.operand(e.thread, in.Args[0])
		}
		v = in.Op.apply(old, arg)
	case Cmpxchg:
		v, ok = m.operand(e.thread, in.Args[1])
	}
	if !ok {
		m.wstate[w] = 0
		return 0, false
	}
	v &= mask(in.Type)
	m.wval[w], m.wstate[w] = v, 2
	return v, true
}

// operand is a constant or the value of a register: what its defining
// instruction read (or a wait's result, which its branch fixes).
func (m *modelRun) operand(th int, a Operand) (uint64, bool) {
	if a.Reg < 0 {
		return a.Const, true
	}
	return m.regValue(th, a.Reg)
}

func (m *modelRun) regValue(th, reg int) (uint64, bool) {
	code := m.t.Threads[th].Instrs
	for j := range code {
		if code[j].Dst != reg {
			continue
		}
		switch code[j].Kind {
		case Wait:
			return waitResult(m.branchOf[th][j]), true
		case Notify:
			return m.nres[m.evOf[th][j]], true
		}
		return m.readValue(m.evOf[th][j])
	}
	return 0, false
}

// waitResult maps a wait branch to the value wait returns: branch 0 is
// not-equal (1), branch 1 woken (0), branch 2 timed out (2).
func waitResult(branch int) uint64 {
	switch branch {
	case 0:
		return 1
	case 1:
		return 0
	}
	return 2
}

// search looks for interleavings (mo) that make the current candidate
// valid, recording the outcome of each. Without notify instructions the
// outcome depends only on rf and the branches, so the first valid
// interleaving settles it.
func (m *modelRun) search() {
	n := len(m.ev)
	m.pos = resize(m.pos, n)
	m.placed = resizeBool(m.placed, n)
	m.hb = resize64(m.hb, n)
	m.nres = resize64(m.nres, n)
	m.wokenBy = resize(m.wokenBy, n)
	for i := range m.pos {
		m.pos[i], m.placed[i], m.hb[i], m.wokenBy[i] = -1, false, 0, -1
	}
	m.placed[0] = true
	m.next = resize(m.next, len(m.threads))
	clear(m.next)
	m.lastF = -1
	m.lastCS = resize(m.lastCS, len(m.t.Locs))
	for i := range m.lastCS {
		m.lastCS[i] = -1
	}
	m.queue = make([][]int, len(m.t.Locs))
	m.found = false
	m.dfs(0)
}

func resize(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

func resize64(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}

func resizeBool(s []bool, n int) []bool {
	if cap(s) < n {
		return make([]bool, n)
	}
	return s[:n]
}

// dfs places the next event of some thread at mo position depth.
func (m *modelRun) dfs(depth int) {
	if m.err != nil || (m.found && !m.hasNotify) {
		return
	}
	m.work++
	if m.work > maxModelWork {
		m.err = fmt.Errorf("%s: too large for the weak memory model's exhaustive search", m.t.Name)
		return
	}
	all := true
	for th, evs := range m.threads {
		if m.next[th] == len(evs) {
			continue
		}
		all = false
		e := evs[m.next[th]]
		undo, ok := m.place(e, depth)
		if ok {
			m.next[th]++
			m.dfs(depth + 1)
			m.next[th]--
		}
		undo()
	}
	if all {
		m.leaf()
	}
}

// place puts event e at mo position depth, extending hb and checking the
// rules that can be decided now. It returns a function undoing the change.
func (m *modelRun) place(e, depth int) (undo func(), ok bool) {
	x := &m.ev[e]
	savedF := m.lastF
	savedCS := -1
	if x.isCS() {
		savedCS = m.lastCS[x.loc]
	}
	var savedQ []int
	if x.kind == evWaitCheck || x.kind == evNotify || x.kind == evResume {
		savedQ = append([]int(nil), m.queue[x.loc]...)
	}
	var woke []int
	undo = func() {
		m.placed[e], m.pos[e] = false, -1
		m.lastF = savedF
		if x.isCS() {
			m.lastCS[x.loc] = savedCS
			m.queue[x.loc] = savedQ
		}
		for _, c := range woke {
			m.wokenBy[c] = -1
		}
	}

	// Happens-before: program order (or the initial write), then the
	// synchronizing edges.
	var h uint64
	addPred := func(p int) { h |= m.hb[p] | 1<<uint(p) }
	if k := m.next[x.thread]; k > 0 {
		addPred(m.threads[x.thread][k-1])
	} else {
		addPred(0)
	}
	if x.isRead() {
		w := m.rf[e]
		if w != 0 && m.ev[w].atomic && x.atomic {
			if !m.placed[w] {
				return undo, false // an atomic read after the atomic write it reads
			}
			addPred(w)
		}
	}
	if x.kind == evFence {
		if m.lastF >= 0 {
			addPred(m.lastF)
		}
		m.lastF = e
	}
	if x.isCS() {
		if c := m.lastCS[x.loc]; c >= 0 {
			addPred(c)
		}
		m.lastCS[x.loc] = e
	}
	switch x.kind {
	case evWaitCheck:
		if x.waitEq {
			m.queue[x.loc] = append(m.queue[x.loc], e)
		}
	case evNotify:
		count := uint64(uint32(m.t.Threads[x.thread].Instrs[x.instr].Args[0].Const))
		q := m.queue[x.loc]
		n := uint64(0)
		for n < count && len(q) > 0 {
			m.wokenBy[q[0]] = e
			woke = append(woke, q[0])
			q = q[1:]
			n++
		}
		m.queue[x.loc] = append([]int(nil), q...)
		m.nres[e] = n
	case evResume:
		by := m.wokenBy[x.check]
		if x.woken != (by >= 0) {
			return undo, false
		}
		if by >= 0 {
			addPred(by)
		} else {
			m.queue[x.loc] = remove(m.queue[x.loc], x.check)
		}
	}
	m.hb[e], m.pos[e], m.placed[e] = h, depth, true

	if x.isRead() {
		if !m.readOK(e, m.rf[e]) {
			return undo, false
		}
	}
	if x.isWrite() {
		// Reads already placed that read from this (later) write must not
		// happen before it.
		for r := range m.ev {
			if m.placed[r] && r != e && m.ev[r].isRead() && m.rf[r] == e && h&(1<<uint(r)) != 0 {
				return undo, false
			}
		}
	}
	return undo, true
}

// readOK checks coherence and the SC-atomics rule for read r (just placed,
// or a final read) reading from w. Writes placed after r are checked when
// they are placed.
func (m *modelRun) readOK(r, w int) bool {
	if !m.placed[w] {
		return true
	}
	x := &m.ev[r]
	hr := m.hb[r]
	final := x.kind == evFinal
	wAtomic := w != 0 && m.ev[w].atomic
	for v := 1; v < len(m.ev); v++ {
		y := &m.ev[v]
		if v == w || v == r || !m.placed[v] || !y.isWrite() || y.loc != x.loc {
			continue
		}
		vBeforeR := final || hr&(1<<uint(v)) != 0
		wBeforeV := w == 0 || m.hb[v]&(1<<uint(w)) != 0
		if wBeforeV && vBeforeR {
			return false // coherent reads
		}
		if !y.atomic || m.pos[v] < m.pos[w] {
			continue
		}
		// v is an atomic write between w and r in mo.
		if (wAtomic && x.atomic) || (x.atomic && wBeforeV) || (wAtomic && vBeforeR) {
			return false
		}
	}
	return true
}

// leaf checks the final reads of a complete interleaving and records the
// outcome.
func (m *modelRun) leaf() {
	all := uint64(0)
	for i := range m.ev {
		if m.placed[i] {
			all |= 1 << uint(i)
		}
	}
	for _, f := range m.finals {
		m.hb[f] = all
		m.pos[f] = len(m.ev)
		if !m.readOK(f, m.rf[f]) {
			return
		}
	}
	t := m.t
	// Values stored from notify counts are known only now (see
	// Test.validate): recompute.
	if m.hasNotify {
		clear(m.wstate)
	}
	o := make(Outcome, len(t.Observe))
	fi := 0
	for i, obs := range t.Observe {
		var v uint64
		if obs.Thread >= 0 {
			v, _ = m.regValue(obs.Thread, obs.Index)
		} else {
			v, _ = m.readValue(m.finals[fi])
			fi++
		}
		o[i] = v & mask(t.obsType(obs))
	}
	m.found = true
	k := o.key()
	if _, ok := m.outcomes[k]; ok {
		return
	}
	m.outcomes[k] = o
	m.witness[k] = m.races()
}

// races lists the data races of the current execution.
func (m *modelRun) races() *Witness {
	w := &Witness{}
	for a := range m.ev {
		for b := a + 1; b < len(m.ev); b++ {
			x, y := &m.ev[a], &m.ev[b]
			if x.thread < 0 || y.thread < 0 || x.thread == y.thread || x.loc != y.loc || x.loc < 0 {
				continue
			}
			if x.kind == evNotify || y.kind == evNotify || x.kind == evResume || y.kind == evResume {
				continue
			}
			if !x.isWrite() && !y.isWrite() || x.atomic && y.atomic {
				continue
			}
			if m.hb[a]&(1<<uint(b)) != 0 || m.hb[b]&(1<<uint(a)) != 0 {
				continue
			}
			w.Races = append(w.Races, [2]string{m.describe(a), m.describe(b)})
		}
	}
	return w
}

func (m *modelRun) describe(e int) string {
	x := &m.ev[e]
	th := &m.t.Threads[x.thread]
	return th.Name + ": " + m.t.instrString(th, &th.Instrs[x.instr])
}
