// Package validate implements the spec's validation algorithm over ir.Module,
// threads rules included (see threads.go).
//
// Messages start with the reference interpreter's exact text (what the
// suite's assert_invalid expects), followed by context:
//
//	type mismatch: expected i32, got i64 in i32.add
//
// Each function stops at its first error, as wabt does; errors in other
// functions and in module fields are all reported.
package validate

import (
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

	funcs    []*ir.FuncType // by function index; nil when the type index is unknown
	tables   []ir.TableType
	memories []ir.MemoryType
	// hasMemory64 says whether some memory is 64-bit, so that the common
	// case skips memory64's address typing (memory64.go).
	hasMemory64 bool
	globals     []ir.GlobalType
	// numImportedGlobals bounds global.get in constant expressions: only
	// imported globals are visible there.
	numImportedGlobals int
	// declared[f] says whether function f may be used by ref.func in a
	// function body (the spec's C.refs).
	declared []bool

	fc funcChecker // reused for every body and constant expression
}

func newModuleChecker(m *ir.Module, src *ir.Source, features ir.Features) *moduleChecker {
	mc := &moduleChecker{m: m, src: src, features: features}
	mc.fc.mc = mc
	for i := range m.Imports {
		im := &m.Imports[i]
		switch im.Kind {
		case ir.ExternFunc:
			mc.funcs = append(mc.funcs, mc.typeAt(im.Func))
		case ir.ExternTable:
			mc.tables = append(mc.tables, im.Table)
		case ir.ExternMemory:
			mc.memories = append(mc.memories, im.Memory)
		case ir.ExternGlobal:
			mc.globals = append(mc.globals, im.Global)
			mc.numImportedGlobals++
		}
	}
	for i := range m.Funcs {
		mc.funcs = append(mc.funcs, mc.typeAt(m.Funcs[i].Type))
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
	for _, mt := range mc.memories {
		mc.hasMemory64 = mc.hasMemory64 || mt.Is64
	}
	mc.declared = make([]bool, len(mc.funcs))
	mc.scanDeclaredRefs()
	return mc
}

// typeAt returns Types[idx], or nil if there is no such type.
func (mc *moduleChecker) typeAt(idx uint32) *ir.FuncType {
	if uint64(idx) < uint64(len(mc.m.Types)) {
		return &mc.m.Types[idx]
	}
	return nil
}

// scanDeclaredRefs computes C.refs: the functions referenced anywhere in the
// module outside function bodies (global initialisers, element segments,
// segment offsets, exports).
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
	for i := range m.Types {
		mc.checkFuncType(&m.Types[i], ir.NoPos)
	}
	for i := range m.Imports {
		mc.checkImport(&m.Imports[i])
	}
	for i := range m.Globals {
		g := &m.Globals[i]
		mc.checkValType(g.Type.Type, g.Pos)
		mc.checkConst(g.Init, g.Type.Type, g.Pos)
	}
	for i := range m.Tables {
		mc.checkTableType(&m.Tables[i].Type, m.Tables[i].Pos)
	}
	for i := range m.Memories {
		mc.checkMemoryType(&m.Memories[i].Type, m.Memories[i].Pos)
	}
	for i := range m.Elems {
		mc.checkElem(&m.Elems[i])
	}
	for i := range m.Datas {
		mc.checkData(&m.Datas[i])
	}
	mc.checkFuncs() // parallel.go
	if m.Start != nil {
		mc.checkStart(m.Start)
	}
	mc.checkExports()
	mc.checkCounts()
}

func (mc *moduleChecker) checkValType(t ir.ValType, pos ir.Pos) bool {
	switch {
	case !t.IsValid():
		mc.errorf(pos, "invalid value type 0x%02x", byte(t))
		return false
	case t == ir.V128 && !mc.features.Has(ir.FeatureSIMD):
		mc.errorf(pos, "v128 requires %s", ir.FeatureSIMD.Flag())
		return false
	case t.IsRef() && !mc.features.Has(ir.FeatureReferenceTypes):
		// Only tables and element segments hold funcref in the MVP.
		mc.errorf(pos, "%s requires %s", t, ir.FeatureReferenceTypes.Flag())
		return false
	}
	return true
}

// checkRefType checks the element type of a table or segment: funcref
// needs no feature.
func (mc *moduleChecker) checkRefType(t ir.ValType, pos ir.Pos) {
	if t == ir.ExternRef && !mc.features.Has(ir.FeatureReferenceTypes) {
		mc.errorf(pos, "%s requires %s", t, ir.FeatureReferenceTypes.Flag())
	}
}

func (mc *moduleChecker) checkFuncType(ft *ir.FuncType, pos ir.Pos) {
	for _, t := range ft.Params {
		mc.checkValType(t, pos)
	}
	for _, t := range ft.Results {
		mc.checkValType(t, pos)
	}
	if len(ft.Results) > 1 && !mc.features.Has(ir.FeatureMultiValue) {
		mc.errorf(pos, "invalid result arity: multiple results require %s", ir.FeatureMultiValue.Flag())
	}
}

func (mc *moduleChecker) checkImport(im *ir.Import) {
	switch im.Kind {
	case ir.ExternFunc:
		if mc.typeAt(im.Func) == nil {
			mc.errorf(im.Pos, "unknown type %d in import %q %q", im.Func, im.Module, im.Name)
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
	default:
		mc.errorf(im.Pos, "invalid import kind %d", im.Kind)
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

func (mc *moduleChecker) checkTableType(tt *ir.TableType, pos ir.Pos) {
	mc.checkLimits(tt.Limits, 0xffffffff, "table size must be at most 2^32-1", pos)
	if !tt.Elem.IsRef() {
		mc.errorf(pos, "invalid table element type %s: must be a reference type", tt.Elem)
		return
	}
	mc.checkRefType(tt.Elem, pos)
}

func (mc *moduleChecker) checkElem(e *ir.Elem) {
	if !e.Type.IsRef() {
		mc.errorf(e.Pos, "invalid element segment type %s: must be a reference type", e.Type)
		return
	}
	mc.checkRefType(e.Type, e.Pos)
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
		mc.checkConst(init, e.Type, e.Pos)
	}
	mc.fc.elemItems = false
	switch e.Mode {
	case ir.SegmentActive:
		if uint64(e.Table) >= uint64(len(mc.tables)) {
			mc.errorf(e.Pos, "unknown table %d", e.Table)
			return
		}
		mc.checkConst(e.Offset, ir.I32, e.Pos)
		if tt := mc.tables[e.Table].Elem; tt != e.Type {
			mc.errorf(e.Pos, "type mismatch: element segment of type %s in table %d of type %s", e.Type, e.Table, tt)
		}
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
		mc.checkConst(d.Offset, mc.addrType(d.Memory), d.Pos)
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
