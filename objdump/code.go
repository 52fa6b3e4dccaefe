package objdump

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

// custom reads a custom section. A name that does not read ends the
// section quietly (wabt reports the error and goes on); names print up to
// a NUL byte, as wabt prints them as C strings.
func (p *pass) custom(r *reader) {
	name, ok := customName(r)
	if ok {
		printed := cString(name)
		if p.mode == modeHeaders {
			p.printf("\"%s\"\n", printed)
		}
		p.details(" - name: \"%s\"\n", printed)
		switch {
		case name == "name":
			p.nameSection(r)
		case name == "target_features":
			p.targetFeatures(r)
		case strings.HasPrefix(name, "metadata.code."):
			p.codeMetadata(r)
		}
	}
	r.off = r.end
}

// targetFeatures prints the target_features section's entries.
func (p *pass) targetFeatures(r *reader) {
	defer func() {
		if x := recover(); x != nil {
			if _, ok := x.(*readError); !ok {
				panic(x)
			}
		}
	}()
	n := r.count("target feature count")
	for i := uint32(0); i < n; i++ {
		prefix := r.u8("target feature prefix")
		name := r.str("target feature name")
		p.details("  - [%c] %s\n", prefix, cString(name))
	}
}

// codeMetadata prints a code metadata section (branch hints), as wabt
// 1.0.32 does: per function, each item's offset in the body (hex) and
// its bytes. A malformed section ends quietly, as for the name section.
func (p *pass) codeMetadata(r *reader) {
	if p.mode != modeDetails || !p.printDetails {
		return
	}
	defer func() {
		if x := recover(); x != nil {
			if _, ok := x.(*readError); !ok {
				panic(x)
			}
		}
	}()
	n := r.count("function count")
	for i := uint32(0); i < n; i++ {
		f := r.index("function index")
		p.printf("   - func[%d]%s:\n", f, p.funcName(f))
		m := r.count("code metadata count")
		for k := uint32(0); k < m; k++ {
			off := r.u32("code offset")
			size := r.count("data length")
			data := r.bytes(int(size), "data")
			p.printf("    - meta[%x]:\n", off)
			memoryDump(p.w, data, 0, "     - ")
		}
	}
}

// customName reads a custom section's name; ok is false if it does not
// read.
func customName(r *reader) (name string, ok bool) {
	defer func() {
		if x := recover(); x != nil {
			if _, isRead := x.(*readError); !isRead {
				panic(x)
			}
			ok = false
		}
	}()
	return r.str("section name"), true
}

func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// nameSection reads the name section: names for the prepass, a line per
// name for the details. A malformed subsection ends it quietly, as wabt
// ignores errors in custom sections. The subsections wabt 1.0.32 does not
// know are skipped as it skips them: labels (3), and WebAssembly 3.0's
// fields (10) and tags (11); a tag is named after its import only, as in
// wabt.
func (p *pass) nameSection(r *reader) {
	defer func() {
		if x := recover(); x != nil {
			if _, ok := x.(*readError); !ok {
				panic(x)
			}
		}
	}()
	for !r.eof() {
		id := r.u8("name type")
		size := r.u32("subsection size")
		if uint64(size) > uint64(r.end-r.off) {
			r.fail(r.off, "invalid subsection size")
		}
		sub := &reader{data: r.data, off: r.off, end: r.off + int(size)}
		r.off += int(size)
		switch id {
		case 0:
			name := sub.str("module name")
			if p.mode == modePrepass {
				p.printf("module name: <%s>\n", cString(name))
			}
			p.details(" - module <%s>\n", cString(name))
		case 1:
			p.nameMap(sub, "func", p.names.funcs)
		case 2:
			n := sub.count("local name function count")
			for i := uint32(0); i < n; i++ {
				f := sub.index("function index")
				m := sub.count("local name count")
				for k := uint32(0); k < m; k++ {
					l := sub.index("local index")
					name := sub.str("local name")
					if p.mode == modePrepass && name != "" {
						if p.names.locals[f] == nil {
							p.names.locals[f] = map[uint32]string{}
						}
						p.names.locals[f][l] = name
					}
					p.details(" - func[%d] local[%d] <%s>\n", f, l, cString(name))
				}
			}
		case 4:
			p.nameMap(sub, "type", p.names.types)
		case 5:
			p.nameMap(sub, "table", p.names.tables)
		case 6:
			p.nameMap(sub, "memory", nil)
		case 7:
			p.nameMap(sub, "global", p.names.globals)
		case 8:
			p.nameMap(sub, "elemseg", nil)
		case 9:
			p.nameMap(sub, "dataseg", p.names.datas)
		}
	}
}

