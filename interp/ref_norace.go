//go:build !race

package interp

// References in places goroutines may share (globals, table elements,
// struct and array fields, element segments) are single pointers, read and
// written whole. Go's memory model makes a racing word-sized access
// observe some written value, so a guest racing on them (threads sharing
// an instance) races as wasm values do, never tearing a reference; the
// garbage collector's write barriers cover plain pointer stores.
// ref_race.go has atomic versions that keep the race detector's reports
// about the interpreter's own state.

func loadRef(p **Object) *Object     { return *p }
func storeRef(p **Object, o *Object) { *p = o }

// copyRefs copies src to dst (overlap-safe).
func copyRefs(dst, src []*Object) { copy(dst, src) }

// fillRefs sets every element of dst to o.
func fillRefs(dst []*Object, o *Object) {
	for i := range dst {
		dst[i] = o
	}
}

// copyBytes copies src to dst, two arrays' storage (not overlapping).
func copyBytes(dst, src []byte) { copy(dst, src) }
