package binary

import (
	"bytes"
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

// encodeParallelMin is the number of instructions in all bodies from
// which the code section is written in parallel (starting goroutines costs
// more than it saves below); a variable so that tests can force either
// path.
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
	if encodeCountUpTo(funcs, minInstrs) < minInstrs {
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
			w.buf = w.buf[:0] // reused: only the exact copy below is new memory
			w.meta, w.usesDataCount, w.err = nil, false, nil
			for i := c.lo; i < c.hi && w.err == nil; i++ {
				w.writeFuncEntry(&funcs[i], uint32(imported+i))
			}
			c.buf, c.meta, c.usesDataCount, c.err = bytes.Clone(w.buf), w.meta, w.usesDataCount, w.err
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
	e.buf = append(e.buf, sectionCode)
	e.buf = appendULEB128(e.buf, uint64(size))
	e.writeCount(len(funcs))
	e.chunks = chunks // after the section header, once the sections before it are final (detachCode)
	return true
}

// detachCode ends the output before the code section's function entries:
// it and the chunks become parts, and the sections after the code section
// go into a new buffer.
func (e *moduleEncoder) detachCode() {
	if len(e.chunks) == 0 || e.err != nil {
		return
	}
	e.parts = append(e.parts, e.buf)
	size := 64
	for i := range e.chunks {
		e.parts = append(e.parts, e.chunks[i].buf)
	}
	e.chunks = nil
	for i := range e.m.Datas {
		size += 16 + len(e.m.Datas[i].Init)
	}
	for i := range e.m.Customs {
		size += 16 + len(e.m.Customs[i].Name) + len(e.m.Customs[i].Data)
	}
	e.buf = make([]byte, 0, size)
}

// joinParts returns the parts and buf as one slice.
func (e *moduleEncoder) joinParts() []byte {
	n := len(e.buf)
	for _, p := range e.parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range e.parts {
		out = append(out, p...)
	}
	return append(out, e.buf...)
}

// EncodeBuffers is Encode returning the module as consecutive pieces,
// whose concatenation is what Encode returns: the function entries of a
// code section written in parallel stay in the buffers they were written
// into, so that a tool writing the module out copies and touches less
// memory.
func EncodeBuffers(m *ir.Module, opts EncodeOptions) ([][]byte, error) {
	if m == nil {
		return nil, ir.ErrorList{ir.Errorf(opts.Source, ir.NoPos, ir.Malformed, "binary: cannot encode a nil module")}
	}
	features := opts.Features
	if features == 0 {
		features = ir.DefaultFeatures()
	}
	e := moduleEncoder{m: m, opts: opts, bodyStart: -1, typedFuncRefs: features.Has(ir.FeatureFunctionReferences), keepParts: true}
	e.encodeModule()
	if e.err != nil {
		return nil, ir.ErrorList{e.err}
	}
	return append(e.parts, e.buf), nil
}

// encodeCountUpTo counts the instructions of the bodies of funcs, nested
// ones included (compilers put most of a function in blocks), stopping
// once limit is reached. Nested bodies wait on a work list, not the
// goroutine stack.
func encodeCountUpTo(funcs []ir.Func, limit int64) int64 {
	n := int64(0)
	var pending [][]ir.Instr
	for i := range funcs {
		pending = append(pending[:0], funcs[i].Body)
		for len(pending) > 0 {
			body := pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			if n += int64(len(body)); n >= limit {
				return n
			}
			for j := range body {
				in := &body[j]
				if len(in.Body) > 0 {
					pending = append(pending, in.Body)
				}
				if in.Ext != nil {
					pending = append(pending, in.Ext.Else)
					for _, h := range in.Ext.Handlers {
						pending = append(pending, h.Body)
					}
				}
			}
		}
	}
	return n
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
