package binary

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/watt-wasm/watt/ir"
)

// The fast path for function bodies.
//
// readExpr builds each block's body in a scratch stack and copies it out
// when the block ends: every instruction (about 150 bytes) is written
// twice, and the copy of pointer-carrying memory is slow while the garbage
// collector runs. For a function body, readBodyFast instead first scans the
// bytes (scanBody) to count the instructions of every arm, allocates them
// all at once, and then decodes each instruction straight into its final
// place, setting only its non-zero fields.
//
// The scan only has to be right for bodies the decoder accepts. Anything it
// does not understand, or a body whose instructions do not end exactly at
// its declared size, makes it give up, and readCode takes the general path
// (readExpr), which reports errors exactly as before. The decoding pass uses
// the same readers as readExpr in the same order, so an error it finds is
// the one readExpr would have reported at the same byte; if it ever
// disagrees with the scan's counts it gives up and the general path runs
// from the start of the body.

// opImm is each op's immediate shape, from the opcode table, kept compact
// for the hot loops.
var opImm = func() (t [ir.NumOps]ir.Imm) {
	for op := range ir.NumOps {
		t[op] = op.Info().Imm
	}
	return t
}()

// byteOps maps single-byte opcodes to ops; noOp marks bytes that are not
// one (prefixes, end, else, a legacy try's catch, catch_all and delegate,
// and unassigned bytes).
var byteOps = func() (t [256]ir.Op) {
	for b := range t {
		t[b] = noOp
		op, ok := ir.LookupCode(0, uint32(b))
		if !ok || ir.IsPrefix(byte(b)) {
			continue
		}
		switch op {
		case ir.OpEnd, ir.OpElse, ir.OpCatch, ir.OpCatchAll, ir.OpDelegate:
			continue
		}
		t[b] = op
	}
	return t
}()

const noOp = ir.NumOps

// fastOps returns byteOps restricted to the ops whose feature is on:
// readBodyFast's opcode lookup, which leaves the others to readOpcode and
// its error messages.
func (d *decoder) fastOps() *[256]ir.Op {
	if d.fastOpsFor != d.features || !d.fastOpsSet {
		for b, op := range byteOps {
			if op != noOp && !d.features.Has(op.Info().Feature) {
				op = noOp
			}
			d.fastOpTable[b] = op
		}
		d.fastOpsFor, d.fastOpsSet = d.features, true
	}
	return &d.fastOpTable
}

// fastBodies turns the fast path on; tests turn it off to compare.
var fastBodies = true

// scanFrame is an open block during scanBody.
type scanFrame struct {
	idx    int   // index in decoder.counts of the block's then count (else is idx+1); -1 for the body
	n      int32 // instructions in the current arm so far
	isIf   bool
	inElse bool
}

// fastFrame is an open block during readBodyFast.
type fastFrame struct {
	in     *ir.Instr  // the block, loop or if; nil for the function body
	arm    []ir.Instr // the arm being filled
	i      int        // next slot in arm
	idx    int        // as scanFrame.idx
	inElse bool
}

// skipLEB skips a LEB128 starting at p, not reading at or past end. It
// returns the new position and the value (low 64 bits), or -1 when the
// integer does not end in 10 bytes before end.
func skipLEB(data []byte, p, end int) (int, uint64) {
	var x uint64
	for shift := 0; shift < 70; shift += 7 {
		if p >= end {
			return -1, 0
		}
		b := data[p]
		p++
		if shift < 64 {
			x |= uint64(b&0x7f) << shift
		}
		if b < 0x80 {
			return p, x
		}
	}
	return -1, 0
}

