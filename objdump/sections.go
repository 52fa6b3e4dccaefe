package objdump

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/watt-wasm/watt/ir"
)

func (p *pass) section(id byte, r *reader) {
	switch id {
	case 0:
		p.custom(r)
	case 1:
		p.typeSection(r)
	case 2:
		p.importSection(r)
	case 3:
		p.functionSection(r)
	case 4:
		p.tableSection(r)
	case 5:
		p.memorySection(r)
	case 6:
		p.globalSection(r)
	case 7:
		p.exportSection(r)
	case 8:
		p.startSection(r)
	case 9:
		p.elemSection(r)
	case 10:
		p.codeSection(r)
	case 11:
		p.dataSection(r)
	case 12:
		p.dataCountSection(r)
	case 13:
		p.tagSection(r)
	}
}

// typeSection prints the type section. A function type is written as
// wabt writes it, " - type[N] (params) -> results", and so are struct and
// array types: (struct i32 (mut i64)), (array (mut i32)). What wabt 1.0.32
// does not read is written in the same style: a recursion group is a line
// " - rec: N types" before its types, a declared sub type says
// "sub" or "sub final" and its supertypes (" - type[2] sub final super=1
// () -> nil"), packed fields are i8 and i16, reference types are written
// as in the text format. The section's count is its entries' (a group is
// one), the type indices count every type.
func (p *pass) typeSection(r *reader) {
	n := r.count("type count")
	p.count(n)
	index := uint32(0)
	for i := uint32(0); i < n; i++ {
		if !r.eof() && r.data[r.off] == 0x4e {
			r.off++
			k := r.count("rec group type count")
			p.details(" - rec: %d types\n", k)
			for j := uint32(0); j < k; j++ {
				p.subType(r, index)
				index++
			}
			continue
		}
		p.subType(r, index)
		index++
	}
}

// subType reads and prints type index's definition: an optional sub or sub
// final with its supertypes, then a function, struct or array type.
func (p *pass) subType(r *reader, index uint32) {
	sub := ""
	if !r.eof() {
		switch r.data[r.off] {
		case 0x50, 0x4f:
			sub = " sub"
			if r.data[r.off] == 0x4f {
				sub = " sub final"
			}
			r.off++
			k := r.count("supertype count")
			supers := make([]string, k)
			for j := range supers {
				supers[j] = strconv.FormatUint(uint64(r.index("supertype index")), 10)
			}
			if k > 0 {
				sub += " super=" + strings.Join(supers, ",")
			}
		}
	}
	off := r.off
	params := 0
	var text string
	switch form := r.u8("type form"); form {
	case 0x60:
		var ps, rs []string
		ps, params = p.typeList(r, "function param")
		rs, _ = p.typeList(r, "function result")
		res := "nil"
		switch len(rs) {
		case 0:
		case 1:
			res = rs[0]
		default:
			res = "(" + strings.Join(rs, ", ") + ")"
		}
		text = "(" + strings.Join(ps, ", ") + ") -> " + res
	case 0x5f:
		k := r.count("struct field count")
		fields := make([]string, 0, k+1)
		fields = append(fields, "struct")
		for j := uint32(0); j < k; j++ {
			fields = append(fields, fieldType(r))
		}
		text = "(" + strings.Join(fields, " ") + ")"
	case 0x5e:
		text = "(array " + fieldType(r) + ")"
	default:
		r.fail(off, "unexpected type form (got %#x)", form)
	}
	if p.mode == modePrepass {
		p.typeParams = append(p.typeParams, params)
	}
	p.details(" - type[%d]%s %s\n", index, sub, text)
}

// typeList reads a vector of value types, returning their names and count.
func (p *pass) typeList(r *reader, what string) ([]string, int) {
	n := r.count(what + " count")
	ts := make([]string, n)
	for k := range ts {
		ts[k] = typeName(r.valType(what + " type"))
	}
	return ts, len(ts)
}

// fieldType reads a field's storage type and mutability: "i32" or
// "(mut i32)".
func fieldType(r *reader) string {
	t := typeName(r.storageType("field type"))
	off := r.off
	switch mut := r.u8("field mutability"); mut {
	case 0:
		return t
	case 1:
		return "(mut " + t + ")"
	default:
		r.fail(off, "malformed mutability: %d", mut)
		return ""
	}
}

// limits reads table or memory limits; flags say whether there is a
// maximum, sharing and 64-bit indices.
type limits struct {
	initial, max        uint64
	hasMax, shared, i64 bool
}

