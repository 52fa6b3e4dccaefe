package binary

// The binary format's ids and flag bits, shared by the encoder and the
// decoder.

// Magic is the first four bytes of every binary module; the version
// (1, as a little-endian u32) follows it.
const Magic = "\x00asm"

// HasMagic reports whether data starts as a binary module does: tools
// that take either format read such input as binary, anything else as
// text.
func HasMagic(data []byte) bool {
	return len(data) >= len(Magic) && string(data[:len(Magic)]) == Magic
}

// Binary section ids.
const (
	sectionCustom    = 0
	sectionType      = 1
	sectionImport    = 2
	sectionFunction  = 3
	sectionTable     = 4
	sectionMemory    = 5
	sectionGlobal    = 6
	sectionExport    = 7
	sectionStart     = 8
	sectionElem      = 9
	sectionCode      = 10
	sectionData      = 11
	sectionDataCount = 12
	sectionTag       = 13 // exceptions: between memory and global
)

// sectionNames names sections by id, for messages.
var sectionNames = [...]string{
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "elem", "code", "data", "data count", "tag",
}

// sectionOrder is the order known sections appear in a module; the data
// count section sits between elements and code, the tag section between
// memory and global.
var sectionOrder = [...]byte{
	sectionType, sectionImport, sectionFunction, sectionTable, sectionMemory,
	sectionTag, sectionGlobal, sectionExport, sectionStart, sectionElem,
	sectionDataCount, sectionCode, sectionData,
}

// maxSectionID is the largest known section id.
const maxSectionID = sectionTag

// Element segment flag bits of the binary format.
const (
	elemFlagPassive       = 1 // passive or declarative (with elemFlagExplicit)
	elemFlagExplicitTable = 2 // active: table index written; else declarative
	elemFlagExprs         = 4 // elements are expressions, not function indices
)

// elemKindFunc is the elemkind byte of the function-index element forms.
const elemKindFunc = 0x00

// Limits flag bits (memory and table types): a maximum follows; shared
// (threads, memories only); the address type is i64 (memory64, table64).
const (
	limitsFlagMax    = 1
	limitsFlagShared = 2
	limitsFlagIs64   = 4
)

// Type section forms (binary codes of the composite and sub types).
const (
	formFunc     = 0x60
	formStruct   = 0x5f
	formArray    = 0x5e
	formSub      = 0x50 // sub (open) with supertypes
	formSubFinal = 0x4f // sub final with supertypes
	formRec      = 0x4e // a recursion group
)

// Reference type prefixes: (ref null ht) and (ref ht).
const (
	refNullPrefix = 0x63
	refPrefix     = 0x64
)

// Packed storage type codes.
const (
	storageI8  = 0x78
	storageI16 = 0x77
)

// tableInitForm starts a table with an initializer expression (0x40 0x00).
const tableInitForm = 0x40

// memArgFlagMemory is set in a memarg's alignment field when a memory index
// follows (multi-memory); alignments must stay below it.
const memArgFlagMemory = 1 << 6

// Data segment flags.
const (
	dataFlagPassive        = 1
	dataFlagExplicitMemory = 2
)

// sectionRank is each known section's place in sectionOrder (1-based; 0
// for custom sections), for the decoder's ordering check.
var sectionRank = func() (rank [maxSectionID + 1]int) {
	for i, id := range sectionOrder {
		rank[id] = i + 1
	}
	return rank
}()

// Name section subsection ids (the extended-name-section proposal adds 3
// to 9; GC adds field names, exceptions tag names).
const (
	nameSubModule   = 0
	nameSubFuncs    = 1
	nameSubLocals   = 2
	nameSubLabels   = 3
	nameSubTypes    = 4
	nameSubTables   = 5
	nameSubMemories = 6
	nameSubGlobals  = 7
	nameSubElems    = 8
	nameSubDatas    = 9
	nameSubFields   = 10
	nameSubTags     = 11
)