// scanBody scans the instructions of a function body in d.data[p:end],
// whose last byte must be the body's end. It appends to d.counts the number
// of instructions in each arm of each block, blocks in the order they open
// (then count at 2k, else count at 2k+1 for the k-th block, counted from
// where it started appending), and returns
// the number of instructions of the body itself and the total. ok is false
// when the bytes are not a body the fast path can take.
//
// When exact is false, end only bounds the scan: the expression may end
// anywhere before it (constant expressions, whose size is not declared).
func (d *decoder) scanBody(p, end int, exact bool) (top int32, total int, ok bool) {
	data := d.data[:end]
	frames := append(d.scanFrames[:0], scanFrame{idx: -1})
	defer func() { d.scanFrames = frames[:0] }()
	multiMem := d.features.Has(ir.FeatureMultiMemory)
	refTypes := d.features.Has(ir.FeatureReferenceTypes)
	for p < end {
		b := data[p]
		p++
		f := &frames[len(frames)-1]
		switch b {
		case 0x0b: // end
			if len(frames) == 1 {
				if exact && p != end {
					return 0, 0, false
				}
				return f.n, total, true
			}
			if f.inElse {
				d.counts[f.idx+1] = f.n
			} else {
				d.counts[f.idx] = f.n
			}
			frames = frames[:len(frames)-1]
			continue
		case 0x05: // else
			if !f.isIf || f.inElse {
				return 0, 0, false
			}
			d.counts[f.idx] = f.n
			f.n, f.inElse = 0, true
			continue
		}
		op := byteOps[b]
		if op == noOp {
			if !ir.IsPrefix(b) {
				return 0, 0, false
			}
			var code uint64
			if p, code = skipLEB(data, p, end); p < 0 || code > 0xffffffff {
				return 0, 0, false
			}
			var found bool
			if op, found = ir.LookupCode(b, uint32(code)); !found {
				return 0, 0, false
			}
		}
		f.n++
		total++
		imm := opImm[op]
		switch imm {
		case ir.ImmNone:
		case ir.ImmBlock, ir.ImmTryTable:
			if p = skipBlockType(data, p, end); p < 0 {
				return 0, 0, false
			}
			if imm == ir.ImmTryTable {
				var n uint64
				if p, n = skipLEB(data, p, end); p < 0 || n > uint64(end-p) {
					return 0, 0, false
				}
				for i := uint64(0); i < n && p >= 0; i++ {
					if p >= end {
						return 0, 0, false
					}
					kind := data[p]
					if p++; kind == byte(ir.Catch) || kind == byte(ir.CatchRef) {
						p, _ = skipLEB(data, p, end) // the tag
					}
					if p >= 0 {
						p, _ = skipLEB(data, p, end) // the label
					}
				}
				if p < 0 {
					return 0, 0, false
				}
			}
			frames = append(grown(frames), scanFrame{idx: len(d.counts), isIf: op == ir.OpIf})
			d.counts = append(grown(d.counts), 0, 0)
		case ir.ImmLabel, ir.ImmFunc, ir.ImmLocal, ir.ImmGlobal, ir.ImmTable, ir.ImmElem, ir.ImmData,
			ir.ImmI32, ir.ImmI64, ir.ImmTag, ir.ImmType, ir.ImmHeapType, ir.ImmRefType:
			p, _ = skipLEB(data, p, end)
		case ir.ImmBrOnCast: // flags, label, two heap types
			if p++; p < end {
				if p, _ = skipLEB(data, p, end); p >= 0 {
					if p, _ = skipLEB(data, p, end); p >= 0 {
						p, _ = skipLEB(data, p, end)
					}
				}
			}
		case ir.ImmStructField, ir.ImmArrayFixed, ir.ImmArrayData, ir.ImmArrayElem, ir.ImmTypePair:
			if p, _ = skipLEB(data, p, end); p >= 0 {
				p, _ = skipLEB(data, p, end)
			}
		case ir.ImmBrTable:
			var n uint64
			if p, n = skipLEB(data, p, end); p < 0 || n > uint64(end-p) {
				return 0, 0, false
			}
			for i := uint64(0); i <= n && p >= 0; i++ { // n labels and the default
				p, _ = skipLEB(data, p, end)
			}
		case ir.ImmCallIndirect:
			if p, _ = skipLEB(data, p, end); p >= 0 {
				p = skipIndex(data, p, end, refTypes)
			}
		case ir.ImmMemory:
			p = skipIndex(data, p, end, multiMem)
		case ir.ImmMemArg, ir.ImmMemArgLane:
			var flags uint64
			if p, flags = skipLEB(data, p, end); p < 0 {
				return 0, 0, false
			}
			if multiMem && flags&0x40 != 0 {
				if p, _ = skipLEB(data, p, end); p < 0 {
					return 0, 0, false
				}
			}
			p, _ = skipLEB(data, p, end)
			if imm == ir.ImmMemArgLane && p >= 0 {
				p++
			}
		case ir.ImmLane, ir.ImmFence:
			p++
		case ir.ImmShuffle, ir.ImmV128:
			p += 16
		case ir.ImmTablePair, ir.ImmTableInit:
			if p, _ = skipLEB(data, p, end); p >= 0 {
				p, _ = skipLEB(data, p, end)
			}
		case ir.ImmMemoryPair:
			if p = skipIndex(data, p, end, multiMem); p >= 0 {
				p = skipIndex(data, p, end, multiMem)
			}
		case ir.ImmMemoryInit:
			if p, _ = skipLEB(data, p, end); p >= 0 {
				p = skipIndex(data, p, end, multiMem)
			}
		case ir.ImmF32:
			p += 4
		case ir.ImmF64:
			p += 8
		case ir.ImmSelect:
			var n uint64
			if p, n = skipLEB(data, p, end); p < 0 || n > uint64(end-p) {
				return 0, 0, false
			}
			for i := uint64(0); i < n && p >= 0; i++ {
				p = skipValType(data, p, end)
			}
		default: // legacy try: the general path
			return 0, 0, false
		}
		if p < 0 {
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// skipValType skips a value type starting at p: one byte, or 0x63/0x64 and
// a heap type. It returns -1 when the type does not end before end.
func skipValType(data []byte, p, end int) int {
	if p >= end {
		return -1
	}
	if b := data[p]; b == refNullPrefix || b == refPrefix {
		p, _ = skipLEB(data, p+1, end)
		return p
	}
	return p + 1
}

// skipBlockType skips a block type starting at p: 0x40, a value type, or a
// type index (an s33). It returns -1 when the type does not end before end.
func skipBlockType(data []byte, p, end int) int {
	if p >= end {
		return -1
	}
	if b := data[p]; b == 0x40 || b&0xc0 == 0x40 { // one-byte negative: empty or a value type
		return skipValType(data, p, end)
	}
	p, _ = skipLEB(data, p, end)
	return p
}

// skipIndex skips an index that is a LEB128 when leb is set and a reserved
// zero byte otherwise.
func skipIndex(data []byte, p, end int, leb bool) int {
	if leb {
		p, _ = skipLEB(data, p, end)
		return p
	}
	return p + 1
}

// readBodyFast decodes a function body of total instructions, top of them
// at the outermost level, that scanBody has counted (counts), into store
// (len(store) == total, zeroed), reading from d.pos up to end. It reports
// false, with d.pos wherever it stopped, when the decoding disagrees with
// the scan.
func (d *decoder) readBodyFast(store []ir.Instr, counts []int32, top int32, end int, exact bool) ([]ir.Instr, bool) {
	total := len(store)
	if total == 0 {
		// Only the end: the general path gives a nil body.
		return nil, false
	}
	free := int(top)
	frames := append(d.fastFrames[:0], fastFrame{arm: store[:top:top], idx: -1})
	defer func() {
		clear(frames) // drop the pointers into store
		d.fastFrames = frames[:0]
	}()
	blocks := 0
	ops := d.fastOps()
	// A memory argument whose flags and offset are one byte each, with no
	// memory index, is read inline: alignments up to 32, or 63 with
	// multi-memory (readMemArg reads the rest and reports errors).
	alignLimit := byte(32)
	if d.features.Has(ir.FeatureMultiMemory) {
		alignLimit = memArgFlagMemory - 1
	}
	for d.pos < end {
		off := d.pos
		b := d.data[off]
		d.pos++
		f := &frames[len(frames)-1]
		switch b {
		case 0x0b: // end
			if f.i != len(f.arm) {
				return nil, false
			}
			if len(frames) == 1 {
				if free != total || (exact && d.pos != end) {
					return nil, false
				}
				return store[:top:top], true
			}
			frames = frames[:len(frames)-1]
			continue
		case 0x05: // else
			if f.in == nil || f.in.Op != ir.OpIf || f.inElse || f.i != len(f.arm) {
				return nil, false
			}
			n := int(counts[f.idx+1])
			if free+n > total {
				return nil, false
			}
			if n > 0 {
				f.in.SetElseBody(store[free : free+n : free+n])
				free += n
			}
			f.arm, f.i, f.inElse = f.in.ElseBody(), 0, true
			continue
		}
		if f.i >= len(f.arm) {
			return nil, false
		}
		in := &f.arm[f.i]
		f.i++
		op := ops[b]
		if op == noOp {
			if !ir.IsPrefix(b) {
				// An unknown byte, an op of a feature that is off, or a
				// legacy try's arm: the general path reports it.
				return nil, false
			}
			op = d.readOpcode(off, b)
		}
		in.Op = op
		in.Pos = ir.PosAt(off)
		imm := opImm[op]
		// The commonest immediates, one-byte LEB128s, inline; the
		// readers do the rest (and report errors).
		if p := d.pos; p+1 < len(d.data) {
			switch x := d.data[p]; imm {
			case ir.ImmNone:
				continue
			case ir.ImmLocal, ir.ImmGlobal, ir.ImmLabel, ir.ImmFunc:
				if x < 0x80 {
					in.Index = uint32(x)
					d.pos++
					continue
				}
			case ir.ImmI32:
				if x < 0x80 {
					in.Value = uint64(uint32(int32(int8(x<<1) >> 1)))
					d.pos++
					continue
				}
			case ir.ImmMemArg:
				if y := d.data[p+1]; x <= alignLimit && y < 0x80 {
					in.Mem.Align, in.Mem.Offset = uint32(x), uint64(y)
					d.pos += 2
					continue
				}
			}
		}
		if imm == ir.ImmBlock || imm == ir.ImmTryTable {
			in.Block = d.readBlockType()
			if imm == ir.ImmTryTable {
				in.SetCatches(d.readCatches())
			}
			idx := 2 * blocks
			blocks++
			if idx+1 >= len(counts) {
				return nil, false
			}
			n := int(counts[idx])
			if free+n > total {
				return nil, false
			}
			if n > 0 {
				in.Body = store[free : free+n : free+n]
				free += n
			}
			frames = append(grown(frames), fastFrame{in: in, arm: in.Body, idx: idx})
			continue
		}
		if imm == ir.ImmTry {
			return nil, false // legacy try: the general path
		}
		if imm != ir.ImmNone {
			d.readImmediates(in, imm)
		}
	}
	return nil, false
}

// bodyScan is what prescanCode learnt about one code section entry.
type bodyScan struct {
	expr, end int   // the body's instructions are data[expr:end]
	top       int32 // instructions at the outer level
	counts    int   // where its block counts start in decoder.counts
	total     int   // instructions in all
	store     []ir.Instr

	// Set by decodeBodiesParallel.
	tried   bool       // decoding was tried: store is no longer zeroed
	done    bool       // decoded: body or err is the result
	body    []ir.Instr // the decoded body
	err     *ir.Error  // the error decoding it
	dataUse ir.Pos     // its first memory.init or data.drop
}

// prescanCode looks ahead over the code section's n entries, starting at
// d.pos, without reporting anything: it finds where each body's
// instructions are and scans them, so that all bodies can share one
// allocation. It stops at the first entry it cannot scan; that entry and
// the ones after it take the per-body path. Only entries with a function
// declaration are looked at.
func (d *decoder) prescanCode(n int) {
	d.bodies = d.bodies[:0]
	d.counts = d.counts[:0]
	if !fastBodies {
		return
	}
	data, p := d.data, d.pos
	sum := 0
	for range min(n, len(d.m.Funcs)) {
		var size uint64
		if p, size = skipLEB(data, p, len(data)); p < 0 || size > uint64(len(data)-p) {
			break
		}
		end := p + int(size)
		var runs uint64
		if p, runs = skipLEB(data, p, end); p < 0 || runs > uint64(end-p) {
			break
		}
		for i := uint64(0); i < runs && p >= 0; i++ {
			if p, _ = skipLEB(data, p, end); p >= 0 {
				p = skipValType(data, p, end)
			}
		}
		if p < 0 || p >= end {
			break
		}
		countsOff := len(d.counts)
		top, total, ok := d.scanBody(p, end, true)
		if !ok {
			d.counts = d.counts[:countsOff]
			break
		}
		d.bodies = append(d.bodies, bodyScan{expr: p, end: end, top: top, counts: countsOff, total: total})
		sum += total
		p = end
	}
	if sum == 0 {
		return
	}
	slab := make([]ir.Instr, sum)
	prepareSlab(slab) // decode_huge_*.go
	for i := range d.bodies {
		b := &d.bodies[i]
		b.store, slab = slab[:b.total:b.total], slab[b.total:]
	}
	if sum >= parallelDecodeMin {
		d.decodeBodiesParallel()
	}
}

// parallelDecodeMin is the number of instructions in all bodies from
// which prescanned bodies are decoded in parallel (a variable for tests).
var parallelDecodeMin = 1 << 16

// decodeBodiesParallel decodes the prescanned bodies on several
// goroutines, each with its own decoder over the same input, before the
// code section is read in order. readCode then takes each result at its
// turn: an error is reported when the sequential decoder would have reached
// it, after every error that comes earlier in the input, so the outcome is
// the same as decoding in order. A body the fast path cannot take is left
// to readCode.
func (d *decoder) decodeBodiesParallel() {
	workers := min(runtime.GOMAXPROCS(0), len(d.bodies)/2)
	if workers < 2 {
		return
	}
	const batch = 4
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		panicked atomic.Pointer[any]
	)
	work := func(w *decoder) {
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
				next.Store(int64(len(d.bodies)))
			}
		}()
		for {
			lo := int(next.Add(batch)) - batch
			if lo >= len(d.bodies) {
				return
			}
			for i := lo; i < min(lo+batch, len(d.bodies)); i++ {
				w.decodeBody(&d.bodies[i], d.counts)
			}
		}
	}
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(&decoder{src: d.src, data: d.data, features: d.features, dataCount: -1})
		}()
	}
	work(&decoder{src: d.src, data: d.data, features: d.features, dataCount: -1})
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(*p)
	}
}

// decodeBody decodes prescanned body b with the fast path, recording the
// outcome in b.
func (d *decoder) decodeBody(b *bodyScan, counts []int32) {
	d.pos, d.firstDataUse = b.expr, ir.NoPos
	b.tried = true
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(decodeBailout)
			if !ok {
				panic(r)
			}
			b.done, b.err = true, e.err
		}
	}()
	body, ok := d.readBodyFast(b.store, counts[b.counts:], b.top, b.end, true)
	if ok {
		b.done, b.body, b.dataUse = true, body, d.firstDataUse
	}
}
