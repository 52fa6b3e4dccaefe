package ir

// Module is a whole WebAssembly module. Index spaces follow the spec:
// imported entities come first, then the module's own definitions.
// Everything the text format only abbreviates (inline exports and imports,
// folded instructions, implicit type uses) is already expanded here.
type Module struct {
	Name     string     // $id in text, module name in the name section
	Types    []TypeDef  // the type index space
	Rec      []RecGroup // explicit recursion groups, in order
	Imports  []Import
	Funcs    []Func // defined functions only
	Tables   []Table
	Memories []Memory
	Globals  []Global
	Tags     []Tag
	Exports  []Export
	Start    *Start
	Elems    []Elem
	Datas    []Data
	Customs  []Custom
	Names    Names
}

// Start names the start function.
type Start struct {
	Func uint32
	Pos  Pos
}

// Import is one import; the field matching Kind is set.
type Import struct {
	Module, Name string
	Kind         ExternKind
	Func         uint32 // type index, for ExternFunc
	Tag          uint32 // type index, for ExternTag
	Table        TableType
	Memory       MemoryType
	Global       GlobalType
	Pos          Pos
}

// Export is one export of the entity Index in Kind's index space.
type Export struct {
	Name  string
	Kind  ExternKind
	Index uint32
	Pos   Pos
}

// Func is a defined function.
type Func struct {
	Type   uint32 // type index
	Locals []LocalRun
	Body   []Instr
	Pos    Pos
}

// LocalRun declares Count locals of one type. Runs are normalised: adjacent
// runs of the same type are merged and counts are never zero, so text and
// binary give equal IR.
type LocalRun struct {
	Count uint32
	Type  ValType
}

// NumLocals is the number of declared locals (parameters excluded).
func (f *Func) NumLocals() uint64 {
	var n uint64
	for _, r := range f.Locals {
		n += uint64(r.Count)
	}
	return n
}

// AddLocals appends n locals of type t, keeping runs normalised.
func (f *Func) AddLocals(n uint32, t ValType) {
	if n == 0 {
		return
	}
	if k := len(f.Locals); k > 0 && f.Locals[k-1].Type == t && uint64(f.Locals[k-1].Count)+uint64(n) <= 0xffffffff {
		f.Locals[k-1].Count += n
		return
	}
	f.Locals = append(f.Locals, LocalRun{n, t})
}

// Table is a defined table. Init, when present (function references), is
// the constant expression every element starts as; otherwise null.
type Table struct {
	Type TableType
	Init []Instr
	Pos  Pos
}

// Memory is a defined memory.
type Memory struct {
	Type MemoryType
	Pos  Pos
}

// Tag is a defined exception tag; Type is a function type index whose
// results are empty, its params the exception's payload.
type Tag struct {
	Type uint32
	Pos  Pos
}

// Global is a defined global with its constant initialiser.
type Global struct {
	Type GlobalType
	Init []Instr
	Pos  Pos
}

// SegmentMode says when an element or data segment is applied.
type SegmentMode byte

const (
	SegmentActive      SegmentMode = iota // copied at instantiation
	SegmentPassive                        // used by memory.init / table.init
	SegmentDeclarative                    // elements only: declares ref.func targets
)

// Elem is an element segment. Init holds one constant expression per
// element (a bare function index is stored as ref.func); the encoder picks
// the canonical binary form, as wabt does: function indices when the type
// is funcref and every element is a plain ref.func, expressions otherwise.
type Elem struct {
	Mode   SegmentMode
	Table  uint32
	Offset []Instr
	Type   ValType
	Init   [][]Instr
	Pos    Pos
}

// Data is a data segment.
type Data struct {
	Mode   SegmentMode // Active or Passive
	Memory uint32
	Offset []Instr
	Init   []byte
	Pos    Pos
}

// Custom is a custom section, kept verbatim. After is the id of the known
// section it followed (0 = before all of them), so the encoder can put it
// back where it was.
type Custom struct {
	Name  string
	Data  []byte
	After byte
	Pos   Pos
}

// NameMap maps an index to a name.
type NameMap map[uint32]string

// Names are the debug names of the module's entities (text-format $ids or
// the binary name section). Maps are nil when empty.
type Names struct {
	Funcs    NameMap
	Locals   map[uint32]NameMap // by function index, then local index
	Types    NameMap
	Tables   NameMap
	Memories NameMap
	Globals  NameMap
	Elems    NameMap
	Datas    NameMap
	Tags     NameMap
	Fields   map[uint32]NameMap // by type index, then field index
}

