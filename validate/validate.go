// Package validate implements the spec's validation algorithm over ir.Module
// for WebAssembly 3.0 (typed function references and GC with iso-recursive
// types, exceptions and the legacy exception instructions, memory64 and
// table64, multi-memory, extended constants, relaxed SIMD, branch hints),
// threads rules included (see threads.go). Features that are off are
// refused with the flag that turns them on.
//
// Files: validate.go (module fields, in the reference interpreter's order),
// types.go (value types, the type section, subtyping), func.go (the
// operand and control stacks), fast.go (the fast path), instr.go (special
// instructions), gc.go, exn.go, const.go, memory64.go (address types),
// threads.go, parallel.go (bodies on several goroutines).
//
// Messages start with the reference interpreter's exact text (what the
// suite's assert_invalid expects), followed by context:
//
//	type mismatch: instruction requires [i32 i32] but stack has [i32 i64] in i32.add
//
// Where 2.0 and 3.0 word a rule differently (global.set of an immutable
// global), the features pick the text: 3.0's with GC on.
//
// Each function stops at its first error, as wabt does; errors in other
// functions and in module fields are all reported.
package validate

import (
	"sync"

	"github.com/watt-wasm/watt/ir"
)

// Module validates m. Errors are an ir.ErrorList of Invalid errors; src (may
// be nil) resolves their positions.
func Module(m *ir.Module, src *ir.Source, features ir.Features) error {
	if m == nil {
		return ir.ErrorList{ir.Errorf(src, ir.NoPos, ir.Invalid, "invalid module: nil")}
	}
	mc := newModuleChecker(m, src, features)
	mc.check()
	return mc.errs.Err()
}

// moduleChecker holds the validation context C of the spec: the types of
// every index space, built once per module.
type moduleChecker struct {
	m        *ir.Module
	src      *ir.Source
	features ir.Features
	errs     ir.ErrorList
	// v3 selects WebAssembly 3.0's rules and texts where they differ from
	// 2.0's (the threads suite is written for 2.0): global initialisers see
	// earlier globals, segments see all globals, and global.set of an
	// immutable global says "immutable global". It is on with GC.
	v3 bool

	// The type section: typesOK once it is well-formed; ids (from typeIDs,
	// types.go) are the canonical identities of its types in store.
	typesOK bool
	idsOnce sync.Once
	ids     []ir.TypeID
	store   *ir.TypeStore
	// typeUsePos is where each type is first used (typePos), built on the
	// first error in a type without a position.
	typeUsePos []ir.Pos

	funcs     []*ir.FuncType // by function index; nil when the type index is unknown or no function type
	funcTypes []uint32       // type index of each function
	tables    []ir.TableType
	memories  []ir.MemoryType
	// hasMemory64 and hasTable64 say whether some memory or table is
	// 64-bit, so that the common case skips their address typing
	// (memory64.go).
	hasMemory64 bool
	hasTable64  bool
	globals     []ir.GlobalType
	// numImportedGlobals bounds global.get in the constant expressions
	// that see only imported globals.
	numImportedGlobals int
	tags               []*ir.FuncType // by tag index; nil when the type is invalid
	// declared[f] says whether function f may be used by ref.func in a
	// function body (the spec's C.refs).
	declared []bool

	fc funcChecker // reused for every body and constant expression
}

func newModuleChecker(m *ir.Module, src *ir.Source, features ir.Features) *moduleChecker {
	mc := &moduleChecker{m: m, src: src, features: features, v3: features.Has(ir.FeatureGC)}
	mc.fc.mc = mc
	addFunc := func(idx uint32) {
		ft, _ := mc.funcTypeOf(idx)
		mc.funcs = append(mc.funcs, ft)
		mc.funcTypes = append(mc.funcTypes, idx)
	}
	addTag := func(idx uint32) {
		ft, _ := mc.funcTypeOf(idx)
		mc.tags = append(mc.tags, ft)
	}
	for i := range m.Imports {
		im := &m.Imports[i]
		switch im.Kind {
		case ir.ExternFunc:
			addFunc(im.Func)
		case ir.ExternTable:
			mc.tables = append(mc.tables, im.Table)
		case ir.ExternMemory:
			mc.memories = append(mc.memories, im.Memory)
		case ir.ExternGlobal:
			mc.globals = append(mc.globals, im.Global)
			mc.numImportedGlobals++
		case ir.ExternTag:
			addTag(im.Tag)
		}
	}
	for i := range m.Funcs {
		addFunc(m.Funcs[i].Type)
	}
	for i := range m.Tables {
		mc.tables = append(mc.tables, m.Tables[i].Type)
	}
	for i := range m.Memories {
		mc.memories = append(mc.memories, m.Memories[i].Type)
	}
	for i := range m.Globals {
		mc.globals = append(mc.globals, m.Globals[i].Type)
	}
	for i := range m.Tags {
		addTag(m.Tags[i].Type)
	}
	for _, mt := range mc.memories {
		mc.hasMemory64 = mc.hasMemory64 || mt.Is64
	}
	for _, tt := range mc.tables {
		mc.hasTable64 = mc.hasTable64 || tt.Is64
	}
	mc.declared = make([]bool, len(mc.funcs))
	mc.scanDeclaredRefs()
	return mc
}

