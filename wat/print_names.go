package wat

import (
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/watt-wasm/watt/ir"
)

// printIndexSpace holds the printed names of one index space: "$name" (already
// made a valid identifier) per index, "" for an unnamed entity. names is
// nil when nothing in the space is named.
type printIndexSpace struct {
	names []string
	orig  map[uint32]string // debug names the printed ones differ from (uniquified, sanitized)
}

func (s *printIndexSpace) get(index uint32) string {
	if uint64(index) < uint64(len(s.names)) {
		return s.names[index]
	}
	return ""
}

// printNames is everything the printer knows about names and index spaces,
// computed once before writing.
type printNames struct {
	module                                                      string
	types, funcs, tables, memories, globals, elems, datas, tags printIndexSpace
	fields                                                      map[uint32]printIndexSpace // by type index
	imported                                                    [5]int                     // imports by kind
	importsByKind                                               [5][]int                   // positions in m.Imports, by kind
	funcTypes                                                   []uint32                   // type index of every function
}

// printBinder assigns names in one index space the way wabt does: debug
// names first (a duplicate gets ".1", ".2", ... as wabt's binary reader
// gives it), then, with --generate-names, names derived from imports and
// exports and finally from the index ($f0), disambiguated with "_1", ...
//
// Names are made valid identifiers (printSanitize) before they are bound,
// where wabt 1.0.32 does it only when writing: two names that differ only
// in invalid characters would otherwise come out as one identifier, which
// wabt then writes twice. Where wabt's output is valid text, the two agree.
type printBinder struct {
	raw    []string // "$name" per index
	taken  map[string]bool
	orig   map[uint32]string
	quoted bool // PrintOptions.QuotedNames
}

func newPrintBinder(n int) *printBinder {
	return &printBinder{raw: make([]string, n), taken: make(map[string]bool)}
}

// id is the identifier of debug name name.
func (b *printBinder) id(name string) string { return printDebugID(name, b.quoted) }

// debug binds the name-section names of the space.
func (b *printBinder) debug(names ir.NameMap) {
	if len(names) == 0 {
		return
	}
	// The name section lists indices in increasing order; uniquify in it.
	for _, i := range slices.Sorted(maps.Keys(names)) {
		if uint64(i) >= uint64(len(b.raw)) || names[i] == "" {
			continue
		}
		unique := b.id(names[i])
		for n := 1; b.taken[unique]; n++ {
			unique = b.id(names[i] + "." + strconv.Itoa(n))
		}
		if unique != b.id(names[i]) && utf8.ValidString(names[i]) {
			if b.orig == nil {
				b.orig = map[uint32]string{}
			}
			b.orig[i] = names[i]
		}
		b.raw[i] = unique
		b.taken[unique] = true
	}
}

// use names entity i after an import or export, unless it is named.
func (b *printBinder) use(i uint32, name string) {
	if uint64(i) >= uint64(len(b.raw)) || b.raw[i] != "" || name == "" {
		return
	}
	b.bind(i, printSanitize("$"+name))
}

// generate names entity i "$<prefix><i>" unless it is named.
func (b *printBinder) generate(prefix string, i int) {
	if b.raw[i] == "" {
		b.bind(uint32(i), "$"+prefix+strconv.Itoa(i))
	}
}

func (b *printBinder) generateAll(prefix string) {
	for i := range b.raw {
		b.generate(prefix, i)
	}
}

func (b *printBinder) bind(i uint32, base string) {
	name := base
	for d := 1; b.taken[name]; d++ {
		name = base + "_" + strconv.Itoa(d)
	}
	b.raw[i] = name
	b.taken[name] = true
}

// space returns the printable names, or an empty space if none is set.
func (b *printBinder) space() printIndexSpace {
	for _, s := range b.raw {
		if s != "" {
			return printIndexSpace{names: b.raw, orig: b.orig}
		}
	}
	return printIndexSpace{}
}

