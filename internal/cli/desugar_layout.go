package cli

import (
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// wat-desugar writes a module as its text laid it out. The parsed module
// keeps no text-only details, so they are read here from the text itself:
// a light scan of the s-expressions gives the order of the module fields
// (inline exports, imports and segments where they stand), which
// functions wrote "(type N)", and the labels of blocks (found at the
// positions the parser gives instructions).

// sexpToken is one token: "(", ")", a string or an atom, with its offset.
type sexpToken struct {
	kind  byte // '(', ')', '"' or 'a'
	start int
	text  string // atoms: the atom
}

// sexpTokens splits text into tokens, skipping white space and comments.
// It stops quietly at anything unterminated: the text has parsed already.
func sexpTokens(d []byte, start, end int) []sexpToken {
	var toks []sexpToken
	i := start
	for i < end {
		c := d[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == ';' && i+1 < end && d[i+1] == ';':
			for i < end && d[i] != '\n' {
				i++
			}
		case c == '(' && i+1 < end && d[i+1] == ';':
			i = skipSpaceAndComments(d[:end], i)
		case c == '(' || c == ')':
			toks = append(toks, sexpToken{kind: c, start: i})
			i++
		case c == '"':
			j := i + 1
			for j < end && d[j] != '"' {
				if d[j] == '\\' {
					j++
				}
				j++
			}
			toks = append(toks, sexpToken{kind: '"', start: i})
			i = j + 1
		default:
			j := i
			for j < end {
				b := d[j]
				if b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '(' || b == ')' || b == '"' ||
					b == ';' && j+1 < end && d[j+1] == ';' {
					break
				}
				j++
			}
			toks = append(toks, sexpToken{kind: 'a', start: i, text: string(d[i:j])})
			i = j
		}
	}
	return toks
}

// sexpForm is a parenthesised form: tokens[open] is its "(", close its ")".
type sexpForm struct {
	toks        []sexpToken
	open, close int
}

// keyword is the atom after the "(", "" if none.
func (f sexpForm) keyword() string {
	if f.open+1 < len(f.toks) && f.toks[f.open+1].kind == 'a' {
		return f.toks[f.open+1].text
	}
	return ""
}

// children returns the items inside the form after its first n tokens
// ("(" and the keyword: n = 2): forms, and atoms/strings as forms of one
// token (close == open).
func (f sexpForm) children(n int) []sexpForm {
	var out []sexpForm
	for i := f.open + n; i < f.close; {
		switch f.toks[i].kind {
		case '(':
			c := matchParen(f.toks, i)
			out = append(out, sexpForm{f.toks, i, c})
			i = c + 1
		default:
			out = append(out, sexpForm{f.toks, i, i})
			i++
		}
	}
	return out
}

func (f sexpForm) isForm() bool { return f.toks[f.open].kind == '(' }

func (f sexpForm) isAtom(prefix byte) bool {
	t := f.toks[f.open]
	return t.kind == 'a' && len(t.text) > 0 && t.text[0] == prefix
}

// matchParen returns the index of the ")" closing toks[open].
func matchParen(toks []sexpToken, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch toks[i].kind {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(toks) - 1
}

// textLayout reads the layout of the module whose text is
// src[start:end]. It returns nil (section order) if what it finds does not
// add up to the module, which a text the parser accepted never does.
func textLayout(s *ir.Source, m *ir.Module, start, end int) *wat.Layout {
	src := s.Data
	toks := sexpTokens(src, start, end)
	if len(toks) == 0 {
		return nil
	}
	var fields []sexpForm
	top := sexpForm{toks, 0, len(toks) - 1}
	if toks[0].kind == '(' && top.keyword() == "module" {
		top.close = matchParen(toks, 0)
		for _, c := range top.children(2) {
			if c.isForm() {
				fields = append(fields, c)
			}
		}
	} else {
		// Bare module fields.
		for i := 0; i < len(toks); {
			if toks[i].kind != '(' {
				i++
				continue
			}
			c := matchParen(toks, i)
			fields = append(fields, sexpForm{toks, i, c})
			i = c + 1
		}
	}
	l := &wat.Layout{ExplicitType: map[uint32]bool{}, ExplicitTagType: map[uint32]bool{}, Labels: map[ir.Pos]string{}}
	var n [12]uint32 // next index of each LayoutKind
	funcIndex, tagIndex := uint32(0), uint32(0)
	add := func(k wat.LayoutKind) {
		l.Fields = append(l.Fields, wat.LayoutField{Kind: k, Index: n[k]})
		n[k]++
	}
	for _, f := range fields {
		kw := f.keyword()
		switch kw {
		case "type":
			add(wat.LayoutType)
		case "rec":
			// The group's types take the next type indices.
			add(wat.LayoutRec)
			for _, c := range f.children(2) {
				if c.isForm() && c.keyword() == "type" {
					n[wat.LayoutType]++
				}
			}
		case "import":
			add(wat.LayoutImport)
			for _, c := range f.children(2) {
				if !c.isForm() {
					continue
				}
				switch c.keyword() {
				case "func":
					l.ExplicitType[funcIndex] = hasTypeUse(c)
					funcIndex++
				case "tag":
					l.ExplicitTagType[tagIndex] = hasTypeUse(c)
					tagIndex++
				}
			}
		case "export":
			add(wat.LayoutExport)
		case "start":
			add(wat.LayoutStart)
		case "elem":
			add(wat.LayoutElem)
		case "data":
			add(wat.LayoutData)
		case "func", "table", "memory", "global", "tag":
			var exports int
			imported, segment := false, false
			for _, c := range f.children(2) {
				if !c.isForm() {
					continue
				}
				switch c.keyword() {
				case "export":
					exports++
				case "import":
					imported = true
				case "elem":
					segment = kw == "table"
				case "data":
					segment = kw == "memory"
				}
			}
			kind := map[string]wat.LayoutKind{"func": wat.LayoutFunc, "table": wat.LayoutTable,
				"memory": wat.LayoutMemory, "global": wat.LayoutGlobal, "tag": wat.LayoutTag}[kw]
			if imported {
				kind = wat.LayoutImport
			}
			add(kind)
			switch kw {
			case "func":
				l.ExplicitType[funcIndex] = hasTypeUse(f)
				funcIndex++
			case "tag":
				l.ExplicitTagType[tagIndex] = hasTypeUse(f)
				tagIndex++
			}
			for range exports {
				add(wat.LayoutExport)
			}
			if segment {
				if kw == "table" {
					add(wat.LayoutElem)
				} else {
					add(wat.LayoutData)
				}
			}
		default:
			return nil
		}
	}
	start0 := uint32(0)
	if m.Start != nil {
		start0 = 1
	}
	if n[wat.LayoutImport] != uint32(len(m.Imports)) || n[wat.LayoutFunc] != uint32(len(m.Funcs)) ||
		n[wat.LayoutTable] != uint32(len(m.Tables)) || n[wat.LayoutMemory] != uint32(len(m.Memories)) ||
		n[wat.LayoutGlobal] != uint32(len(m.Globals)) || n[wat.LayoutExport] != uint32(len(m.Exports)) ||
		n[wat.LayoutStart] != start0 || n[wat.LayoutElem] != uint32(len(m.Elems)) ||
		n[wat.LayoutData] != uint32(len(m.Datas)) || n[wat.LayoutType] > uint32(len(m.Types)) ||
		n[wat.LayoutTag] != uint32(len(m.Tags)) || n[wat.LayoutRec] != uint32(len(m.Rec)) {
		return nil
	}
	for i := range m.Funcs {
		blockLabels(s, m.Funcs[i].Body, l.Labels)
	}
	l.ByName = map[ir.Pos]bool{}
	for _, e := range m.Elems {
		for _, item := range e.Init {
			if len(item) > 0 && idAfterKeyword(s, item[0].Pos) != "" {
				l.ByName[item[0].Pos] = true
			}
		}
	}
	return l
}

// hasTypeUse reports whether a func form (or an import's func
// description) writes "(type X)" among its leading forms.
func hasTypeUse(f sexpForm) bool {
	for _, c := range f.children(2) {
		if !c.isForm() {
			if c.isAtom('$') {
				continue
			}
			return false
		}
		switch c.keyword() {
		case "export", "import":
		case "type":
			return true
		default:
			return false
		}
	}
	return false
}

// blockLabels records the labels the text gave blocks, loops, ifs,
// try_tables and legacy trys, by position. Bodies still to look at wait on
// an explicit stack: nesting depth is the input's to choose.
func blockLabels(s *ir.Source, body []ir.Instr, labels map[ir.Pos]string) {
	stack := [][]ir.Instr{body}
	for len(stack) > 0 {
		body := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for i := range body {
			in := &body[i]
			switch in.Op.Info().Imm {
			case ir.ImmBlock, ir.ImmTryTable, ir.ImmTry:
				if name := idAfterKeyword(s, in.Pos); name != "" {
					labels[in.Pos] = name
				}
				stack = append(stack, in.Body)
				if els := in.ElseBody(); len(els) > 0 {
					stack = append(stack, els)
				}
				for _, h := range in.Handlers() {
					stack = append(stack, h.Body)
				}
			}
		}
	}
}

// idAfterKeyword returns the $id after the keyword at pos (a block's
// label, an instruction's first operand), without '$'.
func idAfterKeyword(s *ir.Source, pos ir.Pos) string {
	src := s.Data
	off := s.Position(pos).Offset
	if !pos.IsValid() || off < 0 || off >= len(src) {
		return ""
	}
	if src[off] == '(' {
		off = skipSpaceAndComments(src, off+1)
	}
	for off < len(src) && isIDChar(src[off]) {
		off++
	}
	off = skipSpaceAndComments(src, off)
	if off >= len(src) || src[off] != '$' {
		return ""
	}
	end := off + 1
	for end < len(src) && isIDChar(src[end]) {
		end++
	}
	return string(src[off+1 : end])
}

// isIDChar reports whether c may appear in a keyword or $id.
func isIDChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '/', ':', '<', '=', '>', '?', '@', '\\', '^', '_', '`', '|', '~':
		return true
	}
	return false
}
