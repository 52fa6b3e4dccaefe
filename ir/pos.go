package ir

import (
	"fmt"
	"sort"
)

// Pos is a position in a Source: the byte offset plus one, so that the zero
// Pos means "no position". It is as compact as go/token.Pos; a Source turns
// it into a line and column (text) or a hex offset (binary).
type Pos uint32

// NoPos is the zero Pos.
const NoPos Pos = 0

// PosAt returns the Pos of byte offset off.
func PosAt(off int) Pos { return Pos(off + 1) }

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p != NoPos }

// Offset returns the byte offset of p (-1 for NoPos).
func (p Pos) Offset() int { return int(p) - 1 }

// Source is one input file: its name and bytes. Text sources report
// file:line:col, binary sources file:0xoffset.
type Source struct {
	Name   string
	Data   []byte
	Binary bool

	lines []int // start offset of each line, computed on first use
}

// NewSource returns a Source for data read from name.
func NewSource(name string, data []byte, binary bool) *Source {
	return &Source{Name: name, Data: data, Binary: binary}
}

// Position is a resolved Pos.
type Position struct {
	File   string
	Offset int // byte offset
	Line   int // 1-based; 0 for binary sources
	Column int // 1-based, in bytes
	Binary bool
}

// String formats file:line:col for text and file:0xoff for binary input.
func (p Position) String() string {
	if p.Binary {
		return fmt.Sprintf("%s:0x%x", p.File, p.Offset)
	}
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Position resolves p.
func (s *Source) Position(p Pos) Position {
	if s == nil {
		return Position{}
	}
	pos := Position{File: s.Name, Binary: s.Binary}
	if !p.IsValid() {
		return pos
	}
	off := p.Offset()
	if off > len(s.Data) {
		off = len(s.Data)
	}
	pos.Offset = off
	if s.Binary {
		return pos
	}
	if s.lines == nil {
		s.lines = []int{0}
		for i, c := range s.Data {
			if c == '\n' {
				s.lines = append(s.lines, i+1)
			}
		}
	}
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	pos.Line = i + 1
	pos.Column = off - s.lines[i] + 1
	return pos
}

// Line returns the text of the line containing p, without its newline.
func (s *Source) Line(p Pos) string {
	if s == nil || s.Binary || !p.IsValid() {
		return ""
	}
	off := p.Offset()
	if off > len(s.Data) {
		off = len(s.Data)
	}
	start := off
	for start > 0 && s.Data[start-1] != '\n' {
		start--
	}
	end := off
	for end < len(s.Data) && s.Data[end] != '\n' {
		end++
	}
	line := s.Data[start:end]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return string(line)
}
