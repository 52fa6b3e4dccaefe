package litmus

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Histogram counts the outcomes of a run.
type Histogram struct {
	Test    *Test
	Model   *Model
	Runs    int // rounds completed
	Elapsed time.Duration

	counts   map[string]*int
	outcomes map[string]Outcome
}

func newHistogram(t *Test, m *Model) *Histogram {
	h := &Histogram{Test: t, Model: m, counts: map[string]*int{}, outcomes: map[string]Outcome{}}
	for _, o := range append(m.Allowed, questionForbidden(t, m)...) {
		k := o.key()
		h.counts[k] = new(int)
		h.outcomes[k] = o
	}
	return h
}

// maxQuestionRows bounds the forbidden outcomes listed for a question.
const maxQuestionRows = 4

// questionForbidden lists forbidden outcomes that satisfy an exists or
// ~exists question, so that the histogram shows what the model rules out
// (MP_atomic's "flag seen, data missed") even when it never occurs. The
// candidates combine the values each observable takes in allowed outcomes
// or in the question.
func questionForbidden(t *Test, m *Model) []Outcome {
	if t.Cond == nil || t.Cond.Quant == QForall {
		return nil
	}
	domains := make([][]uint64, len(t.Observe))
	size := 1
	for i, obs := range t.Observe {
		set := map[uint64]bool{}
		for _, o := range m.Allowed {
			set[o[i]] = true
		}
		t.Cond.Expr.walk(func(e *Expr) {
			if e.Op == ExprEq && e.Obs == obs {
				set[e.Value] = true
			}
		})
		for v := range set {
			domains[i] = append(domains[i], v)
		}
		size *= len(domains[i])
		if size > 1<<12 {
			return nil
		}
	}
	var out []Outcome
	o := make(Outcome, len(t.Observe))
	var gen func(i int)
	gen = func(i int) {
		if len(out) > maxQuestionRows {
			return
		}
		if i == len(o) {
			if t.Cond.Expr.Eval(t, o) && m.Verdict(o) == Forbidden {
				out = append(out, append(Outcome(nil), o...))
			}
			return
		}
		for _, v := range domains[i] {
			o[i] = v
			gen(i + 1)
		}
	}
	gen(0)
	if len(out) > maxQuestionRows {
		return nil // too many to be informative
	}
	return out
}

// add counts one run whose outcome has the given key, reading the outcome
// itself (with read) only the first time the key is seen.
func (h *Histogram) add(key []byte, read func() Outcome) {
	if c, ok := h.counts[string(key)]; ok { // no allocation on this path
		*c++
		return
	}
	k := string(key)
	h.counts[k] = new(int)
	*h.counts[k] = 1
	h.outcomes[k] = read()
}

// Add counts n runs with outcome o (for executors other than Run).
func (h *Histogram) Add(o Outcome, n int) {
	k := o.key()
	if _, ok := h.counts[k]; !ok {
		h.counts[k] = new(int)
		h.outcomes[k] = o
	}
	*h.counts[k] += n
}

// Row is one line of a histogram.
type Row struct {
	Outcome Outcome
	Count   int
	Verdict Verdict
}

// Rows lists every allowed outcome (seen or not), every forbidden one seen,
// and the forbidden outcomes the question asks about (seen or not): SC
// first, then racy, then forbidden, each group in outcome order.
func (h *Histogram) Rows() []Row {
	rows := make([]Row, 0, len(h.counts))
	for k, c := range h.counts {
		o := h.outcomes[k]
		rows = append(rows, Row{Outcome: o, Count: *c, Verdict: h.Model.Verdict(o)})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Verdict != rows[j].Verdict {
			return rows[i].Verdict < rows[j].Verdict
		}
		return h.Test.less(rows[i].Outcome, rows[j].Outcome)
	})
	return rows
}

