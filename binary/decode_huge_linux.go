package binary

import (
	"syscall"
	"unsafe"

	"github.com/watt-wasm/watt/ir"
)

const (
	// hugePage is the size of a transparent huge page (2 MiB on amd64 and
	// on arm64 with 4 KiB base pages).
	hugePage = 2 << 20
	// smallPage is the base page size assumed; only whole pages inside
	// the slab are advised, so a larger real page size only makes the
	// advice fail, which is harmless.
	smallPage = 4 << 10
	// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14), which the
	// syscall package does not name.
	madvPopulateWrite = 23
)

// prepareSlab gets a large, freshly allocated instruction slab ready to be
// filled. A decoded Go program's instructions take about a hundred
// megabytes, and faulting them in 4 KiB at a time costs as much as decoding
// them; worse, the garbage collector, started by the allocation itself,
// scans the slab before it is filled, and reading untouched memory maps the
// zero page, so that each page then faults twice. Asking for transparent
// huge pages (honoured in THP "madvise" mode) and populating the memory in
// one call avoids both. Both calls are best effort: errors (an old kernel,
// THP off) are ignored and the slab is simply faulted in as it is written.
func prepareSlab(s []ir.Instr) {
	size := uintptr(len(s)) * unsafe.Sizeof(ir.Instr{})
	if size < 4*hugePage {
		return
	}
	base := unsafe.Pointer(unsafe.SliceData(s))
	start := uintptr(base)
	advise := func(align uintptr, advice int) {
		lo := (start + align - 1) &^ (align - 1)
		hi := (start + size) &^ (align - 1)
		if hi > lo {
			_ = syscall.Madvise(unsafe.Slice((*byte)(unsafe.Add(base, lo-start)), hi-lo), advice)
		}
	}
	advise(hugePage, syscall.MADV_HUGEPAGE)
	advise(smallPage, madvPopulateWrite)
}
