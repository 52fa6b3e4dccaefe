package binary

import (
	"fmt"

	"github.com/watt-wasm/watt/ir"
)

// Decode reads a module in the binary format from src.Data. Positions in
// the module and in errors are byte offsets into src (file.wasm:0x1a).
//
// Decode checks the binary syntax only; validation is validate.Module's job.
// Errors are an ir.ErrorList holding one Malformed error whose message
// starts with the spec interpreter's text ("unexpected end", "integer too
// large", ...). Features that are off are rejected with a message naming the
// flag that enables them.
//
// A well-formed "name" custom section is decoded into Module.Names and
// Module.Name and not kept in Module.Customs; a malformed one is ignored, as
// the spec says, and kept verbatim as a custom section.
func Decode(src *ir.Source, features ir.Features) (m *ir.Module, err error) {
	if src == nil {
		return nil, ir.ErrorList{ir.Errorf(nil, ir.NoPos, ir.Malformed, "binary.Decode: nil source")}
	}
	d := &decoder{src: src, data: src.Data, features: features, m: &ir.Module{}, dataCount: -1}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(decodeBailout)
			if !ok {
				panic(r)
			}
			m, err = nil, ir.ErrorList{b.err}
		}
	}()
	d.readModule()
	return d.m, nil
}

func (d *decoder) readModule() {
	// The magic and version are read as u32s, as the spec does, so a short
	// header is "unexpected end".
	if d.remaining() < 4 {
		d.failEOF()
	}
	if string(d.readBytes(4)) != Magic {
		d.fail(0, "magic header not detected")
	}
	if d.remaining() < 4 {
		d.failEOF()
	}
	if v := d.readFixed32(); v != 1 {
		d.fail(4, "unknown binary version %#x", v)
	}

	var last byte // id of the last known section, for Custom.After
	for !d.eof() {
		idOff := d.pos
		id := d.data[d.pos]
		if id > maxSectionID {
			d.fail(idOff, "malformed section id %#x", id)
		}
		if id != sectionCustom && last != 0 && sectionRank[id] <= sectionRank[last] {
			d.fail(idOff, "unexpected content after last section: %s section after %s section",
				sectionNames[id], sectionNames[last])
		}
		d.pos++
		size := d.readLength()
		start := d.pos
		switch id {
		case sectionCustom:
			d.readCustomSection(idOff, start+size, last)
		case sectionType:
			d.readTypeSection()
		case sectionImport:
			d.readImportSection()
		case sectionFunction:
			d.readFunctionSection()
		case sectionTable:
			d.readTableSection()
		case sectionMemory:
			d.readMemorySection()
		case sectionTag:
			d.requireFeature(idOff, ir.FeatureExceptions, "malformed section id 0xd", "the tag section")
			d.readTagSection()
		case sectionGlobal:
			d.readGlobalSection()
		case sectionExport:
			d.readExportSection()
		case sectionStart:
			d.m.Start = &ir.Start{Pos: ir.PosAt(start), Func: d.readU32()}
		case sectionElem:
			d.readElemSection()
		case sectionDataCount:
			if !d.features.Has(ir.FeatureBulkMemory) {
				d.fail(idOff, "malformed section id %#x: the data count section requires %s", id, ir.FeatureBulkMemory.Flag())
			}
			d.dataCount = int(d.readU32())
		case sectionCode:
			d.readCodeSection()
		case sectionData:
			d.readDataSection(start + size)
		}
		if d.pos != start+size {
			d.fail(start, "section size mismatch: %s section declares %d bytes, its contents take %d",
				sectionNames[id], size, d.pos-start)
		}
		if id != sectionCustom {
			last = id
		}
	}

	// Whole-module checks, in the spec interpreter's order.
	if d.funcDecls != d.codeEntries {
		d.fail(len(d.data), "function and code section have inconsistent lengths: %d functions, %d bodies",
			d.funcDecls, d.codeEntries)
	}
	if d.dataCount >= 0 && d.dataCount != len(d.m.Datas) {
		d.fail(len(d.data), "data count and data section have inconsistent lengths: count %d, %d segments",
			d.dataCount, len(d.m.Datas))
	}
	if d.dataCount < 0 && d.firstDataUse.IsValid() {
		d.fail(d.firstDataUse.Offset(), "data count section required: memory.init and data.drop need it")
	}
}

