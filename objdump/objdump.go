// Package objdump prints what is inside WebAssembly binary modules, as
// wabt 1.0.32's wasm-objdump does, byte for byte: section headers (-h),
// section details (-x), the disassembly of function bodies (-d) and raw
// section contents (-s).
//
// Like wabt's tool it reads the binary in several passes over the same
// bytes: a first one collects names (from imports, exports and the name
// section) and prints the file line, then one per requested view. It
// reads the binary format only as far as printing needs: modules need not
// be valid, and every instruction of the opcode table (ir) is known.
package objdump

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Options select what Dump prints, as wasm-objdump's flags do.
type Options struct {
	Headers        bool   // -h: one line per section
	Details        bool   // -x: the contents of each section
	Disassemble    bool   // -d: the code of each function body
	Raw            bool   // -s: a hex dump of each section
	Section        string // -j NAME: details and raw contents of this section only
	SectionOffsets bool   // --section-offsets: disassembly offsets relative to the code section
}

type mode int

const (
	modePrepass mode = iota
	modeHeaders
	modeDetails
	modeDisassemble
	modeRaw
)

// ErrSectionNotFound is returned when -j names a section the module does
// not have (the message is already printed).
var ErrSectionNotFound = errors.New("section not found")

// Error is a malformed module: what wabt's reader would have refused,
// with the offset where it stopped.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("%07x: error: %s", e.Offset, e.Msg) }

