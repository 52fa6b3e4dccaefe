package wat

import (
	"encoding/binary"
	"math"

	"github.com/watt-wasm/watt/ir"
)

// parseSpace is a module-level index space that $ids name.
type parseSpace uint8

const (
	spaceFunc parseSpace = iota
	spaceTable
	spaceMemory
	spaceGlobal
	spaceType
	spaceElem
	spaceData
	spaceTag
	numSpaces
)

// spaceNoun is used in "duplicate func" (the spec's wording).
var spaceNoun = [numSpaces]string{"func", "table", "memory", "global", "type", "elem", "data", "tag"}

// spaceUnknown is used in "unknown function $f".
var spaceUnknown = [numSpaces]string{"function", "table", "memory", "global", "type", "elem segment", "data segment", "tag"}

// parseModuleState is what the parser knows about the module being built.
// Module-level $ids are collected by a first, cheap pass over the fields
// (resolveCollect), so that the second pass resolves every reference as it
// goes, forward references included.
type parseModuleState struct {
	m     *ir.Module
	names [numSpaces]map[string]uint32
	count [numSpaces]uint32 // entities seen so far in the collecting pass

	// Definitions seen so far in the main pass: imports must precede them.
	sawFunc, sawTable, sawMemory, sawGlobal, sawTag bool

	customOrder []int // placement order of each of m.Customs (see parseCustomAnnot)

	// Per-function state.
	locals      map[string]uint32
	numLocals   uint32
	localNames  ir.NameMap
	labels      []parseLabel
	labelTop    map[string]int // label name -> index of its innermost use in labels
	paramsBuf   []ir.ValType
	resultsBuf  []ir.ValType
	paramNames  []parseParamName
	typeIndexOf map[string]uint32 // signature key -> first type with it
	sigKey      []byte

	// typeFields are the offsets of the (type …) and (rec …) fields, which
	// the collecting pass parses after it has defined every type name.
	typeFields []int
	// fields maps a type's field names to field indices, by type index.
	fields map[uint32]map[string]uint32

	// spans are the extents of the module fields, from the collecting
	// pass; the main pass uses them to defer function bodies and data
	// segments to parallel workers (parse_parallel.go).
	spans []parseSpan
	// internAt is the offset of the type use that appended each implicit
	// type, by type index: a deferred body may use such a type only if it
	// was appended before the body in the text (else the types would be
	// numbered in another order than a sequential parse gives).
	internAt map[uint32]int
	// worker marks the state of a parallel worker: it reads the module's
	// names and types but never appends a type (internType bails out
	// instead, and the module is parsed again sequentially).
	worker bool
	// jobs are the deferred bodies and segments of the main pass, and
	// deferring says that the main pass makes them.
	jobs      []parseJob
	deferring bool
}

// presize gives the slices of the module's definitions room for the
// counts the collecting pass found (imports included), so that appending
// never copies them.
func (st *parseModuleState) presize() {
	m, c := st.m, &st.count
	if c[spaceFunc] > 0 {
		m.Funcs = make([]ir.Func, 0, c[spaceFunc])
	}
	if c[spaceData] > 0 {
		m.Datas = make([]ir.Data, 0, c[spaceData])
	}
	if c[spaceElem] > 0 {
		m.Elems = make([]ir.Elem, 0, c[spaceElem])
	}
	if c[spaceGlobal] > 0 {
		m.Globals = make([]ir.Global, 0, c[spaceGlobal])
	}
}

// trimEmpty sets the definition slices presize made that stayed empty
// (all imports) back to nil, as a module without them has.
func (st *parseModuleState) trimEmpty() {
	m := st.m
	if len(m.Funcs) == 0 {
		m.Funcs = nil
	}
	if len(m.Datas) == 0 {
		m.Datas = nil
	}
	if len(m.Elems) == 0 {
		m.Elems = nil
	}
	if len(m.Globals) == 0 {
		m.Globals = nil
	}
}

// parseSpan is the extent [open, end) of a module field.
type parseSpan struct{ open, end uint32 }

// parseLabel is a block label on the label stack: its name (from idKey, ""
// for unnamed blocks) and the stack index of the outer label it shadows
// (-1 if none).
type parseLabel struct {
	name string
	prev int
}

type parseParamName struct {
	name  string
	index uint32
	off   int
}

func newModuleState() *parseModuleState {
	return &parseModuleState{m: &ir.Module{}}
}

// define records name for the next entity of space; off is where the $id is.
func (p *parser) define(space parseSpace, name string, off int) {
	st := p.mod
	idx := st.count[space]
	st.count[space]++
	if name == "" {
		return
	}
	if st.names[space] == nil {
		st.names[space] = make(map[string]uint32)
	}
	if _, dup := st.names[space][name]; dup {
		p.failAt(off, "duplicate "+spaceNoun[space]+" $"+name)
	}
	st.names[space][name] = idx
}