func (r *reader) limits(memory bool) limits {
	off := r.off
	flags := r.u8("limits flags")
	var l limits
	maxFlags := byte(5) // a maximum, 64-bit (table64)
	if memory {
		maxFlags = 7 // and shared
	}
	if flags&^maxFlags != 0 {
		r.fail(off, "malformed limits flags: %d", flags)
	}
	l.hasMax, l.shared, l.i64 = flags&1 != 0, flags&2 != 0, flags&4 != 0
	bits := 32
	if l.i64 {
		bits = 64
	}
	l.initial = r.uleb(bits, "limits initial")
	if l.hasMax {
		l.max = r.uleb(bits, "limits max")
	}
	return l
}

func (p *pass) memoryLimits(l limits) string {
	s := fmt.Sprintf(" pages: initial=%d", l.initial)
	if l.hasMax {
		s += fmt.Sprintf(" max=%d", l.max)
	}
	if l.shared {
		s += " shared"
	}
	if l.i64 {
		s += " i64"
	}
	return s
}

func (p *pass) importSection(r *reader) {
	n := r.count("import count")
	p.count(n)
	var funcs, tables, memories, globals, tags uint32
	for i := uint32(0); i < n; i++ {
		module := r.str("import module name")
		field := r.str("import field name")
		kindOff := r.off
		kind := r.u8("import kind")
		switch kind {
		case 0:
			sig := r.index("import signature index")
			index := funcs
			funcs++
			if p.mode == modePrepass {
				p.numImportedFuncs++
				p.funcTypes = append(p.funcTypes, sig)
				p.names.funcs[index] = module + "." + field
				continue
			}
			p.details(" - func[%d] sig=%d%s <- %s.%s\n", index, sig, p.funcName(index), module, field)
		case 1:
			elem := r.valType("table elem type")
			l := r.limits(false)
			index := tables
			tables++
			if p.mode == modePrepass {
				p.numImportedTables++
				p.names.tables[index] = module + "." + field
				continue
			}
			p.details(" - table[%d] type=%s initial=%d%s <- %s.%s\n", index, typeName(elem), l.initial, tableLimits(l), module, field)
		case 2:
			l := r.limits(true)
			index := memories
			memories++
			if p.mode == modePrepass {
				p.numImportedMemories++
				continue
			}
			p.details(" - memory[%d]%s <- %s.%s\n", index, p.memoryLimits(l), module, field)
		case 3:
			t := r.valType("global type")
			mutOff := r.off
			mut := r.u8("global mutability")
			if mut > 1 {
				r.fail(mutOff, "global mutability must be 0 or 1")
			}
			index := globals
			globals++
			if p.mode == modePrepass {
				p.numImportedGlobals++
				p.names.globals[index] = module + "." + field
				continue
			}
			p.details(" - global[%d] %s mutable=%d <- %s.%s\n", index, typeName(t), mut, module, field)
		case 4:
			r.u8("tag attribute")
			sig := r.index("tag signature index")
			index := tags
			tags++
			if p.mode == modePrepass {
				p.numImportedTags++
				p.names.tags[index] = module + "." + field
				continue
			}
			p.details(" - tag[%d] sig=%d%s <- %s.%s\n", index, sig, p.tagName(index), module, field)
		default:
			r.fail(kindOff, "malformed import kind: %d", kind)
		}
	}
}

func (p *pass) functionSection(r *reader) {
	n := r.count("function signature count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		sig := r.index("function signature index")
		index := uint32(p.numImportedFuncs) + i
		if p.mode == modePrepass {
			p.funcTypes = append(p.funcTypes, sig)
			continue
		}
		p.details(" - func[%d] sig=%d%s\n", index, sig, p.funcName(index))
	}
}

// tableSection prints the tables; a table with an initializer (0x40 0x00,
// WebAssembly 3.0) has it after the limits, written as a global's.
func (p *pass) tableSection(r *reader) {
	n := r.count("table count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		withInit := false
		if r.end-r.off >= 2 && r.data[r.off] == 0x40 {
			off := r.off
			r.off++
			if b := r.u8("table initializer marker"); b != 0 {
				r.fail(off, "malformed table initializer marker: %#x", b)
			}
			withInit = true
		}
		elem := r.valType("table elem type")
		l := r.limits(false)
		index := uint32(p.numImportedTables) + i
		p.details(" - table[%d] type=%s initial=%d%s%s", index, typeName(elem), l.initial, tableLimits(l), p.tableName(index))
		if withInit {
			p.details("%s", p.initExprText(p.initExpr(r), false))
		}
		p.details("\n")
	}
}

// tableLimits is what a table's line says after its initial size: the
// maximum, and i64 for a 64-bit table (as a memory's says).
func tableLimits(l limits) string {
	s := ""
	if l.hasMax {
		s = fmt.Sprintf(" max=%d", l.max)
	}
	if l.i64 {
		s += " i64"
	}
	return s
}

