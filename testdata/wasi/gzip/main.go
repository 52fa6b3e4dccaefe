// Command gzip is a GOOS=wasip1 test program for watt's WASI: it
// compresses standard input to standard output, one gzip member per
// 64 KiB chunk, compressing the chunks on goroutines. Concatenated members
// form a valid gzip stream (gzip.NewReader reads all of them).
//
//	GOOS=wasip1 GOARCH=wasm go build -o gzip.wasm ./testdata/wasi/gzip
//	wasm-interp --wasi gzip.wasm < input > input.gz
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sync"
)

const chunkSize = 64 << 10

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gzip:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var chunks [][]byte
	for {
		buf := make([]byte, chunkSize)
		n, err := io.ReadFull(in, buf)
		if n > 0 {
			chunks = append(chunks, buf[:n])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	results := make([][]byte, len(chunks))
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	for i, c := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			if _, err := zw.Write(c); err != nil {
				errs[i] = err
				return
			}
			errs[i] = zw.Close()
			results[i] = b.Bytes()
		}()
	}
	wg.Wait()
	w := bufio.NewWriter(out)
	for i, r := range results {
		if errs[i] != nil {
			return errs[i]
		}
		w.Write(r)
	}
	fmt.Fprintf(os.Stderr, "%d chunks\n", len(chunks))
	return w.Flush()
}
