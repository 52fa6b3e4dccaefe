// Command wasihello is a small GOOS=wasip1 program: internal/compilertest
// builds it and checks that Go's wasm output decodes and validates (and,
// once WASI runs, that it prints the expected text).
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
)

func main() {
	words := strings.Fields("watt runs threads on goroutines over one shared memory")
	var mu sync.Mutex
	var wg sync.WaitGroup
	lengths := map[string]int{}
	for _, w := range words {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			lengths[w] = len(w)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Strings(words)
	for _, w := range words {
		fmt.Printf("%s=%d\n", w, lengths[w])
	}
	if len(os.Args) > 1 {
		fmt.Println("args:", strings.Join(os.Args[1:], " "))
	}
}
