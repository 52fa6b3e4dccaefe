package cli

import (
	"bytes"
	"io"
	"testing"

	"github.com/watt-wasm/watt/bench/gen"
)

// BenchmarkWat2WasmAtomics measures the whole wat2wasm pipeline in-process
// (parse, validate, encode) on 1 MB of generated atomic instructions.
// `make bench` compares the built tools with wabt on larger inputs.
func BenchmarkWat2WasmAtomics(b *testing.B) {
	var src bytes.Buffer
	if err := gen.Atomics(&src, 1<<20); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(src.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if code := Wat2Wasm([]string{"--enable-threads", "-"}, bytes.NewReader(src.Bytes()), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkWasmValidateAtomics measures decode and validate in-process.
func BenchmarkWasmValidateAtomics(b *testing.B) {
	var src, wasm bytes.Buffer
	if err := gen.Atomics(&src, 1<<20); err != nil {
		b.Fatal(err)
	}
	if code := Wat2Wasm([]string{"--enable-threads", "-"}, &src, &wasm, io.Discard); code != 0 {
		b.Fatalf("wat2wasm exit %d", code)
	}
	b.SetBytes(int64(wasm.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if code := WasmValidate([]string{"--enable-threads", "-"}, bytes.NewReader(wasm.Bytes()), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