// BlockKind says how a block's signature is written.
type BlockKind byte

const (
	BlockEmpty BlockKind = iota // no params, no results
	BlockValue                  // no params, one result of type Value
	BlockIndex                  // the function type Types[Index]
)

// BlockType is the signature of block, loop, if, try_table and try. Build
// one with BlockOf or BlockOfIndex; the zero BlockType is the empty one.
// (Kind is derived from Value, which keeps Instr small.)
type BlockType struct {
	Value ValType // the result for BlockValue; blockIndexed for BlockIndex
	Index uint32  // the type index for BlockIndex
}

// blockIndexed marks a BlockType that names a type index; it is no value
// type (those stay below 1<<31).
const blockIndexed ValType = 1 << 31

// BlockOf returns the block type with no params and one result t.
func BlockOf(t ValType) BlockType { return BlockType{Value: t} }

// BlockOfIndex returns the block type of function type idx.
func BlockOfIndex(idx uint32) BlockType { return BlockType{Value: blockIndexed, Index: idx} }

// Kind says how the signature is written.
func (b BlockType) Kind() BlockKind {
	switch b.Value {
	case 0:
		return BlockEmpty
	case blockIndexed:
		return BlockIndex
	}
	return BlockValue
}

// MemArg is the immediate of loads, stores and atomics. Align is log2 of
// the byte alignment, as in the binary format. (Offset comes first so that
// the struct has no padding: it is part of every Instr.)
type MemArg struct {
	Offset uint64
	Align  uint32
	Memory uint32
}

// Instr is one instruction. Which immediate fields mean something is given
// by Op's immediate shape (Op.Info().Imm):
//
//	ImmBlock:        Block, Body (and ElseBody() for if)
//	ImmTryTable:     Block, Body, Catches()
//	ImmTry:          Block, Body, Handlers(), Delegate() (legacy exceptions)
//	ImmLabel:        Index (label depth)
//	ImmBrTable:      BrLabels(), Index (default depth)
//	ImmFunc, ImmLocal, ImmGlobal, ImmTable, ImmMemory, ImmData, ImmElem,
//	ImmTag, ImmType: Index
//	ImmCallIndirect: Index (type), Index2 (table)
//	ImmMemArg:       Mem
//	ImmMemArgLane:   Mem, Lane
//	ImmLane:         Lane
//	ImmTablePair / ImmMemoryPair: Index (destination), Index2 (source)
//	ImmTableInit:    Index (elem segment), Index2 (table)
//	ImmMemoryInit:   Index (data segment), Index2 (memory)
//	ImmI32/ImmI64:   Value (two's complement bits)
//	ImmF32/ImmF64:   Value (IEEE bits; f32 in the low 32)
//	ImmV128, ImmShuffle: Value (low 8 bytes, little endian), V128Hi() (high)
//	ImmSelect:       SelectTypes()
//	ImmHeapType:     HeapType() (ref.null)
//	ImmRefType:      RefType() (ref.test, ref.cast)
//	ImmStructField:  Index (type), Index2 (field)
//	ImmArrayFixed:   Index (type), Index2 (element count)
//	ImmArrayData:    Index (type), Index2 (data segment)
//	ImmArrayElem:    Index (type), Index2 (elem segment)
//	ImmTypePair:     Index (destination type), Index2 (source type)
//	ImmBrOnCast:     Index (label), CastTypes() (br_on_cast[_fail])
//
// The immediates few instructions have (an if's else arm, br_table's labels,
// a typed select's types, the high 8 bytes of a v128 immediate, catch
// clauses, code metadata) live in Ext, which keeps Instr small. Read them
// with the nil-safe accessors (ElseBody, BrLabels, ...) and set them with
// the matching setters.
//
// Invariant: Ext is nil when all its fields are zero or empty (an if with an
// empty else arm, a v128 immediate whose high half is zero, ...), so that
// equal instructions compare equal field by field (cmp.Diff of text-parsed
// and binary-decoded IR). The setters keep it. Instr values are copied
// freely and copies share Ext, so the setters replace Ext rather than modify
// it; never write through Ext directly.
type Instr struct {
	Op     Op
	Lane   byte
	Pos    Pos
	Index  uint32
	Index2 uint32
	Value  uint64
	Mem    MemArg
	Block  BlockType
	Body   []Instr
	// Ext holds the immediates few instructions have; nil for all others
	// (see the invariant above).
	Ext *InstrExt
}

