package wat

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/watt-wasm/watt/ir"
)

// benchModuleText generates a module of about size bytes in the style of
// compiler output: many functions of flat instructions with locals, loads,
// stores, atomics, branches and calls (to functions up to 100 on, so the
// module needs at least 100), plus some folded code and data segments.
func benchModuleText(size int) []byte {
	var b strings.Builder
	b.WriteString("(module\n  (type $t (func (param i32 i32) (result i32)))\n")
	b.WriteString("  (import \"env\" \"f\" (func $imp (param i32) (result i32)))\n")
	b.WriteString("  (memory $mem 16 256 shared)\n  (table 8 funcref)\n  (global $g (mut i32) (i32.const 0))\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "  (func $f%d (export \"f%d\") (param $a i32) (param $b i32) (result i32)\n", i, i)
		b.WriteString("    (local $i i32) (local $x i64) (local f64)\n")
		b.WriteString("    block $exit\n      loop $top\n")
		b.WriteString("        local.get $i\n        local.get $a\n        i32.ge_s\n        br_if $exit\n")
		b.WriteString("        local.get $i\n        i32.const 2\n        i32.shl\n        local.get $i\n        i32.store offset=16 align=4\n")
		b.WriteString("        local.get $i\n        i64.load offset=8\n        i64.const 0x1234_5678\n        i64.add\n        local.set $x\n")
		b.WriteString("        local.get $i\n        local.get $i\n        i32.atomic.rmw.add offset=4\n        drop\n")
		b.WriteString("        f64.const 0x1.8p3\n        f64.const 1.5e10\n        f64.mul\n        local.set 4\n")
		b.WriteString("        local.get $i\n        i32.const 1\n        i32.add\n        local.set $i\n        br $top\n      end\n    end\n")
		fmt.Fprintf(&b, "    (i32.add (local.get $a) (call $f%d (local.get $b)))\n", (i+1)%100)
		fmt.Fprintf(&b, "    (if (result i32) (i32.eqz (global.get $g)) (then (call_indirect (type $t) (local.get $a) (local.get $b) (i32.const %d))) (else (i32.const -1)))\n", i%8)
		b.WriteString("    i32.add\n  )\n")
		if i%5 == 0 {
			fmt.Fprintf(&b, "  (data (i32.const %d) \"hello\\00world\\ff\")\n  (data $d%d (memory $mem) (offset (i32.const 7)) \"x\" \"y\")\n", i, i)
		}
	}
	b.WriteString("  (data (i32.const 1024) \"hello\\00world\\ff\")\n)\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	data := benchModuleText(8 << 20)
	features := ir.Wasm2Features().With(ir.FeatureThreads, true)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseModule(ir.NewSource("bench.wat", data, false), features); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFile parses the file named by $WATT_BENCH_WAT, to compare
// with wat2wasm on real inputs.
func BenchmarkParseFile(b *testing.B) {
	path := os.Getenv("WATT_BENCH_WAT")
	if path == "" {
		b.Skip("set WATT_BENCH_WAT to a .wat file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	features := ir.Wasm2Features().With(ir.FeatureThreads, true)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseModule(ir.NewSource(path, data, false), features); err != nil {
			b.Fatal(err)
		}
	}
}
