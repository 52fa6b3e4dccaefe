package binary

import (
	"github.com/watt-wasm/watt/ir"
)

// Types: the type section (recursion groups, sub types, function, struct
// and array types), value, reference, heap and storage types, limits, and
// the table, memory, global and tag types built from them.

// readTypeSection reads the type section: a vector of recursion groups,
// each an explicit `rec` (0x4e, kept in Module.Rec) or a single sub type.
func (d *decoder) readTypeSection() {
	n := d.readLength()
	d.m.Types = decodeMakeSlice[[]ir.TypeDef](n, d.capFor(n, 3))
	for range n {
		off := d.pos
		if d.pos < len(d.data) && d.data[d.pos] == formRec {
			d.pos++
			d.requireFeature(off, ir.FeatureGC, "malformed definition type", "rec")
			count := d.readLength()
			d.m.Rec = append(d.m.Rec, ir.RecGroup{Start: uint32(len(d.m.Types)), Count: uint32(count), Pos: ir.PosAt(off)})
			for range count {
				d.readSubType()
			}
			continue
		}
		d.readSubType()
	}
	if len(d.m.Types) == 0 {
		d.m.Types = nil // only empty groups: no types, as from text
	}
}

// readSubType reads one type definition: `sub` (0x50) or `sub final`
// (0x4f) with its supertypes, or a bare composite type (final, no
// supertypes).
func (d *decoder) readSubType() {
	off := d.pos
	if uint64(len(d.m.Types)) > uint64(ir.MaxTypeIndex) {
		d.fail(off, "too many types: watt's implementation limit is %d", uint64(ir.MaxTypeIndex)+1)
	}
	td := ir.TypeDef{Pos: ir.PosAt(off)}
	if d.pos < len(d.data) {
		if b := d.data[d.pos]; b == formSub || b == formSubFinal {
			d.pos++
			d.requireFeature(off, ir.FeatureGC, "malformed definition type", "sub")
			td.Open = b == formSub
			if n := d.readLength(); n > 0 {
				td.Supers = make([]uint32, n) // n <= remaining bytes
				for i := range td.Supers {
					td.Supers[i] = d.readU32()
				}
			}
		}
	}
	d.readCompType(&td)
	d.m.Types = append(d.m.Types, td)
}

// readCompType reads a function, struct or array type into td.
func (d *decoder) readCompType(td *ir.TypeDef) {
	off := d.pos
	switch form := d.readTypeByte(); form {
	case formFunc:
		td.Kind = ir.CompFunc
		td.Params = d.readValTypes()
		td.Results = d.readValTypes()
	case formStruct:
		d.requireFeature(off, ir.FeatureGC, "malformed definition type", "struct")
		td.Kind = ir.CompStruct
		if n := d.readLength(); n > 0 {
			td.Fields = make([]ir.FieldType, n) // n <= remaining bytes
			for i := range td.Fields {
				td.Fields[i] = d.readFieldType()
			}
		}
	case formArray:
		d.requireFeature(off, ir.FeatureGC, "malformed definition type", "array")
		td.Kind = ir.CompArray
		td.Fields = []ir.FieldType{d.readFieldType()}
	default:
		d.fail(off, "malformed definition type %#x", form)
	}
}

// readFieldType reads a struct field or array element: a storage type and
// its mutability.
func (d *decoder) readFieldType() ir.FieldType {
	var ft ir.FieldType
	off := d.pos
	if d.eof() {
		d.failEOF()
	}
	switch b := d.data[d.pos]; {
	case b == storageI8:
		d.pos++
		ft.Type = ir.I8
	case b == storageI16:
		d.pos++
		ft.Type = ir.I16
	case isValTypeStart(b):
		ft.Type = d.readValType()
	default:
		d.readTypeByte() // a continuation bit is "integer representation too long"
		d.fail(off, "malformed storage type %#x", b)
	}
	ft.Mutable = d.readMutability()
	return ft
}

