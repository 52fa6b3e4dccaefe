package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestSmallPrograms runs every -small program on watt and wazero: the
// checksum each returns must be the one the harness expects (and the
// program's own check must not trap). The full programs run the same code
// on more work; the harness checks their checksums on every run.
func TestSmallPrograms(t *testing.T) {
	ctx := context.Background()
	for _, p := range programs {
		for _, run := range []struct {
			name string
			f    func(context.Context, string) (uint32, sample, error)
		}{{"watt", runWatt}, {"wazero", runWazero}} {
			v, _, err := run.f(ctx, p.path(true))
			if err != nil {
				t.Errorf("%s %s: %v", run.name, p.name, err)
			} else if v != p.small {
				t.Errorf("%s %s: checksum 0x%08x, want 0x%08x", run.name, p.name, v, p.small)
			}
		}
	}
}

// TestProgramsBuilt checks that every program has its source and both
// builds.
func TestProgramsBuilt(t *testing.T) {
	for _, p := range programs {
		for _, f := range []string{p.name + ".c", p.name + ".wasm", p.name + "-small.wasm"} {
			if _, err := os.Stat(filepath.Join(programsDir, f)); err != nil {
				t.Error(err)
			}
		}
	}
}

func TestParseResult(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want uint32
	}{
		{"Result: 9227465\n", 9227465},
		{"Result: -758528764\n", 0xd2c9c504},
		{"0x8cccc9:i32\n", 0x8cccc9},
		{"run() => i32:4294967295\n", 0xffffffff},
		{"run() => i32:-1\n", 0xffffffff},
	} {
		got, err := parseResult(tc.out)
		if err != nil || got != tc.want {
			t.Errorf("parseResult(%q) = 0x%x, %v; want 0x%x", tc.out, got, err, tc.want)
		}
	}
	if _, err := parseResult("Error: trap\n"); err == nil {
		t.Error("parseResult accepted output without a result")
	}
}

func TestOpStats(t *testing.T) {
	s := newOpStats()
	for _, l := range []string{
		"#0. f:0 | const 7\n",
		"#0. f:1 | i32.add 1, 2\n",
		"#0. f:2 | br_i32.lt_s 3, 4 @0\n",
		"#0. f:0 | const 7\n",
		"#1. g:0 | const 1\n",
	} {
		s.Write([]byte(l))
	}
	if s.total != 5 || s.counts[s.ids["const"]] != 3 {
		t.Errorf("total %d, const %d", s.total, s.counts[s.ids["const"]])
	}
	if n := s.pairs[[2]int{s.ids["const"], s.ids["i32.add"]}]; n != 1 {
		t.Errorf("const → i32.add counted %d times, want 1", n)
	}
	if n := s.pairs[[2]int{s.ids["br_i32.lt_s"], s.ids["const"]}]; n != 0 {
		t.Errorf("a taken branch counted as a fall-through pair")
	}
	if len(s.pairs) != 2 {
		t.Errorf("%d pairs, want 2", len(s.pairs))
	}
}