// CatchKind is the kind of a try_table catch clause (its binary code).
type CatchKind byte

const (
	Catch       CatchKind = 0 // catch tag label
	CatchRef    CatchKind = 1 // catch_ref tag label
	CatchAll    CatchKind = 2 // catch_all label
	CatchAllRef CatchKind = 3 // catch_all_ref label
)

// CatchClause is one handler of try_table: on a matching exception, branch
// to Label (Tag is unused for the catch_all kinds).
type CatchClause struct {
	Kind  CatchKind
	Tag   uint32
	Label uint32
}

// Handler is one `catch tag` or `catch_all` arm of a legacy try.
type Handler struct {
	All  bool // catch_all
	Tag  uint32
	Body []Instr
	Pos  Pos
}

// CodeMeta is one code-metadata annotation on an instruction
// (`(@metadata.code.branch_hint "\01")` has Name "branch_hint").
type CodeMeta struct {
	Name string
	Data []byte
}

// InstrExt holds an Instr's rare immediates: an if's else arm, br_table's
// labels (without the default), a typed select's result types, the high 8
// bytes of a v128 immediate (v128.const, i8x16.shuffle; little endian),
// try_table's catch clauses, a legacy try's handlers and delegate target,
// and code metadata.
type InstrExt struct {
	Else        []Instr
	Labels      []uint32
	Types       []ValType
	Value2      uint64
	Catches     []CatchClause
	Handlers    []Handler
	HasDelegate bool
	Delegate    uint32
	Meta        []CodeMeta
}

func (e *InstrExt) isZero() bool {
	return len(e.Else) == 0 && len(e.Labels) == 0 && len(e.Types) == 0 && e.Value2 == 0 &&
		len(e.Catches) == 0 && len(e.Handlers) == 0 && !e.HasDelegate && e.Delegate == 0 && len(e.Meta) == 0
}

// ElseBody returns the else arm of an if (nil when it has none, or an empty
// one).
func (in *Instr) ElseBody() []Instr {
	if in.Ext == nil {
		return nil
	}
	return in.Ext.Else
}

// BrLabels returns br_table's label depths, the default (Index) excluded.
func (in *Instr) BrLabels() []uint32 {
	if in.Ext == nil {
		return nil
	}
	return in.Ext.Labels
}

// SelectTypes returns a typed select's result types.
func (in *Instr) SelectTypes() []ValType {
	if in.Ext == nil {
		return nil
	}
	return in.Ext.Types
}

// V128Hi returns the high 8 bytes (little endian) of a v128 immediate; Value
// holds the low 8.
func (in *Instr) V128Hi() uint64 {
	if in.Ext == nil {
		return 0
	}
	return in.Ext.Value2
}

// setExt installs a copy of Ext changed by f, or nil if that copy is zero.
// (Copy, not modify: Instr copies share Ext.)
func (in *Instr) setExt(f func(e *InstrExt)) {
	var e InstrExt
	if in.Ext != nil {
		e = *in.Ext
	}
	f(&e)
	if e.isZero() {
		in.Ext = nil
		return
	}
	in.Ext = &e
}

// SetElseBody sets the else arm of an if; an empty one is stored as none.
func (in *Instr) SetElseBody(body []Instr) {
	if len(body) == 0 && in.Ext == nil {
		return
	}
	in.setExt(func(e *InstrExt) { e.Else = body })
}

// SetBrLabels sets br_table's label depths (the default excluded).
func (in *Instr) SetBrLabels(labels []uint32) {
	if len(labels) == 0 && in.Ext == nil {
		return
	}
	in.setExt(func(e *InstrExt) { e.Labels = labels })
}

// SetSelectTypes sets a typed select's result types.
func (in *Instr) SetSelectTypes(types []ValType) {
	if len(types) == 0 && in.Ext == nil {
		return
	}
	in.setExt(func(e *InstrExt) { e.Types = types })
}

// SetV128Hi sets the high 8 bytes of a v128 immediate.
func (in *Instr) SetV128Hi(v uint64) {
	if v == 0 && in.Ext == nil {
		return
	}
	in.setExt(func(e *InstrExt) { e.Value2 = v })
}

