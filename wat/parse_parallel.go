package wat

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/watt-wasm/watt/ir"
)

// Large modules are parsed on several goroutines. The collecting pass
// (resolveCollect) already walks every module field to learn the names,
// and records each field's extent. With those, the main pass parses what
// decides numbering and types in text order (every field, and each
// function's header: name, exports, type use, params, locals) but skips
// function bodies and the rest of data segments, noting them as jobs.
// Bodies and segments only read the module's names and types, so once the
// main pass is done the jobs are parsed by workers, each with its own
// scanner, scratch stacks and arena, writing into their own m.Funcs[i] and
// m.Datas[i].
//
// The result is the IR a sequential parse gives, or no result at all:
//
//   - A job that needs a type the sequential parse would append in its
//     body (an inline signature used by no earlier field), or that finds
//     an implicit type the main pass appended for a later field, bails
//     out: in those cases the sequential parse numbers the types
//     differently.
//   - Any error, in the main pass or in a job, is reported by the
//     sequential parse: errors come in text order there, and the first
//     one is the one reported.
//   - A job must end exactly where the collecting pass saw its field end.
//
// In each case the module is parsed again from its start, sequentially.
// Modules with annotations (anywhere) are parsed sequentially from the
// start: annotations are matched with constructs in text order.

// parallelMinBytes is the size of module text from which the parallel
// parse is tried; a variable so that tests can force either path (atomic:
// other tests parse meanwhile).
var parallelMinBytes atomic.Int64

func init() { parallelMinBytes.Store(256 << 10) }

// parallelMaxWorkers bounds the goroutines that parse jobs.
const parallelMaxWorkers = 8

// parallelStats counts the modules parsed with deferred jobs and those
// parsed again sequentially after a bail-out (for tests).
var parallelStats struct{ deferred, retried atomic.Int64 }

type parseJobKind uint8

const (
	jobFunc parseJobKind = iota // a function body, from its first instruction
	jobData                     // consecutive data segments, the first from after its $id
)

// parseJob is a deferred function body or run of data segments.
type parseJob struct {
	kind  parseJobKind
	field int32 // index of the (first) field in parseModuleState.spans
	count int32 // data segments in the run
	index int   // into m.Funcs or m.Datas (the first segment's)
	start int   // offset of the first token to parse
	// locals are the function's named params and locals.
	locals map[string]uint32
}

// parseModuleFieldsParallel parses the module fields with deferred jobs,
// or returns nil when it did not (too small, annotations, or a bail-out;
// then the caller parses sequentially from the same token).
func (p *parser) parseModuleFieldsParallel(name string) (m *ir.Module) {
	minBytes := parallelMinBytes.Load()
	if runtime.GOMAXPROCS(0) < 2 && minBytes > 0 || int64(len(p.data)-p.tok.start) < minBytes || len(p.annots) > 0 || p.tok.kind != scanLParen {
		return nil
	}
	start := p.tok.start
	instrs, frames := len(p.instrs), len(p.frames)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if _, ok := r.(parseBailout); !ok || p.mod == nil || !p.mod.deferring {
			panic(r) // a sequential parse would fail the same way
		}
		clear(p.instrs[instrs:])
		p.instrs = p.instrs[:instrs]
		clear(p.frames[frames:])
		p.frames = p.frames[:frames]
		p.annots = p.annots[:0]
		p.inFunc, p.elemItems = false, false
		p.resetTo(start)
		parallelStats.retried.Add(1)
		m = nil
	}()
	return p.parseModuleFieldsOnce(name, true)
}

// shouldDefer decides, after the collecting pass, whether the main pass
// defers bodies and segments: not with annotations, which are matched with
// constructs in text order.
func (p *parser) shouldDefer(start int, lead bool) bool {
	st := p.mod
	if lead || p.sc.sawAnnot || len(st.spans) == 0 || int64(st.spans[len(st.spans)-1].end)-int64(start) < parallelMinBytes.Load() {
		return false
	}
	st.deferring = true
	parallelStats.deferred.Add(1)
	return true
}

