package binary

import (
	"slices"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// Code metadata (branch hints and the like): the text format attaches
// `(@metadata.code.NAME "data")` to an instruction (ir.Instr.Meta); the
// binary format gathers all items of one NAME in a custom section
// "metadata.code.NAME" that comes before the code section:
//
//	vec(funcidx vec(offset:u32 size:u32 data))
//
// where offset is the instruction's byte offset from the start of its
// function's code entry after the size (the first byte of the locals), as
// wabt, wasm-tools and V8 count. Functions are in increasing index order,
// items in increasing offset order. The decoder keeps these sections as
// raw custom sections, so decoding and encoding again gives the same bytes.

// codeMetaPrefix starts the name of every code metadata section.
const codeMetaPrefix = "metadata.code."

// codeMetaItem is one annotation met while writing the code section.
type codeMetaItem struct {
	name   string
	fn     uint32 // function index (imports included)
	offset uint32 // from the start of the function's locals
	data   []byte
}

// noteMeta records the code metadata of in, whose opcode is about to be
// written into the current function body.
func (e *moduleEncoder) noteMeta(in *ir.Instr) {
	if e.bodyStart < 0 {
		return // a constant expression: no function to attach it to
	}
	off := uint32(len(e.buf) - e.bodyStart)
	for _, m := range in.Meta() {
		e.meta = append(e.meta, codeMetaItem{name: m.Name, fn: e.funcIndex, offset: off, data: m.Data})
	}
}

// insertCodeMetadata writes the code metadata sections, one per name in
// name order, and moves them in front of the code section just written.
func (e *moduleEncoder) insertCodeMetadata() {
	if len(e.meta) == 0 || e.err != nil {
		return
	}
	var names []string
	for _, it := range e.meta {
		if !slices.Contains(names, it.name) {
			names = append(names, it.name)
		}
	}
	slices.Sort(names)
	var secs []byte
	for _, name := range names {
		var items []codeMetaItem
		for _, it := range e.meta {
			if it.name == name {
				items = append(items, it)
			}
		}
		var content []byte
		content = appendULEB128(content, uint64(countFuncs(items)))
		for i := 0; i < len(items); {
			j := i
			for j < len(items) && items[j].fn == items[i].fn {
				j++
			}
			content = appendULEB128(content, uint64(items[i].fn))
			content = appendULEB128(content, uint64(j-i))
			for _, it := range items[i:j] {
				content = appendULEB128(content, uint64(it.offset))
				content = appendULEB128(content, uint64(len(it.data)))
				content = append(content, it.data...)
			}
			i = j
		}
		full := codeMetaPrefix + name
		secs = append(secs, sectionCustom)
		secs = appendULEB128(secs, uint64(sizeULEB128(uint64(len(full)))+len(full)+len(content)))
		secs = appendULEB128(secs, uint64(len(full)))
		secs = append(secs, full...)
		secs = append(secs, content...)
	}
	e.buf = slices.Insert(e.buf, e.codeStart, secs...)
}

// countFuncs counts the runs of one function index in items.
func countFuncs(items []codeMetaItem) int {
	n := 0
	for i := range items {
		if i == 0 || items[i].fn != items[i-1].fn {
			n++
		}
	}
	return n
}

// codeMetaNames returns the names of the code metadata the instructions of
// m's function bodies carry, or nil when m has no custom section that such
// a name could clash with (then nobody needs to know, and the bodies are
// not walked).
func codeMetaNames(m *ir.Module) map[string]bool {
	clash := false
	for i := range m.Customs {
		if strings.HasPrefix(m.Customs[i].Name, codeMetaPrefix) {
			clash = true
		}
	}
	if !clash {
		return nil
	}
	names := map[string]bool{}
	// An explicit stack of bodies still to look at: nesting depth is the
	// input's to choose.
	var stack [][]ir.Instr
	for i := range m.Funcs {
		stack = append(stack, m.Funcs[i].Body)
	}
	for len(stack) > 0 {
		body := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for i := range body {
			in := &body[i]
			if in.Ext != nil {
				for _, md := range in.Ext.Meta {
					names[codeMetaPrefix+md.Name] = true
				}
				stack = append(stack, in.Ext.Else)
				for _, h := range in.Ext.Handlers {
					stack = append(stack, h.Body)
				}
			}
			if len(in.Body) > 0 {
				stack = append(stack, in.Body)
			}
		}
	}
	return names
}
