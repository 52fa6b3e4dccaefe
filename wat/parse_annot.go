package wat

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/watt-wasm/watt/ir"
)

// Annotations with a meaning. The scanner skips every annotation and notes
// that it did; next() then collects the ones the parser knows into
// p.annots (readAnnots). The construct they belong to takes them while the
// token after them is current:
//
//   - (@custom "name" (before|after section)? "bytes"*) between module
//     fields → ir.Custom (takeCustoms, in parseModuleFields);
//   - (@name "text") right after `module $id?` or a field's `$id?` → the
//     name section's name for that entity (takeName);
//   - (@metadata.code.NAME "bytes"*) before an instruction → Instr.Meta
//     (takeMeta, at the start of every instruction).
//
// One nothing took is misplaced, as the spec interpreter's custom handlers
// say; that is found when the next annotations come or the module ends
// (the spec interpreter too looks at annotations after parsing the
// module), so the token path pays nothing for it. Every other annotation
// is ignored.

const metaPrefix = "metadata.code."

// readAnnots looks into the gap [from, p.tok.start) before the current
// token for annotations.
func (p *parser) readAnnots(from int) {
	if !p.features.Has(ir.FeatureAnnotations) {
		first := -1
		scanGapAnnots(p.data, from, p.tok.start, func(_ string, start, _ int) {
			if first < 0 {
				first = start
			}
		})
		p.failAt(max(first, from), "annotation requires "+ir.FeatureAnnotations.Flag())
	}
	if p.annotsOff {
		return
	}
	if len(p.annots) > 0 {
		p.misplacedAnnot() // earlier ones nothing took
	}
	p.annotsAt = p.tok.start
	scanGapAnnots(p.data, from, p.tok.start, func(id string, start, end int) {
		switch {
		case id == "custom" || id == "name":
		case strings.HasPrefix(id, metaPrefix) && p.features.Has(ir.FeatureCodeMetadata):
		default:
			return
		}
		p.annots = append(p.annots, parseAnnot{id: id, start: start, end: end, inFunc: p.inFunc})
	})
}

// misplacedAnnot reports the first annotation nothing took.
func (p *parser) misplacedAnnot() {
	a := p.annots[0]
	p.annots = p.annots[:0]
	switch {
	case a.id == "custom" || a.id == "name":
		p.failAt(a.start, "misplaced @"+a.id+" annotation")
	case !a.inFunc:
		p.failAt(a.start, "@"+a.id+" annotation: not in a function")
	}
	p.failAt(a.start, "@"+a.id+" annotation: misplaced annotation")
}

// take removes and returns the pending annotations with id (or, with
// prefix, ids starting with it).
func (p *parser) take(id string, prefix bool, dst []parseAnnot) []parseAnnot {
	if p.annotsAt != p.tok.start {
		p.misplacedAnnot() // they precede an earlier token
	}
	keep := p.annots[:0]
	for _, a := range p.annots {
		if a.id == id || prefix && strings.HasPrefix(a.id, id) {
			dst = append(dst, a)
		} else {
			keep = append(keep, a)
		}
	}
	p.annots = keep
	return dst
}

// annotItem is one item of an annotation's body: a token, or a
// parenthesised group (kind scanLParen, the group's tokens in sub).
type annotItem struct {
	tok scanToken
	sub []scanToken
}

// annotItems splits the body of annotation a into items; nested groups
// are kept one level deep, which is all the known annotations need.
func (p *parser) annotItems(a parseAnnot) []annotItem {
	_, body, _ := scanAnnotID(p.data, a.start)
	s := scanner{src: p.data[:a.end], off: body}
	var items []annotItem
	depth := 0
	for {
		t := s.next()
		switch t.kind {
		case scanEOF, scanError:
			return items
		case scanLParen:
			depth++
			if depth == 1 {
				items = append(items, annotItem{tok: t})
				continue
			}
		case scanRParen:
			if depth == 0 {
				return items
			}
			depth--
			continue
		}
		if depth == 0 {
			items = append(items, annotItem{tok: t})
		} else if depth == 1 {
			it := &items[len(items)-1]
			it.sub = append(it.sub, t)
		}
	}
}

func (p *parser) tokString(t scanToken) ([]byte, bool) {
	if t.kind != scanString {
		return nil, false
	}
	return literalString(nil, p.tokText(t)), true
}

// takeCustoms turns the pending @custom annotations into custom sections.
func (p *parser) takeCustoms() {
	if len(p.annots) == 0 {
		return
	}
	var buf [4]parseAnnot
	for _, a := range p.take("custom", false, buf[:0]) {
		p.parseCustomAnnot(a)
	}
}

// customSections is the binary section order, by the names @custom's
// placement uses, with their section ids.
var customSections = []struct {
	name string
	id   byte
}{
	{"type", 1}, {"import", 2}, {"func", 3}, {"table", 4}, {"memory", 5}, {"tag", 13},
	{"global", 6}, {"export", 7}, {"start", 8}, {"elem", 9}, {"datacount", 12}, {"code", 10}, {"data", 11},
}