func printBuildNames(m *ir.Module, opts PrintOptions) *printNames {
	n := &printNames{}
	for i := range m.Imports {
		if k := m.Imports[i].Kind; k <= ir.ExternTag {
			n.importsByKind[k] = append(n.importsByKind[k], i)
			n.imported[k]++
		}
	}
	n.funcTypes = make([]uint32, 0, n.imported[ir.ExternFunc]+len(m.Funcs))
	for _, i := range n.importsByKind[ir.ExternFunc] {
		n.funcTypes = append(n.funcTypes, m.Imports[i].Func)
	}
	for i := range m.Funcs {
		n.funcTypes = append(n.funcTypes, m.Funcs[i].Type)
	}
	debug := !opts.NoDebugNames
	if !debug && !opts.GenerateNames {
		return n
	}
	if debug && m.Name != "" {
		n.module = printDebugID(m.Name, opts.QuotedNames)
	}
	types := newPrintBinder(len(m.Types))
	funcs := newPrintBinder(len(n.funcTypes))
	tables := newPrintBinder(n.imported[ir.ExternTable] + len(m.Tables))
	memories := newPrintBinder(n.imported[ir.ExternMemory] + len(m.Memories))
	globals := newPrintBinder(n.imported[ir.ExternGlobal] + len(m.Globals))
	elems := newPrintBinder(len(m.Elems))
	datas := newPrintBinder(len(m.Datas))
	tags := newPrintBinder(n.imported[ir.ExternTag] + len(m.Tags))
	byKind := [5]*printBinder{funcs, tables, memories, globals, tags}
	for _, b := range []*printBinder{types, funcs, tables, memories, globals, elems, datas, tags} {
		b.quoted = opts.QuotedNames
	}
	if debug {
		tags.debug(m.Names.Tags)
		for ti, fnames := range m.Names.Fields {
			if uint64(ti) >= uint64(len(m.Types)) {
				continue
			}
			fb := newPrintBinder(len(m.Types[ti].Fields))
			fb.quoted = opts.QuotedNames
			fb.debug(fnames)
			if sp := fb.space(); sp.names != nil {
				if n.fields == nil {
					n.fields = map[uint32]printIndexSpace{}
				}
				n.fields[ti] = sp
			}
		}
		types.debug(m.Names.Types)
		funcs.debug(m.Names.Funcs)
		tables.debug(m.Names.Tables)
		memories.debug(m.Names.Memories)
		globals.debug(m.Names.Globals)
		elems.debug(m.Names.Elems)
		datas.debug(m.Names.Datas)
	}
	if opts.GenerateNames {
		// wabt's order: imports, exports, then every space by index. Each
		// space binds on its own, so only the order within one matters.
		for k, imps := range n.importsByKind {
			for i, at := range imps {
				imp := &m.Imports[at]
				byKind[k].use(uint32(i), imp.Module+"."+imp.Name)
			}
		}
		for i := range m.Exports {
			if e := &m.Exports[i]; e.Kind <= ir.ExternTag {
				// An empty export name would give a bare "$", which is not
				// an identifier; wabt after 1.0.32 skips it too.
				byKind[e.Kind].use(e.Index, e.Name)
			}
		}
		globals.generateAll("g")
		types.generateAll("t")
		funcs.generateAll("f")
		tables.generateAll("T")
		memories.generateAll("M")
		datas.generateAll("d")
		elems.generateAll("e")
		tags.generateAll("e")
	}
	n.types, n.funcs, n.tables, n.memories = types.space(), funcs.space(), tables.space(), memories.space()
	n.globals, n.elems, n.datas, n.tags = globals.space(), elems.space(), datas.space(), tags.space()
	return n
}