// Catches returns try_table's catch clauses.
func (in *Instr) Catches() []CatchClause {
	if in.Ext == nil {
		return nil
	}
	return in.Ext.Catches
}

// SetCatches sets try_table's catch clauses.
func (in *Instr) SetCatches(c []CatchClause) {
	if len(c) == 0 && in.Ext == nil {
		return
	}
	in.setExt(func(e *InstrExt) { e.Catches = c })
}

// Handlers returns a legacy try's catch and catch_all arms.
func (in *Instr) Handlers() []Handler {
	if in.Ext == nil {
		return nil
	}
	return in.Ext.Handlers
}

// SetHandlers sets a legacy try's catch and catch_all arms.
func (in *Instr) SetHandlers(h []Handler) {
	if len(h) == 0 && in.Ext == nil {
		return
	}
	in.setExt(func(e *InstrExt) { e.Handlers = h })
}

// Delegate returns the label a legacy `try ... delegate L` delegates to,
// and whether the try ends in delegate.
func (in *Instr) Delegate() (uint32, bool) {
	if in.Ext == nil {
		return 0, false
	}
	return in.Ext.Delegate, in.Ext.HasDelegate
}

// SetDelegate makes a legacy try end in `delegate label`.
func (in *Instr) SetDelegate(label uint32) {
	in.setExt(func(e *InstrExt) { e.HasDelegate, e.Delegate = true, label })
}

// Meta returns the code-metadata annotations on the instruction.
func (in *Instr) Meta() []CodeMeta {
	if in.Ext == nil {
		return nil
	}
	return in.Ext.Meta
}

// SetMeta sets the code-metadata annotations on the instruction.
func (in *Instr) SetMeta(m []CodeMeta) {
	if len(m) == 0 && in.Ext == nil {
		return
	}
	in.setExt(func(e *InstrExt) { e.Meta = m })
}

// HeapType is ref.null's heap type (kept in Index).
func (in *Instr) HeapType() HeapType { return HeapType(in.Index) }

// SetHeapType sets ref.null's heap type.
func (in *Instr) SetHeapType(h HeapType) { in.Index = uint32(h) }

// RefType is the reference type of ref.test and ref.cast (kept in Index).
func (in *Instr) RefType() ValType { return ValType(in.Index) }

// SetRefType sets the reference type of ref.test and ref.cast.
func (in *Instr) SetRefType(t ValType) { in.Index = uint32(t) }

// CastTypes are br_on_cast's source and target reference types (kept in
// Index2 and Value).
func (in *Instr) CastTypes() (from, to ValType) { return ValType(in.Index2), ValType(in.Value) }

// SetCastTypes sets br_on_cast's source and target reference types.
func (in *Instr) SetCastTypes(from, to ValType) {
	in.Index2, in.Value = uint32(from), uint64(to)
}

// V128Bytes returns a v128 immediate (v128.const, i8x16.shuffle) as bytes.
func (in *Instr) V128Bytes() [16]byte {
	var b [16]byte
	hi := in.V128Hi()
	for i := 0; i < 8; i++ {
		b[i] = byte(in.Value >> (8 * i))
		b[8+i] = byte(hi >> (8 * i))
	}
	return b
}

// SetV128Bytes sets a v128 immediate from bytes.
func (in *Instr) SetV128Bytes(b [16]byte) {
	var lo, hi uint64
	for i := 0; i < 8; i++ {
		lo |= uint64(b[i]) << (8 * i)
		hi |= uint64(b[8+i]) << (8 * i)
	}
	in.Value = lo
	in.SetV128Hi(hi)
}

// NumImportedFuncs counts imports of kind ExternFunc (and likewise below):
// the index of the first defined entity in each index space.
func (m *Module) NumImported(k ExternKind) int {
	n := 0
	for i := range m.Imports {
		if m.Imports[i].Kind == k {
			n++
		}
	}
	return n
}

// FuncTypeIndex returns the type index of function idx in the function index
// space (imports first), and false if idx is out of range.
func (m *Module) FuncTypeIndex(idx uint32) (uint32, bool) {
	for i := range m.Imports {
		if m.Imports[i].Kind != ExternFunc {
			continue
		}
		if idx == 0 {
			return m.Imports[i].Func, true
		}
		idx--
	}
	if uint64(idx) < uint64(len(m.Funcs)) {
		return m.Funcs[idx].Type, true
	}
	return 0, false
}
