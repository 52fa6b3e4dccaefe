package binary

import (
	"github.com/watt-wasm/watt/ir"
)

// The type section and the types of the other sections.

// writeValType writes a value type, failing on anything the format has no
// encoding for. Nullable abstract references take their one-byte
// abbreviation (funcref is 0x70), as wabt and wasm-tools write them.
func (e *moduleEncoder) writeValType(t ir.ValType, pos ir.Pos, where string) {
	if !t.IsRef() {
		if !t.IsValid() {
			e.fail(pos, "invalid value type %#x in %s", uint32(t), where)
			return
		}
		e.buf = append(e.buf, byte(t))
		return
	}
	if !t.IsValid() {
		e.fail(pos, "invalid value type %#x in %s", uint32(t), where)
		return
	}
	h := t.Heap()
	if h.IsAbstract() && t.Nullable() {
		e.buf = append(e.buf, h.Code())
		return
	}
	if t.Nullable() {
		e.buf = append(e.buf, refNullPrefix)
	} else {
		e.buf = append(e.buf, refPrefix)
	}
	e.writeHeapType(h)
}

// writeHeapType writes an abstract heap type's code or a type index as a
// non-negative s33.
func (e *moduleEncoder) writeHeapType(h ir.HeapType) {
	if h.IsAbstract() {
		e.buf = append(e.buf, h.Code())
		return
	}
	e.buf = appendSLEB128(e.buf, int64(h.Index()))
}

func (e *moduleEncoder) writeRefType(t ir.ValType, pos ir.Pos, where string) {
	if t.IsValid() && !t.IsRef() {
		e.fail(pos, "%s is not a reference type in %s", t, where)
		return
	}
	e.writeValType(t, pos, where)
}

func (e *moduleEncoder) writeValTypes(ts []ir.ValType, pos ir.Pos, where string) {
	e.writeCount(len(ts))
	for _, t := range ts {
		e.writeValType(t, pos, where)
	}
}

// writeTypeSection writes the types, grouped as Module.Rec says: each
// explicit group as `rec` (0x4e) with its count, even of one type or none;
// every other type as a group of its own, without the 0x4e.
func (e *moduleEncoder) writeTypeSection() {
	types, groups := e.m.Types, e.m.Rec
	if len(types) == 0 && len(groups) == 0 {
		return
	}
	entries, next := len(types), uint64(0)
	for _, g := range groups {
		if uint64(g.Start) < next || uint64(g.Start)+uint64(g.Count) > uint64(len(types)) {
			e.fail(g.Pos, "recursion group of types %d..%d overlaps another or lies beyond the %d types",
				g.Start, uint64(g.Start)+uint64(g.Count), len(types))
			return
		}
		next = uint64(g.Start) + uint64(g.Count)
		entries += 1 - int(g.Count)
	}
	start := e.beginSection(sectionType)
	e.writeCount(entries)
	i := 0
	for len(groups) > 0 || i < len(types) {
		if len(groups) > 0 && int(groups[0].Start) == i {
			g := groups[0]
			groups = groups[1:]
			e.buf = append(e.buf, formRec)
			e.writeCount(int(g.Count))
			for range g.Count {
				e.writeSubType(&types[i])
				i++
			}
			continue
		}
		e.writeSubType(&types[i])
		i++
	}
	e.endSized(start, ir.NoPos)
}

// writeSubType writes one type definition: a final type without
// supertypes plainly, any other as `sub` or `sub final` with its
// supertypes.
func (e *moduleEncoder) writeSubType(td *ir.TypeDef) {
	if td.Open || len(td.Supers) > 0 {
		if td.Open {
			e.buf = append(e.buf, formSub)
		} else {
			e.buf = append(e.buf, formSubFinal)
		}
		e.writeCount(len(td.Supers))
		for _, s := range td.Supers {
			e.buf = appendULEB128(e.buf, uint64(s))
		}
	}
	switch td.Kind {
	case ir.CompFunc:
		e.buf = append(e.buf, formFunc)
		e.writeValTypes(td.Params, td.Pos, "a function type")
		e.writeValTypes(td.Results, td.Pos, "a function type")
	case ir.CompStruct:
		e.buf = append(e.buf, formStruct)
		e.writeCount(len(td.Fields))
		for _, f := range td.Fields {
			e.writeFieldType(f, td.Pos)
		}
	case ir.CompArray:
		if len(td.Fields) != 1 {
			e.fail(td.Pos, "array type with %d element types, want 1", len(td.Fields))
			return
		}
		e.buf = append(e.buf, formArray)
		e.writeFieldType(td.Fields[0], td.Pos)
	default:
		e.fail(td.Pos, "invalid composite type kind %d", td.Kind)
	}
}

// writeFieldType writes a storage type (a value type or i8, i16) and its
// mutability.
func (e *moduleEncoder) writeFieldType(f ir.FieldType, pos ir.Pos) {
	switch f.Type {
	case ir.I8:
		e.buf = append(e.buf, storageI8)
	case ir.I16:
		e.buf = append(e.buf, storageI16)
	default:
		e.writeValType(f.Type, pos, "a field type")
	}
	e.writeMutability(f.Mutable)
}

func (e *moduleEncoder) writeMutability(mutable bool) {
	if mutable {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// writeLimits writes limits flags, minimum and optional maximum. Both
// bounds are u64 in the WebAssembly 3.0 format, whatever the address type
// (the validator checks their range).
func (e *moduleEncoder) writeLimits(l ir.Limits, shared bool) {
	flags := byte(0)
	if l.HasMax {
		flags |= limitsFlagMax
	}
	if shared {
		flags |= limitsFlagShared
	}
	if l.Is64 {
		flags |= limitsFlagIs64
	}
	e.buf = append(e.buf, flags)
	e.buf = appendULEB128(e.buf, l.Min)
	if l.HasMax {
		e.buf = appendULEB128(e.buf, l.Max)
	}
}

// writeTableType writes an element type and limits (table64: the i64
// address type flag).
func (e *moduleEncoder) writeTableType(t ir.TableType, pos ir.Pos) {
	e.writeRefType(t.Elem, pos, "a table type")
	e.writeLimits(t.Limits, false)
}

// writeMemoryType writes memory limits; the flags byte carries the threads
// proposal's shared bit (0x02) and memory64's address type bit (0x04).
func (e *moduleEncoder) writeMemoryType(t ir.MemoryType, _ ir.Pos) {
	e.writeLimits(t.Limits, t.Shared)
}

func (e *moduleEncoder) writeGlobalType(t ir.GlobalType, pos ir.Pos) {
	e.writeValType(t.Type, pos, "a global type")
	e.writeMutability(t.Mutable)
}