func (p *pass) nameMap(r *reader, what string, dst map[uint32]string) {
	n := r.count(what + " name count")
	for i := uint32(0); i < n; i++ {
		index := r.index(what + " index")
		name := r.str(what + " name")
		if p.mode == modePrepass && dst != nil && name != "" {
			dst[index] = name
		}
		p.details(" - %s[%d] <%s>\n", what, index, cString(name))
	}
}

func (p *pass) codeSection(r *reader) {
	sectionStart := r.off
	n := r.count("function body count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		index := uint32(p.numImportedFuncs) + i
		sizeOff := r.off
		size := r.u32("function body size")
		start := r.off
		if uint64(size) > uint64(r.end-start) {
			r.fail(sizeOff, "invalid function body size: extends past end")
		}
		p.details(" - func[%d] size=%d%s\n", index, size, p.funcName(index))
		d := &disasm{pass: p, r: &reader{data: r.data, off: start, end: start + int(size)},
			print: p.mode == modeDisassemble, index: index}
		if p.opts.SectionOffsets {
			d.base = sectionStart
		}
		d.body()
		r.off = start + int(size)
	}
}

// disasm reads (and in disassembly mode prints) one function body.
type disasm struct {
	*pass
	r      *reader
	print  bool
	index  uint32
	base   int // subtracted from printed offsets
	indent int
	buf    []byte
}

func (d *disasm) body() {
	r := d.r
	if d.print {
		d.printf("%06x func[%d]%s:\n", r.off-d.base, d.index, d.funcName(d.index))
	}
	// wabt 1.0.32 numbers the locals from the parameter count of the
	// type whose index is the function's index (not of the function's
	// type): reproduced, as the numbers are what it prints.
	local := uint32(0)
	if int(d.index) < len(d.typeParams) {
		local = uint32(d.typeParams[d.index])
	}
	n := r.count("local declaration count")
	for i := uint32(0); i < n; i++ {
		start := r.off
		c := r.u32("local type count")
		t := r.valType("local type")
		if c == 1 {
			d.line(start, fmt.Sprintf("local[%d] type=%s", local, typeName(t)), false)
		} else {
			d.line(start, fmt.Sprintf("local[%d..%d] type=%s", local, local+c-1, typeName(t)), false)
		}
		local += c
	}
	for !r.eof() {
		d.instr()
	}
}

// line prints the bytes from start to the reader's offset, nine a line,
// with text after the first line's; indented says whether the
// instruction's nesting shows.
// maxIndentLevels caps the disassembly's indentation, as wasm2wat caps its
// own at 2,000 columns.
const maxIndentLevels = 1000

func (d *disasm) line(start int, text string, indented bool) {
	if !d.print {
		return
	}
	end := d.r.off
	first := true
	for off := start; off < end || first; {
		b := d.buf[:0]
		b = append(b, ' ')
		b = appendHex(b, off-d.base, 6)
		b = append(b, ": "...)
		i := 0
		for ; off < end && i < 9; i, off = i+1, off+1 {
			b = appendHex(b, int(d.data[off]), 2)
			b = append(b, ' ')
		}
		for ; i < 9; i++ {
			b = append(b, "   "...)
		}
		b = append(b, "| "...)
		if first {
			if indented {
				// Two spaces a level as wabt, but no deeper than wasm2wat
				// goes (1,000 levels): wabt's disassembly of a deep nest
				// grows with the square of its depth.
				for k := 0; k < min(d.indent, maxIndentLevels); k++ {
					b = append(b, "  "...)
				}
			}
			b = append(b, text...)
			first = false
		}
		b = append(b, '\n')
		d.w.Write(b)
		d.buf = b
	}
}

