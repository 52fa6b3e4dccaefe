package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/watt-wasm/watt/interp"
)

// opStats reads watt's trace (interp.Module.Trace: one line per executed
// compiled instruction, "#depth. func:pc | op operands") and counts ops
// and pairs of ops that ran one after the other at consecutive pcs of one
// function (fall-through pairs: the candidates for superinstructions).
type opStats struct {
	ids    map[string]int
	names  []string
	counts []int64
	pairs  map[[2]int]int64
	total  int64

	prevFunc []byte
	prevPC   int
	prevOp   int
}

func newOpStats() *opStats {
	return &opStats{ids: map[string]int{}, pairs: map[[2]int]int64{}, prevOp: -1}
}

// Write takes one trace line (the tracer writes each line in one call).
func (s *opStats) Write(line []byte) (int, error) {
	sep := bytes.Index(line, []byte(" | "))
	if sep < 0 {
		return len(line), nil
	}
	head, rest := line[:sep], line[sep+3:]
	if i := bytes.Index(head, []byte(". ")); i >= 0 {
		head = head[i+2:]
	}
	colon := bytes.LastIndexByte(head, ':')
	fn, pcText := head[:colon], head[colon+1:]
	pc := 0
	for _, c := range pcText {
		pc = pc*10 + int(c-'0')
	}
	name := rest
	if i := bytes.IndexAny(rest, " \n"); i >= 0 {
		name = rest[:i]
	}
	id, ok := s.ids[string(name)]
	if !ok {
		id = len(s.names)
		s.ids[string(name)] = id
		s.names = append(s.names, string(name))
		s.counts = append(s.counts, 0)
	}
	s.counts[id]++
	s.total++
	if s.prevOp >= 0 && pc == s.prevPC+1 && bytes.Equal(fn, s.prevFunc) {
		s.pairs[[2]int{s.prevOp, id}]++
	}
	s.prevOp, s.prevPC = id, pc
	s.prevFunc = append(s.prevFunc[:0], fn...)
	return len(line), nil
}

// category groups an op by what its handler mostly does.
func category(op string) string {
	switch {
	case op == "copy" || op == "copy2" || op == "move" || op == "copy_copy":
		return "operand moves (copy, move)"
	case op == "const" || strings.HasSuffix(op, ".const"):
		return "constants"
	case op == "call" || op == "call_indirect" || op == "return" || strings.HasPrefix(op, "return_call") || op == "copy.call":
		return "calls and returns"
	case strings.HasPrefix(op, "add_imm.br_") || strings.HasPrefix(op, "add.br_"):
		return "add and compare-and-branch (fused)"
	case strings.HasSuffix(op, "_add") && (strings.Contains(op, ".load") || strings.Contains(op, ".store")):
		return "memory loads and stores"
	case op == "i32.mul_add" || op == "i64.mul_add" || op == "f64.mul_add" || op == "f64.mul_load" ||
		op == "i32.shr_u_and" || strings.HasSuffix(op, "_xor") && strings.Contains(op, ".sh"):
		return "ALU pairs (fused)"
	case strings.HasPrefix(op, "br"):
		if strings.HasPrefix(op, "br_i") || strings.HasPrefix(op, "br_f") {
			return "compare-and-branch (fused)"
		}
		return "branches"
	case strings.Contains(op, ".load") || strings.Contains(op, ".store"):
		return "memory loads and stores"
	case strings.HasPrefix(op, "global."):
		return "globals"
	case strings.HasPrefix(op, "select"):
		return "select"
	case strings.HasSuffix(op, "_imm"):
		return "ALU with an immediate"
	}
	return "ALU (register operands)"
}

// opsMode runs each program's -small build traced and prints watt's
// dynamic op mix: how many compiled ops per wasm instruction, the share of
// each category, the most frequent ops and fall-through pairs.
func opsMode(ctx context.Context, progs []program, top int) {
	fmt.Printf("\n### watt's dynamic op mix (-small programs, traced)\n")
	for _, p := range progs {
		path := p.path(true)
		wasm := wasmInstructions(ctx, path)
		cm, _, err := loadWatt(path)
		check(err)
		st := newOpStats()
		inst, err := interp.InstantiateContext(ctx, interp.NewStore(), cm.Trace(st), interp.ImportMap{})
		check(err)
		res, err := inst.Call(ctx, "run")
		check(err)
		if uint32(res[0].Int32()) != p.small {
			check(fmt.Errorf("%s: traced run returned 0x%08x, want 0x%08x", p.name, uint32(res[0].Int32()), p.small))
		}
		fmt.Printf("\n#### %s\n\n%d wasm instructions ran as %d compiled ops (%.2f ops per wasm instruction).\n\n", p.name, wasm, st.total, float64(st.total)/float64(wasm))
		cats := map[string]int64{}
		for id, n := range st.counts {
			cats[category(st.names[id])] += n
		}
		names := make([]string, 0, len(cats))
		for c := range cats {
			names = append(names, c)
		}
		slices.SortFunc(names, func(a, b string) int { return int(cats[b] - cats[a]) })
		fmt.Printf("| category | ops | share |\n|---|---:|---:|\n")
		for _, c := range names {
			fmt.Printf("| %s | %d | %.1f%% |\n", c, cats[c], 100*float64(cats[c])/float64(st.total))
		}
		ids := make([]int, len(st.counts))
		for i := range ids {
			ids[i] = i
		}
		slices.SortFunc(ids, func(a, b int) int { return int(st.counts[b] - st.counts[a]) })
		fmt.Printf("\n| op | count | share |\n|---|---:|---:|\n")
		for _, id := range ids[:min(top, len(ids))] {
			fmt.Printf("| %s | %d | %.1f%% |\n", st.names[id], st.counts[id], 100*float64(st.counts[id])/float64(st.total))
		}
		pairs := make([][2]int, 0, len(st.pairs))
		for k := range st.pairs {
			pairs = append(pairs, k)
		}
		slices.SortFunc(pairs, func(a, b [2]int) int { return int(st.pairs[b] - st.pairs[a]) })
		fmt.Printf("\n| fall-through pair | count | share of ops |\n|---|---:|---:|\n")
		for _, k := range pairs[:min(top, len(pairs))] {
			fmt.Printf("| %s → %s | %d | %.1f%% |\n", st.names[k[0]], st.names[k[1]], st.pairs[k], 100*float64(st.pairs[k])/float64(st.total))
		}
	}
}