// readMutability reads the mutability byte of a global or field type.
func (d *decoder) readMutability() bool {
	off := d.pos
	switch mut := d.readByte(); mut {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail(off, "malformed mutability %#x", mut)
		panic("unreachable")
	}
}

// isValTypeStart reports whether b starts a value type.
func isValTypeStart(b byte) bool {
	switch b {
	case byte(ir.I32), byte(ir.I64), byte(ir.F32), byte(ir.F64), byte(ir.V128), refNullPrefix, refPrefix:
		return true
	}
	_, ok := ir.AbstractHeap(b)
	return ok
}

// readValTypes reads a vector of value types (nil when empty).
func (d *decoder) readValTypes() []ir.ValType {
	n := d.readLength()
	if n == 0 {
		return nil
	}
	ts := make([]ir.ValType, n) // n <= remaining bytes, one byte each at least
	for i := range ts {
		ts[i] = d.readValType()
	}
	return ts
}

// readValType reads one value type, rejecting types of features that are
// off.
func (d *decoder) readValType() ir.ValType {
	off := d.pos
	switch b := d.readTypeByte(); b {
	case byte(ir.I32), byte(ir.I64), byte(ir.F32), byte(ir.F64):
		return ir.ValType(b)
	case byte(ir.V128):
		d.requireFeature(off, ir.FeatureSIMD, "malformed value type", "v128")
		return ir.V128
	default:
		if t, ok := d.readRefTypeAfter(off, b, "malformed value type"); ok {
			return t
		}
		d.fail(off, "malformed value type %#x", b)
		panic("unreachable")
	}
}

// readRefType reads a reference type (table element type, element segment
// type): funcref is the MVP's there and needs no feature.
func (d *decoder) readRefType() ir.ValType {
	off := d.pos
	b := d.readTypeByte()
	if h, ok := ir.AbstractHeap(b); ok && h == ir.HeapFunc {
		return ir.FuncRef
	}
	t, ok := d.readRefTypeAfter(off, b, "malformed reference type")
	if !ok {
		d.fail(off, "malformed reference type %#x", b)
	}
	return t
}

// readRefTypeAfter finishes a reference type whose first byte b, at off,
// has been read: a one-byte abbreviation (funcref is 0x70) or 0x63/0x64
// and a heap type. It reports false when b starts no reference type. msg is
// the spec's message for a type of a feature that is off.
func (d *decoder) readRefTypeAfter(off int, b byte, msg string) (ir.ValType, bool) {
	if b == refNullPrefix || b == refPrefix {
		d.requireFeature(off, ir.FeatureFunctionReferences, msg, "(ref …)")
		return ir.Ref(b == refNullPrefix, d.readHeapType()), true
	}
	h, ok := ir.AbstractHeap(b)
	if !ok {
		return 0, false
	}
	t := ir.Ref(true, h)
	d.requireFeature(off, heapFeature(h), msg, t.String())
	return t, true
}

// heapFeature is the feature an abstract heap type belongs to.
func heapFeature(h ir.HeapType) ir.Feature {
	switch h {
	case ir.HeapFunc, ir.HeapExtern:
		return ir.FeatureReferenceTypes
	case ir.HeapExn, ir.HeapNoExn:
		return ir.FeatureExceptions
	}
	return ir.FeatureGC
}

// readHeapType reads a heap type: an abstract type's code or a type index
// as a non-negative s33.
func (d *decoder) readHeapType() ir.HeapType {
	off := d.pos
	if !d.eof() {
		if b := d.data[d.pos]; b&0xc0 == 0x40 { // a one-byte negative s33
			d.pos++
			h, ok := ir.AbstractHeap(b)
			if !ok {
				d.fail(off, "malformed heap type %#x", b)
			}
			d.requireFeature(off, heapFeature(h), "malformed heap type", h.String())
			return h
		}
	}
	x := d.readSigned(33)
	if x < 0 || x > int64(ir.MaxTypeIndex) {
		d.fail(off, "malformed heap type %d", x)
	}
	d.requireFeature(off, ir.FeatureFunctionReferences, "malformed heap type", "a type index")
	return ir.HeapIndex(uint32(x))
}

