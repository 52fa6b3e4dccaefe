package wat

import (
	"encoding/binary"
	"math/bits"

	"github.com/watt-wasm/watt/ir"
)

// parseOpTable maps instruction names (and legacy aliases) to ops. It is an
// index over ir's opcode table, not a second list: every name comes from
// ir.Op.Info and resolves through ir.LookupOp, so the first row of a shared
// name wins exactly as there. An open-addressing table is cheaper than a Go
// map on the hot path (one lookup per instruction) and never allocates:
// a name is keyed by its length and two 8-byte words loaded from its
// start and end (parseOpKey), which hash it and, up to 16 bytes, compare it
// in a few instructions, without a pass over its bytes.
type parseOpEntry struct {
	a, c  uint64 // the name's key words
	n     uint16 // its length; 0 for an empty slot
	op    ir.Op
	alias bool // a legacy name (ir.FeatureLegacyNames)
}

const parseOpTableSize = 2048 // power of two, over three times the number of names

var (
	parseOpTable [parseOpTableSize]parseOpEntry
	// parseOpNames are the names of the slots, to compare names longer
	// than 16 bytes in full.
	parseOpNames [parseOpTableSize]string
)

func init() {
	add := func(name string, alias bool) {
		op, ok := ir.LookupOp(name)
		if !ok {
			return
		}
		a, c := parseOpKey([]byte(name))
		h := parseOpSlot(a, c, len(name))
		for parseOpTable[h].n != 0 && parseOpNames[h] != name {
			h = (h + 1) & (parseOpTableSize - 1)
		}
		parseOpTable[h] = parseOpEntry{a: a, c: c, n: uint16(len(name)), op: op, alias: alias}
		parseOpNames[h] = name
	}
	for op := ir.Op(0); op < ir.NumOps; op++ {
		info := op.Info()
		add(info.Name, false)
		for _, a := range info.Aliases {
			add(a, true)
		}
	}
}

// parseOpKey returns the key words of name b: its first and last eight
// bytes (overlapping when shorter than 16), for 4 to 7 bytes the first and
// last four in one word, below that the bytes themselves. With the length
// they identify names of up to 16 bytes.
func parseOpKey(b []byte) (a, c uint64) {
	n := len(b)
	switch {
	case n >= 8:
		return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32, 0
	}
	for i, ch := range b {
		a |= uint64(ch) << (8 * i)
	}
	return a, 0
}

// parseOpSlot hashes a key to its first slot.
func parseOpSlot(a, c uint64, n int) uint32 {
	h := (a ^ bits.RotateLeft64(c, 29) ^ uint64(n)) * 0x9e3779b97f4a7c15
	return uint32(h >> (64 - 11))
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
	if len(b) == 0 || len(b) > 0xffff {
		return nil
	}
	a, c := parseOpKey(b)
	n := uint16(len(b))
	h := parseOpSlot(a, c, len(b))
	for {
		e := &parseOpTable[h]
		if e.n == 0 {
			return nil
		}
		if e.a == a && e.c == c && e.n == n && (n <= 16 || parseOpNames[h] == scanTransient(b)) {
			return e
		}
		h = (h + 1) & (parseOpTableSize - 1)
	}
}
