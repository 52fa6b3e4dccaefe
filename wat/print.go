package wat

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// PrintOptions mirrors the output flags of wabt's wasm2wat.
type PrintOptions struct {
	FoldExprs     bool // --fold-exprs: write folded expressions where possible
	InlineExports bool // --inline-exports: write exports inside their entity
	InlineImports bool // --inline-imports: write imports inside their entity
	GenerateNames bool // --generate-names: $f0, $t0, $p0, ... for unnamed entities
	NoDebugNames  bool // --no-debug-names: ignore m.Name and m.Names
	// QuotedNames writes a debug name that is not a plain identifier as a
	// quoted one, $"a b" (WebAssembly 3.0), where wabt 1.0.32 replaces the
	// characters it cannot write with '_' ($a_b), which loses the name.
	QuotedNames bool
	// Annotations writes custom sections as (@custom "name" (after
	// section) "bytes") annotations, which the parser reads back (wabt
	// 1.0.32 drops custom sections).
	Annotations bool
	// Features are those the text will be read with. They decide the few
	// forms whose meaning changed with WebAssembly 3.0: an element list
	// `func 0 1` has type (ref func) with function references and funcref
	// without, so a funcref list of ref.func items is written that way
	// only when function references are off (as wabt 1.0.32 does).
	Features ir.Features
	// Layout, when set, writes the module as its source text laid it out
	// (wat-desugar) rather than in section order (wasm2wat).
	Layout *Layout
}

// Print writes m in the text format. The default output is byte for byte
// what wabt 1.0.32's `wasm2wat --enable-threads` prints for the same module,
// and the options select its flags. Print departs from wabt only where
// wabt's text would not read back or would lose information: names are
// made valid identifiers before duplicates are counted (declared local
// names included), an empty export name gives no "$" under GenerateNames,
// and a non-zero memory or table index is always written, in the spec's
// operand order (return_call_indirect, atomics, memory.init, memory.copy,
// "(memory N)" of a data segment). m is not validated: indices out of range
// are printed as they are. An instruction whose opcode is not in the table
// is reported in an ir.ErrorList of *ir.Error carrying its position (the
// rest of the module is still written); a failing w's error is returned
// as it is.
func Print(w io.Writer, m *ir.Module, opts PrintOptions) error {
	if m == nil {
		return ir.Errorf(nil, ir.NoPos, ir.Invalid, "wat: Print of a nil module")
	}
	p := &printer{w: w, m: m, opts: opts, out: make([]byte, 0, printFlushAt+4<<10)}
	p.names = printBuildNames(m, opts)
	p.module()
	p.flush()
	if bw, ok := w.(*bufio.Writer); ok && p.werr == nil {
		p.werr = bw.Flush()
	}
	if p.werr != nil {
		return p.werr
	}
	return p.errs.Err()
}

// printFlushAt is how much text the printer buffers before writing it out.
const printFlushAt = 64 << 10

// printNext is what must be written before the next token: wabt's writer
// defers separators this way, and matching its output means matching the
// state machine, not just the tokens.
type printNext uint8

const (
	printNone printNext = iota
	printSpace
	printNewline
	// printForceNewline survives a closing paren: an empty folded block
	// still puts its ")" on a line of its own.
	printForceNewline
)

// printLabel is one entry of the label stack while a function is written.
type printLabel struct {
	name  string // generated label name, "" when none
	arity int    // values a branch to this label carries
}

type printer struct {
	w      io.Writer
	out    []byte // text not yet written to w
	werr   error  // the first error of w; later output is dropped
	m      *ir.Module
	opts   PrintOptions
	names  *printNames
	indent int
	next   printNext
	num    []byte // scratch for number formatting
	errs   ir.ErrorList

	// Per function being written.
	funcResults int
	labels      []printLabel
	locals      *printLocalNames
	labelCount  int                    // next generated label number (flat mode)
	labelNums   map[*ir.Instr]int      // generated label numbers (folded mode)
	trees       []printTree            // folding stack
	treeArena   []printTree            // folded operands of the current function
	inlineExps  map[printKey][]int     // export indices written inline
	rawIndices  bool                   // print references as indices, never names
	branchNames map[*ir.Instr][]string // label names of branches (folded, generated names)
	flatFrames  []printFlatFrame       // open blocks (flat mode)
	foldFrames  []printFoldFrame       // trees and blocks being written (folded mode)
}

