package wat

import "github.com/watt-wasm/watt/ir"

// parseOpTable maps instruction names (and legacy aliases) to ops. It is an
// index over ir's opcode table, not a second list: every name comes from
// ir.Op.Info and resolves through ir.LookupOp, so the first row of a shared
// name wins exactly as there. An open-addressing table hashed with FNV-1a
// over the source bytes is cheaper than a Go map on the hot path (one
// lookup per instruction) and never allocates.
type parseOpEntry struct {
	name string
	op   ir.Op
}

const parseOpTableSize = 2048 // power of two, over twice the number of names

var parseOpTable = func() (t [parseOpTableSize]parseOpEntry) {
	add := func(name string) {
		op, ok := ir.LookupOp(name)
		if !ok {
			return
		}
		h := parseOpHash([]byte(name))
		for t[h].name != "" && t[h].name != name {
			h = (h + 1) & (parseOpTableSize - 1)
		}
		t[h] = parseOpEntry{name, op}
	}
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		add(info.Name)
		for _, a := range info.Aliases {
			add(a)
		}
	}
	return
}()

func parseOpHash(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h & (parseOpTableSize - 1)
}

// parseLookupOp finds the op named b.
func parseLookupOp(b []byte) (ir.Op, bool) {
	h := parseOpHash(b)
	for {
		e := &parseOpTable[h]
		if e.name == "" {
			return 0, false
		}
		if e.name == scanTransient(b) {
			return e.op, true
		}
		h = (h + 1) & (parseOpTableSize - 1)
	}
}
