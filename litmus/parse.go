package litmus

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// Limits on a test's size. The enumerators are exponential in the number
// of events; these keep every accepted test small enough to enumerate (a
// too-large test is refused with a message rather than left to run).
const (
	MaxThreads       = 8
	MaxInstrs        = 16 // per thread
	maxEventsInModel = 62 // the model's happens-before sets are 64-bit masks (init and final use two bits)
)

// token kinds of the .litmus scanner.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tWord           // identifiers and instruction names: letters, digits, '.', '_'
	tInt            // -12, 0x1f
	tString         // "…"
	tPunct          // { } ; | = : ( ) [ ] ~ /\ \/
)

type token struct {
	kind tokKind
	text string
	off  int
}

type parser struct {
	src  *ir.Source
	data string
	off  int
	tok  token
	err  *ir.Error
	test *Test

	locIndex map[string]int
	initOff  map[int]int // location -> offset of its initial value
}

// bail aborts parsing with an error at off.
type bail struct{}

func (p *parser) failAt(off int, format string, args ...any) {
	if p.err == nil {
		p.err = ir.Errorf(p.src, ir.PosAt(off), ir.Malformed, format, args...)
	}
	panic(bail{})
}

func (p *parser) fail(format string, args ...any) { p.failAt(p.tok.off, format, args...) }

// next scans the next token, skipping spaces and (* comments *).
func (p *parser) next() {
	d := p.data
	for {
		for p.off < len(d) && (d[p.off] == ' ' || d[p.off] == '\t' || d[p.off] == '\n' || d[p.off] == '\r') {
			p.off++
		}
		if strings.HasPrefix(d[p.off:], "(*") {
			end := strings.Index(d[p.off+2:], "*)")
			if end < 0 {
				p.failAt(p.off, "unterminated comment")
			}
			p.off += 2 + end + 2
			continue
		}
		break
	}
	start := p.off
	if p.off >= len(d) {
		p.tok = token{tEOF, "", start}
		return
	}
	c := d[p.off]
	switch {
	case c == '"':
		end := strings.IndexByte(d[p.off+1:], '"')
		if end < 0 {
			p.failAt(start, "unterminated string")
		}
		p.off += end + 2
		p.tok = token{tString, d[start+1 : p.off-1], start}
	case c == '/' && p.off+1 < len(d) && d[p.off+1] == '\\', c == '\\' && p.off+1 < len(d) && d[p.off+1] == '/':
		p.off += 2
		p.tok = token{tPunct, d[start:p.off], start}
	case strings.IndexByte("{};|=:()[]~", c) >= 0:
		p.off++
		p.tok = token{tPunct, d[start:p.off], start}
	case c == '-' || c == '+' || isDigit(c):
		p.off++
		for p.off < len(d) && isWordByte(d[p.off]) {
			p.off++
		}
		p.tok = token{tInt, d[start:p.off], start}
	case isWordByte(c):
		for p.off < len(d) && isWordByte(d[p.off]) {
			p.off++
		}
		p.tok = token{tWord, d[start:p.off], start}
	default:
		p.failAt(start, "unexpected character %q", c)
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c == '.' || c == '_' || c == '$' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isIdent(s string) bool {
	if s == "" || isDigit(s[0]) || strings.ContainsAny(s, ".$") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return true
}

func (p *parser) is(text string) bool {
	return (p.tok.kind == tPunct || p.tok.kind == tWord) && p.tok.text == text
}

func (p *parser) expect(text string) {
	if !p.is(text) {
		p.fail("expected %q, got %s", text, p.describe())
	}
	p.next()
}

func (p *parser) describe() string {
	switch p.tok.kind {
	case tEOF:
		return "end of file"
	case tString:
		return "a string"
	}
	return strconv.Quote(p.tok.text)
}

// Parse reads a test in the .litmus text format (see the package
// documentation). Errors are *ir.Error values positioned in src.
func Parse(src *ir.Source) (t *Test, err error) {
	p := &parser{src: src, data: string(src.Data), locIndex: map[string]int{}, initOff: map[int]int{}}
	p.test = &Test{Src: src}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bail); !ok {
				panic(r)
			}
			t, err = nil, p.err
		}
	}()
	p.next()
	p.parseHeader()
	if p.tok.kind == tString {
		p.test.Doc = strings.Join(strings.Fields(p.tok.text), " ")
		p.next()
	}
	p.parseInit()
	p.parseThreads()
	var extra []int // locations listed by `locations [...]`
	if p.is("locations") {
		extra = p.parseLocations()
	}
	if !p.atEOF() {
		p.parseQuestion()
	}
	if !p.atEOF() {
		p.fail("expected end of file, got %s", p.describe())
	}
	if err := p.finish(extra); err != nil {
		return nil, err
	}
	return p.test, nil
}

