package ir_test

import (
	"math/rand"
	"strings"
	"sync"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

func fnT(params []ir.ValType, results ...ir.ValType) ir.TypeDef {
	return ir.FuncTypeDef(ir.FuncType{Params: params, Results: results})
}

func structT(fields ...ir.FieldType) ir.TypeDef {
	return ir.TypeDef{Kind: ir.CompStruct, Fields: fields}
}

func arrayT(f ir.FieldType) ir.TypeDef {
	return ir.TypeDef{Kind: ir.CompArray, Fields: []ir.FieldType{f}}
}

func field(t ir.ValType) ir.FieldType { return ir.FieldType{Type: t} }

func ref(idx uint32) ir.ValType { return ir.Ref(false, ir.HeapIndex(idx)) }

func refNull(idx uint32) ir.ValType { return ir.Ref(true, ir.HeapIndex(idx)) }

// sub makes d a declared sub type (open unless final) of supers.
func sub(final bool, d ir.TypeDef, supers ...uint32) ir.TypeDef {
	d.Open = !final
	d.Supers = supers
	return d
}

func intern(t *testing.T, s *ir.TypeStore, types []ir.TypeDef, rec ...ir.RecGroup) []ir.TypeID {
	t.Helper()
	ids, err := s.Intern(types, rec)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestInternEquivalence(t *testing.T) {
	s := ir.NewTypeStore()
	i32, i64 := ir.I32, ir.I64
	a := intern(t, s, []ir.TypeDef{
		fnT(nil),               // 0
		fnT([]ir.ValType{i32}), // 1
		fnT(nil),               // 2 = 0
		structT(field(ref(1))), // 3
		structT(field(ref(0))), // 4: refers to 0, which is 2
		structT(field(ref(2))), // 5 = 4
		sub(false, fnT(nil)),   // 6: open, not 0
		sub(true, fnT(nil)),    // 7: (sub final (func)) = (func) = 0
	})
	want := func(i, j int, same bool) {
		t.Helper()
		if (a[i] == a[j]) != same {
			t.Errorf("types %d and %d: ids %d and %d, same = %v", i, j, a[i], a[j], same)
		}
	}
	want(0, 2, true)
	want(0, 1, false)
	want(4, 5, true)
	want(3, 4, false)
	want(0, 6, false)
	want(0, 7, true)

	// Another module: the same types, in another order, share the ids.
	b := intern(t, s, []ir.TypeDef{
		fnT([]ir.ValType{i64}),
		fnT([]ir.ValType{i32}),
		fnT(nil),
		structT(field(ref(2))),
	})
	if b[1] != a[1] || b[2] != a[0] || b[3] != a[4] {
		t.Errorf("second module ids %v, first %v", b, a)
	}
	if b[0] == a[1] {
		t.Error("(func (param i64)) and (func (param i32)) got one id")
	}
	// Canonical definitions refer to ids.
	if d := s.Type(a[4]).Def; d.Fields[0].Type != ref(uint32(a[0])) {
		t.Errorf("canonical field type %v, want (ref %d)", d.Fields[0].Type, a[0])
	}
}

func TestInternRecGroups(t *testing.T) {
	s := ir.NewTypeStore()
	// (rec (type $a (struct (field (ref $b)))) (type $b (struct (field (ref $a)))))
	pair := []ir.TypeDef{structT(field(ref(1))), structT(field(ref(0)))}
	a := intern(t, s, pair, ir.RecGroup{Start: 0, Count: 2})
	// The same group after another type: same ids.
	b := intern(t, s, append([]ir.TypeDef{fnT(nil)}, structT(field(ref(2))), structT(field(ref(1)))), ir.RecGroup{Start: 1, Count: 2})
	if a[0] != b[1] || a[1] != b[2] {
		t.Errorf("equal groups: %v and %v", a, b[1:])
	}
	if a[0] == a[1] {
		t.Error("the two types of a group got one id")
	}
	if ct := s.Type(a[1]); ct.Group != a[0] || ct.GroupLen != 2 {
		t.Errorf("group of %d: %d+%d", a[1], ct.Group, ct.GroupLen)
	}
	// Iso-recursion: a self-recursive singleton is not a member of a
	// two-type group of the same shape, nor of a differently ordered one.
	self := intern(t, s, []ir.TypeDef{structT(field(ref(0)))})
	if self[0] == a[0] || self[0] == a[1] {
		t.Error("singleton equals a member of a pair")
	}
	again := intern(t, s, []ir.TypeDef{structT(field(ref(0)))}, ir.RecGroup{Start: 0, Count: 1})
	if again[0] != self[0] {
		t.Error("explicit one-type rec group differs from the implicit one")
	}
	// (rec $b $a) with swapped roles: the group is the same shape, so the
	// same ids (both refer to the other member).
	swapped := intern(t, s, []ir.TypeDef{structT(field(ref(1))), structT(field(refNull(0)))}, ir.RecGroup{Start: 0, Count: 2})
	if swapped[0] == a[0] {
		t.Error("groups differing in a nullability share ids")
	}
	// Two singleton groups of equal shape referring to each other's
	// position are not the group.
	split := intern(t, s, []ir.TypeDef{structT(), structT(field(ref(0)))})
	if split[1] == a[1] {
		t.Error("split groups equal a rec group")
	}
	if s.Len() != 2+1+1+2+2 { // pair, func, self, swapped, split
		t.Errorf("store has %d types", s.Len())
	}
	// Empty explicit groups are fine.
	intern(t, s, []ir.TypeDef{fnT(nil)}, ir.RecGroup{Start: 0, Count: 0}, ir.RecGroup{Start: 0, Count: 1})
}

func TestInternErrors(t *testing.T) {
	s := ir.NewTypeStore()
	for _, tc := range []struct {
		types []ir.TypeDef
		rec   []ir.RecGroup
		want  string
	}{
		{[]ir.TypeDef{fnT([]ir.ValType{ref(1)}), fnT(nil)}, nil, "unknown type 1"},
		{[]ir.TypeDef{structT(field(ref(5)))}, nil, "unknown type 5"},
		{[]ir.TypeDef{sub(false, fnT(nil), 1), sub(false, fnT(nil))}, []ir.RecGroup{{Start: 0, Count: 2}}, "forward use of type 1"},
		{[]ir.TypeDef{sub(false, fnT(nil), 0)}, nil, "forward use of type 0"},
		{[]ir.TypeDef{fnT(nil)}, []ir.RecGroup{{Start: 0, Count: 2}}, "invalid recursion group"},
		{[]ir.TypeDef{fnT(nil), fnT(nil)}, []ir.RecGroup{{Start: 0, Count: 2}, {Start: 1, Count: 1}}, "invalid recursion group"},
	} {
		if _, err := s.Intern(tc.types, tc.rec); err == nil || !strings.HasPrefix(err.(*ir.Error).Msg, tc.want) {
			t.Errorf("%v: got %v, want %q", tc.types, err, tc.want)
		}
	}
	if s.Len() != 0 {
		t.Errorf("failed interning left %d types", s.Len())
	}
}

func TestSubtyping(t *testing.T) {
	s := ir.NewTypeStore()
	open := func(d ir.TypeDef, supers ...uint32) ir.TypeDef { return sub(false, d, supers...) }
	ids := intern(t, s, []ir.TypeDef{
		open(structT()),                                // 0
		open(structT(field(ir.I32)), 0),                // 1 <: 0
		open(structT(field(ir.I32)), 1),                // 2 <: 1
		open(structT(field(ir.I32))),                   // 3: no super
		open(fnT(nil)),                                 // 4
		open(arrayT(field(ir.I8))),                     // 5
		open(structT(field(ir.I32), field(ir.I64)), 1), // 6 <: 1
	})
	for _, tc := range []struct {
		a, b int
		want bool
	}{
		{2, 0, true}, {2, 1, true}, {1, 0, true}, {0, 2, false}, {3, 0, false}, {6, 0, true}, {6, 2, false}, {2, 2, true},
	} {
		if got := s.IsSubtype(ids[tc.a], ids[tc.b]); got != tc.want {
			t.Errorf("IsSubtype(%d, %d) = %v", tc.a, tc.b, got)
		}
	}
	h := func(i int) ir.HeapType { return ir.HeapIndex(uint32(ids[i])) }
	for _, tc := range []struct {
		a, b ir.HeapType
		want bool
	}{
		{h(2), ir.HeapStruct, true}, {h(2), ir.HeapEq, true}, {h(2), ir.HeapAny, true}, {h(2), ir.HeapArray, false},
		{h(5), ir.HeapArray, true}, {h(5), ir.HeapStruct, false}, {h(4), ir.HeapFunc, true}, {h(4), ir.HeapAny, false},
		{ir.HeapNone, h(2), true}, {ir.HeapNoFunc, h(4), true}, {ir.HeapNone, h(4), false}, {ir.HeapNoFunc, h(2), false},
		{ir.HeapI31, ir.HeapEq, true}, {ir.HeapEq, ir.HeapI31, false}, {ir.HeapNoExtern, ir.HeapExtern, true},
		{ir.HeapNoExn, ir.HeapExn, true}, {ir.HeapExn, ir.HeapAny, false}, {ir.HeapBot, h(4), true}, {h(4), ir.HeapBot, false},
		{h(1), h(0), true}, {h(0), h(1), false},
	} {
		if got := s.MatchHeap(tc.a, tc.b); got != tc.want {
			t.Errorf("MatchHeap(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
	if !s.MatchValType(ir.Ref(false, h(2)), ir.Ref(true, h(0))) || s.MatchValType(ir.Ref(true, h(2)), ir.Ref(false, h(0))) ||
		s.MatchValType(ir.I32, ir.I64) || !s.MatchValType(ir.I32, ir.I32) || s.MatchValType(ir.I32, ir.AnyRef) {
		t.Error("MatchValType")
	}
	if s.TopHeap(h(2)) != ir.HeapAny || s.TopHeap(h(4)) != ir.HeapFunc || s.TopHeap(ir.HeapNoExtern) != ir.HeapExtern ||
		s.TopHeap(ir.HeapNoExn) != ir.HeapExn || s.TopHeap(ir.HeapI31) != ir.HeapAny {
		t.Error("TopHeap")
	}
	if got := ir.CanonValType(ref(6), ids); got != ir.Ref(false, h(6)) {
		t.Errorf("CanonValType = %v", got)
	}
	if got := ir.CanonValType(ir.FuncRef, ids); got != ir.FuncRef {
		t.Errorf("CanonValType(funcref) = %v", got)
	}
}

// TestSubtypeChains compares IsSubtype's jump pointers with a plain walk
// up random supertype forests, deep chains included.
func TestSubtypeChains(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 2, 7, 100, 3000} {
		s := ir.NewTypeStore()
		types := make([]ir.TypeDef, n)
		parent := make([]int, n)
		for i := range types {
			// Distinct shapes: i fields.
			fs := make([]ir.FieldType, i%50)
			for k := range fs {
				fs[k] = field(ir.I32)
			}
			fs = append(fs, field(ir.ValType(ir.I64)))
			d := structT(fs...)
			d.Fields = append(d.Fields, ir.FieldType{Type: ir.I32, Mutable: i%2 == 0})
			d.Fields = append(d.Fields, make([]ir.FieldType, i/50)...)
			for k := len(d.Fields) - i/50; k < len(d.Fields); k++ {
				d.Fields[k] = field(ir.F32)
			}
			parent[i] = -1
			if i > 0 && r.Intn(10) != 0 {
				// Mostly long chains, sometimes branches.
				p := i - 1
				if r.Intn(3) == 0 {
					p = r.Intn(i)
				}
				parent[i] = p
				d = sub(false, d, uint32(p))
			} else {
				d = sub(false, d)
			}
			types[i] = d
		}
		ids := intern(t, s, types)
		naive := func(a, b int) bool {
			for ; a >= 0; a = parent[a] {
				if a == b {
					return true
				}
			}
			return false
		}
		for range 20000 {
			a, b := r.Intn(n), r.Intn(n)
			if r.Intn(4) == 0 {
				// An ancestor, to exercise hits.
				b = a
				for k := r.Intn(200); k > 0 && parent[b] >= 0; k-- {
					b = parent[b]
				}
			}
			if got, want := s.IsSubtype(ids[a], ids[b]), naive(a, b); got != want {
				t.Fatalf("n=%d: IsSubtype(%d, %d) = %v, want %v", n, a, b, got, want)
			}
		}
	}
}

// TestStoreConcurrent interns and queries from many goroutines at once
// (run with -race).
func TestStoreConcurrent(t *testing.T) {
	s := ir.NewTypeStore()
	// Types 3i: a function type; 3i+1: an open struct; 3i+2: its subtype.
	module := func(k int) []ir.TypeDef {
		var ts []ir.TypeDef
		for i := range 40 {
			ps := make([]ir.ValType, (i+k)%7)
			for j := range ps {
				ps[j] = ir.I32
			}
			base := uint32(len(ts) + 1)
			ts = append(ts, fnT(ps), sub(false, structT(field(ir.I64))), sub(false, structT(field(ir.I64), field(ir.I32)), base))
		}
		return ts
	}
	var wg sync.WaitGroup
	results := make([][]ir.TypeID, 16)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, err := s.Intern(module(g%4), nil)
			if err != nil {
				t.Error(err)
				return
			}
			results[g] = ids
			for i := 2; i < len(ids); i += 3 {
				if !s.IsSubtype(ids[i], ids[i-1]) || s.IsSubtype(ids[i-1], ids[i]) {
					t.Errorf("goroutine %d: subtyping of %d", g, i)
				}
			}
		}()
	}
	wg.Wait()
	for g := 4; g < len(results); g++ {
		a, b := results[g], results[g%4]
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("goroutines %d and %d interned the same module differently", g, g%4)
			}
		}
	}
}

