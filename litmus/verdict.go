package litmus

import (
	"fmt"
	"sort"

	"github.com/watt-wasm/watt/ir"
)

// Verdict classifies an outcome.
type Verdict uint8

const (
	// SC: some interleaving of the threads produces the outcome.
	SC Verdict = iota
	// Racy: not SC, but the memory model allows it because non-atomic
	// accesses race (the witness execution lists the races).
	Racy
	// Forbidden: no execution the memory model allows produces it. Seeing
	// one is a bug in the engine (or in the machine under it).
	Forbidden
)

func (v Verdict) String() string {
	switch v {
	case SC:
		return "SC"
	case Racy:
		return "allowed (racy non-atomic)"
	}
	return "forbidden"
}

// Model is what the memory model says about a test: its SC outcomes and
// the outcomes it allows.
type Model struct {
	Test *Test
	// SC lists the sequentially consistent outcomes, sorted.
	SC []Outcome
	// Allowed lists every allowed outcome (SC ones included), sorted.
	Allowed []Outcome

	verdicts map[string]Verdict
	witness  map[string]*Witness
}

// NewModel computes the SC outcomes of t by exhaustive interleaving and,
// when t has non-atomic accesses, the outcomes the weak model allows. For a
// test whose accesses are all atomic the allowed set is the SC set: wasm
// atomics are sequentially consistent, so nothing else is ever allowed.
func NewModel(t *Test) (*Model, error) {
	sc, err := SCOutcomes(t)
	if err != nil {
		return nil, err
	}
	m := &Model{Test: t, SC: sc, verdicts: map[string]Verdict{}, witness: map[string]*Witness{}}
	for _, o := range sc {
		m.verdicts[o.key()] = SC
	}
	if t.AllAtomic() {
		m.Allowed = sc
		return m, nil
	}
	allowed, witness, err := allowedOutcomes(t)
	if err != nil {
		return nil, err
	}
	for k := range allowed {
		if _, ok := m.verdicts[k]; !ok {
			m.verdicts[k] = Racy
			m.witness[k] = witness[k]
		}
	}
	for _, o := range sc {
		if _, ok := allowed[o.key()]; !ok {
			// Every SC execution is a valid candidate of the weak model; a
			// miss is a bug in one of the two enumerators.
			return nil, fmt.Errorf("%s: internal error: SC outcome %s missing from the weak model", t.Name, t.Format(o))
		}
	}
	m.Allowed = sortedOutcomes(t, allowed)
	return m, nil
}

// Verdict classifies an observed outcome.
func (m *Model) Verdict(o Outcome) Verdict {
	if v, ok := m.verdicts[o.key()]; ok {
		return v
	}
	return Forbidden
}

// Witness returns the races of an execution producing a racy outcome, nil
// for other outcomes.
func (m *Model) Witness(o Outcome) *Witness { return m.witness[o.key()] }

// CondVerdict is the best verdict among the outcomes satisfying the test's
// condition expression: SC if an SC outcome satisfies it, Racy if only
// racy ones do, Forbidden if no allowed outcome does.
func (m *Model) CondVerdict() Verdict {
	best := Forbidden
	for _, o := range m.Allowed {
		if m.Test.Cond.Expr.Eval(m.Test, o) {
			best = min(best, m.Verdict(o))
		}
	}
	return best
}

// sortedOutcomes sorts a set of outcomes by their values, compared as
// signed numbers of their widths.
func sortedOutcomes(t *Test, set map[string]Outcome) []Outcome {
	out := make([]Outcome, 0, len(set))
	for _, o := range set {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return t.less(out[i], out[j]) })
	return out
}

func (t *Test) less(a, b Outcome) bool {
	for k := range a {
		if a[k] == b[k] {
			continue
		}
		if t.obsType(t.Observe[k]) == ir.I64 {
			return int64(a[k]) < int64(b[k])
		}
		return int32(uint32(a[k])) < int32(uint32(b[k]))
	}
	return false
}