// deferData notes the rest of data segment index (field number field, the
// token after its $id at start) as a job, extending the previous job when
// that is the run of segments just before it.
func (st *parseModuleState) deferData(field, index, start int) {
	if n := len(st.jobs); n > 0 {
		j := &st.jobs[n-1]
		if j.kind == jobData && int(j.field+j.count) == field {
			j.count++
			return
		}
	}
	st.jobs = append(st.jobs, parseJob{kind: jobData, field: int32(field), count: 1, index: index, start: start})
}

// runJobs parses the deferred jobs on up to GOMAXPROCS goroutines. A job
// that bails out stops the others, and the bail-out is raised again here
// (so that the module is parsed again sequentially); any other panic too.
func (p *parser) runJobs() {
	st := p.mod
	if st.typeIndexOf == nil {
		st.initTypeIndex() // read, never written, by the workers
	}
	jobs := st.jobs
	workers := min(runtime.GOMAXPROCS(0), parallelMaxWorkers, len(jobs))
	batch := max(1, len(jobs)/(workers*64))
	var (
		next   atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
	)
	results := make([]any, workers)
	work := func(w *parser, res *any) {
		defer func() {
			if r := recover(); r != nil {
				*res = r
				failed.Store(true)
			}
		}()
		for !failed.Load() {
			lo := int(next.Add(int64(batch))) - batch
			if lo >= len(jobs) {
				return
			}
			for i := lo; i < min(lo+batch, len(jobs)); i++ {
				w.runJob(&jobs[i])
			}
		}
	}
	for i := 1; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(p.newWorker(), &results[i])
		}()
	}
	work(p.newWorker(), &results[0])
	wg.Wait()
	st.jobs = nil
	for _, r := range results {
		if _, ok := r.(parseBailout); r != nil && !ok {
			panic(r) // a bug, raised on the caller's goroutine
		}
	}
	for _, r := range results {
		if r != nil {
			panic(r)
		}
	}
}

// newWorker returns a parser for jobs of p's module: its own scanner and
// scratch state, the module's names, fields and types shared read-only.
func (p *parser) newWorker() *parser {
	st := p.mod
	w := &parser{src: p.src, data: p.data, features: p.features}
	w.sc.src = p.data
	w.mod = &parseModuleState{
		m:           st.m,
		names:       st.names,
		fields:      st.fields,
		typeIndexOf: st.typeIndexOf,
		internAt:    st.internAt,
		spans:       st.spans,
		worker:      true,
		deferring:   true,
	}
	return w
}

// runJob parses job j.
func (w *parser) runJob(j *parseJob) {
	st := w.mod
	m := st.m
	w.resetTo(j.start)
	switch j.kind {
	case jobFunc:
		st.locals = j.locals
		w.resetLabels()
		mark := len(w.instrs)
		w.inFunc = true
		w.parseInstrSeq()
		m.Funcs[j.index].Body = w.finishInstrs(mark)
		w.inFunc = false
		w.jobEnd(int(j.field))
	case jobData:
		st.locals = nil
		for k := range int(j.count) {
			if k > 0 {
				// The next segment: (data $id? — its name and index
				// are the main pass's.
				w.expectLParen()
				w.expectKeyword("data")
				if w.tok.kind == scanID {
					w.next()
				}
			}
			w.parseDataRest(&m.Datas[j.index+k])
			w.jobEnd(int(j.field) + k)
		}
	}
}

// jobEnd consumes the ')' that ends field number field, which must be
// where the collecting pass found the field's end.
func (w *parser) jobEnd(field int) {
	if w.tok.kind != scanRParen || w.tok.end != int(w.mod.spans[field].end) {
		w.fail("deferred field ends elsewhere")
	}
	w.next()
}
