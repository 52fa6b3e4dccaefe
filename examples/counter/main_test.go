package main

import (
	"os"
	"strings"
	"testing"
)

// The program itself, run as an example: its output is checked.
func Example() {
	main()
	// Output: 400000 <nil>
}

// README.md shows this program verbatim, so that what readers copy is what
// the example above runs.
func TestReadmeShowsProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	prog, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Use it from Go\n")
	if !ok {
		t.Fatal(`README.md has no "## Use it from Go" section`)
	}
	_, block, ok := strings.Cut(section, "\n```go\n")
	if !ok {
		t.Fatal(`README.md's "Use it from Go" section has no Go code block`)
	}
	block, _, ok = strings.Cut(block, "\n```\n")
	if !ok {
		t.Fatal("unterminated code block")
	}
	if block+"\n" != string(prog) {
		t.Errorf("README.md's program differs from examples/counter/main.go; copy main.go into the README:\n%s", prog)
	}
}