func (p *parser) atEOF() bool { return p.tok.kind == tEOF }

func (p *parser) parseHeader() {
	if !p.is("WASM") {
		p.fail(`expected the header "WASM <name>", got %s`, p.describe())
	}
	p.next()
	if p.tok.kind != tWord && p.tok.kind != tInt {
		p.fail("expected the test's name after WASM, got %s", p.describe())
	}
	// Names such as 2+2W are several tokens: take the word as written.
	end := p.tok.off
	for end < len(p.data) && !strings.ContainsRune(" \t\r\n", rune(p.data[end])) {
		end++
	}
	name := p.data[p.tok.off:end]
	p.test.Name = name
	p.off = end
	p.next()
}

// parseInit reads { x=0; y=1; }: initial values (locations not listed start
// at 0). A type prefix (int32_t, int64_t, i32, i64) is accepted and must
// agree with the accesses.
func (p *parser) parseInit() {
	p.expect("{")
	for !p.is("}") {
		if p.is(";") {
			p.next()
			continue
		}
		var typ ir.ValType
		if p.tok.kind == tWord {
			switch p.tok.text {
			case "i32", "int", "int32_t", "int32":
				typ = ir.I32
			case "i64", "int64_t", "int64":
				typ = ir.I64
			}
		}
		if typ != 0 {
			p.next()
		}
		if p.tok.kind != tWord || !isIdent(p.tok.text) {
			p.fail("expected a location name in the initial state, got %s", p.describe())
		}
		nameOff, name := p.tok.off, p.tok.text
		if _, dup := p.locIndex[name]; dup {
			p.fail("location %s is initialised twice", name)
		}
		p.next()
		p.expect("=")
		v, off := p.parseInt()
		l := p.loc(name, nameOff)
		loc := &p.test.Locs[l]
		loc.Init = v
		p.initOff[l] = off
		if typ != 0 {
			loc.Type = typ
		}
		p.checkRange(v, off, loc.Type)
		if !p.is(";") && !p.is("}") {
			p.fail("expected ';' or '}' after the initial value, got %s", p.describe())
		}
	}
	p.next()
}

// loc returns the index of the named location, creating it.
func (p *parser) loc(name string, off int) int {
	if i, ok := p.locIndex[name]; ok {
		return i
	}
	p.locIndex[name] = len(p.test.Locs)
	p.test.Locs = append(p.test.Locs, Loc{Name: name, Pos: ir.PosAt(off)})
	return len(p.test.Locs) - 1
}

// parseInt reads an integer literal as two's complement bits.
func (p *parser) parseInt() (uint64, int) {
	if p.tok.kind != tInt {
		p.fail("expected an integer, got %s", p.describe())
	}
	off, text := p.tok.off, p.tok.text
	v, ok := parseIntLiteral(text)
	if !ok {
		p.fail("bad integer %q", text)
	}
	p.next()
	return v, off
}

// parseIntLiteral accepts an optional sign, decimal or 0x hex, and '_'
// separators, within the i64 range (unsigned up to 2^64-1).
func parseIntLiteral(text string) (uint64, bool) {
	s := strings.ReplaceAll(text, "_", "")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := 10
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		base, s = 16, s[2:]
	}
	u, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -u, true
	}
	return u, true
}

// checkRange reports a constant that does not fit a width (signed or
// unsigned). Called with t == 0 when the width is not known yet.
func (p *parser) checkRange(v uint64, off int, t ir.ValType) {
	if t != ir.I32 {
		return
	}
	if v > math.MaxUint32 && (int64(v) >= 0 || int64(v) < math.MinInt32) {
		p.failAt(off, "constant out of range for i32")
	}
}

