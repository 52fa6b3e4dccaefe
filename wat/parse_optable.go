package wat

import "github.com/watt-wasm/watt/ir"

// parseOpTable maps instruction names (and legacy aliases) to ops. It is an
// index over ir's opcode table, not a second list: every name comes from
// ir.Op.Info and resolves through ir.LookupOp, so the first row of a shared
// name wins exactly as there. An open-addressing table hashed with FNV-1a
// over the source bytes is cheaper than a Go map on the hot path (one
// lookup per instruction) and never allocates.
type parseOpEntry struct {
	name  string
	op    ir.Op
	alias bool // a legacy name (ir.FeatureLegacyNames)
}

const parseOpTableSize = 2048 // power of two, over twice the number of names

var parseOpTable = func() (t [parseOpTableSize]parseOpEntry) {
	add := func(name string, alias bool) {
		op, ok := ir.LookupOp(name)
		if !ok {
			return
		}
		h := parseOpHash([]byte(name))
		for t[h].name != "" && t[h].name != name {
			h = (h + 1) & (parseOpTableSize - 1)
		}
		t[h] = parseOpEntry{name, op, alias}
	}
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		add(info.Name, false)
		for _, a := range info.Aliases {
			add(a, true)
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
	e := parseLookupOpEntry(b)
	if e == nil {
		return 0, false
	}
	return e.op, true
}

// parseLookupOpEntry finds the table entry of name b, nil if none.
func parseLookupOpEntry(b []byte) *parseOpEntry {
	h := parseOpHash(b)
	for {
		e := &parseOpTable[h]
		if e.name == "" {
			return nil
		}
		if e.name == scanTransient(b) {
			return e
		}
		h = (h + 1) & (parseOpTableSize - 1)
	}
}
