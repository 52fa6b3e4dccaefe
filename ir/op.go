package ir

//go:generate go run ./internal/opgen/gen -o op_gen.go

// Op identifies an instruction: an index into the generated opcode table.
type Op uint16

// Imm is the shape of an instruction's immediates; Instr documents which
// fields each shape uses.
type Imm uint8

const (
	ImmNone         Imm = iota
	ImmBlock            // block type (block, loop, if)
	ImmLabel            // label depth (br, br_if)
	ImmBrTable          // label vector and default
	ImmFunc             // function index (call, ref.func)
	ImmCallIndirect     // type index and table index
	ImmLocal            // local index
	ImmGlobal           // global index
	ImmTable            // table index
	ImmMemory           // memory index (a reserved 0 byte in the MVP encoding)
	ImmMemArg           // alignment, offset (and memory index)
	ImmMemArgLane       // memarg and lane index (v128.load8_lane, ...)
	ImmLane             // lane index (extract_lane, replace_lane)
	ImmShuffle          // 16 lane indices (i8x16.shuffle)
	ImmTablePair        // destination and source table (table.copy)
	ImmMemoryPair       // destination and source memory (memory.copy)
	ImmTableInit        // element segment and table (table.init)
	ImmMemoryInit       // data segment and memory (memory.init)
	ImmData             // data segment (data.drop)
	ImmElem             // element segment (elem.drop)
	ImmI32              // i32.const
	ImmI64              // i64.const
	ImmF32              // f32.const
	ImmF64              // f64.const
	ImmV128             // v128.const
	ImmSelect           // typed select's result types
	ImmHeapType         // ref.null's heap type
	ImmFence            // atomic.fence's reserved zero byte
	ImmTag              // tag index (throw, catch)
	ImmType             // type index (call_ref, struct.new, array.get, ...)
	ImmTryTable         // block type and catch clauses (try_table)
	ImmTry              // block type, then handlers or delegate (legacy try)
	ImmRefType          // reference type (ref.test, ref.cast)
	ImmStructField      // type index and field index (struct.get, ...)
	ImmArrayFixed       // type index and element count (array.new_fixed)
	ImmArrayData        // type index and data segment (array.new_data, ...)
	ImmArrayElem        // type index and elem segment (array.new_elem, ...)
	ImmTypePair         // destination and source type (array.copy)
	ImmBrOnCast         // cast flags, label, two reference types
)

// OpInfo is one row of the opcode table.
type OpInfo struct {
	Name   string // text-format name
	Prefix byte   // 0 for single-byte opcodes, else 0xfc, 0xfd, 0xfe
	Code   uint32 // opcode (LEB128 u32 after a prefix)
	Imm    Imm
	// Size is the natural access size in bytes of memory instructions: the
	// default alignment, and the exact alignment atomics require.
	Size uint8
	// Params and Results are the fixed signature, valid when !Special. For
	// memory instructions the address operand is listed as i32 (the
	// validator substitutes i64 for 64-bit memories).
	Params, Results []ValType
	Special         bool // the validator types this instruction itself
	Feature         Feature
	Aliases         []string // legacy text names (get_local, i32.atomic.wait)
}

// Info returns op's table row.
func (op Op) Info() *OpInfo {
	if op >= NumOps {
		return &badOp
	}
	return &opInfos[op]
}

var badOp = OpInfo{Name: "<invalid op>", Special: true}

// String returns the text-format name.
func (op Op) String() string { return op.Info().Name }

// IsAtomic reports whether op is an atomic memory access (including wait
// and notify), whose alignment must equal its natural alignment exactly.
func (op Op) IsAtomic() bool {
	in := op.Info()
	return in.Prefix == 0xfe && in.Imm == ImmMemArg
}

// NaturalAlign is log2 of op's natural access size: the default alignment.
func (op Op) NaturalAlign() uint32 {
	var a uint32
	for s := op.Info().Size; s > 1; s >>= 1 {
		a++
	}
	return a
}

var (
	opByName   map[string]Op
	opByByte   [256]Op // single-byte opcodes; 0 entries other than unreachable are absent
	opByPrefix map[uint64]Op
)

func init() {
	opByName = make(map[string]Op, 2*int(NumOps))
	opByPrefix = make(map[uint64]Op, int(NumOps))
	for i := range opInfos {
		op, in := Op(i), &opInfos[i]
		if _, dup := opByName[in.Name]; !dup {
			opByName[in.Name] = op
		}
		for _, a := range in.Aliases {
			opByName[a] = op
		}
		if in.Prefix == 0 {
			opByByte[in.Code] = op
		} else {
			opByPrefix[uint64(in.Prefix)<<32|uint64(in.Code)] = op
		}
	}
}

// LookupOp finds an instruction by its text name or a legacy alias.
func LookupOp(name string) (Op, bool) {
	op, ok := opByName[name]
	return op, ok
}

// LookupCode finds an instruction by its binary encoding; prefix is 0 for
// single-byte opcodes.
func LookupCode(prefix byte, code uint32) (Op, bool) {
	if prefix == 0 {
		if code > 0xff {
			return 0, false
		}
		op := opByByte[code]
		return op, op != OpUnreachable || code == 0
	}
	op, ok := opByPrefix[uint64(prefix)<<32|uint64(code)]
	return op, ok
}

// IsPrefix reports whether b starts a multi-byte opcode.
func IsPrefix(b byte) bool { return b == 0xfb || b == 0xfc || b == 0xfd || b == 0xfe }