// Count returns how many runs gave outcome o.
func (h *Histogram) Count(o Outcome) int {
	if c, ok := h.counts[o.key()]; ok {
		return *c
	}
	return 0
}

// ByVerdict returns how many runs gave outcomes with verdict v.
func (h *Histogram) ByVerdict(v Verdict) int {
	n := 0
	for k, c := range h.counts {
		if h.Model.Verdict(h.outcomes[k]) == v {
			n += *c
		}
	}
	return n
}

// Forbidden returns how many runs gave a forbidden outcome.
func (h *Histogram) Forbidden() int { return h.ByVerdict(Forbidden) }

// CondCount returns how many runs satisfied the test's condition
// expression (0 when the test has none).
func (h *Histogram) CondCount() int {
	if h.Test.Cond == nil {
		return 0
	}
	n := 0
	for k, c := range h.counts {
		if h.Test.Cond.Expr.Eval(h.Test, h.outcomes[k]) {
			n += *c
		}
	}
	return n
}

// percent formats count/runs.
func percent(count, runs int) string {
	if runs == 0 {
		return "-"
	}
	p := 100 * float64(count) / float64(runs)
	if count > 0 && p < 0.001 {
		return "<0.001%"
	}
	return fmt.Sprintf("%.3f%%", p)
}

// Print writes the histogram as a table: outcome, count, percentage,
// verdict, then the question's answer. verbose adds, for each racy
// outcome, the data races of an execution that produces it.
func (h *Histogram) Print(w io.Writer, verbose bool) {
	t := h.Test
	rows := h.Rows()
	if h.Runs > 0 {
		fmt.Fprintf(w, "%s: %d runs in %v\n", t.Name, h.Runs, h.Elapsed.Round(time.Millisecond))
	} else {
		fmt.Fprintf(w, "%s: model only (no runs)\n", t.Name)
	}
	width := len("outcome")
	for _, r := range rows {
		width = max(width, len(t.Format(r.Outcome)))
	}
	countW := max(5, len(fmt.Sprint(h.Runs)))
	suite := t.check != nil
	header := fmt.Sprintf("  %-*s  %*s  %8s  %-25s", width, "outcome", countW, "count", "%", "verdict")
	if h.Runs == 0 {
		header = fmt.Sprintf("  %-*s  %-25s", width, "outcome", "verdict")
	}
	if suite {
		header += "  suite's check"
	}
	fmt.Fprintln(w, strings.TrimRight(header, " "))
	for _, r := range rows {
		line := fmt.Sprintf("  %-*s  %*d  %8s  %-25s", width, t.Format(r.Outcome), countW, r.Count, percent(r.Count, h.Runs), r.Verdict)
		if h.Runs == 0 {
			line = fmt.Sprintf("  %-*s  %-25s", width, t.Format(r.Outcome), r.Verdict)
		}
		if suite {
			line += "  " + t.suiteCheck(r.Outcome)
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
		if verbose && r.Verdict == Racy {
			if wit := h.Model.Witness(r.Outcome); wit != nil {
				for _, race := range wit.Races {
					fmt.Fprintf(w, "      race: %s  /  %s\n", race[0], race[1])
				}
			}
		}
	}
	if t.Cond != nil {
		n := h.CondCount()
		v := h.Model.CondVerdict()
		model := "forbidden"
		switch v {
		case SC:
			model = "SC"
		case Racy:
			model = "not SC; allowed (racy non-atomic)"
		}
		if h.Runs > 0 {
			fmt.Fprintf(w, "  %s: %d of %d runs (%s); model: %s\n", t.Cond.Format(t), n, h.Runs, percent(n, h.Runs), model)
		} else {
			fmt.Fprintf(w, "  %s: model: %s\n", t.Cond.Format(t), model)
		}
	}
	if f := h.Forbidden(); f > 0 {
		fmt.Fprintf(w, "  FORBIDDEN: %d of %d runs gave outcomes the memory model forbids\n", f, h.Runs)
	}
}