func (p *pass) memorySection(r *reader) {
	n := r.count("memory count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		l := r.limits(true)
		p.details(" - memory[%d]%s\n", uint32(p.numImportedMemories)+i, p.memoryLimits(l))
	}
}

func (p *pass) globalSection(r *reader) {
	n := r.count("global count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		t := r.valType("global type")
		mutOff := r.off
		mut := r.u8("global mutability")
		if mut > 1 {
			r.fail(mutOff, "global mutability must be 0 or 1")
		}
		index := uint32(p.numImportedGlobals) + i
		p.details(" - global[%d] %s mutable=%d%s", index, typeName(t), mut, p.globalName(index))
		e := p.initExpr(r)
		p.details("%s\n", p.initExprText(e, false))
	}
}

func (p *pass) exportSection(r *reader) {
	n := r.count("export count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		name := r.str("export item name")
		kindOff := r.off
		kind := r.u8("export kind")
		index := r.index("export item index")
		if kind > 4 {
			r.fail(kindOff, "malformed export kind: %d", kind)
		}
		if p.mode == modePrepass {
			switch {
			case name == "": // an empty name names nothing
			case kind == 0:
				p.names.funcs[index] = name
			case kind == 3:
				p.names.globals[index] = name
			}
			continue
		}
		kinds := [...]string{"func", "table", "memory", "global", "tag"}
		fn := ""
		if kind == 0 {
			fn = p.funcName(index)
		}
		p.details(" - %s[%d]%s -> \"%s\"\n", kinds[kind], index, fn, cString(name))
	}
}

func (p *pass) startSection(r *reader) {
	f := r.index("start function index")
	if p.mode == modeHeaders {
		p.printf("start: %d\n", f)
	}
	p.details(" - start function: %d%s\n", f, p.funcName(f))
}

func (p *pass) dataCountSection(r *reader) {
	n := r.index("data count")
	if p.mode == modeHeaders {
		p.printf("count: %d\n", n)
	}
	p.details(" - data count: %d\n", n)
}

// tagSection prints the tags, numbered after the imported ones as wabt
// numbers them.
func (p *pass) tagSection(r *reader) {
	n := r.count("tag count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		r.u8("tag attribute")
		sig := r.index("tag signature index")
		index := uint32(p.numImportedTags) + i
		p.details(" - tag[%d] sig=%d%s\n", index, sig, p.tagName(index))
	}
}

// initExpr is a constant expression as wabt's objdump reads it: any
// instructions up to the end (it does not validate).
type initExpr []instr

// initExpr reads a constant expression up to its end.
func (p *pass) initExpr(r *reader) initExpr {
	d := &disasm{pass: p, r: r}
	var e initExpr
	for {
		off := r.off
		if r.off < r.end && r.data[r.off] == 0x0b {
			r.off++
			if len(e) == 0 {
				r.fail(off, "init expression is empty")
			}
			return e
		}
		e = append(e, d.decode())
	}
}

// initExprText prints a segment's or global's initializer as wabt 1.0.32
// does: " - init i32=5", " - init global=0 <g>", and for more than one
// instruction " - init (i32.const 1, i32.const 2, i32.add)". unsigned
// prints an i32.const unsigned (segment offsets).
func (p *pass) initExprText(e initExpr, unsigned bool) string {
	if len(e) > 1 {
		parts := make([]string, len(e))
		for i, in := range e {
			parts[i] = in.op.String()
			switch in.op {
			case ir.OpI32Const:
				parts[i] += fmt.Sprintf(" %d", int32(uint32(in.u64)))
			case ir.OpI64Const:
				parts[i] += fmt.Sprintf(" %d", int64(in.u64))
			case ir.OpF32Const:
				// wabt 1.0.32 ends a float constant's line here.
				parts[i] += " " + string(ir.AppendHexFloat(nil, in.u64, 23, 8)) + "\n"
			case ir.OpF64Const:
				parts[i] += " " + string(ir.AppendHexFloat(nil, in.u64, 52, 11)) + "\n"
			case ir.OpGlobalGet:
				parts[i] += fmt.Sprintf(" %d%s", in.u64, p.globalName(uint32(in.u64)))
			case ir.OpRefFunc:
				parts[i] += fmt.Sprintf(" %d", in.u64)
			default:
				switch in.op.Info().Imm {
				case ir.ImmType, ir.ImmArrayFixed, ir.ImmArrayData, ir.ImmArrayElem:
					// GC's constant instructions (struct.new 0), which
					// wabt 1.0.32 does not read.
					parts[i] += " " + in.imm
				}
			}
		}
		return " - init (" + strings.Join(parts, ", ") + ")"
	}
	in := e[0]
	switch in.op {
	case ir.OpI32Const:
		if unsigned {
			return fmt.Sprintf(" - init i32=%d", uint32(in.u64))
		}
		return fmt.Sprintf(" - init i32=%d", int32(uint32(in.u64)))
	case ir.OpI64Const:
		return fmt.Sprintf(" - init i64=%d", int64(in.u64))
	case ir.OpF32Const:
		return " - init f32=" + string(ir.AppendHexFloat(nil, in.u64, 23, 8))
	case ir.OpF64Const:
		return " - init f64=" + string(ir.AppendHexFloat(nil, in.u64, 52, 11))
	case ir.OpGlobalGet:
		return fmt.Sprintf(" - init global=%d%s", in.u64, p.globalName(uint32(in.u64)))
	case ir.OpV128Const:
		// wabt 1.0.32 prints uninitialised memory for these three; watt
		// prints the value.
		return fmt.Sprintf(" - init v128=0x%08x 0x%08x 0x%08x 0x%08x", in.v128[0], in.v128[1], in.v128[2], in.v128[3])
	case ir.OpRefFunc:
		return fmt.Sprintf(" - init ref.func:%d%s", in.u64, p.funcName(uint32(in.u64)))
	case ir.OpRefNull:
		return " - init ref.null " + typeName(ir.Ref(true, in.heap))
	}
	// Not a constant instruction (an invalid module): wabt 1.0.32 prints
	// uninitialised memory; watt the instruction.
	return " - init (" + in.op.String() + ")"
}

