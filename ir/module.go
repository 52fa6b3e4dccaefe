package ir

// Module is a whole WebAssembly module. Index spaces follow the spec:
// imported entities come first, then the module's own definitions.
// Everything the text format only abbreviates (inline exports and imports,
// folded instructions, implicit type uses) is already expanded here.
type Module struct {
	Name     string // $id in text, module name in the name section
	Types    []FuncType
	Imports  []Import
	Funcs    []Func // defined functions only
	Tables   []Table
	Memories []Memory
	Globals  []Global
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

// Table is a defined table.
type Table struct {
	Type TableType
	Pos  Pos
}

// Memory is a defined memory.
type Memory struct {
	Type MemoryType
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
}

// BlockKind says how a block's signature is written.
type BlockKind byte

const (
	BlockEmpty BlockKind = iota // no params, no results
	BlockValue                  // no params, one result of type Value
	BlockIndex                  // the function type Types[Index]
)

// BlockType is the signature of block, loop and if.
type BlockType struct {
	Kind  BlockKind
	Value ValType
	Index uint32
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
//	ImmBlock:        Block, Body (and Else for if)
//	ImmLabel:        Index (label depth)
//	ImmBrTable:      Labels, Index (default depth)
//	ImmFunc, ImmLocal, ImmGlobal, ImmTable, ImmMemory, ImmData, ImmElem: Index
//	ImmCallIndirect: Index (type), Index2 (table)
//	ImmMemArg:       Mem
//	ImmMemArgLane:   Mem, Lane
//	ImmLane:         Lane
//	ImmTablePair / ImmMemoryPair: Index (destination), Index2 (source)
//	ImmTableInit:    Index (elem segment), Index2 (table)
//	ImmMemoryInit:   Index (data segment), Index2 (memory)
//	ImmI32/ImmI64:   Value (two's complement bits)
//	ImmF32/ImmF64:   Value (IEEE bits; f32 in the low 32)
//	ImmV128, ImmShuffle: Value (low 8 bytes, little endian), Value2 (high)
//	ImmSelect:       Types
//	ImmRefType:      Ref
type Instr struct {
	Op     Op
	Lane   byte
	Ref    ValType
	Pos    Pos
	Index  uint32
	Index2 uint32
	Value  uint64
	Value2 uint64
	Mem    MemArg
	Block  BlockType
	Body   []Instr
	Else   []Instr
	Labels []uint32
	Types  []ValType
}

// V128Bytes returns a v128 immediate (v128.const, i8x16.shuffle) as bytes.
func (in *Instr) V128Bytes() [16]byte {
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(in.Value >> (8 * i))
		b[8+i] = byte(in.Value2 >> (8 * i))
	}
	return b
}

// SetV128Bytes sets a v128 immediate from bytes.
func (in *Instr) SetV128Bytes(b [16]byte) {
	in.Value, in.Value2 = 0, 0
	for i := 0; i < 8; i++ {
		in.Value |= uint64(b[i]) << (8 * i)
		in.Value2 |= uint64(b[8+i]) << (8 * i)
	}
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