// printKey identifies an entity: an index in one index space.
type printKey struct {
	kind  ir.ExternKind
	index uint32
}

// printMaxIndent is the deepest indentation written: wabt's grows by two
// spaces a level without limit, which makes the text of a deep nest
// quadratic in its depth (two terabytes for a million nested blocks).
// Past 1,000 levels, far deeper than compilers nest (a Go program's
// resume-point dispatch reaches a few hundred), lines stay at 2,000
// columns.
const printMaxIndent = 2000

// printSpaces holds the deepest indentation.
var printSpaces = strings.Repeat(" ", printMaxIndent)

// printIndentCap is printMaxIndent; tests lower it to keep the text of
// their deep nests small.
var printIndentCap = printMaxIndent

func (p *printer) writeIndent() {
	n := min(max(p.indent, 0), printIndentCap)
	p.out = append(p.out, printSpaces[:n]...)
}

// flush hands the buffered text to w.
func (p *printer) flush() {
	if p.werr == nil && len(p.out) > 0 {
		_, p.werr = p.w.Write(p.out)
	}
	p.out = p.out[:0]
}

// writeNext writes the deferred separator. Every token starts here, so
// this is also where the buffer is flushed.
func (p *printer) writeNext() {
	if len(p.out) >= printFlushAt {
		p.flush()
	}
	switch p.next {
	case printSpace:
		p.out = append(p.out, ' ')
	case printNewline, printForceNewline:
		p.out = append(p.out, '\n')
		p.writeIndent()
	}
	p.next = printNone
}

// puts writes s, then defers next.
func (p *printer) puts(s string, next printNext) {
	p.writeNext()
	p.out = append(p.out, s...)
	p.next = next
}

// putBytes writes b followed by a deferred space (wabt's Writef).
func (p *printer) putBytes(b []byte) {
	p.writeNext()
	p.out = append(p.out, b...)
	p.next = printSpace
}

func (p *printer) putUint(v uint64) {
	p.num = strconv.AppendUint(p.num[:0], v, 10)
	p.putBytes(p.num)
}

func (p *printer) putInt(v int64) {
	p.num = strconv.AppendInt(p.num[:0], v, 10)
	p.putBytes(p.num)
}

// putIndexComment writes "(;N;)", the placeholder for an unnamed entity.
func (p *printer) putIndexComment(v uint32) {
	p.num = append(p.num[:0], "(;"...)
	p.num = strconv.AppendUint(p.num, uint64(v), 10)
	p.num = append(p.num, ";)"...)
	p.putBytes(p.num)
}

func (p *printer) newline(force bool) {
	if p.next == printForceNewline {
		p.writeNext()
	}
	if force {
		p.next = printForceNewline
	} else {
		p.next = printNewline
	}
}

func (p *printer) open(name string, next printNext) {
	p.puts("(", printNone)
	p.puts(name, next)
	p.indent += 2
}

func (p *printer) close(next printNext) {
	if p.next != printForceNewline {
		p.next = printNone
	}
	p.indent -= 2
	p.puts(")", next)
}

// entity writes the name of entity index of space s, or "(;N;)". A debug
// name the identifier does not carry (a duplicate, uniquified; one
// sanitized) follows as (@name "…") with Annotations, so that it reads
// back.
func (p *printer) entity(s *printIndexSpace, index uint32) {
	p.nameOrIndex(s.get(index), index)
	if p.opts.Annotations && s.orig != nil {
		if name, ok := s.orig[index]; ok {
			p.puts("(@name", printSpace)
			p.quotedString(name, printNone)
			p.puts(")", printSpace)
		}
	}
}

