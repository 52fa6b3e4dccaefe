package ir

import (
	"fmt"
	"strings"
)

// ErrorKind classifies an error the way the .wast assertions do.
type ErrorKind byte

const (
	Malformed      ErrorKind = iota // assert_malformed: text or binary syntax
	Invalid                         // assert_invalid: validation
	Unlinkable                      // assert_unlinkable: imports do not match
	Uninstantiable                  // assert_uninstantiable: start or segment trap
	Trap                            // assert_trap
	Exhaustion                      // assert_exhaustion: call stack exhausted
)

func (k ErrorKind) String() string {
	switch k {
	case Malformed:
		return "malformed"
	case Invalid:
		return "invalid"
	case Unlinkable:
		return "unlinkable"
	case Uninstantiable:
		return "uninstantiable"
	case Trap:
		return "trap"
	case Exhaustion:
		return "exhaustion"
	}
	return "error"
}

// Error is watt's one error type. Msg starts with the spec's exact text
// ("unaligned atomic", "type mismatch"); context follows it. Src, when set,
// resolves Pos for printing.
type Error struct {
	Src  *Source
	Pos  Pos
	Kind ErrorKind
	Msg  string
	// Cause is the error this one reports, if any: the interpreter sets
	// it to its *interp.Trap, so that errors.As finds the trap (and
	// errors.Is whatever error a host function trapped with).
	Cause error
}

// Unwrap returns e.Cause, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Cause }

// Position resolves the error's position (zero if it has no source).
func (e *Error) Position() Position { return e.Src.Position(e.Pos) }

// Error formats "file:line:col: msg" (or "file:0xoff: msg" for binaries).
func (e *Error) Error() string {
	if e.Src == nil {
		return e.Msg
	}
	if !e.Pos.IsValid() {
		return e.Src.Name + ": " + e.Msg
	}
	return e.Position().String() + ": " + e.Msg
}

// Errorf builds an *Error.
func Errorf(src *Source, pos Pos, kind ErrorKind, format string, args ...any) *Error {
	return &Error{Src: src, Pos: pos, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// ErrorList collects errors, as go/scanner.ErrorList does.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(e *Error) { *l = append(*l, e) }

// Err returns l as an error, or nil if it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Error joins the messages, one per line.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find the individual errors.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Format writes errors the way wabt's tools do: "file:line:col: error: msg",
// then the source line and carets under the token at the column.
func Format(err error) string {
	var list ErrorList
	switch e := err.(type) {
	case ErrorList:
		list = e
	case *Error:
		list = ErrorList{e}
	default:
		return err.Error() + "\n"
	}
	var b strings.Builder
	for _, e := range list {
		if e.Src == nil {
			b.WriteString("error: " + e.Msg + "\n")
			continue
		}
		p := e.Position()
		if !e.Pos.IsValid() {
			fmt.Fprintf(&b, "%s: error: %s\n", e.Src.Name, e.Msg)
			continue
		}
		fmt.Fprintf(&b, "%s: error: %s\n", p, e.Msg)
		if !e.Src.Binary {
			line := e.Src.Line(e.Pos)
			if len(line) > 160 {
				// Keep the caret visible on minified input.
				start := max(0, p.Column-80)
				end := min(len(line), start+160)
				line, p.Column = line[start:end], p.Column-start
			}
			b.WriteString(line + "\n")
			b.WriteString(caretLine(line, p.Column) + "\n")
		}
	}
	return b.String()
}

// caretLine underlines the token starting at 1-based column col of line, as
// wabt does ("^^^^^^^" under "i32.foo"; a single caret under a
// parenthesis). Tabs before the column are kept so the carets line up in a
// terminal.
func caretLine(line string, col int) string {
	col = max(1, min(col, len(line)+1))
	var b strings.Builder
	for i := 0; i < col-1; i++ {
		if line[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteString(strings.Repeat("^", tokenWidth(line[col-1:])))
	return b.String()
}

// tokenWidth is the length of the text-format token at the start of s: a
// whole string literal, a keyword or number up to the next delimiter, and 1
// for a parenthesis, a space or the end of the line.
func tokenWidth(s string) int {
	if s == "" {
		return 1
	}
	switch s[0] {
	case '(', ')', ' ', '\t', '\r', ';':
		return 1
	case '"':
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(s)
	}
	n := 0
	for n < len(s) && !strings.ContainsRune(" \t\r()\";", rune(s[n])) {
		n++
	}
	return n
}