// readTypeByte reads a type constructor, which the spec reads as an s7
// LEB128: a continuation bit makes the integer too long.
func (d *decoder) readTypeByte() byte {
	b := d.readByte()
	if b&0x80 != 0 {
		d.fail(d.pos, "integer representation too long")
	}
	return b
}

// requireFeature fails with msg (the spec text) and a note naming the flag
// that enables what when feature f is off.
func (d *decoder) requireFeature(off int, f ir.Feature, msg, what string) {
	if !d.features.Has(f) {
		d.fail(off, "%s: %s requires %s", msg, what, f.Flag())
	}
}

// readLimits reads limits flags, minimum and optional maximum. Flag bit 0
// is "has maximum", bit 1 "shared" (threads; the caller checks it), bit 2
// the i64 address type (memory64, table64). With memory64 the bounds are
// u64 for either address type, as in WebAssembly 3.0 (the validator checks
// their range); without it they are u32, as in 2.0.
func (d *decoder) readLimits() (lim ir.Limits, shared bool, flagsOff int) {
	flagsOff = d.pos
	flags := d.readByte()
	if flags&^(limitsFlagMax|limitsFlagShared|limitsFlagIs64) != 0 {
		d.fail(flagsOff, "malformed limits flags %#x", flags)
	}
	lim.HasMax, shared, lim.Is64 = flags&limitsFlagMax != 0, flags&limitsFlagShared != 0, flags&limitsFlagIs64 != 0
	if lim.Is64 {
		d.requireFeature(flagsOff, ir.FeatureMemory64, "malformed limits flags", "the i64 address type")
	}
	if d.features.Has(ir.FeatureMemory64) {
		lim.Min = d.readU64()
		if lim.HasMax {
			lim.Max = d.readU64()
		}
	} else {
		lim.Min = uint64(d.readU32())
		if lim.HasMax {
			lim.Max = uint64(d.readU32())
		}
	}
	return lim, shared, flagsOff
}

func (d *decoder) readTableType() ir.TableType {
	t := d.readRefType()
	lim, shared, flagsOff := d.readLimits()
	if shared {
		d.fail(flagsOff, "tables cannot be shared (yet)")
	}
	return ir.TableType{Elem: t, Limits: lim}
}

func (d *decoder) readMemoryType() ir.MemoryType {
	lim, shared, flagsOff := d.readLimits()
	if shared {
		d.requireFeature(flagsOff, ir.FeatureThreads, "malformed limits flags", "a shared memory")
	}
	return ir.MemoryType{Limits: lim, Shared: shared}
}

func (d *decoder) readGlobalType() ir.GlobalType {
	t := d.readValType()
	return ir.GlobalType{Type: t, Mutable: d.readMutability()}
}

// readTable reads a table section entry: a table type, or (function
// references) 0x40 0x00, a table type and an initializer expression.
func (d *decoder) readTable() ir.Table {
	tab := ir.Table{Pos: ir.PosAt(d.pos)}
	if d.pos < len(d.data) && d.data[d.pos] == tableInitForm {
		d.requireFeature(d.pos, ir.FeatureFunctionReferences, "malformed reference type", "a table initializer")
		d.pos++
		d.readZeroByte()
		tab.Type = d.readTableType()
		tab.Init = d.readConstExpr()
		return tab
	}
	tab.Type = d.readTableType()
	return tab
}

// readTagType reads a tag type: the attribute byte (0, exception) and the
// type index of its signature.
func (d *decoder) readTagType() uint32 {
	d.readZeroByte()
	return d.readU32()
}

// elemFuncType is the type of element segments written as function
// indices: (ref func) in WebAssembly 3.0, funcref before typed function
// references, which had no non-null types.
func (d *decoder) elemFuncType() ir.ValType {
	if d.features.Has(ir.FeatureFunctionReferences) {
		return ir.Ref(false, ir.HeapFunc)
	}
	return ir.FuncRef
}