// nameOrIndex writes an entity's name, or "(;N;)" when it has none.
func (p *printer) nameOrIndex(name string, index uint32) {
	if name != "" {
		p.puts(name, printSpace)
	} else {
		p.putIndexComment(index)
	}
}

// quoted writes data as a string literal; wabt escapes every byte outside
// printable ASCII, plus '"' and '\', as \hh.
func (p *printer) quotedString(s string, next printNext) { p.quoted([]byte(s), next) }

func (p *printer) quoted(data []byte, next printNext) {
	const hex = "0123456789abcdef"
	p.writeNext()
	p.out = append(p.out, '"')
	for len(data) > 0 {
		// Long data goes out in pieces, never all buffered at once.
		chunk := data[:min(len(data), printFlushAt)]
		data = data[len(chunk):]
		start := 0
		for i, c := range chunk {
			if printEscaped[c] {
				p.out = append(p.out, chunk[start:i]...)
				p.out = append(p.out, '\\', hex[c>>4], hex[c&0xf])
				start = i + 1
			}
		}
		p.out = append(p.out, chunk[start:]...)
		if len(p.out) >= printFlushAt {
			p.flush()
		}
	}
	p.out = append(p.out, '"')
	p.next = next
}

var printEscaped = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\'
	}
	return t
}()

// spaceName returns the printed name of entity index of s, or "".
func (p *printer) spaceName(s *printIndexSpace, index uint32) string {
	if p.rawIndices {
		return ""
	}
	return s.get(index)
}

// ref writes a reference to entity index of space s: its name if it has
// one, else the index.
func (p *printer) ref(s *printIndexSpace, index uint32, next printNext) {
	if name := p.spaceName(s, index); name != "" {
		p.puts(name, next)
		return
	}
	p.putUint(uint64(index))
	p.next = next
}

// refUnlessZero is wabt's WriteVarUnlessZero: index 0 is omitted unless the
// entity is named (its reference then is a name, not the index 0).
func (p *printer) refUnlessZero(s *printIndexSpace, index uint32, next printNext) {
	if index == 0 && p.spaceName(s, 0) == "" {
		return
	}
	p.ref(s, index, next)
}

// memoryUnlessZero is wabt's WriteMemoryVarUnlessZero: memory 0 is omitted
// even when named.
func (p *printer) memoryUnlessZero(index uint32, next printNext) {
	if index != 0 {
		p.ref(&p.names.memories, index, next)
	} else {
		p.next = next
	}
}

// valType writes a value type; a concrete reference names its type.
func (p *printer) valType(t ir.ValType, next printNext) {
	if t.IsRef() && !t.Heap().IsAbstract() {
		p.open("ref", printSpace)
		if t.Nullable() {
			p.puts("null", printSpace)
		}
		p.ref(&p.names.types, t.Heap().Index(), printNone)
		p.close(next)
		return
	}
	p.puts(t.String(), next)
}

// heapType writes a heap type: its keyword, or the type's name or index.
func (p *printer) heapType(h ir.HeapType, next printNext) {
	if h.IsAbstract() {
		p.puts(h.String(), next)
		return
	}
	p.ref(&p.names.types, h.Index(), next)
}

// types writes "(name t1 t2 ...)", nothing for an empty list.
func (p *printer) types(ts []ir.ValType, name string) {
	if len(ts) == 0 {
		return
	}
	p.open(name, printSpace)
	for _, t := range ts {
		p.valType(t, printSpace)
	}
	p.close(printSpace)
}

func (p *printer) funcSig(ft *ir.FuncType) {
	if ft == nil {
		return
	}
	p.types(ft.Params, "param")
	p.types(ft.Results, "result")
}

// funcType returns m.Types[index], or nil when index is out of range.
func (p *printer) funcType(index uint32) *ir.FuncType {
	if uint64(index) < uint64(len(p.m.Types)) {
		return &p.m.Types[index].FuncType
	}
	return nil
}

func (p *printer) fail(pos ir.Pos, kind ir.ErrorKind, msg string) {
	if len(p.errs) < 10 {
		p.errs.Add(&ir.Error{Pos: pos, Kind: kind, Msg: msg})
	}
}
