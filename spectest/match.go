package spectest

import (
	"fmt"
	"strings"

	"github.com/watt-wasm/watt/interp"
	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// argValue converts a script constant into an interpreter value: the
// reference interpreter's host values are (ref.extern N), N as an
// externref, and (ref.host N), the same N as an anyref.
func argValue(v wat.Value) interp.Value {
	switch {
	case v.Type.IsRef() && v.Null:
		return interp.NullRef(v.Type)
	case v.Type == ir.ExternRef:
		return interp.ExternRef(v.Lo)
	case v.Type == ir.AnyRef:
		return interp.HostRef(v.Lo)
	}
	return interp.Value{Type: v.Type, Lo: v.Lo, Hi: v.Hi}
}

// top is the top heap type of a reference type's hierarchy (a concrete
// type index tells nothing here: HeapBot).
func top(t ir.ValType) ir.HeapType {
	if !t.Heap().IsAbstract() {
		return ir.HeapBot
	}
	return ir.AbstractTop(t.Heap())
}

// dynHeap is the abstract heap type that describes non-null reference v
// most precisely (the interpreter types results by their abstract kind).
func dynHeap(v interp.Value) ir.HeapType {
	switch top(v.Type) {
	case ir.HeapAny:
		switch v.RefKind() {
		case interp.KindStruct:
			return ir.HeapStruct
		case interp.KindArray:
			return ir.HeapArray
		case interp.KindI31:
			return ir.HeapI31
		}
		return ir.HeapAny
	case ir.HeapBot:
		return v.Type.Heap()
	}
	return top(v.Type)
}

// matchResult reports whether got satisfies the expected result.
func matchResult(got interp.Value, want *wat.Result) bool {
	switch want.Kind {
	case wat.ResultEither:
		for i := range want.Either {
			if matchResult(got, &want.Either[i]) {
				return true
			}
		}
		return false
	case wat.ResultRefAny:
		return got.Type.IsRef() && !got.IsNull() && ir.MatchAbstractHeap(dynHeap(got), want.Value.Type.Heap())
	case wat.ResultRefNull:
		return got.IsNull()
	}
	w := want.Value
	if w.Type.IsRef() {
		if !got.Type.IsRef() {
			return false
		}
		if w.Null {
			t := top(w.Type)
			return got.IsNull() && (t == ir.HeapBot || top(got.Type) == ir.HeapBot || t == top(got.Type))
		}
		hv, ok := got.HostValue()
		return ok && hv == w.Lo && top(got.Type) == top(w.Type)
	}
	if got.Type != w.Type {
		return false
	}
	switch w.Type {
	case ir.F32:
		return matchLane(got.Lo, w.Lo, 32, want.NaN[0])
	case ir.F64:
		return matchLane(got.Lo, w.Lo, 64, want.NaN[0])
	case ir.V128:
		if !want.HasNaNPattern() {
			return got.Lo == w.Lo && got.Hi == w.Hi
		}
		bits := w.Shape.LaneBits()
		for lane := 0; lane < w.Shape.Lanes(); lane++ {
			if !matchLane(laneBits(got, lane, bits), laneBits(interp.Value{Lo: w.Lo, Hi: w.Hi}, lane, bits), bits, want.NaN[lane]) {
				return false
			}
		}
		return true
	}
	return got.Lo == w.Lo && got.Hi == w.Hi
}

// laneBits extracts lane i of width bits (32 or 64) from a v128.
func laneBits(v interp.Value, i int, bits uint) uint64 {
	if bits == 64 {
		if i == 0 {
			return v.Lo
		}
		return v.Hi
	}
	word := v.Lo
	if i >= 2 {
		word, i = v.Hi, i-2
	}
	return uint64(uint32(word >> (32 * uint(i))))
}

// matchLane compares one float (or float lane) against exact bits or a NaN
// pattern. Canonical NaNs have only the quiet bit set in the payload;
// arithmetic NaNs have at least the quiet bit set. The sign is free.
func matchLane(got, want uint64, bits uint, p wat.NaNPattern) bool {
	var expMask, quiet, payload uint64
	if bits == 32 {
		got &= 0xffffffff
		expMask, quiet, payload = 0x7f800000, 0x00400000, 0x007fffff
	} else {
		expMask, quiet, payload = 0x7ff0000000000000, 0x0008000000000000, 0x000fffffffffffff
	}
	switch p {
	case wat.NaNCanonical:
		return got&expMask == expMask && got&payload == quiet
	case wat.NaNArithmetic:
		return got&expMask == expMask && got&quiet != 0
	}
	return got == want
}

// formatResult writes an expected result the way scripts do.
func formatResult(r *wat.Result) string {
	switch r.Kind {
	case wat.ResultEither:
		parts := make([]string, len(r.Either))
		for i := range r.Either {
			parts[i] = formatResult(&r.Either[i])
		}
		return "(either " + strings.Join(parts, " ") + ")"
	case wat.ResultRefAny:
		return r.Value.Type.String() + ":non-null"
	case wat.ResultRefNull:
		return "ref.null"
	}
	if r.HasNaNPattern() {
		if r.Value.Type == ir.V128 {
			return fmt.Sprintf("v128 %v with NaN patterns %v", r.Value.Shape, r.NaN)
		}
		if r.NaN[0] == wat.NaNCanonical {
			return r.Value.Type.String() + ":nan:canonical"
		}
		return r.Value.Type.String() + ":nan:arithmetic"
	}
	return argValue(r.Value).String()
}

func formatValues(vs []interp.Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return "[" + strings.Join(parts, " ") + "]"
}
