package binary

import (
	"slices"

	"github.com/watt-wasm/watt/ir"
)

// writeNameSection writes the "name" custom section the way wat2wasm
// --debug-names does: the module name and function names when present;
// always the local names, listing every function of the index space
// (imports included) with its named locals; then types, tables, memories,
// globals, element and data segments, fields (by type) and tags, each only
// when something is named.
// Empty names count as unnamed.
func (e *moduleEncoder) writeNameSection() {
	m := e.m
	start := e.beginSection(sectionCustom)
	e.writeName("name")
	if m.Name != "" {
		e.buf = append(e.buf, nameSubModule)
		sub := e.beginSized()
		e.writeName(m.Name)
		e.endSized(sub, ir.NoPos)
	}
	e.writeNameMap(nameSubFuncs, m.Names.Funcs)

	// Local names: one entry per function, named or not.
	numFuncs := uint64(m.NumImported(ir.ExternFunc) + len(m.Funcs))
	funcs := make([]uint64, 0, numFuncs)
	for i := uint64(0); i < numFuncs; i++ {
		funcs = append(funcs, i)
	}
	var extra []uint64
	for f := range m.Names.Locals {
		if uint64(f) >= numFuncs {
			extra = append(extra, uint64(f))
		}
	}
	slices.Sort(extra)
	funcs = append(funcs, extra...)
	e.buf = append(e.buf, nameSubLocals)
	sub := e.beginSized()
	e.writeCount(len(funcs))
	for _, f := range funcs {
		e.buf = appendULEB128(e.buf, f)
		e.writeNameMapEntries(m.Names.Locals[uint32(f)])
	}
	e.endSized(sub, ir.NoPos)

	e.writeNameMap(nameSubTypes, m.Names.Types)
	e.writeNameMap(nameSubTables, m.Names.Tables)
	e.writeNameMap(nameSubMemories, m.Names.Memories)
	e.writeNameMap(nameSubGlobals, m.Names.Globals)
	e.writeNameMap(nameSubElems, m.Names.Elems)
	e.writeNameMap(nameSubDatas, m.Names.Datas)
	e.writeIndirectNameMap(nameSubFields, m.Names.Fields)
	e.writeNameMap(nameSubTags, m.Names.Tags)
	e.endSized(start, ir.NoPos)
}

// writeIndirectNameMap writes subsection id when some inner map has a
// non-empty name: the outer indices with such names, in increasing order,
// each with its name map.
func (e *moduleEncoder) writeIndirectNameMap(id byte, names map[uint32]ir.NameMap) {
	var outer []uint32
	for k, inner := range names {
		for _, name := range inner {
			if name != "" {
				outer = append(outer, k)
				break
			}
		}
	}
	if len(outer) == 0 {
		return
	}
	slices.Sort(outer)
	e.buf = append(e.buf, id)
	sub := e.beginSized()
	e.writeCount(len(outer))
	for _, k := range outer {
		e.buf = appendULEB128(e.buf, uint64(k))
		e.writeNameMapEntries(names[k])
	}
	e.endSized(sub, ir.NoPos)
}

// writeNameMap writes subsection id when names has a non-empty name.
func (e *moduleEncoder) writeNameMap(id byte, names ir.NameMap) {
	for _, name := range names {
		if name != "" {
			e.buf = append(e.buf, id)
			sub := e.beginSized()
			e.writeNameMapEntries(names)
			e.endSized(sub, ir.NoPos)
			return
		}
	}
}

// writeNameMapEntries writes the count and the (index, name) pairs of the
// non-empty names in increasing index order.
func (e *moduleEncoder) writeNameMapEntries(names ir.NameMap) {
	keys := make([]uint32, 0, len(names))
	for k, name := range names {
		if name != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	e.writeCount(len(keys))
	for _, k := range keys {
		e.buf = appendULEB128(e.buf, uint64(k))
		e.writeName(names[k])
	}
}