// readCustomSection reads a custom section ending at end. The name section
// is decoded into m.Names when it is well formed.
func (d *decoder) readCustomSection(idOff, end int, after byte) {
	name := d.readName()
	if d.pos > end {
		// The name ran past the section: the spec reads the rest of the
		// section with a negative length, which is an unexpected end.
		d.fail(len(d.data), "unexpected end of section or function: custom section name longer than the section")
	}
	if end > len(d.data) {
		// The section size counts from the size field, as for every
		// length, so it can claim up to five bytes past the input.
		d.fail(len(d.data), "unexpected end of section or function: custom section extends %d bytes past the end", end-len(d.data))
	}
	content := d.data[d.pos:end:end]
	d.pos = end
	if name == "name" && !d.namesDecoded && d.decodeNameSection(content) {
		d.namesDecoded = true // a second name section is kept as it is
		return
	}
	d.m.Customs = append(d.m.Customs, ir.Custom{
		Name:  name,
		Data:  append([]byte(nil), content...),
		After: after,
		Pos:   ir.PosAt(idOff),
	})
}

func (d *decoder) readImportSection() {
	n := d.readLength()
	d.m.Imports = decodeMakeSlice[[]ir.Import](n, d.capFor(n, 4))
	for range n {
		im := ir.Import{Pos: ir.PosAt(d.pos)}
		im.Module = d.readName()
		im.Name = d.readName()
		off := d.pos
		im.Kind = ir.ExternKind(d.readByte())
		switch im.Kind {
		case ir.ExternFunc:
			im.Func = d.readU32()
		case ir.ExternTable:
			im.Table = d.readTableType()
		case ir.ExternMemory:
			im.Memory = d.readMemoryType()
		case ir.ExternGlobal:
			im.Global = d.readGlobalType()
		case ir.ExternTag:
			d.requireFeature(off, ir.FeatureExceptions, "malformed import kind 0x4", "a tag import")
			im.Tag = d.readTagType()
		default:
			d.fail(off, "malformed import kind %#x", byte(im.Kind))
		}
		d.m.Imports = append(d.m.Imports, im)
	}
}

func (d *decoder) readFunctionSection() {
	n := d.readLength()
	d.funcDecls = n
	d.m.Funcs = decodeMakeSlice[[]ir.Func](n, n) // n <= remaining bytes
	for range n {
		d.m.Funcs = append(d.m.Funcs, ir.Func{Type: d.readU32()})
	}
}

func (d *decoder) readTableSection() {
	n := d.readLength()
	d.m.Tables = decodeMakeSlice[[]ir.Table](n, d.capFor(n, 3))
	for range n {
		d.m.Tables = append(d.m.Tables, d.readTable())
	}
}

func (d *decoder) readMemorySection() {
	n := d.readLength()
	d.m.Memories = decodeMakeSlice[[]ir.Memory](n, d.capFor(n, 2))
	for range n {
		pos := ir.PosAt(d.pos)
		d.m.Memories = append(d.m.Memories, ir.Memory{Type: d.readMemoryType(), Pos: pos})
	}
}

func (d *decoder) readTagSection() {
	n := d.readLength()
	d.m.Tags = decodeMakeSlice[[]ir.Tag](n, d.capFor(n, 2))
	for range n {
		pos := ir.PosAt(d.pos)
		d.m.Tags = append(d.m.Tags, ir.Tag{Type: d.readTagType(), Pos: pos})
	}
}

func (d *decoder) readGlobalSection() {
	n := d.readLength()
	d.m.Globals = decodeMakeSlice[[]ir.Global](n, d.capFor(n, 3))
	for range n {
		g := ir.Global{Pos: ir.PosAt(d.pos), Type: d.readGlobalType()}
		g.Init = d.readConstExpr()
		d.m.Globals = append(d.m.Globals, g)
	}
}

func (d *decoder) readExportSection() {
	n := d.readLength()
	d.m.Exports = decodeMakeSlice[[]ir.Export](n, d.capFor(n, 3))
	for range n {
		e := ir.Export{Pos: ir.PosAt(d.pos), Name: d.readName()}
		off := d.pos
		e.Kind = ir.ExternKind(d.readByte())
		if e.Kind > ir.ExternTag {
			d.fail(off, "malformed export kind %#x", byte(e.Kind))
		}
		if e.Kind == ir.ExternTag {
			d.requireFeature(off, ir.FeatureExceptions, "malformed export kind 0x4", "a tag export")
		}
		e.Index = d.readU32()
		d.m.Exports = append(d.m.Exports, e)
	}
}