// printDebugID is the identifier for a debug name (a $id of the text or a
// name section entry): $name when every character may appear in a plain
// identifier; else, with quoted (PrintOptions.QuotedNames), the quoted
// form $"…" of WebAssembly 3.0, which keeps the name as it is; else the
// name with such characters replaced by '_', as wabt 1.0.32 (which
// predates quoted identifiers) writes it. A name that is not UTF-8 cannot
// be quoted and is always sanitized.
func printDebugID(name string, quoted bool) string {
	if !quoted || name == printSanitize(name) || !utf8.ValidString(name) {
		return printSanitize("$" + name)
	}
	b := append(make([]byte, 0, len(name)+3), '$', '"')
	const hex = "0123456789abcdef"
	for i := 0; i < len(name); i++ {
		if c := name[i]; printEscaped[c] {
			b = append(b, '\\', hex[c>>4], hex[c&0xf])
		} else {
			b = append(b, c)
		}
	}
	return string(append(b, '"'))
}

// printValidName reports whether c may appear in an identifier, as wabt's
// lexer decides: printable ASCII except space and "(),;[]{}.
var printValidName = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = true
	}
	for _, c := range "\"(),;[]{}" {
		t[c] = false
	}
	return t
}()

// printSanitize replaces every byte that cannot appear in an identifier
// with '_', as wabt does when it writes a debug name.
func printSanitize(name string) string {
	for i := 0; i < len(name); i++ {
		if !printValidName[name[i]] {
			b := []byte(name)
			for j := i; j < len(b); j++ {
				if !printValidName[b[j]] {
					b[j] = '_'
				}
			}
			return string(b)
		}
	}
	return name
}

// printLocalNames names a function's parameters and locals.
type printLocalNames struct {
	raw      map[uint32]string // debug names, "$x", valid and unique
	taken    map[string]bool
	generate bool
	params   uint32
	total    uint64   // parameters and locals; other indices stay unnamed
	made     []string // generated names by index, filled on first use
}

// newPrintLocalNames returns nil when the function's locals are unnamed.
func (p *printer) newPrintLocalNames(funcIndex uint32, params uint32, total uint64) *printLocalNames {
	var debug ir.NameMap
	if !p.opts.NoDebugNames {
		debug = p.m.Names.Locals[funcIndex]
	}
	if len(debug) == 0 && !p.opts.GenerateNames {
		return nil
	}
	l := &printLocalNames{generate: p.opts.GenerateNames, params: params, total: total}
	if len(debug) > 0 {
		l.raw = make(map[uint32]string, len(debug))
		l.taken = make(map[string]bool, len(debug))
		for _, i := range slices.Sorted(maps.Keys(debug)) {
			if debug[i] == "" || uint64(i) >= total {
				continue
			}
			unique := printDebugID(debug[i], p.opts.QuotedNames)
			for n := 1; l.taken[unique]; n++ {
				unique = printDebugID(debug[i]+"."+strconv.Itoa(n), p.opts.QuotedNames)
			}
			l.raw[i] = unique
			l.taken[unique] = true
		}
	}
	return l
}

// name returns local i's name as declared ("" when unnamed). A generated
// name "$p3"/"$l3" is disambiguated only against the debug names: two
// generated names never collide, their numbers differ.
func (l *printLocalNames) name(i uint32) string {
	if l == nil || uint64(i) >= l.total {
		return ""
	}
	if s, ok := l.raw[i]; ok {
		return s
	}
	if !l.generate {
		return ""
	}
	if i < uint32(len(l.made)) && l.made[i] != "" {
		return l.made[i]
	}
	if l.made == nil {
		l.made = make([]string, min(l.total, 1<<16))
	}
	prefix := "$l"
	if i < l.params {
		prefix = "$p"
	}
	base := prefix + strconv.FormatUint(uint64(i), 10)
	name := base
	for d := 1; l.taken[name]; d++ {
		name = base + "_" + strconv.Itoa(d)
	}
	if i < uint32(len(l.made)) {
		l.made[i] = name
	}
	return name
}