// parseThreads reads the table: a header row naming the threads, then rows
// of cells, one instruction (or nothing) per cell.
func (p *parser) parseThreads() {
	var names []string
	for !p.is(";") {
		if p.tok.kind != tWord {
			p.fail("expected thread names P0 | P1 | … ;, got %s", p.describe())
		}
		want := fmt.Sprintf("P%d", len(names))
		if p.tok.text != want {
			p.fail("thread %d must be called %s, not %s", len(names), want, p.tok.text)
		}
		names = append(names, p.tok.text)
		p.next()
		if p.is("|") {
			p.next()
		} else if !p.is(";") {
			p.fail("expected '|' or ';' after a thread name, got %s", p.describe())
		}
	}
	p.next()
	if len(names) > MaxThreads {
		p.fail("at most %d threads, got %d", MaxThreads, len(names))
	}
	for _, n := range names {
		p.test.Threads = append(p.test.Threads, Thread{Name: n})
	}
	regs := make([]map[string]int, len(names))
	for i := range regs {
		regs[i] = map[string]int{}
	}
	rows := 0
	for !p.atEOF() && !p.is("exists") && !p.is("~") && !p.is("forall") && !p.is("locations") {
		rowOff := p.tok.off
		for col := 0; ; col++ {
			if col >= len(names) {
				p.failAt(rowOff, "row has more than %d cells", len(names))
			}
			p.parseCell(col, regs[col])
			if p.is(";") {
				if col != len(names)-1 {
					p.failAt(rowOff, "row has %d cells, want %d (one per thread)", col+1, len(names))
				}
				p.next()
				break
			}
			p.expect("|")
		}
		rows++
	}
	if rows == 0 {
		p.fail("expected instruction rows after the thread names")
	}
}

// instrSpec describes one instruction name of the format.
type instrSpec struct {
	kind   Kind
	typ    ir.ValType
	atomic bool
	op     RMWOp
	args   int  // value operands after the location
	dst    byte // 'r' required, 'o' optional, 'n' none
}

var instrSpecs = func() map[string]instrSpec {
	m := map[string]instrSpec{
		"atomic.fence":         {kind: Fence, dst: 'n'},
		"memory.atomic.wait32": {kind: Wait, typ: ir.I32, args: 2, dst: 'o'},
		"memory.atomic.wait64": {kind: Wait, typ: ir.I64, args: 2, dst: 'o'},
		"memory.atomic.notify": {kind: Notify, typ: ir.I32, args: 1, dst: 'o'},
	}
	for _, w := range []struct {
		p string
		t ir.ValType
	}{{"i32", ir.I32}, {"i64", ir.I64}} {
		m[w.p+".load"] = instrSpec{kind: Load, typ: w.t, dst: 'r'}
		m[w.p+".atomic.load"] = instrSpec{kind: Load, typ: w.t, atomic: true, dst: 'r'}
		m[w.p+".store"] = instrSpec{kind: Store, typ: w.t, args: 1, dst: 'n'}
		m[w.p+".atomic.store"] = instrSpec{kind: Store, typ: w.t, atomic: true, args: 1, dst: 'n'}
		for op, name := range rmwNames {
			m[w.p+".atomic.rmw."+name] = instrSpec{kind: RMW, typ: w.t, atomic: true, op: RMWOp(op), args: 1, dst: 'o'}
		}
		m[w.p+".atomic.rmw.cmpxchg"] = instrSpec{kind: Cmpxchg, typ: w.t, atomic: true, args: 2, dst: 'o'}
	}
	return m
}()