// typeAt returns the function type Types[idx], or nil if there is no such
// function type.
func (mc *moduleChecker) typeAt(idx uint32) *ir.FuncType {
	ft, _ := mc.funcTypeOf(idx)
	return ft
}

// scanDeclaredRefs computes C.refs: the functions referenced anywhere in the
// module outside function bodies (global and table initialisers, element
// segments, segment offsets, exports).
func (mc *moduleChecker) scanDeclaredRefs() {
	m := mc.m
	mark := func(expr []ir.Instr) {
		for i := range expr {
			if expr[i].Op == ir.OpRefFunc && uint64(expr[i].Index) < uint64(len(mc.declared)) {
				mc.declared[expr[i].Index] = true
			}
		}
	}
	for i := range m.Globals {
		mark(m.Globals[i].Init)
	}
	for i := range m.Tables {
		mark(m.Tables[i].Init)
	}
	for i := range m.Elems {
		mark(m.Elems[i].Offset)
		for _, e := range m.Elems[i].Init {
			mark(e)
		}
	}
	for i := range m.Datas {
		mark(m.Datas[i].Offset)
	}
	for _, ex := range m.Exports {
		if ex.Kind == ir.ExternFunc && uint64(ex.Index) < uint64(len(mc.declared)) {
			mc.declared[ex.Index] = true
		}
	}
}

// errorf records an error. Its message must start with the spec's text.
func (mc *moduleChecker) errorf(pos ir.Pos, format string, args ...any) {
	mc.errs.Add(ir.Errorf(mc.src, pos, ir.Invalid, format, args...))
}

// check runs the module-level rules in the reference interpreter's order, so
// that a module with several errors reports the one the suite expects first.
func (mc *moduleChecker) check() {
	m := mc.m
	mc.checkTypes() // types.go
	for i := range m.Imports {
		mc.checkImport(&m.Imports[i])
	}
	for i := range m.Tags {
		mc.checkTagType(m.Tags[i].Type, m.Tags[i].Pos)
	}
	for i := range m.Funcs {
		// A function's type is checked with the declarations, its body
		// (funcError) later.
		if _, msg := mc.funcTypeOf(m.Funcs[i].Type); msg != "" {
			mc.errorf(m.Funcs[i].Pos, "%s", msg)
		}
	}
	for i := range m.Memories {
		mc.checkMemoryType(&m.Memories[i].Type, m.Memories[i].Pos)
	}
	for i := range m.Tables {
		mc.checkTable(&m.Tables[i])
	}
	for i := range m.Globals {
		g := &m.Globals[i]
		if mc.checkValType(g.Type.Type, g.Pos) {
			// Each initialiser sees the imported globals and, in 3.0, the
			// globals defined before it.
			n := mc.numImportedGlobals
			if mc.v3 {
				n += i
			}
			mc.checkConst(g.Init, g.Type.Type, g.Pos, n)
		}
	}
	for i := range m.Datas {
		mc.checkData(&m.Datas[i])
	}
	for i := range m.Elems {
		mc.checkElem(&m.Elems[i])
	}
	mc.checkFuncs() // parallel.go
	if m.Start != nil {
		mc.checkStart(m.Start)
	}
	mc.checkExports()
	mc.checkCounts()
}

// segmentGlobals is how many globals segment offsets and elements see: all
// of them in 3.0, the imported ones in 2.0.
func (mc *moduleChecker) segmentGlobals() int {
	if mc.v3 {
		return len(mc.globals)
	}
	return mc.numImportedGlobals
}