// parseCustomAnnot reads (@custom "name" (before|after section)? "bytes"*).
// Custom.After is the id of the known section the custom one follows
// (before X is after the section preceding X); customOrder keeps the finer
// order (after X before before Y) for sorting.
func (p *parser) parseCustomAnnot(a parseAnnot) {
	const what = "@custom annotation: "
	items := p.annotItems(a)
	if len(items) == 0 {
		p.failAt(a.start, what+"missing section name")
	}
	name, ok := p.tokString(items[0].tok)
	if !ok {
		p.failAt(a.start, what+"missing section name")
	}
	if !utf8.Valid(name) {
		p.failAt(items[0].tok.start, what+"malformed UTF-8 encoding")
	}
	items = items[1:]
	order := 2*(len(customSections)-1) + 1 // after the last section
	if len(items) > 0 && items[0].tok.kind == scanLParen {
		g := items[0]
		items = items[1:]
		if len(g.sub) == 0 || g.sub[0].kind != scanKeyword {
			p.failAt(g.tok.start, what+"malformed placement")
		}
		after := false
		switch scanTransient(p.tokText(g.sub[0])) {
		case "before":
		case "after":
			after = true
		default:
			p.failAt(g.tok.start, what+"malformed placement")
		}
		sec := -1
		if len(g.sub) >= 2 && g.sub[1].kind == scanKeyword {
			switch kw := scanTransient(p.tokText(g.sub[1])); kw {
			case "first":
				sec = 0
			case "last":
				sec = len(customSections) - 1
			default:
				for i, s := range customSections {
					if s.name == kw {
						sec = i
					}
				}
			}
		}
		if sec < 0 {
			p.failAt(g.tok.start, what+"malformed section kind")
		}
		if len(g.sub) > 2 {
			p.failAt(g.sub[2].start, what+"unexpected token")
		}
		order = 2 * sec
		if after {
			order++
		}
	}
	var data []byte
	for _, it := range items {
		if it.tok.kind != scanString {
			p.failAt(it.tok.start, what+"unexpected token")
		}
		data = literalString(data, p.tokText(it.tok))
	}
	after := byte(0)
	if order%2 == 1 {
		after = customSections[order/2].id
	} else if order > 0 {
		after = customSections[order/2-1].id
	}
	if data == nil {
		data = []byte{}
	}
	st := p.mod
	st.m.Customs = append(st.m.Customs, ir.Custom{Name: string(name), Data: data, After: after, Pos: ir.PosAt(a.start)})
	st.customOrder = append(st.customOrder, order)
}

// sortCustoms orders the custom sections by placement, stably: the order
// in which they would appear in the binary.
func (st *parseModuleState) sortCustoms() {
	cs, order := st.m.Customs, st.customOrder
	if len(cs) < 2 || slices.IsSorted(order) {
		return
	}
	idx := make([]int, len(cs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return order[a] - order[b] })
	sorted := make([]ir.Custom, len(cs))
	for i, j := range idx {
		sorted[i] = cs[j]
	}
	st.m.Customs = sorted
}

// takeName returns the text of a pending (@name "…") annotation, "" if
// there is none; two are an error.
func (p *parser) takeName(what string) (string, bool) {
	if len(p.annots) == 0 {
		return "", false
	}
	var buf [2]parseAnnot
	as := p.take("name", false, buf[:0])
	if len(as) == 0 {
		return "", false
	}
	if len(as) > 1 {
		p.failAt(as[1].start, "@name annotation: multiple "+what+" names")
	}
	a := as[0]
	items := p.annotItems(a)
	if len(items) == 0 {
		p.failAt(a.start, "@name annotation: string expected")
	}
	b, ok := p.tokString(items[0].tok)
	if !ok {
		p.failAt(items[0].tok.start, "@name annotation: string expected")
	}
	if !utf8.Valid(b) {
		p.failAt(items[0].tok.start, "malformed UTF-8 encoding")
	}
	if len(items) > 1 {
		p.failAt(items[1].tok.start, "@name annotation: unexpected token")
	}
	return string(b), true
}

// nameAnnot sets entity idx's name from a pending (@name "…"), which
// overrides its $id in the name section.
func (p *parser) nameAnnot(nm *ir.NameMap, idx uint32) {
	if name, ok := p.takeName("entity"); ok {
		if *nm == nil {
			*nm = ir.NameMap{}
		}
		(*nm)[idx] = name
	}
}

// takeMeta returns the code metadata annotations before the current
// instruction (nil if none).
func (p *parser) takeMeta() []ir.CodeMeta {
	if len(p.annots) == 0 {
		return nil
	}
	var buf [2]parseAnnot
	as := p.take(metaPrefix, true, buf[:0])
	if len(as) == 0 {
		return nil
	}
	meta := make([]ir.CodeMeta, 0, len(as))
	for _, a := range as {
		what := "@" + a.id + " annotation: "
		if !p.inFunc {
			p.failAt(a.start, what+"not in a function") // a global's or segment's expression
		}
		name := strings.TrimPrefix(a.id, metaPrefix)
		for _, m := range meta {
			if m.Name == name {
				p.failAt(a.start, what+"duplicate annotation")
			}
		}
		data := []byte{}
		for _, it := range p.annotItems(a) {
			if it.tok.kind != scanString {
				p.failAt(it.tok.start, what+"unexpected token")
			}
			data = literalString(data, p.tokText(it.tok))
		}
		if name == "branch_hint" && (len(data) != 1 || data[0] > 1) {
			p.failAt(a.start, what+"invalid hint value")
		}
		meta = append(meta, ir.CodeMeta{Name: strings.Clone(name), Data: data})
	}
	return meta
}