func appendHex(b []byte, v, width int) []byte {
	s := strconv.FormatUint(uint64(v), 16)
	for k := len(s); k < width; k++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// instr is one decoded instruction.
type instr struct {
	op    ir.Op
	imm   string // immediates as wabt's disassembler prints them
	u64   uint64 // a constant's bits or an index
	v128  [4]uint32
	heap  ir.HeapType // ref.null's heap type
	block bool        // block, loop, if, try_table, try: nesting goes in
}

// instr reads one instruction and prints it with its immediates as wabt's
// disassembler does.
func (d *disasm) instr() {
	start := d.r.off
	in := d.decode()
	name := in.op.String()
	switch {
	case in.op == ir.OpEnd:
		// Also the body's end: one level out, which for a balanced body
		// is below zero and prints no indentation.
		d.indent--
		d.line(start, name, true)
		return
	case in.op == ir.OpElse || in.op == ir.OpCatch || in.op == ir.OpCatchAll:
		// A new arm of the block: at the block's own level.
		if in.imm != "" {
			name += " " + in.imm
		}
		d.indent--
		d.line(start, name, true)
		d.indent++
		return
	case in.op == ir.OpDelegate:
		// Ends a legacy try, as end does.
		d.indent--
		d.line(start, name+" "+in.imm, true)
		return
	}
	if in.imm != "" {
		name += " " + in.imm
	}
	d.line(start, name, true)
	if in.block {
		d.indent++
	}
}

// decode reads one instruction.
func (d *disasm) decode() instr {
	r := d.r
	start := r.off
	b := r.u8("opcode")
	var in instr
	var ok bool
	if ir.IsPrefix(b) {
		code := r.u32("opcode")
		in.op, ok = ir.LookupCode(b, code)
		if !ok {
			r.fail(start, "unexpected opcode: %d %d (0x%x 0x%x)", b, code, b, code)
		}
	} else {
		in.op, ok = ir.LookupCode(0, uint32(b))
		if !ok {
			r.fail(start, "unexpected opcode: %d (0x%x)", b, b)
		}
	}
	info := in.op.Info()
	index := func(what string) uint32 {
		v := r.index(what)
		in.u64 = uint64(v)
		return v
	}
	switch info.Imm {
	case ir.ImmNone:
	case ir.ImmBlock:
		in.imm = d.blockType()
		in.block = true
	case ir.ImmLabel, ir.ImmTable, ir.ImmElem:
		in.imm = strconv.FormatUint(uint64(index("index")), 10)
	case ir.ImmData:
		i := index("data segment index")
		in.imm = strconv.FormatUint(uint64(i), 10) + d.dataName(i)
	case ir.ImmLane:
		in.imm = strconv.Itoa(int(r.u8("lane index")))
	case ir.ImmBrTable:
		n := r.count("br_table target count")
		var parts []string
		for i := uint32(0); i <= n; i++ {
			parts = append(parts, strconv.FormatUint(uint64(r.index("br_table target depth")), 10))
		}
		in.imm = strings.Join(parts, " ")
	case ir.ImmFunc:
		f := index("function index")
		in.imm = strconv.FormatUint(uint64(f), 10)
		if in.op == ir.OpCall { // wabt names call's target only
			in.imm += d.funcName(f)
		}
	case ir.ImmCallIndirect:
		t := r.index("signature index")
		table := r.index("table index")
		in.imm = fmt.Sprintf("%d%s (type %d%s)", table, d.tableName(table), t, d.typeName(t))
		if in.op == ir.OpReturnCallIndirect {
			in.imm = fmt.Sprintf("%d %d", t, table) // wabt 1.0.32: the bare indices
		}
	case ir.ImmLocal:
		l := index("local index")
		in.imm = strconv.FormatUint(uint64(l), 10)
		if in.op != ir.OpLocalTee { // wabt names local.get and local.set only
			in.imm += nameOf(d.names.locals[d.index], l)
		}
	case ir.ImmGlobal:
		g := index("global index")
		in.imm = strconv.FormatUint(uint64(g), 10) + d.globalName(g)
	case ir.ImmMemory, ir.ImmFence:
		in.imm = strconv.FormatUint(uint64(index("memory index")), 10)
	case ir.ImmMemArg, ir.ImmMemArgLane:
		align := r.u32("alignment")
		if align&memArgMemory != 0 {
			// Multi-memory: the memory index follows; wabt prints a
			// non-zero one between the alignment and the offset.
			mem := r.index("memory index")
			offset := r.uleb(64, "offset")
			in.imm = fmt.Sprintf("%d %d", align&^memArgMemory, offset)
			if mem != 0 {
				in.imm = fmt.Sprintf("%d %d %d", align&^memArgMemory, mem, offset)
			}
		} else {
			offset := r.uleb(64, "offset")
			in.imm = fmt.Sprintf("%d %d", align, offset)
		}
		if info.Imm == ir.ImmMemArgLane {
			in.imm += " " + strconv.Itoa(int(r.u8("lane index")))
		}
	case ir.ImmTablePair, ir.ImmMemoryPair, ir.ImmTableInit:
		a := r.index("index")
		b := r.index("index")
		in.imm = fmt.Sprintf("%d %d", a, b)
	case ir.ImmMemoryInit:
		seg := r.index("data segment index")
		mem := r.index("memory index")
		in.imm = fmt.Sprintf("%d %d%s", seg, mem, d.dataName(seg))
	case ir.ImmI32:
		in.u64 = uint64(uint32(int32(r.sleb(32, "i32.const value"))))
		in.imm = strconv.FormatUint(in.u64, 10)
	case ir.ImmI64:
		in.u64 = uint64(r.sleb(64, "i64.const value"))
		in.imm = strconv.FormatInt(int64(in.u64), 10)
	case ir.ImmF32:
		in.u64 = uint64(r.fixed32("f32.const value"))
		in.imm = string(ir.AppendHexFloat(nil, in.u64, 23, 8))
	case ir.ImmF64:
		in.u64 = r.fixed64("f64.const value")
		in.imm = string(ir.AppendHexFloat(nil, in.u64, 52, 11))
	case ir.ImmV128, ir.ImmShuffle:
		for i := range in.v128 {
			in.v128[i] = r.fixed32("v128 value")
		}
		in.imm = fmt.Sprintf("0x%08x 0x%08x 0x%08x 0x%08x", in.v128[0], in.v128[1], in.v128[2], in.v128[3])
	case ir.ImmSelect:
		// wabt prints the first type only.
		n := r.count("select type count")
		for i := uint32(0); i < n; i++ {
			if t := typeName(r.valType("select type")); i == 0 {
				in.imm = t
			}
		}
	case ir.ImmHeapType:
		// wabt prints func and extern; the others as the text format
		// writes them (any, exn, a type index).
		in.heap = r.heapType("ref.null type")
		in.imm = in.heap.String()
	default:
		d.decode3(&in, info.Imm, start)
	}
	return in
}

// memArgMemory is set in a memarg's alignment when a memory index follows.
const memArgMemory = 1 << 6

// decode3 reads the immediates of the shapes WebAssembly 3.0 added
// (exceptions, typed references, GC). wabt 1.0.32 reads only the legacy
// exceptions among them, and prints "throw 0 <name>" and "catch 0"; the
// others are printed as the text format writes them, indices as numbers
// (type and data indices followed by their names, as wabt writes
// call_indirect's type): "try_table i32 (catch 0 1) (catch_all_ref 0)",
// "ref.test (ref i31)", "struct.get 0 <s> 1", "br_on_cast 0 anyref (ref
// i31)".
func (d *disasm) decode3(in *instr, imm ir.Imm, start int) {
	r := d.r
	// A type index and a second index: "struct.get 0 <s> 1".
	pair := func(second string) {
		t := r.index("type index")
		x := r.index(second)
		in.u64 = uint64(t)
		in.imm = fmt.Sprintf("%d%s %d", t, d.typeName(t), x)
	}
	switch imm {
	case ir.ImmTag:
		t := r.index("tag index")
		in.u64 = uint64(t)
		in.imm = strconv.FormatUint(uint64(t), 10)
		if in.op == ir.OpThrow {
			in.imm += d.tagName(t)
		}
	case ir.ImmType:
		t := r.index("type index")
		in.u64 = uint64(t)
		in.imm = strconv.FormatUint(uint64(t), 10) + d.typeName(t)
	case ir.ImmTry:
		in.imm = d.blockType()
		in.block = true
	case ir.ImmTryTable:
		parts := []string{}
		if bt := d.blockType(); bt != "" {
			parts = append(parts, bt)
		}
		n := r.count("catch clause count")
		for i := uint32(0); i < n; i++ {
			off := r.off
			kind := r.u8("catch clause kind")
			names := [...]string{"catch", "catch_ref", "catch_all", "catch_all_ref"}
			if int(kind) >= len(names) {
				r.fail(off, "malformed catch clause kind: %d", kind)
			}
			c := "(" + names[kind]
			if kind < 2 {
				c += " " + strconv.FormatUint(uint64(r.index("catch tag index")), 10)
			}
			c += " " + strconv.FormatUint(uint64(r.index("catch label")), 10) + ")"
			parts = append(parts, c)
		}
		in.imm = strings.Join(parts, " ")
		in.block = true
	case ir.ImmRefType:
		// The opcode says whether the target type is nullable.
		nullable := in.op == ir.OpRefTestNull || in.op == ir.OpRefCastNull
		in.imm = typeName(ir.Ref(nullable, r.heapType("reference type")))
	case ir.ImmStructField:
		pair("field index")
	case ir.ImmArrayFixed:
		pair("array size")
	case ir.ImmArrayData:
		t := r.index("type index")
		seg := r.index("data segment index")
		in.u64 = uint64(t)
		in.imm = fmt.Sprintf("%d%s %d%s", t, d.typeName(t), seg, d.dataName(seg))
	case ir.ImmArrayElem:
		pair("elem segment index")
	case ir.ImmTypePair:
		t := r.index("type index")
		u := r.index("type index")
		in.u64 = uint64(t)
		in.imm = fmt.Sprintf("%d%s %d%s", t, d.typeName(t), u, d.typeName(u))
	case ir.ImmBrOnCast:
		off := r.off
		flags := r.u8("cast flags")
		if flags > 3 {
			r.fail(off, "malformed cast flags: %d", flags)
		}
		label := r.index("label index")
		from := ir.Ref(flags&1 != 0, r.heapType("reference type"))
		to := ir.Ref(flags&2 != 0, r.heapType("reference type"))
		in.u64 = uint64(label)
		in.imm = fmt.Sprintf("%d %s %s", label, typeName(from), typeName(to))
	default:
		r.fail(start, "unsupported immediate of %s", in.op.Info().Name)
	}
}

func (p *pass) dataName(i uint32) string { return nameOf(p.names.datas, i) }

// blockType reads a block type: "" for none, a value type's name, or
// "type[N]".
func (d *disasm) blockType() string {
	r := d.r
	off := r.off
	if r.off < r.end {
		b := r.data[r.off]
		if b == 0x40 {
			r.off++
			return ""
		}
		if _, abstract := ir.AbstractHeap(b); abstract || b == refNullPrefix || b == refPrefix ||
			b == byte(ir.I32) || b == byte(ir.I64) || b == byte(ir.F32) || b == byte(ir.F64) || b == byte(ir.V128) {
			return typeName(r.valType("block type"))
		}
	}
	i := r.sleb(33, "block type")
	if i < 0 {
		r.fail(off, "invalid block type: %d", i)
	}
	return fmt.Sprintf("type[%d]", i)
}