func (mc *moduleChecker) checkImport(im *ir.Import) {
	switch im.Kind {
	case ir.ExternFunc:
		if _, msg := mc.funcTypeOf(im.Func); msg != "" {
			mc.errorf(im.Pos, "%s in import %q %q", msg, im.Module, im.Name)
		}
	case ir.ExternTable:
		mc.checkTableType(&im.Table, im.Pos)
	case ir.ExternMemory:
		mc.checkMemoryType(&im.Memory, im.Pos)
	case ir.ExternGlobal:
		mc.checkValType(im.Global.Type, im.Pos)
		if im.Global.Mutable && !mc.features.Has(ir.FeatureMutableGlobals) {
			mc.errorf(im.Pos, "mutable globals cannot be imported without %s", ir.FeatureMutableGlobals.Flag())
		}
	case ir.ExternTag:
		mc.checkTagType(im.Tag, im.Pos)
	default:
		mc.errorf(im.Pos, "invalid import kind %d", im.Kind)
	}
}

// checkTagType checks a tag's type: a function type without results.
func (mc *moduleChecker) checkTagType(idx uint32, pos ir.Pos) {
	if !mc.features.Has(ir.FeatureExceptions) {
		mc.errorf(pos, "tags require %s", ir.FeatureExceptions.Flag())
		return
	}
	ft, msg := mc.funcTypeOf(idx)
	if msg != "" {
		mc.errorf(pos, "%s", msg)
		return
	}
	if len(ft.Results) != 0 {
		mc.errorf(pos, "non-empty tag result type %s", typeList(ft.Results))
	}
}

// checkLimits is the reference interpreter's check_limits: both bounds within
// the range, then min <= max.
func (mc *moduleChecker) checkLimits(l ir.Limits, bound uint64, msg string, pos ir.Pos) bool {
	if l.Min > bound || (l.HasMax && l.Max > bound) {
		mc.errorf(pos, "%s", msg)
		return false
	}
	if l.HasMax && l.Min > l.Max {
		mc.errorf(pos, "size minimum must not be greater than maximum: %d > %d", l.Min, l.Max)
		return false
	}
	return true
}

func (mc *moduleChecker) checkTableType(tt *ir.TableType, pos ir.Pos) bool {
	if !mc.checkElemType(tt.Elem, "table element", pos) {
		return false
	}
	if tt.Is64 {
		if !mc.features.Has(ir.FeatureMemory64) {
			mc.errorf(pos, "64-bit tables require %s", ir.FeatureMemory64.Flag())
			return false
		}
		return mc.checkLimits(tt.Limits, ^uint64(0), "table size must be at most 2^64-1", pos)
	}
	return mc.checkLimits(tt.Limits, 0xffffffff, "table size must be at most 2^32-1", pos)
}

// checkTable checks a defined table: its type, and its initialiser, which a
// table of non-nullable references needs.
func (mc *moduleChecker) checkTable(t *ir.Table) {
	if !mc.checkTableType(&t.Type, t.Pos) {
		return
	}
	if len(t.Init) == 0 {
		if !t.Type.Elem.Nullable() {
			mc.errorf(t.Pos, "type mismatch: a table of %s needs an initializer (its elements cannot be null)", t.Type.Elem)
		}
		return
	}
	mc.checkConst(t.Init, t.Type.Elem, t.Pos, mc.numImportedGlobals)
}

func (mc *moduleChecker) checkElem(e *ir.Elem) {
	if !mc.checkElemType(e.Type, "element segment", e.Pos) {
		return
	}
	funcs := e.Type.Heap() == ir.HeapFunc
	switch {
	case e.Mode == ir.SegmentPassive && !mc.features.Has(ir.FeatureBulkMemory):
		mc.errorf(e.Pos, "passive element segments require %s", ir.FeatureBulkMemory.Flag())
	case e.Mode == ir.SegmentDeclarative && !mc.features.Has(ir.FeatureBulkMemory):
		mc.errorf(e.Pos, "declarative element segments require %s", ir.FeatureBulkMemory.Flag())
	case e.Mode == ir.SegmentDeclarative && !mc.features.Has(ir.FeatureReferenceTypes):
		mc.errorf(e.Pos, "declarative element segments require %s", ir.FeatureReferenceTypes.Flag())
	}
	// An MVP segment's function indices are ref.func items: they need
	// no feature there.
	mc.fc.elemItems = true
	for _, init := range e.Init {
		// Most elements are one ref.func of a function of a valid type
		// (compilers' function tables): that matches a segment of
		// function references without the checker.
		if len(init) == 1 && init[0].Op == ir.OpRefFunc && funcs &&
			uint64(init[0].Index) < uint64(len(mc.funcs)) && mc.funcs[init[0].Index] != nil {
			continue
		}
		mc.checkConst(init, e.Type, e.Pos, mc.segmentGlobals())
	}
	mc.fc.elemItems = false
	switch e.Mode {
	case ir.SegmentActive:
		if uint64(e.Table) >= uint64(len(mc.tables)) {
			mc.errorf(e.Pos, "unknown table %d", e.Table)
			return
		}
		tt := mc.tables[e.Table]
		if !mc.match(e.Type, tt.Elem) {
			mc.errorf(e.Pos, "type mismatch: element segment of type %s in table %d of type %s", e.Type, e.Table, tt.Elem)
			return
		}
		mc.checkConst(e.Offset, tt.AddrType(), e.Pos, mc.segmentGlobals())
	case ir.SegmentPassive, ir.SegmentDeclarative:
	default:
		mc.errorf(e.Pos, "invalid element segment mode %d", e.Mode)
	}
}

