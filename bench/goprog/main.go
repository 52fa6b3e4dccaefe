// Command goprog is a benchmark input, not a tool: built with
// GOOS=wasip1 GOARCH=wasm it gives a ~3 MB module, whose wasm2wat text is
// the large realistic input for `make bench`. It pulls in a broad slice of
// the standard library (JSON and reflection, hashing, compression,
// formatting, sorting, time zones) so the module has thousands of functions
// of every shape a compiler produces. (Adding net/http makes the binary
// 11 MB, text/template and regexp 6 MB; the benchmark wants about 3 MB.)
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

type record struct {
	Name    string             `json:"name"`
	Tags    []string           `json:"tags"`
	Scores  map[string]float64 `json:"scores"`
	Created time.Time          `json:"created"`
}

func main() {
	recs := []record{{Name: "a", Tags: []string{"x"}, Scores: map[string]float64{"q": 1}, Created: time.Unix(0, 0)}}
	blob, err := json.Marshal(recs)
	check(err)

	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, err = zw.Write(blob)
	check(err)
	check(zw.Close())

	mac := hmac.New(sha256.New, []byte("key"))
	mac.Write(blob)
	sig := mac.Sum(nil)

	words := strings.Fields(strings.NewReplacer(",", " ", ":", " ").Replace(string(blob)))
	sort.Strings(words)
	fmt.Printf("%d bytes json, %d gzipped, mac %x, %s\n",
		len(blob), zipped.Len(), sig[:4], strings.Join(words, ","))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
