package binary

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
	"github.com/watt-wasm/watt/wat"
)

// boundsTestModules are modules with every section kind, a name section and
// other custom sections: their truncations exercise every length and count
// the decoder reads.
var boundsTestModules = []string{
	`(module $m
	  (type $t (func (param i32 i64) (result i32)))
	  (import "env" "f" (func $imp (type $t)))
	  (import "env" "mem" (memory 1 2 shared))
	  (table $tab 2 funcref)
	  (global $g (mut i32) (i32.const 42))
	  (export "run" (func $run))
	  (start $s)
	  (elem (i32.const 0) $run $s)
	  (elem $passive func $run)
	  (func $s)
	  (func $run (param $a i32) (param $b i64) (result i32) (local $x f64) (local v128)
	    (block $out (result i32)
	      (loop $l
	        (br_table $l $out $l (local.get $a) (local.get $a)))
	      (if (result i32) (local.get $a) (then (i32.const 1)) (else (i32.const 2))))
	    (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3))
	    (i32.atomic.rmw.add offset=8 (i32.const 0) (i32.const 1))
	    (drop)
	    (v128.const i64x2 1 2) (drop)
	    (f64.const 1.5) (local.set $x)
	    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))
	    (call_indirect (type $t) (i32.const 1) (i64.const -1) (i32.const 0)))
	  (data $d "hello")
	  (data (i32.const 8) "\00\01\02"))`,
	`(module (func (export "f") (result i32) (i32.const 7)) (data (memory 0) (i32.const 0) "") (memory 0))`,
}

// boundsTestBinaries are the boundsTestModules encoded with names, with
// custom sections before and after the known ones, and the compiled C
// fixtures (clang's output: producers and name sections, atomics).
func boundsTestBinaries(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, name := range []string{"atomics.wasm", "tables.wasm"} {
		out = append(out, readTestdata(t, "c", name))
	}
	for i, text := range boundsTestModules {
		m, err := wat.ParseModule(ir.NewSource(fmt.Sprintf("m%d.wat", i), []byte(text), false), ir.AllFeaturesOn())
		if err != nil {
			t.Fatal(err)
		}
		m.Customs = append(m.Customs, ir.Custom{Name: "first", Data: []byte("xyz")}, ir.Custom{Name: "last", Data: []byte{1, 2, 3, 4, 5}, After: sectionData})
		b, err := Encode(m, EncodeOptions{DebugNames: true})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// decodeDiff compares what Decode makes of two inputs: the same error, or
// the same module (positions aside).
func decodeDiff(a, b []byte, features ir.Features) string {
	ma, erra := Decode(ir.NewSource("t.wasm", a, true), features)
	mb, errb := Decode(ir.NewSource("t.wasm", b, true), features)
	switch {
	case erra != nil || errb != nil:
		if fmt.Sprint(erra) != fmt.Sprint(errb) {
			return fmt.Sprintf("error %v\nversus %v", erra, errb)
		}
		return ""
	default:
		return diffModules(ma, mb)
	}
}

// TestDecodeNeverReadsPastInput decodes every prefix of several modules,
// each as a slice with no spare capacity (b[:n:n]) and as a prefix of the
// whole module (spare capacity holding the rest): the decoder must never
// panic, and the two must decode alike, because nothing past the caller's
// slice may be read. A section size may claim bytes past the end (the
// spec counts it from the size field), and a custom section used to take
// them ("slice bounds out of range" without spare capacity).
func TestDecodeNeverReadsPastInput(t *testing.T) {
	for i, whole := range boundsTestBinaries(t) {
		for _, features := range []ir.Features{ir.AllFeaturesOn(), suiteFeatures()} {
			for n := range len(whole) {
				capped := bytes.Clone(whole[:n])
				capped = capped[:n:n]
				spare := whole[:n]
				if diff := decodeDiff(capped, spare, features); diff != "" {
					t.Fatalf("module %d cut at %d of %d: with no spare capacity versus with the rest of the module behind the slice:\n%s", i, n, len(whole), diff)
				}
			}
		}
	}
}

// TestDecodeSectionPastEnd: sections whose size claims bytes past the end
// of the input are malformed with the spec's messages ("unexpected end"
// for a custom section, as custom.wast expects), never decoded from bytes
// the caller did not pass.
func TestDecodeSectionPastEnd(t *testing.T) {
	tests := []struct {
		name, wasm, want string
	}{
		{"issue 10 repro", "\x00asm\x01\x00\x00\x00\x00\x27\x20" + strings.Repeat("0", 37), "unexpected end"},
		{"custom one byte short", "\x00asm\x01\x00\x00\x00\x00\x04\x01ab", "unexpected end"},
		{"custom five bytes short", "\x00asm\x01\x00\x00\x00\x00\x88\x80\x80\x80\x00\x01ab", "unexpected end"},
		{"custom empty, size 1", "\x00asm\x01\x00\x00\x00\x00\x01", "unexpected end"},
		{"custom size too large", "\x00asm\x01\x00\x00\x00\x00\x09\x01ab", "length out of bounds"},
		{"type section past end", "\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x00\x00", "section size mismatch"},
		{"code body past end", "\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x04\x01\x03\x00\x0b", "section size mismatch"},
		{"name subsection past end", "\x00asm\x01\x00\x00\x00\x00\x09\x04name\x03\x03\x01a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.wasm)
			m, err := Decode(ir.NewSource("t.wasm", b[:len(b):len(b)], true), suiteFeatures())
			if tt.want == "" {
				// A malformed name section is no error: it is kept as a
				// custom section, with only the bytes that are there.
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Customs) != 1 || m.Name != "" || !bytes.Equal(m.Customs[0].Data, b[len(b)-4:]) {
					t.Errorf("got customs %+v, name %q; want the malformed name section kept verbatim", m.Customs, m.Name)
				}
				return
			}
			if err == nil {
				t.Fatalf("decoded: %+v", m)
			}
			e := err.(ir.ErrorList)[0]
			if !strings.HasPrefix(e.Msg, tt.want) {
				t.Errorf("got %q, want a message starting with %q", e.Msg, tt.want)
			}
		})
	}
}
