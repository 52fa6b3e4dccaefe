package binary

import "github.com/watt-wasm/watt/ir"

// decodeNameSection decodes the contents of a "name" custom section into
// m.Names and m.Name. It reports false, and changes nothing, when the
// section is malformed: the spec says a malformed name section is ignored,
// never an error.
func (d *decoder) decodeNameSection(content []byte) (ok bool) {
	nd := &decoder{src: d.src, data: content, features: d.features}
	var names ir.Names
	var moduleName string
	defer func() {
		if r := recover(); r != nil {
			if _, bail := r.(decodeBailout); !bail {
				panic(r)
			}
			ok = false
		}
	}()
	last := -1
	for !nd.eof() {
		id := int(nd.readByte())
		if id <= last {
			nd.fail(nd.pos-1, "name subsection %d out of order", id)
		}
		last = id
		size := nd.readLength()
		end := nd.pos + size
		if end > len(nd.data) {
			nd.fail(len(nd.data), "unexpected end of section or function: name subsection extends past the section")
		}
		switch id {
		case nameSubModule:
			moduleName = nd.readName()
		case nameSubFuncs:
			names.Funcs = nd.readNameMap()
		case nameSubLocals:
			names.Locals = nd.readIndirectNameMap()
		case nameSubTypes:
			names.Types = nd.readNameMap()
		case nameSubTables:
			names.Tables = nd.readNameMap()
		case nameSubMemories:
			names.Memories = nd.readNameMap()
		case nameSubGlobals:
			names.Globals = nd.readNameMap()
		case nameSubElems:
			names.Elems = nd.readNameMap()
		case nameSubDatas:
			names.Datas = nd.readNameMap()
		case nameSubFields:
			names.Fields = nd.readIndirectNameMap()
		case nameSubTags:
			names.Tags = nd.readNameMap()
		default: // labels and unknown subsections: nowhere to keep them
			nd.pos = end
		}
		if nd.pos != end {
			nd.fail(end, "name subsection size mismatch")
		}
	}
	d.m.Names, d.m.Name = names, moduleName
	return true
}

// readNameMap reads a vector of (index, name) pairs with increasing
// indices; it returns nil for an empty map.
func (d *decoder) readNameMap() ir.NameMap {
	n := d.readLength()
	if n == 0 {
		return nil
	}
	m := make(ir.NameMap, d.capFor(n, 2))
	prev := int64(-1)
	for range n {
		off := d.pos
		idx := d.readU32()
		if int64(idx) <= prev {
			d.fail(off, "name map index %d out of order", idx)
		}
		prev = int64(idx)
		m[idx] = d.readName()
	}
	return m
}

// readIndirectNameMap reads a vector of (index, name map) pairs.
func (d *decoder) readIndirectNameMap() map[uint32]ir.NameMap {
	n := d.readLength()
	if n == 0 {
		return nil
	}
	m := make(map[uint32]ir.NameMap, d.capFor(n, 2))
	prev := int64(-1)
	for range n {
		off := d.pos
		idx := d.readU32()
		if int64(idx) <= prev {
			d.fail(off, "name map index %d out of order", idx)
		}
		prev = int64(idx)
		if inner := d.readNameMap(); inner != nil {
			m[idx] = inner
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