// Dump prints data, the binary module named name, to w. What was printed
// before an error stays printed, as with wabt. For a malformed module
// every pass prints what it read before the error and Dump returns the
// first *Error. When -j names a section the module does not
// have, "Section not found: NAME" goes to errw after the headers and
// details, and again after the raw contents (as wabt reports it) and Dump
// returns ErrSectionNotFound.
func Dump(w, errw io.Writer, name string, data []byte, opts Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	st := &state{opts: opts, data: data, name: name, names: newNames()}
	bw.WriteString("\n")
	var notFound bool
	var firstErr error
	found := false
	check := func() {
		if opts.Section != "" && !found {
			bw.Flush()
			fmt.Fprintf(errw, "Section not found: %s\n", opts.Section)
			notFound = true
		}
		found = false
	}
	for _, m := range []mode{modePrepass, modeHeaders, modeDetails, modeDisassemble, modeRaw} {
		switch {
		case m == modeHeaders && !opts.Headers, m == modeDetails && !opts.Details,
			m == modeDisassemble && !opts.Disassemble, m == modeRaw && !opts.Raw:
			continue
		}
		// As wabt, every pass runs even when one failed, each printing
		// what it read before the error.
		p := &pass{state: st, mode: m, w: bw}
		if err := p.run(); err != nil && firstErr == nil {
			firstErr = err
		}
		found = found || p.sectionFound
		switch {
		case m == modeDetails, m == modeHeaders && !opts.Details, m == modeRaw:
			check()
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if notFound {
		return ErrSectionNotFound
	}
	return nil
}

// state is what the passes share.
type state struct {
	opts  Options
	data  []byte
	name  string
	names *names

	// Known after the prepass.
	numImportedFuncs, numImportedGlobals, numImportedTables, numImportedMemories, numImportedTags int
	funcTypes                                                                                     []uint32 // type index of each function, imports first
	typeParams                                                                                    []int    // parameter count of each type
	sectionNames                                                                                  []string // by section index: the custom name or the section's
}

// names are the names wabt's objdump shows, gathered in the prepass.
type names struct {
	funcs, globals, tables, types, datas, tags map[uint32]string
	locals                                     map[uint32]map[uint32]string
}

func newNames() *names {
	return &names{funcs: map[uint32]string{}, globals: map[uint32]string{}, tables: map[uint32]string{},
		types: map[uint32]string{}, datas: map[uint32]string{}, tags: map[uint32]string{},
		locals: map[uint32]map[uint32]string{}}
}

// pass is one walk over the module.
type pass struct {
	*state
	mode         mode
	w            *bufio.Writer
	printDetails bool // the current section matches -j (details mode)
	sectionFound bool

	// Running values wabt's objdump keeps between segments.
	elemOffset uint32
	dataOffset uint64
	codeStart  int
	funcIndex  uint32 // next function body
}

var sectionIDNames = [...]string{"Custom", "Type", "Import", "Function", "Table", "Memory", "Global",
	"Export", "Start", "Elem", "Code", "Data", "DataCount", "Tag"}

// sectionOrder is where each section id may appear (custom anywhere);
// DataCount comes before Code, Tag after Memory.
var sectionOrder = [...]int{0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6}

func (p *pass) printf(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

// details prints in details mode when the section matches.
func (p *pass) details(format string, args ...any) {
	if p.mode == modeDetails && p.printDetails {
		fmt.Fprintf(p.w, format, args...)
	}
}

func (p *pass) run() (err error) {
	defer func() {
		if r := recover(); r != nil {
			re, ok := r.(*readError)
			if !ok {
				panic(r)
			}
			err = &Error{Offset: re.off, Msg: re.msg}
		}
	}()
	r := &reader{data: p.data, end: len(p.data)}
	magic := r.fixed32("magic")
	if magic != 0x6d736100 {
		r.fail(0, "bad magic value")
	}
	version := r.fixed32("version")
	if version != 1 {
		r.fail(4, "bad wasm file version: %#x (expected 0x1)", version)
	}
	switch p.mode {
	case modePrepass:
		base := p.name
		if i := strings.LastIndexAny(base, `/\`); i >= 0 {
			base = base[i+1:]
		}
		p.printf("%s:\tfile format wasm %#x\n", base, version)
	case modeHeaders:
		p.printf("\nSections:\n\n")
	case modeDetails:
		p.printf("\nSection Details:\n\n")
	case modeDisassemble:
		p.printf("\nCode Disassembly:\n\n")
	}
	lastOrder := 0
	for index := 0; !r.eof(); index++ {
		id := r.u8("section code")
		sizeOff := r.off
		size := r.u32("section size")
		start := r.off
		if uint64(size) > uint64(r.end-start) {
			r.fail(sizeOff, "invalid section size: extends past end")
		}
		end := start + int(size)
		if int(id) >= len(sectionIDNames) {
			r.fail(sizeOff-1, "invalid section code: %d", id)
		}
		if id != 0 {
			if sectionOrder[id] <= lastOrder {
				r.fail(sizeOff-1, "section %s out of order", sectionIDNames[id])
			}
			lastOrder = sectionOrder[id]
		}
		sub := &reader{data: p.data, off: start, end: end}
		p.beginSection(index, id, sub, start, int(size))
		p.section(id, sub)
		if sub.off != end {
			r.fail(sub.off, "unfinished section (expected end: 0x%x)", end)
		}
		r.off = end
	}
	return nil
}

// beginSection prints a section's header line (-h), title (-x) or
// contents (-s).
func (p *pass) beginSection(index int, id byte, r *reader, start, size int) {
	name := sectionIDNames[id]
	match := name
	if p.mode == modePrepass {
		if id == 0 {
			c := *r
			match, _ = customName(&c)
		}
		p.sectionNames = append(p.sectionNames, match)
		return
	}
	if index < len(p.sectionNames) {
		match = p.sectionNames[index]
	}
	sectionMatch := p.opts.Section == "" || strings.EqualFold(p.opts.Section, match)
	if sectionMatch {
		p.sectionFound = true
	}
	switch p.mode {
	case modeHeaders:
		p.printf("%9s start=%s end=%s (size=%s) ", name, hex010(start), hex010(start+size), hex010(size))
	case modeDetails:
		p.printDetails = sectionMatch
		if sectionMatch {
			p.printf("%s", name)
			if id == 8 || id == 12 || id == 0 {
				p.printf(":\n")
			}
		}
	case modeRaw:
		if sectionMatch {
			p.printf("\nContents of section %s:\n", name)
			memoryDump(p.w, p.data[start:start+size], start, "")
		}
	}
}

// hex010 is C's "%#010x": 0x and eight digits, but "0000000000" for 0.
func hex010(v int) string {
	if v == 0 {
		return "0000000000"
	}
	return fmt.Sprintf("0x%08x", v)
}

// memoryDump writes wabt's hex dump: offset, eight groups of two bytes,
// the printable characters.
func memoryDump(w *bufio.Writer, b []byte, offset int, prefix string) {
	for line := 0; line < len(b); line += 16 {
		w.WriteString(prefix)
		fmt.Fprintf(w, "%07x: ", offset+line)
		for g := line; g < line+16; g += 2 {
			for i := g; i < g+2; i++ {
				if i < len(b) {
					fmt.Fprintf(w, "%02x", b[i])
				} else {
					w.WriteString("  ")
				}
			}
			w.WriteByte(' ')
		}
		w.WriteByte(' ')
		for i := line; i < line+16 && i < len(b); i++ {
			if c := b[i]; c >= 0x20 && c < 0x7f {
				w.WriteByte(c)
			} else {
				w.WriteByte('.')
			}
		}
		w.WriteByte('\n')
	}
}

// count prints a section's entry count: "count: N" (-h) or "[N]:" (-x).
func (p *pass) count(n uint32) {
	switch p.mode {
	case modeHeaders:
		p.printf("count: %d\n", n)
	case modeDetails:
		p.details("[%d]:\n", n)
	}
}

// nameOf is " <name>" when index i has a name (even an empty one), as
// wabt prints names: C strings, so up to a NUL byte.
func nameOf(m map[uint32]string, i uint32) string {
	if n, ok := m[i]; ok {
		return " <" + cString(n) + ">"
	}
	return ""
}

func (p *pass) funcName(i uint32) string   { return nameOf(p.names.funcs, i) }
func (p *pass) globalName(i uint32) string { return nameOf(p.names.globals, i) }
func (p *pass) tableName(i uint32) string  { return nameOf(p.names.tables, i) }
func (p *pass) typeName(i uint32) string   { return nameOf(p.names.types, i) }
func (p *pass) tagName(i uint32) string    { return nameOf(p.names.tags, i) }