// parseCell reads one cell: nothing, or [reg =] instr loc args…
func (p *parser) parseCell(col int, regs map[string]int) {
	if p.is("|") || p.is(";") {
		return
	}
	th := &p.test.Threads[col]
	start := p.tok.off
	dstName, dstOff := "", 0
	if p.tok.kind == tWord && isIdent(p.tok.text) {
		save, saveOff := p.tok, p.off
		p.next()
		if p.is("=") {
			dstName, dstOff = save.text, save.off
			p.next()
		} else {
			p.tok, p.off = save, saveOff
		}
	}
	if p.tok.kind != tWord {
		p.fail("expected an instruction, got %s", p.describe())
	}
	name, nameOff := p.tok.text, p.tok.off
	spec, ok := instrSpecs[name]
	if !ok {
		p.failAt(nameOff, "%s", unknownInstr(name))
	}
	p.next()
	if dstName == "" && spec.dst == 'r' {
		p.failAt(nameOff, "%s needs a destination register: r0 = %s …", name, name)
	}
	if dstName != "" && spec.dst == 'n' {
		p.failAt(start, "%s has no result to assign", name)
	}
	if len(th.Instrs) >= MaxInstrs {
		p.failAt(start, "at most %d instructions per thread", MaxInstrs)
	}
	in := Instr{Pos: ir.PosAt(nameOff), Kind: spec.kind, Atomic: spec.atomic, Type: spec.typ, Op: spec.op, Loc: -1, Dst: -1}
	if spec.kind != Fence {
		if p.tok.kind != tWord || !isIdent(p.tok.text) {
			p.fail("expected a location name after %s, got %s", name, p.describe())
		}
		in.Loc = p.loc(p.tok.text, p.tok.off)
		p.useLoc(in.Loc, spec.typ, spec.kind, p.tok.off)
		p.next()
	}
	for i := 0; i < spec.args; i++ {
		in.Args = append(in.Args, p.parseOperand(th, regs, &in, i))
	}
	if !p.is("|") && !p.is(";") {
		p.fail("expected '|' or ';' after %s's operands, got %s", name, p.describe())
	}
	if dstName != "" {
		if _, dup := regs[dstName]; dup {
			p.failAt(dstOff, "register %s is assigned twice (use a new register for each result)", dstName)
		}
		if _, isLoc := p.locIndex[dstName]; isLoc {
			p.failAt(dstOff, "%s is a location, not a register", dstName)
		}
		rt := in.Type
		if in.Kind == Wait || in.Kind == Notify {
			rt = ir.I32
		}
		regs[dstName] = len(th.Regs)
		in.Dst = len(th.Regs)
		th.Regs = append(th.Regs, Reg{Name: dstName, Type: rt})
	}
	th.Instrs = append(th.Instrs, in)
}

// unknownInstr explains an instruction the format does not have.
func unknownInstr(name string) string {
	for _, sub := range []string{"8", "16", "32_"} {
		if strings.Contains(name, "load"+sub) || strings.Contains(name, "store"+sub) || strings.Contains(name, "rmw"+sub) {
			return fmt.Sprintf("unsupported instruction %s: a location is one i32 or i64 word, sub-word accesses are not modelled", name)
		}
	}
	return fmt.Sprintf("unknown instruction %s (loads, stores, atomic RMWs, cmpxchg, atomic.fence, memory.atomic.wait32/64 and notify)", name)
}

// useLoc records an access's width on a location: all accesses must agree.
func (p *parser) useLoc(l int, t ir.ValType, k Kind, off int) {
	if k == Notify {
		return
	}
	loc := &p.test.Locs[l]
	if loc.Type == 0 {
		loc.Type = t
		p.checkRange(loc.Init, p.initOff[l], t)
		return
	}
	if loc.Type != t {
		p.failAt(off, "location %s is %v, but this access is %v (mixed-size accesses are not modelled)", loc.Name, loc.Type, t)
	}
}

// parseOperand reads a constant or a register assigned earlier in the
// same thread. Wait's timeout and notify's count must be constants: the
// model needs them before anything runs.
func (p *parser) parseOperand(th *Thread, regs map[string]int, in *Instr, i int) Operand {
	t := in.argType()
	if in.Kind == Wait && i == 1 {
		t = ir.I64
	}
	if p.tok.kind == tInt {
		v, off := p.parseInt()
		p.checkRange(v, off, t)
		return Const(v & mask(t))
	}
	if p.tok.kind != tWord || !isIdent(p.tok.text) {
		p.fail("expected a constant or a register, got %s", p.describe())
	}
	if (in.Kind == Wait && i == 1) || in.Kind == Notify {
		p.fail("the %s of %s must be a constant", map[bool]string{true: "timeout", false: "count"}[in.Kind == Wait], in.opName())
	}
	r, ok := regs[p.tok.text]
	if !ok {
		if _, isLoc := p.locIndex[p.tok.text]; isLoc {
			p.fail("%s is a location; operands are constants or registers", p.tok.text)
		}
		p.fail("register %s is used before it is assigned in %s", p.tok.text, th.Name)
	}
	if th.Regs[r].Type != t {
		p.fail("register %s is %v, the operand must be %v", p.tok.text, th.Regs[r].Type, t)
	}
	p.next()
	return Operand{Reg: r}
}

