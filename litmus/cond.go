package litmus

import (
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// Quant is a question's quantifier, as in litmus7.
type Quant uint8

const (
	QExists    Quant = iota // exists C: some outcome satisfies C
	QNotExists              // ~exists C: no outcome satisfies C
	QForall                 // forall C: every outcome satisfies C
)

// Cond is a test's question about its outcomes.
type Cond struct {
	Quant Quant
	Expr  *Expr
	Pos   ir.Pos
}

// ExprOp is a condition operator.
type ExprOp uint8

const (
	ExprEq   ExprOp = iota // Obs = Value
	ExprAnd                // L /\ R
	ExprOr                 // L \/ R
	ExprNot                // ~L
	ExprTrue               // true
)

// Expr is a condition over an outcome.
type Expr struct {
	Op    ExprOp
	L, R  *Expr
	Obs   Obs
	Value uint64
	Pos   ir.Pos
}

func (e *Expr) walk(f func(*Expr)) {
	if e == nil {
		return
	}
	f(e)
	e.L.walk(f)
	e.R.walk(f)
}

// Eval evaluates the condition on an outcome of t.
func (e *Expr) Eval(t *Test, o Outcome) bool {
	switch e.Op {
	case ExprEq:
		for i, obs := range t.Observe {
			if obs == e.Obs {
				return o[i] == e.Value
			}
		}
		return false
	case ExprAnd:
		return e.L.Eval(t, o) && e.R.Eval(t, o)
	case ExprOr:
		return e.L.Eval(t, o) || e.R.Eval(t, o)
	case ExprNot:
		return !e.L.Eval(t, o)
	}
	return true
}

// Format renders the condition in the litmus syntax.
func (c *Cond) Format(t *Test) string {
	var b strings.Builder
	switch c.Quant {
	case QNotExists:
		b.WriteString("~exists ")
	case QForall:
		b.WriteString("forall ")
	default:
		b.WriteString("exists ")
	}
	b.WriteByte('(')
	c.Expr.format(t, &b, 0)
	b.WriteByte(')')
	return b.String()
}

// format writes e; prec is the binding strength of the context (0 any, 1
// inside /\, 2 inside ~), so that parentheses appear only where needed.
func (e *Expr) format(t *Test, b *strings.Builder, prec int) {
	switch e.Op {
	case ExprEq:
		b.WriteString(t.ObsName(e.Obs) + "=" + signed(e.Value, t.obsType(e.Obs)))
	case ExprTrue:
		b.WriteString("true")
	case ExprNot:
		b.WriteByte('~')
		e.L.format(t, b, 2)
	case ExprAnd, ExprOr:
		mine, sep := 1, ` /\ `
		if e.Op == ExprOr {
			mine, sep = 0, ` \/ `
		}
		if prec > mine {
			b.WriteByte('(')
		}
		e.L.format(t, b, mine)
		b.WriteString(sep)
		e.R.format(t, b, mine+1)
		if prec > mine {
			b.WriteByte(')')
		}
	}
}