// BenchmarkInternFuncTypes interns a type section of 10,000 distinct
// function types (the shape of a large compiled module's).
func BenchmarkInternFuncTypes(b *testing.B) {
	types := make([]ir.TypeDef, 10000)
	for i := range types {
		var ps []ir.ValType
		for k := i; k > 0; k /= 4 {
			ps = append(ps, []ir.ValType{ir.I32, ir.I64, ir.F32, ir.F64}[k%4])
		}
		types[i] = fnT(ps, ir.I32)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ir.NewTypeStore().Intern(types, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(types)), "ns/type")
}

func TestImportMatching(t *testing.T) {
	s := ir.NewTypeStore()
	ids := intern(t, s, []ir.TypeDef{sub(false, fnT(nil)), sub(false, fnT(nil), 0), fnT(nil)})
	c := func(i int) ir.ValType { return ir.Ref(true, ir.HeapIndex(uint32(ids[i]))) }
	if !s.MatchFuncType(ids[1], ids[0]) || s.MatchFuncType(ids[0], ids[1]) || s.MatchFuncType(ids[2], ids[0]) {
		t.Error("MatchFuncType")
	}
	if !s.MatchTagType(ids[0], ids[0]) || s.MatchTagType(ids[1], ids[0]) {
		t.Error("MatchTagType")
	}
	g := func(tt ir.ValType, m bool) ir.GlobalType { return ir.GlobalType{Type: tt, Mutable: m} }
	for _, tc := range []struct {
		a, b ir.GlobalType
		want bool
	}{
		{g(c(1), false), g(c(0), false), true}, {g(c(1), true), g(c(0), true), false}, {g(c(1), true), g(c(1), true), true},
		{g(c(0), false), g(c(1), false), false}, {g(ir.I32, false), g(ir.I32, true), false}, {g(c(1), false), g(ir.FuncRef, false), true},
	} {
		if got := s.MatchGlobalType(tc.a, tc.b); got != tc.want {
			t.Errorf("MatchGlobalType(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
	lim := func(min, max uint64, hasMax bool) ir.Limits { return ir.Limits{Min: min, Max: max, HasMax: hasMax} }
	for _, tc := range []struct {
		a, b ir.Limits
		want bool
	}{
		{lim(2, 0, false), lim(1, 0, false), true}, {lim(1, 0, false), lim(2, 0, false), false},
		{lim(1, 3, true), lim(1, 4, true), true}, {lim(1, 5, true), lim(1, 4, true), false}, {lim(1, 0, false), lim(1, 4, true), false},
	} {
		if got := ir.MatchLimits(tc.a, tc.b); got != tc.want {
			t.Errorf("MatchLimits(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
	if !s.MatchTableType(ir.TableType{Elem: c(0), Limits: lim(2, 0, false)}, ir.TableType{Elem: c(0), Limits: lim(1, 0, false)}) ||
		s.MatchTableType(ir.TableType{Elem: c(1)}, ir.TableType{Elem: c(0)}) ||
		s.MatchTableType(ir.TableType{Elem: c(0), Limits: ir.Limits{Is64: true}}, ir.TableType{Elem: c(0)}) {
		t.Error("MatchTableType")
	}
	mem := func(shared, is64 bool) ir.MemoryType {
		return ir.MemoryType{Limits: ir.Limits{Min: 1, Max: 2, HasMax: true, Is64: is64}, Shared: shared}
	}
	if !ir.MatchMemoryType(mem(true, false), mem(true, false)) || ir.MatchMemoryType(mem(false, false), mem(true, false)) ||
		ir.MatchMemoryType(mem(false, true), mem(false, false)) {
		t.Error("MatchMemoryType")
	}
}