// readElemSection reads element segments in all eight encodings into the
// IR's one form: bare function indices become ref.func expressions.
//
//	flags bit 0: passive or declarative (else active)
//	flags bit 1: with bit 0, declarative; without, an explicit table index
//	flags bit 2: elements are expressions (else function indices), and the
//	             type is a reference type (else an element kind byte)
//
// Function indices have type (ref func) (elemFuncType); the short active
// form of expressions (flags 4) has type funcref.
func (d *decoder) readElemSection() {
	n := d.readLength()
	d.m.Elems = decodeMakeSlice[[]ir.Elem](n, d.capFor(n, 3))
	for range n {
		e := ir.Elem{Pos: ir.PosAt(d.pos), Type: ir.FuncRef}
		off := d.pos
		flags := d.readU32()
		exprs := flags&elemFlagExprs != 0
		if !exprs {
			e.Type = d.elemFuncType()
		}
		if flags > 7 {
			d.fail(off, "malformed elements segment kind %d", flags)
		}
		if flags != 0 {
			d.requireFeature(off, ir.FeatureBulkMemory, "malformed elements segment kind", fmt.Sprintf("segment kind %d", flags))
		}
		switch {
		case flags&elemFlagPassive == 0:
			e.Mode = ir.SegmentActive
			if flags&elemFlagExplicitTable != 0 {
				e.Table = d.readU32()
			}
			e.Offset = d.readConstExpr()
		case flags&elemFlagExplicitTable == 0:
			e.Mode = ir.SegmentPassive
		default:
			// Declarative segments came with reference types.
			d.requireFeature(off, ir.FeatureReferenceTypes, "malformed elements segment kind", fmt.Sprintf("segment kind %d", flags))
			e.Mode = ir.SegmentDeclarative
		}
		if flags&(elemFlagPassive|elemFlagExplicitTable) != 0 { // explicit element kind or type
			if exprs {
				e.Type = d.readRefType()
			} else {
				kindOff := d.pos
				if k := d.readByte(); k != elemKindFunc {
					d.fail(kindOff, "malformed element kind %#x", k)
				}
			}
		}
		count := d.readLength()
		if exprs {
			e.Init = decodeMakeSlice[[][]ir.Instr](count, d.capFor(count, 2))
			// ref.func items need no feature, as in the text format.
			d.elemItems = true
			for range count {
				e.Init = append(e.Init, d.readConstExpr())
			}
			d.elemItems = false
		} else {
			// One backing array for all the ref.func expressions.
			refs := make([]ir.Instr, 0, count) // count <= remaining bytes
			e.Init = decodeMakeSlice[[][]ir.Instr](count, count)
			for range count {
				pos := ir.PosAt(d.pos)
				refs = append(refs, ir.Instr{Op: ir.OpRefFunc, Index: d.readU32(), Pos: pos})
				k := len(refs)
				e.Init = append(e.Init, refs[k-1:k:k])
			}
		}
		d.m.Elems = append(d.m.Elems, e)
	}
}

func (d *decoder) readCodeSection() {
	n := d.readLength()
	d.codeEntries = n
	d.prescanCode(n) // decode_fast.go
	for i := range n {
		if i < len(d.m.Funcs) {
			d.readCode(&d.m.Funcs[i], i)
		} else {
			// More bodies than declarations: decode it anyway (it may be
			// malformed itself, which the spec reports first), then drop it.
			var f ir.Func
			d.readCode(&f, i)
		}
	}
	clear(d.bodies) // drop the references to the slab
	d.bodies = d.bodies[:0]
	d.counts = d.counts[:0]
}

func (d *decoder) readDataSection(end int) {
	var buf []byte
	n := d.readLength()
	d.m.Datas = decodeMakeSlice[[]ir.Data](n, d.capFor(n, 2))
	for range n {
		s := ir.Data{Pos: ir.PosAt(d.pos)}
		off := d.pos
		switch kind := d.readU32(); kind {
		case 0:
			s.Offset = d.readConstExpr()
		case dataFlagPassive:
			d.requireFeature(off, ir.FeatureBulkMemory, "malformed data segment kind", "a passive data segment")
			s.Mode = ir.SegmentPassive
		case dataFlagExplicitMemory:
			s.Memory = d.readU32()
			s.Offset = d.readConstExpr()
		default:
			d.fail(off, "malformed data segment kind %d", kind)
		}
		if init := d.readBytes(d.readLength()); len(init) > 0 {
			// All contents share one allocation, sized by what is left
			// of the section; cap = len, so appending to one segment's
			// bytes never overwrites the next.
			if len(init) > cap(buf)-len(buf) {
				buf = make([]byte, 0, max(len(init), min(d.remaining(), end-d.pos)))
			}
			k := len(buf)
			buf = append(buf, init...)
			s.Init = buf[k:len(buf):len(buf)]
		}
		d.m.Datas = append(d.m.Datas, s)
	}
}

// decodeMakeSlice returns an empty slice with capacity c for n elements,
// or nil when n is 0, so that empty vectors decode to nil as they do from
// text.
func decodeMakeSlice[S ~[]E, E any](n, c int) S {
	if n == 0 {
		return nil
	}
	return make(S, 0, c)
}