// parseLocations reads `locations [x; y;]`: final values to observe.
func (p *parser) parseLocations() []int {
	p.next()
	p.expect("[")
	var out []int
	for !p.is("]") {
		if p.is(";") {
			p.next()
			continue
		}
		if p.tok.kind != tWord {
			p.fail("expected a location name, got %s", p.describe())
		}
		l, ok := p.locIndex[p.tok.text]
		if !ok {
			p.fail("unknown location %s", p.tok.text)
		}
		out = append(out, l)
		p.next()
	}
	p.next()
	return out
}

// parseQuestion reads exists / ~exists / forall followed by a condition.
func (p *parser) parseQuestion() {
	off := p.tok.off
	q := QExists
	switch {
	case p.is("~"):
		p.next()
		if !p.is("exists") {
			p.fail(`expected "exists" after '~', got %s`, p.describe())
		}
		q = QNotExists
	case p.is("forall"):
		q = QForall
	case !p.is("exists"):
		p.fail("expected exists, ~exists or forall, got %s", p.describe())
	}
	p.next()
	c := p.parseDisj()
	p.test.Cond = &Cond{Quant: q, Expr: c, Pos: ir.PosAt(off)}
}

func (p *parser) parseDisj() *Expr {
	e := p.parseConj()
	for p.is(`\/`) {
		p.next()
		e = &Expr{Op: ExprOr, L: e, R: p.parseConj()}
	}
	return e
}

func (p *parser) parseConj() *Expr {
	e := p.parseUnary()
	for p.is(`/\`) {
		p.next()
		e = &Expr{Op: ExprAnd, L: e, R: p.parseUnary()}
	}
	return e
}

func (p *parser) parseUnary() *Expr {
	switch {
	case p.is("~"):
		p.next()
		return &Expr{Op: ExprNot, L: p.parseUnary()}
	case p.is("("):
		p.next()
		e := p.parseDisj()
		p.expect(")")
		return e
	case p.is("true"):
		p.next()
		return &Expr{Op: ExprTrue}
	case p.is("false"):
		p.next()
		return &Expr{Op: ExprNot, L: &Expr{Op: ExprTrue}}
	}
	return p.parseAtom()
}

// parseAtom reads N:reg=v or loc=v.
func (p *parser) parseAtom() *Expr {
	off := p.tok.off
	var obs Obs
	switch p.tok.kind {
	case tInt:
		n, err := strconv.Atoi(p.tok.text)
		if err != nil || n < 0 || n >= len(p.test.Threads) {
			p.fail("no thread %s", p.tok.text)
		}
		p.next()
		p.expect(":")
		if p.tok.kind != tWord {
			p.fail("expected a register name, got %s", p.describe())
		}
		th := &p.test.Threads[n]
		r := -1
		for i, reg := range th.Regs {
			if reg.Name == p.tok.text {
				r = i
			}
		}
		if r < 0 {
			p.fail("thread %d has no register %s", n, p.tok.text)
		}
		obs = Obs{Thread: n, Index: r}
	case tWord:
		l, ok := p.locIndex[p.tok.text]
		if !ok {
			p.fail("unknown location %s (registers are written N:reg)", p.tok.text)
		}
		obs = Obs{Thread: -1, Index: l}
	default:
		p.fail("expected N:reg=value or location=value, got %s", p.describe())
	}
	p.next()
	p.expect("=")
	v, voff := p.parseInt()
	t := p.test.obsType(obs)
	p.checkRange(v, voff, t)
	return &Expr{Op: ExprEq, Obs: obs, Value: v & mask(t), Pos: ir.PosAt(off)}
}

// finish checks what needs the whole test and builds the Observe list.
func (p *parser) finish(extra []int) error {
	t := p.test
	for i := range t.Locs {
		if t.Locs[i].Type == 0 {
			// Only initialised or only notified: an i32 word.
			t.Locs[i].Type = ir.I32
		}
		t.Locs[i].Init &= mask(t.Locs[i].Type)
	}
	var locs []int
	locs = append(locs, extra...)
	if t.Cond != nil {
		t.Cond.Expr.walk(func(e *Expr) {
			if e.Op == ExprEq && e.Obs.Thread < 0 {
				locs = append(locs, e.Obs.Index)
			}
		})
	}
	t.Observe = defaultObserve(t, locs)
	return t.validate()
}
