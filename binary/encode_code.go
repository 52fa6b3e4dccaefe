package binary

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/watt-wasm/watt/ir"
)

// Function bodies are encoded independently of each other: a large code
// section is written by several goroutines, each taking chunks of
// consecutive functions and writing their entries (size and body) into a
// buffer of the chunk's own. The chunks are then put into the section in
// function order, whose size is known by then, so it is written in its
// shortest form at once. Code metadata items (offsets count from the start
// of each body, wherever the chunk is), the data count flag and the first
// error are gathered per chunk and combined in function order: the bytes
// and errors are those of the sequential loop.

// encodeParallelMin is the number of instructions at the top level of all
// bodies from which the code section is written in parallel (starting
// goroutines costs more than it saves below); a variable so that tests can
// force either path.
var encodeParallelMin atomic.Int64

func init() { encodeParallelMin.Store(1 << 14) }

// encodeChunkFuncs is how many functions a chunk holds at most.
const encodeChunkFuncs = 16

// encodeChunk is the output of a run of functions [lo, hi).
type encodeChunk struct {
	lo, hi        int
	buf           []byte
	meta          []codeMetaItem
	usesDataCount bool
	err           *ir.Error
}

// writeCodeParallel writes the code section on several goroutines, or
// reports false (nothing written) when that does not pay.
func (e *moduleEncoder) writeCodeParallel() bool {
	funcs := e.m.Funcs
	workers := runtime.GOMAXPROCS(0)
	minInstrs := encodeParallelMin.Load()
	if workers < 2 && minInstrs > 0 || len(funcs) < 2 {
		return false
	}
	top := int64(0)
	for i := range funcs {
		if top += int64(len(funcs[i].Body)); top >= minInstrs {
			break
		}
	}
	if top < minInstrs {
		return false
	}
	chunks := make([]encodeChunk, (len(funcs)+encodeChunkFuncs-1)/encodeChunkFuncs)
	for i := range chunks {
		chunks[i].lo, chunks[i].hi = i*encodeChunkFuncs, min(len(funcs), (i+1)*encodeChunkFuncs)
	}
	workers = max(1, min(workers, len(chunks)))
	imported := e.m.NumImported(ir.ExternFunc)
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		panicked atomic.Pointer[any]
	)
	work := func() {
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
				next.Store(int64(len(chunks))) // stop the others early
			}
		}()
		w := moduleEncoder{m: e.m, opts: e.opts, typedFuncRefs: e.typedFuncRefs, bodyStart: -1}
		for {
			k := int(next.Add(1)) - 1
			if k >= len(chunks) {
				return
			}
			c := &chunks[k]
			size := encodeBodyRoom
			for i := c.lo; i < c.hi; i++ {
				size += 8 + 3*len(funcs[i].Body)
			}
			w.buf = make([]byte, 0, size) // untouched room costs no memory
			w.meta, w.usesDataCount, w.err = nil, false, nil
			for i := c.lo; i < c.hi && w.err == nil; i++ {
				w.writeFuncEntry(&funcs[i], uint32(imported+i))
			}
			c.buf, c.meta, c.usesDataCount, c.err = w.buf, w.meta, w.usesDataCount, w.err
		}
	}
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(*p) // as the sequential loop would have, on the caller's goroutine
	}

	size := sizeULEB128(uint64(len(funcs)))
	for i := range chunks {
		c := &chunks[i]
		if c.err != nil {
			e.err = c.err // the first error in function order
			return true
		}
		size += len(c.buf)
		e.meta = append(e.meta, c.meta...)
		e.usesDataCount = e.usesDataCount || c.usesDataCount
	}
	if uint64(size) > math.MaxUint32 {
		e.fail(ir.NoPos, "section or function body of %d bytes exceeds the 4 GiB limit", size)
		return true
	}
	e.codeStart = len(e.buf)
	e.ensureRoom(1 + encodeSizeReserve + size)
	e.buf = append(e.buf, sectionCode)
	e.buf = appendULEB128(e.buf, uint64(size))
	e.writeCount(len(funcs))
	for i := range chunks {
		e.buf = append(e.buf, chunks[i].buf...)
	}
	return true
}

// writeFuncEntry writes the code entry of function f (index idx): its size
// and body. On error the entry stays unfinished (the output is dropped).
func (e *moduleEncoder) writeFuncEntry(f *ir.Func, idx uint32) {
	e.ensureRoom(encodeBodyRoom)
	body := e.beginSized()
	e.funcIndex, e.bodyStart = idx, body
	e.writeLocals(f)
	e.writeInstrs(f.Body)
	e.buf = append(e.buf, encodeOpEnd)
	e.bodyStart = -1
	if e.err != nil {
		return
	}
	e.endSized(body, f.Pos)
}