func (p *pass) elemSection(r *reader) {
	n := r.count("elem segment count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		flagsOff := r.off
		flags := r.u32("elem segment flags")
		if flags > 7 {
			r.fail(flagsOff, "invalid elem segment flags: %#x", flags)
		}
		passive, explicitTable, exprs := flags&1 != 0, flags&2 != 0, flags&4 != 0
		table := uint32(0)
		if !passive && explicitTable {
			table = r.index("elem segment table index")
		}
		var offset initExpr
		if !passive {
			offset = p.initExpr(r)
		}
		if passive || explicitTable {
			if exprs {
				r.valType("elem type")
			} else {
				kindOff := r.off
				if k := r.u8("elem kind"); k != 0 {
					r.fail(kindOff, "segment elem expr type must be funcref or externref")
				}
			}
		}
		count := r.count("elem count")
		p.details(" - segment[%d] flags=%d table=%d count=%d", i, flags, table, count)
		if !passive {
			p.details("%s", p.initExprText(offset, true))
			if len(offset) == 1 && offset[0].op == ir.OpI32Const {
				p.elemOffset = uint32(offset[0].u64)
			}
		}
		p.details("\n")
		for k := uint32(0); k < count; k++ {
			index := p.elemOffset + k
			if !exprs {
				f := r.index("elem function index")
				p.details("  - elem[%d] = func[%d]%s\n", index, f, p.funcName(f))
				continue
			}
			e := p.initExpr(r)
			switch {
			case len(e) == 1 && e[0].op == ir.OpRefFunc:
				p.details("  - elem[%d] = func[%d]%s\n", index, e[0].u64, p.funcName(uint32(e[0].u64)))
			case len(e) == 1 && e[0].op == ir.OpRefNull:
				p.details("  - elem[%d] = ref.null %s\n", index, typeName(ir.Ref(true, e[0].heap)))
			default:
				p.details("  - elem[%d] = %s\n", index, strings.TrimPrefix(p.initExprText(e, false), " - init "))
			}
		}
	}
}

func (p *pass) dataSection(r *reader) {
	n := r.count("data segment count")
	p.count(n)
	for i := uint32(0); i < n; i++ {
		flagsOff := r.off
		flags := r.u32("data segment flags")
		if flags > 2 {
			r.fail(flagsOff, "invalid data segment flags: %#x", flags)
		}
		memory := uint32(0)
		if flags == 2 {
			memory = r.index("data segment memory index")
		}
		var offset initExpr
		if flags != 1 {
			offset = p.initExpr(r)
		}
		size := r.count("data segment size")
		data := r.bytes(int(size), "data segment data")
		name := p.dataName(i)
		if flags == 1 {
			p.details(" - segment[%d]%s passive size=%d\n", i, name, size)
		} else {
			p.details(" - segment[%d]%s memory=%d size=%d%s\n", i, name, memory, size, p.initExprText(offset, true))
			if len(offset) == 1 {
				switch offset[0].op {
				case ir.OpI32Const:
					p.dataOffset = uint64(uint32(offset[0].u64))
				case ir.OpI64Const:
					p.dataOffset = offset[0].u64
				}
			}
		}
		if p.mode == modeDetails && p.printDetails {
			memoryDump(p.w, data, int(p.dataOffset), "  - ")
		}
	}
}