// parseIndex reads an index into space: a number or a defined $id.
func (p *parser) parseIndex(space parseSpace) uint32 {
	switch p.tok.kind {
	case scanNumber:
		return p.parseU32()
	case scanID:
		name := p.idKey(p.tok)
		idx, ok := p.mod.names[space][name]
		if !ok {
			p.fail("unknown " + spaceUnknown[space] + " " + p.tokenSnippet())
		}
		p.next()
		return idx
	}
	p.unexpected("a " + spaceUnknown[space] + " index")
	return 0
}

// isIndex reports whether the current token can start an index.
func (p *parser) isIndex() bool { return p.tok.kind == scanNumber || p.tok.kind == scanID }

// resolveCollect is the first pass over the module fields starting at the
// current token: it defines every module-level $id in index order and parses
// type definitions (their indices come before any implicit type). It stops
// at the token ending the field list, and the caller rewinds.
func (p *parser) resolveCollect() {
	for p.tok.kind == scanLParen {
		open := p.tok.start
		p.next()
		if p.tok.kind != scanKeyword {
			p.unexpected("a module field")
		}
		kw := scanTransient(p.text())
		p.next()
		switch kw {
		case "type":
			name, off, _ := p.optID()
			p.define(spaceType, name, off)
			p.mod.typeFields = append(p.mod.typeFields, open)
		case "rec":
			for p.tok.kind == scanLParen {
				child := p.tok.start
				p.next()
				if p.isKeyword("type") {
					p.next()
					name, off, _ := p.optID()
					p.define(spaceType, name, off)
				}
				p.skipForm(child)
			}
			p.mod.typeFields = append(p.mod.typeFields, open)
		case "tag":
			name, off, _ := p.optID()
			p.define(spaceTag, name, off)
		case "func":
			name, off, _ := p.optID()
			p.define(spaceFunc, name, off)
		case "table", "memory":
			space, inline, inlineSpace := spaceTable, "elem", spaceElem
			if kw == "memory" {
				space, inline, inlineSpace = spaceMemory, "data", spaceData
			}
			name, off, _ := p.optID()
			p.define(space, name, off)
			// An inline (elem …) or (data …) defines an unnamed segment.
			for p.tok.kind != scanRParen && p.tok.kind != scanEOF {
				if p.tok.kind == scanLParen {
					if p.isOpen(inline) {
						p.define(inlineSpace, "", 0)
					}
					child := p.tok.start
					p.next()
					p.skipForm(child)
					continue
				}
				p.next()
			}
		case "global":
			name, off, _ := p.optID()
			p.define(spaceGlobal, name, off)
		case "elem":
			name, off, _ := p.optID()
			p.define(spaceElem, name, off)
		case "data":
			name, off, _ := p.optID()
			p.define(spaceData, name, off)
		case "import":
			if p.tok.kind == scanString {
				p.next()
			}
			if p.tok.kind == scanString {
				p.next()
			}
			if p.tok.kind == scanLParen {
				child := p.tok.start
				p.next()
				space := numSpaces
				switch {
				case p.isKeyword("func"):
					space = spaceFunc
				case p.isKeyword("table"):
					space = spaceTable
				case p.isKeyword("memory"):
					space = spaceMemory
				case p.isKeyword("global"):
					space = spaceGlobal
				case p.isKeyword("tag"):
					space = spaceTag
				}
				if space != numSpaces {
					p.next()
					name, off, _ := p.optID()
					p.define(space, name, off)
				}
				p.skipForm(child)
			}
		}
		end := p.skipForm(open)
		if end <= math.MaxUint32 { // positions are 32-bit anyway
			p.mod.spans = append(grown(p.mod.spans), parseSpan{uint32(open), uint32(end)})
		}
	}
}