func (mc *moduleChecker) checkData(d *ir.Data) {
	switch d.Mode {
	case ir.SegmentActive:
		if uint64(d.Memory) >= uint64(len(mc.memories)) {
			mc.errorf(d.Pos, "unknown memory %d", d.Memory)
			return
		}
		mc.checkConst(d.Offset, mc.addrType(d.Memory), d.Pos, mc.segmentGlobals())
	case ir.SegmentPassive:
		if !mc.features.Has(ir.FeatureBulkMemory) {
			mc.errorf(d.Pos, "passive data segments require %s", ir.FeatureBulkMemory.Flag())
		}
	default:
		mc.errorf(d.Pos, "invalid data segment mode %d", d.Mode)
	}
}

func (mc *moduleChecker) checkStart(s *ir.Start) {
	if uint64(s.Func) >= uint64(len(mc.funcs)) {
		mc.errorf(s.Pos, "unknown function %d", s.Func)
		return
	}
	if ft := mc.funcs[s.Func]; ft != nil && (len(ft.Params) != 0 || len(ft.Results) != 0) {
		mc.errorf(s.Pos, "start function must not have parameters or results, but function %d has type %s", s.Func, ft)
	}
}

func (mc *moduleChecker) checkExports() {
	seen := make(map[string]bool, len(mc.m.Exports))
	for i := range mc.m.Exports {
		ex := &mc.m.Exports[i]
		var n int
		switch ex.Kind {
		case ir.ExternFunc:
			n = len(mc.funcs)
		case ir.ExternTable:
			n = len(mc.tables)
		case ir.ExternMemory:
			n = len(mc.memories)
		case ir.ExternGlobal:
			n = len(mc.globals)
		case ir.ExternTag:
			n = len(mc.tags)
		default:
			mc.errorf(ex.Pos, "invalid export kind %d", ex.Kind)
			continue
		}
		if uint64(ex.Index) >= uint64(n) {
			mc.errorf(ex.Pos, "unknown %s %d", kindNoun(ex.Kind), ex.Index)
		} else if ex.Kind == ir.ExternGlobal && mc.globals[ex.Index].Mutable && !mc.features.Has(ir.FeatureMutableGlobals) {
			mc.errorf(ex.Pos, "mutable globals cannot be exported without %s", ir.FeatureMutableGlobals.Flag())
		}
		if seen[ex.Name] {
			mc.errorf(ex.Pos, "duplicate export name %q", ex.Name)
		}
		seen[ex.Name] = true
	}
}

// checkCounts enforces the limits on how many tables and memories a module
// may have when the proposals lifting them are off.
func (mc *moduleChecker) checkCounts() {
	if len(mc.memories) > 1 && !mc.features.Has(ir.FeatureMultiMemory) {
		mc.errorf(mc.secondPos(ir.ExternMemory), "multiple memories are not allowed without %s", ir.FeatureMultiMemory.Flag())
	}
	if len(mc.tables) > 1 && !mc.features.Has(ir.FeatureReferenceTypes) {
		mc.errorf(mc.secondPos(ir.ExternTable), "multiple tables are not allowed without %s", ir.FeatureReferenceTypes.Flag())
	}
}

// secondPos is the position of the second memory or table, where the error
// about having several of them belongs.
func (mc *moduleChecker) secondPos(k ir.ExternKind) ir.Pos {
	var pos []ir.Pos
	for i := range mc.m.Imports {
		if mc.m.Imports[i].Kind == k {
			pos = append(pos, mc.m.Imports[i].Pos)
		}
	}
	if k == ir.ExternMemory {
		for i := range mc.m.Memories {
			pos = append(pos, mc.m.Memories[i].Pos)
		}
	} else {
		for i := range mc.m.Tables {
			pos = append(pos, mc.m.Tables[i].Pos)
		}
	}
	if len(pos) < 2 {
		return ir.NoPos
	}
	return pos[1]
}

// kindNoun names an index space the way "unknown X n" messages do.
func kindNoun(k ir.ExternKind) string {
	if k == ir.ExternFunc {
		return "function"
	}
	return k.String()
}
