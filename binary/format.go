package binary

// The binary format's ids and flag bits, shared by the encoder and the
// decoder.

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
)

// sectionNames names sections by id, for messages.
var sectionNames = [...]string{
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "elem", "code", "data", "data count",
}

// sectionOrder is the order known sections appear in a module; the data
// count section sits between elements and code.
var sectionOrder = [...]byte{
	sectionType, sectionImport, sectionFunction, sectionTable, sectionMemory,
	sectionGlobal, sectionExport, sectionStart, sectionElem, sectionDataCount,
	sectionCode, sectionData,
}

// Element segment flag bits of the binary format.
const (
	elemFlagPassive       = 1 // passive or declarative (with elemFlagExplicit)
	elemFlagExplicitTable = 2 // active: table index written; else declarative
	elemFlagExprs         = 4 // elements are expressions, not function indices
)

// elemKindFunc is the elemkind byte of the function-index element forms.
const elemKindFunc = 0x00

// Limits flag bits (memory and table types).
const (
	limitsFlagMax    = 1
	limitsFlagShared = 2
	limitsFlagIs64   = 4
)

// Data segment flags.
const (
	dataFlagPassive        = 1
	dataFlagExplicitMemory = 2
)

// sectionRank is each known section's place in sectionOrder (1-based; 0
// for custom sections), for the decoder's ordering check.
var sectionRank = func() (rank [sectionDataCount + 1]int) {
	for i, id := range sectionOrder {
		rank[id] = i + 1
	}
	return rank
}()

// Name section subsection ids (the extended-name-section proposal adds 3
// to 9).
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
)