// parseTypeUse reads `(type x)? (param …)* (result …)*` and returns the
// function type index, with wabt's rules: an explicit index must agree
// with inline params and results ("inline function type"); without one the
// first identical type is reused, else a new type is appended. If
// withNames, named params are recorded in the state's paramNames.
// blockType selects the block form: it returns ok=false when the signature
// has no params and at most one result, which blocks encode without a type.
func (p *parser) parseTypeUse(withNames, blockType bool) (idx uint32, ft ir.FuncType, ok bool) {
	st := p.mod
	hasIndex := false
	var indexOff int
	if p.isOpen("type") {
		p.next()
		p.next()
		indexOff = p.tok.start
		idx = p.parseIndex(spaceType)
		hasIndex = true
		p.expectRParen()
	}
	params, results := st.paramsBuf[:0], st.resultsBuf[:0]
	st.paramNames = st.paramNames[:0]
	inline := false
	for p.isOpen("param") {
		inline = true
		p.next()
		p.next()
		if p.tok.kind == scanID {
			if !withNames {
				p.fail("unexpected token " + p.tokenSnippet() + ", named parameters are not allowed here")
			}
			name, off, _ := p.optID()
			st.paramNames = append(st.paramNames, parseParamName{name, uint32(len(params)), off})
			params = append(params, p.parseValType())
		} else {
			for p.tok.kind != scanRParen {
				params = append(params, p.parseValType())
			}
		}
		p.expectRParen()
	}
	for p.isOpen("result") {
		inline = true
		p.next()
		p.next()
		for p.tok.kind != scanRParen {
			results = append(results, p.parseValType())
		}
		p.expectRParen()
	}
	if p.isOpen("param") || p.isOpen("type") {
		// Out of order: type, then params, then results.
		p.next()
		p.unexpected("(result … ) or the end of the type use")
	}
	st.paramsBuf, st.resultsBuf = params, results
	m := st.m
	if hasIndex {
		if uint64(idx) >= uint64(len(m.Types)) {
			// Without an inline signature the validator reports it.
			if inline {
				p.failAt(indexOff, "unknown type")
			}
			return idx, ir.FuncType{}, true
		}
		if inline && !(ir.FuncType{Params: params, Results: results}).Equal(m.Types[idx].FuncType) {
			p.failAt(indexOff, "inline function type does not match (type "+parseItoa(uint64(idx))+")")
		}
		return idx, m.Types[idx].FuncType, true
	}
	if blockType && len(params) == 0 && len(results) <= 1 {
		return 0, ir.FuncType{Results: results}, false
	}
	idx = p.internType(params, results)
	return idx, m.Types[idx].FuncType, true
}

// internType returns the index of the first type equal to params→results,
// appending a copy if there is none (wabt's implicit type definitions; the
// spec's too: a type is reused only if it is a function type, final,
// without supertypes and alone in its recursion group, and new ones are
// appended after all explicit ones in order of use). A map keyed by the
// encoded signature keeps this O(1) per use.
func (p *parser) internType(params, results []ir.ValType) uint32 {
	st := p.mod
	m := st.m
	if st.typeIndexOf == nil {
		st.initTypeIndex()
	}
	st.sigKey = parseSigKey(st.sigKey[:0], params, results)
	i, ok := st.typeIndexOf[scanTransient(st.sigKey)]
	if st.worker {
		if at, implicit := st.internAt[i]; !ok || implicit && at > p.tok.start {
			panic(parseBailout{&ir.Error{Src: p.src, Pos: ir.PosAt(p.tok.start), Kind: ir.Malformed, Msg: "deferred type use"}})
		}
		return i
	}
	if ok {
		return i
	}
	m.Types = append(m.Types, ir.FuncTypeDef(ir.FuncType{
		Params:  append([]ir.ValType(nil), params...),
		Results: append([]ir.ValType(nil), results...),
	}))
	i = uint32(len(m.Types) - 1)
	st.typeIndexOf[string(st.sigKey)] = i
	if st.internAt == nil {
		st.internAt = map[uint32]int{}
	}
	st.internAt[i] = p.tok.start
	return i
}

// initTypeIndex indexes the types defined so far (the explicit ones) by
// signature, for internType.
func (st *parseModuleState) initTypeIndex() {
	m := st.m
	st.typeIndexOf = make(map[string]uint32, len(m.Types)+8)
	inGroup := parseTypesInGroups(m)
	for i := range m.Types {
		td := &m.Types[i]
		if td.Kind != ir.CompFunc || td.Open || len(td.Supers) > 0 || inGroup != nil && inGroup[i] {
			continue // the spec reuses only final singleton function types
		}
		key := string(parseSigKey(nil, td.Params, td.Results))
		if _, dup := st.typeIndexOf[key]; !dup {
			st.typeIndexOf[key] = uint32(i)
		}
	}
}

// sigKey encodes a signature as bytes: params, a separator, results,
// four bytes per value type (which is never 0).
func parseSigKey(dst []byte, params, results []ir.ValType) []byte {
	for _, t := range params {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(t))
	}
	dst = append(dst, 0, 0, 0, 0)
	for _, t := range results {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(t))
	}
	return dst
}

func parseItoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}

// parseTypesInGroups marks the types that are members of an explicit
// recursion group of more than one type.
func parseTypesInGroups(m *ir.Module) []bool {
	if len(m.Rec) == 0 {
		return nil
	}
	in := make([]bool, len(m.Types))
	for _, g := range m.Rec {
		if g.Count > 1 {
			for i := g.Start; i < g.Start+g.Count && int(i) < len(in); i++ {
				in[i] = true
			}
		}
	}
	return in
}
